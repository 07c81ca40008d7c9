"""Tests for the notebook runner, the static site and the benchmark, on tiny throwaway notebooks."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import course_utils
from course_utils.tooling import bench, runner, site

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
from course_utils.tooling.runner import ExecResult, cell_timeout, execute_notebook, list_notebooks, notebook_title, select_notebooks

FIRST_CODE = """\
import os, sys
import numpy as np
assert os.environ["COURSE_PROFILE"] == "ci", os.environ["COURSE_PROFILE"]
from course_utils.config import report_metric
report_metric("acc", 0.5)
block = np.ones(200 * 2**20 // 8)  # ~200 MB, touched, so it counts in RSS
with open("kernel_prefix.txt", "w", encoding="utf-8") as f:  # relative: the notebook's folder
    f.write(sys.prefix)
"""


def write_notebook(path: Path, *cells: str) -> Path:
    """Write a notebook whose cells starting with '#' are markdown and the others code."""
    nb = new_notebook(cells=[new_markdown_cell(c) if c.startswith("#") else new_code_cell(c) for c in cells])
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a working and a broken notebook, created in reverse order."""
    folder = tmp_path_factory.mktemp("notebooks")
    write_notebook(
        folder / "02_broken.ipynb",
        "# 두 번째",
        "print('before')",
        "raise ValueError('고장')",
        "print('after')",
    )
    write_notebook(folder / "01_first.ipynb", "# 첫 번째\n\n설명", FIRST_CODE)
    return folder


def test_list_notebooks_sorted_by_number(tmp_path: Path) -> None:
    for name in ["10_last.ipynb", "02_b.ipynb", "01_a.ipynb", "notes.ipynb", "03_c.txt"]:
        (tmp_path / name).write_text("{}")
    assert [p.name for p in list_notebooks(tmp_path)] == ["01_a.ipynb", "02_b.ipynb", "10_last.ipynb"]


def test_select_notebooks_by_number(course: Path) -> None:
    assert [p.name for p in select_notebooks(course, ["2"])] == ["02_broken.ipynb"]
    assert len(select_notebooks(course, None)) == 2
    with pytest.raises(ValueError, match="07"):
        select_notebooks(course, ["07"])


def test_notebook_title(course: Path, tmp_path: Path) -> None:
    assert notebook_title(course / "01_first.ipynb") == "첫 번째"
    later = write_notebook(
        tmp_path / "05_later.ipynb", "x = 1", "## 소제목 아님\n본문", "#no space", "# 진짜 제목\n## 부제"
    )
    assert notebook_title(later) == "진짜 제목"
    untitled = write_notebook(tmp_path / "06_untitled.ipynb", "x = 1")
    assert notebook_title(untitled) == "06_untitled"


def test_execute_notebook_reports_metrics_memory_and_env(course: Path, tmp_path: Path, capfd) -> None:
    metrics = tmp_path / "metrics.json"
    metrics.write_text('{"stale": 1.0}', encoding="utf-8")  # left over from an earlier run
    out = tmp_path / "executed.ipynb"
    result = execute_notebook(course / "01_first.ipynb", profile="ci", output_path=out, metrics_path=metrics)
    assert result.error is None and result.ok
    assert result.metrics == {"acc": 0.5}
    assert result.peak_rss_mb > 150
    assert result.profile == "ci" and result.seconds > 0
    # the kernel ran in the notebook's folder, on this interpreter's environment
    assert (course / "kernel_prefix.txt").read_text(encoding="utf-8") == sys.prefix
    executed = nbformat.read(out, as_version=4)
    assert "[metric] acc = 0.5000" in executed.cells[1].outputs[0]["text"]
    # the kernel talks over local sockets: no "running over TCP without encryption" warning per notebook
    assert "without encryption" not in capfd.readouterr().err


def test_execute_notebook_returns_error_instead_of_raising(course: Path, tmp_path: Path) -> None:
    out = tmp_path / "broken.ipynb"
    result = execute_notebook(course / "02_broken.ipynb", profile="ci", output_path=out)
    assert not result.ok
    assert result.error is not None and "ValueError" in result.error and "고장" in result.error
    assert result.metrics == {}
    cells = nbformat.read(out, as_version=4).cells
    assert cells[2].outputs[-1]["output_type"] == "error"
    assert cells[3].outputs == []  # execution stopped at the failing cell


def test_execute_notebook_reports_timeout(tmp_path: Path) -> None:
    slow = write_notebook(tmp_path / "03_slow.ipynb", "# 느림", "import time\ntime.sleep(30)")
    result = execute_notebook(slow, profile="ci", output_path=None, timeout=1)
    assert result.error is not None and "CellTimeoutError" in result.error
    assert result.seconds < 20


def test_site_build(course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    assert site.main(["--profile", "ci", "--notebooks", str(course), "--out", str(out)]) == 1
    assert "02_broken.ipynb" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["01_first.html", "02_broken.html", "_static", "downloads",
                                                     "index.html"]
    assert (out / "_static" / "mathjax" / "MathJax.js").is_file()  # formulas render offline

    index = (out / "index.html").read_text(encoding="utf-8")
    assert site.COURSE_TITLE in index and "ci" in index
    assert "://" not in index  # no external resources
    rows = [row for row in index.split("<tr>") if ".html" in row]
    assert len(rows) == 2
    assert 'href="01_first.html"' in rows[0] and "첫 번째" in rows[0] and 'class="badge ok">성공' in rows[0]
    assert 'href="02_broken.html"' in rows[1] and "두 번째" in rows[1] and 'class="badge fail">실패' in rows[1]
    assert "✅" not in index and "❌" not in index  # status marks render without an emoji font
    assert 'class="goal">설명</span>' in rows[0]
    assert 'href="downloads/instructor/01_first.ipynb"' in rows[0]
    assert "학생용</a>" not in rows[0]  # the throwaway notebook has no exercise layout, so no student edition

    first = (out / "01_first.html").read_text(encoding="utf-8")
    assert "[metric] acc = 0.5000" in first and "<title>첫 번째</title>" in first
    assert site.MATHJAX_URL in first and "cdnjs.cloudflare.com/ajax/libs/mathjax" not in first
    assert "require.min.js" not in first
    nav = first.split('<nav class="course-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="index.html"' in nav and 'href="02_broken.html"' in nav and "다음: 두 번째" in nav
    assert "이전" not in nav
    broken = (out / "02_broken.html").read_text(encoding="utf-8")
    assert "before" in broken and "ValueError" in broken and "고장" in broken


def test_site_no_execute_converts_as_is(course: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert site.main(["--notebooks", str(course), "--out", str(out), "--only", "01", "--no-execute"]) == 0
    (out / "99_removed.html").parent.mkdir(parents=True, exist_ok=True)
    (out / "99_removed.html").write_text("old page")  # from an earlier build
    assert site.main(["--notebooks", str(course), "--out", str(out), "--only", "01", "--no-execute"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["01_first.html", "_static", "downloads", "index.html"]
    assert "[metric]" not in (out / "01_first.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "실행 안 함" in index and "두 번째" not in index


def test_bench_writes_csv_and_markdown(course: Path, tmp_path: Path) -> None:
    out = tmp_path / "bench"
    assert bench.main(["--profile", "ci", "--notebooks", str(course), "--out", str(out)]) == 1

    with (out / "results.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["notebook"] for r in rows] == ["01_first.ipynb", "02_broken.ipynb"]
    assert [r["status"] for r in rows] == ["ok", "error"]
    assert rows[0]["metrics"] == "acc=0.5" and rows[0]["profile"] == "ci"
    assert float(rows[0]["peak_rss_mb"]) > 150 and float(rows[0]["wall_seconds"]) > 0

    report = (out / "results.md").read_text(encoding="utf-8")
    assert "| 01_first.ipynb | ci |" in report and "acc=0.5" in report
    assert "| 02_broken.ipynb | ci |" in report and "고장" in report
    assert "TensorFlow" in report and "CPU" in report
    assert "⚠️" not in report


def test_bench_update_replaces_the_rows_it_ran_and_keeps_the_others(course: Path, tmp_path: Path) -> None:
    out = tmp_path / "bench"
    bench.main(["--profile", "ci", "--notebooks", str(course), "--out", str(out)])
    first = {r.notebook: r for r in bench.read_rows(out / "results.csv")}
    assert first["02_broken.ipynb"].error and "고장" in first["02_broken.ipynb"].error

    executed = tmp_path / "executed"
    bench.main(["--profile", "ci", "--notebooks", str(course), "--out", str(out), "--only", "01", "--update",
                "--executed", str(executed)])
    assert [p.name for p in executed.iterdir()] == ["01_first.ipynb"]
    assert any(cell.get("outputs") for cell in nbformat.read(executed / "01_first.ipynb", as_version=4).cells)
    second = {r.notebook: r for r in bench.read_rows(out / "results.csv")}
    assert list(second) == ["01_first.ipynb", "02_broken.ipynb"]
    assert second["02_broken.ipynb"] == first["02_broken.ipynb"]             # kept as measured, with its date
    assert second["01_first.ipynb"].date > first["01_first.ipynb"].date or second["01_first.ipynb"] != first["01_first.ipynb"]
    report = (out / "results.md").read_text(encoding="utf-8")
    assert f"(이전 실행: {first['02_broken.ipynb'].date})" in report and "고장" in report
    assert report.count("이전 실행") == 1

    bench.main(["--profile", "ci", "--notebooks", str(course), "--out", str(out), "--only", "01"])  # no --update
    assert [r.notebook for r in bench.read_rows(out / "results.csv")] == ["01_first.ipynb"]


def test_bench_update_ignores_rows_of_another_profile_and_old_files(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_text("notebook,profile,wall_seconds,peak_rss_mb,status,headline,metrics\n01_x.ipynb,class,1,1,ok,—,\n",
                    encoding="utf-8")
    assert bench.read_rows(path) == []                                      # written before rows had dates
    assert bench.read_rows(tmp_path / "missing.csv") == []
    old = bench.Row("09_x.ipynb", "class", 700.0, 100.0, "—", "", "2026-01-01T00:00:00+00:00")
    fresh = ExecResult(path=Path("01_x.ipynb"), profile="class", seconds=5, peak_rss_mb=1)
    report = bench.render_markdown([fresh], "class", date="now", machine="m", earlier=[old])
    assert "| 09_x.ipynb ⚠️ | class | 700.0 |" in report and "ok (이전 실행: 2026-01-01T00:00:00+00:00)" in report
    assert "합계 (total): 705.0 s" in report


def test_bench_targets() -> None:
    def result(profile: str, seconds: float, mb: float) -> ExecResult:
        return ExecResult(path=Path("01_x.ipynb"), profile=profile, seconds=seconds, peak_rss_mb=mb)

    assert bench.target_warnings(result("class", 599, 4000)) == []
    assert len(bench.target_warnings(result("class", 601, 5000))) == 2
    assert bench.target_warnings(result("ci", 601, 5000)) == []  # per-notebook targets are for class
    assert bench.suite_warning([result("ci", 400, 1), result("ci", 300, 1)], "ci") is not None
    assert bench.suite_warning([result("class", 400, 1), result("class", 300, 1)], "class") is None
    report = bench.render_markdown(
        [result("class", 700, 100), result("class", 10, 100)], "class", date="d", machine="m"
    )
    assert "| 01_x.ipynb ⚠️ |" in report and report.count("⚠️") == 1


def test_bench_table_shows_the_headline_beside_its_baseline() -> None:
    record = {"metric": "macro_f1", "split": "test", "model": "BiGRU", "model_value": 0.8512,
              "baseline": "TF-IDF", "baseline_value": 0.8601}
    result = ExecResult(path=Path("06_x.ipynb"), profile="class", seconds=1, peak_rss_mb=1,
                        metrics={"headline": record, "val_f1": 0.85})
    report = bench.render_markdown([result], "class", date="d", machine="m")
    assert "| macro_f1 (test): BiGRU 0.8512 vs TF-IDF 0.8601 | val_f1=0.85 |" in report
    assert bench.format_headline({}) == "—"


def test_site_home_page_lists_goal_lectures_headline_and_both_editions(tmp_path: Path) -> None:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(
        folder / "05_demo.ipynb",
        "# 05. 데모\n\n이 노트북을 마치면 데모를 만들 수 있습니다. 둘째 문장입니다.",
        "## 강의 노트와의 대응\n\n- 강의 노트 003과 002의 내용",
        "from course_utils import config\n"
        "config.report_headline('accuracy', 0.9, 0.8, model='GRU', baseline='TF-IDF <LR>')",
        "## 연습문제", "answer = ...\ncheck.exercise_05_1(answer)",
        "## 연습문제 풀이", "check.exercise_05_1(1, strict=True)",
        "## 참고 자료",
    )
    out = tmp_path / "site"
    pages = site.build_site(select_notebooks(folder), out, profile="ci")
    assert pages[0].result is not None and pages[0].result.error is not None  # `check` is undefined: it still builds
    index = (out / "index.html").read_text(encoding="utf-8")
    row = index.split("<tbody>")[1]
    assert 'class="goal">이 노트북을 마치면 데모를 만들 수 있습니다.</span>' in row
    assert "<td>002, 003</td>" in row
    assert "GRU <strong>0.9</strong><br>기준 모델 TF-IDF &lt;LR&gt; 0.8" in row
    assert 'href="downloads/student/05_demo.ipynb" download>학생용</a>' in row
    student = nbformat.read(out / "downloads" / "student" / "05_demo.ipynb", as_version=4)
    assert not any("strict=True" in cell.source for cell in student.cells)
    assert "대상" in index and "기준 모델" in index


def test_bench_markdown_keeps_one_row_per_notebook() -> None:
    broken = ExecResult(path=Path("02_x.ipynb"), profile="ci", seconds=1, peak_rss_mb=1,
                        error="셀 [3]: ValueError: first line\nsecond | line\n\nthird")
    good = ExecResult(path=Path("01_x.ipynb"), profile="ci", seconds=1, peak_rss_mb=1, metrics={"a|b": 0.5})
    report = bench.render_markdown([good, broken], "ci", date="d", machine="m")
    rows = [line for line in report.splitlines() if line.startswith("| 0")]
    assert len(rows) == 2
    columns = report.splitlines()[report.splitlines().index(rows[0]) - 1].count("|")
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == columns, row  # unescaped pipes = the table's own
    assert "first line<br>second \\| line<br>third" in rows[1] and "a\\|b=0.5" in rows[0]


# --- one source of truth for the profile ---------------------------------------------------------

def make_dry_run(*args: str, **env: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    environment = {k: v for k, v in os.environ.items() if k not in ("COURSE_PROFILE", "PROFILE")} | env
    result = subprocess.run(["make", "-n", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=True)
    return result.stdout


@pytest.mark.parametrize(("args", "env", "expected"), [
    (("course",), {}, "class"),
    (("course",), {"COURSE_PROFILE": "full"}, "full"),
    (("course", "PROFILE=ci"), {}, "ci"),
    (("bench",), {"COURSE_PROFILE": "ci"}, "ci"),
])
def test_make_runs_the_profile_of_course_profile(args, env, expected: str) -> None:
    commands = [line for line in make_dry_run(*args, **env).splitlines() if "course_utils.tooling.site" in line
                or "course_utils.tooling.bench" in line]
    assert commands and all(f"--profile {expected} " in c for c in commands), commands


def test_site_and_bench_default_to_course_profile(monkeypatch) -> None:
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert bench.parse_args([]).profile == "full"
    monkeypatch.delenv("COURSE_PROFILE")
    assert bench.parse_args([]).profile == "class"


def test_make_test_always_runs_ci() -> None:
    [pytest_line] = [line for line in make_dry_run("test", COURSE_PROFILE="full").splitlines() if "pytest" in line]
    assert pytest_line.startswith("COURSE_PROFILE=ci ")


def test_readme_test_commands_set_the_ci_profile() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    conda = readme.split("conda env create", 1)[1].split("```", 1)[0]
    [command] = [line for line in conda.splitlines() if "pytest" in line]
    assert command.startswith("COURSE_PROFILE=ci ")


# --- reproducible installs ----------------------------------------------------------------------

def constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def test_constraints_pin_every_dependency_within_its_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = constraints()
    assert "rnn-course-ko" not in pins  # the project itself is not pinned
    for spec in project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        if name == canonicalize_name(project["name"]):  # "test" pulls in the "tooling" extra
            continue
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name], str(requirement))


def test_setup_ci_and_conda_install_with_the_constraints() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "CONSTRAINTS ?= constraints.txt" in makefile
    assert "pip install --quiet -c constraints.txt -e" in make_dry_run("-B", "setup")
    assert '"-c constraints.txt"' in (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert 'CONSTRAINTS="$CONSTRAINTS"' in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def fake_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", project / ".ci" / "run")
    return project


def test_ci_run_says_when_shared_is_missing(tmp_path: Path) -> None:
    if shutil.which("java") is None or shutil.which("make") is None:
        pytest.skip("the script would try to install java/make first")
    result = subprocess.run(["bash", str(fake_project(tmp_path) / ".ci" / "run")], capture_output=True, text=True)
    assert result.returncode == 2
    assert "../shared/datasets" in result.stderr and "없습니다" in result.stderr and "is missing" in result.stderr


def test_ci_run_names_a_too_old_python(tmp_path: Path) -> None:
    if shutil.which("java") is None or shutil.which("make") is None:
        pytest.skip("the script would try to install java/make first")
    project = fake_project(tmp_path)
    (tmp_path / "shared" / "datasets").mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python3.11", "python3"):
        fake = bin_dir / name
        fake.write_text('#!/bin/sh\nif [ "$1" = "--version" ]; then echo "Python 3.9.18"; exit 0; fi\nexit 1\n')
        fake.chmod(0o755)
    env = os.environ | {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", str(project / ".ci" / "run")], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert "3.10" in result.stderr and "Python 3.9.18" in result.stderr and "required" in result.stderr


# --- the tooling is a subpackage with its own optional dependencies -------------------------------

TOOLING_ONLY = ("nbclient", "nbconvert", "nbformat", "psutil", "jupyter_server_mathjax", "jupyter_client")


def imported_modules(path: Path) -> set[str]:
    import ast

    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_nothing_outside_tooling_imports_the_tooling_or_its_dependencies() -> None:
    package = Path(course_utils.__file__).parent
    offenders = {}
    for path in package.rglob("*.py"):
        if "tooling" in path.relative_to(package).parts:
            continue
        bad = {name for name in imported_modules(path)
               if name.startswith("course_utils.tooling") or name.split(".")[0] in TOOLING_ONLY}
        if bad:
            offenders[str(path.relative_to(package))] = sorted(bad)
    assert not offenders, offenders


def test_tooling_dependencies_are_an_extra_that_make_setup_installs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    tooling = {canonicalize_name(Requirement(r).name) for r in project["optional-dependencies"]["tooling"]}
    assert {canonicalize_name(name) for name in TOOLING_ONLY} - {"jupyter-client"} <= tooling
    base = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    assert not base & tooling, "the tooling's dependencies are not forced on notebook users"
    test_extra = [Requirement(r) for r in project["optional-dependencies"]["test"]]
    assert any(canonicalize_name(r.name) == canonicalize_name(project["name"]) and "tooling" in r.extras
               for r in test_extra)
    assert '-e ".[test]"' in make_dry_run("-B", "setup")


@pytest.mark.parametrize("module", ["site", "bench", "student"])
def test_tooling_entry_points_run(module: str) -> None:
    done = subprocess.run([sys.executable, "-m", f"course_utils.tooling.{module}", "--help"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"python -m course_utils.tooling.{module}" in done.stdout


def test_make_targets_call_the_tooling_subpackage() -> None:
    for target, module in (("course", "site"), ("bench", "bench"), ("student", "student")):
        assert f"-m course_utils.tooling.{module} " in make_dry_run("-B", target), target


def test_kernel_path_is_the_folder_that_holds_course_utils() -> None:
    assert (runner.PACKAGE_ROOT / "course_utils" / "__init__.py").resolve() == Path(course_utils.__file__).resolve()


def test_full_profile_cells_get_a_longer_time_limit_than_class() -> None:
    assert cell_timeout("class") == cell_timeout("ci") == 1800
    assert set(runner.CELL_TIMEOUT_SECONDS) == set(course_utils.config.PROFILES)   # one limit per profile, no more
    assert cell_timeout("full") >= 3 * 3600                     # 09's variant comparison trains six models in one cell
    with pytest.raises(ValueError, match="프로파일"):
        cell_timeout("fast")
