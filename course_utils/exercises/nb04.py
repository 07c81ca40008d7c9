"""Self-checks for ``notebooks/04_lstm_gru.ipynb``."""

from __future__ import annotations

import math
from typing import Any

from course_utils.check import close, exercise


@exercise("04_1", hint="게이트 네 개가 각각 입력 가중치 (8 × 32), 순환 가중치 (32 × 32), 편향 (32)을 가져요.", expects=int)
def lstm_params(answer: int) -> bool | tuple[bool, str]:
    """LSTM(32) on 8 features: 4·32·(8 + 32 + 1) = 5,248."""
    if answer == 32 * (8 + 32 + 1):
        return False, "게이트 하나만 셌어요. LSTM에는 가중치 블록이 네 개(i, f, c, o) 있어요."
    return answer == 4 * 32 * (8 + 32 + 1)


@exercise("04_2", hint="GRU는 블록이 세 개(z, r, h)이고, Keras 기본값 reset_after=True 는 편향이 블록마다 두 벌이에요.",
          expects=int)
def gru_params(answer: int) -> bool | tuple[bool, str]:
    """GRU(32) on 8 features with reset_after=True: 3·(32·8 + 32² + 2·32) = 4,032."""
    if answer == 3 * (32 * 8 + 32 * 32 + 32):
        return False, "교과서 식이에요. Keras 기본값 reset_after=True 에서는 순환 쪽 편향 3 × 32개가 더 있어요."
    return answer == 3 * (32 * 8 + 32 * 32 + 2 * 32)


_C_T = 0.9 * 2.0 + 0.5 * -1.0
_H_T = 0.8 * math.tanh(_C_T)


@exercise("04_3", hint="c_t = f·c_(t-1) + i·g, h_t = o·tanh(c_t) 예요.", expects=(tuple, list))
def lstm_step_by_hand(answer: tuple[float, float]) -> bool | tuple[bool, str]:
    """c_t = 0.9·2 + 0.5·(−1) = 1.3 and h_t = 0.8·tanh(1.3)."""
    if len(answer) != 2:
        return False, "(c_t, h_t) 두 값을 튜플로 답해 주세요."
    if close(answer[0], _C_T, atol=1e-3) and close(answer[1], 0.8 * _C_T, atol=1e-3):
        return False, "h_t 에서 셀 상태에 tanh 를 씌우는 것을 잊었어요."
    return close(answer[0], _C_T, atol=1e-3) and close(answer[1], _H_T, atol=1e-3)


@exercise("04_4", hint="LSTM 부분 4·u·(d + u + 1) 에 핍홀 벡터 세 개(각각 u 개)를 더하세요.", expects=int)
def peephole_params(answer: int) -> bool | tuple[bool, str]:
    """Peephole LSTM with 16 units on 4 features: 4·16·(4 + 16 + 1) + 3·16 = 1,392."""
    if answer == 4 * 16 * (4 + 16 + 1):
        return False, "보통의 LSTM 파라미터만 셌어요. 핍홀 벡터 p_i, p_f, p_o 도 있어요."
    return answer == 4 * 16 * (4 + 16 + 1) + 3 * 16


SOLUTIONS: dict[str, Any] = {"04_1": 5_248, "04_2": 4_032, "04_3": (_C_T, _H_T), "04_4": 1_392}
WRONG_ANSWERS: dict[str, Any] = {"04_1": 1_312, "04_2": 3_936, "04_3": (1.3, 1.04), "04_4": 1_344}
