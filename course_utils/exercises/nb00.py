"""Self-checks for ``notebooks/00_getting_started.ipynb``.

00_1 classifies six data sets by shape; 00_2 is a coding exercise (lag-k
autocorrelation, run on hidden series against pandas' ``Series.autocorr``);
00_3 asks for a parameter count that the checker takes from Keras' ``count_params()``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from course_utils.check import AnswerError, as_function, as_int, compare_function, exercise

DATA_KINDS = ("레코드", "트랜잭션", "데이터 행렬", "문서-단어 행렬", "그래프", "순차", "시계열", "공간")
"""The kinds of data the notebook names; answers to 00_1 use these words."""

_KINDS_ANSWER = {"A": "시계열", "B": "트랜잭션", "C": "문서-단어 행렬", "D": "순차", "E": "공간", "F": "그래프"}


def _normalise(kind: str) -> str:
    return kind.replace(" ", "").replace("–", "-").replace("데이터", "")


@exercise("00_1", hint="순서가 있는가, 시간 간격이 일정한가, 위치가 붙어 있는가, 대상 사이의 연결인가, "
                       "항목의 '집합'인가, 단어를 센 표인가를 차례로 물어보세요.", expects=dict)
def data_kinds(answer: dict[str, str]) -> bool | tuple[bool, str]:
    """A–F each mapped to one of :data:`DATA_KINDS`."""
    if set(answer) != set(_KINDS_ANSWER):
        raise AnswerError(f"{', '.join(sorted(_KINDS_ANSWER))} 여섯 개의 키에 모두 답해 주세요 (받은 키: {sorted(map(str, answer))}).")
    known = {_normalise(kind) for kind in DATA_KINDS}
    if not all(isinstance(value, str) for value in answer.values()):
        raise AnswerError("각 값은 데이터 종류의 이름(문자열)이어야 해요.")
    unknown = [value for value in answer.values() if _normalise(value) not in known]
    if unknown:
        raise AnswerError(f"다음 중에서 골라 주세요: {', '.join(DATA_KINDS)} (알 수 없는 값: {unknown})")
    wrong = sorted(key for key, kind in _KINDS_ANSWER.items() if _normalise(answer[key]) != _normalise(kind))
    if wrong:
        return False, f"{', '.join(wrong)} 을(를) 다시 생각해 보세요."
    return True


def pandas_autocorr(x: Any, k: int) -> float:
    """Reference for 00_2: the Pearson correlation of ``x[:-k]`` and ``x[k:]`` (``pandas.Series.autocorr``)."""
    return float(pd.Series(np.asarray(x, dtype=float)).autocorr(lag=k))


def _autocorr_cases() -> list[tuple[Any, int]]:
    """Hidden series: weekly cycles with noise, a trend, a random walk, a short list, a plain list."""
    rng = np.random.default_rng(2026)
    days = np.arange(70)
    weekly = 100 + 30 * np.sin(2 * np.pi * days / 7) + rng.normal(0, 5, days.size)
    walk = np.cumsum(rng.normal(0, 1, 60))
    return [  # short lists first, so that the first failing case is easy to read
        ([1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 5.0, 8.0], 1),
        ([4, 8, 6, 10, 7, 12, 9, 15, 10], 2),
        (np.linspace(0.0, 5.0, 20) + rng.normal(0, 0.3, 20), 2),
        (walk, 1),
        (weekly, 7),
        (weekly, 3),
    ]


@exercise("00_2", hint="x[:-k] 와 x[k:] 를 나란히 놓고 두 조각 사이의 피어슨 상관계수를 구하세요 (np.corrcoef 의 [0, 1] 원소). "
                       "각 조각의 평균을 따로 빼야 pandas 와 같아요.")
def autocorrelation(answer: Any) -> tuple[bool, str]:
    """The learner's ``autocorr(x, k)`` equals ``pandas.Series(x).autocorr(lag=k)`` on hidden series."""
    return compare_function(as_function(answer), pandas_autocorr, _autocorr_cases())


@cache
def simple_rnn_param_count(units: int = 8, features: int = 3) -> int:
    """Parameters of ``keras.layers.SimpleRNN(units)`` on ``features`` input features, from Keras itself."""
    import keras

    layer = keras.layers.SimpleRNN(units)
    layer.build((None, None, features))
    return int(layer.count_params())


@exercise("00_3", hint="SimpleRNN의 파라미터는 입력 가중치 (입력 특성 × units), 순환 가중치 (units × units), "
                       "편향 (units) 세 가지입니다.")
def simple_rnn_params(answer: Any) -> bool | tuple[bool, str]:
    """Parameters of SimpleRNN(8) on 3 input features (8·3 + 8·8 + 8)."""
    count = as_int(answer)
    if count == 8 * 3 + 8:
        return False, "순환 가중치(은닉 상태 → 은닉 상태)를 빠뜨리지 않았나요?"
    return count == simple_rnn_param_count(8, 3)


def _lag_off_by_one(x: Any, k: int) -> float:
    x = np.asarray(x, dtype=float)
    return float(np.corrcoef(x[: -k - 1], x[k + 1:])[0, 1])


def _acf_global_mean(x: Any, k: int) -> float:
    """The textbook ACF (one mean and variance for the whole series): close to, but not, pandas' value."""
    x = np.asarray(x, dtype=float)
    centred = x - x.mean()
    return float(np.sum(centred[:-k] * centred[k:]) / np.sum(centred**2))


def _circular_shift(x: Any, k: int) -> float:
    x = np.asarray(x, dtype=float)
    return float(np.corrcoef(x, np.roll(x, k))[0, 1])


def _whole_matrix(x: Any, k: int) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.corrcoef(x[:-k], x[k:])


def _reference_autocorr(x: Any, k: int) -> float:
    x = np.asarray(x, dtype=float)
    return float(np.corrcoef(x[:-k], x[k:])[0, 1])


SOLUTIONS: dict[str, Any] = {
    "00_1": dict(_KINDS_ANSWER),
    "00_2": _reference_autocorr,
    "00_3": 8 * 3 + 8 * 8 + 8,
}
WRONG_ANSWERS: dict[str, list[Any]] = {
    "00_1": [
        {**_KINDS_ANSWER, "A": "순차"},
        {**_KINDS_ANSWER, "E": "데이터 행렬"},
        {**_KINDS_ANSWER, "F": "트랜잭션"},
        {**_KINDS_ANSWER, "E": "그래프", "F": "공간"},
        {key: value for key, value in _KINDS_ANSWER.items() if key != "F"},
    ],
    "00_2": [_lag_off_by_one, _acf_global_mean, _circular_shift, _whole_matrix, lambda x, k: None],
    "00_3": [8 * 3 + 8, 8 * 3 + 8 * 8, 8 * 3 + 8 * 8 + 2 * 8, 97],
}
