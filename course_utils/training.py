"""Training helpers shared by the notebooks: epoch timing, best-weight callbacks, a results row per fit.

A notebook that compares several models repeats the same steps for each: fit with callbacks,
time the epochs, remember which epoch's weights the model kept, and put one row per model in
a table (:mod:`course_utils.tables`). Those steps live here::

    timer = EpochTimer()
    history = model.fit(x, y, validation_split=0.2, epochs=10,
                        callbacks=[*best_weights_callbacks(path), timer])
    result = summarize("LSTM(32)", model, history, timer, train_size=len(x), maxlen=200)
    tables.ResultsTable([result.row()]).frame()

:func:`masked_average` is the NumPy reference of masked average pooling (intervals on the
accuracies come from :mod:`course_utils.stats`).

Importing this module imports Keras; call ``config.setup()`` first in a notebook.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np

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
"""Korean column headers of :meth:`RunResult.row`, keyed by :class:`RunResult` field."""


class EpochTimer(keras.callbacks.Callback):
    """Record the wall-clock seconds of every training epoch (its validation pass included).

    ``seconds`` is reset at the start of each ``fit``, so one timer describes one fit. When the
    fit ends the timer lets go of the model (Keras hands every callback a reference to it), so a
    timer kept for its numbers does not keep a trained model and its compiled functions in memory.
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

    def on_train_end(self, logs: Mapping[str, float] | None = None) -> None:
        self.set_model(None)

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

    def row(self) -> dict[str, Any]:
        """The result as a row of :class:`course_utils.tables.ResultsTable`, with Korean column names."""
        return {RESULT_COLUMNS[name]: value for name, value in asdict(self).items()}


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
