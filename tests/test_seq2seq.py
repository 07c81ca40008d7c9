"""Tests of course_utils.seq2seq: teacher forcing, the split, attention against Keras, decoding, scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

keras = pytest.importorskip("keras")

from course_utils import data, reference  # noqa: E402
from course_utils import seq2seq as s2s  # noqa: E402

SOS_ID, EOS_ID = 2, 3


# --------------------------------------------------------------------------- text and arrays


def test_tokenize_english_and_markers():
    tokens = s2s.tokenize_english("Don\u2019t worry, Tom. It's 3:30!")
    assert tokens == ["don't", "worry", ",", "tom", ".", "it's", "3", ":", "30", "!"]
    assert s2s.with_markers(["hi", "."]) == ["<sos>", "hi", ".", "<eos>"]


def test_teacher_forcing_arrays_shift_by_one_step():
    # <sos>=2 i=5 am=6 tom=7 .=8 <eos>=3, padded with 0
    ids = np.array([[2, 5, 6, 7, 8, 3, 0], [2, 9, 8, 3, 0, 0, 0]])
    decoder_input, decoder_target = s2s.teacher_forcing_arrays(ids, eos_id=EOS_ID)
    np.testing.assert_array_equal(decoder_input, [[2, 5, 6, 7, 8, 0], [2, 9, 8, 0, 0, 0]])
    np.testing.assert_array_equal(decoder_target, [[5, 6, 7, 8, 3, 0], [9, 8, 3, 0, 0, 0]])
    # every real target is the token after the input at the same step
    assert not (decoder_input == EOS_ID).any()
    with pytest.raises(ValueError):
        s2s.teacher_forcing_arrays(np.array([1, 2, 3]), eos_id=EOS_ID)


def test_split_is_deterministic_disjoint_and_keeps_groups_together():
    frame = pd.DataFrame({"eng": [f"s{i // 2}" for i in range(200)], "kor": [f"k{i}" for i in range(200)]})
    first = data.split_frame(frame, valid_size=0.1, test_size=0.2, seed=3, group="eng")
    again = data.split_frame(frame, valid_size=0.1, test_size=0.2, seed=3, group="eng")
    other = data.split_frame(frame, valid_size=0.1, test_size=0.2, seed=4, group="eng")
    for a, b in zip(first, again):
        pd.testing.assert_frame_equal(a, b)
    assert not first.test.index.equals(other.test.index)
    indexes = [set(part.index) for part in first]
    assert sum(map(len, indexes)) == len(frame) and set().union(*indexes) == set(frame.index)
    groups = [set(part["eng"]) for part in first]
    assert not (groups[0] & groups[1] or groups[0] & groups[2] or groups[1] & groups[2])
    assert (len(groups[1]), len(groups[2])) == (10, 20)  # fractions of the 100 groups
    assert list(first.train.index) == sorted(first.train.index)  # row order kept
    with pytest.raises(ValueError):
        data.split_frame(frame, valid_size=0.5, test_size=0.5)


def test_split_by_connected_components_keeps_sources_and_references_apart():
    # a chain: p0–p1 share English, p1–p2 share Korean, so all three are one group; p3 stands alone
    frame = pd.DataFrame({"eng": ["Hi.", "Hi.", "Hello.", "Bye."] * 1 + [f"e{i}" for i in range(96)],
                          "kor": ["안녕.", "안녕하세요.", "안녕하세요.", "잘 가."] + [f"k{i}" for i in range(96)]})
    labels = data.connected_groups(frame, ["eng", "kor"])
    assert labels[0] == labels[1] == labels[2] != labels[3]
    assert len(set(labels)) == 98
    parts = data.split_frame(frame, valid_size=0.2, test_size=0.2, seed=1, group=("eng", "kor"))
    assert sum(map(len, parts)) == len(frame)
    for column in ("eng", "kor"):
        seen = [set(part[column]) for part in parts]
        assert not (seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2]), column
    chain = [i for i, part in enumerate(parts) if 0 in part.index]
    assert len(chain) == 1 and {0, 1, 2} <= set(parts[chain[0]].index)
    with pytest.raises(KeyError):
        data.connected_groups(frame, ["eng", "english"])


def test_references_by_source_collects_every_translation():
    frame = pd.DataFrame({"eng": ["Go away.", "Beat it.", "Hi.", "Go away."], "kor": ["저리 가.", "저리 가.", "안녕.", "저리 가."]})
    table = s2s.references_by_source(frame)
    assert list(table["source"]) == ["저리 가.", "안녕."]
    assert table["references"].tolist() == [["Go away.", "Beat it."], ["Hi."]]
    assert table["rows"].tolist() == [3, 1]


# --------------------------------------------------------------------------- attention vs Keras


def test_numpy_attention_equals_keras_attention_layer():
    rng = np.random.default_rng(0)
    states = rng.normal(size=(3, 4, 6)).astype("float32")  # decoder s_t: batch 3, 4 steps
    encoder_outputs = rng.normal(size=(3, 5, 6)).astype("float32")  # encoder h_i: 5 steps
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], dtype=bool)
    layer = keras.layers.Attention()
    context, weights = layer([states, encoder_outputs], mask=[None, mask], return_attention_scores=True)

    w_c, b_c = rng.normal(size=(12, 7)), rng.normal(size=7)
    w_o, b_o = rng.normal(size=(7, 9)), rng.normal(size=9)
    ref = reference.luong_attention_step(states, encoder_outputs, w_c, b_c, w_o, b_o, mask=mask)

    np.testing.assert_allclose(ref.weights, np.asarray(weights), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ref.context, np.asarray(context), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ref.scores[0, 1], encoder_outputs[0] @ states[0, 1], rtol=1e-5)  # s_tᵀh_i
    np.testing.assert_allclose(ref.weights.sum(-1), 1.0)
    assert np.all(ref.weights[1, :, 3:] == 0) and np.all(ref.weights[2, :, 0] == 1)  # padding gets no weight
    np.testing.assert_allclose(ref.probs.sum(-1), 1.0)


def test_attention_without_mask_and_single_sentence_shapes():
    rng = np.random.default_rng(1)
    states, encoder_outputs = rng.normal(size=(2, 4)), rng.normal(size=(3, 4))  # no batch axis
    ref = reference.luong_attention_step(states, encoder_outputs, np.eye(8, 5), np.zeros(5), np.eye(5, 6), np.zeros(6))
    context = np.asarray(keras.layers.Attention()([states[None].astype("float32"), encoder_outputs[None].astype("float32")]))
    np.testing.assert_allclose(ref.context, context[0], rtol=1e-5, atol=1e-6)
    assert ref.concat.shape == (2, 8) and ref.probs.shape == (2, 6)
    np.testing.assert_allclose(ref.concat[:, 4:], states)  # [a_t; s_t]: the state comes second


def test_tanh_combination_equals_dense_on_concatenation():
    rng = np.random.default_rng(2)
    context, states = rng.normal(size=(2, 3, 4)).astype("float32"), rng.normal(size=(2, 3, 4)).astype("float32")
    concat = keras.layers.Concatenate()([context, states])
    dense = keras.layers.Dense(5, activation="tanh", bias_initializer="random_normal")
    output = keras.layers.Dense(6, activation="softmax", bias_initializer="random_normal")
    keras_probs = np.asarray(output(dense(concat)))
    w_c, b_c = (np.asarray(w) for w in dense.get_weights())
    w_o, b_o = (np.asarray(w) for w in output.get_weights())
    expected_tanh = np.tanh(np.concatenate([context, states], -1) @ w_c + b_c)
    np.testing.assert_allclose(np.asarray(dense(concat)), expected_tanh, rtol=1e-5, atol=1e-6)

    # the reference step, fed encoder outputs that make the context equal to `context`
    encoder_outputs = np.repeat(context[:, :1], 2, axis=1)  # two equal h_i: any weights give h_1
    ref = reference.luong_attention_step(states[:, :1], encoder_outputs, w_c, b_c, w_o, b_o)
    np.testing.assert_allclose(ref.attentional, expected_tanh[:, :1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ref.probs, keras_probs[:, :1], rtol=1e-5, atol=1e-6)


def test_general_scores_equal_keras_attention_on_projected_keys():
    rng = np.random.default_rng(3)
    states = rng.normal(size=(2, 3, 4)).astype("float32")
    encoder_outputs = rng.normal(size=(2, 5, 6)).astype("float32")
    projection = keras.layers.Dense(4, use_bias=False)
    keys = projection(encoder_outputs)
    (w_a,) = projection.get_weights()
    expected = reference.luong_general_scores(states, encoder_outputs, w_a)
    np.testing.assert_allclose(expected[1, 2], [states[1, 2] @ w_a.T @ h for h in encoder_outputs[1]], rtol=1e-5)
    _, weights = keras.layers.Attention()([states, encoder_outputs, keys], return_attention_scores=True)
    np.testing.assert_allclose(reference.softmax(expected), weights, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(reference.luong_general_scores(states[0], encoder_outputs[0, :, :4], np.eye(4)),
                               states[0] @ encoder_outputs[0, :, :4].T, rtol=1e-6)  # W_a = I: dot scores
    ref = reference.luong_attention_step(states, encoder_outputs, np.eye(10, 3), np.zeros(3), np.eye(3, 2), np.zeros(2),
                                   w_a=w_a)
    np.testing.assert_allclose(ref.weights, weights, rtol=1e-4, atol=1e-6)


# --------------------------------------------------------------------------- the Keras models


NET_VARIANTS = [("gru", False, False), ("gru", True, False), ("lstm", True, False), ("gru", "general", True),
                ("gru", "additive", True), ("lstm", None, True)]


@pytest.fixture(scope="module", params=NET_VARIANTS, ids=str)
def net(request):
    keras.utils.set_random_seed(0)
    cell, attention, bidirectional = request.param
    return s2s.build_seq2seq(30, 20, embed_dim=8, units=12, attention=attention, cell=cell, bidirectional=bidirectional)


SOURCE = np.array([[5, 6, 7, 0, 0], [3, 4, 5, 6, 7]])
TARGET = np.array([[SOS_ID, 8, 9, EOS_ID, 0], [SOS_ID, 10, EOS_ID, 0, 0]])


def test_decoder_starts_from_encoder_final_state(net):
    outputs, *states = (np.asarray(t) for t in net.encoder(SOURCE))
    assert len(states) == net.n_states and outputs.shape == (2, 5, 12)
    bidirectional = isinstance(net.model.get_layer("encoder_rnn"), keras.layers.Bidirectional)
    if net.n_states == 1 and not bidirectional:  # a GRU's state is its output at the last real (unmasked) step
        np.testing.assert_allclose(states[0][0], outputs[0, 2], rtol=1e-6)
        np.testing.assert_allclose(states[0][1], outputs[1, 4], rtol=1e-6)
    if net.n_states == 1 and bidirectional:  # [forward at the last real step; backward at the first]
        np.testing.assert_allclose(states[0][0, :6], outputs[0, 2, :6], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(states[0][0, 6:], outputs[0, 0, 6:], rtol=1e-5, atol=1e-6)
    step, initial = net.start(SOURCE)
    for got, expected in zip(initial, states):
        np.testing.assert_array_equal(got, expected)
    decoder_input, _ = s2s.teacher_forcing_arrays(TARGET, eos_id=EOS_ID)
    first_probs = np.asarray(net.model([SOURCE, decoder_input]))[:, 0]
    probs, _, _ = step(decoder_input[:, 0], initial)
    np.testing.assert_allclose(probs, first_probs, rtol=1e-5, atol=1e-7)
    zero_probs, _, _ = step(decoder_input[:, 0], [np.zeros_like(s) for s in initial])
    assert not np.allclose(zero_probs, first_probs, atol=1e-4)  # the encoder state matters


def test_step_model_reproduces_teacher_forced_training_model(net):
    decoder_input, _ = s2s.teacher_forcing_arrays(TARGET, eos_id=EOS_ID)
    training_probs = np.asarray(net.model([SOURCE, decoder_input]))
    step, states = net.start(SOURCE)
    for t in range(decoder_input.shape[1]):
        probs, states, weights = step(decoder_input[:, t], states)
        real = decoder_input[:, t] != 0
        np.testing.assert_allclose(probs[real], training_probs[real, t], rtol=1e-5, atol=1e-7)
        if net.attention:
            assert weights.shape == (2, 5)
            np.testing.assert_allclose(weights.sum(-1), 1.0, rtol=1e-5)
            assert np.all(weights[0, 3:] < 1e-6)  # padded source positions
        else:
            assert weights is None


def test_greedy_on_model_is_batch_independent_and_beam1_matches(net):
    step, states = net.start(SOURCE)
    decoded = s2s.greedy_decode(step, states, sos_id=SOS_ID, eos_id=EOS_ID, max_len=6)
    for i in range(2):
        alone = s2s.greedy_decode(*net.start(SOURCE[i:i + 1]), sos_id=SOS_ID, eos_id=EOS_ID, max_len=6)
        np.testing.assert_array_equal(alone.ids[0], decoded.ids[i, : alone.ids.shape[1]])
    beams = s2s.beam_search(*net.start(SOURCE), sos_id=SOS_ID, eos_id=EOS_ID, max_len=6, beam_width=1)
    np.testing.assert_array_equal(beams.best, decoded.ids)
    assert (decoded.attention is not None) == bool(net.attention)


def test_batched_beam_equals_beam_of_each_sentence(net):
    together = s2s.beam_search(*net.start(SOURCE, beam_width=3), sos_id=SOS_ID, eos_id=EOS_ID, max_len=6,
                               beam_width=3, alpha=1.0)
    for i in range(2):
        alone = s2s.beam_search(*net.start(SOURCE[i:i + 1], beam_width=3), sos_id=SOS_ID, eos_id=EOS_ID, max_len=6,
                                beam_width=3, alpha=1.0)
        steps = alone.ids.shape[2]
        np.testing.assert_array_equal(together.ids[i, :, :steps], alone.ids[0])
        np.testing.assert_allclose(together.log_probs[i], alone.log_probs[0], rtol=1e-5)
    assert np.all(np.diff(together.scores, axis=1) <= 0)  # best first


def test_unknown_attention_kind_and_odd_bidirectional_units_are_refused():
    with pytest.raises(ValueError, match="attention"):
        s2s.build_seq2seq(30, 20, embed_dim=4, units=6, attention="cosine")
    with pytest.raises(ValueError, match="짝수"):
        s2s.build_seq2seq(30, 20, embed_dim=4, units=7, bidirectional=True)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_compiled_loss_is_smoothed_crossentropy_over_real_tokens(label_smoothing):
    keras.utils.set_random_seed(0)
    net = s2s.build_seq2seq(30, 20, embed_dim=4, units=6)
    s2s.compile_seq2seq(net.model, 1e-3, label_smoothing=label_smoothing, clipnorm=1.0)
    decoder_input, target = s2s.teacher_forcing_arrays(TARGET, eos_id=EOS_ID)
    probs = np.asarray(net.model([SOURCE, decoder_input]), dtype=np.float64)
    real = target != 0
    nll = -np.log(probs[real, target[real]])
    uniform = -np.log(probs[real]).mean(axis=-1)
    expected = ((1 - label_smoothing) * nll + label_smoothing * uniform).mean()
    assert net.model.evaluate([SOURCE, decoder_input], target, verbose=0) == pytest.approx(expected, rel=1e-5)
    assert net.model.optimizer.clipnorm == 1.0
    with pytest.raises(ValueError):
        s2s.MaskedSmoothedCrossentropy(1.0)


def test_smoothed_loss_ignores_what_the_model_says_at_padding():
    loss = s2s.MaskedSmoothedCrossentropy(0.1)
    y_true = np.array([[1, 2, 0, 0]])
    probs = np.full((1, 4, 3), 1 / 3, dtype="float32")
    other = probs.copy()
    other[0, 2:] = [0.98, 0.01, 0.01]  # different predictions where the target is padding
    assert float(loss(y_true, probs)) == pytest.approx(float(loss(y_true, other)))
    assert float(loss(y_true, probs)) == pytest.approx(np.log(3), rel=1e-5)  # uniform: log V whatever ε


def test_transformer_step_reproduces_teacher_forced_model():
    keras.utils.set_random_seed(0)
    net = s2s.build_transformer(30, 20, max_len=8, embed_dim=8, heads=2, ff_dim=16, dropout=0.1)
    decoder_input, _ = s2s.teacher_forcing_arrays(TARGET, eos_id=EOS_ID)
    forced = np.asarray(net.model([SOURCE, decoder_input]))
    step, states = net.start(SOURCE)
    for t in range(decoder_input.shape[1]):
        probs, states, weights = step(decoder_input[:, t], states)
        real = decoder_input[:, t] != 0
        np.testing.assert_allclose(probs[real], forced[real, t], rtol=1e-4, atol=1e-6)
        assert weights is None
    padded = np.pad(SOURCE, ((0, 0), (0, 2)))  # more padding must not change the translation
    np.testing.assert_allclose(np.asarray(net.model([padded, decoder_input])), forced, rtol=1e-4, atol=1e-6)
    decoded = s2s.greedy_decode(*net.start(SOURCE), sos_id=SOS_ID, eos_id=EOS_ID, max_len=5)
    beams = s2s.beam_search(*net.start(SOURCE, beam_width=2), sos_id=SOS_ID, eos_id=EOS_ID, max_len=5, beam_width=2)
    assert decoded.ids.shape[0] == beams.best.shape[0] == 2


# --------------------------------------------------------------------------- decoding on a hand-built step


def table_step(table: dict[int, dict[int, float]], vocab: int = 8):
    """A step function whose next-token distribution depends only on the previous token.

    The single state records the path (``state * 10 + token``), so that tests can see that
    beam search hands every hypothesis its own state. Tokens missing from the table (the
    padding that finished beam hypotheses are fed) lead to ``<eos>``.
    """

    def step(tokens, states):
        probs = np.zeros((len(tokens), vocab))
        for row, token in enumerate(tokens):
            for nxt, p in table.get(int(token), {EOS_ID: 1.0}).items():
                probs[row, nxt] = p
        return probs, [states[0] * 10 + np.asarray(tokens)], None

    return step


A, B, C, D = 4, 5, 6, 7
# <sos> → A 0.6 | B 0.4;  A → <eos> 0.4 | C 0.3 | D 0.3;  B → <eos> 0.9 | C 0.1;  C, D → <eos>
TABLE = {
    SOS_ID: {A: 0.6, B: 0.4},
    A: {EOS_ID: 0.4, C: 0.3, D: 0.3},
    B: {EOS_ID: 0.9, C: 0.1},
    C: {EOS_ID: 1.0},
    D: {EOS_ID: 1.0},
}


def test_greedy_decode_on_hand_built_step_gives_known_sequence():
    chain = {SOS_ID: {A: 1.0}, A: {B: 0.7, C: 0.3}, B: {C: 0.8, EOS_ID: 0.2}, C: {EOS_ID: 0.9, A: 0.1}}
    decoded = s2s.greedy_decode(table_step(chain), [np.zeros(3)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=10)
    np.testing.assert_array_equal(decoded.ids, [[A, B, C, EOS_ID]] * 3)
    assert decoded.attention is None
    capped = s2s.greedy_decode(table_step(chain), [np.zeros(1)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=2)
    np.testing.assert_array_equal(capped.ids, [[A, B]])


def test_greedy_pads_rows_that_finished():
    def step(tokens, states):  # row 0 ends at once; row 1 says A first, then <eos>
        probs = np.zeros((2, 8))
        probs[0, EOS_ID] = 1.0
        probs[1, A if states[0][1] == 0 else EOS_ID] = 1.0
        return probs, [states[0] + 1], None

    decoded = s2s.greedy_decode(step, [np.zeros(2)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=5)
    np.testing.assert_array_equal(decoded.ids, [[EOS_ID, 0], [A, EOS_ID]])


def beam(table, *, width, max_len=5, alpha=0.0, sentences=1):
    return s2s.beam_search(table_step(table), [np.zeros(width * sentences)], sos_id=SOS_ID, eos_id=EOS_ID,
                           max_len=max_len, beam_width=width, alpha=alpha)


def as_tuples(ids):
    return [tuple(int(t) for t in row if t) for row in ids]


def test_beam_search_finds_the_sequence_greedy_misses():
    step = table_step(TABLE)
    greedy = s2s.greedy_decode(step, [np.zeros(1)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=5)
    np.testing.assert_array_equal(greedy.ids, [[A, EOS_ID]])  # probability 0.6 × 0.4 = 0.24
    beam1 = beam(TABLE, width=1)
    assert as_tuples(beam1.ids[0]) == [(A, EOS_ID)] and beam1.log_probs[0, 0] == pytest.approx(np.log(0.24))
    beam2 = beam(TABLE, width=2)
    assert as_tuples(beam2.ids[0]) == [(B, EOS_ID), (A, EOS_ID)]  # 0.4 × 0.9 = 0.36 beats 0.24
    assert beam2.log_probs[0, 0] == pytest.approx(np.log(0.36))
    wide = beam(TABLE, width=4)
    assert as_tuples(wide.ids[0]) == [(B, EOS_ID), (A, EOS_ID), (A, C, EOS_ID), (A, D, EOS_ID)]
    np.testing.assert_allclose(np.exp(wide.log_probs[0]), [0.36, 0.24, 0.18, 0.18])
    np.testing.assert_array_equal(wide.lengths[0], [2, 2, 3, 3])
    two = beam(TABLE, width=2, sentences=2)  # sentences are independent
    np.testing.assert_array_equal(two.ids[0], two.ids[1])


def test_length_normalisation_prefers_the_longer_confident_sentence():
    # <sos> → A 0.5 | <eos> 0.3 | B 0.2;  A → C 1.0;  C → <eos> 1.0: "A C <eos>" has p 0.5 over 3 tokens,
    # "<eos>" alone p 0.3 over 1 token
    table = {SOS_ID: {A: 0.5, EOS_ID: 0.3, B: 0.2}, A: {C: 1.0}, B: {EOS_ID: 1.0}, C: {EOS_ID: 1.0}}
    plain = beam(table, width=2, alpha=0.0)
    normalised = beam(table, width=2, alpha=1.0)
    assert as_tuples(plain.ids[0])[0] == (A, C, EOS_ID)  # log 0.5 > log 0.3 already
    short_first = {SOS_ID: {A: 0.4, EOS_ID: 0.6}, A: {C: 0.5, D: 0.5}, C: {EOS_ID: 1.0}, D: {EOS_ID: 1.0}}
    assert as_tuples(beam(short_first, width=3, alpha=0.0).ids[0])[0] == (EOS_ID,)  # log 0.6 = −0.51
    best = beam(short_first, width=3, alpha=1.0)
    assert as_tuples(best.ids[0])[0] == (EOS_ID,)  # −0.51 / 1 beats log 0.2 / 3 = −0.54
    long_enough = {SOS_ID: {A: 0.45, EOS_ID: 0.55}, A: {C: 0.9, D: 0.1}, C: {EOS_ID: 1.0}, D: {EOS_ID: 1.0}}
    assert as_tuples(beam(long_enough, width=3, alpha=0.0).ids[0])[0] == (EOS_ID,)
    chosen = beam(long_enough, width=3, alpha=1.0)
    assert as_tuples(chosen.ids[0])[0] == (A, C, EOS_ID)  # log 0.405 / 3 = −0.30 beats log 0.55 = −0.60
    np.testing.assert_allclose(chosen.scores[0, 0], np.log(0.405) / 3)
    assert normalised.scores.shape == (1, 2)


def test_length_normalized_score_formula_and_validation():
    np.testing.assert_allclose(s2s.length_normalized_score(-6.0, 3, alpha=1.0), -2.0)
    np.testing.assert_allclose(s2s.length_normalized_score([-6.0, -4.0], [4, 2], alpha=0.5), [-3.0, -4.0 / np.sqrt(2)])
    assert s2s.length_normalized_score(-6.0, 3, alpha=0.0) == -6.0
    with pytest.raises(ValueError):
        s2s.length_normalized_score(-1.0, 0)


def test_beam_search_keeps_unfinished_hypotheses_at_max_len_and_validates_arguments():
    loop = {SOS_ID: {A: 1.0}, A: {A: 0.9, EOS_ID: 0.1}}
    best = beam(loop, width=2, max_len=3)
    assert as_tuples(best.ids[0]) == [(A, A, A), (A, EOS_ID)]  # A A <eos> (0.09) lost to A <eos> (0.1)
    np.testing.assert_allclose(best.log_probs[0], [np.log(0.81), np.log(0.1)])
    with pytest.raises(ValueError, match="배수"):
        s2s.beam_search(table_step(loop), [np.zeros(3)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=5, beam_width=2)
    with pytest.raises(ValueError):
        s2s.beam_search(table_step(loop), [np.zeros(1)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=5, beam_width=0)


def test_beam_search_hands_each_hypothesis_its_own_state():
    # <sos> → A 0.6 | B 0.4;  A → C 0.5 | D 0.5;  B → C 0.9 | <eos> 0.1: after two steps the beam is
    # [B C (0.36), A C (0.30)], the reverse of the order of its parents [A, B]
    swap = {SOS_ID: {A: 0.6, B: 0.4}, A: {C: 0.5, D: 0.5}, B: {C: 0.9, EOS_ID: 0.1}, C: {EOS_ID: 1.0}}
    seen = []

    def step(tokens, states):
        seen.append(states[0].copy())
        return table_step(swap)(tokens, states)

    best = s2s.beam_search(step, [np.zeros(2)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=5, beam_width=2)
    assert as_tuples(best.ids[0]) == [(B, C, EOS_ID), (A, C, EOS_ID)]
    np.testing.assert_array_equal(seen[1], [SOS_ID, SOS_ID])
    np.testing.assert_array_equal(seen[2], [SOS_ID * 10 + B, SOS_ID * 10 + A])  # each path keeps its state


# --------------------------------------------------------------------------- back to text and scores


def test_strip_after_eos_and_pad_ids():
    assert s2s.strip_after_eos([4, 0, 5, 3, 4], eos_id=3) == [4, 5]
    assert s2s.strip_after_eos(np.array([1, 4]), eos_id=3) == [1, 4]
    padded = s2s.pad_ids([[5, 6, 7], [8]], maxlen=2)
    np.testing.assert_array_equal(padded, [[5, 6], [8, 0]])
    assert padded.dtype == np.int32


def test_translation_scores_equal_sacrebleu_with_one_or_several_references():
    import sacrebleu

    hyps = ["the cat sat on the mat.", "i like tea."]
    refs = ["the cat is on the mat.", "i like green tea."]
    scores = s2s.translation_scores(hyps, refs)
    assert scores.bleu == pytest.approx(sacrebleu.corpus_bleu(hyps, [refs]).score)
    assert scores.chrf == pytest.approx(sacrebleu.corpus_chrf(hyps, [refs]).score)
    assert 0 < scores.bleu < 100 and 0 < scores.chrf < 100
    assert scores.chrf_signature.startswith("nrefs:1|case:mixed") and "tok:13a" in scores.bleu_signature
    perfect = s2s.translation_scores(refs, refs)
    assert perfect.bleu == pytest.approx(100) and perfect.chrf == pytest.approx(100)
    # a second reference that the first hypothesis matches exactly raises the score; nrefs is variable
    multi = s2s.translation_scores(hyps, [[refs[0], "the cat sat on the mat."], [refs[1]]])
    assert multi.chrf > scores.chrf and multi.bleu > scores.bleu
    assert multi.chrf_signature.startswith("nrefs:var")
    streams = [[refs[0], refs[1]], ["the cat sat on the mat.", None]]
    assert multi.chrf == pytest.approx(sacrebleu.corpus_chrf(hyps, streams).score)
    with pytest.raises(ValueError):
        s2s.translation_scores(hyps, refs[:1])


def test_scores_refuse_a_string_where_a_list_of_texts_is_expected():
    with pytest.raises(TypeError, match="리스트로 감싸"):
        s2s.translation_scores("i like tea.", ["i like tea."])
    with pytest.raises(TypeError, match="리스트로 감싸"):
        s2s.translation_scores(["i like tea."], "i like tea.")
    with pytest.raises(TypeError, match="리스트로 감싸"):
        s2s.sentence_chrf("i like tea.", ["i like tea."])
    with pytest.raises(TypeError, match="문자열이어야"):
        s2s.translation_scores([1, 2], ["a", "b"])
    with pytest.raises(ValueError, match="정답이 하나도"):
        s2s.translation_scores(["a"], [[]])


def test_sentence_chrf_scores_each_pair():
    import sacrebleu

    hyps, refs = ["tom left.", "i like tea.", "xyz"], ["tom left.", "i like green tea.", "hello there."]
    scores = s2s.sentence_chrf(hyps, refs)
    np.testing.assert_allclose(scores, [sacrebleu.sentence_chrf(h, [r]).score for h, r in zip(hyps, refs)])
    assert scores[0] == pytest.approx(100) and scores[0] > scores[1] > scores[2]
    assert s2s.sentence_chrf(["i like tea."], [["i like green tea.", "i like tea."]])[0] == pytest.approx(100)
    with pytest.raises(ValueError):
        s2s.sentence_chrf(hyps, refs[:2])


def test_best_constant_output_is_the_best_single_sentence():
    import sacrebleu

    refs = ["tom is here.", "tom is happy.", "tom is tired.", "i am here."]
    candidates = ["tom is here.", "hello.", "tom is happy.", "tom is here."]
    best, score = s2s.best_constant_output(candidates, refs)
    every = {c: sacrebleu.corpus_chrf([c] * 4, [refs]).score for c in set(candidates)}
    assert score == pytest.approx(max(every.values())) and every[best] == pytest.approx(score)
    with pytest.raises(ValueError):
        s2s.best_constant_output([], refs)


def test_paired_bootstrap_tells_a_clearly_better_system_apart():
    rng = np.random.default_rng(0)
    words = ["tom", "mary", "likes", "tea", "coffee", "reads", "a", "book", "runs", "home"]
    refs = [" ".join(rng.choice(words, size=5)) + "." for _ in range(120)]
    good = [r if i % 4 else "tom." for i, r in enumerate(refs)]  # 3 of 4 exact
    bad = ["tom likes tea." for _ in refs]
    result = s2s.paired_bootstrap(bad, good, refs, names=("bad", "good"), n_samples=200)
    assert result.p_value("chrF") < 0.01 and result.p_value("BLEU") < 0.01
    row = result.table.loc[("chrF", "good")]
    assert row["low"] <= row["mean"] <= row["high"] and row["score"] > result.table.loc[("chrF", "bad"), "high"]
    assert set(result.signatures) == {"BLEU", "chrF2"} and "bs:200" in result.signatures["chrF2"]
    assert result.min_p_value == 1 / 201  # no resample beats so clear a difference: p sits at its floor
    assert result.p_value("chrF") == pytest.approx(result.min_p_value)
    with pytest.raises(ValueError):
        s2s.paired_bootstrap(good, good[:-1], refs)


def test_chrf_checkpoint_restores_the_best_scoring_weights():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    hypotheses = iter(["a b c", "tom is here.", "x", "y"])  # the 2nd evaluation is the exact reference
    snapshots = []

    def translate():
        snapshots.append(model.get_weights()[0].copy())
        return [next(hypotheses)]

    checkpoint = s2s.ChrfCheckpoint(translate, ["tom is here."], every=2)
    model.fit(np.ones((8, 1)), np.full((8, 1), 3.0), epochs=7, verbose=0, callbacks=[checkpoint])
    assert [epoch for epoch, _ in checkpoint.history] == [2, 4, 6, 7]
    assert checkpoint.best_epoch == 4 and checkpoint.best_chrf == pytest.approx(100)
    np.testing.assert_array_equal(model.get_weights()[0], snapshots[1])


def test_exercise_09_3_constant_equals_count_params():
    from course_utils.exercises import nb09

    sizes = [s2s.build_seq2seq(300, 200, embed_dim=16, units=nb09.UNITS, attention=a).model.count_params()
             for a in (False, "general")]
    assert sizes[1] - sizes[0] == nb09.GENERAL_EXTRA_PARAMS
