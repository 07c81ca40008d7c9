"""Word2Vec in Keras 3 (notebook 02): training pairs, sampling, models, evaluation, ``.vec`` files.

Keras 3 dropped ``keras.preprocessing.sequence.skipgrams`` and ``make_sampling_table``; this
module writes what they did, vectorised with NumPy, plus the rest of a word2vec trainer::

    from course_utils import text, word2vec

    vocab = text.Vocabulary.from_corpus(token_lists, min_count=5)
    corpus = word2vec.encode(token_lists, vocab)                 # flat ids + sentence numbers
    settings = word2vec.Settings(dim=100, window=5, negatives=5, epochs=5)
    model, report = word2vec.train_keras("sgns", corpus, vocab, settings)
    vectors = word2vec.keyed_vectors(model, vocab)               # gensim KeyedVectors
    word2vec.nearest(vectors, "영화", k=5)
    counts = word2vec.ppmi(word2vec.cooccurrence(corpus, len(vocab), window=5))    # count-based baseline
    baseline = word2vec.to_keyed_vectors(vocab.tokens, word2vec.svd_vectors(counts, dim=100))
    word2vec.save_vec(vectors, path)                             # word2vec text format
    matrix, found = word2vec.embedding_matrix(word2vec.load_vec(path), vectorizer.get_vocabulary())
    keras.layers.Embedding(len(matrix), matrix.shape[1],
                           embeddings_initializer=keras.initializers.Constant(matrix))

Conventions: word ids come from :class:`course_utils.text.Vocabulary` (0 padding, 1 ``[UNK]``,
then by frequency); out-of-vocabulary tokens are dropped from the corpus, as gensim does.
Importing this module imports Keras and TensorFlow; call ``config.setup()`` first in a notebook.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Iterable, Sequence
from importlib.resources import files
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keras
import numpy as np
import pandas as pd
import tensorflow as tf
from scipy import sparse

from course_utils import stats
from course_utils.text import OOV_TOKEN, PAD_TOKEN, Vocabulary

if TYPE_CHECKING:
    from gensim.models import KeyedVectors

EVAL_DIR = files("course_utils") / "word_eval"
"""The course's own analogy and similarity sets (``analogies.tsv``, ``similarity.tsv``, ``README.md``),
shipped inside the package and read with :mod:`importlib.resources`, so a wheel install can evaluate too."""

# ---------------------------------------------------------------------------------------------
# Corpus and training pairs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """A tokenized corpus as two aligned flat arrays: word ids and the sentence of each token.

    Windows never cross a sentence boundary: two tokens can form a pair only if their
    ``sentence`` numbers are equal.
    """

    ids: np.ndarray
    sentence: np.ndarray

    def __post_init__(self) -> None:
        if self.ids.shape != self.sentence.shape or self.ids.ndim != 1:
            raise ValueError("ids와 sentence는 같은 길이의 1차원 배열이어야 합니다.")

    def __len__(self) -> int:
        return len(self.ids)


def whitespace_free(token: str) -> str:
    """A token with each run of whitespace replaced by ``_`` (Kiwi's ``"베이브 루스"`` → ``"베이브_루스"``).

    The ``.vec`` text format separates fields by spaces, and :mod:`course_utils.classify` joins
    tokens the same way, so vectors and classifier vocabularies share token spellings.
    """
    return "_".join(token.split())


def encode(token_lists: Iterable[Sequence[str]], vocab: Vocabulary) -> Corpus:
    """Word ids of every known token, in order, with the number of the sentence it came from.

    Tokens outside ``vocab`` (``[UNK]``) are dropped rather than kept as a shared id.
    """
    ids: list[int] = []
    sentence: list[int] = []
    for number, tokens in enumerate(token_lists):
        known = [i for i in vocab.encode(tokens) if i >= 2]
        ids.extend(known)
        sentence.extend([number] * len(known))
    return Corpus(np.asarray(ids, dtype=np.int32), np.asarray(sentence, dtype=np.int32))


def korean_corpus(n_titles: int | None = None, n_reviews: int | None = None, seed: int = 0) -> list[list[str]]:
    """Kiwi morphemes of YNAT headlines (train + validation split) and NSMC test reviews.

    Texts are cleaned with :func:`course_utils.text.clean_korean` (Hanja read in Hangul with the
    news abbreviations, repeats shortened, punctuation removed), tokenized with Kiwi and made
    :func:`whitespace_free`. The YNAT test split is left out, so classifiers evaluated on it
    (notebook 06) never see its headlines through the vectors. ``n_titles`` / ``n_reviews``
    take reproducible subsets (:func:`course_utils.data.sample_frame`); headlines come first.
    """
    return korean_corpus_with_sources(n_titles, n_reviews, seed)[0]


def korean_corpus_with_sources(
    n_titles: int | None = None, n_reviews: int | None = None, seed: int = 0
) -> tuple[list[list[str]], np.ndarray]:
    """:func:`korean_corpus` and, for each of its sentences, its source: ``"news"`` or ``"review"``."""
    from course_utils import data, text

    ynat = data.load_ynat()
    titles = data.sample_frame(pd.concat([ynat.train, ynat.valid], ignore_index=True), n_titles, seed=seed)["title"]
    reviews = data.sample_frame(data.load_nsmc_test(), n_reviews, seed=seed)["document"]
    cleaned = [text.clean_korean(t, abbreviations=text.NEWS_HANJA_ABBREVIATIONS) for t in [*titles, *reviews]]
    sources = ["news"] * len(titles) + ["review"] * len(reviews)
    kiwi = text.make_tokenizer("kiwi")
    kept = [([whitespace_free(t) for t in tokens], source)
            for tokens, source in zip(kiwi.tokenize_all(cleaned), sources) if tokens]
    return [tokens for tokens, _ in kept], np.array([source for _, source in kept])


def english_corpus(n_reviews: int | None = None, seed: int = 0) -> list[list[str]]:
    """Lower-case words of IMDB training reviews (:func:`course_utils.text.clean_english`, split on spaces).

    The test reviews are left out, so sentiment models tested on them never see them through
    the vectors. ``n_reviews`` takes a reproducible subset.
    """
    from course_utils import data, text

    reviews = data.sample_frame(data.load_imdb_texts("train"), n_reviews, seed=seed)["text"]
    return [tokens for tokens in (text.clean_english(r).split() for r in reviews) if tokens]


def vectors_path(name: str, profile: str | None = None) -> Path:
    """Where the notebooks keep word vectors: ``<course data cache>/word2vec/<name>-<profile>.vec``.

    The run profile (default: the active one, :func:`course_utils.config.profile`) is part of
    the name, so the tiny vectors of a ``ci`` run never replace those of a ``class`` run.
    """
    from course_utils import config
    from course_utils.data import cache_dir

    return cache_dir() / "word2vec" / f"{name}-{profile or config.profile()}.vec"


def _offsets(window: int) -> np.ndarray:
    if window < 1:
        raise ValueError(f"window는 1 이상이어야 합니다 (받은 값: {window}).")
    return np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])


def _window_positions(
    corpus: Corpus, window: int, rng: np.random.Generator | None
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the 2·window neighbours of every token and which of them are usable.

    Returns ``(positions, valid)``, both ``(len(corpus), 2 * window)``, columns ordered from
    the farthest left neighbour to the farthest right one. A neighbour is valid when it lies
    inside the corpus, in the same sentence and, with ``rng``, within the token's reduced
    window ``b ~ U{1, ..., window}`` (word2vec's dynamic window, which weights near
    neighbours more).
    """
    offsets = _offsets(window)
    n = len(corpus)
    positions = np.arange(n, dtype=np.int64)[:, None] + offsets[None, :]
    inside = (positions >= 0) & (positions < n)
    positions = np.clip(positions, 0, max(n - 1, 0))
    valid = inside & (corpus.sentence[positions] == corpus.sentence[:, None])
    if rng is not None:
        reach = rng.integers(1, window + 1, size=n)
        valid &= np.abs(offsets)[None, :] <= reach[:, None]
    return positions, valid


def skipgram_pairs(
    corpus: Corpus, window: int, rng: np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Skip-gram (center, context) id pairs: every token with each neighbour within ``window``.

    Pairs are ordered by the center's position, then by the context's position. Without
    ``rng`` the window is fixed; with it each center draws its own reduced window (see
    :func:`_window_positions`).
    """
    positions, valid = _window_positions(corpus, window, rng)
    centers = np.broadcast_to(corpus.ids[:, None], valid.shape)[valid]
    contexts = corpus.ids[positions[valid]]
    return centers, contexts


def cbow_examples(
    corpus: Corpus, window: int, rng: np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """CBOW examples: ``(contexts, targets)``, contexts ``(n, 2·window)`` padded with 0.

    Row ``i`` holds the neighbours of target ``i`` in their columns (farthest left first);
    missing neighbours (sentence edges, reduced window) are 0, the padding id, which
    ``Embedding(mask_zero=True)`` masks. Targets with no neighbour at all are dropped.
    """
    positions, valid = _window_positions(corpus, window, rng)
    contexts = np.where(valid, corpus.ids[positions], 0).astype(np.int32)
    keep = valid.any(axis=1)
    return contexts[keep], corpus.ids[keep]


def keep_probabilities(counts: Sequence[int] | np.ndarray, sample: float = 1e-3) -> np.ndarray:
    """Probability of keeping each word when frequent words are subsampled (Mikolov et al., 2013).

    With ``f`` the word's share of all tokens and ``t = sample``, the paper discards a word
    with probability ``1 - sqrt(t / f)``; the released word2vec code, which gensim follows
    and which this function uses, keeps it with probability ``(sqrt(f / t) + 1) · t / f``,
    capped at 1. Words of count 0 (the special tokens) get 0. ``sample=0`` keeps everything.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if sample < 0:
        raise ValueError(f"sample은 0 이상이어야 합니다 (받은 값: {sample}).")
    if sample == 0:
        return (counts > 0).astype(np.float64)
    share = counts / counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = (np.sqrt(share / sample) + 1) * sample / share
    return np.where(counts > 0, np.minimum(keep, 1.0), 0.0)


def subsample(corpus: Corpus, keep_prob: np.ndarray, rng: np.random.Generator) -> Corpus:
    """Drop each token independently with probability ``1 - keep_prob[id]`` (seeded by ``rng``)."""
    kept = rng.random(len(corpus)) < keep_prob[corpus.ids]
    return Corpus(corpus.ids[kept], corpus.sentence[kept])


def negative_table(counts: Sequence[int] | np.ndarray, power: float = 0.75, size: int = 1_000_000) -> np.ndarray:
    """A table of word ids in which each word appears in proportion to ``count ** power``.

    Drawing uniform positions of the table samples negatives from the smoothed unigram
    distribution (word2vec's ``unigram^0.75``), as the original code does. Words of count 0
    never appear.
    """
    weights = np.asarray(counts, dtype=np.float64) ** power
    if weights.sum() <= 0:
        raise ValueError("빈도가 0보다 큰 단어가 하나도 없습니다.")
    cumulative = np.cumsum(weights / weights.sum())
    cumulative[-1] = 1.0
    return np.searchsorted(cumulative, (np.arange(size) + 0.5) / size, side="right").astype(np.int32)


def draw_negatives(table: np.ndarray, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Negative word ids of the given shape, drawn uniformly from a :func:`negative_table`."""
    return table[rng.integers(len(table), size=shape)]


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------


def build_sgns(vocab_size: int, dim: int, negatives: int) -> keras.Model:
    """Skip-gram with negative sampling: two embedding tables, a dot product and a sigmoid.

    Inputs ``center`` ``(batch,)`` and ``candidates`` ``(batch, 1 + negatives)`` (the true
    context first, then the negatives); output ``(batch, 1 + negatives)`` probabilities that
    each candidate is a real neighbour (labels ``[1, 0, ..., 0]``). The word vectors are the
    layer ``"word_embedding"``.
    """
    center = keras.Input(shape=(), dtype="int32", name="center")
    candidates = keras.Input(shape=(1 + negatives,), dtype="int32", name="candidates")
    word = keras.layers.Embedding(vocab_size, dim, name="word_embedding")(center)
    context = keras.layers.Embedding(vocab_size, dim, name="context_embedding")(candidates)
    scores = keras.layers.Dot(axes=(1, 2), name="dot")([word, context])
    probability = keras.layers.Activation("sigmoid", name="sigmoid")(scores)
    return keras.Model([center, candidates], probability, name="skipgram_negative_sampling")


def build_cbow(vocab_size: int, dim: int, window: int, negatives: int) -> keras.Model:
    """CBOW with negative sampling: the mean of the context vectors scored against candidates.

    Inputs ``contexts`` ``(batch, 2 * window)`` (0 = missing neighbour, masked) and
    ``candidates`` ``(batch, 1 + negatives)`` (the true middle word first); output the
    probabilities, as in :func:`build_sgns`. The word vectors are ``"word_embedding"``.
    """
    contexts = keras.Input(shape=(2 * window,), dtype="int32", name="contexts")
    candidates = keras.Input(shape=(1 + negatives,), dtype="int32", name="candidates")
    embedded = keras.layers.Embedding(vocab_size, dim, mask_zero=True, name="word_embedding")(contexts)
    mean = keras.layers.GlobalAveragePooling1D(name="context_mean")(embedded)
    target = keras.layers.Embedding(vocab_size, dim, name="context_embedding")(candidates)
    scores = keras.layers.Dot(axes=(1, 2), name="dot")([mean, target])
    probability = keras.layers.Activation("sigmoid", name="sigmoid")(scores)
    return keras.Model([contexts, candidates], probability, name="cbow_negative_sampling")


def build_cbow_softmax(vocab_size: int, dim: int, window: int) -> keras.Model:
    """CBOW in its textbook form: mean of the context vectors, then a softmax over the vocabulary.

    The second "table" is the ``Dense`` layer's kernel ``(dim, vocab_size)``; every step
    scores all ``vocab_size`` words, which is what negative sampling avoids.
    """
    contexts = keras.Input(shape=(2 * window,), dtype="int32", name="contexts")
    embedded = keras.layers.Embedding(vocab_size, dim, mask_zero=True, name="word_embedding")(contexts)
    mean = keras.layers.GlobalAveragePooling1D(name="context_mean")(embedded)
    probability = keras.layers.Dense(vocab_size, activation="softmax", name="softmax")(mean)
    return keras.Model(contexts, probability, name="cbow_softmax")


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Hyper-parameters shared by the Keras trainer and gensim, so both train the same way."""

    dim: int = 100
    window: int = 5
    negatives: int = 5
    min_count: int = 5
    sample: float = 1e-3
    epochs: int = 5
    batch_size: int = 4096
    learning_rate: float = 0.005
    seed: int = 42


@dataclass(frozen=True)
class TrainReport:
    """How a training run went.

    ``seconds`` of wall-clock time, corpus ``words`` seen (training tokens × epochs), training
    ``examples`` (pairs for SGNS, windows for CBOW; 0 when unknown, as for gensim) and the loss
    at the end of each epoch (empty when unknown).
    """

    seconds: float
    words: int
    examples: int
    losses: tuple[float, ...]

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds


def _check_kind(kind: str) -> None:
    if kind not in ("sgns", "cbow"):
        raise ValueError(f"kind는 'sgns' 또는 'cbow'여야 합니다 (받은 값: {kind!r}).")


def epoch_examples(
    kind: str, corpus: Corpus, keep_prob: np.ndarray, window: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """One epoch's shuffled examples: subsample, draw reduced windows, build pairs (or contexts).

    ``kind`` is ``"sgns"`` (returns centers, contexts) or ``"cbow"`` (returns contexts, targets).
    """
    _check_kind(kind)
    sampled = subsample(corpus, keep_prob, rng)
    examples = skipgram_pairs if kind == "sgns" else cbow_examples
    inputs, targets = examples(sampled, window, rng)
    order = rng.permutation(len(targets))
    return inputs[order], targets[order]


def negative_sampling_dataset(
    inputs: np.ndarray, targets: np.ndarray, table: np.ndarray, negatives: int, batch_size: int, seed: int
) -> tf.data.Dataset:
    """Batches ``((inputs, candidates), labels)`` with negatives drawn per batch inside tf.data.

    ``candidates`` is the target followed by ``negatives`` ids drawn from ``table`` with a
    stateless generator seeded by ``(seed, batch number)``, so an epoch is reproducible; a
    negative may occasionally equal the target, as in word2vec. ``labels`` is ``[1, 0, ..., 0]``.
    """
    table_tensor = tf.constant(table, dtype=tf.int32)

    def add_negatives(step: tf.Tensor, batch: tuple[tf.Tensor, tf.Tensor]) -> Any:
        x, positive = batch
        rows = tf.shape(positive)[0]
        where = tf.random.stateless_uniform(
            (rows, negatives), seed=tf.stack([tf.cast(seed, tf.int64), step]), maxval=len(table), dtype=tf.int32
        )
        candidates = tf.concat([positive[:, None], tf.gather(table_tensor, where)], axis=1)
        labels = tf.tile(tf.one_hot([0], 1 + negatives), (rows, 1))
        return (x, candidates), labels

    dataset = tf.data.Dataset.from_tensor_slices((inputs, targets)).batch(batch_size).enumerate()
    return dataset.map(add_negatives, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def train_keras(
    kind: str, corpus: Corpus, vocab: Vocabulary, settings: Settings, *, verbose: int = 2
) -> tuple[keras.Model, TrainReport]:
    """Build and train a Keras SGNS (``"sgns"``) or CBOW (``"cbow"``) model on ``corpus``.

    Each epoch draws fresh subsampling, reduced windows and negatives (NumPy generator and
    tf.data, both seeded by ``settings.seed``), then runs one ``fit`` epoch with Adam and
    binary cross-entropy. The report's time covers the example generation too.
    """
    _check_kind(kind)
    rng = np.random.default_rng(settings.seed)
    keep_prob = keep_probabilities(vocab.counts, settings.sample)
    table = negative_table(vocab.counts)
    if kind == "sgns":
        model = build_sgns(len(vocab), settings.dim, settings.negatives)
    else:
        model = build_cbow(len(vocab), settings.dim, settings.window, settings.negatives)
    model.compile(optimizer=keras.optimizers.Adam(settings.learning_rate), loss="binary_crossentropy")
    losses, examples = [], 0
    began = time.perf_counter()
    for epoch in range(settings.epochs):
        inputs, targets = epoch_examples(kind, corpus, keep_prob, settings.window, rng)
        dataset = negative_sampling_dataset(
            inputs, targets, table, settings.negatives, settings.batch_size, settings.seed * 1000 + epoch
        )
        if verbose:
            print(f"에포크 {epoch + 1}/{settings.epochs}: 학습 예 {len(targets):,}개")
        history = model.fit(dataset, epochs=1, shuffle=False, verbose=verbose)
        losses.append(float(history.history["loss"][-1]))
        examples += len(targets)
    seconds = time.perf_counter() - began
    return model, TrainReport(seconds, len(corpus) * settings.epochs, examples, tuple(losses))


def train_gensim(
    token_lists: Sequence[Sequence[str]], settings: Settings, *, sg: bool, workers: int = 2
) -> tuple[KeyedVectors, TrainReport]:
    """gensim ``Word2Vec`` with the same settings (negative sampling, no hierarchical softmax).

    ``sg=True`` is skip-gram, ``False`` CBOW (gensim's default mean of the context vectors).
    The time covers building the vocabulary and training; ``words`` counts the corpus
    tokens that are in the vocabulary, times the epochs, as for :func:`train_keras`.
    With several worker threads the result is not bit-for-bit reproducible.
    """
    from gensim.models import Word2Vec

    began = time.perf_counter()
    model = Word2Vec(
        sentences=token_lists, vector_size=settings.dim, window=settings.window, negative=settings.negatives,
        min_count=settings.min_count, sample=settings.sample, epochs=settings.epochs, sg=int(sg), hs=0,
        cbow_mean=1, workers=workers, seed=settings.seed,
    )
    seconds = time.perf_counter() - began
    words = sum(model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key) * settings.epochs
    return model.wv, TrainReport(seconds, int(words), 0, ())


# ---------------------------------------------------------------------------------------------
# Count-based baseline: PPMI + truncated SVD (Levy, Goldberg & Dagan, 2015)
# ---------------------------------------------------------------------------------------------


def cooccurrence(corpus: Corpus, vocab_size: int, window: int) -> sparse.csr_matrix:
    """``(vocab_size, vocab_size)`` counts of each (word, context) pair within a fixed ``window``.

    The same pairs as :func:`skipgram_pairs` without a reduced window, summed; the matrix is
    symmetric because every pair is also counted from the other side.
    """
    if len(corpus) and int(corpus.ids.max()) >= vocab_size:
        raise ValueError(f"말뭉치의 단어 번호({int(corpus.ids.max())})가 vocab_size({vocab_size}) 이상입니다. "
                         "vocab_size에 len(vocab)을 넘겨 주세요.")
    centers, contexts = skipgram_pairs(corpus, window)
    counts = sparse.coo_matrix((np.ones(len(centers)), (centers, contexts)), shape=(vocab_size, vocab_size))
    return counts.tocsr()                                    # repeated (row, column) entries are summed


def ppmi(counts: sparse.spmatrix, context_power: float = 0.75) -> sparse.csr_matrix:
    """Positive PMI, ``max(0, log P(w, c) / (P(w) · P_α(c)))``, of a co-occurrence count matrix.

    ``P_α(c) ∝ count(c)^α`` smooths the context distribution as word2vec's negative sampling does
    (``α = 0.75``), which lowers the PMI of pairs with rare contexts. ``P(w)`` and ``count(c)`` are
    the row and column sums of ``counts``. Unseen pairs (PMI = −∞) and negative PMI become 0, so
    only observed pairs can be stored; with ``α ≠ 1`` the result is not symmetric.
    """
    counts = sparse.csr_matrix(counts, dtype=np.float64)
    counts.eliminate_zeros()
    if counts.nnz == 0 or not np.all(np.isfinite(counts.data)) or counts.data.min() < 0:
        raise ValueError("동시 출현 행렬이 비었거나 음수·NaN·무한대 칸이 있습니다. w2v.cooccurrence로 만든 행렬을 넘겨 주세요.")
    total = counts.sum()
    row_share = np.asarray(counts.sum(axis=1)).ravel() / total
    smoothed = np.asarray(counts.sum(axis=0)).ravel() ** context_power
    context_share = smoothed / smoothed.sum()
    pair = counts.tocoo()
    pmi = np.log(pair.data / total / (row_share[pair.row] * context_share[pair.col]))
    positive = pmi > 0
    return sparse.csr_matrix((pmi[positive], (pair.row[positive], pair.col[positive])), shape=counts.shape)


def svd_vectors(matrix: sparse.spmatrix, dim: int, seed: int = 0) -> np.ndarray:
    """Word vectors ``U_d · √Σ_d`` from the rank-``dim`` truncated SVD of a word × context matrix.

    With ``matrix = ppmi(cooccurrence(corpus, len(vocab), window))`` this is the classic
    count-based baseline for word2vec: no training loop, one sparse matrix and one truncated SVD
    (``scipy.sparse.linalg.svds``, ARPACK; its start vector comes from ``seed``), columns ordered
    from the largest singular value. Rows 0 and 1 (padding, ``[UNK]``) never occur in an encoded
    corpus and come out as zeros.
    """
    from scipy.sparse.linalg import svds

    vocab_size = matrix.shape[0]
    if not 1 <= dim < vocab_size:
        raise ValueError(f"dim은 1 이상, 행렬의 행 수({vocab_size}) 미만이어야 합니다 (받은 값: {dim}).")
    u, sigma, _ = svds(matrix, k=dim, random_state=seed)
    order = np.argsort(-sigma)
    return u[:, order] * np.sqrt(sigma[order])


# ---------------------------------------------------------------------------------------------
# Vectors: gensim KeyedVectors, neighbours, evaluation
# ---------------------------------------------------------------------------------------------


def to_keyed_vectors(tokens: Sequence[str], matrix: np.ndarray) -> KeyedVectors:
    """gensim ``KeyedVectors`` holding ``matrix[i]`` for ``tokens[i]`` (special tokens skipped)."""
    from gensim.models import KeyedVectors

    matrix = np.asarray(matrix, dtype=np.float32)
    if len(tokens) != len(matrix):
        raise ValueError(f"토큰 {len(tokens)}개와 벡터 {len(matrix)}개의 수가 다릅니다.")
    keep = [i for i, token in enumerate(tokens) if token not in (PAD_TOKEN, OOV_TOKEN)]
    vectors = KeyedVectors(matrix.shape[1])
    vectors.add_vectors([tokens[i] for i in keep], matrix[keep])
    return vectors


def keyed_vectors(model: keras.Model, vocab: Vocabulary) -> KeyedVectors:
    """The word vectors of a model built here (its ``"word_embedding"`` table) as ``KeyedVectors``."""
    return to_keyed_vectors(vocab.tokens, model.get_layer("word_embedding").get_weights()[0])


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1; all-zero rows stay zero (their cosine with anything is 0)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def _unit_lookup(vectors: KeyedVectors, words: Iterable[str]) -> np.ndarray:
    """The vectors of ``words`` as float64 rows of length 1 (a zero vector stays zero)."""
    return _unit_rows(np.stack([vectors[w] for w in words]).astype(np.float64))


def cosine_scores(vectors: KeyedVectors, query: np.ndarray) -> np.ndarray:
    """Cosine similarity of ``query`` (a vector) with every word of ``vectors``, in index order."""
    query = np.asarray(query, dtype=np.float64)
    return _unit_rows(vectors.vectors.astype(np.float64)) @ (query / (np.linalg.norm(query) or 1.0))


def nearest(
    vectors: KeyedVectors, query: str | np.ndarray, k: int = 10, exclude: Iterable[str] = ()
) -> list[tuple[str, float]]:
    """The ``k`` words most cosine-similar to ``query`` (a word, itself excluded, or a vector)."""
    banned = set(exclude)
    if isinstance(query, str):
        banned.add(query)
        query = vectors[query]
    scores = cosine_scores(vectors, query)
    result = []
    for i in np.argsort(-scores, kind="stable"):
        word = vectors.index_to_key[i]
        if word not in banned:
            result.append((word, float(scores[i])))
            if len(result) == k:
                break
    return result


def solve_analogy(vectors: KeyedVectors, a: str, b: str, c: str) -> str:
    """3CosAdd: the word ``d`` (not a, b or c) maximising ``cos(d, b̂ - â + ĉ)`` for ``a : b :: c : d``."""
    unit_a, unit_b, unit_c = _unit_lookup(vectors, (a, b, c))
    return nearest(vectors, unit_b - unit_a + unit_c, k=1, exclude=(a, b, c))[0][0]


def load_eval_set(kind: str, lang: str | None = None) -> pd.DataFrame:
    """The course's evaluation items: ``kind`` ``"analogies"`` or ``"similarity"``, optionally one language.

    Analogies have columns ``lang, relation, a, b, c, d`` (a : b :: c : d); similarity pairs
    ``lang, word1, word2, score`` (0–10, written for this course; see ``course_utils/word_eval/README.md``).
    """
    if kind not in ("analogies", "similarity"):
        raise ValueError(f"kind는 'analogies' 또는 'similarity'입니다 (받은 값: {kind!r}).")
    source = io.StringIO((EVAL_DIR / f"{kind}.tsv").read_text(encoding="utf-8"))
    frame = pd.read_csv(source, sep="\t", dtype=str, keep_default_na=False, comment="#")
    if kind == "similarity":
        frame["score"] = frame["score"].astype(float)
    return frame if lang is None else frame[frame["lang"] == lang].reset_index(drop=True)


def _words(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("a", "b", "c", "d", "word1", "word2") if c in frame]


def covered(frame: pd.DataFrame, vectors: KeyedVectors) -> np.ndarray:
    """Boolean mask of the evaluation rows whose words all have a vector."""
    return frame[_words(frame)].map(lambda w: w in vectors.key_to_index).all(axis=1).to_numpy()


@dataclass(frozen=True)
class ItemScores:
    """Per-item results on the covered items of one language: what :func:`evaluate` summarises."""

    hits: np.ndarray        # analogy answered exactly (bool), one per covered analogy
    human: np.ndarray       # similarity score given by the course authors, one per covered pair
    cosine: np.ndarray      # cosine of the pair's two vectors
    analogy_total: int
    pair_total: int


def _analogy_hits(vectors: KeyedVectors, analogies: pd.DataFrame) -> np.ndarray:
    return np.array([solve_analogy(vectors, r.a, r.b, r.c) == r.d for r in analogies.itertuples()], dtype=bool)


def _pair_cosines(vectors: KeyedVectors, pairs: pd.DataFrame) -> np.ndarray:
    """Cosine of each word pair; a zero vector (a word PPMI+SVD never saw in a window) scores 0, not NaN."""
    return (_unit_lookup(vectors, pairs["word1"]) * _unit_lookup(vectors, pairs["word2"])).sum(axis=1)


def item_scores(vectors: KeyedVectors, lang: str) -> ItemScores:
    """Score every covered analogy (3CosAdd top-1) and similarity pair (cosine) of ``lang``."""
    analogies, pairs = load_eval_set("analogies", lang), load_eval_set("similarity", lang)
    a_ok, s_ok = covered(analogies, vectors), covered(pairs, vectors)
    hits, cosine = _analogy_hits(vectors, analogies[a_ok]), _pair_cosines(vectors, pairs[s_ok])
    return ItemScores(hits, pairs["score"][s_ok].to_numpy(dtype=float), cosine, len(analogies), len(pairs))


def _spearman(human: np.ndarray, cosine: np.ndarray) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(human, cosine).statistic) if len(human) > 2 else float("nan")


def _spearman_batch(human: np.ndarray, cosine: np.ndarray) -> np.ndarray:
    """Spearman ρ of each resampled row (NaN where a resample repeats too few distinct pairs)."""
    with warnings.catch_warnings():  # a resample can repeat one pair only: ρ undefined, left out
        warnings.simplefilter("ignore")
        return np.array([_spearman(h, c) for h, c in zip(human, cosine)])


def bootstrap_intervals(
    scores: ItemScores, *, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals of the analogy accuracy and the similarity Spearman ρ.

    Items (analogies, pairs) are resampled with replacement ``n_boot`` times, each set on its
    own (:func:`course_utils.stats.bootstrap_interval`, one random stream for both); the
    interval holds the central ``level`` share of the resampled statistics.
    """
    rng = np.random.default_rng(seed)
    result: dict[str, tuple[float, float]] = {}
    if len(scores.hits) > 1:
        interval = stats.bootstrap_interval(scores.hits, n_resamples=n_boot, level=level, seed=rng)
        result["유추 정확도"] = (interval.low, interval.high)
    if len(scores.human) > 2:
        interval = stats.bootstrap_interval(scores.human, scores.cosine, statistic=_spearman_batch,
                                            n_resamples=n_boot, level=level, seed=rng)
        result["유사도 스피어만"] = (interval.low, interval.high)
    return result


def paired_intervals(
    hits_a: np.ndarray, hits_b: np.ndarray, human: np.ndarray, cosine_a: np.ndarray, cosine_b: np.ndarray,
    *, n_boot: int = 1000, level: float = 0.95, seed: int = 0,
) -> dict[str, tuple[float, float, float]]:
    """Differences (a − b) of analogy accuracy and similarity ρ with paired percentile bootstrap intervals.

    Both models are scored on the same items, so each resample draws one set of items and
    scores both models on it (:mod:`course_utils.stats`): the interval is that of the difference,
    which is narrower than comparing two separate intervals when the models succeed and fail on
    the same items. Returns ``{"유추 정확도": (difference, lower, upper), "유사도 스피어만": (...)}``
    (a key is missing when there are no items for it).
    """
    if len(hits_a) != len(hits_b) or not len(human) == len(cosine_a) == len(cosine_b):
        raise ValueError("두 모델은 같은 문항으로 채점해야 합니다 (문항 수가 다릅니다).")
    rng = np.random.default_rng(seed)
    result: dict[str, tuple[float, float, float]] = {}
    if len(hits_a) > 1:
        result["유추 정확도"] = tuple(stats.paired_difference(hits_a, hits_b, n_resamples=n_boot, level=level, seed=rng))
    if len(human) > 2:

        def rho_difference(human: np.ndarray, cosine_a: np.ndarray, cosine_b: np.ndarray) -> np.ndarray:
            return _spearman_batch(human, cosine_a) - _spearman_batch(human, cosine_b)

        result["유사도 스피어만"] = tuple(stats.bootstrap_interval(human, cosine_a, cosine_b, statistic=rho_difference,
                                                              n_resamples=n_boot, level=level, seed=rng))
    return result


def paired_bootstrap(
    vectors_a: KeyedVectors, vectors_b: KeyedVectors, lang: str, *, n_boot: int = 1000, seed: int = 0
) -> dict[str, tuple[float, float, float]]:
    """Compare two sets of vectors on the ``lang`` items both cover: :func:`paired_intervals` of a − b.

    An interval that contains 0 does not separate the two; one entirely above 0 says ``a``
    scores higher on this evaluation set.
    """
    analogies, pairs = load_eval_set("analogies", lang), load_eval_set("similarity", lang)
    a_ok = covered(analogies, vectors_a) & covered(analogies, vectors_b)
    s_ok = covered(pairs, vectors_a) & covered(pairs, vectors_b)
    return paired_intervals(
        _analogy_hits(vectors_a, analogies[a_ok]), _analogy_hits(vectors_b, analogies[a_ok]),
        pairs["score"][s_ok].to_numpy(dtype=float),
        _pair_cosines(vectors_a, pairs[s_ok]), _pair_cosines(vectors_b, pairs[s_ok]),
        n_boot=n_boot, seed=seed,
    )


def evaluate(vectors: KeyedVectors, lang: str, *, n_boot: int = 0, seed: int = 0) -> dict[str, Any]:
    """Analogy top-1 accuracy and similarity Spearman ρ on the covered items, and the coverage.

    Accuracy is over the covered analogies (items with a missing word are not counted as
    wrong, but the coverage is reported beside it). Keys are the Korean column names of the
    notebook's tables: 유추 정확도, 유추 포함 (``"covered/total"``), 유사도 스피어만, 유사도 포함.
    With ``n_boot > 0`` the 95 % bootstrap intervals (:func:`bootstrap_intervals`) are added
    as 유추 하한, 유추 상한, 유사도 하한, 유사도 상한.
    """
    scores = item_scores(vectors, lang)
    result: dict[str, Any] = {
        "유추 정확도": float(np.mean(scores.hits)) if len(scores.hits) else float("nan"),
        "유추 포함": f"{len(scores.hits)}/{scores.analogy_total}",
        "유사도 스피어만": _spearman(scores.human, scores.cosine),
        "유사도 포함": f"{len(scores.human)}/{scores.pair_total}",
    }
    if n_boot > 0:
        intervals = bootstrap_intervals(scores, n_boot=n_boot, seed=seed)
        nan = (float("nan"), float("nan"))
        result["유추 하한"], result["유추 상한"] = intervals.get("유추 정확도", nan)
        result["유사도 하한"], result["유사도 상한"] = intervals.get("유사도 스피어만", nan)
    return result


# ---------------------------------------------------------------------------------------------
# Saving, loading and initialising an Embedding layer
# ---------------------------------------------------------------------------------------------


def save_vec(vectors: KeyedVectors, path: str | Path) -> Path:
    """Write vectors in the word2vec text format (``.vec``: a header line, then ``word v1 v2 ...``)."""
    bad = [w for w in vectors.index_to_key if not w or any(ch.isspace() for ch in w)]
    if bad:
        raise ValueError(f".vec 형식에는 공백이 든 토큰을 쓸 수 없습니다 (whitespace_free를 쓰세요): {bad[:5]}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    vectors.save_word2vec_format(str(path), binary=False)
    return path


def load_vec(path: str | Path) -> KeyedVectors:
    """Read a ``.vec`` text file written by :func:`save_vec` (or fastText / word2vec)."""
    from gensim.models import KeyedVectors

    return KeyedVectors.load_word2vec_format(str(path), binary=False)


def embedding_matrix(
    vectors: KeyedVectors, vocabulary: Vocabulary | Sequence[str], *, seed: int = 0
) -> tuple[np.ndarray, int]:
    """Initial weights for ``keras.layers.Embedding`` over ``vocabulary``, and how many rows were found.

    ``vocabulary`` is a :class:`~course_utils.text.Vocabulary` or a token list such as
    ``TextVectorization.get_vocabulary()`` (index = row). Row ``i`` is the vector of token
    ``i`` when it has one; the padding token ``""`` gets zeros; other tokens (``[UNK]``, words
    without a vector) get small random vectors with the spread of the known ones (seeded).
    Whitespace inside a token is read as ``_`` (see :func:`whitespace_free`).
    """
    tokens = vocabulary.tokens if isinstance(vocabulary, Vocabulary) else list(vocabulary)
    rng = np.random.default_rng(seed)
    scale = float(np.std(vectors.vectors)) if len(vectors) else 0.05
    matrix = rng.normal(0.0, scale, size=(len(tokens), vectors.vector_size)).astype(np.float32)
    found = 0
    for i, token in enumerate(tokens):
        key = whitespace_free(token)
        if token == PAD_TOKEN:
            matrix[i] = 0.0
        elif key in vectors.key_to_index:
            matrix[i] = vectors[key]
            found += 1
    return matrix, found
