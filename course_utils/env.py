"""Environment report: is this machine ready for the course, and how to fix what is not.

Used by the first notebook and by ``python -m course_utils.env``. Every check returns a
:class:`Check` with a status and, when something is missing, the command that fixes it.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

OK, WARN, FAIL = "✅", "⚠️", "❌"

JAVA_FIX = (
    "Java(JDK 11 이상)를 설치하세요. Ubuntu: sudo apt-get install -y default-jdk | "
    "macOS: brew install openjdk@17 | Windows: winget install Microsoft.OpenJDK.17 "
    "(설치 후 JAVA_HOME 설정). Java 없이도 Kiwi(kiwipiepy)로 형태소 분석을 할 수 있습니다."
)


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    item: str
    status: str
    value: str
    fix: str = ""


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def check_python() -> Check:
    version = platform.python_version()
    ok = sys.version_info >= (3, 10)
    return Check("Python", OK if ok else FAIL, version, "" if ok else "Python 3.10 이상이 필요합니다.")


def check_keras() -> Check:
    import keras

    major = int(keras.__version__.split(".")[0])
    value = f"Keras {keras.__version__} (backend: {keras.backend.backend()}), TensorFlow {_version('tensorflow')}"
    fix = "" if major >= 3 else "pip install -U 'keras>=3.3' 'tensorflow>=2.16'"
    return Check("Keras / TensorFlow", OK if major >= 3 else FAIL, value, fix)


def check_accelerator() -> Check:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    value = f"GPU {len(gpus)}개: {', '.join(g.name for g in gpus)}" if gpus else "CPU만 사용 (이 강좌는 GPU 없이 됩니다)"
    return Check("가속기", OK, value)


def java_version() -> str | None:
    """The first line of ``java -version``, or None when Java is not on PATH."""
    java = shutil.which("java")
    if java is None:
        return None
    result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    return (result.stderr or result.stdout).strip().splitlines()[0]


def check_java() -> Check:
    version = java_version()
    if version is None:
        return Check("Java (KoNLPy용)", FAIL, "java를 찾을 수 없음", JAVA_FIX)
    return Check("Java (KoNLPy용)", OK, version)


def check_konlpy() -> Check:
    version = _version("konlpy")
    if version is None:
        return Check("KoNLPy", FAIL, "설치되지 않음", "pip install konlpy JPype1")
    status = OK if java_version() else WARN
    return Check("KoNLPy", status, f"konlpy {version}, JPype1 {_version('JPype1')}", "" if status == OK else JAVA_FIX)


def check_kiwi() -> Check:
    from kiwipiepy import Kiwi

    tokens = [f"{token.form}/{token.tag}" for token in Kiwi().tokenize("한국어 형태소 분석기")]
    return Check("Kiwi (kiwipiepy)", OK, f"{_version('kiwipiepy')}: {' '.join(tokens)}")


def check_font() -> Check:
    from course_utils import plots

    path = plots.korean_font_path()
    ok = path.is_file()
    return Check("한글 글꼴", OK if ok else FAIL, path.name, "" if ok else "pip install koreanize-matplotlib")


def check_datasets() -> list[Check]:
    from course_utils.data import store

    checks = []
    for name, dataset in store.registry().items():
        where = store.status(name)
        place = {"mirror": "미러", "cache": "캐시"}.get(where)
        if place:
            checks.append(Check(f"데이터: {name}", OK, f"{place}에 있음"))
        else:
            checks.append(Check(
                f"데이터: {name}", WARN, "아직 없음 (첫 사용 때 내려받음)",
                f"python -m course_utils.data fetch {name} (오프라인이면 COURSE_DATA_MIRROR 설정)",
            ))
    return checks


def check_nltk() -> Check:
    from course_utils.data import DataError, ensure_nltk

    try:
        return Check("NLTK 자료", OK, ", ".join(ensure_nltk()))
    except DataError as exc:
        return Check("NLTK 자료", WARN, "없음", str(exc).splitlines()[0])


CHECKS: tuple[Callable[[], Check], ...] = (
    check_python, check_keras, check_accelerator, check_java, check_konlpy, check_kiwi, check_font, check_nltk,
)


def _safely(check: Callable[[], Check]) -> Check:
    try:
        return check()
    except Exception as exc:  # a report must show a broken component, not crash on it
        name = check.__name__.removeprefix("check_")
        return Check(name, FAIL, f"{type(exc).__name__}: {exc}", "위 오류 메시지를 확인하세요.")


def report() -> list[Check]:
    """Run every check (software, Java, Korean tools, font, NLTK, each dataset)."""
    return [_safely(check) for check in CHECKS] + check_datasets()


def report_frame():
    """:func:`report` as a pandas frame with Korean column names, for display in a notebook."""
    import pandas as pd

    return pd.DataFrame(
        [(c.item, c.status, c.value, c.fix) for c in report()], columns=["항목", "상태", "값", "해결 방법"]
    )


def main() -> int:
    """Print the report; exit status 1 if any check failed."""
    checks = report()
    for c in checks:
        print(f"{c.status} {c.item}: {c.value}" + (f"\n    → {c.fix}" if c.fix else ""))
    return 1 if any(c.status == FAIL for c in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
