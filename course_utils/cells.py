"""Custom recurrent cells for the course, each usable inside ``keras.layers.RNN``.

- :class:`PeepholeLSTMCell`: an LSTM whose gates also look at the cell state
  (diagonal peephole connections, Gers & Schmidhuber 2000). Notebook 04.
- :class:`LayerNormSimpleRNNCell`: a SimpleRNN cell with layer normalisation before the
  activation (Ba et al. 2016). Notebook 03.

Both use Keras' weight layout, so :mod:`course_utils.reference` computes the same thing
in NumPy and the tests compare the two.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="course_utils")
class PeepholeLSTMCell(keras.layers.Layer):
    """LSTM cell with diagonal peephole connections.

    Same ``kernel``, ``recurrent_kernel`` and ``bias`` as ``keras.layers.LSTMCell`` (gate
    blocks i, f, c, o; forget bias initialised to 1), plus three ``(units,)`` peephole
    vectors ``p_i``, ``p_f``, ``p_o``::

        i = σ(x·W_i + h·U_i + p_i ⊙ c + b_i)     f = σ(x·W_f + h·U_f + p_f ⊙ c + b_f)
        c' = f ⊙ c + i ⊙ tanh(x·W_c + h·U_c + b_c)
        o = σ(x·W_o + h·U_o + p_o ⊙ c' + b_o)     h' = o ⊙ tanh(c')

    The peepholes start at zero (``peephole_initializer``), so an untrained cell behaves
    like a plain LSTM with the same weights. Parameters: ``4·u·(d + u + 1) + 3·u``.
    """

    def __init__(self, units: int, peephole_initializer: str | keras.initializers.Initializer = "zeros",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if units < 1:
            raise ValueError(f"units(셀의 유닛 수)는 1 이상이어야 합니다 (받은 값: {units}). 예: PeepholeLSTMCell(32)")
        self.units = units
        self.peephole_initializer = keras.initializers.get(peephole_initializer)
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        units = self.units
        self.kernel = self.add_weight(shape=(input_shape[-1], 4 * units), initializer="glorot_uniform",
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(units, 4 * units), initializer="orthogonal",
                                                name="recurrent_kernel")
        self.bias = self.add_weight(shape=(4 * units,), initializer=self._unit_forget_bias, name="bias")
        self.peepholes = [
            self.add_weight(shape=(units,), initializer=self.peephole_initializer, name=f"peephole_{gate}")
            for gate in ("i", "f", "o")
        ]

    def _unit_forget_bias(self, shape: tuple[int, ...], dtype: Any = None) -> Any:
        """Zeros, except ones for the forget gate block (as ``LSTM(unit_forget_bias=True)``)."""
        units = self.units
        return ops.concatenate([ops.zeros((units,), dtype), ops.ones((units,), dtype),
                                ops.zeros((2 * units,), dtype)])

    def call(self, inputs: Any, states: list[Any]) -> tuple[Any, list[Any]]:
        h, c = states
        p_i, p_f, p_o = self.peepholes
        a = ops.matmul(inputs, self.kernel) + ops.matmul(h, self.recurrent_kernel) + self.bias
        a_i, a_f, a_c, a_o = ops.split(a, 4, axis=-1)
        i = ops.sigmoid(a_i + p_i * c)
        f = ops.sigmoid(a_f + p_f * c)
        c_new = f * c + i * ops.tanh(a_c)
        o = ops.sigmoid(a_o + p_o * c_new)
        h_new = o * ops.tanh(c_new)
        return h_new, [h_new, c_new]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "units": self.units,
                "peephole_initializer": keras.initializers.serialize(self.peephole_initializer)}


@keras.saving.register_keras_serializable(package="course_utils")
class LayerNormSimpleRNNCell(keras.layers.Layer):
    """SimpleRNN cell with layer normalisation: ``h_t = φ(LN(x_t·W_x + h_{t-1}·W_h))``.

    Layer normalisation standardises each sample's pre-activation over its units
    (mean 0, variance 1, then a learned scale ``gamma`` and shift ``beta``), separately at
    every time step, so it needs no batch statistics. The linear part has no bias: ``beta``
    plays that role. Weights: ``kernel``, ``recurrent_kernel``, ``gamma``, ``beta``.
    """

    def __init__(self, units: int, activation: str = "tanh", epsilon: float = 1e-3, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.epsilon = epsilon
        self.state_size = units
        self.output_size = units
        self.linear = keras.layers.SimpleRNNCell(units, activation=None, use_bias=False)
        self.layer_norm = keras.layers.LayerNormalization(epsilon=epsilon)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        self.linear.build(input_shape)
        self.layer_norm.build((input_shape[0], self.units))

    def call(self, inputs: Any, states: Any) -> tuple[Any, list[Any]]:
        h, _ = self.linear(inputs, states)
        h = self.activation(self.layer_norm(h))
        return h, [h]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "units": self.units, "epsilon": self.epsilon,
                "activation": keras.activations.serialize(self.activation)}
