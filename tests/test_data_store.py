"""The storage layer: mirror, cache, verified download, clear errors, safe extraction."""

from __future__ import annotations

import hashlib
import http.server
import io
import re
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from course_utils.data import manifest, store

ROOT = Path(__file__).resolve().parents[1]


# --- helpers -----------------------------------------------------------------------------

def make_dataset(name: str, payload: bytes, url: str, path: str, **extra) -> store.Dataset:
    return store.Dataset(
        name=name, title=f"test {name}", url=url, sha256=hashlib.sha256(payload).hexdigest(),
        size=len(payload), path=path, license="test", citation="test", homepage="test", **extra,
    )


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch):
    """Replace the registry with datasets made by the test."""
    entries: dict[str, store.Dataset] = {}
    monkeypatch.setattr(store, "registry", lambda: entries)
    return entries


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server over a temporary folder: yields (base URL, folder)."""
    folder = tmp_path / "served"
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):  # keep pytest output clean
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()


def closed_port_url() -> str:
    import socket

    with socket.socket() as sock:  # bind then release: nothing listens there afterwards
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nowhere/file.csv"


def tarball(members: dict[str, bytes], *, extra: list[tarfile.TarInfo] = ()) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        for info in extra:
            tar.addfile(info)
    return buffer.getvalue()


# --- registry ----------------------------------------------------------------------------

def test_registry_pins_every_course_dataset() -> None:
    reg = store.registry()
    assert set(reg) == {"imdb", "ynat", "nsmc_test", "kor_eng", "ridership"}
    for dataset in reg.values():
        assert re.fullmatch(r"[0-9a-f]{64}", dataset.sha256)
        assert dataset.url.startswith("https://") and dataset.size > 0
        assert dataset.license and dataset.citation
        # raw GitHub URLs must be pinned to a commit, never a moving branch
        if "githubusercontent" in dataset.url:
            assert re.search(r"/[0-9a-f]{40}/", dataset.url), dataset.url


def test_registry_agrees_with_the_mirror_readme(mirror: Path) -> None:
    readme = (mirror / "README.md").read_text(encoding="utf-8")
    for dataset in store.registry().values():
        assert dataset.url in readme, dataset.name
        assert dataset.sha256 in readme, dataset.name


def test_mirror_files_match_their_pinned_hashes(mirror: Path) -> None:
    for dataset in store.registry().values():
        if dataset.extract is None:
            assert store.sha256sum(mirror / dataset.path) == dataset.sha256, dataset.name


def test_unknown_dataset_lists_the_known_names() -> None:
    with pytest.raises(KeyError, match="ynat"):
        store.get_dataset("mnist")


# --- resolution order --------------------------------------------------------------------

def test_mirror_is_used_before_cache_and_download(with_mirror: Path) -> None:
    assert store.locate("ynat") == with_mirror / "ynat" / "train_data.csv"
    assert store.locate("imdb") == with_mirror / "aclImdb"  # the extracted folder counts
    assert store.status("ynat") == "mirror"


def test_cache_is_used_when_there_is_no_mirror(offline_env: Path, fake_registry, tmp_path: Path) -> None:
    payload = b"a,b\n1,2\n"
    fake_registry["toy"] = make_dataset("toy", payload, closed_port_url(), "toy/toy.csv")
    (offline_env / "toy").mkdir(parents=True)
    (offline_env / "toy" / "toy.csv").write_bytes(payload)
    assert store.locate("toy") == offline_env / "toy" / "toy.csv"
    assert store.status("toy") == "cache"


def test_download_is_verified_and_lands_in_the_cache(offline_env: Path, fake_registry, http_server) -> None:
    base, served = http_server
    payload = "제목,주제\n뉴스,1\n".encode()
    (served / "toy.csv").write_bytes(payload)
    fake_registry["toy"] = make_dataset("toy", payload, f"{base}/toy.csv", "toy/toy.csv")
    path = store.locate("toy")
    assert path == offline_env / "toy" / "toy.csv"
    assert path.read_bytes() == payload
    assert store.locate("toy", download=False) == path  # now served from the cache


# --- bad input: clear errors, nothing lost -----------------------------------------------

def test_offline_without_mirror_says_what_to_download_and_where(offline_env: Path, fake_registry) -> None:
    url = closed_port_url()
    fake_registry["toy"] = make_dataset("toy", b"x", url, "toy/toy.csv")
    with pytest.raises(store.DatasetUnavailableError) as info:
        store.locate("toy")
    message = str(info.value)
    assert url in message                                   # what to download
    assert str(offline_env / "toy" / "toy.csv") in message  # where to put it
    assert "COURSE_DATA_MIRROR" in message and "toy.csv" in message
    assert not (offline_env / "toy" / "toy.csv").exists()


def test_real_dataset_offline_error_names_the_pinned_url(offline_env: Path) -> None:
    with pytest.raises(store.DatasetUnavailableError, match=re.escape(store.get_dataset("ridership").url)):
        store.locate("ridership", download=False)


def test_download_with_wrong_hash_is_rejected_and_not_kept(offline_env: Path, fake_registry, http_server) -> None:
    base, served = http_server
    (served / "toy.csv").write_bytes(b"tampered content")
    fake_registry["toy"] = make_dataset("toy", b"the real content", f"{base}/toy.csv", "toy/toy.csv")
    with pytest.raises(store.DataIntegrityError, match="toy"):
        store.locate("toy")
    folder = offline_env / "toy"
    assert not (folder / "toy.csv").exists()
    assert not folder.exists() or list(folder.iterdir()) == []  # no half-written leftovers


def test_bad_file_in_mirror_is_never_used(monkeypatch, tmp_path: Path, fake_registry) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "toy").mkdir(parents=True)
    (mirror / "toy" / "toy.csv").write_bytes(b"corrupted")
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("COURSE_DATA_HOME", str(tmp_path / "cache"))
    fake_registry["toy"] = make_dataset("toy", b"good", closed_port_url(), "toy/toy.csv")
    with pytest.raises(store.DataIntegrityError) as info:
        store.locate("toy")
    assert str(mirror / "toy" / "toy.csv") in str(info.value)
    assert (mirror / "toy" / "toy.csv").read_bytes() == b"corrupted"  # the mirror is left alone


def test_bad_file_in_cache_is_moved_aside_not_deleted(offline_env: Path, fake_registry) -> None:
    fake_registry["toy"] = make_dataset("toy", b"good", closed_port_url(), "toy/toy.csv")
    bad = offline_env / "toy" / "toy.csv"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"half a file")
    with pytest.raises(store.DataIntegrityError, match="toy.csv.bad"):
        store.locate("toy")
    assert not bad.exists()
    assert (bad.parent / "toy.csv.bad").read_bytes() == b"half a file"


# --- archives ----------------------------------------------------------------------------

@pytest.mark.parametrize("evil", ["../escape.txt", "/tmp/absolute-escape.txt", "ok/../../escape.txt"])
def test_safe_extract_rejects_path_traversal(tmp_path: Path, evil: str) -> None:
    archive = tmp_path / "evil.tar.gz"
    archive.write_bytes(tarball({"ok/fine.txt": b"fine", evil: b"gotcha"}))
    target = tmp_path / "out" / "inner"
    with pytest.raises(store.UnsafeArchiveError, match=re.escape(evil)):
        store.safe_extract(archive, target)
    assert not (target / "ok" / "fine.txt").exists()  # nothing extracted at all
    assert not (tmp_path / "out" / "escape.txt").exists()


def test_safe_extract_rejects_links(tmp_path: Path) -> None:
    link = tarfile.TarInfo("data/passwd")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    archive = tmp_path / "link.tar.gz"
    archive.write_bytes(tarball({"data/a.txt": b"a"}, extra=[link]))
    with pytest.raises(store.UnsafeArchiveError):
        store.safe_extract(archive, tmp_path / "out")


def test_safe_extract_keeps_only_matching_members(tmp_path: Path) -> None:
    archive = tmp_path / "good.tar.gz"
    archive.write_bytes(tarball({"pkg/keep.txt": b"1", "pkg/unsup/skip.txt": b"2"}))
    names = store.safe_extract(archive, tmp_path / "out", keep=r"^pkg/[^/]+\.txt$")
    assert names == ["pkg/keep.txt"]
    assert (tmp_path / "out" / "pkg" / "keep.txt").read_bytes() == b"1"
    assert not (tmp_path / "out" / "pkg" / "unsup").exists()


def toy_manifest(members: dict[str, bytes], top: str) -> dict[str, tuple[int, str]]:
    """The manifest of the members under ``top/`` (what the package ships for a real dataset)."""
    return {name.removeprefix(f"{top}/"): (len(data), manifest.digest(data)) for name, data in members.items()}


def test_archive_dataset_is_downloaded_extracted_then_cached(offline_env: Path, fake_registry, http_server,
                                                             monkeypatch) -> None:
    base, served = http_server
    kept = {"toyImdb/train/pos/0_9.txt": b"great", "toyImdb/train/neg/1_1.txt": b"bad"}
    payload = tarball({**kept, "toyImdb/train/unsup/2_0.txt": b"??"})
    (served / "toy.tar.gz").write_bytes(payload)
    extraction = store.Extraction(dir="toyImdb", keep=r"^toyImdb/train/(pos|neg)/", manifest="toy.json.gz")
    monkeypatch.setattr(store, "read_manifest", lambda name: toy_manifest(kept, "toyImdb"))
    fake_registry["toy"] = make_dataset("toy", payload, f"{base}/toy.tar.gz", "toy.tar.gz", extract=extraction)
    folder = store.locate("toy")
    assert folder == offline_env / "toyImdb"
    assert (folder / "train" / "pos" / "0_9.txt").read_text() == "great"
    assert not (folder / "train" / "unsup").exists()
    assert [p.name for p in offline_env.iterdir() if p.name.startswith((".extract", store.TEMP_PREFIX))] == []
    (served / "toy.tar.gz").unlink()  # the server no longer has it: the cache must answer
    assert store.locate("toy") == folder
