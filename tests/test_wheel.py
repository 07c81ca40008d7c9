"""The package works from a wheel, outside the repository (the Colab / JupyterHub route).

Builds the wheel, installs it with ``--no-deps --target`` into a temporary folder (the
dependencies are the ones of the running environment), then imports every module and
executes notebook 00 in ``ci`` from a folder outside the repository, with that folder first
on ``PYTHONPATH`` so that the wheel's ``course_utils`` — not the repository's — is used.
"""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import course_utils

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DATA_SUFFIXES = (".json", ".gz", ".tsv", ".txt", ".md", ".csv")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("rnn_course_ko-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
    )
    return target


def outside_env(installed: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(installed), "COURSE_PROFILE": "ci"}


def test_wheel_ships_every_package_data_file(wheel: Path) -> None:
    tracked = subprocess.run(["git", "ls-files", "course_utils"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    data_files = {path for path in tracked if path.endswith(PACKAGE_DATA_SUFFIXES)}
    assert data_files, "the package has data files (registry, manifests, evaluation sets)"
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    assert data_files <= shipped, f"missing from the wheel: {sorted(data_files - shipped)}"


def test_every_module_imports_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    modules = sorted(m.name for m in pkgutil.walk_packages(course_utils.__path__, "course_utils.")
                     if not m.name.endswith("__main__"))
    script = (
        "import importlib, course_utils, sys\n"
        f"assert course_utils.__file__.startswith({str(installed)!r}), course_utils.__file__\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "from course_utils.data import store\n"
        "assert {'imdb', 'ynat', 'kor_eng'} <= set(store.registry())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=outside_env(installed),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]


def test_notebook_00_runs_outside_the_repository_with_the_wheel(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebook = tmp_path / "00_getting_started.ipynb"
    shutil.copy(ROOT / "notebooks" / notebook.name, notebook)
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import course_utils\nprint(course_utils.__file__)"))
    monkeypatch.chdir(tmp_path)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=outside_env(installed))
    assert nb.cells[0].outputs[0]["text"].startswith(str(installed))
