"""Shared fixtures: the dataset mirror and an isolated data cache for every test."""

from __future__ import annotations

import os
from pathlib import Path

import pooch
import pytest

ROOT = Path(__file__).resolve().parents[1]

# pooch's logger gets a StreamHandler on the sys.stderr of the moment it is first imported. Imported
# here, that is pytest's session-wide capture; imported first inside a test using capsys, it would be
# that test's stream, closed afterwards, and every later pooch message would print a "Logging error".
pooch.get_logger()


def find_mirror() -> Path | None:
    """The mirror named by COURSE_DATA_MIRROR, else ../shared/datasets beside the project."""
    for candidate in (os.environ.get("COURSE_DATA_MIRROR"), ROOT.parent / "shared" / "datasets"):
        if candidate and (Path(candidate) / "ynat").is_dir():
            return Path(candidate).resolve()
    return None


@pytest.fixture(scope="session")
def mirror() -> Path:
    """Path of the read-only dataset mirror; tests that need real data skip without it."""
    found = find_mirror()
    if found is None:
        pytest.skip("no dataset mirror (set COURSE_DATA_MIRROR or put shared/ beside the project)")
    return found


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache shared by the tests that use real data (so IMDB is encoded once per run)."""
    return tmp_path_factory.mktemp("course-cache")


@pytest.fixture
def with_mirror(monkeypatch: pytest.MonkeyPatch, mirror: Path, session_cache: Path) -> Path:
    """Point the data layer at the real mirror and the session cache."""
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("COURSE_DATA_HOME", str(session_cache))
    return mirror


@pytest.fixture
def offline_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No mirror and an empty cache of its own: only downloads could help."""
    monkeypatch.delenv("COURSE_DATA_MIRROR", raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSE_DATA_HOME", str(cache))
    return cache
