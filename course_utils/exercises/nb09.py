"""Self-checks for ``notebooks/09_seq2seq_attention.ipynb``."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils import check
from course_utils.check import exercise

TEACHER_FORCING_TARGET = ("tom", "is", "here", ".", "<eos>")
"""Exercise 09_1: the decoder targets for "Tom is here." under teacher forcing."""

TOY_STATE = (1.0, 0.0)
TOY_ENCODER_STATES = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
"""Exercise 09_2: one decoder state s_t and three encoder states h_1, h_2, h_3."""

UNITS = 128
"""Exercise 09_3: the units of the smaller translators the exercise asks about (the notebook uses more)."""

GENERAL_EXTRA_PARAMS = 2 * UNITS * UNITS
"""Exercise 09_3: W_a (units × units, no bias) plus the units × units more inputs of W_c.

``tests/test_seq2seq.py`` checks it against ``count_params()`` of two built models.
"""


def toy_context() -> np.ndarray:
    """The context vector a_t of exercise 09_2: softmax of the dot scores, then the weighted sum."""
    h = np.array(TOY_ENCODER_STATES)
    scores = h @ np.array(TOY_STATE)
    weights = np.exp(scores) / np.exp(scores).sum()
    return weights @ h


def general_scores_solution(states: np.ndarray, encoder_outputs: np.ndarray, w_a: np.ndarray) -> np.ndarray:
    """A correct answer to 09_4: project the keys ``h_i W_a``, then dot them with every ``s_t``."""
    keys = np.asarray(encoder_outputs) @ np.asarray(w_a)
    return np.asarray(states) @ np.swapaxes(keys, -1, -2)


def _general_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Hidden cases: square and non-square W_a, with and without a batch axis."""
    rng = np.random.default_rng(9)
    return [
        (rng.normal(size=(1, 3)), rng.normal(size=(2, 3)), np.eye(3)),  # W_a = I: dot scores
        (rng.normal(size=(2, 3)), rng.normal(size=(4, 3)), rng.normal(size=(3, 3))),
        (rng.normal(size=(3, 2)), rng.normal(size=(5, 4)), rng.normal(size=(4, 2))),  # encoder 4, decoder 2 units
        (rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 4, 6)), rng.normal(size=(6, 2))),  # batch of 2
    ]


@exercise("09_1", hint="디코더 입력을 한 칸 왼쪽으로 민 것이 타깃입니다. <sos> 는 입력에만, <eos> 는 타깃에만 있어요.")
def teacher_forcing_target(answer: Any) -> bool | tuple[bool, str]:
    """The targets of the decoder inputs ``<sos> tom is here .``: the same tokens shifted by one, then ``<eos>``."""
    tokens = tuple(t.strip() for t in check.as_strings(answer))
    if tokens and tokens[0] == "<sos>":
        return False, "<sos> 로 시작하면 디코더 입력이에요. 타깃은 '다음에 올 토큰'이라 <sos> 가 없어요."
    if tokens == TEACHER_FORCING_TARGET[:-1]:
        return False, "거의 맞았어요. 마지막 입력 '.' 다음에 모델이 내야 하는 토큰은 무엇일까요?"
    return tokens == TEACHER_FORCING_TARGET


@exercise("09_2", hint="점수 e_i = s_tᵀh_i 를 구하고, 소프트맥스로 가중치를 만든 뒤, h_i 를 그 가중치로 더하세요.")
def toy_attention_context(answer: Any) -> bool | tuple[bool, str]:
    """The context vector of the toy example, to three decimals."""
    values = check.as_array(answer, shape=(2,))
    h = np.array(TOY_ENCODER_STATES)
    scores = h @ np.array(TOY_STATE)
    if check.close(values, scores @ h, atol=1e-3):
        return False, "점수를 소프트맥스로 정규화하지 않고 그대로 곱했어요. 가중치의 합이 1이 되어야 해요."
    if check.close(values, h.mean(axis=0), atol=1e-3):
        return False, "가중치를 모두 같게 두면 그냥 평균이에요. 점수가 큰 h_i 가 더 큰 가중치를 받아야 해요."
    return check.close(values, toy_context(), atol=1e-3)


@exercise("09_3", hint="Luong general 어텐션에서 새로 생기는 가중치는 W_a 이고, 연결한 [a_t; s_t] 를 받는 W_c 의 입력도 늘어나요.")
def general_attention_extra_params(answer: Any) -> bool | tuple[bool, str]:
    """Parameters added by general attention: ``W_a`` (units², no bias) and ``units²`` more weights in ``W_c``."""
    value = check.as_int(answer)
    if value == UNITS * UNITS:
        return False, "반만 셌어요. W_a 와 W_c 의 늘어난 입력 가운데 하나만 세었네요."
    if value in (UNITS * UNITS + UNITS, 2 * UNITS * UNITS + UNITS):
        return False, "W_a 는 Dense(use_bias=False) 라 편향이 없고, W_c 의 편향 수는 출력 유닛 수라 그대로예요."
    return value == GENERAL_EXTRA_PARAMS


@exercise("09_4", hint="키를 먼저 h_i W_a 로 바꾼 뒤 s_t 와 내적하세요. 결과의 모양은 (…, 디코더 시점 T, 인코더 시점 n) 이에요.")
def general_scores(answer: Any) -> tuple[bool, str]:
    """The learner's ``general_scores(states, encoder_outputs, w_a)`` against ``reference.luong_general_scores``."""
    from course_utils.reference import luong_general_scores

    return check.compare_function(answer, luong_general_scores, _general_cases())


def _dot_scores(states: np.ndarray, encoder_outputs: np.ndarray, w_a: np.ndarray) -> np.ndarray:
    return np.asarray(states) @ np.swapaxes(np.asarray(encoder_outputs), -1, -2)  # forgot W_a


def _transposed_w_a(states: np.ndarray, encoder_outputs: np.ndarray, w_a: np.ndarray) -> np.ndarray:
    return np.asarray(states) @ np.asarray(w_a) @ np.swapaxes(np.asarray(encoder_outputs), -1, -2)


def _two_d_only(states: np.ndarray, encoder_outputs: np.ndarray, w_a: np.ndarray) -> np.ndarray:
    return np.asarray(states) @ (np.asarray(encoder_outputs) @ np.asarray(w_a)).T  # .T flips a batch axis too


def _softmaxed(states: np.ndarray, encoder_outputs: np.ndarray, w_a: np.ndarray) -> np.ndarray:
    scores = general_scores_solution(states, encoder_outputs, w_a)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)  # weights, not scores


def _stub(states: np.ndarray, encoder_outputs: np.ndarray, w_a: np.ndarray) -> None:
    return None


SOLUTIONS: dict[str, Any] = {
    "09_1": list(TEACHER_FORCING_TARGET),
    "09_2": toy_context().tolist(),
    "09_3": GENERAL_EXTRA_PARAMS,
    "09_4": general_scores_solution,
}
WRONG_ANSWERS: dict[str, list[Any]] = {
    "09_1": [["<sos>", "tom", "is", "here", "."], ["tom", "is", "here", "."], ["is", "here", ".", "<eos>"]],
    "09_2": [[2.0, 1.0], [2 / 3, 2 / 3], (toy_context() + 0.01).tolist()],
    "09_3": [UNITS * UNITS, GENERAL_EXTRA_PARAMS + UNITS, GENERAL_EXTRA_PARAMS + 1, 2 * 256 * 256],
    "09_4": [_dot_scores, _transposed_w_a, _two_d_only, _softmaxed, _stub],
}
