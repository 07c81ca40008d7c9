"""Project-wide rules: one dependency set, stripped notebooks in the course skeleton,
a coverage map that points at real sections, and CI that runs the README's command."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: pytest itself depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SKELETON = ("학습 목표", "강의 노트와의 대응", "정리", "연습문제", "연습문제 풀이", "참고 자료")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return {Requirement(r).name.lower(): str(Requirement(r).specifier) for r in reqs}


def environment_pip_requirements() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    pip_block = text.split("- pip:", 1)[1]
    items = [m.strip().strip('"') for m in re.findall(r"^\s+- (.+?)\s*(?:#.*)?$", pip_block, re.M)]
    reqs = [Requirement(i) for i in items if not i.startswith("-e")]
    return {r.name.lower(): str(r.specifier) for r in reqs}


def test_environment_yml_names_the_same_packages_as_pyproject() -> None:
    assert environment_pip_requirements() == pyproject_requirements()


def test_environment_yml_brings_python_a_jdk_and_the_package() -> None:
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+- python=3\.11", text, re.M)
    assert re.search(r"^\s+- openjdk", text, re.M)
    assert '- "-e ."' in text


def test_keras_3_is_a_lower_bound() -> None:
    spec = pyproject_requirements()["keras"]
    assert ">=3" in spec


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def markdown_headings(path: Path) -> list[str]:
    headings = []
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            headings += [m.strip() for m in re.findall(r"^#+\s+(.+)$", "".join(cell["source"]), re.M)]
    return headings


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/ is empty"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_with_outputs_stripped(path: Path) -> None:
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_course_skeleton(path: Path) -> None:
    assert re.fullmatch(r"\d{2}_[a-z0-9_]+\.ipynb", path.name), "file names are ASCII NN_topic.ipynb"
    cells = load(path)["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    headings = markdown_headings(path)
    for section in SKELETON:
        assert section in headings, f"{path.name} lacks the section '{section}'"
    first_code = next(c for c in cells if c["cell_type"] == "code")
    assert "config.setup(" in "".join(first_code["source"]), "the setup cell calls config.setup()"
    sources = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "config.report_metric(" in sources, "the headline result is exposed for make bench"
    assert re.search(r"check\.exercise_\d{2}_\d+\(", sources), "exercises end with a self-check"


def coverage_rows() -> list[list[str]]:
    rows = []
    for line in (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8").splitlines():
        if re.match(r"^\| \d{3} \|", line):
            rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def test_coverage_rows_point_to_existing_notebooks_and_headings() -> None:
    rows = coverage_rows()
    filled = [r for r in rows if r[2] != "—"]
    assert filled, "at least one topic is taught"
    for note, topic, link, section in rows:
        if link == "—":
            assert section == "—", topic
            continue
        target = re.fullmatch(r"\[[^\]]+\]\(\.\./notebooks/([^)]+\.ipynb)\)", link)
        assert target, f"bad link for {topic!r}: {link}"
        notebook = ROOT / "notebooks" / target.group(1)
        assert notebook.is_file(), f"{topic!r} points to a missing notebook {notebook.name}"
        assert section in markdown_headings(notebook), f"{notebook.name} has no heading {section!r}"


def test_coverage_lists_every_lecture_topic() -> None:
    readme = ROOT.parent / "shared" / "lectures" / "README.md"
    if not readme.is_file():
        pytest.skip("shared/lectures is not beside the project")
    expected = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(\d{3})_[0-9a-f]+\.txt` \| .+? \| (.+) \|$", line)
        if match:
            expected += [(match.group(1), t.strip()) for t in match.group(2).split("; ")]
    assert [(r[0], r[1]) for r in coverage_rows()] == expected


def test_ci_runs_the_test_command_written_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make course" in readme and "make test" in readme
    assert re.search(r"^make test", (ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.M)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "COURSE_PROFILE=ci" in test_recipe and "--nbval-lax" in test_recipe and "notebooks" in test_recipe
