"""Where dataset files come from: mirror, then cache, then a verified download.

Resolution order for a dataset of the registry (``registry.json``):

1. a **mirror** folder named by ``COURSE_DATA_MIRROR``, laid out like ``shared/datasets``
   (for IMDB the extracted ``aclImdb/`` folder counts, as does the original tarball);
2. the **cache** ``COURSE_DATA_HOME`` (default: the user's cache folder, never inside git);
3. a **download** with pooch from the pinned upstream URL, hash-verified, with a progress
   bar, written atomically; archives are extracted safely into the cache.

Every file is checked against its pinned sha256 before use. A file whose hash is wrong is
never used: the error names it, and a bad file in the cache is moved aside (renamed with a
``.bad`` suffix, numbered so an earlier one is never overwritten) so that the next attempt
starts clean. A bad mirror file does not hide a good cached copy.

An extracted archive (IMDB's ``aclImdb/``) is checked against a per-file manifest shipped
with the package (:mod:`course_utils.data.manifest`): sizes when it is located, hashes when
its files are read. Downloads, extraction and quarantine hold an inter-process file lock in
the cache, so several notebooks or students sharing one cache do not race; temporary files
carry the prefix :data:`TEMP_PREFIX` and leftovers of killed runs are removed under the lock.
Nothing the data layer did not create is ever deleted.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from course_utils.data.manifest import Manifest, digest, read_manifest

MIRROR_ENV = "COURSE_DATA_MIRROR"
HOME_ENV = "COURSE_DATA_HOME"
APP_NAME = "rnn-course-ko"
TEMP_PREFIX = ".course-tmp-"
"""Prefix of every temporary file or folder the data layer creates (so leftovers are recognisable)."""
LOCK_DIR = ".locks"


class DataError(RuntimeError):
    """Base class of the data layer's errors: each message says what to do."""


class DatasetUnavailableError(DataError):
    """The file is in neither the mirror nor the cache, and could not be downloaded."""


class DataIntegrityError(DataError):
    """A file exists but its content is not the pinned upstream file (wrong sha256)."""


class UnsafeArchiveError(DataError):
    """An archive member would be written outside the extraction folder."""


class CacheError(DataError):
    """The cache folder cannot be created or written (a file, read-only, no permission)."""


class DataWarning(UserWarning):
    """Something was skipped or moved aside, but the data in use is verified."""


@dataclass(frozen=True)
class Extraction:
    """How an archive dataset is unpacked: target folder, kept members, per-file manifest.

    ``manifest`` names a gzip'd JSON file shipped in this package (see
    :mod:`course_utils.data.manifest`) with the size and hash of every kept member.
    """

    dir: str
    keep: str
    manifest: str


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


def cache_error(path: Path, exc: OSError) -> CacheError:
    """A clear message for a cache that cannot be written (read-only, a file, no permission)."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        what = f"캐시 경로 {path} (또는 그 상위 경로)가 폴더가 아니라 파일입니다."
    elif isinstance(exc, PermissionError) or getattr(exc, "errno", None) == errno.EROFS:
        what = f"캐시 폴더 {path} 에 쓸 권한이 없습니다(읽기 전용)."
    else:
        what = f"캐시 폴더 {path} 에 쓰지 못했습니다."
    return CacheError(
        f"{what}\n"
        f"  해결: 환경 변수 {HOME_ENV}를 쓸 수 있는 폴더로 지정하세요 "
        f"(예: export {HOME_ENV}=$HOME/rnn-course-data). 기존 파일은 건드리지 않았습니다.\n"
        f"  (원인: {type(exc).__name__}: {exc})"
    )


def ensure_cache_dir(cache: Path | None = None) -> Path:
    """Create the cache folder (default :func:`cache_dir`) if needed, check it can be written; return it.

    Raises :class:`CacheError` (naming the path and the fix) when ``COURSE_DATA_HOME`` is a
    file, is read-only, or cannot be created.
    """
    cache = cache_dir() if cache is None else cache
    try:
        cache.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=cache, prefix=f"{TEMP_PREFIX}probe-")
        os.close(fd)
        os.remove(probe)
    except OSError as exc:
        raise cache_error(cache, exc) from None
    return cache


@contextlib.contextmanager
def cache_lock(name: str, cache: Path | None = None) -> Iterator[Path]:
    """Hold an inter-process lock named ``name`` in the cache (default :func:`cache_dir`); yield the cache.

    Waits while another process holds it. Extraction, download, quarantine and derived-file builds run under it, so notebooks or
    students sharing one cache never race on the same files.
    """
    from filelock import FileLock, Timeout

    cache = ensure_cache_dir(cache)
    lock = FileLock(cache / LOCK_DIR / f"{name}.lock")
    try:
        (cache / LOCK_DIR).mkdir(exist_ok=True)
        try:
            lock.acquire(timeout=1)
        except Timeout:
            print(f"다른 프로세스가 '{name}'을(를) 준비하고 있어 끝날 때까지 기다립니다...", file=sys.stderr, flush=True)
            lock.acquire()
    except OSError as exc:
        raise cache_error(cache, exc) from None
    try:
        yield cache
    finally:
        lock.release()


def remove_stale_temp(folder: Path, prefix: str) -> list[Path]:
    """Remove leftovers of killed runs: entries of ``folder`` named ``prefix*`` (our own prefix).

    Call only while holding the :func:`cache_lock` that guards the work using that prefix.
    """
    removed = []
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        if entry.name.startswith(prefix):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _numbered(path: Path, suffix: str) -> Path:
    """``name{suffix}``, or ``name.2{suffix}``, ``name.3{suffix}``... : the first that does not exist."""
    candidate, number = path.with_name(path.name + suffix), 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = path.with_name(f"{path.name}.{number}{suffix}")
    return candidate


def _quarantine(path: Path, dataset: Dataset) -> Path | None:
    """Move a bad cache file aside (``name.bad``, ``name.2.bad``...) so it is kept but never used.

    Returns where it went, or None when another process already moved or replaced it.
    """
    with cache_lock(dataset.name):
        if not path.is_file() or sha256sum(path) == dataset.sha256:
            return None
        target = _numbered(path, ".bad")
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
    """Download with pooch into ``target`` (locked, atomic, hash-verified, progress bar)."""
    import pooch

    with cache_lock(dataset.name):
        if target.is_file() and sha256sum(target) == dataset.sha256:
            return target  # another process finished the download while we waited
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise cache_error(target.parent, exc) from None
        prefix = f"{TEMP_PREFIX}download-{dataset.name}-"
        remove_stale_temp(target.parent, prefix)  # left by a killed download
        # pooch verifies the hash before moving the file into our own temporary folder;
        # only a verified file is then renamed into the cache.
        scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=prefix))
        try:
            fetched = pooch.retrieve(url=dataset.url, known_hash=f"sha256:{dataset.sha256}",
                                     fname=target.name, path=scratch, progressbar=True)
            os.replace(fetched, target)
        except ValueError as exc:  # pooch's hash mismatch
            raise DataIntegrityError(
                f"'{dataset.name}'을(를) 내려받았지만 해시가 맞지 않아 버렸습니다: {dataset.url}\n  {exc}"
            ) from exc
        except Exception as exc:  # network errors differ between requests versions
            raise _unavailable(dataset, exc) from exc
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def manifest_of(dataset: Dataset) -> Manifest:
    """The per-file manifest of an archive dataset's extracted folder."""
    if dataset.extract is None:
        raise ValueError(f"'{dataset.name}'은(는) 압축 파일 데이터셋이 아닙니다.")
    return read_manifest(dataset.extract.manifest)


def _fix_folder(folder: Path) -> str:
    return (f"  해결: 폴더 {folder} 를 다른 이름으로 옮기세요(예: mv '{folder}' '{folder}.old'). "
            f"그러면 다음 실행에서 고정된 압축 파일로부터 다시 풉니다. 미러 폴더라면 관리자에게 알리세요.")


def check_folder(folder: Path, manifest: Manifest) -> str | None:
    """Quick check of an extracted folder: every manifest file present with its size.

    Returns None when complete, else a Korean reason naming the first problem. Extra files
    (``.DS_Store``, a user's notes) are allowed; contents are hashed when read
    (:func:`read_verified`).
    """
    if not folder.is_dir():
        return f"{folder} 가 없습니다."
    missing, wrong = [], []
    for relative, (size, _) in manifest.items():
        try:
            actual = os.stat(folder / relative).st_size
        except OSError:
            missing.append(relative)
            continue
        if actual != size:
            wrong.append(relative)
    if missing:
        return f"{folder} 에 파일 {len(missing):,}개가 없습니다 (예: {missing[0]})."
    if wrong:
        return f"{folder} 의 파일 {len(wrong):,}개가 크기가 다릅니다 (예: {wrong[0]})."
    return None


def read_verified(folder: Path, relative: str, manifest: Manifest) -> bytes:
    """Read ``folder/relative`` and check it against the manifest; raise a clear error if it differs."""
    path = folder / relative
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataIntegrityError(f"파일을 읽지 못했습니다: {path} ({type(exc).__name__}: {exc})\n"
                                 f"{_fix_folder(folder)}") from None
    size, expected = manifest[relative]
    if len(data) != size or digest(data) != expected:
        raise DataIntegrityError(
            f"파일 내용이 고정된 원본과 다릅니다(손상되었거나 수정됨): {path}\n"
            f"  기대: {size:,} 바이트, sha256 {expected}… / 실제: {len(data):,} 바이트, sha256 {digest(data)}…\n"
            f"{_fix_folder(folder)}"
        )
    return data


def verify_folder(folder: Path, manifest: Manifest) -> None:
    """Check every manifest file of ``folder`` (size and hash); raise :class:`DataIntegrityError` if any differs."""
    reason = check_folder(folder, manifest)
    if reason is not None:
        raise DataIntegrityError(reason)
    for relative in manifest:
        read_verified(folder, relative, manifest)


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
    """Unpack next to the cache's folder, verify every file, then rename it into place.

    Runs under the dataset's lock. An existing folder at the target (incomplete, or holding a
    user's files) is never deleted: it is renamed to ``dir.old``, ``dir.2.old``... and a warning
    says where it went.
    """
    assert dataset.extract is not None
    manifest = manifest_of(dataset)
    with cache_lock(dataset.name) as cache:
        final = cache / dataset.extract.dir
        if check_folder(final, manifest) is None:
            return final  # another process extracted it while we waited
        prefix = f"{TEMP_PREFIX}extract-{dataset.name}-"
        remove_stale_temp(cache, prefix)  # left by a killed extraction
        scratch = Path(tempfile.mkdtemp(dir=cache, prefix=prefix))
        kept = None
        try:
            safe_extract(archive, scratch, dataset.extract.keep)
            unpacked = scratch / dataset.extract.dir
            try:
                verify_folder(unpacked, manifest)
            except DataIntegrityError as exc:
                raise DataIntegrityError(f"압축 파일 {archive} 의 내용이 고정된 목록과 다릅니다.\n  {exc}") from None
            if final.exists() or final.is_symlink():
                kept = _numbered(final, ".old")
                os.replace(final, kept)
            os.replace(unpacked, final)
        except OSError as exc:
            raise cache_error(cache, exc) from None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    if kept is not None:
        warnings.warn(f"{final} 가 불완전해서 새로 풀었습니다. 원래 폴더는 지우지 않고 {kept} 로 옮겨 두었습니다.",
                      DataWarning, stacklevel=3)
    return final


def _resolve_file(dataset: Dataset, *, download: bool) -> Path:
    """Locate (mirror, cache) or download the registry file itself, verified.

    A bad mirror file never hides a good cached copy; a bad cached copy is moved aside.
    """
    mirror = mirror_dir()
    mirror_error: DataIntegrityError | None = None
    if mirror is not None and (mirror / dataset.path).is_file():
        try:
            return verify(mirror / dataset.path, dataset)
        except DataIntegrityError as exc:
            mirror_error = exc
    cached = cache_dir() / dataset.path
    if cached.is_file():
        try:
            verify(cached, dataset)
        except DataIntegrityError as exc:
            moved = _quarantine(cached, dataset)
            where = f"{moved} 로 옮겨 두었습니다" if moved else "다른 프로세스가 이미 옮겼습니다"
            raise DataIntegrityError(f"{exc}\n  잘못된 파일은 {where}. 다시 실행하면 새로 받습니다.") from None
        if mirror_error is not None:
            warnings.warn(f"{mirror_error}\n  대신 캐시의 정상 파일을 씁니다: {cached}", DataWarning, stacklevel=3)
        return cached
    if mirror_error is not None:
        raise mirror_error
    if not download:
        raise _unavailable(dataset, FileNotFoundError("다운로드를 하지 않도록 설정됨"))
    return _download(dataset, cached)


_CHECKED: set[tuple[Path, str]] = set()
"""Extracted folders that passed :func:`check_folder` in this process (their reads are still verified)."""


def locate(name: str, *, download: bool = True) -> Path:
    """Return a verified local path for dataset ``name``.

    For a file dataset this is the file; for an archive dataset (IMDB) it is the extracted
    folder: the mirror's, else the cache's, else the archive (mirror, cache or download)
    extracted into the cache. A folder counts when every file of the dataset's manifest is
    there with its size (extra files are fine); contents are hashed when read.
    """
    dataset = get_dataset(name)
    if dataset.extract is None:
        return _resolve_file(dataset, download=download)
    manifest = manifest_of(dataset)
    mirror = mirror_dir()
    candidates = ([mirror / dataset.extract.dir] if mirror else []) + [cache_dir() / dataset.extract.dir]
    problems = []
    for folder in candidates:
        if (folder, dataset.name) in _CHECKED and folder.is_dir():
            return folder
        if not folder.exists():
            continue
        reason = check_folder(folder, manifest)
        if reason is None:
            if problems:
                warnings.warn("다음 폴더는 건너뛰었습니다: " + " / ".join(problems), DataWarning, stacklevel=2)
            _CHECKED.add((folder, dataset.name))
            return folder
        problems.append(reason)
    try:
        archive = _resolve_file(dataset, download=download)
    except DataError as exc:
        if not problems:
            raise
        raise type(exc)("압축을 푼 폴더를 쓸 수 없습니다: " + " / ".join(problems) + f"\n{exc}") from None
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
