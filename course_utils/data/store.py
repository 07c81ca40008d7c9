"""Where dataset files come from: mirror, then cache, then a verified download.

Resolution order for a dataset of the registry (``registry.json``):

1. a **mirror** folder named by ``COURSE_DATA_MIRROR``, laid out like ``shared/datasets``
   (for IMDB the extracted ``aclImdb/`` folder counts, as does the original tarball);
2. the **cache** ``COURSE_DATA_HOME`` (default: the user's cache folder, never inside git);
3. a **download** with pooch from the pinned upstream URL, hash-verified, with a progress
   bar, written atomically; archives are extracted safely into the cache.

Every file is checked against its pinned sha256 before use. A file whose hash is wrong is
never used: the error names it, and a bad file in the cache is moved aside (renamed with a
``.bad`` suffix, so nothing is lost) so that the next attempt starts clean.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

MIRROR_ENV = "COURSE_DATA_MIRROR"
HOME_ENV = "COURSE_DATA_HOME"
APP_NAME = "rnn-course-ko"


class DataError(RuntimeError):
    """Base class of the data layer's errors: each message says what to do."""


class DatasetUnavailableError(DataError):
    """The file is in neither the mirror nor the cache, and could not be downloaded."""


class DataIntegrityError(DataError):
    """A file exists but its content is not the pinned upstream file (wrong sha256)."""


class UnsafeArchiveError(DataError):
    """An archive member would be written outside the extraction folder."""


@dataclass(frozen=True)
class Extraction:
    """How an archive dataset is unpacked: target folder, kept members, expected counts."""

    dir: str
    keep: str
    check: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    """One entry of the registry: the pinned upstream file and its documentation."""

    name: str
    title: str
    url: str
    sha256: str
    size: int
    path: str
    license: str
    citation: str
    homepage: str
    extract: Extraction | None = None

    @property
    def filename(self) -> str:
        """The upstream file name (last part of :attr:`path`)."""
        return Path(self.path).name


@lru_cache(maxsize=1)
def registry() -> dict[str, Dataset]:
    """Read ``registry.json`` shipped with the package: name -> :class:`Dataset`."""
    raw = json.loads(resources.files(__package__).joinpath("registry.json").read_text("utf-8"))
    datasets = {}
    for name, entry in raw.items():
        extract = entry.pop("extract", None)
        datasets[name] = Dataset(
            name=name, extract=Extraction(**extract) if extract else None, **entry
        )
    return datasets


def get_dataset(name: str) -> Dataset:
    """Return one registry entry, or raise ``KeyError`` listing the known names."""
    try:
        return registry()[name]
    except KeyError:
        known = ", ".join(sorted(registry()))
        raise KeyError(f"알 수 없는 데이터셋 {name!r}. 등록된 이름: {known}") from None


def mirror_dir() -> Path | None:
    """The mirror folder named by ``COURSE_DATA_MIRROR``, or ``None`` when unset."""
    value = os.environ.get(MIRROR_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else None


def cache_dir() -> Path:
    """The cache folder: ``COURSE_DATA_HOME`` or the user's cache directory."""
    value = os.environ.get(HOME_ENV, "").strip()
    if value:
        return Path(value).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))


def sha256sum(path: Path, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def verify(path: Path, dataset: Dataset) -> Path:
    """Return ``path`` if its sha256 is the pinned one, else raise :class:`DataIntegrityError`."""
    actual = sha256sum(path)
    if actual != dataset.sha256:
        raise DataIntegrityError(
            f"'{dataset.name}' 파일의 해시가 맞지 않아 사용하지 않습니다: {path}\n"
            f"  기대한 sha256: {dataset.sha256}\n"
            f"  실제 sha256:   {actual}\n"
            f"  파일이 손상되었거나 다른 버전입니다. 원본을 다시 받으세요: {dataset.url}"
        )
    return path


def _quarantine(path: Path) -> Path:
    """Move a bad cache file aside (``name.bad``) so it is kept but never used."""
    target = path.with_name(path.name + ".bad")
    os.replace(path, target)
    return target


def _unavailable(dataset: Dataset, reason: BaseException) -> DatasetUnavailableError:
    cache_target = cache_dir() / dataset.path
    mirror = mirror_dir()
    mirror_note = f"(지금 값: {mirror})" if mirror else "(지금은 설정되지 않음)"
    return DatasetUnavailableError(
        f"데이터셋 '{dataset.name}'({dataset.title})을(를) 찾지 못했고 내려받지도 못했습니다.\n"
        f"  필요한 파일: {dataset.filename} ({dataset.size:,} 바이트, sha256 {dataset.sha256})\n"
        f"  원본 URL:   {dataset.url}\n"
        f"  해결 방법 중 하나를 고르세요.\n"
        f"   1) 인터넷이 되는 곳에서 위 URL의 파일을 받아 다음 위치에 두세요: {cache_target}\n"
        f"   2) 미러 폴더(shared/datasets처럼 구성된 폴더)가 있다면 환경 변수 {MIRROR_ENV}로 "
        f"지정하세요 {mirror_note}. 그 안에 '{dataset.path}' 가 있어야 합니다.\n"
        f"   3) 인터넷이 되면: python -m course_utils.data fetch {dataset.name}\n"
        f"  (원인: {type(reason).__name__}: {reason})"
    )


def _download(dataset: Dataset, target: Path) -> Path:
    """Download with pooch into ``target`` (atomic, hash-verified, progress bar)."""
    import pooch

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # pooch writes to a temporary file and moves it into place only after the hash
        # matched, so an interrupted or corrupt download never appears in the cache.
        fetched = pooch.retrieve(
            url=dataset.url,
            known_hash=f"sha256:{dataset.sha256}",
            fname=target.name,
            path=target.parent,
            progressbar=True,
        )
    except ValueError as exc:  # pooch's hash mismatch
        raise DataIntegrityError(
            f"'{dataset.name}'을(를) 내려받았지만 해시가 맞지 않아 버렸습니다: {dataset.url}\n  {exc}"
        ) from exc
    except Exception as exc:  # network errors differ between requests versions
        raise _unavailable(dataset, exc) from exc
    return Path(fetched)


def _check_extracted(folder: Path, extraction: Extraction) -> bool:
    """True if ``folder`` holds the expected number of files in each checked subfolder."""
    for sub, count in extraction.check.items():
        part = folder / sub
        if not part.is_dir() or sum(1 for _ in os.scandir(part)) != count:
            return False
    return folder.is_dir()


def _member_is_safe(member: tarfile.TarInfo, root: Path) -> bool:
    name = member.name
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return False
    if ".." in Path(name).parts:
        return False
    if member.issym() or member.islnk():
        return False  # the course's archives contain plain files and folders only
    if not (member.isfile() or member.isdir()):
        return False
    return (root / name).resolve().is_relative_to(root.resolve())


def safe_extract(archive: Path, destination: Path, keep: str = ".*") -> list[str]:
    """Extract the members of a tar archive whose names match ``keep`` into ``destination``.

    Raises :class:`UnsafeArchiveError` (and extracts nothing) if any member has an absolute
    path, a ``..`` component, or is a link or device. Returns the extracted member names.
    """
    destination.mkdir(parents=True, exist_ok=True)
    pattern = re.compile(keep)
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        bad = [m.name for m in members if not _member_is_safe(m, destination)]
        if bad:
            raise UnsafeArchiveError(
                f"압축 파일 {archive} 에 안전하지 않은 항목이 있어 풀지 않았습니다: {bad[:5]}"
            )
        chosen = [m for m in members if m.isfile() and pattern.match(m.name)]
        for member in chosen:
            if hasattr(tarfile, "data_filter"):  # Python >= 3.10.12 / 3.11.4
                tar.extract(member, destination, filter="data")
            else:
                tar.extract(member, destination)
    return [m.name for m in chosen]


def _extract_into_cache(archive: Path, dataset: Dataset) -> Path:
    """Unpack an archive into a temporary folder, then rename it into the cache atomically."""
    assert dataset.extract is not None
    final = cache_dir() / dataset.extract.dir
    with tempfile.TemporaryDirectory(dir=cache_dir(), prefix=".extract-") as tmp:
        safe_extract(archive, Path(tmp), dataset.extract.keep)
        unpacked = Path(tmp) / dataset.extract.dir
        if not _check_extracted(unpacked, dataset.extract):
            raise DataIntegrityError(f"{archive} 의 내용이 예상한 구성과 다릅니다 ({dataset.extract.check}).")
        if final.exists():
            shutil.rmtree(final)
        os.replace(unpacked, final)
    return final


def _resolve_file(dataset: Dataset, *, download: bool) -> Path:
    """Locate (mirror, cache) or download the registry file itself, verified."""
    mirror = mirror_dir()
    if mirror is not None and (mirror / dataset.path).is_file():
        return verify(mirror / dataset.path, dataset)
    cached = cache_dir() / dataset.path
    if cached.is_file():
        try:
            return verify(cached, dataset)
        except DataIntegrityError as exc:
            moved = _quarantine(cached)
            raise DataIntegrityError(f"{exc}\n  잘못된 파일은 {moved} 로 옮겨 두었습니다.") from None
    if not download:
        raise _unavailable(dataset, FileNotFoundError("다운로드를 하지 않도록 설정됨"))
    return _download(dataset, cached)


def locate(name: str, *, download: bool = True) -> Path:
    """Return a verified local path for dataset ``name``.

    For a file dataset this is the file; for an archive dataset (IMDB) it is the extracted
    folder. See the module docstring for the order in which places are tried.
    """
    dataset = get_dataset(name)
    if dataset.extract is None:
        return _resolve_file(dataset, download=download)
    extraction = dataset.extract
    mirror = mirror_dir()
    candidates = ([mirror / extraction.dir] if mirror else []) + [cache_dir() / extraction.dir]
    for folder in candidates:
        if _check_extracted(folder, extraction):
            return folder
    archive = _resolve_file(dataset, download=download)
    return _extract_into_cache(archive, dataset)


def status(name: str) -> str:
    """Where dataset ``name`` would come from right now: 'mirror', 'cache' or 'missing'."""
    dataset = get_dataset(name)
    mirror = mirror_dir()
    rel = [dataset.path] + ([dataset.extract.dir] if dataset.extract else [])
    for place, root in (("mirror", mirror), ("cache", cache_dir())):
        if root is not None and any((root / r).exists() for r in rel):
            return place
    return "missing"
