"""Training helpers shared by the notebooks: epoch timing, best-weight callbacks, results tables.

A notebook that compares several models repeats the same steps for each: fit with callbacks,
time the epochs, remember which epoch's weights the model kept, and put one row per model in
a table. Those steps live here::

    timer = EpochTimer()
    history = model.fit(x, y, validation_split=0.2, epochs=10,
                        callbacks=[*best_weights_callbacks(path), timer])
    row = summarize("LSTM(32)", model, history, timer, train_size=len(x), maxlen=200)
    results_frame([row])

Two small pieces of evaluation go with them: :func:`bootstrap_ci` puts a confidence interval
on an accuracy (or on the paired difference of two models) over the evaluation examples, and
:func:`masked_average` is the NumPy reference of masked average pooling. It also turns IMDB word
ids back into words (:func:`imdb_index_to_word`, :func:`decode_review`).

Importing this module imports Keras; call ``config.setup()`` first in a notebook.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pandas as pd

PAD, START, OOV = "<PAD>", "<START>", "<OOV>"
"""Display names of the reserved ids 0, 1 and 2 in the Keras IMDB encoding."""

RESULT_COLUMNS = {
    "model": "모델",
    "params": "파라미터 수",
    "train_size": "학습 데이터 수",
    "maxlen": "maxlen",
    "epochs": "에포크",
    "seconds_per_epoch": "초/에포크",
    "val_accuracy": "검증 정확도",
    "test_accuracy": "테스트 정확도",
}
"""Korean column headers of :func:`results_frame`, keyed by :class:`RunResult` field."""


class EpochTimer(keras.callbacks.Callback):
    """Record the wall-clock seconds of every training epoch (its validation pass included).

    ``seconds`` is reset at the start of each ``fit``, so one timer describes one fit.
    """

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self._start = 0.0

    def on_train_begin(self, logs: Mapping[str, float] | None = None) -> None:
        self.seconds = []

    def on_epoch_begin(self, epoch: int, logs: Mapping[str, float] | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: Mapping[str, float] | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)

    @property
    def seconds_per_epoch(self) -> float:
        """Mean seconds of the epochs after the first; the first epoch's time if only one ran.

        The first epoch also traces and compiles the training graph, so it is slower than
        the steady state that decides how long a longer run takes.
        """
        if not self.seconds:
            raise ValueError("기록된 에포크가 없어요. model.fit(..., callbacks=[timer]) 로 학습한 뒤에 읽어 주세요.")
        steady = self.seconds[1:] or self.seconds
        return float(np.mean(steady))


def best_weights_callbacks(
    checkpoint_path: str | Path, *, monitor: str = "val_loss", patience: int = 2
) -> list[keras.callbacks.Callback]:
    """Early stopping that restores the best weights, and a checkpoint that saves them to disk.

    ``EarlyStopping(restore_best_weights=True)`` leaves the model holding the weights of the
    epoch with the best ``monitor`` value; ``ModelCheckpoint(save_best_only=True)`` writes that
    same model to ``checkpoint_path`` (a ``.keras`` file) so it survives the session.
    """
    path = Path(checkpoint_path)
    if path.suffix != ".keras":
        raise ValueError(f"체크포인트 파일 이름은 .keras 로 끝나야 해요: {path.name}")
    mode = "min" if "loss" in monitor else "max"
    return [
        keras.callbacks.EarlyStopping(monitor=monitor, mode=mode, patience=patience, restore_best_weights=True),
        keras.callbacks.ModelCheckpoint(str(path), monitor=monitor, mode=mode, save_best_only=True),
    ]


def _logs(history: Any) -> Mapping[str, Sequence[float]]:
    """The metric lists of a Keras ``History`` or of a plain dict."""
    return getattr(history, "history", history)


def kept_epoch(history: Any, *, monitor: str = "val_loss", restored_best: bool = True) -> int:
    """0-based index of the epoch whose weights the model holds after ``fit``.

    With ``restored_best`` (``EarlyStopping(restore_best_weights=True)``) that is the epoch
    with the best ``monitor`` value (lowest for a loss, highest otherwise; the first on ties,
    as Keras keeps only strict improvements); without it, the last epoch.
    """
    logs = _logs(history)
    if monitor not in logs or not logs[monitor]:
        raise KeyError(f"학습 기록에 '{monitor}' 가 없어요. 사용 가능한 지표: {list(logs)}")
    values = np.asarray(logs[monitor], dtype=float)
    if not restored_best:
        return len(values) - 1
    return int(np.argmin(values) if "loss" in monitor else np.argmax(values))


@dataclass(frozen=True)
class RunResult:
    """One row of a results table: a trained model and how it did."""

    model: str
    params: int
    train_size: int
    maxlen: int
    epochs: int
    seconds_per_epoch: float
    val_accuracy: float
    test_accuracy: float = float("nan")


def summarize(
    name: str,
    model: keras.Model,
    history: Any,
    timer: EpochTimer,
    *,
    train_size: int,
    maxlen: int,
    test_accuracy: float = float("nan"),
    restored_best: bool = True,
    monitor: str = "val_loss",
) -> RunResult:
    """Collect a fitted model's row: parameters, epochs run, time per epoch, accuracies.

    ``train_size`` is the number of examples given to ``fit`` (validation split included),
    which the time per epoch depends on. The validation accuracy is the one of the epoch whose weights the model kept (see
    :func:`kept_epoch`), so it describes the same weights as ``test_accuracy``. A model fitted without validation
    data (a final refit on every training example) keeps its last epoch and gets ``nan`` as validation accuracy.
    ``test_accuracy`` stays ``nan`` for the models that are compared and chosen on validation only.
    """
    logs = _logs(history)
    if "val_accuracy" in logs:
        val_accuracy = float(logs["val_accuracy"][kept_epoch(logs, monitor=monitor, restored_best=restored_best)])
    else:
        val_accuracy = float("nan")
    return RunResult(
        model=name,
        params=int(model.count_params()),
        train_size=int(train_size),
        maxlen=int(maxlen),
        epochs=len(logs["loss"]),
        seconds_per_epoch=timer.seconds_per_epoch,
        val_accuracy=val_accuracy,
        test_accuracy=float(test_accuracy),
    )


def results_frame(results: Iterable[RunResult]) -> pd.DataFrame:
    """A table with one row per :class:`RunResult`, in the given order, with Korean headers."""
    rows = [asdict(result) for result in results]
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    return frame.rename(columns=RESULT_COLUMNS)


def bootstrap_ci(
    values: Any, *, confidence: float = 0.95, n_resamples: int = 2_000, seed: int = 0
) -> tuple[float, float, float]:
    """Mean of per-example ``values`` and its percentile bootstrap interval: ``(mean, low, high)``.

    For an accuracy pass ``pred == y`` (one 0/1 value per evaluation example); for the paired
    difference of two models scored on the same examples pass ``correct_a.astype(float) - correct_b``
    (an interval that excludes 0 is not explained by which examples happen to be in the split).
    Resampling is done by ``scipy.stats.bootstrap`` with a fixed ``seed``.
    """
    from scipy import stats

    array = np.asarray(values)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"bootstrap_ci 에는 예제마다 하나씩인 숫자 배열을 넘겨 주세요 (받은 형식: {array.dtype}).")
    array = array.astype(float)
    if array.ndim != 1 or array.size < 2:
        raise ValueError(f"bootstrap_ci 에는 예제가 2개 이상인 1차원 배열이 필요해요 (받은 모양: {array.shape}).")
    if not np.all(np.isfinite(array)):
        raise ValueError("bootstrap_ci 의 값에 NaN 이나 무한대가 있어요. 예측을 만든 단계를 확인해 주세요.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence 는 0과 1 사이여야 해요 (받은 값: {confidence}).")
    mean = float(array.mean())
    if np.all(array == array[0]):  # every resample has the same mean
        return mean, mean, mean
    result = stats.bootstrap((array,), np.mean, n_resamples=n_resamples, confidence_level=confidence,
                             method="percentile", vectorized=True, rng=np.random.default_rng(seed))
    return mean, float(result.confidence_interval.low), float(result.confidence_interval.high)


def masked_average(x: Any, mask: Any) -> np.ndarray:
    """Average of ``x`` (batch, time, features) over the steps where ``mask`` (batch, time) is true.

    This is what ``keras.layers.GlobalAveragePooling1D`` computes when it receives a mask, for every
    row with at least one kept step. A row whose steps are all masked (an empty sequence) has nothing
    to average: it gets a zero vector here, where Keras divides 0 by 0 and returns NaN.
    """
    values = np.asarray(x, dtype=float)
    keep = np.asarray(mask)
    if values.ndim != 3:
        raise ValueError(f"x 는 (배치, 시점, 특성) 3차원이어야 해요 (받은 모양: {values.shape}).")
    if keep.shape != values.shape[:2]:
        raise ValueError(f"mask 의 모양은 x 의 앞 두 축 {values.shape[:2]} 과 같아야 해요 (받은 모양: {keep.shape}).")
    if keep.dtype != bool:
        if not np.isin(keep, (0, 1)).all():
            raise ValueError("mask 에는 True/False (또는 1/0)만 들어갈 수 있어요.")
        keep = keep.astype(bool)
    total = np.where(keep[..., None], values, 0.0).sum(axis=1)
    count = keep.sum(axis=1, keepdims=True)
    return total / np.maximum(count, 1)


def imdb_index_to_word(
    word_index: Mapping[str, int], *, index_from: int = 3, start_char: int = 1, oov_char: int = 2
) -> dict[int, str]:
    """Invert a word → rank mapping into the id → word mapping of ``load_imdb``'s arrays.

    Ids are ``rank + index_from``; 0 is padding and ``start_char``/``oov_char`` are the reserved
    start and out-of-vocabulary markers (shown as ``<PAD>``, ``<START>``, ``<OOV>``).
    """
    vocab = {rank + index_from: word for word, rank in word_index.items()}
    vocab.update({0: PAD, start_char: START, oov_char: OOV})
    return vocab


def decode_review(ids: Iterable[int], index_to_word: Mapping[int, str], *, skip_padding: bool = True) -> str:
    """Join the words of a sequence of ids; padding (id 0) is dropped unless ``skip_padding=False``."""
    return " ".join(index_to_word.get(int(i), OOV) for i in ids if not (skip_padding and int(i) == 0))
