"""Find and execute the course notebooks, measuring time, memory and headline metrics.

Used by :mod:`course_utils.tooling.site` and :mod:`course_utils.tooling.bench`. Execution goes through
:mod:`nbclient` with the ``python3`` kernel of the running interpreter (jupyter_client
replaces the kernel spec's ``python`` by ``sys.executable``), so running these tools
with the course virtual environment's Python runs the notebooks in that environment too.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import psutil
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellControlSignal, CellExecutionError, DeadKernelError

from course_utils.config import DEFAULT_PROFILE, PROFILE_ENV, PROFILES, profile
from course_utils.metrics import METRICS_ENV, read_metrics

NOTEBOOK_PATTERN = re.compile(r"^(\d+)_.+\.ipynb$")
KERNEL_TRANSPORT = "ipc" if os.name == "posix" else "tcp"
"""How the runner talks to its local kernels: Unix sockets where available. Over TCP, ipykernel
warns for every kernel that the traffic is unencrypted; IPC sockets never leave the machine."""


def _kernel_manager(socket_dir: str) -> AsyncKernelManager:
    """A kernel manager on :data:`KERNEL_TRANSPORT`; IPC sockets go in ``socket_dir`` (an absolute
    path: the default is relative to the current folder, which is not the kernel's)."""
    if KERNEL_TRANSPORT == "ipc":
        return AsyncKernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(socket_dir, "kernel"))
    return AsyncKernelManager(kernel_name="python3")
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds ``course_utils``


def notebook_number(path: Path) -> int:
    """Return the lecture number ``NN`` of a notebook named ``NN_topic.ipynb``."""
    match = NOTEBOOK_PATTERN.match(path.name)
    if match is None:
        raise ValueError(f"{path.name}: 노트북 이름은 'NN_주제.ipynb' 형식이어야 합니다.")
    return int(match.group(1))


def list_notebooks(directory: str | Path = "notebooks") -> list[Path]:
    """Return the ``NN_*.ipynb`` notebooks of ``directory``, sorted by lecture number."""
    paths = [p for p in Path(directory).iterdir() if p.is_file() and NOTEBOOK_PATTERN.match(p.name)]
    return sorted(paths, key=lambda p: (notebook_number(p), p.name))


def select_notebooks(directory: str | Path, only: Iterable[str] | None = None) -> list[Path]:
    """Return :func:`list_notebooks`, keeping only the lecture numbers in ``only`` when given.

    Numbers match by value, so ``"3"`` and ``"03"`` both select ``03_topic.ipynb``.
    Raises :class:`ValueError` if a requested number has no notebook.
    """
    notebooks = list_notebooks(directory)
    if not only:
        return notebooks
    wanted = {int(n) for n in only}
    missing = wanted - {notebook_number(p) for p in notebooks}
    if missing:
        numbers = ", ".join(f"{n:02d}" for n in sorted(missing))
        raise ValueError(f"{directory} 에 번호 {numbers} 의 노트북이 없습니다.")
    return [p for p in notebooks if notebook_number(p) in wanted]


def notebook_parser(prog: str, description: str, *, out_default: str) -> argparse.ArgumentParser:
    """A parser with the options the site and the benchmark share: profile, notebooks, only, out."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--profile", choices=PROFILES, default=profile(),
                        help=f"실행 프로파일 (기본값: 환경 변수 {PROFILE_ENV}, 없으면 {DEFAULT_PROFILE})")
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"), metavar="DIR",
                        help="노트북 폴더 (기본값: notebooks)")
    parser.add_argument("--only", nargs="+", metavar="NN", help="이 번호의 노트북만 (예: --only 01 03)")
    parser.add_argument("--out", type=Path, default=Path(out_default), help=f"출력 폴더 (기본값: {out_default})")
    return parser


def notebooks_from_args(args: argparse.Namespace) -> list[Path] | None:
    """The notebooks chosen by ``--notebooks``/``--only``, or None after printing why none can be."""
    try:
        return select_notebooks(args.notebooks, args.only)
    except (OSError, ValueError) as exc:
        print(f"오류: {exc}", file=sys.stderr)
        return None


def notebook_title(path: str | Path) -> str:
    """Return the text of the first markdown ``# `` heading, or the file stem if there is none."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return Path(path).stem


@dataclass
class ExecResult:
    """Outcome of one notebook execution.

    ``peak_rss_mb`` is the highest resident memory (MiB) of the kernel process and its
    children, *sampled* every ~0.2 s and after each cell, so a spike shorter than the
    sampling interval can be missed. ``error`` is ``None`` when every cell ran.
    """

    path: Path
    profile: str
    seconds: float
    peak_rss_mb: float
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether every cell executed without error."""
        return self.error is None


class PeakRssSampler:
    """Track the peak RSS of a process tree from a background thread."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self._process = psutil.Process(pid)
        self._interval = interval
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="peak-rss", daemon=True)
        self.peak_bytes = 0

    def sample(self) -> None:
        """Measure the tree's RSS now and keep it if it is the largest so far."""
        total = 0
        try:
            processes = [self._process, *self._process.children(recursive=True)]
        except psutil.Error:  # the kernel is gone
            return
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.Error:  # a child exited between listing and measuring
                continue
        with self._lock:
            self.peak_bytes = max(self.peak_bytes, total)

    def start(self) -> None:
        """Start sampling every ``interval`` seconds."""
        self._thread.start()

    def stop(self) -> None:
        """Stop the sampling thread."""
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self._interval)


def _kernel_env(profile: str, metrics_path: Path | None) -> dict[str, str]:
    """Environment for the kernel: ours, plus the profile, metrics file and this ``course_utils``."""
    env = dict(os.environ)
    env[PROFILE_ENV] = profile
    env.pop(METRICS_ENV, None)
    if metrics_path is not None:
        env[METRICS_ENV] = str(metrics_path.resolve())
    # The kernel runs in the notebook's folder: make it import the same course_utils as we do.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    return env


def _error_summary(nb: nbformat.NotebookNode, exc: Exception) -> str:
    """One line naming the failing cell and its exception."""
    if isinstance(exc, CellExecutionError):  # the failing cell is the last one with an error output
        for cell in reversed(nb.cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    prompt = f"셀 [{cell.get('execution_count')}]"
                    return ": ".join(filter(None, [prompt, output["ename"], output["evalue"]]))
    lines = str(exc).strip().splitlines()
    return ": ".join(filter(None, [type(exc).__name__, lines[0] if lines else ""]))


CELL_TIMEOUT_SECONDS = {"ci": 1800, "class": 1800, "full": 4 * 3600}
"""nbclient's per-cell limit by profile: one ``full`` cell may train several models for an hour or more."""


def cell_timeout(profile: str) -> int:
    """The per-cell time limit, in seconds, for notebooks run in ``profile``."""
    if profile not in CELL_TIMEOUT_SECONDS:
        raise ValueError(f"알 수 없는 프로파일입니다: {profile!r}. 다음 중 하나를 쓰세요: {', '.join(CELL_TIMEOUT_SECONDS)}")
    return CELL_TIMEOUT_SECONDS[profile]


def execute_notebook(
    path: str | Path,
    *,
    profile: str,
    output_path: Path | None,
    metrics_path: Path | None = None,
    timeout: int | None = None,
) -> ExecResult:
    """Execute a notebook in a fresh kernel whose working directory is the notebook's folder.

    The kernel gets ``COURSE_PROFILE=profile`` and, when ``metrics_path`` is given,
    ``COURSE_METRICS_FILE=metrics_path`` (an existing file there is removed first, so the
    metrics are this run's). ``timeout`` is nbclient's per-cell limit in seconds, by default
    :func:`cell_timeout` of the profile (a ``full`` cell may train several models). The
    executed notebook, including the error output of a failing cell, is written to
    ``output_path`` when given. A failing cell, a timeout or a dead kernel does not raise:
    it is reported in :attr:`ExecResult.error`.
    """
    path = Path(path)
    if metrics_path is not None:
        metrics_path.unlink(missing_ok=True)
    nb = nbformat.read(path, as_version=4)
    sampler: PeakRssSampler | None = None
    socket_dir = tempfile.mkdtemp(prefix="course-kernel-")
    kernel_manager = _kernel_manager(socket_dir)

    def start_sampling(**_: Any) -> None:
        nonlocal sampler
        sampler = PeakRssSampler(client.km.provisioner.pid)
        sampler.start()

    def sample_after_cell(**_: Any) -> None:
        if sampler is not None:
            sampler.sample()

    client = NotebookClient(
        nb,
        km=kernel_manager,
        timeout=cell_timeout(profile) if timeout is None else timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
        on_notebook_start=start_sampling,
        on_cell_executed=sample_after_cell,
    )
    print(f"▶ {path.name} 실행 시작 (프로파일: {profile})", flush=True)
    error: str | None = None
    started = time.perf_counter()
    try:
        client.execute(env=_kernel_env(profile, metrics_path))
    except (CellControlSignal, DeadKernelError) as exc:
        error = _error_summary(nb, exc)
    finally:
        seconds = time.perf_counter() - started
        if sampler is not None:
            sampler.stop()
        # nbclient cleans up only a kernel manager it created itself: close the client and the kernel here
        if client.kc is not None:
            client.kc.stop_channels()
        if kernel_manager.has_kernel:
            run_sync(kernel_manager.shutdown_kernel)(now=True)
        shutil.rmtree(socket_dir, ignore_errors=True)
    if output_path is not None:
        output_path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, output_path)
    result = ExecResult(
        path=path,
        profile=profile,
        seconds=seconds,
        peak_rss_mb=(sampler.peak_bytes if sampler else 0) / 2**20,
        metrics=read_metrics(metrics_path),
        error=error,
    )
    status = "완료" if result.ok else f"실패 — {error}"
    print(f"  {path.name}: {status} ({seconds:.1f}초, 최대 메모리 {result.peak_rss_mb:.0f} MB)", flush=True)
    return result
