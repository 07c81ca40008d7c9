"""Tests for course_utils.plots: Korean text renders (no missing glyphs) and each helper draws what it says."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from course_utils import plots  # noqa: E402

# matplotlib warns "Glyph 54620 (\N{HANGUL SYLLABLE HAN}) missing from font(s) DejaVu Sans."
GLYPH_MISSING = r"Glyph \d+ .*missing from font"
MATHTEXT_GLYPH_MISSING = "does not have a glyph"  # mathtext reports through logging, not warnings


class _GlyphLog(logging.Handler):
    """Collects matplotlib's mathtext 'does not have a glyph' log records."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.missing: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if MATHTEXT_GLYPH_MISSING in record.getMessage():
            self.missing.append(record.getMessage())
KOREAN_SAMPLE = "순환 신경망 은닉 상태 기울기 소실 어텐션 가나다라마바사 힣"


@pytest.fixture(autouse=True)
def _isolated_style() -> Iterator[None]:
    """Restore rcParams and close figures after each test."""
    with matplotlib.rc_context():
        yield
    plt.close("all")


def render_png(fig: Figure) -> bytes:
    """Draw ``fig`` to PNG, turning any missing-glyph warning into an error."""
    buffer = io.BytesIO()
    handler = _GlyphLog()
    logger = logging.getLogger("matplotlib.mathtext")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=GLYPH_MISSING)
            fig.savefig(buffer, format="png")
    finally:
        logger.removeHandler(handler)
    assert handler.missing == [], handler.missing
    png = buffer.getvalue()
    assert png.startswith(b"\x89PNG"), "PNG 이미지가 만들어지지 않았어요"
    return png


def tick_texts(labels: list) -> list[str]:
    return [label.get_text() for label in labels]


# --- the Korean font -------------------------------------------------------------


def test_font_is_the_nanum_gothic_shipped_in_koreanize_matplotlib() -> None:
    path = plots.korean_font_path()
    assert path.is_file() and path.name == "NanumGothic.ttf"
    assert path.parent.parent.name == "koreanize_matplotlib"
    assert FT2Font(str(path)).family_name == "NanumGothic"


def test_font_covers_korean_sample_and_every_hangul_syllable() -> None:
    charmap = FT2Font(str(plots.korean_font_path())).get_charmap()
    assert [ch for ch in KOREAN_SAMPLE if not ch.isspace() and ord(ch) not in charmap] == []
    syllables = range(0xAC00, 0xD7A4)  # 가 .. 힣, all 11,172 modern syllables
    assert [hex(code) for code in syllables if code not in charmap] == []


def test_negative_control_dejavu_sans_lacks_hangul_and_the_render_check_fails() -> None:
    dejavu = font_manager.findfont("DejaVu Sans", fallback_to_default=False)
    assert ord("한") not in FT2Font(dejavu).get_charmap()

    plt.rcParams["font.family"] = ["DejaVu Sans"]
    fig, ax = plt.subplots()
    ax.set_title("대조군: 한글 글꼴 없음")
    with pytest.raises(UserWarning, match=GLYPH_MISSING):
        render_png(fig)


def test_use_korean_style_registers_font_once_and_sets_rcparams() -> None:
    family = plots.use_korean_style()
    plots.use_korean_style()

    assert family == "NanumGothic"
    assert plt.rcParams["font.family"] == ["DejaVu Sans", family]  # Hangul falls back to Nanum
    assert plt.rcParams["axes.unicode_minus"] is False
    assert plt.rcParams["figure.dpi"] == 100
    assert plt.rcParams["axes.grid"] is True
    registered = [Path(e.fname) for e in font_manager.fontManager.ttflist]
    assert registered.count(plots.korean_font_path()) == 1


def test_korean_title_labels_ticks_and_legend_render_without_missing_glyphs() -> None:
    plots.use_korean_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [-1, 0, 1], label="훈련 손실")
    ax.set_title(KOREAN_SAMPLE)
    ax.set_xlabel("에포크")
    ax.set_ylabel("값 (음수 포함)")
    ax.set_xticks([0, 1, 2], labels=["가", "나", "힣"])
    ax.legend()

    render_png(fig)


def test_log_axis_with_negative_exponents_has_its_minus_sign() -> None:
    plots.use_korean_style()
    fig, ax = plt.subplots()
    ax.semilogy([1e-3, 1e-1, 1.0])  # tick labels 10^-3 ... are mathtext with U+2212
    ax.set_title("기울기 노름 (로그 축)")
    render_png(fig)


def test_helpers_apply_the_korean_style_when_setup_was_forgotten() -> None:
    plt.rcParams["font.family"] = ["DejaVu Sans"]
    ax = plots.plot_series(np.arange(5.0))
    assert "NanumGothic" in plt.rcParams["font.family"]
    render_png(ax.figure)


def test_helpers_keep_rcparams_changed_after_setup() -> None:
    plots.use_korean_style()
    plt.rcParams["figure.dpi"] = 150
    plots.plot_series(np.arange(5.0))
    assert plt.rcParams["figure.dpi"] == 150


# --- plot_history ----------------------------------------------------------------

HISTORY = {
    "loss": [1.0, 0.6, 0.4],
    "accuracy": [0.5, 0.7, 0.8],
    "val_loss": [1.1, 0.7, 0.6],
    "val_accuracy": [0.4, 0.6, 0.7],
}


def test_plot_history_one_panel_per_metric_with_train_and_validation() -> None:
    fig = plots.plot_history(SimpleNamespace(history=HISTORY))  # duck-typed keras History

    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes] == ["손실", "정확도"]
    assert fig.get_suptitle() == "학습 곡선"
    for ax, metric in zip(fig.axes, ["loss", "accuracy"]):
        assert ax.get_xlabel() == "에포크"
        train, val = ax.get_lines()
        assert list(train.get_xdata()) == [1, 2, 3]
        assert list(train.get_ydata()) == HISTORY[metric]
        assert list(val.get_ydata()) == HISTORY[f"val_{metric}"]
        assert tick_texts(ax.get_legend().get_texts()) == ["훈련", "검증"]
    render_png(fig)


def test_plot_history_selected_metric_without_validation_and_custom_title() -> None:
    fig = plots.plot_history({"loss": [3.0, 2.0], "mae": [1.0, 0.5]}, metrics=["mae"], title="회귀 학습")

    (ax,) = fig.axes
    assert ax.get_title() == "평균 절대 오차 (MAE)"
    assert len(ax.get_lines()) == 1
    assert fig.get_suptitle() == "회귀 학습"


def test_plot_history_draws_into_given_axes() -> None:
    fig, axes = plt.subplots(1, 2)
    assert plots.plot_history(HISTORY, ax=axes) is fig
    assert axes[1].get_title() == "정확도"
    with pytest.raises(ValueError, match="개수"):
        plots.plot_history(HISTORY, ax=axes[0])


def test_plot_history_unknown_metric_lists_available_ones() -> None:
    with pytest.raises(KeyError, match="val_loss"):
        plots.plot_history(HISTORY, metrics=["precision"])


# --- plot_confusion_matrix -------------------------------------------------------

LABELS = ["부정", "중립", "긍정"]
Y_TRUE = [0, 0, 1, 2, 2, 2]
Y_PRED = [0, 1, 1, 2, 2, 0]  # confusion matrix [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def cell_texts(ax) -> list[str]:
    return [text.get_text() for text in ax.texts]


def test_plot_confusion_matrix_counts_with_korean_class_names() -> None:
    ax = plots.plot_confusion_matrix(Y_TRUE, Y_PRED, LABELS)

    assert ax.get_title() == "혼동 행렬"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("예측", "실제")
    assert tick_texts(ax.get_xticklabels()) == LABELS
    assert tick_texts(ax.get_yticklabels()) == LABELS
    assert cell_texts(ax) == ["1", "1", "0", "0", "1", "0", "1", "0", "2"]
    np.testing.assert_array_equal(ax.images[0].get_array(), [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    render_png(ax.figure)


def test_plot_confusion_matrix_normalized_from_class_names() -> None:
    names = lambda ids: [LABELS[i] for i in ids]  # noqa: E731
    ax = plots.plot_confusion_matrix(names(Y_TRUE), names(Y_PRED), LABELS, normalize="true", title="정규화")

    assert ax.get_title() == "정규화"
    assert cell_texts(ax)[:3] == ["0.50", "0.50", "0.00"]


def test_plot_confusion_matrix_keeps_classes_that_never_occur() -> None:
    _, ax = plt.subplots()
    returned = plots.plot_confusion_matrix([0, 1], [0, 1], ["가", "나", "다", "라"], ax=ax)
    assert returned is ax
    assert tick_texts(ax.get_xticklabels()) == ["가", "나", "다", "라"]
    assert ax.images[0].get_array().shape == (4, 4)


# --- plot_series -----------------------------------------------------------------


def test_plot_series_with_forecasts_aligned_to_the_end_and_with_own_index() -> None:
    series = np.arange(10.0)
    future = pd.Series([10.0, 11.0, 12.0], index=[10, 11, 12])
    ax = plots.plot_series(series, {"순진한 예측": np.arange(7.0, 10.0).reshape(-1, 1), "LSTM": future})

    actual, naive, lstm = ax.get_lines()
    assert list(actual.get_xdata()) == list(range(10))
    assert list(naive.get_xdata()) == [7, 8, 9]
    assert list(lstm.get_xdata()) == [10, 11, 12]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("시계열", "시간", "값")
    assert tick_texts(ax.get_legend().get_texts()) == ["실제값", "순진한 예측", "LSTM"]
    render_png(ax.figure)


def test_plot_series_uses_pandas_index_and_custom_labels() -> None:
    dates = pd.date_range("2024-01-01", periods=4, freq="D")
    ax = plots.plot_series(pd.Series([1.0, 3.0, 2.0, 4.0], index=dates), title="일별 기온", ylabel="기온 (°C)")

    (line,) = ax.get_lines()
    assert list(pd.to_datetime(line.get_xdata())) == list(dates)
    assert (ax.get_title(), ax.get_ylabel()) == ("일별 기온", "기온 (°C)")
    assert ax.get_legend() is None
    render_png(ax.figure)


def test_plot_series_rejects_a_forecast_longer_than_the_series() -> None:
    with pytest.raises(ValueError, match="pandas Series"):
        plots.plot_series(np.arange(3.0), {"예측": np.arange(5.0)})


# --- plot_attention --------------------------------------------------------------


def test_plot_attention_heatmap_with_token_labels_and_colorbar() -> None:
    source, target = ["나는", "학교에", "간다"], ["I", "go", "to", "school"]
    weights = np.full((1, 4, 3), 1 / 3)  # leading batch axis of size 1 is dropped
    ax = plots.plot_attention(weights, source, target)

    assert ax.get_title() == "어텐션 가중치"
    assert tick_texts(ax.get_xticklabels()) == source
    assert tick_texts(ax.get_yticklabels()) == target
    np.testing.assert_allclose(ax.images[0].get_array(), weights[0])
    assert len(ax.figure.axes) == 2  # the heatmap and its colorbar
    render_png(ax.figure)


def test_plot_attention_rejects_mismatched_shape() -> None:
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        plots.plot_attention(np.ones((3, 2)), ["a", "b", "c"], ["가", "나"])


# --- plot_embeddings_2d ----------------------------------------------------------


def test_plot_embeddings_2d_annotates_points_and_highlights() -> None:
    words = ["왕", "여왕", "사과", "바나나"]
    points = np.array([[0.0, 1.0], [0.2, 1.1], [2.0, -1.0], [2.1, -0.8]])
    ax = plots.plot_embeddings_2d(points, words, highlight=["왕", "여왕"])

    assert ax.get_title() == "단어 임베딩 (2차원)"
    np.testing.assert_allclose(ax.collections[0].get_offsets(), points)
    assert [text.get_text() for text in ax.texts] == words
    assert [text.get_fontweight() for text in ax.texts] == ["bold", "bold", "normal", "normal"]
    render_png(ax.figure)


def test_plot_embeddings_2d_validates_inputs() -> None:
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plots.plot_embeddings_2d(np.ones((3, 3)), ["가", "나", "다"])
    with pytest.raises(ValueError, match="라벨"):
        plots.plot_embeddings_2d(np.ones((3, 2)), ["가", "나"])
    with pytest.raises(ValueError, match="없는 단어"):
        plots.plot_embeddings_2d(np.ones((2, 2)), ["가", "나"], highlight=["다"])
