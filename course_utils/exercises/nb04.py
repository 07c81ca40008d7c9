"""Self-checks for ``notebooks/04_lstm_gru.ipynb``.

04_1–04_4 ask for numbers; 04_5 is a coding exercise (one GRU step in Keras' weight
layout), run on hidden cases against :func:`course_utils.reference.gru_step`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course_utils import reference
from course_utils.check import as_array, as_int, compare_function, exercise


def lstm_params(units: int, features: int, biases_per_gate: int = 1) -> int:
    """Parameters of an LSTM layer: ``4u(d + u + b)``; Keras has one bias per gate, PyTorch two."""
    return 4 * units * (features + units + biases_per_gate)


def gru_params(units: int, features: int, reset_after: bool = True) -> int:
    """Parameters of ``keras.layers.GRU``: ``3(ud + u² + u)``, plus ``3u`` recurrent biases with ``reset_after``."""
    return 3 * (units * features + units**2 + (2 if reset_after else 1) * units)


_TORCH_LSTM = lstm_params(64, 300, biases_per_gate=2)


@exercise("04_1", hint="PyTorch 의 LSTM 은 게이트마다 입력 쪽 편향 b_i· 와 순환 쪽 편향 b_h· 를 따로 가져요: 4u(d + u + 2).")
def torch_lstm_params(answer: Any) -> bool | tuple[bool, str]:
    """PyTorch-style LSTM (two biases per gate), 64 units on 300 features: 4·64·(300 + 64 + 2) = 93,696."""
    n = as_int(answer)
    if n == lstm_params(64, 300):
        return False, "Keras 의 식 4u(d + u + 1) 이에요. 강의 노트 000 의 식처럼 게이트마다 편향이 두 벌이면요?"
    if n == 64 * (300 + 64 + 2):
        return False, "게이트 하나만 셌어요. LSTM 에는 가중치 블록이 네 개(i, f, g, o) 있어요."
    return n == _TORCH_LSTM


_GRU = gru_params(48, 20)


@exercise("04_2", hint="GRU는 블록이 세 개(z, r, h)이고, Keras 기본값 reset_after=True 는 편향이 블록마다 두 벌이에요.")
def gru_param_count(answer: Any) -> bool | tuple[bool, str]:
    """keras.layers.GRU(48) on 20 features with reset_after=True: 3·(48·20 + 48² + 2·48) = 10,080."""
    n = as_int(answer)
    if n == gru_params(48, 20, reset_after=False):
        return False, "교과서 식이에요. Keras 기본값 reset_after=True 에서는 순환 쪽 편향 3 × 48개가 더 있어요."
    return n == _GRU


_C_T = 0.9 * 2.0 + 0.5 * -1.0
_H_T = 0.8 * math.tanh(_C_T)


@exercise("04_3", hint="c_t = f·c_(t-1) + i·g, h_t = o·tanh(c_t) 예요.")
def lstm_step_by_hand(answer: Any) -> bool | tuple[bool, str]:
    """c_t = 0.9·2 + 0.5·(−1) = 1.3 and h_t = 0.8·tanh(1.3)."""
    c_t, h_t = as_array(answer, shape=(2,))
    if math.isclose(c_t, _C_T, abs_tol=1e-4) and math.isclose(h_t, 0.8 * _C_T, abs_tol=1e-4):
        return False, "h_t 에서 셀 상태에 tanh 를 씌우는 것을 잊었어요."
    return math.isclose(c_t, _C_T, abs_tol=1e-4) and math.isclose(h_t, _H_T, abs_tol=1e-4)


_PEEPHOLE = lstm_params(16, 4) + 3 * 16


@exercise("04_4", hint="LSTM 부분 4·u·(d + u + 1) 에 핍홀 벡터 세 개(각각 u 개)를 더하세요.")
def peephole_params(answer: Any) -> bool | tuple[bool, str]:
    """Peephole LSTM with 16 units on 4 features: 4·16·(4 + 16 + 1) + 3·16 = 1,392."""
    n = as_int(answer)
    if n == lstm_params(16, 4):
        return False, "보통의 LSTM 파라미터만 셌어요. 핍홀 벡터 p_i, p_f, p_o 도 있어요."
    return n == _PEEPHOLE


# --- 04_5: one GRU step in Keras' layout (coding) ---------------------------------------


def gru_step_h(x_t: np.ndarray, h: np.ndarray, kernel: np.ndarray, recurrent_kernel: np.ndarray,
               bias: np.ndarray) -> np.ndarray:
    """Reference for 04_5: the new hidden state of ``keras.layers.GRU`` (reset_after=True) after one step."""
    return reference.gru_step(x_t, h, [kernel, recurrent_kernel, bias]).h


def _cases() -> list[tuple[Any, ...]]:
    rng = np.random.default_rng(404)
    cases = []
    for batch, features, units in [(1, 1, 1), (2, 3, 4), (3, 2, 5)]:
        cases.append((rng.normal(size=(batch, features)), rng.normal(0, 0.5, (batch, units)),
                      rng.normal(0, 0.7, (features, 3 * units)), rng.normal(0, 0.7, (units, 3 * units)),
                      rng.normal(0, 0.5, (2, 3 * units))))
    return cases


@exercise("04_5", hint="블록 순서는 z, r, h 이고 bias[0] 은 입력 쪽, bias[1] 은 순환 쪽 편향이에요. "
                       "reset_after=True 에서는 r 을 (h·U_h + b'_h) 에 곱하고, h' = z·h + (1 − z)·n 이에요.")
def gru_step_code(answer: Any) -> tuple[bool, str]:
    """The learner's GRU step equals :func:`reference.gru_step` on hidden cases."""
    return compare_function(answer, gru_step_h, _cases())


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


def _gru_step_variant(x_t: np.ndarray, h: np.ndarray, kernel: np.ndarray, recurrent_kernel: np.ndarray,
                      bias: np.ndarray, *, swap_z: bool = False, reset_before: bool = False,
                      gate_order: str = "zr") -> np.ndarray:
    """A GRU step with one of the usual mistakes switched on (for WRONG_ANSWERS)."""
    u = recurrent_kernel.shape[0]
    x_part = x_t @ kernel + bias[0]
    h_part = h @ recurrent_kernel + bias[1]
    first, second = _sigmoid(x_part[:, :u] + h_part[:, :u]), _sigmoid(x_part[:, u : 2 * u] + h_part[:, u : 2 * u])
    z, r = (first, second) if gate_order == "zr" else (second, first)
    if reset_before:
        n = np.tanh(x_part[:, 2 * u :] + (r * h) @ recurrent_kernel[:, 2 * u :])
    else:
        n = np.tanh(x_part[:, 2 * u :] + r * h_part[:, 2 * u :])
    return (1 - z) * h + z * n if swap_z else z * h + (1 - z) * n


SOLUTIONS: dict[str, Any] = {"04_1": _TORCH_LSTM, "04_2": _GRU, "04_3": (_C_T, _H_T), "04_4": _PEEPHOLE,
                             "04_5": gru_step_h}
WRONG_ANSWERS: dict[str, list[Any]] = {
    "04_1": [lstm_params(64, 300), _TORCH_LSTM + 64, _TORCH_LSTM - 1, lstm_params(64, 300, 3)],
    "04_2": [gru_params(48, 20, reset_after=False), _GRU + 1, gru_params(20, 48), lstm_params(48, 20)],
    "04_3": [(1.3, 1.04), (_H_T, _C_T), (1.3, math.tanh(1.3)), (2.3, 0.8 * math.tanh(2.3))],
    "04_4": [lstm_params(16, 4), _PEEPHOLE - 1, lstm_params(16, 4) + 3 * 4, lstm_params(16, 4) + 2 * 16],
    "04_5": [lambda *args: _gru_step_variant(*args, swap_z=True),
             lambda *args: _gru_step_variant(*args, reset_before=True),
             lambda *args: _gru_step_variant(*args, gate_order="rz"),
             lambda x_t, h, kernel, recurrent_kernel, bias: None],
}
