"""IMDB reviews as Keras' ``imdb.load_data`` arrays, built from the raw reviews.

Keras' ``imdb.npz`` cannot be fetched offline, so the same arrays are built here from the
Large Movie Review Dataset, once, and cached. The conventions are Keras':

- words are ranked by their frequency in the **training** reviews (rank 1 = most frequent,
  ties broken alphabetically so the ranking is reproducible);
- a review becomes ``[start_char] + [rank + index_from for each word]``;
- with ``num_words``, ranks at or above the cut become ``oov_char``;
- words that never occur in the training reviews are skipped (Keras does the same);
- with ``maxlen``, sequences **longer than or equal to** ``maxlen`` are dropped (not cut:
  that is ``keras.utils.pad_sequences``' job);
- train and test are shuffled with ``numpy.random.RandomState(seed)``, train first.

Tokenisation (documented because it decides the vocabulary): lower-case, ``<br />`` → space,
then words are runs of letters/digits with inner apostrophes (``don't`` is one word).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils.data import store

ENCODING_VERSION = "v1"
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_BREAK_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)


def tokenize(text: str) -> list[str]:
    """Split a review into lower-case words, the way the cached arrays were built."""
    return _WORD_RE.findall(_BREAK_RE.sub(" ", text).lower())


def read_reviews(root: Path, split: str) -> pd.DataFrame:
    """Read ``root/split/{neg,pos}/ID_RATING.txt`` into a frame ordered by label, then id.

    Columns: ``id`` (int), ``rating`` (1-10), ``label`` (0 negative, 1 positive), ``text``.
    """
    rows = []
    for label, folder in enumerate(("neg", "pos")):
        for entry in os.scandir(root / split / folder):
            stem = entry.name.removesuffix(".txt")
            review_id, rating = stem.split("_")
            with open(entry.path, encoding="utf-8") as handle:
                rows.append((int(review_id), int(rating), label, handle.read()))
    frame = pd.DataFrame(rows, columns=["id", "rating", "label", "text"])
    return frame.sort_values(["label", "id"], ignore_index=True)


def build_word_index(texts: Iterable[str]) -> dict[str, int]:
    """Rank words by frequency (1 = most frequent; ties alphabetical)."""
    counts = Counter(word for text in texts for word in tokenize(text))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {word: rank for rank, (word, _) in enumerate(ordered, start=1)}


def encode(texts: Iterable[str], word_index: dict[str, int]) -> list[list[int]]:
    """Map each text to word ranks, skipping words that are not in ``word_index``."""
    return [[word_index[w] for w in tokenize(t) if w in word_index] for t in texts]


def _pack(sequences: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    flat = np.fromiter((w for s in sequences for w in s), dtype=np.int32, count=int(offsets[-1]))
    return flat, offsets


def _unpack(flat: np.ndarray, offsets: np.ndarray) -> list[np.ndarray]:
    return np.split(flat, offsets[1:-1])


def _cache_paths(cache: Path) -> tuple[Path, Path]:
    folder = cache / "derived"
    return folder / f"imdb_encoded_{ENCODING_VERSION}.npz", folder / f"imdb_word_index_{ENCODING_VERSION}.json"


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def encoded_arrays(root: Path, cache: Path) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Return the encoded reviews (unshuffled) and the word index, building the cache once."""
    arrays_path, index_path = _cache_paths(cache)
    if arrays_path.is_file() and index_path.is_file():
        with np.load(arrays_path) as npz:
            arrays = {key: npz[key] for key in npz.files}
        return arrays, json.loads(index_path.read_text(encoding="utf-8"))
    train, test = read_reviews(root, "train"), read_reviews(root, "test")
    word_index = build_word_index(train["text"])
    arrays = {}
    for split, frame in (("train", train), ("test", test)):
        flat, offsets = _pack(encode(frame["text"], word_index))
        arrays |= {f"{split}_flat": flat, f"{split}_offsets": offsets,
                   f"{split}_labels": frame["label"].to_numpy(np.int64)}
    _atomic_write(arrays_path, lambda p: np.savez(open(p, "wb"), **arrays))
    _atomic_write(index_path, lambda p: p.write_text(json.dumps(word_index), encoding="utf-8"))
    return arrays, word_index


def keras_arrays(
    arrays: dict[str, np.ndarray],
    *,
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Apply ``keras.datasets.imdb.load_data``'s conventions to encoded (unshuffled) arrays."""
    rng = np.random.RandomState(seed)
    splits = []
    for split in ("train", "test"):
        seqs = _unpack(arrays[f"{split}_flat"], arrays[f"{split}_offsets"])
        labels = arrays[f"{split}_labels"]
        order = np.arange(len(seqs))
        rng.shuffle(order)
        seqs = [seqs[i].astype(np.int64) + index_from for i in order]
        labels = labels[order]
        if start_char is not None:
            seqs = [np.concatenate([[start_char], s]) for s in seqs]
        if maxlen:
            keep = [i for i, s in enumerate(seqs) if len(s) < maxlen]
            seqs, labels = [seqs[i] for i in keep], labels[keep]
        splits.append((seqs, labels))
    if maxlen and not (splits[0][0] and splits[1][0]):
        raise ValueError(f"maxlen={maxlen} 보다 짧은 리뷰가 하나도 없습니다. maxlen을 늘리세요.")
    if not num_words:
        num_words = max(int(s.max()) for seqs, _ in splits for s in seqs if len(s))
    result = []
    for seqs, labels in splits:
        out = []
        for s in seqs:
            inside = (s >= skip_top) & (s < num_words)
            out.append((np.where(inside, s, oov_char) if oov_char is not None else s[inside]).tolist())
        x = np.empty(len(out), dtype=object)
        x[:] = out
        result.append((x, labels))
    return result[0], result[1]


def load_imdb(
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Drop-in replacement for ``keras.datasets.imdb.load_data`` that works offline.

    Returns ``(x_train, y_train), (x_test, y_test)``: ``x_*`` are object arrays of Python
    lists of word ids, ``y_*`` are 0/1 integer arrays. Same arguments and conventions as
    Keras (see the module docstring). The first call reads the 50,000 raw reviews and caches
    the encoded arrays in ``COURSE_DATA_HOME/derived`` (about 10 s); later calls are fast.

    >>> (x_train, y_train), (x_test, y_test) = load_imdb(num_words=10_000)  # doctest: +SKIP
    """
    arrays, _ = encoded_arrays(store.locate("imdb"), store.cache_dir())
    return keras_arrays(
        arrays, num_words=num_words, skip_top=skip_top, maxlen=maxlen, seed=seed,
        start_char=start_char, oov_char=oov_char, index_from=index_from,
    )


def imdb_word_index() -> dict[str, int]:
    """Word → frequency rank (1-based), like ``keras.datasets.imdb.get_word_index()``.

    Add ``index_from`` (3) to a rank to get the id used in :func:`load_imdb`'s arrays.
    """
    return encoded_arrays(store.locate("imdb"), store.cache_dir())[1]


def load_imdb_texts(split: str = "train") -> pd.DataFrame:
    """The raw reviews of ``split`` ('train' or 'test') as a frame.

    Columns ``id``, ``rating`` (1-10), ``label`` (0 negative, 1 positive) and ``text``
    (with the original ``<br />`` tags, so cleaning can be taught on it), ordered by label
    then id.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split은 'train' 또는 'test' 여야 합니다 (받은 값: {split!r}).")
    return read_reviews(store.locate("imdb"), split)
