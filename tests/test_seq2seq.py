"""Tests of course_utils.seq2seq: teacher forcing, the split, attention against Keras, decoding, scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

keras = pytest.importorskip("keras")

from course_utils import seq2seq as s2s  # noqa: E402

SOS_ID, EOS_ID = 2, 3


# --------------------------------------------------------------------------- text and arrays


def test_tokenize_and_detokenize_english():
    tokens = s2s.tokenize_english("Don\u2019t worry, Tom. It's 3:30!")
    assert tokens == ["don't", "worry", ",", "tom", ".", "it's", "3", ":", "30", "!"]
    assert s2s.detokenize_english(["i", "am", "tom", "."]) == "i am tom."
    assert s2s.detokenize_english(["where", "is", "it", "?"]) == "where is it?"
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
    first = s2s.split_frame(frame, valid_size=0.1, test_size=0.2, seed=3, group="eng")
    again = s2s.split_frame(frame, valid_size=0.1, test_size=0.2, seed=3, group="eng")
    other = s2s.split_frame(frame, valid_size=0.1, test_size=0.2, seed=4, group="eng")
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
        s2s.split_frame(frame, valid_size=0.5, test_size=0.5)


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
    ref = s2s.luong_attention_step(states, encoder_outputs, w_c, b_c, w_o, b_o, mask=mask)

    np.testing.assert_allclose(ref.weights, np.asarray(weights), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ref.context, np.asarray(context), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ref.scores[0, 1], encoder_outputs[0] @ states[0, 1], rtol=1e-5)  # s_tᵀh_i
    np.testing.assert_allclose(ref.weights.sum(-1), 1.0)
    assert np.all(ref.weights[1, :, 3:] == 0) and np.all(ref.weights[2, :, 0] == 1)  # padding gets no weight
    np.testing.assert_allclose(ref.probs.sum(-1), 1.0)


def test_attention_without_mask_and_single_sentence_shapes():
    rng = np.random.default_rng(1)
    states, encoder_outputs = rng.normal(size=(2, 4)), rng.normal(size=(3, 4))  # no batch axis
    ref = s2s.luong_attention_step(states, encoder_outputs, np.eye(8, 5), np.zeros(5), np.eye(5, 6), np.zeros(6))
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
    ref = s2s.luong_attention_step(states[:, :1], encoder_outputs, w_c, b_c, w_o, b_o)
    np.testing.assert_allclose(ref.attentional, expected_tanh[:, :1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ref.probs, keras_probs[:, :1], rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------- the Keras models


@pytest.fixture(scope="module", params=[("gru", False), ("gru", True), ("lstm", True)], ids=str)
def net(request):
    keras.utils.set_random_seed(0)
    cell, attention = request.param
    return s2s.build_seq2seq(30, 20, embed_dim=8, units=12, attention=attention, cell=cell)


SOURCE = np.array([[5, 6, 7, 0, 0], [3, 4, 5, 6, 7]])
TARGET = np.array([[SOS_ID, 8, 9, EOS_ID, 0], [SOS_ID, 10, EOS_ID, 0, 0]])


def test_decoder_starts_from_encoder_final_state(net):
    outputs, *states = (np.asarray(t) for t in net.encoder(SOURCE))
    assert len(states) == net.n_states and outputs.shape == (2, 5, 12)
    if net.n_states == 1:  # a GRU's state is its output at the last real (unmasked) step
        np.testing.assert_allclose(states[0][0], outputs[0, 2], rtol=1e-6)
        np.testing.assert_allclose(states[0][1], outputs[1, 4], rtol=1e-6)
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
        beam = s2s.beam_search(*net.start(SOURCE[i:i + 1]), sos_id=SOS_ID, eos_id=EOS_ID, max_len=6, beam_width=1)
        row = [int(t) for t in decoded.ids[i] if t]
        assert list(beam[0].ids) == row
    assert (decoded.attention is not None) == net.attention


def test_compile_ignores_padding_targets():
    keras.utils.set_random_seed(0)
    net = s2s.build_seq2seq(30, 20, embed_dim=4, units=6)
    s2s.compile_seq2seq(net.model)
    decoder_input, target = s2s.teacher_forcing_arrays(TARGET, eos_id=EOS_ID)
    probs = np.asarray(net.model([SOURCE, decoder_input]))
    real = target != 0
    expected = -np.log(probs[real, target[real]]).mean()
    assert net.model.evaluate([SOURCE, decoder_input], target, verbose=0) == pytest.approx(expected, rel=1e-5)


# --------------------------------------------------------------------------- decoding on a hand-built step


def table_step(table: dict[int, dict[int, float]], vocab: int = 8):
    """A step function whose next-token distribution depends only on the previous token.

    The single state records the path (``state * 10 + token``), so that tests can see that
    beam search hands every hypothesis its own state.
    """

    def step(tokens, states):
        probs = np.zeros((len(tokens), vocab))
        for row, token in enumerate(tokens):
            for nxt, p in table[int(token)].items():
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


def test_beam_search_finds_the_sequence_greedy_misses():
    step = table_step(TABLE)
    greedy = s2s.greedy_decode(step, [np.zeros(1)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=5)
    np.testing.assert_array_equal(greedy.ids, [[A, EOS_ID]])  # probability 0.6 × 0.4 = 0.24
    beam1 = s2s.beam_search(step, [np.zeros(1)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=5, beam_width=1)
    assert beam1[0].ids == (A, EOS_ID) and beam1[0].log_prob == pytest.approx(np.log(0.24))
    beam2 = s2s.beam_search(step, [np.zeros(1)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=5, beam_width=2)
    assert [h.ids for h in beam2] == [(B, EOS_ID), (A, EOS_ID)]  # 0.4 × 0.9 = 0.36 beats 0.24
    assert beam2[0].log_prob == pytest.approx(np.log(0.36))
    wide = s2s.beam_search(step, [np.zeros(1)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=5, beam_width=4)
    assert [h.ids for h in wide] == [(B, EOS_ID), (A, EOS_ID), (A, C, EOS_ID), (A, D, EOS_ID)]
    np.testing.assert_allclose([np.exp(h.log_prob) for h in wide], [0.36, 0.24, 0.18, 0.18])


def test_beam_search_reorders_states_and_validates_arguments():
    # <sos> → A 0.6 | B 0.4;  A → C 0.5 | D 0.5;  B → C 0.9 | <eos> 0.1: after two steps the beam is
    # [B C (0.36), A C (0.30)], the reverse of the order of its parents [A, B]
    swap = {SOS_ID: {A: 0.6, B: 0.4}, A: {C: 0.5, D: 0.5}, B: {C: 0.9, EOS_ID: 0.1}, C: {EOS_ID: 1.0}}
    seen = []

    def step(tokens, states):
        seen.append(states[0].copy())
        return table_step(swap)(tokens, states)

    best = s2s.beam_search(step, [np.zeros(1)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=5, beam_width=2)
    assert [h.ids for h in best] == [(B, C, EOS_ID), (A, C, EOS_ID)]
    np.testing.assert_array_equal(seen[1], [SOS_ID, SOS_ID])
    np.testing.assert_array_equal(seen[2], [SOS_ID * 10 + B, SOS_ID * 10 + A])  # each path keeps its state
    with pytest.raises(ValueError):
        s2s.beam_search(step, [np.zeros(2)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=5)
    with pytest.raises(ValueError):
        s2s.beam_search(step, [np.zeros(1)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=5, beam_width=0)


def test_beam_search_stops_at_max_len_with_unfinished_hypotheses():
    loop = {SOS_ID: {A: 1.0}, A: {A: 0.9, EOS_ID: 0.1}}
    best = s2s.beam_search(table_step(loop), [np.zeros(1)], sos_id=SOS_ID, eos_id=EOS_ID, max_len=3, beam_width=2)
    assert best[0].ids == (A, A, A) and best[0].log_prob == pytest.approx(np.log(0.81))
    assert best[1].ids == (A, EOS_ID) and best[1].log_prob == pytest.approx(np.log(0.1))  # kept over A A <eos>


# --------------------------------------------------------------------------- back to text and scores


def test_ids_to_tokens_stops_at_eos_and_skips_padding():
    vocabulary = ["", "[UNK]", "<sos>", "<eos>", "i", "am"]
    assert s2s.ids_to_tokens([4, 0, 5, 3, 4], vocabulary, eos_id=3) == ["i", "am"]
    assert s2s.ids_to_tokens(np.array([1, 4]), vocabulary, eos_id=3) == ["[UNK]", "i"]


def test_translation_scores_equal_sacrebleu():
    import sacrebleu

    hyps = ["the cat sat on the mat.", "i like tea."]
    refs = ["the cat is on the mat.", "i like green tea."]
    scores = s2s.translation_scores(hyps, refs)
    assert scores.bleu == pytest.approx(sacrebleu.corpus_bleu(hyps, [refs]).score)
    assert scores.chrf == pytest.approx(sacrebleu.corpus_chrf(hyps, [refs]).score)
    assert 0 < scores.bleu < 100 and 0 < scores.chrf < 100
    perfect = s2s.translation_scores(refs, refs)
    assert perfect.bleu == pytest.approx(100) and perfect.chrf == pytest.approx(100)
    with pytest.raises(ValueError):
        s2s.translation_scores(hyps, refs[:1])


def test_sentence_chrf_scores_each_pair():
    import sacrebleu

    hyps, refs = ["tom left.", "i like tea.", "xyz"], ["tom left.", "i like green tea.", "hello there."]
    scores = s2s.sentence_chrf(hyps, refs)
    np.testing.assert_allclose(scores, [sacrebleu.sentence_chrf(h, [r]).score for h, r in zip(hyps, refs)])
    assert scores[0] == pytest.approx(100) and scores[0] > scores[1] > scores[2]
    with pytest.raises(ValueError):
        s2s.sentence_chrf(hyps, refs[:2])
