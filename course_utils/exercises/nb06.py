"""Self-checks for ``notebooks/06_korean_news_topics.ipynb``.

Expected values come from the libraries: scikit-learn for the scores (06_1, and 06_3's
reference through :func:`course_utils.classify.macro_f1_from_confusion`, which the tests pin
to ``f1_score``), Keras' ``count_params()`` for 06_2.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from course_utils import check
from course_utils.check import exercise

MAJORITY, MINORITY = 90, 10
"""Exercise 06_1: a test set of 90 정치 and 10 스포츠 headlines, every prediction 정치."""

LSTM_INPUT, LSTM_UNITS = 100, 32
"""Exercise 06_2: ``Bidirectional(LSTM(32, return_sequences=True))`` on 100-dimensional Word2Vec vectors."""


@cache
def _majority_scores() -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    y_true = np.array([0] * MAJORITY + [1] * MINORITY)
    y_pred = np.zeros_like(y_true)
    return accuracy_score(y_true, y_pred), f1_score(y_true, y_pred, average="macro", zero_division=0)


@exercise("06_1", hint="macro-F1은 주제마다 F1을 구해 단순 평균합니다. 하나도 맞히지 못한 스포츠의 F1은 0이에요. "
                       "소수 셋째 자리까지 적어 주세요.")
def majority_macro_f1(answer: Any) -> bool | tuple[bool, str]:
    """(accuracy, macro-F1) of the all-정치 classifier: (0.9, 0.4737)."""
    accuracy, macro_f1 = check.as_array(answer, shape=(2,))
    expected_accuracy, expected_f1 = _majority_scores()
    if abs(accuracy - expected_accuracy) > 5e-4:
        return False, "정확도는 맞힌 헤드라인 수 ÷ 전체 헤드라인 수예요. 순서는 (정확도, macro-F1)입니다."
    if abs(macro_f1 - 2 * expected_f1) <= 5e-4:
        return False, "정치의 F1만 계산했어요. 스포츠의 F1(0)도 평균에 넣어야 해요."
    return abs(macro_f1 - expected_f1) <= 5e-4


@cache
def _bilstm_params(units: int, features: int) -> int:
    import keras

    layer = keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True))
    layer.build((None, None, features))
    return int(layer.count_params())


@exercise("06_2", hint="LSTM 한 방향은 게이트 네 개마다 입력 가중치(100 × 32), 순환 가중치(32 × 32), 편향(32)을 "
                       "가집니다. 양방향이면 두 배!")
def bidirectional_lstm_params(answer: Any) -> bool | tuple[bool, str]:
    """Parameters of Bidirectional(LSTM(32)) on 100 features: 2 · 4 · (100·32 + 32·32 + 32) = 34,048."""
    count = check.as_int(answer)
    expected = _bilstm_params(LSTM_UNITS, LSTM_INPUT)
    if count == expected // 2:
        return False, "한 방향만 셌어요. Bidirectional은 앞·뒤 방향의 LSTM을 하나씩 따로 가집니다."
    return count == expected


def _f1_from_confusion_reference(matrix: np.ndarray) -> float:
    from course_utils.classify import macro_f1_from_confusion

    return macro_f1_from_confusion(matrix)


def _confusion_cases() -> list[tuple[np.ndarray]]:
    """Hidden confusion matrices (rows = true topic, columns = prediction)."""
    rng = np.random.default_rng(6)
    return [
        (np.array([[8, 2], [1, 9]]),),
        (np.array([[90, 0], [10, 0]]),),                     # 연습문제 1: 스포츠를 한 번도 예측하지 않음
        (np.array([[5, 1, 0], [2, 6, 1], [0, 3, 7]]),),
        (np.array([[4, 0, 0], [1, 3, 0], [0, 0, 0]]),),      # 셋째 주제는 정답에도 예측에도 없음: F1 = 0
        (rng.integers(0, 30, size=(7, 7)),),
    ]


@exercise("06_3", hint="주제 k의 F1 = 2·TP / (2·TP + FP + FN)입니다. TP는 대각선, FP는 열 합 − TP, FN은 행 합 − TP. "
                       "분모가 0이면 그 주제의 F1은 0으로 두고, 모든 주제의 F1을 단순 평균하세요.")
def macro_f1_function(answer: Any) -> bool | tuple[bool, str]:
    """The learner's ``macro_f1_from_confusion(matrix)`` against the package's on hidden matrices."""
    return check.compare_function(answer, _f1_from_confusion_reference, _confusion_cases())


def _accuracy_instead(matrix: np.ndarray) -> float:
    return float(np.trace(matrix) / np.sum(matrix))


def _support_weighted(matrix: np.ndarray) -> float:
    matrix = np.asarray(matrix, dtype=float)
    tp, support, predicted = np.diag(matrix), matrix.sum(axis=1), matrix.sum(axis=0)
    f1 = np.divide(2 * tp, support + predicted, out=np.zeros_like(tp), where=support + predicted > 0)
    return float(np.sum(f1 * support) / support.sum())


def _f1_of_macro_averages(matrix: np.ndarray) -> float:
    matrix = np.asarray(matrix, dtype=float)
    tp, support, predicted = np.diag(matrix), matrix.sum(axis=1), matrix.sum(axis=0)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0).mean()
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0).mean()
    return float(2 * precision * recall / (precision + recall))


def _skips_the_last_topic(matrix: np.ndarray) -> float:
    matrix = np.asarray(matrix, dtype=float)
    tp, denominator = np.diag(matrix), matrix.sum(axis=1) + matrix.sum(axis=0)
    f1 = np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
    return float(f1[:-1].mean())


def _averages_present_topics_only(matrix: np.ndarray) -> float:
    matrix = np.asarray(matrix, dtype=float)
    tp, denominator = np.diag(matrix), matrix.sum(axis=1) + matrix.sum(axis=0)
    return float(np.mean(2 * tp[denominator > 0] / denominator[denominator > 0]))


SOLUTIONS: dict[str, Any] = {
    "06_1": (0.9, 0.47368421052631576),
    "06_2": 34_048,
    "06_3": _f1_from_confusion_reference,
}
WRONG_ANSWERS: dict[str, list[Any]] = {
    "06_1": [
        (0.9, 0.9473684210526315),   # 정치의 F1만
        (0.9, 0.8526315789473684),   # 주제 크기로 가중 평균(weighted)
        (0.9, 0.5),                  # macro 재현율
        (0.47368421052631576, 0.9),  # 순서를 바꿈
        (0.9, 0.48),                 # 반올림이 지나침
    ],
    "06_2": [
        17_024,   # 한 방향
        25_728,   # GRU(reset_after=True)로 셈
        24_832,   # 6절의 64차원 입력으로 셈
        34_304,   # PyTorch처럼 편향 두 벌
    ],
    "06_3": [
        _accuracy_instead,
        _support_weighted,
        _f1_of_macro_averages,
        _skips_the_last_topic,
        _averages_present_topics_only,
        lambda matrix: None,         # 채우지 않은 함수
    ],
}
