"""Tests for course_utils.word2vec: pairs, sampling, models, neighbours, evaluation, .vec files."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from course_utils import config

config.set_seed(0)  # imports Keras quietly before word2vec does

import keras  # noqa: E402

from course_utils import text, word2vec  # noqa: E402
from course_utils.word2vec import Corpus  # noqa: E402

# "나 는 영화 를 보 았 다" as ids 2..8 in one sentence, then "정말 좋 다" (9, 10, 8) in a second one
SENTENCE = ["나", "는", "영화", "를", "보", "았", "다"]


@pytest.fixture
def two_sentences() -> Corpus:
    return Corpus(np.array([2, 3, 4, 5, 6], dtype=np.int32), np.array([0, 0, 0, 1, 1], dtype=np.int32))


def pairs_of(corpus: Corpus, window: int, rng: np.random.Generator | None = None) -> list[tuple[int, int]]:
    centers, contexts = word2vec.skipgram_pairs(corpus, window, rng)
    return list(zip(centers.tolist(), contexts.tolist()))


# --- pairs ------------------------------------------------------------------------------------


def test_skipgram_pairs_of_a_hand_worked_sentence() -> None:
    vocab = text.Vocabulary.from_corpus([SENTENCE])
    corpus = word2vec.encode([SENTENCE], vocab)
    centers, contexts = word2vec.skipgram_pairs(corpus, window=2)
    words = [(vocab.tokens[c], vocab.tokens[o]) for c, o in zip(centers, contexts)]
    assert words == [
        ("나", "는"), ("나", "영화"),
        ("는", "나"), ("는", "영화"), ("는", "를"),
        ("영화", "나"), ("영화", "는"), ("영화", "를"), ("영화", "보"),
        ("를", "는"), ("를", "영화"), ("를", "보"), ("를", "았"),
        ("보", "영화"), ("보", "를"), ("보", "았"), ("보", "다"),
        ("았", "를"), ("았", "보"), ("았", "다"),
        ("다", "보"), ("다", "았"),
    ]


def test_windows_stop_at_corpus_and_sentence_edges(two_sentences: Corpus) -> None:
    assert pairs_of(two_sentences, 2) == [(2, 3), (2, 4), (3, 2), (3, 4), (4, 2), (4, 3), (5, 6), (6, 5)]
    assert pairs_of(two_sentences, 1) == [(2, 3), (3, 2), (3, 4), (4, 3), (5, 6), (6, 5)]
    assert pairs_of(two_sentences, 10) == pairs_of(two_sentences, 2)  # a window wider than every sentence
    single = Corpus(np.array([7], dtype=np.int32), np.array([0], dtype=np.int32))
    assert pairs_of(single, 3) == []
    with pytest.raises(ValueError, match="window"):
        word2vec.skipgram_pairs(two_sentences, 0)


def test_encode_drops_unknown_tokens_and_numbers_sentences() -> None:
    vocab = text.Vocabulary.from_corpus([["a", "b", "a"]])
    corpus = word2vec.encode([["a", "zzz", "b"], [], ["zzz"], ["b"]], vocab)
    assert corpus.ids.tolist() == [vocab.index("a"), vocab.index("b"), vocab.index("b")]
    assert corpus.sentence.tolist() == [0, 0, 3]


def test_cbow_contexts_are_padded_rows_of_neighbours(two_sentences: Corpus) -> None:
    contexts, targets = word2vec.cbow_examples(two_sentences, window=2)
    assert targets.tolist() == [2, 3, 4, 5, 6]
    assert contexts.tolist() == [[0, 0, 3, 4], [0, 2, 4, 0], [2, 3, 0, 0], [0, 0, 6, 0], [0, 5, 0, 0]]
    lonely = Corpus(np.array([2, 3], dtype=np.int32), np.array([0, 1], dtype=np.int32))
    contexts, targets = word2vec.cbow_examples(lonely, window=2)
    assert contexts.shape == (0, 4) and targets.shape == (0,)


def test_reduced_window_keeps_near_neighbours_more_often() -> None:
    n, window = 20_000, 4
    corpus = Corpus(np.arange(n, dtype=np.int32), np.zeros(n, dtype=np.int32))
    centers, contexts = word2vec.skipgram_pairs(corpus, window, np.random.default_rng(0))
    full = set(pairs_of(corpus, window))
    assert set(zip(centers.tolist(), contexts.tolist())) <= full
    distance = np.abs(contexts - centers)
    share = np.array([(distance == d).sum() for d in range(1, window + 1)]) / (2 * n)
    # a neighbour at distance d survives when the drawn reach b >= d: P = (window - d + 1) / window
    np.testing.assert_allclose(share, [(window - d + 1) / window for d in range(1, window + 1)], atol=0.01)
    again = word2vec.skipgram_pairs(corpus, window, np.random.default_rng(0))
    assert np.array_equal(again[0], centers) and np.array_equal(again[1], contexts)


# --- subsampling and negative sampling -----------------------------------------------------------


def test_keep_probabilities_follow_the_word2vec_formula() -> None:
    counts = np.array([0, 0, 10_000, 1_000, 10, 1])
    sample = 1e-3
    share = counts[2:] / counts.sum()
    expected = np.minimum((np.sqrt(share / sample) + 1) * sample / share, 1.0)
    keep = word2vec.keep_probabilities(counts, sample)
    np.testing.assert_allclose(keep[2:], expected)
    assert keep[0] == keep[1] == 0.0
    assert keep[2] < keep[3] < 1.0 and keep[4] == keep[5] == 1.0  # only frequent words are thinned
    assert np.array_equal(word2vec.keep_probabilities(counts, 0), [0, 0, 1, 1, 1, 1])
    with pytest.raises(ValueError):
        word2vec.keep_probabilities(counts, -1)


def test_subsample_matches_probabilities_and_is_seeded() -> None:
    rng = np.random.default_rng(1)
    ids = rng.integers(2, 6, size=200_000).astype(np.int32)
    corpus = Corpus(ids, np.zeros_like(ids))
    keep = np.array([0, 0, 0.1, 0.5, 0.9, 1.0])
    kept = word2vec.subsample(corpus, keep, np.random.default_rng(7))
    rate = np.bincount(kept.ids, minlength=6)[2:] / np.bincount(ids, minlength=6)[2:]
    np.testing.assert_allclose(rate, keep[2:], atol=0.01)
    again = word2vec.subsample(corpus, keep, np.random.default_rng(7))
    assert np.array_equal(again.ids, kept.ids) and np.array_equal(again.sentence, kept.sentence)
    other = word2vec.subsample(corpus, keep, np.random.default_rng(8))
    assert not np.array_equal(other.ids, kept.ids)


def test_negative_table_is_proportional_to_count_to_the_three_quarters() -> None:
    counts = np.array([0, 0, 1000, 100, 10, 1, 0, 50])
    table = word2vec.negative_table(counts, size=1_000_000)
    expected = counts**0.75 / (counts**0.75).sum()
    np.testing.assert_allclose(np.bincount(table, minlength=len(counts)) / len(table), expected, atol=2e-6)
    draws = word2vec.draw_negatives(table, (100_000, 5), np.random.default_rng(3))
    assert draws.shape == (100_000, 5)
    observed = np.bincount(draws.ravel(), minlength=len(counts)) / draws.size
    np.testing.assert_allclose(observed, expected, atol=0.003)
    assert observed[[0, 1, 6]].sum() == 0
    uniform = word2vec.negative_table(counts, power=0.0, size=1000)  # power 0: every word with count > 0 ... and 0
    assert len(set(uniform.tolist())) == len(counts)
    with pytest.raises(ValueError):
        word2vec.negative_table([0, 0])


# --- models -------------------------------------------------------------------------------------


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def test_sgns_model_is_two_tables_a_dot_and_a_sigmoid() -> None:
    model = word2vec.build_sgns(vocab_size=50, dim=8, negatives=3)
    assert model.count_params() == 2 * 50 * 8
    center = np.array([2, 7, 9, 49], dtype=np.int32)
    candidates = np.random.default_rng(0).integers(0, 50, size=(4, 4)).astype(np.int32)
    out = np.asarray(model.predict([center, candidates], verbose=0))
    assert out.shape == (4, 4)
    words = model.get_layer("word_embedding").get_weights()[0]
    contexts = model.get_layer("context_embedding").get_weights()[0]
    expected = sigmoid(np.einsum("bd,bkd->bk", words[center], contexts[candidates]))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_cbow_model_averages_unmasked_context_vectors() -> None:
    model = word2vec.build_cbow(vocab_size=30, dim=6, window=2, negatives=2)
    assert model.count_params() == 2 * 30 * 6
    contexts = np.array([[0, 0, 3, 4], [5, 6, 7, 8]], dtype=np.int32)
    candidates = np.array([[2, 9, 10], [4, 11, 12]], dtype=np.int32)
    out = np.asarray(model.predict([contexts, candidates], verbose=0))
    words = model.get_layer("word_embedding").get_weights()[0]
    targets = model.get_layer("context_embedding").get_weights()[0]
    means = np.stack([words[[3, 4]].mean(axis=0), words[[5, 6, 7, 8]].mean(axis=0)])  # padding 0 is masked
    np.testing.assert_allclose(out, sigmoid(np.einsum("bd,bkd->bk", means, targets[candidates])), rtol=1e-5, atol=1e-6)
    softmax = word2vec.build_cbow_softmax(vocab_size=30, dim=6, window=2)
    assert softmax.count_params() == 30 * 6 + 6 * 30 + 30
    assert softmax.predict(contexts, verbose=0).shape == (2, 30)


def test_negative_sampling_dataset_puts_the_target_first_and_is_seeded() -> None:
    table = word2vec.negative_table([0, 0, 5, 5, 5, 5])
    inputs, targets = np.arange(10, dtype=np.int32), np.arange(10, 20, dtype=np.int32)
    batches = list(word2vec.negative_sampling_dataset(inputs, targets, table, 3, batch_size=4, seed=1))
    (x, candidates), labels = batches[0]
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert x.numpy().tolist() == [0, 1, 2, 3] and candidates.shape == (4, 4)
    assert candidates.numpy()[:, 0].tolist() == [10, 11, 12, 13]
    assert set(candidates.numpy()[:, 1:].ravel()) <= {2, 3, 4, 5}
    assert labels.numpy().tolist() == [[1, 0, 0, 0]] * 4
    again = list(word2vec.negative_sampling_dataset(inputs, targets, table, 3, batch_size=4, seed=1))
    assert all(np.array_equal(a[0][1], b[0][1]) for a, b in zip(batches, again))


def test_training_a_tiny_corpus_brings_co_occurring_words_together() -> None:
    token_lists = [["고양이", "야옹", "운다"], ["강아지", "멍멍", "짖는다"]] * 200
    vocab = text.Vocabulary.from_corpus(token_lists)
    corpus = word2vec.encode(token_lists, vocab)
    settings = word2vec.Settings(dim=8, window=1, negatives=2, sample=0, epochs=3, batch_size=64, learning_rate=0.05)
    model, report = word2vec.train_keras("sgns", corpus, vocab, settings, verbose=0)
    vectors = word2vec.keyed_vectors(model, vocab)
    assert report.words == len(corpus) * 3 and report.examples == 4 * 400 * 3  # 4 pairs per 3-word sentence (window 1)
    assert report.losses[-1] < report.losses[0]
    assert vectors.similarity("고양이", "운다") > vectors.similarity("고양이", "짖는다")
    with pytest.raises(ValueError, match="kind"):
        word2vec.train_keras("glove", corpus, vocab, settings)


# --- count-based baseline ---------------------------------------------------------------------


def test_cooccurrence_sums_the_fixed_window_pairs(two_sentences: Corpus) -> None:
    counts = word2vec.cooccurrence(two_sentences, vocab_size=7, window=2).toarray()
    expected = np.zeros((7, 7))
    for center, context in pairs_of(two_sentences, 2):
        expected[center, context] += 1
    np.testing.assert_array_equal(counts, expected)
    np.testing.assert_array_equal(counts, counts.T)
    repeated = Corpus(np.array([2, 3, 2, 3], dtype=np.int32), np.zeros(4, dtype=np.int32))
    assert word2vec.cooccurrence(repeated, vocab_size=4, window=1)[2, 3] == 3      # centers at 0 and 2: (0,1), (2,1), (2,3)
    with pytest.raises(ValueError, match="vocab_size"):
        word2vec.cooccurrence(two_sentences, vocab_size=5, window=2)


def test_ppmi_follows_the_smoothed_pmi_formula_entry_by_entry() -> None:
    counts = np.array([[0, 4, 1, 0], [2, 0, 2, 1], [3, 2, 0, 6], [0, 1, 9, 0]], dtype=float)   # rows ≠ columns
    total = counts.sum()
    for alpha in (1.0, 0.75):
        got = word2vec.ppmi(counts, context_power=alpha).toarray()
        context = counts.sum(axis=0) ** alpha
        for w in range(4):
            for c in range(4):
                if counts[w, c]:
                    pmi = np.log((counts[w, c] / total) / (counts[w].sum() / total * context[c] / context.sum()))
                    assert got[w, c] == pytest.approx(max(pmi, 0.0))
                else:
                    assert got[w, c] == 0
    assert (word2vec.ppmi(counts, 0.75).toarray() > 0).sum() < (counts > 0).sum()      # some pairs are clipped to 0
    for bad in (np.zeros((3, 3)), np.array([[1.0, -1.0], [2.0, 0.0]]), np.array([[1.0, np.nan], [2.0, 0.0]])):
        with pytest.raises(ValueError, match="cooccurrence"):
            word2vec.ppmi(bad)


def test_svd_vectors_of_ppmi_are_the_scaled_top_singular_vectors_and_group_co_occurring_words() -> None:
    rng = np.random.default_rng(0)
    random_corpus = Corpus(rng.integers(2, 30, size=3000).astype(np.int32), np.repeat(np.arange(300), 10).astype(np.int32))
    random_ppmi = word2vec.ppmi(word2vec.cooccurrence(random_corpus, 30, 2))
    vectors = word2vec.svd_vectors(random_ppmi, dim=4, seed=0)
    u, sigma, _ = np.linalg.svd(random_ppmi.toarray())
    np.testing.assert_allclose(vectors @ vectors.T, (u[:, :4] * sigma[:4]) @ u[:, :4].T, atol=1e-8)  # U_d Σ_d U_dᵀ
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=0) ** 2, sigma[:4])        # columns: largest σ first
    np.testing.assert_allclose(vectors[:2], 0, atol=1e-12)                            # padding and [UNK] never occur
    token_lists = [["고양이", "야옹", "운다"], ["강아지", "멍멍", "짖는다"], ["고양이", "운다"], ["강아지", "짖는다"]] * 50
    vocab = text.Vocabulary.from_corpus(token_lists)
    corpus = word2vec.encode(token_lists, vocab)
    toy_ppmi = word2vec.ppmi(word2vec.cooccurrence(corpus, len(vocab), 2))
    keyed = word2vec.to_keyed_vectors(vocab.tokens, word2vec.svd_vectors(toy_ppmi, dim=3))
    assert keyed.similarity("고양이", "운다") > keyed.similarity("고양이", "짖는다")
    with pytest.raises(ValueError, match="dim"):
        word2vec.svd_vectors(toy_ppmi, dim=len(vocab))


# --- neighbours and evaluation -----------------------------------------------------------------------


@pytest.fixture
def toy_vectors():
    words = ["man", "woman", "king", "queen", "apple", "pear"]
    matrix = np.array(
        [[1, 0, 0.1], [0, 1, 0.1], [1, 0, 1], [0, 1, 1], [0.3, 0.3, -1], [0.35, 0.3, -1]], dtype=np.float32
    )
    return word2vec.to_keyed_vectors(words, matrix)


def test_nearest_neighbours_by_cosine_agree_with_gensim(toy_vectors) -> None:
    assert word2vec.nearest(toy_vectors, "apple", k=1)[0][0] == "pear"
    got = word2vec.nearest(toy_vectors, "king", k=5)
    assert [w for w, _ in got] == [w for w, _ in toy_vectors.most_similar("king", topn=5)]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in toy_vectors.most_similar("king", topn=5)], rtol=1e-5)
    assert "king" not in [w for w, _ in got]
    by_vector = word2vec.nearest(toy_vectors, toy_vectors["king"], k=1)
    assert by_vector[0][0] == "king" and by_vector[0][1] == pytest.approx(1.0)
    assert word2vec.nearest(toy_vectors, "king", k=2, exclude=["queen"])[0][0] != "queen"


def test_analogy_by_3cosadd(toy_vectors) -> None:
    assert word2vec.solve_analogy(toy_vectors, "man", "woman", "king") == "queen"
    assert word2vec.solve_analogy(toy_vectors, "king", "queen", "man") == "woman"
    rng = np.random.default_rng(0)
    random = word2vec.to_keyed_vectors([f"w{i}" for i in range(200)], rng.normal(size=(200, 20)))
    for a, b, c in [("w1", "w2", "w3"), ("w10", "w50", "w99")]:
        assert word2vec.solve_analogy(random, a, b, c) == random.most_similar(positive=[b, c], negative=[a], topn=1)[0][0]


def test_a_zero_vector_scores_cosine_zero_instead_of_nan(toy_vectors) -> None:
    with_zero = word2vec.to_keyed_vectors(list(toy_vectors.index_to_key) + ["unseen"],
                                          np.vstack([toy_vectors.vectors, np.zeros((1, 3), np.float32)]))
    pairs = pd.DataFrame({"word1": ["man", "unseen"], "word2": ["king", "queen"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")                                  # no divide-by-zero / invalid-value warning
        cosines = word2vec._pair_cosines(with_zero, pairs)
        answer = word2vec.solve_analogy(with_zero, "unseen", "king", "woman")
    assert cosines[0] == pytest.approx(toy_vectors.similarity("man", "king")) and cosines[1] == 0
    assert answer == "queen"                                            # the zero vector adds nothing: king + woman


def test_evaluate_scores_covered_items_only(toy_vectors, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pd.DataFrame({"lang": ["en"] * 3, "a": ["man", "king", "man"], "b": ["woman", "queen", "woman"],
                  "c": ["king", "man", "zebra"], "d": ["queen", "apple", "x"]}).to_csv(
        tmp_path / "analogies.tsv", sep="\t", index=False)
    pd.DataFrame({"lang": ["en"] * 4, "word1": ["man", "king", "apple", "man"], "word2": ["king", "queen", "pear", "unicorn"],
                  "score": [5.0, 2.0, 9.0, 7.0]}).to_csv(tmp_path / "similarity.tsv", sep="\t", index=False)
    monkeypatch.setattr(word2vec, "EVAL_DIR", tmp_path)
    scores = word2vec.evaluate(toy_vectors, "en")
    assert scores["유추 정확도"] == 0.5 and scores["유추 포함"] == "2/3"
    with_intervals = word2vec.evaluate(toy_vectors, "en", n_boot=200)
    assert with_intervals["유추 하한"] <= 0.5 <= with_intervals["유추 상한"]
    assert with_intervals["유사도 하한"] <= with_intervals["유사도 상한"]
    assert scores["유사도 포함"] == "3/4"
    cosines = [toy_vectors.similarity(*p) for p in (("man", "king"), ("king", "queen"), ("apple", "pear"))]
    assert np.argsort(cosines).tolist() == [1, 0, 2] and scores["유사도 스피어만"] == pytest.approx(1.0)


def test_course_eval_set_is_well_formed() -> None:
    analogies = word2vec.load_eval_set("analogies")
    pairs = word2vec.load_eval_set("similarity")
    assert list(analogies.columns) == ["lang", "relation", "a", "b", "c", "d"]
    assert list(pairs.columns) == ["lang", "word1", "word2", "score"]
    for frame in (analogies, pairs):
        assert set(frame["lang"]) == {"ko", "en"}
        assert (frame["lang"].value_counts() >= 100).all()  # at least 100 items per language
        words = frame.drop(columns=["lang", "relation", "score"], errors="ignore")
        assert (words != "").all().all() and not words.map(lambda w: any(c.isspace() for c in w)).any().any()
        assert not frame.duplicated().any()
    assert analogies[["a", "b", "c", "d"]].nunique(axis=1).eq(4).all()  # four different words per item
    assert (pairs["word1"] != pairs["word2"]).all()
    unordered = pairs.apply(lambda r: (r.lang, *sorted((r.word1, r.word2))), axis=1)
    assert not unordered.duplicated().any()  # no pair twice, in either order
    assert pairs["score"].between(0, 10).all() and pairs["score"].nunique() > 5
    assert len(word2vec.load_eval_set("similarity", "ko")) + len(word2vec.load_eval_set("similarity", "en")) == len(pairs)
    with pytest.raises(ValueError):
        word2vec.load_eval_set("synonyms")
    assert (word2vec.EVAL_DIR / "README.md").read_text("utf-8").count("written for this course") == 1


def test_eval_set_is_package_data_read_with_importlib_resources() -> None:
    from importlib.resources import files

    folder = files("course_utils") / "word_eval"
    assert word2vec.EVAL_DIR == folder
    for name in ("analogies.tsv", "similarity.tsv", "README.md"):
        assert (folder / name).is_file(), name
    header = [line for line in (folder / "analogies.tsv").read_text("utf-8").splitlines() if not line.startswith("#")][0]
    assert header.split("\t") == ["lang", "relation", "a", "b", "c", "d"]


def test_bootstrap_intervals_contain_the_estimate_and_shrink_with_more_items() -> None:
    rng = np.random.default_rng(0)
    small = word2vec.ItemScores(rng.random(20) < 0.5, rng.random(20), rng.random(20), 20, 20)
    human = rng.random(400)
    large = word2vec.ItemScores(rng.random(400) < 0.5, human, human + rng.normal(0, 0.3, 400), 400, 400)
    for scores in (small, large):
        intervals = word2vec.bootstrap_intervals(scores, n_boot=300, seed=1)
        low, high = intervals["유추 정확도"]
        assert low <= scores.hits.mean() <= high
        assert intervals == word2vec.bootstrap_intervals(scores, n_boot=300, seed=1)  # seeded
    width = lambda s, key: np.subtract(*word2vec.bootstrap_intervals(s, n_boot=300)[key][::-1])
    assert width(large, "유추 정확도") < width(small, "유추 정확도")
    low, high = word2vec.bootstrap_intervals(large, n_boot=300)["유사도 스피어만"]
    assert 0.5 < low < high < 1.0
    with pytest.raises(ValueError):
        word2vec.bootstrap_intervals(small, level=1.5)


# --- .vec files and Embedding initialisation -------------------------------------------------------------


def test_vec_round_trip_and_embedding_initialisation(toy_vectors, tmp_path: Path) -> None:
    path = word2vec.save_vec(toy_vectors, tmp_path / "sub" / "toy.vec")
    header = path.read_text("utf-8").splitlines()[0]
    assert header == "6 3"
    loaded = word2vec.load_vec(path)
    assert loaded.index_to_key == toy_vectors.index_to_key
    np.testing.assert_allclose(loaded.vectors, toy_vectors.vectors, atol=1e-6)

    vocabulary = ["", "[UNK]", "queen", "banana", "king"]
    matrix, found = word2vec.embedding_matrix(loaded, vocabulary)
    assert matrix.shape == (5, 3) and found == 2
    assert not matrix[0].any()
    np.testing.assert_allclose(matrix[[2, 4]], toy_vectors[["queen", "king"]], atol=1e-6)
    layer = keras.layers.Embedding(5, 3, embeddings_initializer=keras.initializers.Constant(matrix))
    out = np.asarray(layer(np.array([[4, 2, 0]])))
    np.testing.assert_allclose(out[0], np.stack([toy_vectors["king"], toy_vectors["queen"], np.zeros(3)]), atol=1e-6)
    again, _ = word2vec.embedding_matrix(loaded, vocabulary)
    assert np.array_equal(again, matrix)  # seeded random rows for the words without a vector
    vocab = text.Vocabulary(("", "[UNK]", "king"), (0, 0, 3))
    assert word2vec.embedding_matrix(loaded, vocab)[1] == 1


def test_tokens_with_spaces_are_rejected_by_save_and_joined_by_lookup(tmp_path: Path) -> None:
    spaced = word2vec.to_keyed_vectors(["베이브 루스", "홈런"], np.eye(2, dtype=np.float32))
    with pytest.raises(ValueError, match="공백"):
        word2vec.save_vec(spaced, tmp_path / "bad.vec")
    fixed = word2vec.to_keyed_vectors([word2vec.whitespace_free(w) for w in ["베이브 루스", "홈런"]], np.eye(2))
    assert fixed.index_to_key == ["베이브_루스", "홈런"]
    matrix, found = word2vec.embedding_matrix(fixed, ["", "[UNK]", "베이브 루스"])
    assert found == 1 and matrix[2].tolist() == [1.0, 0.0]


def test_vectors_path_lives_in_the_data_cache_and_names_the_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("COURSE_PROFILE", "ci")
    assert word2vec.vectors_path("ko_sgns") == tmp_path.resolve() / "word2vec" / "ko_sgns-ci.vec"
    assert word2vec.vectors_path("ko_sgns", "class").name == "ko_sgns-class.vec"


def test_paired_intervals_separate_a_better_model_and_not_a_copy() -> None:
    rng = np.random.default_rng(0)
    human = rng.uniform(0, 10, size=120)
    good, noise = human + rng.normal(0, 2, size=120), rng.normal(size=120)
    hits_good, hits_none = rng.random(128) < 0.6, np.zeros(128, dtype=bool)
    result = word2vec.paired_intervals(hits_good, hits_none, human, good, noise, n_boot=500)
    for difference, low, high in result.values():
        assert 0 < low <= difference <= high
    same = word2vec.paired_intervals(hits_good, hits_good, human, good, good, n_boot=200)
    assert all(value == 0 for triple in same.values() for value in triple)


def test_paired_intervals_are_narrower_than_separate_ones_for_correlated_models() -> None:
    # two models that fail on the same hard items: separate intervals overlap, the paired one does not
    rng = np.random.default_rng(1)
    hard = rng.random(128) < 0.5
    hits_a = ~hard
    hits_b = ~hard & (rng.random(128) < 0.8)
    human = rng.uniform(0, 10, size=30)
    (difference, low, high), = [word2vec.paired_intervals(hits_a, hits_b, human, human, human, n_boot=500)["유추 정확도"]]
    separate = [word2vec.bootstrap_intervals(word2vec.ItemScores(h, human, human, 128, 30), n_boot=500)["유추 정확도"]
                for h in (hits_a, hits_b)]
    assert low > 0 and separate[1][1] > separate[0][0]   # paired separates, separate intervals overlap


def test_paired_intervals_refuse_items_that_do_not_line_up() -> None:
    with pytest.raises(ValueError, match="같은 문항"):
        word2vec.paired_intervals(np.ones(3, bool), np.ones(4, bool), np.ones(5), np.ones(5), np.ones(5))


def test_paired_bootstrap_of_a_model_with_itself_is_zero() -> None:
    words = sorted({w for frame in (word2vec.load_eval_set("analogies", "ko"), word2vec.load_eval_set("similarity", "ko"))
                    for col in ("a", "b", "c", "d", "word1", "word2") if col in frame for w in frame[col]})
    vectors = word2vec.to_keyed_vectors(words, np.random.default_rng(0).normal(size=(len(words), 8)))
    result = word2vec.paired_bootstrap(vectors, vectors, "ko", n_boot=50)
    assert set(result) == {"유추 정확도", "유사도 스피어만"}
    assert all(value == 0 for triple in result.values() for value in triple)
