"""Tests for course_utils.training: epoch timing, best-weight callbacks, results rows, bootstrap intervals,
masked average pooling, IMDB decoding."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from course_utils import config

config.set_seed(0)

import keras  # noqa: E402

from course_utils import tables, training  # noqa: E402


def tiny_model() -> keras.Model:
    """A one-weight linear regression that plain SGD changes every epoch."""
    inputs = keras.Input(shape=(1,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", metrics=["accuracy"])
    return model


def toy_data(n: int = 64) -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(-1, 1, n, dtype="float32").reshape(-1, 1)
    return x, 2 * x


class ScriptedValLoss(keras.callbacks.Callback):
    """Overwrite ``val_loss`` with a fixed sequence, so the best epoch is known in advance.

    Keras hands the same ``logs`` dict to every callback, so the callbacks after this one
    (early stopping, checkpoint, History) see the scripted values.
    """

    def __init__(self, values: list[float]) -> None:
        super().__init__()
        self.values = values

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        logs["val_loss"] = self.values[epoch]


class WeightRecorder(keras.callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.weights: list[list[np.ndarray]] = []

    def on_epoch_end(self, epoch: int, logs: Mapping[str, float] | None = None) -> None:
        self.weights.append([w.copy() for w in self.model.get_weights()])


def same_weights(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


# --- EpochTimer --------------------------------------------------------------------


def test_epoch_timer_records_one_positive_time_per_epoch_and_resets_each_fit() -> None:
    model, (x, y), timer = tiny_model(), toy_data(), training.EpochTimer()
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[timer])
    assert len(timer.seconds) == 3 and all(s > 0 for s in timer.seconds)
    assert timer.seconds_per_epoch == pytest.approx(np.mean(timer.seconds[1:]))
    model.fit(x, y, epochs=1, batch_size=16, verbose=0, callbacks=[timer])
    assert len(timer.seconds) == 1
    assert timer.seconds_per_epoch == timer.seconds[0]  # one epoch: nothing to leave out


def test_epoch_timer_does_not_keep_the_model_alive_after_fit() -> None:
    model, (x, y), timer = tiny_model(), toy_data(), training.EpochTimer()
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[timer])
    alive = weakref.ref(model)
    del model, history  # the History and the model point at each other: only the cycle collector frees them
    gc.collect()
    assert alive() is None
    assert len(timer.seconds) == 2  # the numbers stay


def test_epoch_timer_without_epochs_raises() -> None:
    with pytest.raises(ValueError, match="에포크가 없어요"):
        _ = training.EpochTimer().seconds_per_epoch


# --- best weights: EarlyStopping + ModelCheckpoint ---------------------------------


def test_best_weights_callbacks_keep_and_save_the_best_epoch(tmp_path: Path) -> None:
    model, (x, y) = tiny_model(), toy_data()
    path = tmp_path / "best.keras"
    recorder, scripted = WeightRecorder(), ScriptedValLoss([3.0, 1.0, 2.0, 4.0, 0.5, 0.1])
    history = model.fit(
        x, y, validation_split=0.25, epochs=6, batch_size=16, verbose=0,
        callbacks=[recorder, scripted, *training.best_weights_callbacks(path, patience=2)],
    )
    assert history.history["val_loss"] == [3.0, 1.0, 2.0, 4.0]  # stopped: two epochs without improvement
    assert training.kept_epoch(history) == 1
    assert same_weights(model.get_weights(), recorder.weights[1])  # restored in memory
    assert not same_weights(recorder.weights[1], recorder.weights[3])
    saved = keras.models.load_model(path)
    assert same_weights(saved.get_weights(), recorder.weights[1])  # and the same weights on disk


def test_best_weights_callbacks_need_a_keras_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.keras"):
        training.best_weights_callbacks(tmp_path / "best.h5")


def test_best_weights_callbacks_maximise_accuracy_metrics(tmp_path: Path) -> None:
    stopping, checkpoint = training.best_weights_callbacks(tmp_path / "m.keras", monitor="val_accuracy")
    assert stopping.monitor == checkpoint.monitor == "val_accuracy"
    assert stopping.mode == checkpoint.mode == "max"
    assert training.best_weights_callbacks(tmp_path / "m.keras")[0].mode == "min"  # val_loss


# --- kept_epoch, summarize, RunResult.row ---------------------------------------------


HISTORY = {"loss": [0.6, 0.4, 0.3, 0.2], "val_loss": [0.5, 0.35, 0.35, 0.4],
           "accuracy": [0.7, 0.8, 0.85, 0.9], "val_accuracy": [0.75, 0.84, 0.86, 0.83]}


def test_kept_epoch_is_the_best_monitored_epoch_or_the_last() -> None:
    assert training.kept_epoch(HISTORY) == 1  # the first of the tied minima, like Keras
    assert training.kept_epoch(HISTORY, monitor="val_accuracy") == 2
    assert training.kept_epoch(HISTORY, restored_best=False) == 3
    with pytest.raises(KeyError, match="val_auc"):
        training.kept_epoch(HISTORY, monitor="val_auc")


def test_summarize_reports_the_kept_epoch_and_its_row_has_korean_headers() -> None:
    model, timer = tiny_model(), training.EpochTimer()
    timer.seconds = [5.0, 2.0, 3.0, 4.0]
    best = training.summarize("best", model, HISTORY, timer, train_size=100, maxlen=20, test_accuracy=0.8)
    last = training.summarize("last", model, HISTORY, timer, train_size=100, maxlen=20, test_accuracy=0.7,
                              restored_best=False)
    assert best == training.RunResult("best", 2, 100, 20, 4, 3.0, 0.84, 0.8)  # Dense(1) on 1 input: w + b
    assert last.val_accuracy == 0.83
    frame = tables.ResultsTable([best.row(), last.row()]).frame()
    assert list(frame.columns) == list(training.RESULT_COLUMNS.values())
    assert frame["모델"].tolist() == ["best", "last"]
    assert frame["테스트 정확도"].tolist() == [0.8, 0.7]


def test_summarize_a_fit_without_validation_keeps_the_last_epoch_and_has_no_val_accuracy() -> None:
    timer = training.EpochTimer()
    timer.seconds = [5.0, 2.0, 4.0]
    refit = training.summarize("refit", tiny_model(), {"loss": [0.6, 0.4, 0.3], "accuracy": [0.7, 0.8, 0.9]}, timer,
                               train_size=125, maxlen=20, test_accuracy=0.85)
    assert (refit.epochs, refit.seconds_per_epoch, refit.test_accuracy) == (3, 3.0, 0.85)
    assert np.isnan(refit.val_accuracy)


# --- masked_average ------------------------------------------------------------------


def test_masked_average_equals_keras_pooling_and_gives_zeros_for_empty_rows() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 6, 3)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0]], dtype=bool)
    ours = training.masked_average(x, mask)
    keras_pooled = np.asarray(keras.layers.GlobalAveragePooling1D()(x, mask=mask))
    np.testing.assert_allclose(ours[:3], keras_pooled[:3], rtol=1e-5, atol=1e-6)
    assert np.isnan(keras_pooled[3]).all()  # Keras: 0 / 0 for a row with no kept step
    assert ours[3].tolist() == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(training.masked_average(x, mask.astype(int)), ours)  # 0/1 masks work too
    x_nan = x.copy()
    x_nan[0, 5] = np.nan  # a masked step's value never leaks into the average
    np.testing.assert_allclose(training.masked_average(x_nan, mask)[0], ours[0])


def test_masked_average_rejects_mismatched_shapes_and_non_binary_masks() -> None:
    x = np.zeros((2, 3, 4))
    with pytest.raises(ValueError, match="3차원"):
        training.masked_average(np.zeros((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        training.masked_average(x, np.ones((3, 2)))
    with pytest.raises(ValueError, match="True/False"):
        training.masked_average(x, np.full((2, 3), 2))
