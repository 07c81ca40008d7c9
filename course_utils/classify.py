"""Classifying short texts whose tokenizer runs outside the model (notebook 06).

Kiwi, KoNLPy and SentencePiece tokenize in Python, so a Keras model cannot take the raw
strings. The tokens are joined with spaces and handed to ``keras.layers.TextVectorization``
(``standardize=None``, ``split="whitespace"``), which then only maps tokens to integers, with
Keras' conventions (0 padding, 1 ``[UNK]``, then by frequency)::

    from course_utils import classify, text

    tokenizer = text.make_tokenizer("kiwi")
    train_tokens = tokenizer.tokenize_all(train_titles)
    maxlen = classify.sequence_length(train_tokens, coverage=0.99)
    vectorizer = classify.fit_vectorizer(train_tokens, maxlen=maxlen, max_tokens=20_000)
    x_train = classify.vectorize(vectorizer, train_tokens)      # (n, maxlen) int64, 0 = padding
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

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
import pandas as pd

from course_utils.text import Tokenizer


SPACE_IN_TOKEN = "_"
"""What whitespace inside a token becomes when tokens are joined (Kiwi's ``"베이브 루스"``)."""

_WHITESPACE = re.compile(r"\s+")


def join_tokens(token_lists: Iterable[Sequence[str]]) -> list[str]:
    """Join each token list with single spaces, for ``TextVectorization(split="whitespace")``.

    A token with whitespace inside (Kiwi returns some multi-word proper nouns such as
    ``"베이브 루스"`` as one token) keeps being one token: each run of whitespace in it becomes
    :data:`SPACE_IN_TOKEN` (``"베이브_루스"``). An empty token raises ``ValueError``, since it
    would silently disappear.
    """
    joined = []
    for tokens in token_lists:
        parts = []
        for token in tokens:
            part = _WHITESPACE.sub(SPACE_IN_TOKEN, token.strip())
            if not part:
                raise ValueError(f"빈 토큰(또는 공백뿐인 토큰)이 있어요: {token!r}")
            parts.append(part)
        joined.append(" ".join(parts))
    return joined


def sequence_length(token_lists: Sequence[Sequence[str]], coverage: float = 0.99) -> int:
    """The smallest length that holds every token of at least ``coverage`` of the lists.

    ``coverage=1.0`` gives the longest list; texts longer than the result are cut when padded.
    """
    if not 0 < coverage <= 1:
        raise ValueError(f"coverage는 0보다 크고 1 이하여야 해요 (받은 값: {coverage}).")
    if not token_lists:
        raise ValueError("토큰 목록이 비어 있어요.")
    lengths = np.sort([len(tokens) for tokens in token_lists])
    needed = int(np.ceil(coverage * len(lengths)))
    return max(1, int(lengths[needed - 1]))


def fit_vectorizer(
    token_lists: Iterable[Sequence[str]], *, maxlen: int, max_tokens: int | None = None
) -> keras.layers.TextVectorization:
    """A ``TextVectorization`` layer adapted to pre-tokenized texts.

    No standardisation, split on the spaces :func:`join_tokens` puts between tokens, outputs
    padded or cut to ``maxlen`` integers (padding and cutting at the end). ``max_tokens``
    counts padding and ``[UNK]``, as in Keras.
    """
    vectorizer = keras.layers.TextVectorization(
        max_tokens=max_tokens, standardize=None, split="whitespace", output_mode="int",
        output_sequence_length=maxlen,
    )
    vectorizer.adapt(np.array(join_tokens(token_lists), dtype=object), batch_size=1024)
    return vectorizer


def vectorize(vectorizer: keras.layers.TextVectorization, token_lists: Iterable[Sequence[str]]) -> np.ndarray:
    """The integer matrix ``(len(token_lists), maxlen)`` of tokenized texts (0 = padding, 1 = OOV)."""
    joined = join_tokens(token_lists)
    if not joined:
        raise ValueError("토큰 목록이 비어 있어요.")
    return np.asarray(vectorizer(np.array(joined, dtype=object)), dtype=np.int64)


def unknown_share(ids: Any) -> float:
    """Share of the real (non-padding) positions of an integer matrix that are ``[UNK]`` (1).

    This is the out-of-vocabulary rate the model actually sees, after the vocabulary cut and
    the cut to ``maxlen``. Returns 0.0 when there is no real position.
    """
    ids = np.asarray(ids)
    real = int(np.count_nonzero(ids))
    return float(np.count_nonzero(ids == 1) / real) if real else 0.0


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


@dataclass(frozen=True)
class BootstrapDifference:
    """A paired bootstrap of ``metric(b) - metric(a)`` on the same examples."""

    difference: float
    low: float
    high: float
    level: float

    def __str__(self) -> str:
        return f"{self.difference:+.4f} ({self.level:.0%} 구간 {self.low:+.4f} ~ {self.high:+.4f})"

    @property
    def excludes_zero(self) -> bool:
        """Whether the interval lies entirely on one side of zero."""
        return self.low > 0 or self.high < 0


def bootstrap_difference(
    y_true: Any, pred_a: Any, pred_b: Any, *, num_classes: int, metric: str = "macro_f1",
    n_resamples: int = 1_000, level: float = 0.95, seed: int = 0,
) -> BootstrapDifference:
    """Paired bootstrap interval of ``metric(pred_b) - metric(pred_a)`` (``"macro_f1"`` or ``"accuracy"``).

    Resamples the examples with replacement ``n_resamples`` times, scores both predictions on
    each resample and returns the observed difference with the percentile interval.
    """
    truth = np.asarray(y_true).ravel().astype(int)
    preds = [np.asarray(p).ravel().astype(int) for p in (pred_a, pred_b)]
    if any(p.shape != truth.shape for p in preds) or truth.size == 0:
        raise ValueError(f"y_true, pred_a, pred_b는 길이가 같고 비어 있지 않아야 해요: "
                         f"{truth.shape}, {preds[0].shape}, {preds[1].shape}")
    if metric not in ("macro_f1", "accuracy"):
        raise ValueError(f"metric은 'macro_f1' 또는 'accuracy'여야 해요 (받은 값: {metric!r}).")
    if not 0 < level < 1:
        raise ValueError(f"level은 0과 1 사이여야 해요 (받은 값: {level}).")
    for values in (truth, *preds):
        if values.min() < 0 or values.max() >= num_classes:
            raise ValueError(f"레이블은 0 이상 num_classes({num_classes}) 미만이어야 해요.")
    rng = np.random.default_rng(seed)
    samples = np.vstack([np.arange(truth.size), rng.integers(0, truth.size, size=(n_resamples, truth.size))])

    def score(pred: np.ndarray) -> np.ndarray:
        if metric == "accuracy":
            return (pred[samples] == truth[samples]).mean(axis=1)
        cells = truth[samples] * num_classes + pred[samples] + (np.arange(len(samples)) * num_classes**2)[:, None]
        counts = np.bincount(cells.ravel(), minlength=len(samples) * num_classes**2)
        return _macro_f1_batch(counts.reshape(len(samples), num_classes, num_classes).astype(float))

    differences = score(preds[1]) - score(preds[0])
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(differences[1:], [tail, 100 - tail])
    return BootstrapDifference(float(differences[0]), float(low), float(high), level)


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
