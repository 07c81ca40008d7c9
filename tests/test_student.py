"""Tests for the student edition (course_utils.tooling.student, ``make student``)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course_utils.tooling import student
from course_utils.tooling.runner import list_notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = list_notebooks(ROOT / "notebooks")


def synthetic(*, exercise: str = "answer = ...\ncheck.exercise_99_1(answer)",
              solution: str = "check.exercise_99_1(3, strict=True)", extra: list | None = None) -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [
        md("# 제목"),
        code("x = 1", outputs=[nbformat.v4.new_output("stream", text="1\n")], execution_count=1),
        md("## 연습문제\n\n**연습문제 1.** …"),
        code(exercise),
        md("## 연습문제 풀이\n\n**풀이 1.** 3입니다."),
        code(solution),
        md("## 참고 자료\n\n- 책"),
        *(extra or []),
    ]
    return nbformat.v4.new_notebook(cells=cells)


def test_student_edition_drops_the_solution_section_and_outputs_only() -> None:
    nb = synthetic()
    edition = student.student_notebook(nb, "99_x.ipynb")
    sources = [cell.source for cell in edition.cells]
    assert sources == ["# 제목", "x = 1", "## 연습문제\n\n**연습문제 1.** …",
                       "answer = ...\ncheck.exercise_99_1(answer)", "## 참고 자료\n\n- 책"]
    assert edition.cells[1].outputs == [] and edition.cells[1].execution_count is None
    assert edition.metadata["course_edition"] == "student"
    assert len(nb.cells) == 7 and nb.cells[1].outputs, "the instructor notebook is left untouched"


@pytest.mark.parametrize(
    ("notebook", "message"),
    [
        (nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 제목")]), "'## 연습문제' 로 시작하는"),
        (synthetic(extra=[nbformat.v4.new_code_cell("check.exercise_99_1(3, strict=True)")]), "풀이 절로 옮겨"),
        (synthetic(exercise="answer = 3\ncheck.exercise_99_1(answer)"), "답 자리를 `...` 로"),
        (synthetic(extra=[nbformat.v4.new_markdown_cell("## 연습문제 풀이\n\n또")]), "정확히 하나"),
    ],
    ids=["no sections", "solution outside", "answer left in exercise", "two solution sections"],
)
def test_layout_errors_name_the_notebook(notebook: nbformat.NotebookNode, message: str) -> None:
    with pytest.raises(student.StudentEditionError, match=message) as raised:
        student.student_notebook(notebook, "99_x.ipynb")
    assert str(raised.value).startswith("99_x.ipynb: ")


def test_cli_writes_nothing_when_one_notebook_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "nb"
    source.mkdir()
    nbformat.write(synthetic(), source / "01_good.ipynb")
    nbformat.write(synthetic(exercise="answer = 3\ncheck.exercise_99_1(answer)"), source / "02_bad.ipynb")
    out = tmp_path / "out"
    assert student.main(["--notebooks", str(source), "--out", str(out)]) == 2
    assert "02_bad.ipynb" in capsys.readouterr().err and not out.exists()
    assert student.main(["--notebooks", str(source), "--only", "01", "--out", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == ["01_good.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_course_notebook_has_a_student_edition(path: Path) -> None:
    """The edition is the instructor notebook minus the solutions; only references follow them.

    So each student-edition code cell is a cell that ``make test`` already executes (in the
    same order, before any solution) in the instructor edition.
    """
    nb = nbformat.read(path, as_version=4)
    start, stop = student.solution_span(nb, path.name)
    edition = student.student_notebook(nb, path.name)
    assert [c.source for c in edition.cells] == [c.source for c in nb.cells[:start] + nb.cells[stop:]]
    assert all(cell.cell_type == "markdown" for cell in nb.cells[stop:]), "only references after the solutions"
    assert any("check.exercise_" in c.source for c in nb.cells[start:stop] if c.cell_type == "code")
    assert not any("strict=True" in c.source for c in edition.cells)


def test_student_edition_of_notebook_00_runs_with_unanswered_exercises(monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: the student edition executes top to bottom; unanswered exercises print ❌."""
    source = ROOT / "notebooks" / "00_getting_started.ipynb"
    edition = student.student_notebook(nbformat.read(source, as_version=4), source.name)
    monkeypatch.setenv("COURSE_PROFILE", "ci")
    NotebookClient(edition, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute()
    exercise_cells = [c for c in edition.cells if c.cell_type == "code" and "check.exercise_" in c.source]
    printed = ["".join(out.get("text", "") for out in cell.outputs) for cell in exercise_cells]
    assert exercise_cells and all(text.startswith("❌") for text in printed), printed
