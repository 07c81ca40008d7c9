"""Self-checks for ``notebooks/03_rnn_from_scratch.ipynb``."""

from __future__ import annotations

import math
from typing import Any

from course_utils.check import close, exercise

_SHAPES = {"a": (32, 20), "b": (32, 50, 20), "c": (32, 50, 40)}


@exercise("03_1", hint="return_sequences=False 이면 시간 축이 사라지고, 양방향 층은 두 방향의 출력을 이어 붙여요.",
          expects=dict)
def output_shapes(answer: dict[str, Any]) -> bool | tuple[bool, str]:
    """Output shapes for a (32, 50, 8) input: SimpleRNN(20), with return_sequences, Bidirectional GRU."""
    if set(answer) != set(_SHAPES):
        return False, f"a, b, c 세 개의 키에 모두 답해 주세요 (받은 키: {sorted(answer)})."
    given = {key: tuple(value) for key, value in answer.items()}
    if given["c"] == (32, 50, 20):
        return False, "(c) Bidirectional 의 기본 merge_mode='concat' 은 두 방향의 출력을 이어 붙여요."
    wrong = sorted(key for key, shape in _SHAPES.items() if given[key] != shape)
    return (not wrong), (f"{', '.join(wrong)} 을(를) 다시 확인해 보세요." if wrong else "")


@exercise("03_2", hint="0.9**n < 0.01 을 n 에 대해 풀면 n > log(0.01) / log(0.9) 예요.", expects=int)
def vanishing_distance(answer: int) -> bool | tuple[bool, str]:
    """Smallest n with 0.9**n < 0.01: 44."""
    expected = math.ceil(math.log(0.01) / math.log(0.9))
    if answer == expected - 1:
        return False, f"0.9**{answer} = {0.9**answer:.4f} 은 아직 0.01 이상이에요."
    return answer == expected


_CLIPPED = {
    "clipvalue": [[4.0, 4.0], [0.0, 4.0]],
    "clipnorm": [[3.0, 4.0], [0.0, 5.0]],
    "global_clipnorm": [[6.0 * 5 / math.sqrt(125), 8.0 * 5 / math.sqrt(125)], [0.0, 5.0 * 5 / math.sqrt(125)]],
}


@exercise("03_3", hint="clipvalue 는 원소마다, clipnorm 은 텐서마다, global_clipnorm 은 모든 텐서를 합친 노름으로 줄여요.",
          expects=dict)
def clipping(answer: dict[str, Any]) -> bool | tuple[bool, str]:
    """Gradients [6, 8] and [0, 5] after clipvalue=4, clipnorm=5 and global_clipnorm=5."""
    if set(answer) != set(_CLIPPED):
        return False, f"clipvalue, clipnorm, global_clipnorm 세 키에 모두 답해 주세요 (받은 키: {sorted(answer)})."
    if close(answer["global_clipnorm"], _CLIPPED["clipnorm"], atol=1e-4):
        return False, "global_clipnorm 은 두 기울기를 합친 전체 노름 √(36+64+25) 을 5로 맞춰요."
    wrong = sorted(key for key, value in _CLIPPED.items() if not close(answer[key], value, atol=1e-4))
    return (not wrong), (f"{', '.join(wrong)} 을(를) 다시 계산해 보세요." if wrong else "")


@exercise("03_4", hint="h1 = 1, h2 = w + 2, h3 = w·h2 + 0 이에요. h3 를 w 로 미분하세요.", expects=(int, float))
def scalar_bptt(answer: float) -> bool | tuple[bool, str]:
    """dL/dw for h_t = w·h_{t-1} + x_t, x = (1, 2, 0), L = h_3 at w = 0.5: 2w + 2 = 3."""
    if close(answer, 2.5, atol=1e-6):
        return False, "h3 = w·h2 에서 h2 를 상수로 봤나요? h2 = w·h1 + 2 도 w 에 의존해요: 시간을 거슬러 가는 경로까지 더해야 BPTT 예요."
    return close(answer, 3.0, atol=1e-4)


SOLUTIONS: dict[str, Any] = {
    "03_1": dict(_SHAPES),
    "03_2": 44,
    "03_3": {key: [list(row) for row in value] for key, value in _CLIPPED.items()},
    "03_4": 3.0,
}
WRONG_ANSWERS: dict[str, Any] = {
    "03_1": {"a": (32, 20), "b": (32, 50, 20), "c": (32, 50, 20)},
    "03_2": 43,
    "03_3": {"clipvalue": [[4.0, 4.0], [0.0, 4.0]], "clipnorm": [[3.0, 4.0], [0.0, 5.0]],
             "global_clipnorm": [[3.0, 4.0], [0.0, 5.0]]},
    "03_4": 2.5,
}
