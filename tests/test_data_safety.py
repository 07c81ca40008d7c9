"""The data layer never loses or silently corrupts: fresh machines, user files, manifests,
derived caches, concurrent processes, quarantine, leftovers, unwritable caches and the CLI."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest

from course_utils.data import imdb, manifest, store
from course_utils.data.__main__ import main as data_cli
from test_data_store import closed_port_url, http_server, make_dataset, tarball  # noqa: F401 (fixture)

TOP = "toyImdb"
KEEP = rf"^{TOP}/(README|(train|test)/(pos|neg)/\d+_\d+\.txt)$"


def toy_members(reviews_per_folder: int = 3) -> dict[str, bytes]:
    """Kept members of a toy IMDB-like archive (labels from the folder, text mentions the id)."""
    members = {f"{TOP}/README": b"toy dataset\n"}
    for split in ("train", "test"):
        for folder, rating in (("pos", 9), ("neg", 2)):
            for i in range(reviews_per_folder):
                text = f"{'good' if folder == 'pos' else 'bad'} movie number {i} in {split}"
                members[f"{TOP}/{split}/{folder}/{i}_{rating}.txt"] = text.encode()
    return members


def toy_dataset(payload: bytes, url: str | None = None) -> store.Dataset:
    extraction = store.Extraction(dir=TOP, keep=KEEP, manifest="toy_manifest.json.gz")
    return make_dataset("toy", payload, url or closed_port_url(), "toy.tar.gz", extract=extraction)


def manifest_of(members: dict[str, bytes]) -> dict[str, tuple[int, str]]:
    return {name.removeprefix(f"{TOP}/"): (len(data), manifest.digest(data)) for name, data in members.items()}


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A toy archive dataset registered as 'toy', its manifest patched in; yields (dataset, members, payload)."""
    members = toy_members()
    payload = tarball({**members, f"{TOP}/train/unsup/0_0.txt": b"unlabelled"})
    dataset = toy_dataset(payload)
    monkeypatch.setattr(store, "registry", lambda: {"toy": dataset})
    monkeypatch.setattr(store, "read_manifest", lambda name: manifest_of(members))
    return dataset, members, payload


def mirror_with_tarball(tmp_path: Path, payload: bytes, monkeypatch: pytest.MonkeyPatch) -> Path:
    mirror = tmp_path / "usb"
    mirror.mkdir()
    (mirror / "toy.tar.gz").write_bytes(payload)
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    return mirror


def write_tree(root: Path, members: dict[str, bytes]) -> Path:
    for name, data in members.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root / TOP


# --- fresh machine, mirror holding only the tarball ------------------------------------------

def test_mirror_with_only_the_tarball_works_on_a_fresh_machine(toy, tmp_path: Path, monkeypatch) -> None:
    _, members, payload = toy
    mirror_with_tarball(tmp_path, payload, monkeypatch)
    cache = tmp_path / "home" / "not" / "created" / "yet"
    monkeypatch.setenv("COURSE_DATA_HOME", str(cache))
    folder = store.locate("toy")
    assert folder == cache / TOP
    assert (folder / "train" / "pos" / "0_9.txt").read_bytes() == members[f"{TOP}/train/pos/0_9.txt"]
    assert not (folder / "train" / "unsup").exists()
    assert [p.name for p in cache.iterdir() if p.name.startswith(store.TEMP_PREFIX)] == []


def test_cli_fetch_with_a_cache_path_that_is_a_file_says_so(toy, tmp_path: Path, monkeypatch, capsys) -> None:
    _, _, payload = toy
    mirror_with_tarball(tmp_path, payload, monkeypatch)
    not_a_folder = tmp_path / "cache-file"
    not_a_folder.write_text("my notes")
    monkeypatch.setenv("COURSE_DATA_HOME", str(not_a_folder))
    assert data_cli(["fetch", "toy"]) == 1
    err = capsys.readouterr().err
    assert "❌ toy" in err and str(not_a_folder) in err and "COURSE_DATA_HOME" in err and "파일" in err
    assert "Traceback" not in err
    assert not_a_folder.read_text() == "my notes"


# --- re-extraction never deletes what we did not create --------------------------------------

def test_complete_cache_folder_with_user_files_is_used_as_is(toy, tmp_path: Path, offline_env: Path) -> None:
    _, members, _ = toy
    folder = write_tree(offline_env, members)
    (folder / "train" / "pos" / ".DS_Store").write_bytes(b"\0finder")
    (folder / "my_notes.txt").write_text("학생 메모")
    assert store.locate("toy") == folder  # no archive needed, nothing re-extracted
    assert (folder / "my_notes.txt").read_text() == "학생 메모"


def test_incomplete_cache_folder_is_moved_aside_not_deleted(toy, tmp_path: Path, monkeypatch) -> None:
    _, members, payload = toy
    mirror_with_tarball(tmp_path, payload, monkeypatch)
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSE_DATA_HOME", str(cache))
    for round_ in (1, 2):
        folder = write_tree(cache, members)
        (folder / "train" / "pos" / "0_9.txt").unlink()  # incomplete
        (folder / "my_notes.txt").write_text(f"메모 {round_}")
        with pytest.warns(store.DataWarning, match="옮겨 두었습니다"):
            assert store.locate("toy") == folder
        assert (folder / "train" / "pos" / "0_9.txt").is_file() and not (folder / "my_notes.txt").exists()
    assert (cache / f"{TOP}.old" / "my_notes.txt").read_text() == "메모 1"
    assert (cache / f"{TOP}.2.old" / "my_notes.txt").read_text() == "메모 2"  # the first is not overwritten


# --- extracted data is verified ---------------------------------------------------------------

def test_mirror_folder_with_a_stray_file_is_accepted(toy, tmp_path: Path, monkeypatch) -> None:
    _, members, _ = toy
    mirror = tmp_path / "mirror"
    folder = write_tree(mirror, members)
    (folder / "test" / "neg" / ".DS_Store").write_bytes(b"x")
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("COURSE_DATA_HOME", str(tmp_path / "cache"))
    assert store.locate("toy") == folder
    frame = imdb.read_reviews(folder, "test", store.manifest_of(store.get_dataset("toy")))
    assert len(frame) == 6 and set(frame["label"]) == {0, 1}


def test_corrupted_review_is_never_used(toy, tmp_path: Path) -> None:
    _, members, _ = toy
    folder = write_tree(tmp_path, members)
    path = folder / "train" / "neg" / "1_2.txt"
    original = path.read_bytes()
    path.write_bytes(original.replace(b"bad", b"BAD"))  # same size: only the hash can tell
    with pytest.raises(store.DataIntegrityError, match="1_2.txt") as info:
        imdb.read_reviews(folder, "train", store.manifest_of(store.get_dataset("toy")))
    assert "mv" in str(info.value)
    assert path.read_bytes() != original  # reported, not touched


def test_incomplete_mirror_folder_error_names_the_folder_not_only_the_tarball(toy, tmp_path: Path, monkeypatch) -> None:
    _, members, _ = toy
    mirror = tmp_path / "mirror"
    folder = write_tree(mirror, members)
    (folder / "test" / "pos" / "2_9.txt").unlink()
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("COURSE_DATA_HOME", str(tmp_path / "cache"))
    with pytest.raises(store.DatasetUnavailableError) as info:
        store.locate("toy", download=False)
    assert str(folder) in str(info.value) and "test/pos/2_9.txt" in str(info.value)


def test_reviews_without_manifest_skip_hidden_files_and_name_bad_ones(tmp_path: Path) -> None:
    folder = write_tree(tmp_path, toy_members(1))
    (folder / "train" / "pos" / ".DS_Store").write_bytes(b"\xff\xfe")
    assert len(imdb.read_reviews(folder, "train")) == 2
    bad = folder / "train" / "neg" / "5_1.txt"
    bad.write_bytes(b"caf\xe9 latin-1")
    with pytest.raises(store.DataIntegrityError, match="UTF-8") as info:
        imdb.read_reviews(folder, "train")
    assert str(bad) in str(info.value)
    bad.unlink()
    odd = folder / "train" / "neg" / "review copy.txt"
    odd.write_text("x")
    with pytest.raises(store.DataIntegrityError, match="ID_평점.txt") as info:
        imdb.read_reviews(folder, "train")
    assert str(odd) in str(info.value)


def test_shipped_imdb_manifest_matches_the_mirror(mirror: Path) -> None:
    shipped = store.manifest_of(store.get_dataset("imdb"))
    assert len(shipped) == 50_003
    for split in ("train", "test"):
        for folder in ("pos", "neg"):
            assert sum(p.startswith(f"{split}/{folder}/") for p in shipped) == 12_500
    document = manifest.build_manifest(mirror / "aclImdb", "imdb")
    assert {k: tuple(v) for k, v in document["files"].items()} == shipped
    assert store.check_folder(mirror / "aclImdb", shipped) is None


def test_manifest_from_an_archive_checks_the_pinned_hash(toy, tmp_path: Path) -> None:
    _, members, payload = toy
    archive = tmp_path / "toy.tar.gz"
    archive.write_bytes(payload)
    document = manifest.build_manifest(archive, "toy")
    assert {k: tuple(v) for k, v in document["files"].items()} == manifest_of(members)
    archive.write_bytes(payload + b"tail")
    with pytest.raises(store.DataIntegrityError):
        manifest.build_manifest(archive, "toy")


# --- derived IMDB arrays ---------------------------------------------------------------------

def test_derived_arrays_are_keyed_on_their_source(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    bad = write_tree(tmp_path / "bad-mirror", {**toy_members(2), f"{TOP}/train/pos/0_9.txt": b"zzz zzz zzz"})
    good = write_tree(tmp_path / "good-mirror", toy_members(2))
    _, from_bad = imdb.encoded_arrays(bad, cache)
    _, from_good = imdb.encoded_arrays(good, cache)
    assert "zzz" in from_bad and "zzz" not in from_good and "good" in from_good


def test_derived_arrays_of_the_pinned_content_survive_losing_the_reviews(toy, tmp_path: Path) -> None:
    _, members, _ = toy
    folder = write_tree(tmp_path / "src", members)
    pinned = store.manifest_of(store.get_dataset("toy"))
    first, _ = imdb.encoded_arrays(folder, tmp_path / "cache", pinned)
    for path in folder.rglob("*.txt"):
        path.unlink()  # the raw reviews are gone: the cached arrays of the pinned content answer
    second, _ = imdb.encoded_arrays(folder, tmp_path / "cache", pinned)
    assert all(np.array_equal(first[k], second[k]) for k in first)


@pytest.mark.parametrize("damage", [b"", b"not a zip at all", b"PK\x03\x04truncated"])
def test_corrupt_derived_file_is_rebuilt(tmp_path: Path, damage: bytes) -> None:
    folder = write_tree(tmp_path / "src", toy_members(2))
    cache = tmp_path / "cache"
    first, index = imdb.encoded_arrays(folder, cache)
    [derived] = (cache / "derived").glob("*.npz")
    derived.write_bytes(damage)
    with pytest.warns(store.DataWarning, match="다시 만듭니다"):
        again, index_again = imdb.encoded_arrays(folder, cache)
    assert index_again == index and all(np.array_equal(first[k], again[k]) for k in first)
    assert imdb.encoded_arrays(folder, cache)[1] == index  # and the rebuilt file reads fine


def test_derived_arrays_in_a_read_only_cache_are_built_in_memory(tmp_path: Path, monkeypatch) -> None:
    folder = write_tree(tmp_path / "src", toy_members(2))
    cache = tmp_path / "cache"
    cache.mkdir()
    deny_writes_in(cache, monkeypatch)
    with pytest.warns(store.DataWarning, match="COURSE_DATA_HOME"):
        _, index = imdb.encoded_arrays(folder, cache)
    assert "movie" in index
    assert not (cache / "derived").exists()


def test_killed_derived_build_leftovers_are_removed(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "src", toy_members(2))
    cache = tmp_path / "cache"
    target = imdb.derived_path(cache, imdb.source_identity(folder, None))
    target.parent.mkdir(parents=True)
    leftover = target.parent / f"{store.TEMP_PREFIX}{target.name}.abc123"
    leftover.write_bytes(b"half")
    foreign = target.parent / "tmp_not_ours.npz"
    foreign.write_bytes(b"someone else's")
    imdb.encoded_arrays(folder, cache)
    assert target.is_file() and not leftover.exists() and foreign.exists()


# --- bad files: mirror vs cache, quarantine, leftovers ---------------------------------------

def toy_file(monkeypatch, tmp_path: Path, payload: bytes = b"good,data\n") -> store.Dataset:
    dataset = make_dataset("toyfile", payload, closed_port_url(), "toy/toy.csv")
    monkeypatch.setattr(store, "registry", lambda: {"toyfile": dataset})
    return dataset


def test_bad_mirror_file_does_not_hide_a_good_cached_copy(tmp_path: Path, monkeypatch) -> None:
    toy_file(monkeypatch, tmp_path)
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    for root, content in ((mirror, b"garbage!!\n"), (cache, b"good,data\n")):
        (root / "toy").mkdir(parents=True)
        (root / "toy" / "toy.csv").write_bytes(content)
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("COURSE_DATA_HOME", str(cache))
    with pytest.warns(store.DataWarning, match=str(mirror / "toy" / "toy.csv")):
        assert store.locate("toyfile") == cache / "toy" / "toy.csv"
    assert (mirror / "toy" / "toy.csv").read_bytes() == b"garbage!!\n"


def test_second_bad_copy_does_not_overwrite_the_first(tmp_path: Path, monkeypatch, offline_env: Path) -> None:
    toy_file(monkeypatch, tmp_path)
    bad = offline_env / "toy" / "toy.csv"
    bad.parent.mkdir(parents=True)
    for attempt, name in ((b"first bad", "toy.csv.bad"), (b"second bad", "toy.csv.2.bad")):
        bad.write_bytes(attempt)
        with pytest.raises(store.DataIntegrityError, match=name):
            store.locate("toyfile")
    assert (bad.parent / "toy.csv.bad").read_bytes() == b"first bad"
    assert (bad.parent / "toy.csv.2.bad").read_bytes() == b"second bad"


def test_killed_download_leftovers_are_cleaned_only_if_ours(tmp_path: Path, monkeypatch, offline_env: Path,
                                                           http_server) -> None:
    base, served = http_server
    payload = b"good,data\n"
    (served / "toy.csv").write_bytes(payload)
    dataset = make_dataset("toyfile", payload, f"{base}/toy.csv", "toy/toy.csv")
    monkeypatch.setattr(store, "registry", lambda: {"toyfile": dataset})
    folder = offline_env / "toy"
    leftover = folder / f"{store.TEMP_PREFIX}download-toyfile-k1ll3d"
    leftover.mkdir(parents=True)
    (leftover / "toy.csv").write_bytes(payload[:3])  # what a killed download leaves
    foreign = folder / "tmpabc.csv"
    foreign.write_bytes(b"not ours")
    assert store.locate("toyfile").read_bytes() == payload
    assert sorted(p.name for p in folder.iterdir()) == ["tmpabc.csv", "toy.csv"]


def test_interrupted_download_leaves_nothing(tmp_path: Path, monkeypatch, offline_env: Path) -> None:
    import pooch

    toy_file(monkeypatch, tmp_path)

    def interrupted(**kwargs):
        Path(kwargs["path"], "partial").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(pooch, "retrieve", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.locate("toyfile")
    assert list((offline_env / "toy").iterdir()) == []


# --- unwritable caches -----------------------------------------------------------------------

def deny_writes_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``folder`` read-only, also for root (who ignores permission bits): creating files fails."""
    folder.chmod(0o555)
    real_mkstemp, real_mkdir = tempfile.mkstemp, Path.mkdir

    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and Path(dir).resolve().is_relative_to(folder.resolve()):
            raise PermissionError(13, "Permission denied", str(dir))
        return real_mkstemp(*args, dir=dir, **kwargs)

    def mkdir(self, *args, **kwargs):
        if self.resolve().is_relative_to(folder.resolve()) and not self.exists():
            raise PermissionError(13, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(Path, "mkdir", mkdir)


@pytest.fixture
def restore_mode(tmp_path: Path):
    yield
    for path in [tmp_path, *tmp_path.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)


def test_read_only_cache_is_a_clear_error(toy, tmp_path: Path, monkeypatch, restore_mode) -> None:
    _, _, payload = toy
    mirror_with_tarball(tmp_path, payload, monkeypatch)
    cache = tmp_path / "ro-cache"
    cache.mkdir()
    monkeypatch.setenv("COURSE_DATA_HOME", str(cache))
    deny_writes_in(cache, monkeypatch)
    with pytest.raises(store.CacheError, match="읽기 전용") as info:
        store.locate("toy")
    assert str(cache) in str(info.value) and "COURSE_DATA_HOME" in str(info.value)


def test_cache_that_is_a_file_is_a_clear_error_for_downloads(tmp_path: Path, monkeypatch) -> None:
    toy_file(monkeypatch, tmp_path)
    monkeypatch.delenv("COURSE_DATA_MIRROR", raising=False)
    home = tmp_path / "home-file"
    home.write_text("keep me")
    monkeypatch.setenv("COURSE_DATA_HOME", str(home))
    with pytest.raises(store.CacheError, match="파일입니다") as info:
        store.locate("toyfile")
    assert str(home) in str(info.value)
    assert home.read_text() == "keep me"


# --- command line: mirror -----------------------------------------------------------------------

def test_cli_mirror_offline_reports_each_failure_without_traceback(offline_env: Path, tmp_path: Path, capsys) -> None:
    assert data_cli(["mirror", str(tmp_path / "usb"), "ridership"]) == 1
    err = capsys.readouterr().err
    assert "❌ ridership" in err and store.get_dataset("ridership").url in err and "Traceback" not in err


def test_cli_mirror_pointed_at_a_file_says_so(with_mirror: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "usb.img"
    target.write_bytes(b"disk image")
    assert data_cli(["mirror", str(target), "ridership"]) == 1
    err = capsys.readouterr().err
    assert str(target) in err and "파일" in err
    assert target.read_bytes() == b"disk image"


# --- several processes at once ---------------------------------------------------------------

TRIALS = 3


def _worker(jobs: list[tuple[store.Dataset, dict, dict]], barrier, results) -> None:
    """Runs in a spawned process: for each trial, the data layer as a notebook would use it."""
    for trial, (dataset, files, env) in enumerate(jobs):
        os.environ.update(env)
        store.registry = lambda dataset=dataset: {dataset.name: dataset}
        store.read_manifest = lambda name, files=files: files
        barrier.wait()  # all processes start the trial together
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                path = store.locate(dataset.name, download=False)
            results.put((trial, "ok", str(path)))
        except store.DataError as exc:
            results.put((trial, type(exc).__name__, str(exc)))
        except Exception as exc:  # anything else is the bug this test looks for
            results.put((trial, "crash", f"{type(exc).__name__}: {exc}"))


def run_processes(jobs: list[tuple[store.Dataset, dict, dict]], n: int = 4) -> list[list[tuple[str, str]]]:
    """Run every job (one per trial) in ``n`` spawned processes at once; outcomes per trial."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(jobs, barrier, results)) for _ in range(n)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=300) for _ in range(n * len(jobs))]
    for p in procs:
        p.join(timeout=60)
    return [sorted(o[1:] for o in outcomes if o[0] == trial) for trial in range(len(jobs))]


def test_four_processes_extract_into_one_fresh_cache(tmp_path: Path) -> None:
    members = toy_members(400)  # 3,201 files: long enough for the processes to overlap
    payload = tarball(members)
    dataset = toy_dataset(payload)
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "toy.tar.gz").write_bytes(payload)
    caches = [tmp_path / f"shared-cache-{trial}" for trial in range(TRIALS)]
    jobs = [(dataset, manifest_of(members), {"COURSE_DATA_MIRROR": str(mirror), "COURSE_DATA_HOME": str(cache)})
            for cache in caches]
    for cache, outcome in zip(caches, run_processes(jobs)):
        assert outcome == [("ok", str(cache / TOP))] * 4, outcome
        assert store.check_folder(cache / TOP, manifest_of(members)) is None
        assert sorted(p.name for p in cache.iterdir()) == [store.LOCK_DIR, TOP]  # no leftovers, no .old


def test_four_processes_quarantine_one_bad_file(tmp_path: Path) -> None:
    dataset = make_dataset("toyfile", b"good,data\n", closed_port_url(), "toy/toy.csv")
    bad = b"bad bytes " * 100_000
    caches = [tmp_path / f"shared-cache-{trial}" for trial in range(TRIALS)]
    for cache in caches:
        (cache / "toy").mkdir(parents=True)
        (cache / "toy" / "toy.csv").write_bytes(bad)
    jobs = [(dataset, {}, {"COURSE_DATA_MIRROR": "", "COURSE_DATA_HOME": str(cache)}) for cache in caches]
    for cache, outcome in zip(caches, run_processes(jobs)):
        kinds = [kind for kind, _ in outcome]
        # each process gets a clear error: the bad file, or (if it came after the move) "not available"
        assert set(kinds) <= {"DataIntegrityError", "DatasetUnavailableError"} and "DataIntegrityError" in kinds, outcome
        assert sorted(p.name for p in (cache / "toy").iterdir()) == ["toy.csv.bad"]
        assert (cache / "toy" / "toy.csv.bad").read_bytes() == bad


def test_manifest_file_is_compact_gzip_json() -> None:
    raw = (Path(store.__file__).with_name("imdb_manifest.json.gz")).read_bytes()
    document = json.loads(gzip.decompress(raw))
    assert document["archive_sha256"] == store.get_dataset("imdb").sha256 and document["format"] == 1
    assert len(raw) < 1_000_000
