"""Self-checks for ``notebooks/03_rnn_from_scratch.ipynb``.

03_1–03_4 ask for numbers; 03_5 is a coding exercise (the truncated-BPTT block loop),
run on hidden cases against :func:`course_utils.reference.truncated_bptt`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from course_utils import reference
from course_utils.check import AnswerError, as_array, as_float, as_int, compare_function, exercise

_SHAPES = {"a": (32, 20), "b": (32, 50, 20), "c": (32, 50, 40)}


def _keyed(answer: Any, keys: Sequence[str]) -> dict[str, Any]:
    """The answer as a dict with exactly ``keys``; :class:`AnswerError` otherwise."""
    if not isinstance(answer, dict) or set(answer) != set(keys):
        got = sorted(answer) if isinstance(answer, dict) else type(answer).__name__
        raise AnswerError(f"{', '.join(keys)} 키를 모두 가진 딕셔너리로 답해 주세요 (받은 것: {got}).")
    return answer


@exercise("03_1", hint="return_sequences=False 이면 시간 축이 사라지고, 양방향 층은 두 방향의 출력을 이어 붙여요.")
def output_shapes(answer: Any) -> bool | tuple[bool, str]:
    """Output shapes for a (32, 50, 8) input: SimpleRNN(20), with return_sequences, Bidirectional GRU."""
    given = {key: as_array(value) for key, value in _keyed(answer, sorted(_SHAPES)).items()}
    if given["c"].shape == (3,) and tuple(given["c"]) == (32, 50, 20):
        return False, "(c) Bidirectional 의 기본 merge_mode='concat' 은 두 방향의 출력을 이어 붙여요."
    wrong = sorted(key for key, shape in _SHAPES.items()
                   if given[key].shape != (len(shape),) or not np.array_equal(given[key], shape))
    return (not wrong), (f"{', '.join(wrong)} 을(를) 다시 확인해 보세요." if wrong else "")


@exercise("03_2", hint="0.9**n < 0.01 을 n 에 대해 풀면 n > log(0.01) / log(0.9) 예요.")
def vanishing_distance(answer: Any) -> bool | tuple[bool, str]:
    """Smallest n with 0.9**n < 0.01: 44."""
    n = as_int(answer)
    expected = math.ceil(math.log(0.01) / math.log(0.9))
    if n == expected - 1:
        return False, f"0.9**{n} = {0.9**n:.4f} 은 아직 0.01 이상이에요."
    return n == expected


def _clip(gradients: list[np.ndarray], kind: str, c: float) -> list[np.ndarray]:
    """What Keras' optimizer applies after ``clipvalue``/``clipnorm``/``global_clipnorm`` = c."""
    if kind == "clipvalue":
        return [np.clip(g, -c, c) for g in gradients]
    if kind == "clipnorm":
        return [g * min(1.0, c / np.linalg.norm(g)) for g in gradients]
    total = math.sqrt(sum(float(np.sum(g**2)) for g in gradients))
    return [g * min(1.0, c / total) for g in gradients]


_GRADIENTS = [np.array([6.0, 8.0]), np.array([0.0, 5.0])]
_CLIPPED = {kind: np.stack(_clip(_GRADIENTS, kind, c))
            for kind, c in (("clipvalue", 4.0), ("clipnorm", 5.0), ("global_clipnorm", 5.0))}


@exercise("03_3", hint="clipvalue 는 원소마다, clipnorm 은 텐서마다, global_clipnorm 은 모든 텐서를 합친 노름으로 줄여요.")
def clipping(answer: Any) -> bool | tuple[bool, str]:
    """Gradients [6, 8] and [0, 5] after clipvalue=4, clipnorm=5 and global_clipnorm=5."""
    given = {key: as_array(value, shape=(2, 2)) for key, value in _keyed(answer, sorted(_CLIPPED)).items()}
    if np.allclose(given["global_clipnorm"], _CLIPPED["clipnorm"], atol=1e-4):
        return False, "global_clipnorm 은 두 기울기를 합친 전체 노름 √(36+64+25) 을 5로 맞춰요."
    wrong = sorted(key for key, value in _CLIPPED.items() if not np.allclose(given[key], value, rtol=1e-4, atol=1e-4))
    return (not wrong), (f"{', '.join(wrong)} 을(를) 다시 계산해 보세요." if wrong else "")


@exercise("03_4", hint="h1 = 1, h2 = w + 2, h3 = w·h2 + 0 이에요. h3 를 w 로 미분하세요.")
def scalar_bptt(answer: Any) -> bool | tuple[bool, str]:
    """dL/dw for h_t = w·h_{t-1} + x_t, x = (1, 2, 0), L = h_3 at w = 0.5: 2w + 2 = 3."""
    value = as_float(answer)
    if math.isclose(value, 2.5, abs_tol=1e-6):
        return False, "h3 = w·h2 에서 h2 를 상수로 봤나요? h2 = w·h1 + 2 도 w 에 의존해요: 시간을 거슬러 가는 경로까지 더해야 BPTT 예요."
    return math.isclose(value, 2 * 0.5 + 2, abs_tol=1e-6)


# --- 03_5: the truncated-BPTT block loop (coding) ---------------------------------------


def truncated_bptt_weights(x: np.ndarray, weights: list[np.ndarray], d_outputs: np.ndarray, k: int) -> list[np.ndarray]:
    """Reference for 03_5: the weight gradients ``[dW_x, dW_h, db]`` of truncated BPTT with blocks of ``k``."""
    return reference.truncated_bptt(x, weights, d_outputs, k).weights


def _cases() -> list[tuple[Any, ...]]:
    """Hidden cases: lengths that k divides and does not, k = 1, k ≥ length, a non-zero state to carry."""
    rng = np.random.default_rng(2024)
    cases = []
    for batch, time, features, units, k in [(2, 9, 2, 3, 3), (1, 10, 1, 2, 4), (3, 7, 2, 4, 1), (2, 5, 3, 2, 8)]:
        weights = [rng.normal(0, 0.6, (features, units)), rng.normal(0, 0.6, (units, units)),
                   rng.normal(0, 0.3, units)]
        cases.append((rng.normal(size=(batch, time, features)), weights, rng.normal(size=(batch, time, units)), k))
    return cases


def _same_gradients(got: Any, expected: list[np.ndarray]) -> bool:
    if not isinstance(got, (list, tuple)) or len(got) != len(expected):
        return False
    try:
        arrays = [np.asarray(g, dtype=float) for g in got]
    except (TypeError, ValueError):
        return False
    return all(a.shape == e.shape and np.allclose(a, e, rtol=1e-6, atol=1e-9) for a, e in zip(arrays, expected))


@exercise("03_5", hint="블록마다 reference.simple_rnn_backward 를 부르고, 다음 블록은 이 블록의 마지막 은닉 상태에서 "
                       "출발시키세요(순전파 연결 유지). 마지막 블록이 k보다 짧을 수 있어요.")
def truncated_bptt_loop(answer: Any) -> tuple[bool, str]:
    """The learner's block loop equals :func:`reference.truncated_bptt` on hidden cases."""
    return compare_function(answer, truncated_bptt_weights, _cases(), equal=_same_gradients)


# --- solutions and wrong answers (tests/test_check.py) ---------------------------------


def _cut_forward_link(x: np.ndarray, weights: list[np.ndarray], d_outputs: np.ndarray, k: int) -> list[np.ndarray]:
    """Wrong: every block starts from a zero state."""
    blocks = [reference.simple_rnn_backward(x[:, s : s + k], weights, d_outputs[:, s : s + k])
              for s in range(0, x.shape[1], k)]
    return [sum(b.weights[i] for b in blocks) for i in range(3)]


def _drops_last_block(x: np.ndarray, weights: list[np.ndarray], d_outputs: np.ndarray, k: int) -> list[np.ndarray]:
    """Wrong (off by one block): ``range(0, T - k, k)`` skips the last block."""
    h = np.zeros((x.shape[0], np.shape(weights[1])[0]))
    total = [np.zeros(np.shape(w)) for w in weights]
    for s in range(0, x.shape[1] - k, k):
        g = reference.simple_rnn_backward(x[:, s : s + k], weights, d_outputs[:, s : s + k], h0=h)
        total = [t + w for t, w in zip(total, g.weights)]
        h = reference.simple_rnn_forward(x[:, s : s + k], weights, h)[:, -1]
    return total


def _full_bptt(x: np.ndarray, weights: list[np.ndarray], d_outputs: np.ndarray, k: int) -> list[np.ndarray]:
    """Wrong: ignores k (plain BPTT)."""
    return reference.simple_rnn_backward(x, weights, d_outputs).weights


SOLUTIONS: dict[str, Any] = {
    "03_1": dict(_SHAPES),
    "03_2": 44,
    "03_3": {key: value.tolist() for key, value in _CLIPPED.items()},
    "03_4": 3.0,
    "03_5": truncated_bptt_weights,
}
WRONG_ANSWERS: dict[str, list[Any]] = {
    "03_1": [{"a": (32, 20), "b": (32, 50, 20), "c": (32, 50, 20)},
             {"a": (32, 20), "b": (32, 20, 50), "c": (32, 50, 40)},       # time and units swapped
             {"a": (32, 50, 20), "b": (32, 50, 20), "c": (32, 50, 40)},
             {"a": (32, 20), "b": (32, 50, 20)}],
    "03_2": [43, 45, 22, "44"],
    "03_3": [{"clipvalue": [[4.0, 4.0], [0.0, 4.0]], "clipnorm": [[3.0, 4.0], [0.0, 5.0]],
              "global_clipnorm": [[3.0, 4.0], [0.0, 5.0]]},
             {"clipvalue": [[4.0, 4.0], [0.0, 4.0]], "clipnorm": [[3.0, 4.0], [0.0, 5.0]],
              "global_clipnorm": (_CLIPPED["global_clipnorm"] * 1.01).tolist()},
             {"clipvalue": [[4.0, 4.0], [0.0, 4.0]], "clipnorm": [[3.0, 4.0], [0.0, 2.5]],   # [0, 5] halved too
              "global_clipnorm": _CLIPPED["global_clipnorm"].tolist()},
             {"clipvalue": [[4.0, 0.0], [4.0, 4.0]], "clipnorm": [[3.0, 0.0], [4.0, 5.0]],    # transposed
              "global_clipnorm": _CLIPPED["global_clipnorm"].T.tolist()}],
    "03_4": [2.5, 2.0, 3.5, 1.0],
    "03_5": [_cut_forward_link, _drops_last_block, _full_bptt, lambda x, weights, d_outputs, k: None],
}
