"""Classifying short texts whose tokenizer runs outside the model (notebook 06).

Kiwi, KoNLPy and SentencePiece tokenize in Python, so a Keras model cannot take the raw
strings: :mod:`course_utils.text` turns the token lists into integer ids (``fit_vectorizer``,
``vectorize``), and :class:`TextClassifier` chains the whole path from a raw text to a topic::

    from course_utils import classify, text

    tokenizer = text.make_tokenizer("kiwi")
    train_tokens = tokenizer.tokenize_all(train_titles)
    maxlen = text.sequence_length(train_tokens, coverage=0.99)
    vectorizer = text.fit_vectorizer(train_tokens, maxlen=maxlen, max_tokens=20_000)
    x_train = text.vectorize(vectorizer, train_tokens)          # (n, maxlen) int64, 0 = padding
    ...                                                         # build and fit a model on x_train
    classifier = classify.TextClassifier(tokenizer, vectorizer, model, label_names)
    classifier.predict(["손흥민 시즌 10호 골"])                    # a frame: text, topic, probability

:func:`confident_mistakes` and :func:`mistakes_frame` find the misclassified texts that a
multi-class model was most sure about; :func:`expected_calibration_error` measures how far its
confidence is from its accuracy; :func:`bootstrap_difference` puts a paired bootstrap interval
around the macro-F1 (or accuracy) difference of two models on the same examples, with
:func:`macro_f1_from_confusion` computing macro-F1 straight from confusion counts.

Importing this module imports Keras; call ``config.setup()`` first in a notebook.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
import pandas as pd

from course_utils import stats
from course_utils.text import Tokenizer, vectorize


def _identity(text: str) -> str:
    return text


@dataclass
class TextClassifier:
    """Raw text in, topic out: ``preprocess`` → ``tokenizer`` → ``vectorizer`` → ``model``.

    ``model`` maps the vectorizer's integer matrix to class probabilities (softmax output);
    ``label_names[i]`` names class ``i``. ``preprocess`` is applied to every text first (e.g.
    Hanja → Hangul), exactly as it was applied to the training texts.
    """

    tokenizer: Tokenizer
    vectorizer: keras.layers.TextVectorization
    model: keras.Model
    label_names: Sequence[str]
    preprocess: Callable[[str], str] = field(default=_identity)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """The integer matrix the model receives for ``texts``."""
        return vectorize(self.vectorizer, self.tokenizer.tokenize_all(self.preprocess(t) for t in texts))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, shape ``(len(texts), len(label_names))``."""
        if isinstance(texts, str):
            raise TypeError("텍스트 하나도 목록으로 넘겨 주세요: predict_proba([\"...\"])")
        proba = np.asarray(self.model.predict(self.encode(texts), verbose=0), dtype=float)
        if proba.shape != (len(texts), len(self.label_names)):
            raise ValueError(f"모델 출력의 모양 {proba.shape}이 (텍스트 수, 클래스 수)와 달라요.")
        return proba

    def predict(self, texts: Sequence[str]) -> pd.DataFrame:
        """One row per text: the text, the most likely label and its probability, and the runner-up."""
        proba = self.predict_proba(texts)
        order = np.argsort(-proba, axis=1, kind="stable")
        names = np.asarray(self.label_names, dtype=object)
        rows = np.arange(len(texts))
        frame = pd.DataFrame({"텍스트": list(texts), "예측": names[order[:, 0]], "확률": proba[rows, order[:, 0]]})
        if proba.shape[1] > 1:
            frame["2순위"] = names[order[:, 1]]
            frame["2순위 확률"] = proba[rows, order[:, 1]]
        return frame


def _check_proba(y_true: Any, proba: Any) -> tuple[np.ndarray, np.ndarray]:
    raw = np.asarray(y_true).ravel()
    if raw.dtype.kind not in "biuf" or (raw.dtype.kind == "f" and not np.all(np.mod(raw, 1) == 0)):
        raise ValueError(f"y_true는 정수 레이블(0, 1, ...)이어야 해요 (받은 값의 예: {raw[:3].tolist()}). "
                         f"확률이라면 레이블로 바꾼 뒤 넘기세요.")
    truth = raw.astype(int)
    prob = np.asarray(proba, dtype=float)
    if prob.ndim != 2 or prob.shape[0] != truth.shape[0]:
        raise ValueError(f"proba는 (표본 수, 클래스 수) 모양이어야 해요: y_true {truth.shape}, proba {prob.shape}")
    if truth.size and (truth.min() < 0 or truth.max() >= prob.shape[1]):
        raise ValueError(f"y_true의 레이블은 0 이상 {prob.shape[1] - 1} 이하여야 해요 "
                         f"(받은 범위: {truth.min()}..{truth.max()}).")
    return truth, prob


def confident_mistakes(y_true: Any, proba: Any, k: int = 10) -> np.ndarray:
    """Indices of the ``k`` misclassified examples whose predicted class had the highest probability.

    The prediction is ``proba.argmax(axis=1)``; ties keep the original order. Returns fewer than
    ``k`` indices when there are fewer mistakes.
    """
    truth, prob = _check_proba(y_true, proba)
    predicted = prob.argmax(axis=1)
    wrong = np.flatnonzero(predicted != truth)
    order = np.argsort(-prob[wrong, predicted[wrong]], kind="stable")
    return wrong[order[:k]]


def mistakes_frame(
    texts: Sequence[str], y_true: Any, proba: Any, label_names: Sequence[str], k: int = 10
) -> pd.DataFrame:
    """The :func:`confident_mistakes` as a table: text, true label, prediction, its probability,
    and the probability the model gave to the true label."""
    truth, prob = _check_proba(y_true, proba)
    if len(texts) != len(truth):
        raise ValueError(f"texts와 y_true의 길이가 달라요: {len(texts)} != {len(truth)}")
    chosen = confident_mistakes(truth, prob, k)
    predicted = prob.argmax(axis=1)
    names = np.asarray(label_names, dtype=object)
    return pd.DataFrame({
        "텍스트": [texts[i] for i in chosen],
        "정답": names[truth[chosen]],
        "예측": names[predicted[chosen]],
        "예측 확률": prob[chosen, predicted[chosen]],
        "정답 확률": prob[chosen, truth[chosen]],
    }, index=chosen)


def macro_f1_from_confusion(matrix: Any) -> float:
    """Macro-F1 of a ``(K, K)`` confusion matrix (rows = true class, columns = prediction).

    Each class's F1 is ``2 TP / (2 TP + FP + FN)`` and 0 where that is 0 / 0 (a class neither
    present nor predicted), as ``f1_score(..., labels=range(K), average="macro", zero_division=0)``.
    """
    counts = np.asarray(matrix, dtype=float)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.shape[0] == 0:
        raise ValueError(f"혼동 행렬은 (클래스 수, 클래스 수) 모양의 정사각 행렬이어야 해요 (받은 모양: {counts.shape}).")
    return float(_macro_f1_batch(counts[None])[0])


def _macro_f1_batch(matrices: np.ndarray) -> np.ndarray:
    """Macro-F1 of each confusion matrix in a ``(B, K, K)`` stack."""
    true_positive = np.diagonal(matrices, axis1=1, axis2=2)
    denominator = matrices.sum(axis=2) + matrices.sum(axis=1)  # 2 TP + FN + FP
    f1 = np.divide(2 * true_positive, denominator, out=np.zeros_like(true_positive), where=denominator > 0)
    return f1.mean(axis=1)


def _scores(truth: np.ndarray, pred: np.ndarray, metric: str, num_classes: int) -> np.ndarray:
    """``metric`` of each row of ``(resamples, items)`` label arrays (macro-F1 via confusion counts)."""
    if metric == "accuracy":
        return (pred == truth).mean(axis=1)
    rows = len(truth)
    cells = truth * num_classes + pred + (np.arange(rows) * num_classes**2)[:, None]
    counts = np.bincount(cells.ravel().astype(np.int64), minlength=rows * num_classes**2)
    return _macro_f1_batch(counts.reshape(rows, num_classes, num_classes).astype(float))


def bootstrap_difference(
    y_true: Any, pred_a: Any, pred_b: Any, *, num_classes: int, metric: str = "macro_f1",
    n_resamples: int = 1_000, level: float = 0.95, seed: int = 0,
) -> stats.Interval:
    """Paired bootstrap interval of ``metric(pred_b) - metric(pred_a)`` (``"macro_f1"`` or ``"accuracy"``).

    :func:`course_utils.stats.bootstrap_interval` resamples the examples with replacement
    ``n_resamples`` times; both predictions are scored on each resample (macro-F1 from the
    confusion counts of all resamples at once) and the observed difference comes with the
    percentile interval.
    """
    truth = np.asarray(y_true).ravel().astype(int)
    preds = [np.asarray(p).ravel().astype(int) for p in (pred_a, pred_b)]
    if any(p.shape != truth.shape for p in preds) or truth.size == 0:
        raise ValueError(f"y_true, pred_a, pred_b는 길이가 같고 비어 있지 않아야 해요: "
                         f"{truth.shape}, {preds[0].shape}, {preds[1].shape}")
    if metric not in ("macro_f1", "accuracy"):
        raise ValueError(f"metric은 'macro_f1' 또는 'accuracy'여야 해요 (받은 값: {metric!r}).")
    for values in (truth, *preds):
        if values.min() < 0 or values.max() >= num_classes:
            raise ValueError(f"레이블은 0 이상 num_classes({num_classes}) 미만이어야 해요.")

    def difference(truth: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        truth, a, b = (values.astype(int) for values in (truth, a, b))
        return _scores(truth, b, metric, num_classes) - _scores(truth, a, metric, num_classes)

    return stats.bootstrap_interval(truth, *preds, statistic=difference, n_resamples=n_resamples, level=level,
                                    seed=seed)


def expected_calibration_error(y_true: Any, proba: Any, n_bins: int = 10) -> float:
    """Expected calibration error of the top-class probability, in equal-width bins.

    The confidence of an example is its largest probability; it falls in bin ``b`` of
    ``np.linspace(0, 1, n_bins + 1)`` as in ``sklearn.calibration.calibration_curve``. ECE is
    ``Σ_b (n_b / n) · |accuracy_b − mean confidence_b|`` over the non-empty bins.
    """
    truth, prob = _check_proba(y_true, proba)
    if n_bins < 1:
        raise ValueError(f"n_bins는 1 이상이어야 해요 (받은 값: {n_bins}).")
    confidence = prob.max(axis=1)
    correct = (prob.argmax(axis=1) == truth).astype(float)
    bins = np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], confidence)
    gap = np.bincount(bins, weights=correct, minlength=n_bins) - np.bincount(bins, weights=confidence, minlength=n_bins)
    return float(np.abs(gap).sum() / len(truth))
