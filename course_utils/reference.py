"""Small NumPy reference implementations of recurrent layers and of one attention step, for teaching.

Each function follows Keras' conventions, so that weights copy across unchanged:

- inputs are ``(batch, time, features)`` arrays, outputs ``(batch, time, units)``
  (every hidden state, as with ``return_sequences=True``; ``[:, -1]`` is the last one);
- ``weights`` is the list ``layer.get_weights()`` returns, ``[kernel, recurrent_kernel, bias]``:

  ============  =====================  ==================  ==============================
  layer         kernel                 recurrent_kernel    bias
  ============  =====================  ==================  ==============================
  SimpleRNN     ``(features, u)``      ``(u, u)``          ``(u,)``
  LSTM          ``(features, 4u)``     ``(u, 4u)``         ``(4u,)``
  GRU           ``(features, 3u)``     ``(u, 3u)``         ``(2, 3u)`` with ``reset_after=True``
                                                           (input row, recurrent row), else ``(3u,)``
  ============  =====================  ==================  ==============================

  LSTM gate blocks are in the order input ``i``, forget ``f``, candidate ``c`` (here ``g``),
  output ``o``; GRU blocks in the order update ``z``, reset ``r``, candidate ``h`` (here ``n``).

Backward functions implement backpropagation through time (BPTT) for a loss ``L``
given ``d_outputs = dL/d(outputs)``, the gradient arriving at each step's output from
above (zero everywhere but the last step for a many-to-one model). They return
:class:`Gradients` with weight gradients in the order of ``layer.trainable_weights``.
Everything is computed in float64 so that finite-difference checks are accurate.

:func:`luong_attention_step` (notebook 09) is one step of Luong's dot or *general* attention
(scores, softmax, context, ``[a_t; s_t]``, ``tanh(W_c[a_t; s_t] + b_c)``, output softmax), equal to
what ``keras.layers.Attention`` and two ``Dense`` layers compute.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

Array = np.ndarray
ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array]]] = {
    # name: (activation, its derivative written in terms of the activation's *output* y)
    "tanh": (np.tanh, lambda y: 1.0 - y**2),
    "linear": (lambda a: a, np.ones_like),
    "relu": (lambda a: np.maximum(a, 0.0), lambda y: (y > 0).astype(y.dtype)),
}


@dataclass(frozen=True)
class Gradients:
    """Gradients of a loss computed by BPTT.

    ``weights`` follows ``layer.trainable_weights`` (kernel, recurrent kernel, bias);
    ``inputs`` is ``dL/dx``; ``hidden[:, t]`` is ``dL/dh_t``, the total gradient reaching the
    hidden state of step ``t`` (from its own output and through every later step);
    ``initial_state`` is ``[dL/dh_0]`` (``[dL/dh_0, dL/dc_0]`` for an LSTM).
    """

    weights: list[Array]
    inputs: Array
    hidden: Array
    initial_state: list[Array]


def sigmoid(a: Array) -> Array:
    """The logistic function ``1 / (1 + exp(-a))``, Keras' default gate activation."""
    return 1.0 / (1.0 + np.exp(-a))


# --- SimpleRNN -------------------------------------------------------------------------


def simple_rnn_forward(
    x: Array, weights: Sequence[Array], h0: Array | None = None, activation: str = "tanh"
) -> Array:
    """Hidden states of ``keras.layers.SimpleRNN``: ``h_t = φ(x_t·W_x + h_{t-1}·W_h + b)``."""
    kernel, recurrent_kernel, bias = _float64(weights)
    x = _sequences(x)
    phi, _ = _activation(activation)
    h = _zeros_if_none(h0, x.shape[0], recurrent_kernel.shape[0])
    outputs = []
    for t in range(x.shape[1]):
        h = phi(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        outputs.append(h)
    return np.stack(outputs, axis=1)


def simple_rnn_backward(
    x: Array,
    weights: Sequence[Array],
    d_outputs: Array,
    h0: Array | None = None,
    activation: str = "tanh",
) -> Gradients:
    """BPTT through a SimpleRNN: walk the unrolled graph from the last step to the first.

    With ``a_t = x_t·W_x + h_{t-1}·W_h + b`` and ``h_t = φ(a_t)``::

        dL/dh_t = d_outputs_t + dL/da_{t+1} · W_hᵀ        (own output + the path through step t+1)
        dL/da_t = dL/dh_t ⊙ φ'(a_t)
        dL/dW_x = Σ_t x_tᵀ · dL/da_t,   dL/dW_h = Σ_t h_{t-1}ᵀ · dL/da_t,   dL/db = Σ_t dL/da_t
    """
    kernel, recurrent_kernel, _ = _float64(weights)
    x, d_outputs = _sequences(x), np.asarray(d_outputs, dtype=np.float64)
    h0 = _zeros_if_none(h0, x.shape[0], recurrent_kernel.shape[0])
    hs = simple_rnn_forward(x, weights, h0, activation)
    previous = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)  # h_{t-1} for every t
    _, phi_prime = _activation(activation)

    d_kernel, d_recurrent = np.zeros_like(kernel), np.zeros_like(recurrent_kernel)
    d_bias = np.zeros(kernel.shape[1])
    d_x, d_hidden = np.zeros_like(x), np.zeros_like(hs)
    from_next = np.zeros_like(h0)  # dL/dh_t arriving from step t+1 (nothing after the last step)
    for t in reversed(range(x.shape[1])):
        d_h = d_outputs[:, t] + from_next
        d_hidden[:, t] = d_h
        d_a = d_h * phi_prime(hs[:, t])
        d_kernel += x[:, t].T @ d_a
        d_recurrent += previous[:, t].T @ d_a
        d_bias += d_a.sum(axis=0)
        d_x[:, t] = d_a @ kernel.T
        from_next = d_a @ recurrent_kernel.T
    return Gradients([d_kernel, d_recurrent, d_bias], d_x, d_hidden, [from_next])


def truncated_bptt(
    x: Array,
    weights: Sequence[Array],
    d_outputs: Array,
    k: int,
    h0: Array | None = None,
    activation: str = "tanh",
) -> Gradients:
    """Truncated BPTT for a SimpleRNN: blocks of ``k`` steps, each with its own BPTT.

    The forward link between blocks is kept (each block starts from the last hidden state
    of the previous one); the backward link is cut (no gradient flows into the previous
    block). Weight gradients are summed over blocks, as if the weights did not change
    between blocks; ``inputs`` and ``hidden`` are the blocks' gradients side by side and
    ``initial_state`` is that of the first block. With ``k >= time`` this is plain BPTT.
    """
    if k < 1:
        raise ValueError(f"블록 길이 k는 1 이상이어야 합니다 (받은 값: {k}). k >= 시점 수이면 보통의 BPTT와 같습니다.")
    x, d_outputs = _sequences(x), np.asarray(d_outputs, dtype=np.float64)
    h = _zeros_if_none(h0, x.shape[0], np.shape(weights[1])[0])
    blocks = []
    for start in range(0, x.shape[1], k):
        x_block, d_block = x[:, start : start + k], d_outputs[:, start : start + k]
        blocks.append(simple_rnn_backward(x_block, weights, d_block, h, activation))
        h = simple_rnn_forward(x_block, weights, h, activation)[:, -1]  # forward link kept
    return Gradients(
        weights=[sum(g.weights[i] for g in blocks) for i in range(3)],
        inputs=np.concatenate([g.inputs for g in blocks], axis=1),
        hidden=np.concatenate([g.hidden for g in blocks], axis=1),
        initial_state=blocks[0].initial_state,
    )


# --- LSTM ------------------------------------------------------------------------------


class LSTMStep(NamedTuple):
    """One LSTM step: the new states and the four gate activations."""

    h: Array
    c: Array
    i: Array  # input gate
    f: Array  # forget gate
    g: Array  # candidate (Keras' "c" block)
    o: Array  # output gate


def lstm_step(
    x_t: Array, h: Array, c: Array, weights: Sequence[Array], peepholes: Sequence[Array] | None = None
) -> LSTMStep:
    """One step of ``keras.layers.LSTM`` (gate blocks i, f, c, o)::

        i = σ(x·W_i + h·U_i + b_i)    f = σ(x·W_f + h·U_f + b_f)
        g = tanh(x·W_c + h·U_c + b_c) o = σ(x·W_o + h·U_o + b_o)
        c' = f ⊙ c + i ⊙ g            h' = o ⊙ tanh(c')

    ``peepholes = (p_i, p_f, p_o)``, each ``(units,)``, adds diagonal peephole connections
    (Gers & Schmidhuber, 2000): ``+ p_i ⊙ c`` inside ``i``, ``+ p_f ⊙ c`` inside ``f`` and
    ``+ p_o ⊙ c'`` inside ``o``.
    """
    kernel, recurrent_kernel, bias = weights
    a_i, a_f, a_g, a_o = np.split(x_t @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
    p_i, p_f, p_o = (np.zeros_like(c),) * 3 if peepholes is None else _float64(peepholes)
    i, f, g = sigmoid(a_i + p_i * c), sigmoid(a_f + p_f * c), np.tanh(a_g)
    c_new = f * c + i * g
    o = sigmoid(a_o + p_o * c_new)
    return LSTMStep(o * np.tanh(c_new), c_new, i, f, g, o)


def lstm_forward(
    x: Array,
    weights: Sequence[Array],
    initial_state: Sequence[Array] | None = None,
    peepholes: Sequence[Array] | None = None,
) -> tuple[Array, Array]:
    """Hidden states and cell states ``(h, c)`` of ``keras.layers.LSTM``, each ``(batch, time, units)``."""
    steps = _lstm_steps(_sequences(x), _float64(weights), initial_state, peepholes)
    return np.stack([s.h for s in steps], axis=1), np.stack([s.c for s in steps], axis=1)


def lstm_backward(
    x: Array, weights: Sequence[Array], d_outputs: Array, initial_state: Sequence[Array] | None = None
) -> Gradients:
    """BPTT through an LSTM. Two paths lead back in time: through ``h`` and through ``c``.

    Along the direct cell-state path ``dL/dc_{t-1} ∋ dL/dc_t ⊙ f_t``: a gate value, not a weight
    matrix followed by a squashing derivative, which is why gradients survive longer. The
    full gradient also has the path through ``h_{t-1}`` into the gates (``d_h_next`` below).
    """
    weights = _float64(weights)
    kernel, recurrent_kernel, _ = weights
    x, d_outputs = _sequences(x), np.asarray(d_outputs, dtype=np.float64)
    steps = _lstm_steps(x, weights, initial_state)
    h0, c0 = _lstm_initial(initial_state, x.shape[0], recurrent_kernel.shape[0])

    d_kernel, d_recurrent = np.zeros_like(kernel), np.zeros_like(recurrent_kernel)
    d_bias = np.zeros(kernel.shape[1])
    d_x, d_hidden = np.zeros_like(x), np.zeros(x.shape[:2] + h0.shape[1:])
    d_h_next, d_c_next = np.zeros_like(h0), np.zeros_like(c0)
    for t in reversed(range(x.shape[1])):
        s = steps[t]
        h_prev, c_prev = (h0, c0) if t == 0 else (steps[t - 1].h, steps[t - 1].c)
        d_h = d_outputs[:, t] + d_h_next
        d_hidden[:, t] = d_h
        tanh_c = np.tanh(s.c)
        d_c = d_c_next + d_h * s.o * (1.0 - tanh_c**2)
        d_a = np.concatenate(  # gradients of the four pre-activations, in Keras' block order
            [
                d_c * s.g * s.i * (1.0 - s.i),  # input gate
                d_c * c_prev * s.f * (1.0 - s.f),  # forget gate
                d_c * s.i * (1.0 - s.g**2),  # candidate
                d_h * tanh_c * s.o * (1.0 - s.o),  # output gate
            ],
            axis=-1,
        )
        d_kernel += x[:, t].T @ d_a
        d_recurrent += h_prev.T @ d_a
        d_bias += d_a.sum(axis=0)
        d_x[:, t] = d_a @ kernel.T
        d_h_next, d_c_next = d_a @ recurrent_kernel.T, d_c * s.f
    return Gradients([d_kernel, d_recurrent, d_bias], d_x, d_hidden, [d_h_next, d_c_next])


def _lstm_initial(initial_state: Sequence[Array] | None, batch: int, units: int) -> tuple[Array, Array]:
    if initial_state is None:
        return np.zeros((batch, units)), np.zeros((batch, units))
    h0, c0 = initial_state
    return np.asarray(h0, dtype=np.float64), np.asarray(c0, dtype=np.float64)


def _lstm_steps(
    x: Array,
    weights: list[Array],
    initial_state: Sequence[Array] | None,
    peepholes: Sequence[Array] | None = None,
) -> list[LSTMStep]:
    h, c = _lstm_initial(initial_state, x.shape[0], weights[1].shape[0])
    steps = []
    for t in range(x.shape[1]):
        steps.append(lstm_step(x[:, t], h, c, weights, peepholes))
        h, c = steps[-1].h, steps[-1].c
    return steps


# --- GRU -------------------------------------------------------------------------------


class GRUStep(NamedTuple):
    """One GRU step: the new state, the gates, the candidate and its recurrent term."""

    h: Array
    z: Array  # update gate
    r: Array  # reset gate
    n: Array  # candidate state (Keras' "h" block)
    u: Array  # recurrent term inside the candidate: h·U_n + b_n (reset_after) or (r ⊙ h)·U_n


def gru_step(x_t: Array, h: Array, weights: Sequence[Array]) -> GRUStep:
    """One step of ``keras.layers.GRU`` (blocks z, r, h); ``reset_after`` is read from the bias shape::

        z = σ(x·W_z + b_z + h·U_z + b'_z)      r = σ(x·W_r + b_r + h·U_r + b'_r)
        n = tanh(x·W_n + b_n + r ⊙ (h·U_n + b'_n))     (reset_after=True, Keras' default)
        n = tanh(x·W_n + b_n + (r ⊙ h)·U_n)            (reset_after=False, the textbook form)
        h' = z ⊙ h + (1 − z) ⊙ n

    The primed biases ``b'`` exist only with ``reset_after=True``.
    """
    kernel, recurrent_kernel, bias = weights
    input_bias, recurrent_bias = _gru_biases(bias)
    units = recurrent_kernel.shape[0]
    x_z, x_r, x_n = np.split(x_t @ kernel + input_bias, 3, axis=-1)
    h_z, h_r = np.split(h @ recurrent_kernel[:, : 2 * units] + recurrent_bias[: 2 * units], 2, axis=-1)
    z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
    if _reset_after(bias):
        u = h @ recurrent_kernel[:, 2 * units :] + recurrent_bias[2 * units :]
        n = np.tanh(x_n + r * u)
    else:
        u = (r * h) @ recurrent_kernel[:, 2 * units :]
        n = np.tanh(x_n + u)
    return GRUStep(z * h + (1.0 - z) * n, z, r, n, u)


def gru_forward(x: Array, weights: Sequence[Array], h0: Array | None = None) -> Array:
    """Hidden states of ``keras.layers.GRU`` (either ``reset_after``), ``(batch, time, units)``."""
    steps = _gru_steps(_sequences(x), _float64(weights), h0)
    return np.stack([s.h for s in steps], axis=1)


def gru_backward(x: Array, weights: Sequence[Array], d_outputs: Array, h0: Array | None = None) -> Gradients:
    """BPTT through a GRU. The direct path back in time is ``dL/dh_{t-1} ∋ dL/dh_t ⊙ z_t``."""
    weights = _float64(weights)
    kernel, recurrent_kernel, bias = weights
    x, d_outputs = _sequences(x), np.asarray(d_outputs, dtype=np.float64)
    units, reset_after = recurrent_kernel.shape[0], _reset_after(bias)
    h0 = _zeros_if_none(h0, x.shape[0], units)
    steps = _gru_steps(x, weights, h0)
    u_n = recurrent_kernel[:, 2 * units :]

    d_kernel, d_recurrent = np.zeros_like(kernel), np.zeros_like(recurrent_kernel)
    d_input_bias, d_recurrent_bias = np.zeros(3 * units), np.zeros(3 * units)
    d_x, d_hidden = np.zeros_like(x), np.zeros(x.shape[:2] + (units,))
    d_h_next = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        s = steps[t]
        h_prev = h0 if t == 0 else steps[t - 1].h
        d_h = d_outputs[:, t] + d_h_next
        d_hidden[:, t] = d_h
        d_prev = d_h * s.z  # the direct path h_{t-1} → h_t
        d_a_n = d_h * (1.0 - s.z) * (1.0 - s.n**2)
        if reset_after:  # n = tanh(x_n + r ⊙ u), u = h·U_n + b'_n
            d_r, d_u = d_a_n * s.u, d_a_n * s.r
            d_recurrent[:, 2 * units :] += h_prev.T @ d_u
            d_recurrent_bias[2 * units :] += d_u.sum(axis=0)
            d_prev += d_u @ u_n.T
        else:  # n = tanh(x_n + (r ⊙ h)·U_n)
            d_rh = d_a_n @ u_n.T
            d_r = d_rh * h_prev
            d_recurrent[:, 2 * units :] += (s.r * h_prev).T @ d_a_n
            d_prev += d_rh * s.r
        d_a_zr = np.concatenate([d_h * (h_prev - s.n) * s.z * (1.0 - s.z), d_r * s.r * (1.0 - s.r)], axis=-1)
        d_a_x = np.concatenate([d_a_zr, d_a_n], axis=-1)
        d_kernel += x[:, t].T @ d_a_x
        d_input_bias += d_a_x.sum(axis=0)
        d_x[:, t] = d_a_x @ kernel.T
        d_recurrent[:, : 2 * units] += h_prev.T @ d_a_zr
        d_recurrent_bias[: 2 * units] += d_a_zr.sum(axis=0)
        d_h_next = d_prev + d_a_zr @ recurrent_kernel[:, : 2 * units].T
    d_bias = np.stack([d_input_bias, d_recurrent_bias]) if reset_after else d_input_bias
    return Gradients([d_kernel, d_recurrent, d_bias], d_x, d_hidden, [d_h_next])


def _reset_after(bias: Array) -> bool:
    return np.ndim(bias) == 2


def _gru_biases(bias: Array) -> tuple[Array, Array]:
    """(input bias, recurrent bias); the recurrent bias is zero when ``reset_after=False``."""
    return (bias[0], bias[1]) if _reset_after(bias) else (bias, np.zeros_like(bias))


def _gru_steps(x: Array, weights: list[Array], h0: Array | None) -> list[GRUStep]:
    h = _zeros_if_none(h0, x.shape[0], weights[1].shape[0])
    steps = []
    for t in range(x.shape[1]):
        steps.append(gru_step(x[:, t], h, weights))
        h = steps[-1].h
    return steps


# --- gradient checking -----------------------------------------------------------------


def numerical_gradient(loss: Callable[[], float], array: Array, eps: float = 1e-6) -> Array:
    """Central finite differences ``(L(w + ε) − L(w − ε)) / 2ε`` for every entry of ``array``.

    ``array`` is changed in place one entry at a time (and restored), so ``loss`` must read it.
    """
    grad = np.zeros(array.shape)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        plus = loss()
        array[index] = saved - eps
        minus = loss()
        array[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a: Array, b: Array) -> float:
    """``max|a − b| / max(|a| + |b|)``: about 1e-7 or less when two gradients agree in float64."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.max(np.abs(a) + np.abs(b))
    return float(np.max(np.abs(a - b)) / scale) if scale > 0 else 0.0


# --- small helpers ---------------------------------------------------------------------


def _float64(arrays: Sequence[Array]) -> list[Array]:
    return [np.asarray(a, dtype=np.float64) for a in arrays]


def _sequences(x: Array) -> Array:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"입력 x는 (배치, 시점, 특성) 3차원 배열이어야 합니다 (받은 모양: {x.shape}). "
                         f"시퀀스 하나라면 x[None]으로 배치 축을 더하세요.")
    return x


def _zeros_if_none(h0: Array | None, batch: int, units: int) -> Array:
    return np.zeros((batch, units)) if h0 is None else np.asarray(h0, dtype=np.float64)


def _activation(name: str) -> tuple[Callable[[Array], Array], Callable[[Array], Array]]:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"알 수 없는 activation {name!r}입니다. 다음 중 하나를 고르세요: {sorted(ACTIVATIONS)}") from None


# ---------------------------------------------------------------------------------------------
# Attention (notebook 09): one step of Luong attention, and the score functions
# ---------------------------------------------------------------------------------------------

MASKED_SCORE_OFFSET = 1.0e9
"""What ``keras.layers.Attention`` subtracts from the scores of padded positions before the softmax."""


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``."""
    shifted = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return shifted / np.sum(shifted, axis=axis, keepdims=True)


def luong_general_scores(states: np.ndarray, encoder_outputs: np.ndarray, w_a: np.ndarray) -> np.ndarray:
    """Luong's *general* scores ``e_t,i = s_tᵀ W_a h_i`` for every decoder step ``t`` and source position ``i``.

    ``states``: ``(…, T, decoder units)``; ``encoder_outputs``: ``(…, n, encoder units)``;
    ``w_a`` in the Keras layout ``(encoder units, decoder units)`` (the kernel of
    ``Dense(use_bias=False)`` applied to ``h_i``). Returns ``(…, T, n)``. With ``w_a`` the
    identity these are the dot scores ``s_tᵀh_i``.
    """
    keys = np.asarray(encoder_outputs, dtype=np.float64) @ np.asarray(w_a, dtype=np.float64)
    return np.asarray(states, dtype=np.float64) @ np.swapaxes(keys, -1, -2)


@dataclass(frozen=True)
class AttentionStep:
    """Every intermediate result of :func:`luong_attention_step`, in the order they are computed."""

    scores: np.ndarray  # e_t = [s_tᵀh_1, …, s_tᵀh_n]           (…, T, n)
    weights: np.ndarray  # α_t = softmax(e_t)                     (…, T, n)
    context: np.ndarray  # a_t = Σ_i α_t,i h_i                     (…, T, units)
    concat: np.ndarray  # v_t = [a_t; s_t]                        (…, T, 2·units)
    attentional: np.ndarray  # s̃_t = tanh(W_c v_t + b_c)         (…, T, combine units)
    probs: np.ndarray  # softmax(W_o s̃_t + b_o)                  (…, T, vocabulary)


def luong_attention_step(
    states: np.ndarray,
    encoder_outputs: np.ndarray,
    w_c: np.ndarray,
    b_c: np.ndarray,
    w_o: np.ndarray,
    b_o: np.ndarray,
    mask: np.ndarray | None = None,
    w_a: np.ndarray | None = None,
) -> AttentionStep:
    """Dot-product (or, with ``w_a``, *general*) attention and the attentional output layer, in NumPy.

    ``states`` are decoder hidden states ``s_t`` (``(T, units)``, or with a leading batch axis),
    ``encoder_outputs`` the encoder's hidden states ``h_i`` (``(n, units)``, same leading axes).
    Weights use the Keras layout (``x @ w``, ``w`` of shape ``(inputs, outputs)``), so
    ``w_c`` is ``W_cᵀ`` of the formula. ``mask`` (``(n,)`` or ``(batch, n)``, ``True`` for real
    tokens) removes padded encoder positions from the softmax as ``keras.layers.Attention`` does.
    """
    states = np.asarray(states, dtype=np.float64)
    encoder_outputs = np.asarray(encoder_outputs, dtype=np.float64)
    if w_a is None:
        scores = states @ np.swapaxes(encoder_outputs, -1, -2)
    else:
        scores = luong_general_scores(states, encoder_outputs, w_a)
    masked = scores
    if mask is not None:
        keep = np.expand_dims(np.asarray(mask, dtype=bool), -2)  # broadcast over the T query steps
        masked = np.where(keep, scores, scores - MASKED_SCORE_OFFSET)
    weights = softmax(masked)
    context = weights @ encoder_outputs
    concat = np.concatenate([context, states], axis=-1)
    attentional = np.tanh(concat @ w_c + b_c)
    probs = softmax(attentional @ w_o + b_o)
    return AttentionStep(scores, weights, context, concat, attentional, probs)
