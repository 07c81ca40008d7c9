"""Time-series forecasting helpers for ``notebooks/07_time_series.ipynb``.

The pieces a forecasting notebook needs again and again, written once:

- :func:`generate_time_series`: batches of noisy synthetic series (the warm-up data);
- :func:`split_by_date` and :data:`CTA_SPLITS`: chronological train / valid / test splits,
  each later split prefixed with the rows its first input window needs;
- :class:`Standardizer`: per-column standardisation fitted on the training split only;
- :func:`window_dataset`: ``(input window, target)`` pairs for Keras, built with
  ``keras.utils.timeseries_dataset_from_array``, with one-step, multi-step (vector) and
  sequence-to-sequence targets;
- :func:`repeat_last_season` and :func:`autoregressive_forecast`: multi-step forecasts
  from a window of past values;
- :func:`forecast_mae`, :func:`fit_timed` and :func:`forecast_row`: evaluate, time and
  compare models against the seasonal-naive baseline (rows of a ``tables.ResultsTable``);

A confidence interval for the difference of two forecasters' errors on the same, overlapping
windows is ``stats.paired_difference(errors_a, errors_b, block=horizon)`` (a moving-block bootstrap).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
import pandas as pd
import tensorflow as tf
from sklearn.metrics import mean_absolute_error

CTA_SPLITS: dict[str, tuple[str, str]] = {
    "train": ("2016-01-01", "2018-12-31"),
    "valid": ("2019-01-01", "2019-05-31"),
    "test": ("2019-06-01", "2020-02-29"),
}
"""Géron's chronological split of the CTA series (Hands-On ML, 3rd ed., ch. 15), with the
test period stopped before the COVID-19 collapse of March 2020."""


def generate_time_series(n_series: int, n_steps: int, *, seed: int = 42) -> np.ndarray:
    """Return ``n_series`` synthetic series of ``n_steps`` values, shape ``(n_series, n_steps, 1)``.

    Each series is the sum of two sine waves with random frequencies and phases plus
    uniform noise (the warm-up data of Géron's chapter 15), as float32.
    """
    if n_series < 1 or n_steps < 2:
        raise ValueError(f"n_series는 1 이상, n_steps는 2 이상이어야 합니다 (받은 값: n_series={n_series}, n_steps={n_steps}).")
    rng = np.random.default_rng(seed)
    freq1, freq2, offset1, offset2 = rng.random((4, n_series, 1))
    t = np.linspace(0, 1, n_steps)
    series = 0.5 * np.sin((t - offset1) * (freq1 * 10 + 10))
    series += 0.2 * np.sin((t - offset2) * (freq2 * 20 + 20))
    series += 0.1 * (rng.random((n_series, n_steps)) - 0.5)
    return series[..., np.newaxis].astype("float32")


def split_by_date(
    frame: pd.DataFrame, bounds: Mapping[str, tuple[str, str]], *, context: int = 0
) -> dict[str, pd.DataFrame]:
    """Cut a date-indexed ``frame`` into chronological splits.

    ``bounds`` maps split names to inclusive ``(first_day, last_day)`` pairs, in time order
    and without overlap. Every split after the first is prefixed with the ``context``
    rows just before its first day, so that the first input window of ``context`` steps
    already predicts the split's first day: the targets then cover the whole period.
    The first split gets no context (there is nothing to predict it from).
    """
    if context < 0:
        raise ValueError(f"context는 0 이상이어야 합니다 (받은 값: {context}).")
    if not frame.index.is_unique:
        repeated = frame.index[frame.index.duplicated()].unique()
        raise ValueError(f"날짜 인덱스에 같은 날짜가 여러 번 있습니다 ({len(repeated)}개, 예: {repeated[0]}). "
                         f"frame[~frame.index.duplicated()]로 지우거나 groupby(level=0)로 합친 뒤 나누세요.")
    if not frame.index.is_monotonic_increasing:
        raise ValueError("날짜 인덱스가 시간 순서로 정렬되어 있지 않습니다. frame.sort_index()로 정렬한 뒤 나누세요.")
    splits: dict[str, pd.DataFrame] = {}
    previous_end: pd.Timestamp | None = None
    for position, (name, (first, last)) in enumerate(bounds.items()):
        start, end = pd.Timestamp(first), pd.Timestamp(last)
        if end < start:
            raise ValueError(f"구간 {name!r}의 끝({last})이 시작({first})보다 앞입니다. (시작, 끝) 순서로 적으세요.")
        if previous_end is not None and start <= previous_end:
            raise ValueError(f"구간 {name!r}이 {first}에 시작해 앞 구간과 겹칩니다. 구간은 시간 순서로, 겹치지 않게 적으세요.")
        previous_end = end
        begin = frame.index.searchsorted(start)
        stop = frame.index.searchsorted(end, side="right")
        if stop <= begin:
            raise ValueError(f"구간 {name!r} ({first} ~ {last})에 해당하는 행이 없습니다. 날짜 범위와 데이터의 기간을 확인하세요.")
        extra = context if position > 0 else 0
        if begin < extra:
            raise ValueError(f"구간 {name!r} 앞에 붙일 context가 {extra}행 필요한데 그 앞에 {begin}행뿐입니다. context를 줄이거나 앞 구간을 늘리세요.")
        splits[name] = frame.iloc[begin - extra : stop]
    return splits


@dataclass(frozen=True)
class Standardizer:
    """Per-column standardisation ``(x - mean) / std`` with statistics from one frame.

    Fit it on the training split only, then transform every split with the same
    statistics, so that nothing about the validation or test period leaks into training.
    """

    mean: pd.Series
    std: pd.Series

    @classmethod
    def fit(cls, frame: pd.DataFrame) -> Standardizer:
        """Learn each column's mean and (population) standard deviation; NaN is an error."""
        missing = frame.columns[frame.isna().any()].tolist()
        if missing:
            raise ValueError(f"결측값(NaN)이 있는 열은 표준화할 수 없습니다: {missing}. "
                             f"먼저 interpolate()나 dropna()로 처리하세요.")
        std = frame.std(ddof=0)
        constant = list(std.index[std == 0])
        if constant:
            raise ValueError(f"값이 변하지 않는(표준편차 0) 열은 표준화할 수 없습니다: {constant}. 그 열을 빼고 fit하세요.")
        return cls(mean=frame.mean(), std=std)

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Standardise the fitted columns of ``frame`` (other columns are an error)."""
        unknown = sorted(set(frame.columns) - set(self.mean.index))
        if unknown:
            raise KeyError(f"fit 때 보지 못한 열입니다: {unknown}. 같은 열로 fit한 Standardizer를 쓰세요.")
        return (frame - self.mean[frame.columns]) / self.std[frame.columns]

    def inverse(self, values: Any, column: str) -> np.ndarray:
        """Map standardised ``values`` of ``column`` back to the original units."""
        return np.asarray(values, dtype=float) * self.std[column] + self.mean[column]


def window_dataset(
    inputs: Any,
    target: Any,
    *,
    seq_length: int,
    horizon: int = 1,
    seq2seq: bool = False,
    batch_size: int = 32,
    shuffle: bool = False,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Pair every window of ``seq_length`` input steps with the ``horizon`` values that follow.

    ``inputs`` has shape ``(n,)`` or ``(n, features)``; ``target`` has shape ``(n,)``.
    Window ``i`` is ``inputs[i : i + seq_length]`` and its target is

    - ``target[i + seq_length : i + seq_length + horizon]``, shape ``(horizon,)``; or, with
      ``seq2seq=True``,
    - for every step ``j`` of the window, the ``horizon`` values after that step,
      ``target[i + j + 1 : i + j + 1 + horizon]``: shape ``(seq_length, horizon)``.

    There are ``n - seq_length - horizon + 1`` windows, batched as float32 tensors
    ``(batch, seq_length, features)``.
    """
    x = np.asarray(inputs, dtype="float32")
    y = np.asarray(target, dtype="float32")
    if x.ndim == 1:
        x = x[:, np.newaxis]
    if x.ndim != 2 or y.ndim != 1 or len(x) != len(y):
        raise ValueError(f"inputs는 (n,) 또는 (n, 특성 수), target은 길이가 같은 (n,)이어야 합니다 (받은 모양: inputs {x.shape}, target {y.shape}).")
    if seq_length < 1 or horizon < 1:
        raise ValueError(f"seq_length와 horizon은 1 이상이어야 합니다 (받은 값: {seq_length}, {horizon}).")
    for label, values in (("inputs", x), ("target", y)):
        bad = np.flatnonzero(~np.isfinite(values).reshape(len(values), -1).all(axis=1))
        if bad.size:
            raise ValueError(f"{label}에 NaN 또는 무한대가 {bad.size}개 시점에 있습니다 (처음: {bad[0]}번째). "
                             f"창을 만들기 전에 interpolate()나 dropna()로 처리하세요.")
    n_windows = len(x) - seq_length - horizon + 1
    if n_windows < 1:
        raise ValueError(f"시점 {len(x)}개로는 입력 {seq_length}스텝 + 타깃 {horizon}스텝짜리 윈도를 하나도 만들 수 없습니다. 데이터를 늘리거나 seq_length를 줄이세요.")
    ahead = np.lib.stride_tricks.sliding_window_view(y, horizon)  # ahead[k] = y[k : k + horizon]
    if seq2seq:
        targets = np.lib.stride_tricks.sliding_window_view(ahead[1:], seq_length, axis=0)
        targets = targets.transpose(0, 2, 1)[:n_windows]  # (window, step, horizon)
    else:
        targets = ahead[seq_length : seq_length + n_windows]
    return keras.utils.timeseries_dataset_from_array(
        x[: n_windows + seq_length - 1],
        np.ascontiguousarray(targets),
        sequence_length=seq_length,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
    )


def repeat_last_season(windows: Any, horizon: int, season: int = 7) -> np.ndarray:
    """Seasonal-naive multi-step forecast: step ``k`` repeats the value one season before it.

    ``windows`` has shape ``(batch, steps)`` or ``(batch, steps, 1)``; returns
    ``(batch, horizon)``. With ``season=7`` a 14-day forecast is last week, twice.
    """
    values = np.asarray(windows, dtype=float)
    if values.ndim == 3 and values.shape[-1] == 1:
        values = values[..., 0]
    if values.ndim != 2 or values.shape[1] < season:
        raise ValueError(f"windows는 (배치, 스텝 >= {season}) 모양이어야 합니다 (받은 모양: {np.shape(windows)}).")
    last_season = values[:, -season:]
    return np.concatenate([last_season] * (-(-horizon // season)), axis=1)[:, :horizon]


def autoregressive_forecast(model: keras.Model, windows: Any, horizon: int) -> np.ndarray:
    """Forecast ``horizon`` steps with a one-step model, feeding each prediction back in.

    ``windows`` has shape ``(batch, steps, 1)`` (univariate: the future of any other input
    would be unknown); ``model`` maps such windows to ``(batch, 1)``. Each new prediction
    is appended to the window and the oldest step dropped. Returns ``(batch, horizon)``.
    """
    x = np.asarray(windows, dtype="float32")
    if x.ndim != 3 or x.shape[-1] != 1:
        raise ValueError(f"자기회귀 예측은 단변량 윈도 (배치, 스텝, 1)만 받습니다 (받은 모양: {x.shape}). 다른 특성의 미래 값은 알 수 없기 때문입니다.")
    predictions = []
    for _ in range(horizon):
        step = keras.ops.convert_to_numpy(model(x, training=False)).reshape(len(x), 1, 1)
        predictions.append(step[:, 0, 0])
        x = np.concatenate([x[:, 1:], step], axis=1)
    return np.stack(predictions, axis=1)


def forecast_mae(model: keras.Model, dataset: tf.data.Dataset, *, scale: float = 1.0) -> float:
    """Mean absolute error of ``model`` over ``dataset``, multiplied by ``scale``.

    Standardisation is affine, so ``scale=standardizer.std[column]`` gives the error in
    the original units. For sequence-to-sequence outputs ``(batch, steps, horizon)`` only
    the last step counts: it is the forecast made with the whole window. Predictions are
    made batch by batch, so a shuffled dataset stays aligned with its targets.
    """
    truths, predictions = [], []
    for x, y in dataset:
        truths.append(np.asarray(y))
        predictions.append(keras.ops.convert_to_numpy(model(x, training=False)))
    y_true, y_pred = np.concatenate(truths), np.concatenate(predictions)
    if y_pred.ndim == 3:
        y_true, y_pred = y_true[:, -1], y_pred[:, -1]
    y_pred = y_pred.reshape(y_true.shape)
    return float(mean_absolute_error(y_true.reshape(len(y_true), -1), y_pred.reshape(len(y_pred), -1)) * scale)


def fit_timed(
    model: keras.Model,
    train: tf.data.Dataset,
    valid: tf.data.Dataset,
    *,
    epochs: int,
    patience: int = 10,
    monitor: str = "val_loss",
) -> tuple[keras.callbacks.History, float]:
    """Fit ``model`` with early stopping (best weights restored); return its history and seconds.

    The model must already be compiled. Training stops when ``monitor`` has not improved
    for ``patience`` epochs.
    """
    stop = keras.callbacks.EarlyStopping(monitor=monitor, patience=patience, restore_best_weights=True)
    start = time.perf_counter()
    history = model.fit(train, validation_data=valid, epochs=epochs, callbacks=[stop], shuffle=False, verbose=0)
    return history, time.perf_counter() - start


def forecast_row(
    name: str,
    *,
    mae: float,
    baseline_mae: float,
    inputs: str,
    horizon: int = 1,
    params: int = 0,
    seconds: float = 0.0,
) -> dict[str, Any]:
    """One model's row of a :class:`course_utils.tables.ResultsTable`: size, validation MAE, time, baseline.

    Each row carries the seasonal-naive MAE on the same targets (``baseline_mae``) and the
    improvement over it, so that one-day and 14-day forecasts are each compared with the
    baseline of their own task. ``inputs`` describes what the model reads (e.g. ``"철도"``;
    ``"-"`` for a baseline).
    """
    if baseline_mae <= 0:
        raise ValueError(f"baseline_mae는 0보다 커야 합니다 (받은 값: {baseline_mae}).")
    return {
        "모델": name,
        "입력": inputs,
        "예측 범위(일)": horizon,
        "파라미터 수": int(params),
        "검증 MAE(명)": float(mae),
        "계절 나이브 MAE(명)": float(baseline_mae),
        "개선율(%)": 100.0 * (1.0 - mae / baseline_mae),
        "훈련 시간(초)": float(seconds),
    }
