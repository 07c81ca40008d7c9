"""Self-checks for ``notebooks/09_seq2seq_attention.ipynb``."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.check import close, exercise

TEACHER_FORCING_TARGET = ("tom", "is", "here", ".", "<eos>")
"""Exercise 09_1: the decoder targets for "Tom is here." under teacher forcing."""

TOY_STATE = (1.0, 0.0)
TOY_ENCODER_STATES = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
"""Exercise 09_2: one decoder state s_t and three encoder states h_1, h_2, h_3."""

UNITS = 128
"""Exercise 09_3: the units of the smaller translators the exercise asks about (the notebook uses 256)."""


def toy_context() -> np.ndarray:
    """The context vector a_t of exercise 09_2: softmax of the dot scores, then the weighted sum."""
    h = np.array(TOY_ENCODER_STATES)
    scores = h @ np.array(TOY_STATE)
    weights = np.exp(scores) / np.exp(scores).sum()
    return weights @ h


@exercise("09_1", hint="디코더 입력을 한 칸 왼쪽으로 민 것이 타깃입니다. <sos> 는 입력에만, <eos> 는 타깃에만 있어요.",
          expects=(list, tuple))
def teacher_forcing_target(answer: list[str] | tuple[str, ...]) -> bool | tuple[bool, str]:
    """The targets of the decoder inputs ``<sos> tom is here .``: the same tokens shifted by one, then ``<eos>``."""
    tokens = tuple(str(t).strip() for t in answer)
    if tokens and tokens[0] == "<sos>":
        return False, "<sos> 로 시작하면 디코더 입력이에요. 타깃은 '다음에 올 토큰'이라 <sos> 가 없어요."
    if tokens == TEACHER_FORCING_TARGET[:-1]:
        return False, "거의 맞았어요. 마지막 입력 '.' 다음에 모델이 내야 하는 토큰은 무엇일까요?"
    return tokens == TEACHER_FORCING_TARGET


@exercise("09_2", hint="점수 e_i = s_tᵀh_i 를 구하고, 소프트맥스로 가중치를 만든 뒤, h_i 를 그 가중치로 더하세요.",
          expects=(list, tuple, np.ndarray))
def toy_attention_context(answer: Any) -> bool | tuple[bool, str]:
    """The context vector of the toy example, to three decimals."""
    values = np.asarray(answer, dtype=float).ravel()
    if values.shape != (2,):
        return False, "컨텍스트 벡터는 h_i 와 같은 2차원 벡터예요."
    h = np.array(TOY_ENCODER_STATES)
    scores = h @ np.array(TOY_STATE)
    if close(values, scores @ h, atol=1e-3):
        return False, "점수를 소프트맥스로 정규화하지 않고 그대로 곱했어요. 가중치의 합이 1이 되어야 해요."
    if close(values, h.mean(axis=0), atol=1e-3):
        return False, "가중치를 모두 같게 두면 그냥 평균이에요. 점수가 큰 h_i 가 더 큰 가중치를 받아야 해요."
    return close(values, toy_context(), atol=1e-3)


@exercise("09_3", hint="keras.layers.Attention 의 내적 점수에는 학습할 가중치가 없어요. 달라지는 것은 W_c 의 입력 크기뿐입니다.",
          expects=int)
def attention_extra_params(answer: int) -> bool | tuple[bool, str]:
    """Parameters added by attention: W_c takes [a_t; s_t] (2·units) instead of s_t (units)."""
    if answer == 0:
        return False, "Attention 층 자체는 0개지만, 연결한 벡터를 받는 W_c 의 입력이 두 배가 됐어요."
    if answer == 2 * UNITS * UNITS or answer == 2 * UNITS * UNITS + UNITS:
        return False, "W_c 전체의 크기예요. 어텐션이 없는 모델에도 W_c (units × units + 편향)가 있어요. 차이만 세어 보세요."
    return answer == UNITS * UNITS


SOLUTIONS: dict[str, Any] = {
    "09_1": list(TEACHER_FORCING_TARGET),
    "09_2": toy_context().tolist(),
    "09_3": UNITS * UNITS,
}
WRONG_ANSWERS: dict[str, Any] = {
    "09_1": ["<sos>", "tom", "is", "here", "."],
    "09_2": [2.0, 1.0],
    "09_3": 2 * UNITS * UNITS + UNITS,
}
