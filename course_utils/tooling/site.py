"""Build the static HTML course: ``python -m course_utils.tooling.site``.

Executes every notebook (see :mod:`course_utils.tooling.runner`), converts each executed notebook
to ``NN_topic.html`` with nbconvert's ``lab`` template (plots embedded as images, styles
inline) and writes a Korean ``index.html``: a course home page (what the course is and for
whom, the path through the notebooks, and for each notebook its goal, the lecture notes it
covers, its test headline beside its baseline from this run, status and time, and download
links for the instructor edition and the student edition of :mod:`course_utils.tooling.student`).
A failing notebook still gets a page showing its error; the command then exits with 1.
Status marks are text with CSS colours, so they render without an emoji font.

The site works offline: MathJax is copied from the ``jupyter-server-mathjax`` package into
``_static/mathjax`` (formulas render without a CDN), require.js is not loaded, and each page
carries a small navigation bar (목차 / 이전 / 다음).

    python -m course_utils.tooling.site [--profile class] [--notebooks DIR] [--out build/site]
                                [--only NN ...] [--no-execute]
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from course_utils.metrics import HEADLINE_KEY
from course_utils.tooling.runner import (
    ExecResult,
    execute_notebook,
    notebook_number,
    notebook_title,
    notebook_parser,
    notebooks_from_args,
)
from course_utils.tooling.student import StudentEditionError, student_notebook

COURSE_TITLE = "순환 신경망(RNN) 실습 강좌"
DOWNLOADS_DIR = "downloads"
LECTURE_NOTE = re.compile(r"(?<![0-9])(00[0-9])(?![0-9])")
COURSE_INTRO = """
<p>순서가 있는 데이터(문장, 리뷰, 뉴스 제목, 시계열, 번역할 문장)를 다루는 신경망을 Keras 3 / TensorFlow로 직접 만들어 보는
한국어 강좌입니다. 다섯 개의 한국어 강의 노트를 바탕으로, 모든 예제를 실제 데이터에서 실행하고 숫자로 확인합니다.</p>
<p><strong>대상</strong>: 파이썬과 NumPy를 쓸 줄 알고 신경망의 기초(층, 손실, 경사 하강법)를 들어 본 학생, 그리고 이 강좌로
가르치는 강사. GPU는 필요 없습니다. 노트북마다 2코어 노트북에서 10분 안에 끝나도록 맞췄습니다.</p>
<p><strong>길</strong>: 준비와 텍스트 다루기(00–02) → RNN의 속(03–04) → 분류(05–06) → 예측(07) → 생성(08)
→ 조건부 생성, 번역(09). 각 노트북의 헤드라인 숫자는 <em>한 번만</em> 쓴 테스트 분할의 최종 모델 점수이고, 같은 분할의
가장 강한 단순 기준 모델 점수와 나란히 적었습니다.</p>
"""
MATHJAX_DIR = "_static/mathjax"
MATHJAX_URL = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
NAV_STYLE = (
    "font-family: system-ui, sans-serif; max-width: 1100px; margin: 0.5rem auto; padding: 0.4rem 1rem;"
    " border-bottom: 1px solid #ddd; display: flex; gap: 1.5rem; font-size: 0.95rem;"
)

INDEX_CSS = """
body { font-family: system-ui, "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", "NanumGothic", sans-serif;
       max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.6; }
h1 { margin-bottom: 0.2rem; }
.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin-top: 1.5rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num, td.time, td.status, td.links { white-space: nowrap; font-variant-numeric: tabular-nums; }
.goal { color: #444; font-size: 0.92em; display: block; }
.headline { font-size: 0.9em; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 0.5em; border-radius: 0.8em; font-size: 0.85em; font-weight: 600; }
.ok { background: #dff3e4; color: #11612b; }
.fail { background: #fde2e4; color: #8a0015; }
.skip { background: #eee; color: #555; }
.error { color: #b00020; font-size: 0.9em; display: block; }
"""


@dataclass
class SitePage:
    """One notebook of the site: its page, downloads and, when it was executed, the run's outcome."""

    notebook: Path
    title: str
    page: Path
    result: ExecResult | None  # None when the notebook was converted without being executed
    goal: str = ""
    lectures: tuple[str, ...] = ()
    instructor: Path | None = None
    student: Path | None = None  # None when the notebook has no exercise/solution layout


def notebook_summary(nb: nbformat.NotebookNode) -> tuple[str, tuple[str, ...]]:
    """The goal and the lecture notes named in the '강의 노트와의 대응' section.

    The goal is the first sentence of the introduction (the title cell) that speaks of
    "이 노트북", else its first sentence.
    """
    goal, lectures = "", ()
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.strip().splitlines()
        if not goal and lines and lines[0].startswith("# "):
            body = " ".join(line.strip() for line in lines[1:] if line.strip())
            sentences = re.split(r"(?<=[.!?])\s", re.sub(r"\*\*|`", "", body)) if body else [""]
            goal = next((s for s in sentences if "이 노트북" in s), sentences[0])
        if lines and "강의 노트와의 대응" in lines[0]:
            lectures = tuple(sorted(set(LECTURE_NOTE.findall(cell.source))))
    return goal, lectures


def write_downloads(notebook: Path, nb: nbformat.NotebookNode, out_dir: Path) -> tuple[Path, Path | None]:
    """Copy the instructor edition and write the student edition under ``out_dir/downloads``."""
    instructor = out_dir / DOWNLOADS_DIR / "instructor" / notebook.name
    instructor.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, instructor)
    try:
        edition = student_notebook(nb, notebook.name)
    except StudentEditionError:
        return instructor, None
    student = out_dir / DOWNLOADS_DIR / "student" / notebook.name
    student.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(edition, student)
    return instructor, student


def copy_mathjax(out_dir: Path) -> Path:
    """Copy the MathJax shipped by ``jupyter-server-mathjax`` into ``out_dir/_static/mathjax``."""
    target = out_dir / MATHJAX_DIR
    if not (target / "MathJax.js").is_file():
        with resources.as_file(resources.files("jupyter_server_mathjax") / "static") as source:
            shutil.copytree(source, target, dirs_exist_ok=True)
    return target


def navigation(previous: SitePage | None, following: SitePage | None) -> str:
    """The bar at the top of a page: back to the index, previous and next notebook."""
    links = ['<a href="index.html">← 목차</a>']
    for label, page in (("이전", previous), ("다음", following)):
        if page is not None:
            links.append(f'<a href="{html.escape(page.page.name)}">{label}: {html.escape(page.title)}</a>')
    return f'<nav class="course-nav" style="{NAV_STYLE}">{"".join(links)}</nav>'


def render_page(nb: nbformat.NotebookNode, *, source: Path, title: str, out: Path, nav: str = "") -> None:
    """Write ``nb`` as a standalone HTML page; images referenced from ``source``'s folder are embedded.

    ``nav`` (HTML) is placed right after ``<body>``.
    """
    exporter = HTMLExporter(
        template_name="lab", embed_images=True, language_code="ko", mathjax_url=MATHJAX_URL, require_js_url=""
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": title, "path": str(source.parent.resolve())}}
    )
    if nav:
        head, sep, rest = body.partition("<body")
        tag_end = rest.index(">") + 1
        body = head + sep + rest[:tag_end] + "\n" + nav + rest[tag_end:]
    out.write_text(body, encoding="utf-8")


def _status_cell(page: SitePage) -> str:
    if page.result is None:
        return '<span class="badge skip">실행 안 함</span>'
    if page.result.ok:
        return '<span class="badge ok">성공</span>'
    return f'<span class="badge fail">실패</span><span class="error">{html.escape(page.result.error or "")}</span>'


def _headline_cell(page: SitePage) -> str:
    record = page.result.metrics.get(HEADLINE_KEY) if page.result is not None else None
    if not isinstance(record, dict):
        return "—"
    return (
        f'<span class="headline">{html.escape(record["metric"])} ({html.escape(record["split"])})<br>'
        f'{html.escape(record["model"])} <strong>{record["model_value"]:.4g}</strong><br>'
        f'기준 모델 {html.escape(record["baseline"])} {record["baseline_value"]:.4g}</span>'
    )


def _link(path: Path | None, out_dir: Path, label: str) -> str:
    if path is None:
        return "—"
    return f'<a href="{html.escape(path.relative_to(out_dir).as_posix())}" download>{label}</a>'


def render_index(pages: Sequence[SitePage], *, profile: str | None, out_dir: Path) -> str:
    """Return the Korean course home page ``index.html`` listing ``pages`` in lecture order.

    ``profile`` is ``None`` when the notebooks were converted without being executed.
    """
    rows = []
    for page in pages:
        seconds = "—" if page.result is None else f"{page.result.seconds:.1f}초"
        lectures = ", ".join(page.lectures) or "—"
        rows.append(
            "<tr>"
            f'<td class="num">{notebook_number(page.notebook):02d}</td>'
            f'<td><a href="{html.escape(page.page.name)}">{html.escape(page.title)}</a>'
            f'<span class="goal">{html.escape(page.goal)}</span></td>'
            f"<td>{html.escape(lectures)}</td>"
            f"<td>{_headline_cell(page)}</td>"
            f'<td class="status">{_status_cell(page)}</td>'
            f'<td class="time">{seconds}</td>'
            f'<td class="links">{_link(page.instructor, out_dir, "강사용")}<br>{_link(page.student, out_dir, "학생용")}</td>'
            "</tr>"
        )
    run_note = (
        f"실행 프로파일: <strong>{html.escape(profile)}</strong>"
        if profile is not None
        else "노트북을 실행하지 않고 저장된 상태 그대로 변환했습니다."
    )
    built = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{COURSE_TITLE}</title>
<style>{INDEX_CSS}</style>
</head>
<body>
<h1>{COURSE_TITLE}</h1>
<p class="meta">{run_note} · 생성 시각: {html.escape(built)}</p>
{COURSE_INTRO}
<table>
<thead><tr><th>번호</th><th>노트북과 목표</th><th>강의 노트</th><th>헤드라인: 모델 vs 기준 모델</th><th>상태</th>
<th>실행 시간</th><th>내려받기</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p class="meta">강사용은 풀이가 들어 있는 노트북, 학생용은 풀이 절을 뺀 노트북입니다(<code>make student</code>와 같습니다).</p>
</body>
</html>
"""


def build_site(
    notebooks: Sequence[Path], out_dir: Path, *, profile: str, execute: bool = True
) -> list[SitePage]:
    """Execute (unless ``execute`` is false) and convert ``notebooks`` into ``out_dir``; write the index.

    Pages of notebooks that are not in ``notebooks`` (left from an earlier build) are removed.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_mathjax(out_dir)
    pages, executed = [], {}
    with tempfile.TemporaryDirectory(prefix="course-site-") as tmp:
        for notebook in notebooks:
            result = None
            executed[notebook] = notebook
            if execute:
                executed[notebook] = Path(tmp) / notebook.name
                result = execute_notebook(notebook, profile=profile, output_path=executed[notebook],
                                          metrics_path=Path(tmp) / f"{notebook.stem}.metrics.json")
            source = nbformat.read(notebook, as_version=4)
            goal, lectures = notebook_summary(source)
            instructor, student = write_downloads(notebook, source, out_dir)
            pages.append(SitePage(notebook, notebook_title(notebook), out_dir / f"{notebook.stem}.html", result,
                                  goal, lectures, instructor, student))
        for i, page in enumerate(pages):
            nav = navigation(pages[i - 1] if i else None, pages[i + 1] if i + 1 < len(pages) else None)
            render_page(nbformat.read(executed[page.notebook], as_version=4), source=page.notebook,
                        title=page.title, out=page.page, nav=nav)
    keep = {page.page.name for page in pages} | {"index.html"}
    notebook_names = {page.notebook.name for page in pages}
    for stale in [*out_dir.glob("*.html"), *out_dir.glob(f"{DOWNLOADS_DIR}/*/*.ipynb")]:
        if stale.name not in keep | notebook_names:
            stale.unlink()
    (out_dir / "index.html").write_text(
        render_index(pages, profile=profile if execute else None, out_dir=out_dir), encoding="utf-8"
    )
    return pages


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = notebook_parser("python -m course_utils.tooling.site", f"{COURSE_TITLE} HTML 사이트 생성", out_default="build/site")
    parser.add_argument("--no-execute", action="store_true", help="실행하지 않고 저장된 노트북을 그대로 변환")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the site; return 0 only if every executed notebook ran without error."""
    args = parse_args(argv)
    notebooks = notebooks_from_args(args)
    if notebooks is None:
        return 2
    pages = build_site(notebooks, args.out, profile=args.profile, execute=not args.no_execute)
    print(f"사이트 생성 완료: {args.out / 'index.html'} (노트북 {len(pages)}개)")
    failed = [page.result for page in pages if page.result is not None and not page.result.ok]
    if failed:
        print(f"실패한 노트북 {len(failed)}개:", file=sys.stderr)
        for result in failed:
            print(f"  실패 {result.path.name}: {result.error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
