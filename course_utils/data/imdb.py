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

:func:`imdb_index_to_word` and :func:`decode_review` turn the arrays' ids back into words.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils.data import store
from course_utils.data.manifest import Manifest, manifest_identity

ENCODING_VERSION = "v1"
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_BREAK_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)


def tokenize(text: str) -> list[str]:
    """Split a review into lower-case words, the way the cached arrays were built."""
    return _WORD_RE.findall(_BREAK_RE.sub(" ", text).lower())


_REVIEW_NAME_RE = re.compile(r"^(\d+)_(\d+)\.txt$")


def _review_files(root: Path, split: str, folder: str, manifest: Manifest | None) -> list[str]:
    """Relative paths of the reviews of ``root/split/folder``: the manifest's, or the folder's."""
    prefix = f"{split}/{folder}/"
    if manifest is not None:
        return [rel for rel in manifest if rel.startswith(prefix)]
    try:
        names = sorted(entry.name for entry in os.scandir(root / prefix))
    except OSError as exc:
        raise store.DataIntegrityError(
            f"IMDB 리뷰 폴더를 읽지 못했습니다: {root / prefix} ({type(exc).__name__}: {exc})\n"
            f"  해결: '{root}' 가 aclImdb 폴더(train/pos, train/neg, test/pos, test/neg)를 가리키는지 확인하세요."
        ) from None
    odd = [n for n in names if not n.startswith(".") and not _REVIEW_NAME_RE.match(n)]
    if odd:
        raise store.DataIntegrityError(
            f"IMDB 리뷰 파일 이름은 'ID_평점.txt' 이어야 합니다: {root / prefix / odd[0]}\n"
            f"  해결: 이 파일을 리뷰 폴더 밖으로 옮기세요 (숨김 파일 '.*' 은 무시합니다)."
        )
    return [prefix + n for n in names if _REVIEW_NAME_RE.match(n)]


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise store.DataIntegrityError(
            f"UTF-8이 아닌 리뷰 파일입니다: {path} ({exc.start}번째 바이트)\n"
            f"  해결: 파일을 원본으로 바꾸거나 리뷰 폴더 밖으로 옮기세요."
        ) from None


def read_reviews(root: Path, split: str, manifest: Manifest | None = None) -> pd.DataFrame:
    """Read ``root/split/{neg,pos}/ID_RATING.txt`` into a frame ordered by label, then id.

    Columns: ``id`` (int), ``rating`` (1-10), ``label`` (0 negative, 1 positive), ``text``.
    With a ``manifest`` (the pinned dataset's, see :func:`store.manifest_of`) exactly its files
    are read and each is checked against its hash; without one, every ``ID_RATING.txt`` of the
    folders is read (hidden files such as ``.DS_Store`` are skipped). A corrupted file, invalid
    UTF-8 or an odd file name raises :class:`~course_utils.data.store.DataIntegrityError`
    naming the file and the fix.
    """
    rows = []
    for label, folder in enumerate(("neg", "pos")):
        for relative in _review_files(root, split, folder, manifest):
            path = root / relative
            if manifest is not None:
                data = store.read_verified(root, relative, manifest)
            else:
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise store.DataIntegrityError(f"리뷰 파일을 읽지 못했습니다: {path} ({exc})") from None
            review_id, rating = _REVIEW_NAME_RE.match(path.name).groups()
            rows.append((int(review_id), int(rating), label, _decode(path, data)))
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


def source_identity(root: Path, manifest: Manifest | None) -> str:
    """What the derived arrays are keyed on: the pinned content, or the folder's file listing.

    With a manifest every file read is verified, so the content (hence the identity) is the
    manifest's whatever folder it comes from. Without one, the identity hashes the folder path
    and each review file's name, size and modification time.
    """
    if manifest is not None:
        return "pinned-" + manifest_identity(manifest)
    listing = [str(root.resolve())]
    for split in ("train", "test"):
        for folder in ("neg", "pos"):
            for relative in _review_files(root, split, folder, None):
                info = os.stat(root / relative)
                listing.append(f"{relative}:{info.st_size}:{info.st_mtime_ns}")
    return "files-" + hashlib.sha256("\n".join(listing).encode("utf-8")).hexdigest()[:16]


def derived_path(cache: Path, identity: str) -> Path:
    """The file holding the encoded arrays and word index built from the source ``identity``."""
    return cache / "derived" / f"imdb_encoded_{ENCODING_VERSION}_{identity}.npz"


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{store.TEMP_PREFIX}{path.name}.")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _save(path: Path, arrays: dict[str, np.ndarray]) -> None:
    with open(path, "wb") as handle:  # np.savez(path) would append '.npz' to the temporary name
        np.savez(handle, **arrays)


def _load(path: Path) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Read a derived file; any problem (truncated, not a zip, missing key...) raises."""
    with np.load(path) as npz:
        arrays = {key: npz[key] for key in npz.files}
    word_index = json.loads(arrays.pop("word_index").tobytes().decode("utf-8"))
    expected = {f"{split}_{part}" for split in ("train", "test") for part in ("flat", "offsets", "labels")}
    if set(arrays) != expected or not isinstance(word_index, dict):
        raise ValueError(f"{path}: 파생 IMDB 배열 파일의 내용이 예상과 다릅니다 (들어 있는 배열: {sorted(arrays)}). "
                         f"이 파일을 지우면 원본 리뷰에서 다시 만듭니다.")
    return arrays, word_index


_READ_ERRORS = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error, UnicodeDecodeError)


def _build(root: Path, manifest: Manifest | None) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    train, test = read_reviews(root, "train", manifest), read_reviews(root, "test", manifest)
    word_index = build_word_index(train["text"])
    arrays = {}
    for split, frame in (("train", train), ("test", test)):
        flat, offsets = _pack(encode(frame["text"], word_index))
        arrays |= {f"{split}_flat": flat, f"{split}_offsets": offsets,
                   f"{split}_labels": frame["label"].to_numpy(np.int64)}
    return arrays, word_index


def encoded_arrays(
    root: Path, cache: Path, manifest: Manifest | None = None
) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Return the encoded reviews (unshuffled) and the word index, building the cache once.

    The cached file is keyed on :func:`source_identity`, so arrays built from one source are
    never reused for another; a cached file that cannot be read is rebuilt. If the cache
    cannot be written, the arrays are built in memory and a warning names the folder.
    """
    path = derived_path(cache, source_identity(root, manifest))
    try:
        return _load(path)
    except FileNotFoundError:
        pass
    except _READ_ERRORS as exc:
        warnings.warn(f"캐시된 IMDB 배열을 읽지 못해 다시 만듭니다: {path} ({type(exc).__name__})",
                      store.DataWarning, stacklevel=2)
    problem: Exception | None = None
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(store.cache_lock("imdb-derived", cache))
        except store.CacheError as exc:
            problem = exc
        else:
            with contextlib.suppress(*_READ_ERRORS):
                return _load(path)  # another process built it while we waited
            store.remove_stale_temp(path.parent, f"{store.TEMP_PREFIX}{path.name}.")  # a killed build's
        arrays, word_index = _build(root, manifest)
        if problem is None:
            index_bytes = np.frombuffer(json.dumps(word_index).encode("utf-8"), dtype=np.uint8)
            try:
                _atomic_write(path, lambda p: _save(p, {**arrays, "word_index": index_bytes}))
            except OSError as exc:
                problem = exc
    if problem is not None:
        warnings.warn(f"IMDB 배열을 캐시({path.parent})에 저장하지 못해 이번에는 메모리에서만 씁니다.\n"
                      f"  해결: 환경 변수 {store.HOME_ENV}를 쓸 수 있는 폴더로 지정하세요. ({problem})",
                      store.DataWarning, stacklevel=2)
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


def _encoded_imdb() -> tuple[dict[str, np.ndarray], dict[str, int]]:
    root = store.locate("imdb")
    return encoded_arrays(root, store.cache_dir(), store.manifest_of(store.get_dataset("imdb")))


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
    arrays, _ = _encoded_imdb()
    return keras_arrays(
        arrays, num_words=num_words, skip_top=skip_top, maxlen=maxlen, seed=seed,
        start_char=start_char, oov_char=oov_char, index_from=index_from,
    )


def imdb_word_index() -> dict[str, int]:
    """Word → frequency rank (1-based), like ``keras.datasets.imdb.get_word_index()``.

    Add ``index_from`` (3) to a rank to get the id used in :func:`load_imdb`'s arrays.
    """
    return _encoded_imdb()[1]


PAD, START, OOV = "<PAD>", "<START>", "<OOV>"
"""Display names of the reserved ids 0, 1 and 2 of :func:`load_imdb`'s arrays."""


def imdb_index_to_word(
    word_index: Mapping[str, int], *, index_from: int = 3, start_char: int = 1, oov_char: int = 2
) -> dict[int, str]:
    """Invert a word → rank mapping (:func:`imdb_word_index`) into the id → word mapping of the arrays.

    Ids are ``rank + index_from``; 0 is padding and ``start_char``/``oov_char`` are the reserved
    start and out-of-vocabulary markers (shown as ``<PAD>``, ``<START>``, ``<OOV>``).
    """
    vocab = {rank + index_from: word for word, rank in word_index.items()}
    vocab.update({0: PAD, start_char: START, oov_char: OOV})
    return vocab


def decode_review(ids: Iterable[int], index_to_word: Mapping[int, str], *, skip_padding: bool = True) -> str:
    """Join the words of a sequence of ids; padding (id 0) is dropped unless ``skip_padding=False``."""
    return " ".join(index_to_word.get(int(i), OOV) for i in ids if not (skip_padding and int(i) == 0))


def load_imdb_texts(split: str = "train") -> pd.DataFrame:
    """The raw reviews of ``split`` ('train' or 'test') as a frame.

    Columns ``id``, ``rating`` (1-10), ``label`` (0 negative, 1 positive) and ``text``
    (with the original ``<br />`` tags, so cleaning can be taught on it), ordered by label
    then id.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split은 'train' 또는 'test' 여야 합니다 (받은 값: {split!r}).")
    return read_reviews(store.locate("imdb"), split, store.manifest_of(store.get_dataset("imdb")))
