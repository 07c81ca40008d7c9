"""Self-checks for ``notebooks/06_korean_news_topics.ipynb``."""

from __future__ import annotations

from typing import Any

from course_utils.check import close, exercise

MAJORITY, MINORITY = 90, 10
"""Exercise 06_1: a test set of 90 정치 and 10 스포츠 headlines, every prediction 정치."""

GRU_INPUT, GRU_UNITS = 64, 32
"""Exercise 06_2: ``Bidirectional(GRU(32))`` on 64-dimensional embeddings."""

YNAT_TRAIN_SIZE, YNAT_TOPIC_COUNT = 36_523, 7
SMALLEST_TOPIC, SMALLEST_TOPIC_SIZE = "IT과학", 3_859
"""Exercise 06_3: the fixed YNAT training split (``data.load_ynat().train``) and its smallest topic."""


def _majority_scores() -> tuple[float, float]:
    accuracy = MAJORITY / (MAJORITY + MINORITY)
    majority_f1 = 2 * accuracy * 1.0 / (accuracy + 1.0)  # precision = accuracy, recall = 1
    return accuracy, (majority_f1 + 0.0) / 2


@exercise("06_1", hint="macro-F1은 주제마다 F1을 구해 단순 평균합니다. 하나도 맞히지 못한 스포츠의 F1은 0이에요.",
          expects=(tuple, list))
def majority_macro_f1(answer: tuple[float, float]) -> bool | tuple[bool, str]:
    """(accuracy, macro-F1) of the all-정치 classifier: (0.9, 0.4737)."""
    accuracy, macro_f1 = _majority_scores()
    if len(answer) != 2:
        return False, "(정확도, macro-F1) 두 값을 튜플로 답해 주세요."
    if not close(answer[0], accuracy, atol=1e-3):
        return False, "정확도는 맞힌 헤드라인 수 ÷ 전체 헤드라인 수예요."
    if close(answer[1], 2 * macro_f1, atol=1e-3):
        return False, "정치의 F1만 계산했어요. 스포츠의 F1(0)도 평균에 넣어야 해요."
    if close(answer[1], 0.8526, atol=1e-3):
        return False, "주제 크기로 가중 평균(weighted)했어요. macro는 주제마다 같은 무게로 평균해요."
    return close(answer[1], macro_f1, atol=1e-3)


def _bigru_params(d: int, u: int, biases: int = 2) -> int:
    return 2 * 3 * (d * u + u * u + biases * u)


@exercise("06_2", hint="GRU 한 방향은 게이트 세 개마다 입력 가중치(64 × 32), 순환 가중치(32 × 32), 편향을 가집니다. "
                       "Keras의 기본값 reset_after=True에서는 편향이 두 벌이에요. 양방향이면 두 배!", expects=int)
def bidirectional_gru_params(answer: int) -> bool | tuple[bool, str]:
    """Parameters of Bidirectional(GRU(32)) on 64 features: 2 · 3 · (64·32 + 32·32 + 2·32) = 18,816."""
    if answer == _bigru_params(GRU_INPUT, GRU_UNITS) // 2:
        return False, "한 방향만 셌어요. Bidirectional은 앞·뒤 방향의 GRU를 하나씩 따로 가집니다."
    if answer == _bigru_params(GRU_INPUT, GRU_UNITS, biases=1):
        return False, "Keras GRU는 기본값(reset_after=True)에서 입력 쪽과 순환 쪽 편향을 따로 가져요: 게이트마다 2 × 32개."
    return answer == _bigru_params(GRU_INPUT, GRU_UNITS)


def _largest_weight() -> float:
    return YNAT_TRAIN_SIZE / (YNAT_TOPIC_COUNT * SMALLEST_TOPIC_SIZE)


@exercise("06_3", hint="'balanced' 가중치는 n / (주제 수 × 그 주제의 개수)예요. 개수가 가장 적은 주제를 찾아보세요.",
          expects=(tuple, list))
def largest_class_weight(answer: tuple[str, float]) -> bool | tuple[bool, str]:
    """The topic with the largest balanced class weight in the full training split, and the weight."""
    if len(answer) != 2:
        return False, "(\"주제\", 가중치) 두 값을 튜플로 답해 주세요."
    topic, weight = answer
    if topic != SMALLEST_TOPIC:
        return False, "가장 큰 가중치는 학습 헤드라인이 가장 적은 주제가 받아요. counts 표를 다시 보세요."
    return close(weight, _largest_weight(), rtol=1e-3)


SOLUTIONS: dict[str, Any] = {
    "06_1": (0.9, 0.47368421052631576),
    "06_2": 18_816,
    "06_3": ("IT과학", 1.3520527153592714),
}
WRONG_ANSWERS: dict[str, Any] = {
    "06_1": (0.9, 0.9),
    "06_2": 9_408,
    "06_3": ("세계", 0.8549191264249433),
}
