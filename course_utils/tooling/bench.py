"""Benchmark the notebooks: ``python -m course_utils.tooling.bench``.

Executes each notebook in a fresh kernel and writes ``results.csv`` and ``results.md``
(wall time, sampled peak RSS, status, headline metrics) into the output folder, with the
date, the machine and the targets: in ``class`` every notebook within 600 s and 4096 MB,
in ``ci`` the whole suite within 600 s. Exceeding a target prints a warning; only a
failing notebook makes the exit code non-zero.

    python -m course_utils.tooling.bench [--profile class] [--notebooks DIR] [--only NN ...] [--out bench] [--update] [--executed DIR]

``--update`` refreshes only the notebooks run now: the other rows of the same profile are kept
from the earlier ``results.csv``, each marked with the time it was measured.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from datetime import datetime
from importlib import metadata
from pathlib import Path

import psutil

from course_utils.metrics import HEADLINE_KEY
from course_utils.tooling.runner import ExecResult, execute_notebook, notebook_parser, notebooks_from_args

CLASS_SECONDS_PER_NOTEBOOK = 600
CLASS_MB_PER_NOTEBOOK = 4096
CI_SUITE_SECONDS = 600
CSV_COLUMNS = ("notebook", "profile", "wall_seconds", "peak_rss_mb", "status", "headline", "metrics", "date", "error")
MD_HEADERS = (
    "노트북 (notebook)",
    "프로파일",
    "시간 (wall s)",
    "최대 RSS (MB)",
    "상태 (status)",
    "헤드라인: 모델 vs 기준 모델 (headline)",
    "그 밖의 지표 (metrics)",
)


def format_metrics(metrics: dict[str, object]) -> str:
    """Render the other metrics as ``name=value`` pairs separated by ``; `` (the headline has its own column)."""
    return "; ".join(
        f"{name}={value:.4g}" if isinstance(value, float) else f"{name}={value}"
        for name, value in metrics.items()
        if name != HEADLINE_KEY
    )


def format_headline(metrics: dict[str, Any]) -> str:
    """Render ``report_headline``'s record: ``metric (split): model value vs baseline value``; ``—`` if none."""
    record = metrics.get(HEADLINE_KEY)
    if not isinstance(record, dict):
        return "—"
    return (
        f"{record['metric']} ({record['split']}): {record['model']} {record['model_value']:.4g}"
        f" vs {record['baseline']} {record['baseline_value']:.4g}"
    )


@dataclass(frozen=True)
class Row:
    """One notebook's line of the report, from a run now (:meth:`from_result`) or an earlier ``results.csv``."""

    notebook: str
    profile: str
    seconds: float
    peak_rss_mb: float
    headline: str
    metrics: str
    date: str
    error: str | None = None

    @classmethod
    def from_result(cls, result: ExecResult, date: str) -> Row:
        return cls(result.path.name, result.profile, result.seconds, result.peak_rss_mb,
                   format_headline(result.metrics), format_metrics(result.metrics), date, result.error)

    @property
    def ok(self) -> bool:
        return self.error is None


def read_rows(path: Path) -> list[Row]:
    """The rows of an earlier ``results.csv`` (an empty list if there is none, or it predates the date column)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    if not records or "date" not in records[0]:
        return []
    return [
        Row(r["notebook"], r["profile"], float(r["wall_seconds"]), float(r["peak_rss_mb"]), r["headline"], r["metrics"],
            r["date"], None if r["status"] == "ok" else (r.get("error") or "error"))
        for r in records
    ]


def target_warnings(result: ExecResult | Row) -> list[str]:
    """Return the per-notebook targets that ``result`` exceeds (only ``class`` has them)."""
    if result.profile != "class":
        return []
    warnings = []
    if result.seconds > CLASS_SECONDS_PER_NOTEBOOK:
        warnings.append(f"{result.seconds:.0f} s > {CLASS_SECONDS_PER_NOTEBOOK} s")
    if result.peak_rss_mb > CLASS_MB_PER_NOTEBOOK:
        warnings.append(f"{result.peak_rss_mb:.0f} MB > {CLASS_MB_PER_NOTEBOOK} MB")
    return warnings


def suite_warning(results: Sequence[ExecResult | Row], profile: str) -> str | None:
    """Return a warning when the ``ci`` suite's total time exceeds its target."""
    total = sum(r.seconds for r in results)
    if profile == "ci" and total > CI_SUITE_SECONDS:
        return f"ci 전체 {total:.0f} s > {CI_SUITE_SECONDS} s"
    return None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "미설치"


def machine_summary() -> str:
    """Describe this machine without importing TensorFlow."""
    memory_gb = psutil.virtual_memory().total / 2**30
    return (
        f"CPU {os.cpu_count()}코어, 메모리 {memory_gb:.0f} GB, {platform.platform()}, "
        f"Python {platform.python_version()}, TensorFlow {_version('tensorflow')}, Keras {_version('keras')}"
    )


def write_csv(rows: Sequence[Row], path: Path) -> None:
    """Write one row per notebook."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for r in rows:
            writer.writerow([r.notebook, r.profile, f"{r.seconds:.1f}", f"{r.peak_rss_mb:.0f}", "ok" if r.ok else "error",
                             r.headline, r.metrics, r.date, r.error or ""])


def table_cell(text: str) -> str:
    """Make ``text`` safe inside one Markdown table cell: ``|`` escaped, line breaks as ``<br>``."""
    lines = [line.strip() for line in str(text).replace("\\", "\\\\").replace("|", "\\|").splitlines()]
    return "<br>".join(line for line in lines if line)


def _table_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(table_cell(c) for c in cells) + " |"


def merge_rows(results: Sequence[ExecResult], date: str, earlier: Sequence[Row] = ()) -> list[Row]:
    """This run's rows and the earlier rows of notebooks not run now, sorted by notebook."""
    now = [Row.from_result(r, date) for r in results]
    ran = {r.notebook for r in now}
    return sorted([*now, *(r for r in earlier if r.notebook not in ran)], key=lambda r: r.notebook)


def render_markdown(
    results: Sequence[ExecResult], profile: str, *, date: str, machine: str, earlier: Sequence[Row] = ()
) -> str:
    """Return the Markdown report; rows over a target are marked with ⚠️, rows kept from ``earlier`` with their date."""
    lines = [
        f"# 노트북 벤치마크 (프로파일 `{profile}`)",
        "",
        f"- 날짜: {date}",
        f"- 머신: {machine}",
        f"- 목표: `class` 프로파일에서 노트북마다 ≤ {CLASS_SECONDS_PER_NOTEBOOK} s, "
        f"≤ {CLASS_MB_PER_NOTEBOOK} MB; `ci` 프로파일 전체 ≤ {CI_SUITE_SECONDS} s",
        "",
        _table_row(MD_HEADERS),
        "| --- | --- | ---: | ---: | --- | --- | --- |",
    ]
    rows = merge_rows(results, date, earlier)
    for r in rows:
        warn = " ⚠️" if target_warnings(r) else ""
        status = "ok" if r.ok else f"error: {r.error}"
        if r.date != date:
            status += f" (이전 실행: {r.date})"
        cells = [f"{r.notebook}{warn}", r.profile, f"{r.seconds:.1f}", f"{r.peak_rss_mb:.0f}", status]
        lines.append(_table_row([*cells, r.headline, r.metrics]))
    total = sum(r.seconds for r in rows)
    suite_mark = " ⚠️" if suite_warning(rows, profile) else ""
    lines += ["", f"합계 (total): {total:.1f} s{suite_mark}", ""]
    return "\n".join(lines)


def run_bench(notebooks: Sequence[Path], *, profile: str, executed: Path | None = None) -> list[ExecResult]:
    """Execute each notebook in its own kernel, collecting its headline metrics from a temp file.

    With ``executed`` (a folder), each executed notebook is saved there with its outputs, so the
    numbers in the report can be read in context.
    """
    if executed is not None:
        executed.mkdir(parents=True, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
        for notebook in notebooks:
            metrics_path = Path(tmp) / f"{notebook.stem}.json"
            output_path = executed / notebook.name if executed is not None else None
            results.append(
                execute_notebook(notebook, profile=profile, output_path=output_path, metrics_path=metrics_path)
            )
    return results


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = notebook_parser("python -m course_utils.tooling.bench", "노트북 실행 시간·메모리 벤치마크", out_default="bench")
    parser.add_argument("--update", action="store_true",
                        help="지금 실행한 노트북의 줄만 바꾸고, 나머지는 이전 results.csv에서 (측정 시각과 함께) 유지")
    parser.add_argument("--executed", type=Path, metavar="DIR",
                        help="실행한 노트북을 출력과 함께 이 폴더에 저장 (숫자를 맥락 속에서 읽을 때)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return 1 if any notebook failed, 0 otherwise (targets only warn)."""
    args = parse_args(argv)
    notebooks = notebooks_from_args(args)
    if notebooks is None:
        return 2
    earlier = [r for r in read_rows(args.out / "results.csv") if r.profile == args.profile] if args.update else []
    results = run_bench(notebooks, profile=args.profile, executed=args.executed)
    args.out.mkdir(parents=True, exist_ok=True)
    date = datetime.now().astimezone().isoformat(timespec="seconds")
    write_csv(merge_rows(results, date, earlier), args.out / "results.csv")
    report = render_markdown(results, args.profile, date=date, machine=machine_summary(), earlier=earlier)
    (args.out / "results.md").write_text(report, encoding="utf-8")
    print(f"결과 저장: {args.out / 'results.csv'}, {args.out / 'results.md'}")
    for r in results:
        for warning in target_warnings(r):
            print(f"⚠️ 목표 초과: {r.path.name}: {warning}", file=sys.stderr)
    suite = suite_warning(results, args.profile)
    if suite:
        print(f"⚠️ 목표 초과: {suite}", file=sys.stderr)
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"❌ {r.path.name}: {r.error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
