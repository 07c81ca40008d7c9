"""Student edition of the notebooks: ``python -m course_utils.tooling.student`` (``make student``).

Every course notebook ends with the same sections (see ``shared/course-style.md``)::

    ## 연습문제        exercise cells with ``...`` placeholders and a ``check.exercise_XX_Y`` call
    ## 연습문제 풀이   worked solutions, checked with ``strict=True``
    ## 참고 자료       references

The student edition is the same notebook without the ``## 연습문제 풀이`` section (from its
heading up to, not including, ``## 참고 자료``), with outputs cleared. Everything else is
identical, so a student edition runs wherever the instructor edition runs: its exercise
cells are the very cells that the instructor edition executes (and CI checks) before the
solutions. A notebook that breaks the layout — no such sections, a worked solution
(``strict=True``) outside the solution section, an exercise cell holding an answer instead
of ``...`` — is refused with a message naming it.

    python -m course_utils.tooling.student [--notebooks DIR] [--only NN ...] [--out build/student]
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat

from course_utils.tooling.runner import notebook_parser, notebooks_from_args

EXERCISES_HEADING = "## 연습문제"
SOLUTIONS_HEADING = "## 연습문제 풀이"
REFERENCES_HEADING = "## 참고 자료"
STRICT_MARK = "strict=True"
CHECK_CALL = "check.exercise_"
PLACEHOLDER = "..."


class StudentEditionError(ValueError):
    """A notebook whose exercise/solution layout does not allow a student edition."""


def _heading_index(cells: Sequence[nbformat.NotebookNode], heading: str, name: str) -> int:
    """Index of the one markdown cell whose first line is exactly ``heading``."""
    found = [
        i for i, cell in enumerate(cells)
        if cell.cell_type == "markdown" and cell.source.lstrip().splitlines()[:1] == [heading]
    ]
    if len(found) != 1:
        raise StudentEditionError(
            f"{name}: '{heading}' 로 시작하는 마크다운 셀이 정확히 하나 있어야 해요 (찾은 수: {len(found)}). "
            "shared/course-style.md 의 노트북 뼈대를 따라 주세요."
        )
    return found[0]


def solution_span(nb: nbformat.NotebookNode, name: str) -> tuple[int, int]:
    """``(start, stop)`` of the solution section: from its heading up to the references heading.

    Also checks the rest of the layout: the exercises come before the solutions, every
    exercise cell leaves its answer as ``...``, and no worked solution sits outside the span.
    """
    cells = nb.cells
    exercises = _heading_index(cells, EXERCISES_HEADING, name)
    start = _heading_index(cells, SOLUTIONS_HEADING, name)
    stop = _heading_index(cells, REFERENCES_HEADING, name)
    if not exercises < start < stop:
        raise StudentEditionError(
            f"{name}: 절의 순서는 '{EXERCISES_HEADING}' → '{SOLUTIONS_HEADING}' → '{REFERENCES_HEADING}' 이어야 해요."
        )
    for i, cell in enumerate(cells):
        if cell.cell_type != "code" or start <= i < stop:
            continue
        if STRICT_MARK in cell.source:
            raise StudentEditionError(
                f"{name}: 풀이 셀({STRICT_MARK})이 '{SOLUTIONS_HEADING}' 절 밖의 {i}번째 셀에 있어요. 풀이 절로 옮겨 주세요."
            )
        if exercises < i < start and CHECK_CALL in cell.source and PLACEHOLDER not in cell.source:
            raise StudentEditionError(
                f"{name}: 연습문제 {i}번째 셀에 답이 들어 있어요. 학생용에서는 답 자리를 `{PLACEHOLDER}` 로 남겨 주세요."
            )
    return start, stop


def student_notebook(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Return the student edition of ``nb``: solution section removed, outputs cleared."""
    start, stop = solution_span(nb, name)
    student = copy.deepcopy(nb)
    student.cells = student.cells[:start] + student.cells[stop:]
    for cell in student.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    student.metadata["course_edition"] = "student"
    return student


def write_student_edition(notebooks: Sequence[Path], out_dir: Path) -> list[Path]:
    """Write the student edition of each notebook into ``out_dir`` (same file names)."""
    editions = [
        (out_dir / path.name, student_notebook(nbformat.read(path, as_version=4), path.name)) for path in notebooks
    ]  # check every notebook before writing any
    out_dir.mkdir(parents=True, exist_ok=True)
    for target, nb in editions:
        nbformat.write(nb, target)
    return [target for target, _ in editions]


def main(argv: Sequence[str] | None = None) -> int:
    """Write the student edition; 0 on success, 2 when a notebook is refused or none is found."""
    parser = notebook_parser("python -m course_utils.tooling.student", "학생용 노트북(풀이 제외) 만들기", out_default="build/student")
    args = parser.parse_args(argv)
    notebooks = notebooks_from_args(args)
    if notebooks is None:
        return 2
    try:
        written = write_student_edition(notebooks, args.out)
    except StudentEditionError as error:
        print(f"오류: {error}", file=sys.stderr)
        return 2
    print(f"학생용 노트북 {len(written)}개를 {args.out} 에 만들었어요.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
