"""Plots that render Korean text (한글) everywhere, offline.

The Korean font is the NanumGothic family shipped inside the PyPI package
``koreanize-matplotlib``. We only read its font files: importing that package would
change the global style as a side effect (and it imports ``distutils``, which newer
Pythons no longer ship).

Every plotting helper applies :func:`use_korean_style` when the Korean font is not yet
active, so plots look right even when a notebook forgot ``config.setup()``. Each helper
draws into ``ax`` when given (otherwise into a new figure), has Korean default titles
and axis labels that keyword arguments override, and returns the ``Axes`` it drew on
(:func:`plot_history` returns the ``Figure``, since it draws one panel per metric).
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sklearn.metrics import ConfusionMatrixDisplay

FONT_PACKAGE = "koreanize_matplotlib"
FONT_FILE = "NanumGothic.ttf"
LATIN_FONT = "DejaVu Sans"  # digits, Latin and the math minus sign (U+2212), which NanumGothic lacks
STYLE: dict[str, Any] = {
    "axes.unicode_minus": False,  # NanumGothic has no U+2212 minus sign
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.figsize": (7.0, 4.0),
    "figure.constrained_layout.use": True,  # keeps rotated tick labels, colorbars and suptitles inside
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linestyle": "-",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}
METRIC_LABELS = {
    "loss": "손실",
    "accuracy": "정확도",
    "binary_accuracy": "정확도",
    "categorical_accuracy": "정확도",
    "sparse_categorical_accuracy": "정확도",
    "mae": "평균 절대 오차 (MAE)",
    "mean_absolute_error": "평균 절대 오차 (MAE)",
    "mse": "평균 제곱 오차 (MSE)",
    "mean_squared_error": "평균 제곱 오차 (MSE)",
    "root_mean_squared_error": "RMSE",
    "auc": "AUC",
    "learning_rate": "학습률",
}


@functools.cache
def korean_font_path() -> Path:
    """Return the path of the NanumGothic TTF shipped in ``koreanize-matplotlib``."""
    spec = importlib.util.find_spec(FONT_PACKAGE)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "한글 글꼴이 들어 있는 koreanize-matplotlib 패키지가 설치되어 있지 않아요. "
            "`pip install koreanize-matplotlib` 로 설치해 주세요."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"한글 글꼴 파일을 찾을 수 없어요: {path}")
    return path


def use_korean_style() -> str:
    """Register the packaged Korean fonts, apply the course style and return the font family.

    Safe to call repeatedly: each font file is registered with matplotlib's font
    manager only once. Also registers the bold and light NanumGothic weights so that
    ``fontweight="bold"`` stays Korean.
    """
    path = korean_font_path()
    registered = {Path(entry.fname) for entry in font_manager.fontManager.ttflist}
    for ttf in sorted(path.parent.glob("*.ttf")):
        if ttf not in registered:
            font_manager.fontManager.addfont(ttf)
    family = _font_family()
    mpl.rcParams.update(STYLE)
    # Latin first, Korean as per-glyph fallback: mathtext tick labels such as 10^-2 on a log
    # axis take the first family, and NanumGothic has no minus sign.
    mpl.rcParams["font.family"] = [LATIN_FONT, family]
    return family


@functools.cache
def _font_family() -> str:
    """Return the family name stored in the Korean font file (``NanumGothic``)."""
    return font_manager.FontProperties(fname=korean_font_path()).get_name()


def _ensure_korean_style() -> None:
    """Apply :func:`use_korean_style` unless the Korean font is already the active one.

    Keeps rcParams a user changed after setup, while still fixing a forgotten setup.
    """
    if _font_family() not in mpl.rcParams["font.family"]:
        use_korean_style()


def _axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    """Return ``ax``, or the axes of a new figure, with the Korean style applied."""
    _ensure_korean_style()
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _as_1d(values: Any, what: str) -> np.ndarray:
    """Return ``values`` as a 1-D float array; squeezes shapes such as ``(n, 1)``."""
    array = np.squeeze(np.asarray(values, dtype=float))
    if array.ndim != 1:
        raise ValueError(f"{what}은(는) 1차원이어야 해요. 받은 모양: {np.shape(values)}")
    return array


def plot_history(
    history: Any,
    metrics: Sequence[str] | None = None,
    title: str | None = "학습 곡선",
    ax: Axes | Sequence[Axes] | None = None,
) -> Figure:
    """Plot training curves, one panel per metric, training vs. validation.

    ``history`` is a Keras ``History`` (what ``model.fit`` returns) or a dict of lists
    such as ``{"loss": [...], "val_loss": [...]}``. ``metrics`` defaults to every key
    without the ``val_`` prefix, in order. ``ax`` may give one axes per metric.
    """
    logs: Mapping[str, Sequence[float]] = getattr(history, "history", history)
    names = list(metrics) if metrics is not None else [k for k in logs if not k.startswith("val_")]
    if not names:
        raise ValueError("그릴 학습 기록이 없어요. model.fit(...)이 반환한 History를 넘겨 주세요.")
    missing = [name for name in names if name not in logs]
    if missing:
        raise KeyError(f"학습 기록에 없는 지표예요: {missing}. 사용 가능한 지표: {list(logs)}")

    _ensure_korean_style()
    if ax is None:
        height = mpl.rcParams["figure.figsize"][1]
        fig, axes = plt.subplots(1, len(names), figsize=(5.0 * len(names), height), squeeze=False)
        axes_list = list(axes.flat)
    else:
        axes_list = [ax] if isinstance(ax, Axes) else list(np.ravel(ax))
        if len(axes_list) != len(names):
            raise ValueError(f"지표 {len(names)}개에 축(ax) {len(axes_list)}개가 주어졌어요. 개수를 맞춰 주세요.")
        fig = axes_list[0].figure

    for name, panel in zip(names, axes_list):
        label = METRIC_LABELS.get(name, name)
        epochs = np.arange(1, len(logs[name]) + 1)
        panel.plot(epochs, logs[name], marker="o", markersize=3, label="훈련")
        if f"val_{name}" in logs:
            panel.plot(epochs, logs[f"val_{name}"], marker="o", markersize=3, label="검증")
        panel.set(title=label, xlabel="에포크", ylabel=label)
        panel.xaxis.set_major_locator(MaxNLocator(integer=True))
        panel.legend()
    if title:
        fig.suptitle(title)
    return fig


def plot_confusion_matrix(
    y_true: Any,
    y_pred: Any,
    labels: Sequence[str],
    normalize: str | None = None,
    ax: Axes | None = None,
    title: str = "혼동 행렬",
    xlabel: str = "예측",
    ylabel: str = "실제",
) -> Axes:
    """Draw a confusion matrix with class names on both axes, via scikit-learn.

    ``y_true``/``y_pred`` hold class indices ``0..len(labels)-1`` or the class names
    themselves. ``normalize`` is passed to scikit-learn: ``"true"`` (rows sum to 1),
    ``"pred"``, ``"all"`` or ``None`` (counts).
    """
    ax = _axes(ax, figsize=(5.5, 4.5))  # the matrix is square
    by_name = np.asarray(y_true).dtype.kind in "OUS"
    display = ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=list(labels) if by_name else list(range(len(labels))),
        display_labels=list(labels),
        normalize=normalize,
        values_format=".2f" if normalize else "d",
        cmap="Blues",
        ax=ax,
    )
    ax.grid(False)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return display.ax_


def plot_series(
    series: Any,
    forecasts: Mapping[str, Any] | None = None,
    index: Any = None,
    ax: Axes | None = None,
    title: str = "시계열",
    xlabel: str = "시간",
    ylabel: str = "값",
    label: str = "실제값",
) -> Axes:
    """Plot a time series and, optionally, named forecasts over it.

    ``series`` is a 1-D array or a pandas ``Series`` (its index becomes the x axis unless
    ``index`` is given). Each forecast is either a pandas ``Series``, drawn at its own
    index, or an array aligned to the *end* of the series (a forecast of the last
    ``len(forecast)`` steps).
    """
    ax = _axes(ax)
    values = _as_1d(series, "시계열")
    if index is not None:
        x = np.asarray(index)
    elif isinstance(series, pd.Series):
        x = series.index.to_numpy()
    else:
        x = np.arange(len(values))
    if len(x) != len(values):
        raise ValueError(f"index 길이({len(x)})와 시계열 길이({len(values)})가 달라요.")

    ax.plot(x, values, label=label, color="black", linewidth=1.2)
    for name, forecast in (forecasts or {}).items():
        if isinstance(forecast, pd.Series):
            ax.plot(forecast.index.to_numpy(), _as_1d(forecast, name), linestyle="--", label=name)
            continue
        predicted = _as_1d(forecast, name)
        if len(predicted) > len(x):
            raise ValueError(
                f"예측 '{name}'의 길이({len(predicted)})가 시계열 길이({len(x)})보다 길어요. "
                "미래 구간을 그리려면 자기 인덱스를 가진 pandas Series로 넘겨 주세요."
            )
        ax.plot(x[len(x) - len(predicted) :], predicted, linestyle="--", label=name)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if forecasts:
        ax.legend()
    return ax


def plot_attention(
    weights: Any,
    source_tokens: Sequence[str],
    target_tokens: Sequence[str],
    ax: Axes | None = None,
    title: str = "어텐션 가중치",
    xlabel: str = "입력 토큰",
    ylabel: str = "출력 토큰",
) -> Axes:
    """Draw attention weights as a heatmap with a colorbar.

    ``weights`` has shape ``(len(target_tokens), len(source_tokens))``: row ``i`` is how
    much output step ``i`` attends to each input token (a leading batch axis of size 1
    is dropped).
    """
    matrix = np.asarray(weights, dtype=float)
    if matrix.ndim == 3 and matrix.shape[0] == 1:
        matrix = matrix[0]
    expected = (len(target_tokens), len(source_tokens))
    if matrix.shape != expected:
        raise ValueError(
            f"어텐션 가중치의 모양은 (출력 토큰 수, 입력 토큰 수) = {expected} 이어야 하는데 {matrix.shape} 이에요."
        )
    ax = _axes(ax)
    image = ax.imshow(matrix, cmap="viridis", vmin=0.0, aspect="auto")
    ax.figure.colorbar(image, ax=ax)
    ax.set_xticks(range(len(source_tokens)), labels=list(source_tokens), rotation=45, ha="right")
    ax.set_yticks(range(len(target_tokens)), labels=list(target_tokens))
    ax.grid(False)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return ax


def plot_embeddings_2d(
    points: Any,
    labels: Sequence[str],
    ax: Axes | None = None,
    title: str = "단어 임베딩 (2차원)",
    highlight: Iterable[str] | None = None,
    xlabel: str = "차원 1",
    ylabel: str = "차원 2",
) -> Axes:
    """Scatter 2-D points (e.g. PCA / t-SNE of word vectors), each annotated with its label.

    Labels listed in ``highlight`` are drawn in red and bold.
    """
    coords = np.asarray(points, dtype=float)
    if coords.ndim != 2 or coords.shape[1] != 2:
        raise ValueError(f"points 는 (n, 2) 모양이어야 해요. 받은 모양: {coords.shape}")
    if len(labels) != len(coords):
        raise ValueError(f"점 {len(coords)}개에 라벨 {len(labels)}개가 주어졌어요. 개수를 맞춰 주세요.")
    marked = set(highlight or ())
    unknown = marked.difference(labels)
    if unknown:
        raise ValueError(f"highlight 에 라벨에 없는 단어가 있어요: {sorted(unknown)}")

    ax = _axes(ax)
    is_marked = [label in marked for label in labels]
    ax.scatter(coords[:, 0], coords[:, 1], c=["C3" if m else "C0" for m in is_marked], alpha=0.8)
    for (x, y), label, emphasised in zip(coords, labels, is_marked):
        ax.annotate(
            label,
            (x, y),
            xytext=(4, 4),
            textcoords="offset points",
            color="C3" if emphasised else "black",
            fontweight="bold" if emphasised else "normal",
        )
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return ax
