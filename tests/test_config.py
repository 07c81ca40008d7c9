"""Run profiles, seeding and headline metrics."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from course_utils import config


@pytest.mark.parametrize("name", ["ci", "class", "full"])
def test_pick_returns_the_value_of_the_active_profile(monkeypatch, name: str) -> None:
    monkeypatch.setenv("COURSE_PROFILE", name)
    assert config.profile() == name
    assert config.pick(ci=1, class_=2, full=3) == {"ci": 1, "class": 2, "full": 3}[name]


def test_class_is_the_default_profile(monkeypatch) -> None:
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    assert config.profile() == "class"
    monkeypatch.setenv("COURSE_PROFILE", "  CI ")
    assert config.profile() == "ci"


def test_unknown_profile_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    with pytest.raises(config.ProfileError, match="ci, class, full"):
        config.pick(ci=1, class_=2, full=3)


def test_pick_requires_all_three_values() -> None:
    with pytest.raises(TypeError):
        config.pick(ci=1, class_=2)  # type: ignore[call-arg]


def test_set_seed_makes_numpy_and_keras_reproducible() -> None:
    import keras

    def draw():
        config.set_seed(7, deterministic=False)
        layer = keras.layers.Dense(3)
        layer.build((None, 4))
        return np.random.rand(3), keras.ops.convert_to_numpy(layer.kernel)

    (a_np, a_w), (b_np, b_w) = draw(), draw()
    assert np.array_equal(a_np, b_np) and np.array_equal(a_w, b_w)
    config.set_seed(8, deterministic=False)
    assert not np.array_equal(np.random.rand(3), a_np)


def test_setup_reports_the_profile(monkeypatch, capsys) -> None:
    monkeypatch.setenv("COURSE_PROFILE", "ci")
    info = config.setup(seed=3, korean_plots=False, deterministic=False)
    assert (info.profile, info.seed, info.deterministic) == ("ci", 3, False)
    assert "프로파일: ci" in capsys.readouterr().out


def test_quiet_native_stderr_hides_fd2_writes_only_inside(capfd) -> None:
    with config.quiet_native_stderr():
        os.write(2, b"native noise\n")
    os.write(2, b"after\n")
    err = capfd.readouterr().err
    assert "native noise" not in err and "after" in err


def test_report_metric_merges_into_the_metrics_file(monkeypatch, tmp_path: Path, capsys) -> None:
    target = tmp_path / "m" / "metrics.json"
    monkeypatch.setenv("COURSE_METRICS_FILE", str(target))
    config.report_metric("test_accuracy", 0.875, notebook="05")
    config.report_metric("macro_f1", np.float32(0.5))
    assert json.loads(target.read_text()) == {"test_accuracy": 0.875, "macro_f1": 0.5}
    assert "[metric] 05: test_accuracy = 0.8750" in capsys.readouterr().out


def test_report_metric_without_file_only_prints(monkeypatch, tmp_path: Path, capsys) -> None:
    monkeypatch.delenv("COURSE_METRICS_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    config.report_metric("mae", 12.5)
    assert "mae = 12.5000" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("value", "shown"), [(0.875, "0.8750"), (0.0, "0.0000"), (27.54, "27.5400"),
                                              (9.6e-09, "9.600e-09"), (-2.5e-4, "-2.500e-04")])
def test_format_metric_keeps_tiny_values_visible(value: float, shown: str) -> None:
    assert config.format_metric(value) == shown


def test_setup_hides_only_the_retracing_warning(caplog) -> None:
    import logging

    config.setup(seed=1)
    config.setup(seed=1)  # a second call must not stack filters
    logger = logging.getLogger("tensorflow")
    assert sum(type(f).__name__ == "_RetracingFilter" for f in logger.filters) == 1
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        logger.warning("5 out of the last 5 calls to <function f> triggered tf.function retracing. Tracing is expensive")
        logger.warning("something else")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["something else"]


def test_report_headline_records_model_beside_baseline(monkeypatch, tmp_path: Path, capsys) -> None:
    target = tmp_path / "metrics.json"
    monkeypatch.setenv("COURSE_METRICS_FILE", str(target))
    config.report_metric("val_accuracy", 0.9)
    config.report_headline("accuracy", np.float32(0.875), 0.9, model="Bi-GRU", baseline="TF-IDF+LR", notebook="05")
    record = json.loads(target.read_text())
    assert record["val_accuracy"] == 0.9
    assert record[config.HEADLINE_KEY] == {
        "metric": "accuracy", "split": "test", "model": "Bi-GRU", "model_value": 0.875,
        "baseline": "TF-IDF+LR", "baseline_value": 0.9,
    }
    assert "05: accuracy (test) — Bi-GRU 0.8750 vs 기준 모델 TF-IDF+LR 0.9000" in capsys.readouterr().out
    with pytest.raises(ValueError, match="report_headline"):
        config.report_metric(config.HEADLINE_KEY, 1.0)


# --- the metrics file: written and read in course_utils.metrics ---------------------------------

def test_config_reexports_the_metric_reporters_of_the_metrics_module() -> None:
    from course_utils import metrics

    assert config.report_metric is metrics.report_metric
    assert config.report_headline is metrics.report_headline
    assert config.HEADLINE_KEY == metrics.HEADLINE_KEY and config.METRICS_ENV == metrics.METRICS_ENV


def test_read_metrics_reads_back_what_the_reporters_wrote(monkeypatch, tmp_path: Path) -> None:
    from course_utils import metrics

    target = tmp_path / "metrics.json"
    monkeypatch.setenv(metrics.METRICS_ENV, str(target))
    metrics.report_metric("mae", 3.25)
    metrics.report_headline("mae", 3.25, 4.0, model="GRU", baseline="seasonal naive")
    read = metrics.read_metrics(target)
    assert read["mae"] == 3.25
    assert read[metrics.HEADLINE_KEY]["baseline_value"] == 4.0
    assert metrics.read_metrics(tmp_path / "missing.json") == {} and metrics.read_metrics(None) == {}


@pytest.mark.parametrize("content", ["{not json", "[1, 2]"])
def test_read_metrics_names_a_broken_file_in_korean(tmp_path: Path, content: str) -> None:
    from course_utils import metrics

    target = tmp_path / "metrics.json"
    target.write_text(content, encoding="utf-8")
    with pytest.raises(metrics.MetricsFileError, match="지표 파일") as error:
        metrics.read_metrics(target)
    assert str(target) in str(error.value)


def test_only_the_metrics_module_touches_the_metrics_file() -> None:
    package = Path(__file__).resolve().parents[1] / "course_utils"
    users = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                   if '"COURSE_METRICS_FILE"' in p.read_text(encoding="utf-8"))
    assert users == ["metrics.py"]
