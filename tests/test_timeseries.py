"""Tests for course_utils.timeseries (notebook 07)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils import config

config.set_seed(0)  # imports TensorFlow quietly, before keras below

import keras  # noqa: E402

from course_utils import tables  # noqa: E402
from course_utils import timeseries as ts  # noqa: E402


def batches(dataset) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = zip(*[(np.asarray(x), np.asarray(y)) for x, y in dataset])
    return np.concatenate(xs), np.concatenate(ys)


# --- synthetic series --------------------------------------------------------------


def test_generate_time_series_shape_dtype_range_and_seed() -> None:
    series = ts.generate_time_series(64, 51, seed=3)
    assert series.shape == (64, 51, 1) and series.dtype == np.float32
    assert np.abs(series).max() <= 0.5 + 0.2 + 0.05 + 1e-6  # two sine amplitudes plus the noise
    np.testing.assert_array_equal(series, ts.generate_time_series(64, 51, seed=3))
    assert not np.allclose(series, ts.generate_time_series(64, 51, seed=4))
    # smooth signal: neighbouring steps are strongly correlated, unlike white noise
    steps = series[:, :, 0]
    assert np.corrcoef(steps[:, 10], steps[:, 11])[0, 1] > 0.8


def test_generate_time_series_rejects_bad_sizes() -> None:
    with pytest.raises(ValueError, match="n_steps"):
        ts.generate_time_series(10, 1)


# --- splits by date ----------------------------------------------------------------


@pytest.fixture
def daily() -> pd.DataFrame:
    index = pd.date_range("2018-12-01", "2019-03-31", freq="D", name="date")
    return pd.DataFrame({"rail": np.arange(len(index), dtype=float), "bus": 2.0 * np.arange(len(index))}, index=index)


BOUNDS = {"train": ("2018-12-01", "2018-12-31"), "valid": ("2019-01-01", "2019-01-31"), "test": ("2019-02-01", "2019-02-28")}


def test_split_by_date_is_inclusive_and_adds_context_before_later_splits(daily: pd.DataFrame) -> None:
    splits = ts.split_by_date(daily, BOUNDS, context=7)
    assert list(splits) == ["train", "valid", "test"]
    train, valid, test = splits.values()
    assert (train.index[0], train.index[-1]) == (pd.Timestamp("2018-12-01"), pd.Timestamp("2018-12-31"))
    assert len(valid) == 7 + 31 and valid.index[0] == pd.Timestamp("2018-12-25")
    assert valid.index[7] == pd.Timestamp("2019-01-01") and valid.index[-1] == pd.Timestamp("2019-01-31")
    assert len(test) == 7 + 28 and test.index[7] == pd.Timestamp("2019-02-01")
    assert pd.Timestamp("2019-03-01") not in test.index


def test_split_by_date_without_context_does_not_overlap(daily: pd.DataFrame) -> None:
    splits = ts.split_by_date(daily, BOUNDS)
    days = [day for frame in splits.values() for day in frame.index]
    assert len(days) == len(set(days)) == 31 + 31 + 28


@pytest.mark.parametrize(
    ("bounds", "context", "message"),
    [
        ({"a": ("2019-01-10", "2019-01-01")}, 0, "시작.*보다 앞"),
        ({"a": ("2018-12-01", "2019-01-10"), "b": ("2019-01-05", "2019-01-20")}, 0, "앞 구간과 겹칩니다"),
        ({"a": ("2017-01-01", "2017-12-31")}, 0, "행이 없습니다"),
        ({"a": ("2018-12-01", "2018-12-03"), "b": ("2018-12-04", "2018-12-31")}, 5, "context가 5행 필요"),
        ({"a": ("2018-12-01", "2018-12-31")}, -1, "context는 0 이상"),
    ],
)
def test_split_by_date_rejects_bad_bounds(daily: pd.DataFrame, bounds: dict, context: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ts.split_by_date(daily, bounds, context=context)


def test_cta_splits_on_the_real_series(with_mirror: object) -> None:
    from course_utils import data

    splits = ts.split_by_date(data.load_ridership(), ts.CTA_SPLITS, context=56)
    assert len(splits["train"]) == 1096  # 2016 is a leap year
    assert len(splits["valid"]) == 56 + 151 and len(splits["test"]) == 56 + 274


# --- standardisation ---------------------------------------------------------------


def test_standardizer_uses_training_statistics_and_inverts(daily: pd.DataFrame) -> None:
    train, valid = daily.iloc[:30], daily.iloc[30:60]
    scaler = ts.Standardizer.fit(train)
    scaled = scaler.transform(train)
    np.testing.assert_allclose(scaled.mean(), 0.0, atol=1e-12)
    np.testing.assert_allclose(scaled.std(ddof=0), 1.0)
    later = scaler.transform(valid)
    assert later["rail"].iloc[0] == pytest.approx((30 - 14.5) / train["rail"].std(ddof=0))  # train stats, not valid
    np.testing.assert_allclose(scaler.inverse(later["bus"], "bus"), valid["bus"])
    column_subset = scaler.transform(valid[["bus"]])
    assert list(column_subset.columns) == ["bus"]


def test_standardizer_rejects_constant_and_unknown_columns(daily: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="표준편차 0"):
        ts.Standardizer.fit(daily.assign(flat=1.0))
    with pytest.raises(KeyError, match="total"):
        ts.Standardizer.fit(daily).transform(daily.assign(total=0.0))


# --- windows -----------------------------------------------------------------------


def test_window_dataset_one_step_targets_follow_each_window() -> None:
    values = np.arange(20, dtype=float)
    x, y = batches(ts.window_dataset(values, values * 10, seq_length=5, batch_size=4))
    assert x.shape == (15, 5, 1) and y.shape == (15, 1)
    np.testing.assert_array_equal(x[:, :, 0], np.stack([values[i : i + 5] for i in range(15)]))
    np.testing.assert_array_equal(y[:, 0], 10 * np.arange(5, 20))


def test_window_dataset_vector_targets_and_multivariate_inputs() -> None:
    n, length, horizon = 30, 6, 4
    target = np.arange(n, dtype=float) ** 2
    inputs = np.stack([np.arange(n), -np.arange(n)], axis=1)
    x, y = batches(ts.window_dataset(inputs, target, seq_length=length, horizon=horizon, batch_size=7))
    windows = n - length - horizon + 1
    assert x.shape == (windows, length, 2) and y.shape == (windows, horizon)
    for i in (0, 9, windows - 1):
        np.testing.assert_array_equal(x[i], inputs[i : i + length])
        np.testing.assert_array_equal(y[i], target[i + length : i + length + horizon])


def test_window_dataset_seq2seq_targets_hold_the_next_values_at_every_step() -> None:
    n, length, horizon = 25, 5, 3
    target = np.arange(n, dtype=float) + 100
    x, y = batches(ts.window_dataset(np.arange(n), target, seq_length=length, horizon=horizon, seq2seq=True))
    assert x.shape == (n - length - horizon + 1, length, 1) and y.shape == (len(x), length, horizon)
    for i in range(len(x)):
        for j in range(length):
            np.testing.assert_array_equal(y[i, j], target[i + j + 1 : i + j + 1 + horizon])
    # the last step of a seq2seq target is the vector target of the same window
    _, vector = batches(ts.window_dataset(np.arange(n), target, seq_length=length, horizon=horizon))
    np.testing.assert_array_equal(y[:, -1], vector)


def test_window_dataset_shuffles_whole_pairs_reproducibly() -> None:
    values = np.arange(50, dtype=float)
    make = lambda: ts.window_dataset(values, values, seq_length=4, horizon=2, shuffle=True, seed=1, batch_size=8)  # noqa: E731
    x, y = batches(make())
    assert not np.array_equal(x[:, 0, 0], np.sort(x[:, 0, 0]))  # order changed
    np.testing.assert_array_equal(y[:, 0], x[:, -1, 0] + 1)  # but every pair still matches
    np.testing.assert_array_equal(np.sort(x[:, 0, 0]), np.arange(45))
    np.testing.assert_array_equal(batches(make())[0], x)


@pytest.mark.parametrize(
    ("inputs", "target", "kwargs", "message"),
    [
        (np.zeros(5), np.zeros(5), {"seq_length": 4, "horizon": 2}, "하나도 만들 수 없습니다"),
        (np.zeros((5, 2, 1)), np.zeros(5), {"seq_length": 2}, "inputs는"),
        (np.zeros(5), np.zeros(6), {"seq_length": 2}, "inputs는"),
        (np.zeros(5), np.zeros(5), {"seq_length": 0}, "1 이상"),
    ],
)
def test_window_dataset_rejects_bad_input(inputs: np.ndarray, target: np.ndarray, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ts.window_dataset(inputs, target, **kwargs)


# --- multi-step forecasts ----------------------------------------------------------


def test_repeat_last_season_repeats_last_week() -> None:
    window = np.arange(10, dtype=float)[np.newaxis]  # days 0..9; last week is 3..9
    forecast = ts.repeat_last_season(window, horizon=16, season=7)
    np.testing.assert_array_equal(forecast[0], [3, 4, 5, 6, 7, 8, 9] * 2 + [3, 4])
    np.testing.assert_array_equal(ts.repeat_last_season(window[..., np.newaxis], 3), [[3, 4, 5]])
    with pytest.raises(ValueError, match="스텝 >= 7"):
        ts.repeat_last_season(np.zeros((2, 5)), horizon=3)


def test_repeat_last_season_is_exact_on_a_periodic_series() -> None:
    week = np.array([5.0, 6, 7, 7, 6, 2, 1])
    series = np.tile(week, 6)
    forecast = ts.repeat_last_season(series[np.newaxis, :28], horizon=14)
    np.testing.assert_array_equal(forecast[0], series[28:42])


def last_value_model() -> keras.Model:
    """A one-step model that predicts the last value of the window plus one."""
    inputs = keras.Input((None, 1))
    outputs = keras.layers.Lambda(lambda x: x[:, -1, :] + 1.0)(inputs)
    return keras.Model(inputs, outputs)


def test_autoregressive_forecast_feeds_predictions_back() -> None:
    windows = np.array([[[0.0], [1.0], [2.0]], [[5.0], [5.0], [10.0]]])
    forecast = ts.autoregressive_forecast(last_value_model(), windows, horizon=4)
    np.testing.assert_allclose(forecast, [[3, 4, 5, 6], [11, 12, 13, 14]])


def test_autoregressive_forecast_uses_the_shifted_window() -> None:
    # a "seasonal" model that outputs the value 3 steps back reproduces a period-3 pattern
    inputs = keras.Input((3, 1))
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x[:, 0, :])(inputs))
    forecast = ts.autoregressive_forecast(model, np.array([[[1.0], [2.0], [3.0]]]), horizon=7)
    np.testing.assert_allclose(forecast, [[1, 2, 3, 1, 2, 3, 1]])


def test_autoregressive_forecast_refuses_multivariate_windows() -> None:
    with pytest.raises(ValueError, match="단변량"):
        ts.autoregressive_forecast(last_value_model(), np.zeros((2, 5, 3)), horizon=2)


# --- evaluation and the results table ---------------------------------------------


def test_forecast_mae_is_in_original_units_and_uses_the_last_seq2seq_step() -> None:
    values = np.arange(40, dtype=float)
    one_step = ts.window_dataset(values, values, seq_length=5, shuffle=True, seed=2)
    # prediction = last value + 1 = the truth for this linear series, so the error is 0
    assert ts.forecast_mae(last_value_model(), one_step, scale=1000.0) == pytest.approx(0.0)

    inputs = keras.Input((None, 1))
    biased = keras.Model(inputs, keras.layers.Lambda(lambda x: x[:, -1, :] + 3.0)(inputs))
    assert ts.forecast_mae(biased, one_step, scale=1000.0) == pytest.approx(2000.0)  # off by 2, times 1000

    seq = ts.window_dataset(values, values, seq_length=5, horizon=2, seq2seq=True)
    inputs = keras.Input((None, 1))
    # at step j, forecast x_j + 1, x_j + 2, but make every step except the last wrong by 100
    shifted = keras.layers.Lambda(lambda x: keras.ops.concatenate([x + 1.0, x + 2.0], axis=-1))(inputs)
    wrong_early = keras.layers.Lambda(
        lambda s: s + keras.ops.reshape(keras.ops.array([100.0, 100, 100, 100, 0]), (1, 5, 1))
    )(shifted)
    assert ts.forecast_mae(keras.Model(inputs, wrong_early), seq) == pytest.approx(0.0)


def test_fit_timed_trains_with_early_stopping_and_restores_best_weights() -> None:
    keras.utils.set_random_seed(0)
    values = np.sin(np.arange(200) / 5.0)
    train = ts.window_dataset(values[:150], values[:150], seq_length=10, shuffle=True, seed=0)
    valid = ts.window_dataset(values[140:], values[140:], seq_length=10)
    model = keras.Sequential([keras.Input((10, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(0.05), metrics=["mae"])
    before = ts.forecast_mae(model, valid)
    history, seconds = ts.fit_timed(model, train, valid, epochs=200, patience=3)
    epochs = len(history.history["loss"])
    assert seconds > 0 and epochs < 200  # stopped early
    best = min(history.history["val_loss"])
    assert model.evaluate(valid, verbose=0)[0] == pytest.approx(best, rel=1e-4)  # best weights restored
    assert ts.forecast_mae(model, valid) < before / 5


def test_forecast_rows_compare_each_model_with_its_baseline() -> None:
    table = tables.ResultsTable(sort_by=["예측 범위(일)", "검증 MAE(명)"])
    table.add(ts.forecast_row("계절 나이브", mae=100.0, baseline_mae=100.0, inputs="-"))
    table.add(ts.forecast_row("RNN", mae=60.0, baseline_mae=100.0, inputs="철도", params=1121, seconds=3.5))
    table.add(ts.forecast_row("RNN 14일", mae=90.0, baseline_mae=120.0, inputs="철도", horizon=14))
    table.add(ts.forecast_row("RNN", mae=50.0, baseline_mae=100.0, inputs="철도", params=1121, seconds=4.0))
    frame = table.frame()
    assert list(frame["모델"]) == ["RNN", "계절 나이브", "RNN 14일"]  # by horizon, then validation MAE
    assert frame.loc[0, "입력"] == "철도" and frame.loc[0, "훈련 시간(초)"] == 4.0  # the re-added row replaced the first
    assert frame["개선율(%)"].tolist() == pytest.approx([50.0, 0.0, 25.0])
    with pytest.raises(ValueError, match="0보다 커야"):
        ts.forecast_row("bad", mae=1.0, baseline_mae=0.0, inputs="-")


# --- bad input ------------------------------------------------------------------------------------


def _daily(n: int = 30) -> pd.DataFrame:
    return pd.DataFrame({"y": np.arange(n, dtype=float)}, index=pd.date_range("2020-01-01", periods=n))


def test_split_by_date_refuses_unsorted_or_duplicated_dates() -> None:
    bounds = {"train": ("2020-01-01", "2020-01-20"), "valid": ("2020-01-21", "2020-01-30")}
    frame = _daily()
    with pytest.raises(ValueError, match="sort_index"):
        ts.split_by_date(frame.iloc[::-1], bounds)
    with pytest.raises(ValueError, match="duplicated"):
        ts.split_by_date(pd.concat([frame, frame.iloc[[5]]]).sort_index(), bounds)
    assert len(ts.split_by_date(frame, bounds)["valid"]) == 10


def test_nan_is_refused_by_window_dataset_and_standardizer() -> None:
    values = np.arange(20, dtype=float)
    values[7] = np.nan
    with pytest.raises(ValueError, match="NaN.*7"):
        ts.window_dataset(values, np.arange(20.0), seq_length=3)
    with pytest.raises(ValueError, match="target"):
        ts.window_dataset(np.arange(20.0), values, seq_length=3)
    frame = _daily()
    frame.iloc[3, 0] = np.nan
    with pytest.raises(ValueError, match=r"\['y'\]"):
        ts.Standardizer.fit(frame)
