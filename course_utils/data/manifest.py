"""Per-file manifests of extracted archives: what every kept member's size and hash must be.

A manifest is gzip'd JSON shipped inside the package (read with :mod:`importlib.resources`)::

    {"format": 1, "dataset": "imdb", "archive_sha256": "...", "digest": "sha256[:16]",
     "files": {"train/pos/0_9.txt": [size, "first 16 hex digits of sha256"], ...}}

Paths are relative to the extracted folder (``aclImdb/``). Sixteen hex digits (64 bits) of
each file's sha256 catch any corruption and keep the IMDB manifest under 1 MB; the archive
itself is pinned by its full sha256 in ``registry.json``.

To regenerate a manifest (only needed if a dataset is re-pinned)::

    python -c "from course_utils.data import manifest; manifest.write_manifest('aclImdb_v1.tar.gz', 'imdb')"
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tarfile
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

DIGEST_HEX = 16
FORMAT = 1

Manifest = dict[str, tuple[int, str]]
"""Relative path -> (size in bytes, first :data:`DIGEST_HEX` hex digits of its sha256)."""


def digest(data: bytes) -> str:
    """The manifest's hash of a file's content."""
    return hashlib.sha256(data).hexdigest()[:DIGEST_HEX]


@lru_cache(maxsize=4)
def read_manifest(resource: str) -> Manifest:
    """Read a manifest shipped in ``course_utils.data`` (e.g. ``imdb_manifest.json.gz``)."""
    raw = resources.files(__package__).joinpath(resource).read_bytes()
    document = json.loads(gzip.decompress(raw))
    if document.get("format") != FORMAT:
        raise ValueError(f"{resource}: 매니페스트 형식 {document.get('format')!r}이(가) 이 패키지가 읽는 {FORMAT!r}와 다릅니다. "
                         f"패키지를 다시 설치하거나 write_manifest로 매니페스트를 다시 만드세요.")
    return {path: (int(size), str(value)) for path, (size, value) in document["files"].items()}


def manifest_identity(manifest: Manifest) -> str:
    """A short hash that identifies the content a manifest describes."""
    text = json.dumps(sorted(manifest.items()), separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_HEX]


def _members(source: Path, top: str, keep: re.Pattern[str]) -> Iterator[tuple[str, bytes]]:
    """Yield (path relative to ``top``, content) for each kept file of an archive or folder."""
    if source.is_dir():
        for folder, _, names in os.walk(source):
            for name in names:
                relative = Path(folder, name).relative_to(source).as_posix()
                if keep.match(f"{top}/{relative}"):
                    yield relative, Path(folder, name).read_bytes()
        return
    with tarfile.open(source) as tar:
        for member in tar:
            if member.isfile() and keep.match(member.name):
                handle = tar.extractfile(member)
                assert handle is not None
                yield member.name.removeprefix(f"{top}/"), handle.read()


def build_manifest(source: str | Path, name: str) -> dict:
    """Manifest document for registry dataset ``name`` from its pinned archive or its extracted folder.

    An archive is checked against the pinned sha256 first (so the manifest describes the
    pinned release); a folder must be a byte-for-byte extraction of it (e.g. the course mirror).
    """
    from course_utils.data import store

    dataset = store.get_dataset(name)
    if dataset.extract is None:
        raise ValueError(f"{name}: 압축 파일을 풀어 쓰는 데이터셋이 아니라서 파일별 매니페스트를 만들 수 없습니다. "
                         f"registry.json에서 extract가 있는 데이터셋(예: 'imdb')을 고르세요.")
    source = Path(source)
    if source.is_file():
        store.verify(source, dataset)
    files = {rel: [len(data), digest(data)] for rel, data in _members(source, dataset.extract.dir,
                                                                       re.compile(dataset.extract.keep))}
    return {"format": FORMAT, "dataset": name, "archive_sha256": dataset.sha256, "digest": f"sha256[:{DIGEST_HEX}]",
            "files": dict(sorted(files.items()))}


def write_manifest(source: str | Path, name: str) -> Path:
    """Build the manifest of ``name`` from ``source`` and write it where the package reads it."""
    from course_utils.data import store

    dataset = store.get_dataset(name)
    assert dataset.extract is not None
    target = Path(__file__).with_name(dataset.extract.manifest)
    document = build_manifest(source, name)
    target.write_bytes(gzip.compress(json.dumps(document, separators=(",", ":")).encode("utf-8"), mtime=0))
    read_manifest.cache_clear()
    return target
