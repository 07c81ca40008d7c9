"""Character-level language models of Korean headlines (notebook 08).

The reusable pieces of the notebook, each small and tested:

- **units**: a headline as syllables (its NFC characters) or as jamo (its NFD characters),
  with the round trip ``from_units(to_units(t, unit), unit) == normalize(t)``;
- **vocabulary**: :func:`build_vocabulary` on top of :class:`course_utils.text.Vocabulary`
  (0 padding, 1 ``[UNK]``), plus the end-of-headline mark :data:`END` (``"\\n"``);
- **datasets**: :func:`headline_arrays` (one padded row per headline, for masked training)
  and :func:`stream_blocks` (one continuous stream cut into blocks, for stateful training
  with truncated BPTT);
- **accounting**: bits per syllable, one definition for every model and unit
  (:func:`syllable_count`, :func:`bits_per_syllable`, :func:`unit_bits`, :func:`model_bits`),
  and the mixture of two models' probabilities (:func:`interpolated_bits`);
- **baseline**: :class:`NGramLM`, vectorised counts with interpolated Kneser–Ney or add-k;
- **generation**: :func:`sampling_distribution`, :func:`sample_next`, :func:`generate`;
- **diversity**: :func:`distinct_n`, :func:`copy_rate`.

Bits per syllable
-----------------
A headline of ``n`` NFC characters (spaces and punctuation included) is read as ``n + 1``
"syllables": its characters and the end mark, like a line of a text file with its newline.
A model's cost of a headline is the sum of ``-log2 p`` over every unit it predicts (for a jamo
model two or three jamo per Hangul syllable) plus the end mark, plus :data:`UNK_PENALTY_BITS`
for each unit outside the vocabulary; bits per syllable is the total cost over a set of
headlines divided by the total ``n + 1``. Perplexity per syllable is ``2 ** bits``.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from course_utils.text import Vocabulary

Unit = Literal["syllable", "jamo"]
UNITS: tuple[str, ...] = ("syllable", "jamo")

END = "\n"
"""The end-of-headline mark; it is also the first input of every headline (the start mark)."""

HANGUL_SYLLABLES = 11_172
"""Number of precomposed Hangul syllables, U+AC00..U+D7A3 (19 initials × 21 vowels × 28 finals)."""

UNK_PENALTY_BITS = math.log2(HANGUL_SYLLABLES)
"""Cost charged on top of ``-log2 p([UNK])`` for each unit outside the vocabulary.

Spelling the unknown character out uniformly among the Hangul syllables costs log2(11,172) ≈ 13.4
bits; charging it keeps a model from looking better merely by mapping rare characters to ``[UNK]``.
"""


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unit은 {' 또는 '.join(map(repr, UNITS))} 이어야 해요 (받은 값: {unit!r}).")


def normalize(text: str) -> str:
    """The canonical (NFC) form of ``text``: the form every count and model of the notebook uses.

    NFC also replaces CJK *compatibility* ideographs (U+F900..) by their unified twins, so
    ``normalize`` is the original text only when the text was already NFC.
    """
    if not isinstance(text, str):
        raise TypeError(f"텍스트는 str이어야 해요 (받은 형식: {type(text).__name__}).")
    return unicodedata.normalize("NFC", text)


def to_units(text: str, unit: Unit) -> list[str]:
    """Split ``text`` into syllables (NFC characters) or jamo (NFD characters)."""
    _check_unit(unit)
    form = "NFC" if unit == "syllable" else "NFD"
    return list(unicodedata.normalize(form, normalize(text)))


def from_units(units: Iterable[str], unit: Unit) -> str:
    """Join units back into NFC text (jamo recombine into syllables)."""
    _check_unit(unit)
    return unicodedata.normalize("NFC", "".join(units))


def syllable_count(texts: Iterable[str]) -> int:
    """Number of syllables of ``texts`` in the bits-per-syllable sense: NFC characters + 1 end mark each."""
    return sum(len(normalize(t)) + 1 for t in texts)


def build_vocabulary(texts: Iterable[str], unit: Unit, *, min_count: int = 2) -> Vocabulary:
    """Vocabulary of the units of ``texts`` (plus :data:`END`), keeping units seen ``min_count`` times.

    Rarer units become ``[UNK]`` (index 1), so that the model learns what an unknown unit costs.
    """
    texts = list(texts)
    vocab = Vocabulary.from_corpus(([*to_units(t, unit), END] for t in texts), min_count=min_count)
    if END not in vocab:
        raise ValueError("텍스트가 비어 있어요: 어휘를 만들 헤드라인이 없습니다.")
    return vocab


def encode(texts: Iterable[str], unit: Unit, vocab: Vocabulary) -> list[np.ndarray]:
    """Each text as an int32 array of unit ids (without start or end marks)."""
    return [np.asarray(vocab.encode(to_units(t, unit)), dtype=np.int32) for t in texts]


def decode(ids: Iterable[int], unit: Unit, vocab: Vocabulary) -> str:
    """Text of a sequence of ids; stops at the first end mark, drops padding.

    An id outside the vocabulary (e.g. a negative one) is a ``ValueError``, via :meth:`Vocabulary.decode`.
    """
    tokens = vocab.decode(ids)
    return from_units(tokens[: tokens.index(END)] if END in tokens else tokens, unit)


# --- datasets -----------------------------------------------------------------------------


def headline_arrays(sequences: Sequence[np.ndarray], end_id: int, maxlen: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Padded inputs and targets, one row per headline (teacher forcing, shifted by one).

    Input row ``[END, u1, ..., un]``, target row ``[u1, ..., un, END]``, both padded with 0 on the
    right to ``maxlen`` (default: the longest headline + 1). Longer headlines raise ``ValueError``
    (cutting them would silently drop their end mark). Target 0 marks padding: weight it 0 in the loss.
    """
    import keras

    longest = max((len(s) for s in sequences), default=0) + 1
    maxlen = longest if maxlen is None else maxlen
    if longest > maxlen:
        raise ValueError(f"maxlen={maxlen}보다 긴 헤드라인이 있어요 (끝 표시 포함 {longest}). maxlen을 늘리세요.")
    inputs = [np.concatenate([[end_id], s]) for s in sequences]
    targets = [np.concatenate([s, [end_id]]) for s in sequences]
    pad = {"maxlen": maxlen, "padding": "post", "value": 0, "dtype": "int32"}
    return keras.utils.pad_sequences(inputs, **pad), keras.utils.pad_sequences(targets, **pad)


def stream_blocks(
    sequences: Sequence[np.ndarray], end_id: int, *, batch_size: int, block: int
) -> tuple[np.ndarray, np.ndarray]:
    """One continuous stream ``END h1 END h2 END ...`` as blocks for a stateful RNN.

    The stream is split into ``batch_size`` contiguous parallel streams (row ``b`` of every block
    continues row ``b`` of the previous block), each cut into blocks of ``block`` steps. Returns
    ``(inputs, targets)`` of shape ``(n_blocks, batch_size, block)``; targets are inputs shifted
    by one. The tail that does not fill a whole block is dropped.
    """
    if batch_size < 1 or block < 1:
        raise ValueError(f"batch_size와 block은 1 이상이어야 해요 (받은 값: {batch_size}, {block}).")
    stream = np.concatenate([np.array([end_id], np.int32)] + [np.append(s, end_id).astype(np.int32) for s in sequences])
    steps = (len(stream) - 1) // batch_size // block * block
    if steps == 0:
        raise ValueError(f"스트림({len(stream)}개 단위)이 batch_size × block = {batch_size * block}보다 짧아요.")
    rows = (len(stream) - 1) // batch_size
    x = stream[:-1][: batch_size * rows].reshape(batch_size, rows)[:, :steps]
    y = stream[1:][: batch_size * rows].reshape(batch_size, rows)[:, :steps]
    shape = (batch_size, steps // block, block)
    return x.reshape(shape).transpose(1, 0, 2), y.reshape(shape).transpose(1, 0, 2)


# --- accounting -----------------------------------------------------------------------------


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Natural-log probabilities of ``logits`` along the last axis (numerically stable, keeps float32)."""
    logits = np.asarray(logits)
    logits = logits if logits.dtype in (np.float32, np.float64) else logits.astype(np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def unit_bits(
    logits_fn: Callable[[np.ndarray], object],
    sequences: Sequence[np.ndarray],
    vocab: Vocabulary,
    *,
    batch_size: int = 256,
) -> np.ndarray:
    """Cost in bits of every unit a model predicts, headline after headline (its units, then its end mark).

    ``logits_fn`` maps inputs ``(n, t)`` to logits ``(n, t, V)``; every headline starts from the
    model's initial state with the start mark as input. Each cost is ``-log2 p`` plus
    :data:`UNK_PENALTY_BITS` for an ``[UNK]``. The order is that of :meth:`NGramLM.unit_bits`, so
    two models' costs of the same headlines line up unit by unit (see :func:`interpolated_bits`).
    """
    end_id, unk_id = vocab.index(END), vocab.index("[UNK]")
    x, y = headline_arrays(sequences, end_id)
    costs = []
    for start in range(0, len(x), batch_size):
        xb, yb = x[start : start + batch_size], y[start : start + batch_size]
        logp = log_softmax(np.asarray(logits_fn(xb)))
        picked = np.take_along_axis(logp, yb[..., None], axis=-1)[..., 0]
        cost = -picked / np.log(2) + UNK_PENALTY_BITS * (yb == unk_id)
        costs.append(cost[yb != 0])  # row by row: the real units of each headline, in order
    return np.concatenate(costs).astype(np.float64) if costs else np.zeros(0)


def per_headline(costs: np.ndarray, sequences: Sequence[np.ndarray]) -> np.ndarray:
    """Sum unit costs (as :func:`unit_bits` orders them) into one cost per headline of ``sequences``."""
    sizes = [len(s) + 1 for s in sequences]
    if len(costs) != sum(sizes):
        raise ValueError(f"단위 비용 {len(costs)}개와 헤드라인의 단위 수 합 {sum(sizes)}이 달라요. "
                         "같은 헤드라인, 같은 단위로 계산한 비용인지 확인하세요.")
    return np.add.reduceat(costs, np.cumsum([0] + sizes)[:-1]) if sizes else np.zeros(0)


def model_bits(
    logits_fn: Callable[[np.ndarray], object],
    sequences: Sequence[np.ndarray],
    vocab: Vocabulary,
    *,
    batch_size: int = 256,
) -> np.ndarray:
    """Cost in bits of each headline: the sum of its :func:`unit_bits` (units, end mark, ``[UNK]`` penalty)."""
    return per_headline(unit_bits(logits_fn, sequences, vocab, batch_size=batch_size), sequences)


def interpolated_bits(bits_a: np.ndarray, bits_b: np.ndarray, weight: float) -> np.ndarray:
    """Unit costs of the mixture ``weight · p_a + (1 − weight) · p_b`` of two models' probabilities.

    ``bits_a`` and ``bits_b`` are aligned unit costs of the same units (:func:`unit_bits`,
    :meth:`NGramLM.unit_bits`); the result is ``-log2(weight · 2^-a + (1 − weight) · 2^-b)``,
    computed in the log domain. A shared ``[UNK]`` penalty passes through unchanged.
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight는 0과 1 사이여야 해요 (받은 값: {weight}).")
    a, b = np.asarray(bits_a, dtype=np.float64), np.asarray(bits_b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"두 모델의 단위 비용 모양이 달라요: {a.shape} vs {b.shape}. 같은 헤드라인을 같은 단위로 평가하세요.")
    if weight in (0.0, 1.0):
        return (a if weight == 1.0 else b).copy()
    return -np.logaddexp2(np.log2(weight) - a, np.log2(1.0 - weight) - b)


def bits_per_syllable(total_bits: float, texts: Iterable[str]) -> float:
    """Total cost in bits over ``texts`` divided by :func:`syllable_count` of ``texts``."""
    count = syllable_count(texts)
    if count == 0:
        raise ValueError("헤드라인이 없어요: 글자 수가 0이라 나눌 수 없습니다.")
    return float(total_bits) / count


def perplexity(bits: float) -> float:
    """Perplexity per syllable, ``2 ** bits_per_syllable``."""
    return float(2.0**bits)


# --- n-gram baseline -------------------------------------------------------------------------


@dataclass
class _Level:
    """Counts of one context length: sorted keys ``context_id * V + unit`` and their counts."""

    context_keys: np.ndarray      # sorted keys (parent_id * V + unit) of the contexts of this length
    pair_keys: np.ndarray         # sorted keys context_id * V + next_unit
    pair_counts: np.ndarray       # raw counts (highest order) or continuation counts (lower orders)
    context_total: np.ndarray     # sum of pair counts per context id
    context_types: np.ndarray     # number of distinct next units per context id


@dataclass
class NGramLM:
    """A count-based n-gram model over unit ids, with vectorised counts.

    ``smoothing="kn"``: interpolated Kneser–Ney with one absolute ``discount`` in (0, 1] for every
    order, continuation counts below the highest order and a uniform distribution at the bottom.
    ``smoothing="add-k"``: ``(c(h, w) + k) / (c(h) + k·V)`` at the highest order only.
    Each headline is padded on the left with ``order - 1`` end marks, like the RNN's start mark.
    """

    order: int
    vocab_size: int
    smoothing: Literal["kn", "add-k"] = "kn"
    discount: float = 0.75
    k: float = 0.1
    _levels: list[_Level] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.order < 1:
            raise ValueError(f"order는 1 이상이어야 해요 (받은 값: {self.order}).")
        if self.smoothing not in ("kn", "add-k"):
            raise ValueError(f"smoothing은 'kn' 또는 'add-k'여야 해요 (받은 값: {self.smoothing!r}).")
        if self.smoothing == "kn" and not 0 < self.discount <= 1:
            raise ValueError(f"Kneser–Ney의 discount는 0보다 크고 1 이하여야 해요 (받은 값: {self.discount}).")
        if self.smoothing == "add-k" and self.k <= 0:
            raise ValueError(f"add-k의 k는 양수여야 해요 (받은 값: {self.k}).")

    def _windows(self, sequences: Sequence[np.ndarray], end_id: int) -> tuple[np.ndarray, np.ndarray]:
        """Contexts ``(N, order - 1)`` (oldest first) and next units ``(N,)`` of every position."""
        width = self.order - 1
        contexts, targets = [], []
        for s in sequences:
            padded = np.concatenate([np.full(width, end_id), s, [end_id]]).astype(np.int64)
            target = padded[width:]
            targets.append(target)
            if width:
                contexts.append(np.lib.stride_tricks.sliding_window_view(padded[:-1], width))
        context = np.concatenate(contexts) if width else np.zeros((sum(len(t) for t in targets), 0), np.int64)
        return context, np.concatenate(targets)

    def _context_ids(self, context: np.ndarray, length: int) -> np.ndarray:
        """Ids of the last ``length`` units of each context (-1 where unseen in training)."""
        ids = np.zeros(len(context), np.int64)
        for j in range(1, length + 1):
            keys = ids * self.vocab_size + context[:, -j]
            level = self._levels[j]
            found = np.searchsorted(level.context_keys, keys).clip(max=len(level.context_keys) - 1)
            ids = np.where((ids >= 0) & (level.context_keys[found] == keys), found, -1)
        return ids

    def fit(self, sequences: Sequence[np.ndarray], end_id: int) -> NGramLM:
        """Count every n-gram of ``sequences`` (arrays of unit ids) up to :attr:`order`."""
        V = self.vocab_size
        context, target = self._windows(sequences, end_id)
        # context ids level by level: id_j = rank of (id_{j-1}, j-th unit back)
        ids = [np.zeros(len(target), np.int64)]
        context_keys = [np.zeros(1, np.int64)]
        for j in range(1, self.order):
            keys, inverse = np.unique(ids[-1] * V + context[:, -j], return_inverse=True)
            context_keys.append(keys)
            ids.append(inverse.ravel())
        self._levels = []
        for j in range(self.order):
            if j == self.order - 1 or self.smoothing == "add-k":
                pairs, counts = np.unique(ids[j] * V + target, return_counts=True)
            else:  # continuation counts: distinct one-unit-longer contexts that end in (h, w)
                longer = np.unique(ids[j + 1] * V + target)
                parent = context_keys[j + 1][longer // V] // V
                pairs, counts = np.unique(parent * V + longer % V, return_counts=True)
            n_contexts = len(context_keys[j])
            total = np.bincount(pairs // V, weights=counts, minlength=n_contexts)
            types = np.bincount(pairs // V, minlength=n_contexts)
            self._levels.append(_Level(context_keys[j], pairs, counts.astype(np.float64), total, types.astype(np.float64)))
        return self

    def _pair_counts(self, level: _Level, ids: np.ndarray, target: np.ndarray) -> np.ndarray:
        keys = ids * self.vocab_size + target
        found = np.searchsorted(level.pair_keys, keys).clip(max=len(level.pair_keys) - 1)
        return np.where((ids >= 0) & (level.pair_keys[found] == keys), level.pair_counts[found], 0.0)

    def _probabilities(self, context: np.ndarray, target: np.ndarray) -> np.ndarray:
        if not self._levels:
            raise RuntimeError("먼저 fit(...)으로 n-gram을 세어야 해요.")
        V, top = self.vocab_size, self.order - 1
        if self.smoothing == "add-k":
            ids = self._context_ids(context, top)
            level = self._levels[top]
            total = np.where(ids >= 0, level.context_total[ids.clip(min=0)], 0.0)
            return (self._pair_counts(level, ids, target) + self.k) / (total + self.k * V)
        prob = np.full(len(target), 1.0 / V)
        for j in range(self.order):
            level = self._levels[j]
            ids = self._context_ids(context, j)
            seen = ids >= 0
            safe = ids.clip(min=0)
            total = np.where(seen, level.context_total[safe], 0.0)
            types = np.where(seen, level.context_types[safe], 0.0)
            count = self._pair_counts(level, ids, target)
            mixed = (np.maximum(count - self.discount, 0.0) + self.discount * types * prob) / np.maximum(total, 1.0)
            prob = np.where(total > 0, mixed, prob)
        return prob

    def next_distribution(self, context: Sequence[int], end_id: int) -> np.ndarray:
        """``p(w | context)`` for every unit ``w`` of the vocabulary (padded with end marks on the left)."""
        width = self.order - 1
        padded = np.concatenate([np.full(width, end_id), np.asarray(context, np.int64)])
        last = padded[len(padded) - width :].astype(np.int64)
        rows = np.repeat(last[None, :], self.vocab_size, axis=0)
        return self._probabilities(rows, np.arange(self.vocab_size))

    def unit_bits(self, sequences: Sequence[np.ndarray], vocab: Vocabulary) -> np.ndarray:
        """Cost in bits of every unit, headline after headline (units and end mark, plus the ``[UNK]`` penalty)."""
        end_id, unk_id = vocab.index(END), vocab.index("[UNK]")
        context, target = self._windows(sequences, end_id)
        return -np.log2(self._probabilities(context, target)) + UNK_PENALTY_BITS * (target == unk_id)

    def headline_bits(self, sequences: Sequence[np.ndarray], vocab: Vocabulary) -> np.ndarray:
        """Cost in bits of each headline: the sum of its :meth:`unit_bits`."""
        return per_headline(self.unit_bits(sequences, vocab), sequences)


# --- generation ------------------------------------------------------------------------------


def sampling_distribution(logits: np.ndarray, temperature: float = 1.0, top_k: int | None = None) -> np.ndarray:
    """The distribution a sampler draws from: ``softmax(logits / temperature)`` over the ``top_k`` largest.

    ``temperature=0`` is greedy decoding: all the mass on the largest logit (the first on ties).
    Works on the last axis, so ``logits`` may be one vector or a batch.
    """
    logits = np.asarray(logits, dtype=np.float64)
    if temperature < 0:
        raise ValueError(f"temperature는 0 이상이어야 해요 (받은 값: {temperature}).")
    if top_k is not None and not 1 <= top_k:
        raise ValueError(f"top_k는 1 이상이어야 해요 (받은 값: {top_k}).")
    if temperature == 0:
        return np.eye(logits.shape[-1])[logits.argmax(axis=-1)]
    scaled = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = np.sort(scaled, axis=-1)[..., -top_k, None]
        scaled = np.where(scaled >= kth, scaled, -np.inf)
    return np.exp(log_softmax(scaled))


def sample_next(
    logits: np.ndarray, rng: np.random.Generator, temperature: float = 1.0, top_k: int | None = None
) -> np.ndarray:
    """One unit id per row of ``logits`` ``(n, V)``, drawn from :func:`sampling_distribution`."""
    probs = sampling_distribution(np.atleast_2d(logits), temperature, top_k)
    cumulative = probs.cumsum(axis=-1)
    draws = rng.random((len(probs), 1)) * cumulative[:, -1:]
    return (cumulative <= draws).sum(axis=-1).clip(max=probs.shape[-1] - 1)


def generate(
    next_logits: Callable[[np.ndarray], np.ndarray],
    n: int,
    vocab: Vocabulary,
    *,
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    max_len: int = 60,
) -> list[np.ndarray]:
    """Sample ``n`` sequences of unit ids, feeding each prediction back as the next input.

    ``next_logits(prefix)`` maps the inputs so far ``(n, t)`` (starting with the start mark) to the
    logits of the next unit ``(n, V)``. It is called once per step with a prefix one column longer
    than before, so it may keep a recurrent state and read only the last column. Padding and
    ``[UNK]`` are never sampled. A sequence ends at its first end mark (not included) or after
    ``max_len`` units.
    """
    end_id = vocab.index(END)
    prefix = np.full((n, 1), end_id, np.int32)
    done = np.zeros(n, bool)
    for _ in range(max_len):
        logits = np.array(next_logits(prefix), dtype=np.float64)
        logits[:, :2] = -np.inf                          # padding (0) and [UNK] (1)
        step = np.where(done, end_id, sample_next(logits, rng, temperature, top_k))
        prefix = np.concatenate([prefix, step[:, None].astype(np.int32)], axis=1)
        done |= step == end_id
        if done.all():
            break
    out = []
    for row in prefix[:, 1:]:
        stops = np.flatnonzero(row == end_id)
        out.append(row[: stops[0]] if len(stops) else row)
    return out


# --- diversity and copying -------------------------------------------------------------------


def distinct_n(texts: Iterable[str], n: int = 2) -> float:
    """Share of distinct character n-grams among all character n-grams of ``texts`` (0 if none)."""
    if n < 1:
        raise ValueError(f"n은 1 이상이어야 해요 (받은 값: {n}).")
    grams: Counter[str] = Counter(t[i : i + n] for t in map(normalize, texts) for i in range(len(t) - n + 1))
    total = sum(grams.values())
    return len(grams) / total if total else 0.0


def copy_rate(samples: Iterable[str], training_texts: Iterable[str]) -> float:
    """Share of ``samples`` that are, verbatim (after NFC), a training headline."""
    seen = {normalize(t) for t in training_texts}
    samples = [normalize(s) for s in samples]
    if not samples:
        raise ValueError("생성한 헤드라인이 없어요.")
    return sum(s in seen for s in samples) / len(samples)
