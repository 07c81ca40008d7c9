"""Self-checks for ``notebooks/07_time_series.ipynb``."""

from __future__ import annotations

from typing import Any

from course_utils.check import exercise

TRAIN_DAYS, SEQ_LENGTH, HORIZON = 1096, 56, 14
"""The setting of exercise 07_1: the CTA training split, 8-week windows, 14 days ahead."""

SEASONAL_LAGS = (7, 14, 21)
"""The three lags in 1..30 with the highest autocorrelation of daily rail boardings, 2016-2018."""

LN_UNITS, LN_FEATURES, LN_HORIZON = 32, 5, 14
"""The layer-normalised sequence-to-sequence model of exercise 07_3."""


@exercise("07_1", hint="윈도 i 는 입력 i..i+55 를 쓰고, 타깃은 그 뒤 14일입니다. 마지막 타깃이 훈련 구간 안에 "
                       "들어가야 하는 마지막 i 를 찾아 보세요: n - seq_length - horizon + 1.", expects=int)
def window_count(answer: int) -> bool | tuple[bool, str]:
    """Number of (56-day input, 14-day target) windows in 1,096 days: 1096 - 56 - 14 + 1."""
    if answer == TRAIN_DAYS - SEQ_LENGTH + 1:
        return False, "하루 앞 예측일 때의 개수예요. 타깃이 14일이면 마지막 13일은 윈도를 시작할 수 없어요."
    if answer == TRAIN_DAYS - SEQ_LENGTH - HORIZON:
        return False, "하나 모자라요. 시작 위치 0 도 윈도 하나예요."
    return answer == TRAIN_DAYS - SEQ_LENGTH - HORIZON + 1


@exercise("07_2", hint="statsmodels 의 acf(rail, nlags=30) 에서 지연 0 을 빼고 값이 큰 순서로 세 개를 고르세요.",
          expects=(list, tuple))
def seasonal_lags(answer: list[int] | tuple[int, ...]) -> bool | tuple[bool, str]:
    """The three lags with the highest autocorrelation, in any order."""
    lags = sorted(int(lag) for lag in answer)
    if 0 in lags:
        return False, "지연 0 의 자기상관은 항상 1 이에요. 1 부터 세 주세요."
    if 1 in lags:
        return False, "어제 값과의 상관(지연 1)은 생각보다 작아요. 요일이 같은 날끼리 비교해 보세요."
    return tuple(lags) == SEASONAL_LAGS


@exercise("07_3", hint="셀 안의 선형 부분은 입력 가중치(특성 × 유닛)와 순환 가중치(유닛 × 유닛)뿐이고 편향이 없어요. "
                       "층 정규화는 유닛마다 γ 와 β 두 개, Dense(14) 는 (유닛 + 1) × 14 개입니다.", expects=int)
def layer_norm_params(answer: int) -> bool | tuple[bool, str]:
    """RNN(LayerNormSimpleRNNCell(32)) + Dense(14) on 5 features: 1,184 + 64 + 462."""
    linear = LN_FEATURES * LN_UNITS + LN_UNITS * LN_UNITS
    dense = (LN_UNITS + 1) * LN_HORIZON
    if answer == linear + LN_UNITS + dense:
        return False, "SimpleRNN(32) + Dense(14) 의 개수예요. 층 정규화의 γ, β 는 어디 있나요? 편향 b 는 이 셀에 없어요."
    if answer == linear + LN_UNITS + 2 * LN_UNITS + dense:
        return False, "이 셀은 선형 부분에 편향 b 를 두지 않아요. 층 정규화가 평균을 빼면서 b 를 지워 버리고, β 가 그 역할을 하거든요."
    return answer == linear + 2 * LN_UNITS + dense


SOLUTIONS: dict[str, Any] = {
    "07_1": TRAIN_DAYS - SEQ_LENGTH - HORIZON + 1,
    "07_2": list(SEASONAL_LAGS),
    "07_3": 1710,
}
WRONG_ANSWERS: dict[str, Any] = {
    "07_1": TRAIN_DAYS - SEQ_LENGTH + 1,
    "07_2": [1, 7, 14],
    "07_3": 1742,
}
