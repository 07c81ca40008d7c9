"""course_utils.reference against Keras: same outputs, same BPTT gradients, and finite differences."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from course_utils import config, reference

with config.quiet_native_stderr():
    import keras
    import tensorflow as tf

SHAPES = [(1, 1, 1, 1), (2, 5, 3, 4), (3, 12, 2, 6)]  # (batch, time, features, units)
ATOL = 1e-5  # Keras computes in float32, the reference in float64


def random_weights(layer: keras.layers.Layer, rng: np.random.Generator, scale: float = 0.5) -> list[np.ndarray]:
    """Give every weight of a built layer random values (biases too, so they are tested)."""
    weights = [rng.normal(0.0, scale, w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def keras_layer(kind: str, units: int, features: int, rng: np.random.Generator, **kwargs) -> keras.layers.Layer:
    layer = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[kind](
        units, return_sequences=True, **kwargs
    )
    layer.build((None, None, features))
    random_weights(layer, rng)
    return layer


FORWARD: dict[str, Callable[..., np.ndarray]] = {
    "simple_rnn": reference.simple_rnn_forward,
    "lstm": lambda x, w: reference.lstm_forward(x, w)[0],
    "gru": reference.gru_forward,
}
BACKWARD: dict[str, Callable[..., reference.Gradients]] = {
    "simple_rnn": reference.simple_rnn_backward,
    "lstm": reference.lstm_backward,
    "gru": reference.gru_backward,
}


# --- forward passes equal Keras' ------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(FORWARD))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_forward_matches_keras_with_and_without_return_sequences(kind: str, shape: tuple[int, ...]) -> None:
    batch, time, features, units = shape
    rng = np.random.default_rng(sum(shape))
    layer = keras_layer(kind, units, features, rng)
    x = rng.normal(size=(batch, time, features)).astype("float32")
    ours = FORWARD[kind](x, layer.get_weights())
    assert ours.shape == (batch, time, units)
    np.testing.assert_allclose(ours, layer(x), atol=ATOL)
    last_only = type(layer)(units, return_sequences=False)
    last_only.build((None, None, features))
    last_only.set_weights(layer.get_weights())
    np.testing.assert_allclose(ours[:, -1], last_only(x), atol=ATOL)


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
def test_simple_rnn_activations_and_initial_state_match_keras(activation: str) -> None:
    rng = np.random.default_rng(1)
    layer = keras_layer("simple_rnn", 4, 3, rng, activation=activation)
    x = rng.normal(size=(2, 6, 3)).astype("float32")
    h0 = rng.normal(size=(2, 4)).astype("float32")
    ours = reference.simple_rnn_forward(x, layer.get_weights(), h0=h0, activation=activation)
    np.testing.assert_allclose(ours, layer(x, initial_state=h0), atol=ATOL)


def test_lstm_cell_state_and_initial_state_match_keras_return_state() -> None:
    rng = np.random.default_rng(2)
    layer = keras.layers.LSTM(5, return_sequences=True, return_state=True)
    layer.build((None, None, 3))
    weights = random_weights(layer, rng)
    x = rng.normal(size=(2, 7, 3)).astype("float32")
    h0, c0 = rng.normal(size=(2, 2, 5)).astype("float32")
    hs, cs = reference.lstm_forward(x, weights, initial_state=(h0, c0))
    outputs, h_last, c_last = layer(x, initial_state=[h0, c0])
    np.testing.assert_allclose(hs, outputs, atol=ATOL)
    np.testing.assert_allclose(hs[:, -1], h_last, atol=ATOL)
    np.testing.assert_allclose(cs[:, -1], c_last, atol=ATOL)


def test_gru_without_reset_after_matches_keras() -> None:
    rng = np.random.default_rng(3)
    layer = keras_layer("gru", 4, 3, rng, reset_after=False)
    assert layer.get_weights()[2].shape == (12,)
    x = rng.normal(size=(2, 6, 3)).astype("float32")
    np.testing.assert_allclose(reference.gru_forward(x, layer.get_weights()), layer(x), atol=ATOL)


def test_lstm_step_equations_by_hand() -> None:
    """One unit, one step, weights chosen so that the gates are easy to compute."""
    kernel = np.array([[0.0, 0.0, 1.0, 0.0]])  # only the candidate sees x
    recurrent_kernel = np.zeros((1, 4))
    bias = np.array([0.0, np.log(3.0), 0.0, 0.0])  # i = σ(0) = 0.5, f = σ(ln 3) = 0.75, o = 0.5
    step = reference.lstm_step(np.array([[0.5]]), np.zeros((1, 1)), np.array([[2.0]]), [kernel, recurrent_kernel, bias])
    assert step.i.item() == pytest.approx(0.5) and step.f.item() == pytest.approx(0.75)
    assert step.c.item() == pytest.approx(0.75 * 2.0 + 0.5 * np.tanh(0.5))
    assert step.h.item() == pytest.approx(0.5 * np.tanh(step.c.item()))


def test_bad_inputs_are_rejected() -> None:
    weights = [np.zeros((2, 3)), np.zeros((3, 3)), np.zeros(3)]
    with pytest.raises(ValueError, match="배치, 시점, 특성"):
        reference.simple_rnn_forward(np.zeros((4, 2)), weights)
    with pytest.raises(ValueError, match="알 수 없는 activation 'sigmoid'"):
        reference.simple_rnn_forward(np.zeros((1, 4, 2)), weights, activation="sigmoid")
    with pytest.raises(ValueError, match="k는 1 이상"):
        reference.truncated_bptt(np.zeros((1, 4, 2)), weights, np.zeros((1, 4, 3)), k=0)


# --- BPTT equals GradientTape ---------------------------------------------------------


def tape_gradients(layer: keras.layers.Layer, x: np.ndarray, upstream: np.ndarray) -> list[np.ndarray]:
    """Gradients of ``sum(layer(x) * upstream)`` w.r.t. the layer's weights and x."""
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x) * upstream)
    return [g.numpy() for g in tape.gradient(loss, [*layer.trainable_weights, x])]


@pytest.mark.parametrize("kind", sorted(BACKWARD))
@pytest.mark.parametrize("shape", SHAPES[1:], ids=str)
@pytest.mark.parametrize("many_to_one", [False, True], ids=["many_to_many", "many_to_one"])
def test_bptt_matches_gradient_tape(kind: str, shape: tuple[int, ...], many_to_one: bool) -> None:
    batch, time, features, units = shape
    rng = np.random.default_rng(10 + sum(shape))
    layer = keras_layer(kind, units, features, rng)
    x = rng.normal(size=(batch, time, features)).astype("float32")
    upstream = rng.normal(size=(batch, time, units)).astype("float32")
    if many_to_one:
        upstream[:, :-1] = 0.0  # only the last output reaches the loss
    ours = BACKWARD[kind](x, layer.get_weights(), upstream)
    *weight_grads, input_grad = tape_gradients(layer, x, upstream)
    for mine, theirs in zip(ours.weights, weight_grads, strict=True):
        np.testing.assert_allclose(mine, theirs, atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(ours.inputs, input_grad, atol=1e-4, rtol=1e-4)


def test_gru_backward_without_reset_after_matches_gradient_tape() -> None:
    rng = np.random.default_rng(4)
    layer = keras_layer("gru", 3, 2, rng, reset_after=False)
    x = rng.normal(size=(2, 5, 2)).astype("float32")
    upstream = rng.normal(size=(2, 5, 3)).astype("float32")
    ours = reference.gru_backward(x, layer.get_weights(), upstream)
    *weight_grads, input_grad = tape_gradients(layer, x, upstream)
    for mine, theirs in zip([*ours.weights, ours.inputs], [*weight_grads, input_grad], strict=True):
        np.testing.assert_allclose(mine, theirs, atol=1e-4, rtol=1e-4)


def test_hidden_gradients_are_gradients_of_the_hidden_states() -> None:
    """``Gradients.hidden[:, t]`` is dL/dh_t; for t = 0 it is dL/dh_1, reachable through h0 by the tape."""
    rng = np.random.default_rng(5)
    layer = keras_layer("simple_rnn", 3, 2, rng)
    x = rng.normal(size=(2, 6, 2)).astype("float32")
    upstream = np.zeros((2, 6, 3), dtype="float32")
    upstream[:, -1] = 1.0
    h0 = tf.Variable(rng.normal(size=(2, 3)).astype("float32"))
    ours = reference.simple_rnn_backward(x, layer.get_weights(), upstream, h0=h0.numpy())
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x, initial_state=h0) * upstream)
    np.testing.assert_allclose(ours.initial_state[0], tape.gradient(loss, h0), atol=1e-5)
    np.testing.assert_allclose(ours.hidden[:, -1], upstream[:, -1])  # the last step only gets its own output's


# --- finite differences ---------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(BACKWARD))
def test_bptt_matches_finite_differences(kind: str) -> None:
    rng = np.random.default_rng(20)
    layer = keras_layer(kind, 3, 2, rng)
    weights = [w.astype(np.float64) for w in layer.get_weights()]
    x = rng.normal(size=(2, 4, 2))
    upstream = rng.normal(size=(2, 4, 3))

    def loss() -> float:
        return float(np.sum(FORWARD[kind](x, weights) * upstream))

    grads = BACKWARD[kind](x, weights, upstream)
    for analytic, weight in zip(grads.weights, weights, strict=True):
        assert reference.relative_error(analytic, reference.numerical_gradient(loss, weight)) < 1e-7
    assert reference.relative_error(grads.inputs, reference.numerical_gradient(loss, x)) < 1e-7


def test_numerical_gradient_of_a_known_function_and_relative_error() -> None:
    w = np.array([1.0, -2.0, 0.5])
    grad = reference.numerical_gradient(lambda: float(np.sum(w**3)), w)
    np.testing.assert_allclose(grad, 3 * w**2, rtol=1e-8)
    np.testing.assert_array_equal(w, [1.0, -2.0, 0.5])  # restored
    assert reference.relative_error(grad, 3 * w**2) < 1e-8
    assert reference.relative_error([1.0, 2.0], [1.0, 3.0]) == pytest.approx(0.2)
    assert reference.relative_error([0.0], [0.0]) == 0.0


# --- truncated BPTT -------------------------------------------------------------------


def test_truncated_bptt_with_one_block_is_bptt_and_with_short_blocks_differs() -> None:
    rng = np.random.default_rng(30)
    layer = keras_layer("simple_rnn", 3, 2, rng)
    weights = layer.get_weights()
    x, upstream = rng.normal(size=(2, 9, 2)), rng.normal(size=(2, 9, 3))
    full = reference.simple_rnn_backward(x, weights, upstream)
    whole = reference.truncated_bptt(x, weights, upstream, k=9)
    for a, b in zip(full.weights, whole.weights, strict=True):
        np.testing.assert_allclose(a, b)
    cut = reference.truncated_bptt(x, weights, upstream, k=3)
    assert not np.allclose(cut.weights[1], full.weights[1])
    # inside the last block nothing is cut; at the block boundary the gradient from later steps is
    np.testing.assert_allclose(cut.hidden[:, 6:], full.hidden[:, 6:])
    np.testing.assert_allclose(cut.hidden[:, 5], upstream[:, 5])


def test_truncated_bptt_matches_a_stateful_keras_layer_block_by_block() -> None:
    """Blocks fed in order to a ``stateful=True`` layer: state carried, tape per block, gradients summed."""
    rng = np.random.default_rng(31)
    batch, time, features, units, k = 2, 10, 2, 3, 4
    stateful = keras.layers.SimpleRNN(units, return_sequences=True, stateful=True)
    stateful.build((batch, None, features))
    weights = random_weights(stateful, rng)
    x = rng.normal(size=(batch, time, features)).astype("float32")
    upstream = rng.normal(size=(batch, time, units)).astype("float32")
    summed = [np.zeros_like(w) for w in weights]
    for start in range(0, time, k):
        *block_grads, _ = tape_gradients(stateful, x[:, start : start + k], upstream[:, start : start + k])
        summed = [s + g for s, g in zip(summed, block_grads, strict=True)]
    ours = reference.truncated_bptt(x, weights, upstream, k=k)
    for mine, theirs in zip(ours.weights, summed, strict=True):
        np.testing.assert_allclose(mine, theirs, atol=1e-4, rtol=1e-4)
    # the layer carried its state: its last state is the last hidden state of the whole sequence
    np.testing.assert_allclose(stateful.states[0], reference.simple_rnn_forward(x, weights)[:, -1], atol=ATOL)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_gated_backward_gradients_of_the_initial_state_match_gradient_tape(kind: str) -> None:
    """``Gradients.initial_state`` is dL/dh0 (and dL/dc0 for an LSTM), as the tape computes it."""
    rng = np.random.default_rng(6)
    layer = keras_layer(kind, 3, 2, rng)
    x = rng.normal(size=(2, 7, 2)).astype("float32")
    upstream = rng.normal(size=(2, 7, 3)).astype("float32")
    states = [tf.Variable(rng.normal(size=(2, 3)).astype("float32")) for _ in range(2 if kind == "lstm" else 1)]
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x, initial_state=states if kind == "lstm" else states[0]) * upstream)
    tape_grads = tape.gradient(loss, states)
    initial = [s.numpy() for s in states]
    ours = (reference.lstm_backward(x, layer.get_weights(), upstream, initial_state=initial) if kind == "lstm"
            else reference.gru_backward(x, layer.get_weights(), upstream, h0=initial[0]))
    assert len(ours.initial_state) == len(states)
    for mine, theirs in zip(ours.initial_state, tape_grads, strict=True):
        np.testing.assert_allclose(mine, theirs, atol=1e-4, rtol=1e-4)
