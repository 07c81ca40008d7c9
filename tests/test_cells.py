"""course_utils.cells: the custom cells compute what their equations say, train, and serialise."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import cells, config, reference

with config.quiet_native_stderr():
    import keras
    import tensorflow as tf

ATOL = 1e-5


def peephole_rnn(units: int, features: int, **kwargs) -> keras.layers.RNN:
    layer = keras.layers.RNN(cells.PeepholeLSTMCell(units), return_sequences=True, **kwargs)
    layer.build((None, None, features))
    return layer


def test_peephole_cell_has_the_lstm_weights_plus_three_peephole_vectors() -> None:
    layer = peephole_rnn(8, 3)
    lstm = keras.layers.LSTM(8)
    lstm.build((None, None, 3))
    assert [w.shape for w in layer.get_weights()] == [(3, 32), (8, 32), (32,), (8,), (8,), (8,)]
    assert layer.count_params() == lstm.count_params() + 3 * 8 == 4 * 8 * (3 + 8 + 1) + 24
    np.testing.assert_array_equal(layer.get_weights()[2], lstm.get_weights()[2])  # forget bias = 1
    assert not any(p.numpy().any() for p in layer.cell.peepholes)  # peepholes start at zero


def test_peephole_cell_with_zero_peepholes_is_keras_lstm() -> None:
    rng = np.random.default_rng(0)
    layer = peephole_rnn(4, 3)
    lstm = keras.layers.LSTM(4, return_sequences=True)
    lstm.build((None, None, 3))
    weights = [rng.normal(0, 0.5, w.shape).astype("float32") for w in lstm.get_weights()]
    lstm.set_weights(weights)
    layer.set_weights(weights + [np.zeros(4, "float32")] * 3)
    x = rng.normal(size=(2, 6, 3)).astype("float32")
    np.testing.assert_allclose(layer(x), lstm(x), atol=ATOL)


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (2, 7, 3, 5)], ids=str)
def test_peephole_cell_matches_numpy_reference(shape: tuple[int, ...]) -> None:
    batch, time, features, units = shape
    rng = np.random.default_rng(sum(shape))
    layer = peephole_rnn(units, features, return_state=True)
    weights = [rng.normal(0, 0.7, w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    x = rng.normal(size=(batch, time, features)).astype("float32")
    outputs, h_last, c_last = layer(x)
    hs, cs = reference.lstm_forward(x, weights[:3], peepholes=weights[3:])
    np.testing.assert_allclose(outputs, hs, atol=ATOL)
    np.testing.assert_allclose(c_last, cs[:, -1], atol=ATOL)
    plain, _ = reference.lstm_forward(x, weights[:3])
    assert time == 1 or not np.allclose(plain, hs, atol=1e-3)  # the peepholes do change the output


def test_peephole_weights_receive_gradients_and_the_cell_trains() -> None:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((5, 2)), keras.layers.RNN(cells.PeepholeLSTMCell(4)), keras.layers.Dense(1)])
    x = np.random.default_rng(0).normal(size=(16, 5, 2)).astype("float32")
    y = x[:, 0, :1]  # recall the first input
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x) - y) ** 2)
    peepholes = model.layers[0].cell.peepholes
    assert all(np.abs(g.numpy()).sum() > 0 for g in tape.gradient(loss, peepholes))
    optimizer, losses = keras.optimizers.Adam(0.05), []
    for _ in range(25):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(x) - y) ** 2)
        optimizer.apply(tape.gradient(loss, model.trainable_weights), model.trainable_weights)
        losses.append(float(loss))
    assert losses[-1] < 0.5 * losses[0]


def test_cells_round_trip_through_their_config() -> None:
    for cell in (cells.PeepholeLSTMCell(3, peephole_initializer="ones"), cells.LayerNormSimpleRNNCell(3, "relu")):
        layer = keras.layers.RNN(cell)
        clone = keras.layers.RNN.from_config(layer.get_config())
        assert type(clone.cell) is type(cell) and clone.cell.get_config() == cell.get_config()
    assert keras.layers.RNN(cells.PeepholeLSTMCell(2, peephole_initializer="ones"))(np.ones((1, 1, 1))).shape == (1, 2)
    with pytest.raises(ValueError, match="units.*1 이상"):
        cells.PeepholeLSTMCell(0)


def test_layer_norm_cell_matches_its_equation_in_numpy() -> None:
    rng = np.random.default_rng(1)
    layer = keras.layers.RNN(cells.LayerNormSimpleRNNCell(4), return_sequences=True)
    layer.build((None, None, 3))
    kernel, recurrent_kernel, gamma, beta = (rng.normal(0, 0.8, w.shape).astype("float32") for w in layer.get_weights())
    layer.set_weights([kernel, recurrent_kernel, gamma, beta])
    x = rng.normal(size=(2, 5, 3)).astype("float32")
    h, expected = np.zeros((2, 4)), []
    for t in range(5):
        a = x[:, t] @ kernel + h @ recurrent_kernel
        mean, var = a.mean(axis=-1, keepdims=True), a.var(axis=-1, keepdims=True)
        h = np.tanh(gamma * (a - mean) / np.sqrt(var + 1e-3) + beta)
        expected.append(h)
    np.testing.assert_allclose(layer(x), np.stack(expected, axis=1), atol=1e-5)


def test_layer_norm_cell_output_does_not_depend_on_the_scale_of_the_weights() -> None:
    """Normalisation removes the scale: multiplying W_x and W_h by 10 leaves the outputs (nearly) unchanged."""
    rng = np.random.default_rng(2)
    layer = keras.layers.RNN(cells.LayerNormSimpleRNNCell(6, epsilon=1e-6), return_sequences=True)
    layer.build((None, None, 2))
    x = rng.normal(size=(3, 8, 2)).astype("float32")
    before = layer(x).numpy()
    kernel, recurrent_kernel, gamma, beta = layer.get_weights()
    layer.set_weights([10 * kernel, 10 * recurrent_kernel, gamma, beta])
    np.testing.assert_allclose(layer(x), before, atol=1e-4)
