"""The metrics file: notebooks write their results into it, ``make bench`` and the site read it.

A notebook calls :func:`report_metric` / :func:`report_headline` (re-exported by
:mod:`course_utils.config`, so ``config.report_metric(...)`` works in notebooks). When the
environment variable ``COURSE_METRICS_FILE`` names a JSON file -- the notebook runner sets it for
each notebook -- every value is merged into that file; :func:`read_metrics` reads it back.
Both sides of the file format live in this module.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

METRICS_ENV = "COURSE_METRICS_FILE"
"""Environment variable naming the JSON metrics file of the running notebook."""

HEADLINE_KEY = "headline"
"""Key of the model-vs-baseline record in the metrics file (see :func:`report_headline`)."""


class MetricsFileError(ValueError):
    """Raised when the metrics file exists but is not a JSON object."""


def format_metric(value: float) -> str:
    """Four decimals for ordinary metrics; scientific notation for tiny ones (e.g. a gradient error of 1e-8)."""
    if value != 0 and abs(value) < 1e-3:
        return f"{value:.3e}"
    return f"{value:.4f}"


def read_metrics(path: str | Path | None) -> dict[str, Any]:
    """Return the metrics recorded in ``path`` (``{}`` when ``path`` is ``None`` or missing)."""
    if path is None:
        return {}
    path = Path(path)
    if not path.exists():
        return {}
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise MetricsFileError(
            f"지표 파일 {path} 이(가) 올바른 JSON이 아닙니다 ({error}). 파일을 지우고 노트북을 다시 실행하세요."
        ) from None
    if not isinstance(metrics, dict):
        raise MetricsFileError(
            f"지표 파일 {path} 에는 JSON 객체({{이름: 값}})가 있어야 합니다. 파일을 지우고 노트북을 다시 실행하세요."
        )
    return metrics


def _record_metric(name: str, value: Any) -> None:
    """Merge ``{name: value}`` into the JSON file named by ``COURSE_METRICS_FILE``, if any."""
    target = os.environ.get(METRICS_ENV)
    if target:
        path = Path(target)
        metrics = read_metrics(path)
        metrics[name] = value
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")


def report_metric(name: str, value: float, *, notebook: str | None = None) -> None:
    """Print a notebook's result and record it for ``make bench``.

    When ``COURSE_METRICS_FILE`` names a JSON file, the value is merged into it as
    ``{name: value}`` (the benchmark runner sets the variable for each notebook).
    """
    if name == HEADLINE_KEY:
        raise ValueError(f"'{HEADLINE_KEY}' 는 report_headline 이 쓰는 이름이에요. 다른 지표 이름을 쓰세요.")
    value = float(value)
    label = f"{notebook}: " if notebook else ""
    print(f"[metric] {label}{name} = {format_metric(value)}")
    _record_metric(name, value)


def report_headline(
    metric: str,
    model_value: float,
    baseline_value: float,
    *,
    model: str,
    baseline: str,
    split: str = "test",
    notebook: str | None = None,
) -> None:
    """Record a notebook's headline: the declared final model beside its strongest simple baseline.

    Both figures come from the same split (the test split, used once, by default); ``make bench``
    shows them side by side. ``model`` and ``baseline`` are short human-readable names.
    """
    record = {
        "metric": metric,
        "split": split,
        "model": model,
        "model_value": float(model_value),
        "baseline": baseline,
        "baseline_value": float(baseline_value),
    }
    label = f"{notebook}: " if notebook else ""
    print(
        f"[headline] {label}{metric} ({split}) — {model} {format_metric(record['model_value'])}"
        f" vs 기준 모델 {baseline} {format_metric(record['baseline_value'])}"
    )
    _record_metric(HEADLINE_KEY, record)
