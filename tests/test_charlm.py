"""Tests for course_utils.charlm: units, datasets, bits per syllable, n-grams, samplers."""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pytest

from course_utils import charlm
from course_utils.text import Vocabulary

TITLES = ["삼성 주가 상승", "축구 대표팀 승리…", "여야 국회 합의", "삼성 반도체 투자", "女배구 결승 진출"]


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return charlm.build_vocabulary(TITLES, "syllable", min_count=1)


# --- units ---------------------------------------------------------------------------------


def test_jamo_round_trip_on_every_hangul_syllable() -> None:
    syllables = "".join(chr(0xAC00 + i) for i in range(charlm.HANGUL_SYLLABLES))
    jamo = charlm.to_units(syllables, "jamo")
    assert charlm.from_units(jamo, "jamo") == syllables
    # 19 × 21 syllables have no final consonant (2 jamo), the others have one (3 jamo)
    assert len(jamo) == 2 * 19 * 21 + 3 * (charlm.HANGUL_SYLLABLES - 19 * 21)
    assert all(len(charlm.to_units(s, "jamo")) in (2, 3) for s in syllables[:: 97])


def test_syllables_are_nfc_characters_and_compatibility_hanja_are_normalised() -> None:
    title = "\uF981배구 결승"                       # 女 as a CJK compatibility ideograph, as in YNAT
    assert charlm.to_units(title, "syllable") == list("\u5973배구 결승")
    assert unicodedata.normalize("NFC", title) != title
    assert charlm.from_units(charlm.to_units(title, "jamo"), "jamo") == charlm.normalize(title)
    with pytest.raises(ValueError, match="unit"):
        charlm.to_units(title, "word")  # type: ignore[arg-type]


def test_vocabulary_has_padding_unk_and_end_and_maps_rare_units_to_unk() -> None:
    vocab = charlm.build_vocabulary(TITLES, "syllable", min_count=2)
    assert vocab.tokens[:2] == ("", "[UNK]") and charlm.END in vocab
    assert "삼" in vocab and "女" not in vocab               # "삼" twice, "女" once
    ids = charlm.encode(["삼女"], "syllable", vocab)[0]
    assert ids.tolist() == [vocab.index("삼"), 1]


def test_decode_stops_at_the_end_mark(vocab: Vocabulary) -> None:
    ids = charlm.encode(["삼성 주가"], "syllable", vocab)[0]
    end = vocab.index(charlm.END)
    assert charlm.decode([*ids, end, vocab.index("축")], "syllable", vocab) == "삼성 주가"
    jamo_vocab = charlm.build_vocabulary(TITLES, "jamo", min_count=1)
    assert charlm.decode(charlm.encode(["여야 합의"], "jamo", jamo_vocab)[0], "jamo", jamo_vocab) == "여야 합의"


# --- datasets --------------------------------------------------------------------------------


def test_decode_rejects_ids_outside_the_vocabulary(vocab: Vocabulary) -> None:
    for bad in ([-1, 2], [len(vocab)]):
        with pytest.raises(ValueError, match="어휘에 없는 번호"):
            charlm.decode(bad, "syllable", vocab)


def test_headline_arrays_shift_targets_by_one_and_pad_with_zero() -> None:
    seqs = [np.array([5, 6, 7]), np.array([8])]
    x, y = charlm.headline_arrays(seqs, end_id=2)
    assert x.tolist() == [[2, 5, 6, 7], [2, 8, 0, 0]]
    assert y.tolist() == [[5, 6, 7, 2], [8, 2, 0, 0]]
    with pytest.raises(ValueError, match="maxlen"):
        charlm.headline_arrays(seqs, end_id=2, maxlen=3)


def test_stream_blocks_continue_each_row_across_blocks() -> None:
    seqs = [np.arange(10, 10 + n) for n in (3, 5, 4, 6, 2, 7)]
    stream = np.concatenate([[2]] + [np.append(s, 2) for s in seqs])
    x, y = charlm.stream_blocks(seqs, end_id=2, batch_size=2, block=4)
    rows = (len(stream) - 1) // 2
    assert x.shape == y.shape == (rows // 4, 2, 4)
    for b in range(2):                                      # row b of the blocks, glued, is one piece of the stream
        glued = np.concatenate(list(x[:, b]))
        assert glued.tolist() == stream[b * rows : b * rows + len(glued)].tolist()
        assert np.concatenate(list(y[:, b])).tolist() == stream[b * rows + 1 : b * rows + 1 + len(glued)].tolist()
    with pytest.raises(ValueError, match="batch_size"):
        charlm.stream_blocks(seqs[:1], end_id=2, batch_size=8, block=8)


# --- accounting ------------------------------------------------------------------------------


def test_syllable_count_counts_nfc_characters_plus_one_end_mark() -> None:
    assert charlm.syllable_count(["삼성 주가"]) == 6                          # 5 characters + end
    assert charlm.syllable_count([unicodedata.normalize("NFD", "삼성 주가")]) == 6
    assert charlm.syllable_count(["가", "나다"]) == 2 + 3


def test_bits_per_syllable_hand_computed() -> None:
    # a jamo model that spends 1 bit on each of the 7 jamo of "한국" (ㅎㅏㄴㄱㅜㄱ = 6 jamo + end = 7 units)
    assert len(charlm.to_units("한국", "jamo")) == 6
    assert charlm.bits_per_syllable(7.0, ["한국"]) == pytest.approx(7 / 3)
    assert charlm.perplexity(2.0) == pytest.approx(4.0)
    with pytest.raises(ValueError, match="헤드라인"):
        charlm.bits_per_syllable(1.0, [])


def test_model_bits_of_a_uniform_model_is_log2_v_per_unit(vocab: Vocabulary) -> None:
    seqs = charlm.encode(TITLES[:3], "syllable", vocab)
    uniform = lambda x: np.zeros(x.shape + (len(vocab),))  # noqa: E731
    bits = charlm.model_bits(uniform, seqs, vocab, batch_size=2)
    expected = [(len(s) + 1) * math.log2(len(vocab)) for s in seqs]
    np.testing.assert_allclose(bits, expected)
    assert charlm.bits_per_syllable(bits.sum(), TITLES[:3]) == pytest.approx(math.log2(len(vocab)))


def test_model_bits_charges_the_unk_penalty() -> None:
    vocab = charlm.build_vocabulary(TITLES, "syllable", min_count=2)
    seqs = charlm.encode(["삼女"], "syllable", vocab)
    uniform = lambda x: np.zeros(x.shape + (len(vocab),))  # noqa: E731
    bits = charlm.model_bits(uniform, seqs, vocab)
    assert bits[0] == pytest.approx(3 * math.log2(len(vocab)) + charlm.UNK_PENALTY_BITS)


def test_unit_bits_line_up_with_the_ngram_and_sum_to_model_bits(vocab: Vocabulary) -> None:
    seqs = charlm.encode(TITLES, "syllable", vocab)
    end = vocab.index(charlm.END)
    lm = charlm.NGramLM(2, len(vocab)).fit(seqs[:3], end)
    # a "model" that puts all its mass on the bigram's choice would be odd; use the n-gram's own
    # next distributions as logits, so the model's unit costs must equal the n-gram's unit by unit
    def as_logits(x: np.ndarray) -> np.ndarray:
        return np.log(np.array([[lm.next_distribution([int(v)] if v else [], end) if t else lm.next_distribution([], end)
                                 for t, v in enumerate(row)] for row in x]))
    model_units = charlm.unit_bits(as_logits, seqs, vocab, batch_size=2)
    np.testing.assert_allclose(model_units, lm.unit_bits(seqs, vocab), rtol=1e-6)
    np.testing.assert_allclose(charlm.per_headline(model_units, seqs), charlm.model_bits(as_logits, seqs, vocab), rtol=1e-6)
    assert len(model_units) == sum(len(s) + 1 for s in seqs)
    with pytest.raises(ValueError, match="단위 비용"):
        charlm.per_headline(model_units[:-1], seqs)


def test_interpolated_bits_mix_probabilities_not_costs() -> None:
    a, b = np.array([1.0, 3.0, 10.0]), np.array([2.0, 1.0, 1.0])
    np.testing.assert_allclose(charlm.interpolated_bits(a, b, 1.0), a)
    np.testing.assert_allclose(charlm.interpolated_bits(a, b, 0.0), b)
    mixed = charlm.interpolated_bits(a, b, 0.25)
    np.testing.assert_allclose(mixed, -np.log2(0.25 * 2.0**-a + 0.75 * 2.0**-b))
    assert not np.allclose(mixed, 0.25 * a + 0.75 * b)            # not the average of the costs
    assert (mixed >= np.minimum(a, b)).all() and (mixed <= np.maximum(a, b) + 2).all()
    np.testing.assert_allclose(charlm.interpolated_bits(a + 20, b + 20, 0.5), charlm.interpolated_bits(a, b, 0.5) + 20)
    for weight in (-0.1, 1.5):
        with pytest.raises(ValueError, match="weight"):
            charlm.interpolated_bits(a, b, weight)
    with pytest.raises(ValueError, match="모양"):
        charlm.interpolated_bits(a, b[:2], 0.5)


# --- n-gram baseline -------------------------------------------------------------------------


@pytest.mark.parametrize(("order", "smoothing"), [(1, "kn"), (2, "kn"), (3, "kn"), (4, "kn"), (3, "add-k")])
def test_ngram_probabilities_sum_to_one_over_the_vocabulary(vocab: Vocabulary, order: int, smoothing: str) -> None:
    seqs = charlm.encode(TITLES, "syllable", vocab)
    end = vocab.index(charlm.END)
    lm = charlm.NGramLM(order, len(vocab), smoothing, discount=0.8, k=0.5).fit(seqs, end)  # type: ignore[arg-type]
    for context in ([], seqs[0][:2].tolist(), seqs[1][:4].tolist(), [1, 1, 1], [vocab.index("女")]):
        p = lm.next_distribution(context, end)
        assert p.shape == (len(vocab),) and (p > 0).all()
        assert p.sum() == pytest.approx(1.0, abs=1e-12)


def test_ngram_bigram_add_k_matches_hand_counts() -> None:
    seqs, V, end = [np.array([3, 4]), np.array([3, 3])], 5, 2
    lm = charlm.NGramLM(2, V, "add-k", k=1.0).fit(seqs, end)
    # bigrams: (2,3)×2, (3,4), (4,2), (3,3), (3,2); context 3 occurs 3 times
    p = lm.next_distribution([3], end)
    np.testing.assert_allclose(p, np.array([0, 0, 1, 1, 1]) / 8 + 1 / 8)


def test_ngram_unigram_kn_is_interpolated_with_uniform() -> None:
    seqs, V, end = [np.array([3, 3, 4])], 5, 2
    lm = charlm.NGramLM(1, V, "kn", discount=0.5).fit(seqs, end)
    # counts: 3→2, 4→1, end→1 (total 4, 3 types): p(w) = (max(c - 0.5, 0) + 0.5·3/5) / 4
    expected = (np.maximum(np.array([0, 0, 1, 2, 1]) - 0.5, 0) + 0.5 * 3 / 5) / 4
    np.testing.assert_allclose(lm.next_distribution([], end), expected)


def test_ngram_headline_bits_agree_with_next_distribution(vocab: Vocabulary) -> None:
    seqs = charlm.encode(TITLES, "syllable", vocab)
    end = vocab.index(charlm.END)
    lm = charlm.NGramLM(3, len(vocab)).fit(seqs[:4], end)
    target = seqs[4]
    by_hand = sum(-math.log2(lm.next_distribution(target[:i].tolist(), end)[w]) for i, w in enumerate([*target, end]))
    unk = int((target == 1).sum()) * charlm.UNK_PENALTY_BITS
    assert lm.headline_bits([target], vocab)[0] == pytest.approx(by_hand + unk)


def test_ngram_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="discount"):
        charlm.NGramLM(3, 10, "kn", discount=1.5)
    with pytest.raises(ValueError, match="order"):
        charlm.NGramLM(0, 10)
    with pytest.raises(RuntimeError, match="fit"):
        charlm.NGramLM(2, 10).next_distribution([], 2)


# --- samplers --------------------------------------------------------------------------------

LOGITS = np.array([[1.0, 3.0, 2.5, -1.0, 0.0], [0.2, 0.1, 0.0, 2.0, 1.9]])


def test_sampling_distribution_at_temperature_one_is_softmax() -> None:
    p = charlm.sampling_distribution(LOGITS[0])
    np.testing.assert_allclose(p, np.exp(LOGITS[0]) / np.exp(LOGITS[0]).sum())


def test_low_temperature_tends_to_greedy_and_zero_is_greedy() -> None:
    greedy = np.eye(5)[LOGITS.argmax(axis=1)]
    np.testing.assert_array_equal(charlm.sampling_distribution(LOGITS, 0.0), greedy)
    np.testing.assert_allclose(charlm.sampling_distribution(LOGITS, 1e-3), greedy, atol=1e-12)
    rng = np.random.default_rng(0)
    draws = np.stack([charlm.sample_next(LOGITS, rng, temperature=0.0) for _ in range(50)])
    assert (draws == LOGITS.argmax(axis=1)).all()


def test_high_temperature_tends_to_uniform() -> None:
    np.testing.assert_allclose(charlm.sampling_distribution(LOGITS, 1e6), np.full((2, 5), 0.2), atol=1e-5)


def test_top_k_never_samples_outside_the_top_k() -> None:
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(200, 30))
    top3 = np.argsort(logits, axis=1)[:, -3:]
    for _ in range(20):
        draws = charlm.sample_next(logits, rng, temperature=2.0, top_k=3)
        assert all(d in row for d, row in zip(draws, top3))
    p = charlm.sampling_distribution(logits, 1.0, top_k=3)
    assert ((p > 0).sum(axis=1) == 3).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_sample_next_follows_the_distribution() -> None:
    rng = np.random.default_rng(2)
    logits = np.tile(np.log([0.5, 0.3, 0.2]), (20_000, 1))
    freq = np.bincount(charlm.sample_next(logits, rng), minlength=3) / 20_000
    np.testing.assert_allclose(freq, [0.5, 0.3, 0.2], atol=0.02)


def test_generate_feeds_predictions_back_and_stops_at_the_end(vocab: Vocabulary) -> None:
    end, a, b = vocab.index(charlm.END), vocab.index("삼"), vocab.index("성")
    script = {1: a, 2: b, 3: end}                          # by prefix length: 삼, 성, end

    def next_logits(prefix: np.ndarray) -> np.ndarray:
        assert (prefix[:, 0] == end).all()
        logits = np.zeros((len(prefix), len(vocab)))
        logits[:, script[prefix.shape[1]]] = 50.0
        logits[:, 1] = 100.0                               # [UNK] is never sampled
        return logits

    out = charlm.generate(next_logits, 3, vocab, rng=np.random.default_rng(0), temperature=0.0)
    assert [charlm.decode(o, "syllable", vocab) for o in out] == ["삼성"] * 3


def test_distinct_n_and_copy_rate() -> None:
    assert charlm.distinct_n(["가나가나"], 2) == pytest.approx(2 / 3)       # 가나, 나가, 가나
    assert charlm.distinct_n(["가", ""], 2) == 0.0
    assert charlm.copy_rate(["삼성 주가 상승", "새 헤드라인"], TITLES) == 0.5
    with pytest.raises(ValueError):
        charlm.copy_rate([], TITLES)


def test_exercise_08_2_counts_jamo_and_end_mark_by_hand() -> None:
    from course_utils.exercises import nb08

    # 코스피 반등: ㅋㅗ ㅅㅡ ㅍㅣ, space, ㅂㅏㄴ ㄷㅡㅇ = 13 jamo, + end mark = 14 predictions; 6 characters + end = 7 syllables
    assert nb08.LOSS_HEADLINE == "코스피 반등"
    assert math.isclose(nb08.SOLUTIONS["08_2"], 1.2 * 14 / math.log(2) / 7, rel_tol=1e-12)
