"""Run profiles and reproducibility; re-exports the metric reporters of :mod:`course_utils.metrics`.

Every notebook reads one profile from the environment variable ``COURSE_PROFILE``:

``ci``
    tiny subsets and one epoch, so that nbval executes a notebook in seconds;
``class`` (default)
    finishes in at most ten minutes on a two-core laptop with a meaningful result;
``full``
    reproduces the headline numbers.

Profiles change *sizes and epochs only*, never the code path: a notebook asks
:func:`pick` for a value and uses it the same way in every profile.

>>> pick(ci=200, class_=25_000, full=None)  # doctest: +SKIP
25000
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

# The metrics file is written and read in course_utils.metrics; notebooks call these through config.
from course_utils.metrics import HEADLINE_KEY, METRICS_ENV, format_metric, report_headline, report_metric  # noqa: F401

PROFILE_ENV = "COURSE_PROFILE"
PROFILES = ("ci", "class", "full")
DEFAULT_PROFILE = "class"

T = TypeVar("T")


class ProfileError(ValueError):
    """Raised when ``COURSE_PROFILE`` names a profile that does not exist."""


def profile() -> str:
    """Return the active profile name, read from ``COURSE_PROFILE`` (default ``class``)."""
    name = os.environ.get(PROFILE_ENV, DEFAULT_PROFILE).strip().lower() or DEFAULT_PROFILE
    if name not in PROFILES:
        raise ProfileError(
            f"{PROFILE_ENV}={name!r} 는 알 수 없는 프로파일입니다. "
            f"사용 가능한 값: {', '.join(PROFILES)} (기본값 {DEFAULT_PROFILE!r})."
        )
    return name


def pick(*, ci: T, class_: T, full: T) -> T:
    """Return the value for the active profile.

    ``class_`` has a trailing underscore because ``class`` is a Python keyword.
    All three values are required, so a notebook always states what each profile does.
    """
    return {"ci": ci, "class": class_, "full": full}[profile()]


@dataclass(frozen=True)
class RunInfo:
    """What :func:`setup` did: the profile and seed in force."""

    profile: str
    seed: int
    deterministic: bool

    def __str__(self) -> str:  # shown in the setup cell of every notebook
        det = "결정적 연산 켜짐" if self.deterministic else "결정적 연산 꺼짐"
        return f"프로파일: {self.profile} | 시드: {self.seed} | {det}"


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence output written by C/C++ code to file descriptor 2 inside the block.

    TensorFlow prints start-up lines (oneDNN, CUDA probing) from C++ before its logging is
    configured, so ``TF_CPP_MIN_LOG_LEVEL`` cannot hide them. Python exceptions still raise.
    """
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (some embedded consoles): nothing to silence
        yield
        return
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def set_seed(seed: int = 42, *, deterministic: bool | None = None) -> bool:
    """Seed Python, NumPy and the Keras backend, and make TensorFlow ops deterministic.

    ``deterministic=None`` enables TensorFlow op determinism only when no GPU is visible:
    on CPU it costs little, while some GPU kernels have no deterministic version and
    would raise at run time. Returns whether determinism was enabled.
    """
    with quiet_native_stderr():
        import keras

        gpus = keras.backend.backend() == "tensorflow" and _visible_gpus()
    random.seed(seed)
    keras.utils.set_random_seed(seed)  # seeds Python, NumPy and the backend together
    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    if deterministic is None:
        deterministic = not gpus
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    return bool(deterministic)


def _visible_gpus() -> bool:
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


class _RetracingFilter(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" warning.

    Notebooks call ``predict`` on many small models and inputs of several shapes; each call may
    trace a new graph, which is expected here, and the long warning would only confuse learners.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "tf.function retracing" not in record.getMessage()


def _hide_retracing_warnings() -> None:
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _RetracingFilter) for f in logger.filters):
        logger.addFilter(_RetracingFilter())


def setup(seed: int = 42, *, deterministic: bool | None = None, korean_plots: bool = True) -> RunInfo:
    """One call for a notebook's setup cell: profile, seeds and the Korean plot style.

    Prints the profile so that a reader always knows which sizes the notebook used.
    Call it first in a notebook: it imports TensorFlow with its native start-up noise hidden.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # C++ INFO/WARNING/ERROR lines (e.g. on fit) are noise for learners
    name = profile()
    enabled = set_seed(seed, deterministic=deterministic)
    _hide_retracing_warnings()
    if korean_plots:
        from course_utils import plots

        plots.use_korean_style()
    info = RunInfo(profile=name, seed=seed, deterministic=enabled)
    print(info)
    return info
