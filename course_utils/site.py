"""Build the static HTML course: ``python -m course_utils.site``.

Executes every notebook (see :mod:`course_utils.runner`), converts each executed notebook
to ``NN_topic.html`` with nbconvert's ``lab`` template (plots embedded as images, styles
inline) and writes a Korean ``index.html`` with the lecture list, profile, timings and status.
A failing notebook still gets a page showing its error; the command then exits with 1.

The site works offline: MathJax is copied from the ``jupyter-server-mathjax`` package into
``_static/mathjax`` (formulas render without a CDN), require.js is not loaded, and each page
carries a small navigation bar (목차 / 이전 / 다음).

    python -m course_utils.site [--profile class] [--notebooks DIR] [--out build/site]
                                [--only NN ...] [--no-execute]
"""

from __future__ import annotations

import argparse
import html
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

from course_utils.runner import (
    ExecResult,
    execute_notebook,
    notebook_number,
    notebook_title,
    notebook_parser,
    notebooks_from_args,
)

COURSE_TITLE = "순환 신경망(RNN) 실습 강좌"
MATHJAX_DIR = "_static/mathjax"
MATHJAX_URL = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
NAV_STYLE = (
    "font-family: system-ui, sans-serif; max-width: 1100px; margin: 0.5rem auto; padding: 0.4rem 1rem;"
    " border-bottom: 1px solid #ddd; display: flex; gap: 1.5rem; font-size: 0.95rem;"
)

INDEX_CSS = """
body { font-family: system-ui, "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif,
       "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.6; }
h1 { margin-bottom: 0.2rem; }
.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin-top: 1.5rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num, td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
.error { color: #b00020; font-size: 0.9em; display: block; }
"""


@dataclass
class SitePage:
    """One notebook of the site: its page and, when it was executed, the run's outcome."""

    notebook: Path
    title: str
    page: Path
    result: ExecResult | None  # None when the notebook was converted without being executed


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
        return "— 실행 안 함"
    if page.result.ok:
        return "✅ 성공"
    return f'❌ 실패<span class="error">{html.escape(page.result.error or "")}</span>'


def render_index(pages: Sequence[SitePage], *, profile: str | None) -> str:
    """Return the Korean ``index.html`` listing ``pages`` in lecture order.

    ``profile`` is ``None`` when the notebooks were converted without being executed.
    """
    rows = []
    for page in pages:
        seconds = "—" if page.result is None else f"{page.result.seconds:.1f}초"
        rows.append(
            "<tr>"
            f'<td class="num">{notebook_number(page.notebook):02d}</td>'
            f'<td><a href="{html.escape(page.page.name)}">{html.escape(page.title)}</a></td>'
            f"<td>{_status_cell(page)}</td>"
            f'<td class="time">{seconds}</td>'
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
<table>
<thead><tr><th>번호</th><th>제목</th><th>상태</th><th>실행 시간</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
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
                result = execute_notebook(notebook, profile=profile, output_path=executed[notebook])
            pages.append(SitePage(notebook, notebook_title(notebook), out_dir / f"{notebook.stem}.html", result))
        for i, page in enumerate(pages):
            nav = navigation(pages[i - 1] if i else None, pages[i + 1] if i + 1 < len(pages) else None)
            render_page(nbformat.read(executed[page.notebook], as_version=4), source=page.notebook,
                        title=page.title, out=page.page, nav=nav)
    keep = {page.page.name for page in pages} | {"index.html"}
    for stale in out_dir.glob("*.html"):
        if stale.name not in keep:
            stale.unlink()
    (out_dir / "index.html").write_text(
        render_index(pages, profile=profile if execute else None), encoding="utf-8"
    )
    return pages


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = notebook_parser("python -m course_utils.site", f"{COURSE_TITLE} HTML 사이트 생성", out_default="build/site")
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
            print(f"  ❌ {result.path.name}: {result.error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
