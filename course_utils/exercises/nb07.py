"""Self-checks for ``notebooks/07_time_series.ipynb``."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from course_utils.check import as_array, as_int, compare_function, exercise

TRAIN_DAYS, SEQ_LENGTH, HORIZON = 1096, 56, 14
"""The setting of exercise 07_1: the CTA training split, 8-week windows, 14 days ahead."""

SEASONAL_LAGS = (7, 14, 21)
"""The three lags in 1..30 with the highest autocorrelation of daily rail boardings, 2016-2018."""

LN_UNITS, LN_FEATURES, LN_HORIZON = 16, 1, 7
"""Exercise 07_3: ``RNN(LayerNormSimpleRNNCell(16))`` + ``Dense(7)`` on a univariate series
(not the 32-unit, 5-feature model of the notebook, whose count the notebook shows)."""


@exercise("07_1", hint="윈도 i 는 입력 i..i+55 를 쓰고, 타깃은 그 뒤 14일입니다. 마지막 타깃이 훈련 구간 안에 "
                       "들어가야 하는 마지막 i 를 찾아 보세요: n - seq_length - horizon + 1.")
def window_count(answer: Any) -> bool | tuple[bool, str]:
    """Number of (56-day input, 14-day target) windows in 1,096 days: 1096 - 56 - 14 + 1."""
    value = as_int(answer)
    if value == TRAIN_DAYS - SEQ_LENGTH + 1:
        return False, "하루 앞 예측일 때의 개수예요. 타깃이 14일이면 마지막 13일은 윈도를 시작할 수 없어요."
    return value == TRAIN_DAYS - SEQ_LENGTH - HORIZON + 1


@exercise("07_2", hint="statsmodels 의 acf(rail, nlags=30) 에서 지연 0 을 빼고 값이 큰 순서로 세 개를 고르세요.")
def seasonal_lags(answer: Any) -> bool | tuple[bool, str]:
    """The three lags with the highest autocorrelation, in any order."""
    values = as_array(answer)
    if values.ndim != 1 or len(values) != 3:
        return False, "지연 세 개를 리스트로 주세요. 예: [3, 5, 8]"
    if not np.all(values == np.round(values)):
        return False, "지연은 정수(일)예요."
    lags = sorted(int(lag) for lag in values)
    if 0 in lags:
        return False, "지연 0 의 자기상관은 항상 1 이에요. 1 부터 세 주세요."
    return tuple(lags) == SEASONAL_LAGS


def layer_norm_param_formula(units: int, features: int, horizon: int) -> int:
    """Weights of ``RNN(LayerNormSimpleRNNCell(units))`` + ``Dense(horizon)``: W_x, W_h (no bias), γ, β, Dense."""
    return features * units + units * units + 2 * units + (units + 1) * horizon


@cache
def layer_norm_param_count(units: int, features: int, horizon: int) -> int:
    """The same count from Keras itself (``count_params()`` of the built model)."""
    import keras

    from course_utils.cells import LayerNormSimpleRNNCell

    model = keras.Sequential([
        keras.Input((None, features)),
        keras.layers.RNN(LayerNormSimpleRNNCell(units), return_sequences=True),
        keras.layers.Dense(horizon),
    ])
    return model.count_params()


@exercise("07_3", hint="셀 안의 선형 부분은 입력 가중치(특성 × 유닛)와 순환 가중치(유닛 × 유닛)뿐이고 편향이 없어요. "
                       "층 정규화는 유닛마다 γ 와 β 두 개, Dense(7) 은 (유닛 + 1) × 7 개입니다.")
def layer_norm_params(answer: Any) -> bool | tuple[bool, str]:
    """RNN(LayerNormSimpleRNNCell(16)) + Dense(7) on 1 feature, counted by Keras."""
    value = as_int(answer)
    expected = layer_norm_param_count(LN_UNITS, LN_FEATURES, LN_HORIZON)
    if value == expected - LN_UNITS:
        return False, "γ 나 β 가운데 하나를 빠뜨렸어요. 층 정규화는 유닛마다 두 개씩 배웁니다."
    if value == expected + LN_UNITS:
        return False, "이 셀은 선형 부분에 편향 b 를 두지 않아요. 정규화 뒤에 유닛마다 더하는 β 가 그 구실을 맡거든요."
    return value == expected


def seasonal_naive_reference(history: Any, horizon: int, season: int = 7) -> np.ndarray:
    """The next ``horizon`` values of a 1-D ``history``: each repeats the value one season before it."""
    from course_utils.timeseries import repeat_last_season

    return repeat_last_season(np.asarray(history, dtype=float)[np.newaxis, :], horizon, season)[0]


SEASONAL_NAIVE_CASES: list[tuple[Any, ...]] = [
    (list(range(10)), 3, 7),                       # horizon < season
    (list(range(14)), 7, 7),                       # exactly one season
    (list(range(20)), 10, 7),                      # horizon > season: last week, then again
    ([5.0, 1.0, 4.0, 2.0, 8.0, 3.0], 5, 1),        # season 1 = naive forecast
    (np.arange(40.0) ** 2, 30, 12),                # another season, an array input
    ([1.0, 2.0, 3.0, 4.0], 6, 4),                  # history of exactly one season
]
"""Hidden cases of exercise 07_4: (history, horizon, season)."""


@exercise("07_4", hint="마지막 season 개의 값 history[-season:] 을 필요한 만큼 이어 붙인 뒤 앞에서 horizon 개를 자르세요.")
def seasonal_naive_function(answer: Any) -> bool | tuple[bool, str]:
    """A learner's ``seasonal_naive(history, horizon, season=7)`` against the package's repeat_last_season."""
    return compare_function(answer, seasonal_naive_reference, SEASONAL_NAIVE_CASES)


def _seasonal_naive_off_by_one(history: Any, horizon: int, season: int = 7) -> np.ndarray:
    values = np.asarray(history, dtype=float)
    last = values[-season - 1 : -1]
    return np.resize(last, horizon)


def _seasonal_naive_one_season(history: Any, horizon: int, season: int = 7) -> np.ndarray:
    return np.asarray(history, dtype=float)[-season:][:horizon]


def _seasonal_naive_last_values(history: Any, horizon: int, season: int = 7) -> np.ndarray:
    return np.asarray(history, dtype=float)[-horizon:]


def _naive(history: Any, horizon: int, season: int = 7) -> np.ndarray:
    return np.full(horizon, float(np.asarray(history)[-1]))


SOLUTIONS: dict[str, Any] = {
    "07_1": TRAIN_DAYS - SEQ_LENGTH - HORIZON + 1,
    "07_2": list(SEASONAL_LAGS),
    "07_3": layer_norm_param_formula(LN_UNITS, LN_FEATURES, LN_HORIZON),
    "07_4": seasonal_naive_reference,
}
WRONG_ANSWERS: dict[str, list[Any]] = {
    "07_1": [TRAIN_DAYS - SEQ_LENGTH + 1, TRAIN_DAYS - SEQ_LENGTH - HORIZON, TRAIN_DAYS - SEQ_LENGTH - 7 + 1],
    "07_2": [[1, 7, 14], [7, 14, 28], [6, 7, 8]],
    "07_3": [
        layer_norm_param_formula(LN_UNITS, LN_FEATURES, LN_HORIZON) + LN_UNITS,      # with a bias b
        layer_norm_param_formula(32, 5, 14),                                         # the notebook's model
        layer_norm_param_formula(LN_UNITS, LN_FEATURES, LN_HORIZON) - LN_HORIZON,    # Dense without bias
    ],
    "07_4": [_seasonal_naive_off_by_one, _seasonal_naive_one_season, _seasonal_naive_last_values, _naive],
}
