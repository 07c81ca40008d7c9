"""Percentile bootstrap intervals: of a statistic, and of the paired difference of two.

Every close comparison in the course carries an interval, and they all come from one scheme:
draw the evaluation items again with replacement, recompute the statistic on each resample and
keep the central ``level`` share of the recomputed values (the percentile interval)::

    from course_utils import stats

    stats.bootstrap_interval(correct)                        # accuracy (mean of 0/1) and its 95 % interval
    stats.paired_difference(correct_a, correct_b)            # a − b, both scored on the same resampled items
    mean, low, high = stats.paired_difference(errors_a, errors_b, block=14)   # time series: runs of 14

Items that are scored by two models are resampled *together* (a paired bootstrap), so the
interval is that of the difference, narrower than two separate intervals when the models
succeed and fail on the same items. Neighbouring windows of a time series share most of their
days, so ``block`` resamples runs of consecutive items instead of single ones (the moving-block
bootstrap, Künsch 1989). The domain helpers build on these: ``classify.bootstrap_difference``
(macro-F1 from confusion counts) and ``word2vec.bootstrap_intervals`` / ``paired_intervals``
(analogy accuracy and similarity Spearman ρ).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

CHUNK_ITEMS = 4_000_000
"""Resampled item positions held at once (32 MB of int64): more resamples are drawn in chunks.

NumPy's generator yields the same positions whether they are drawn in one call or in
consecutive chunks, so the interval does not depend on this size (``test_stats`` checks it).
"""

Statistic = Callable[..., np.ndarray]
"""``statistic(*arrays)``: each array has shape ``(resamples, items)``; returns one value per resample."""


def batch_mean(values: np.ndarray) -> np.ndarray:
    """The mean of each row: the default statistic (an accuracy for 0/1 values)."""
    return values.mean(axis=1)


@dataclass(frozen=True)
class Interval:
    """A statistic measured on the items as given, and its percentile bootstrap interval.

    Unpacks like the tuple ``(estimate, low, high)``.
    """

    estimate: float
    low: float
    high: float
    level: float = 0.95

    def __iter__(self) -> Iterator[float]:
        return iter((self.estimate, self.low, self.high))

    def __str__(self) -> str:
        return f"{self.estimate:+.4f} ({self.level:.0%} 구간 {self.low:+.4f} ~ {self.high:+.4f})"

    @property
    def excludes_zero(self) -> bool:
        """Whether the interval lies entirely on one side of zero."""
        return self.low > 0 or self.high < 0


def resample_indices(n: int, n_resamples: int, *, block: int = 1, rng: np.random.Generator) -> np.ndarray:
    """Item positions of ``n_resamples`` bootstrap resamples of ``n`` items: shape ``(n_resamples, n)``.

    Each resample glues randomly placed runs of ``block`` consecutive positions until it holds
    ``n`` (the last run is cut); ``block=1`` draws single items with replacement.
    """
    n_blocks = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=(n_resamples, n_blocks))
    return (starts[:, :, None] + np.arange(block)).reshape(n_resamples, -1)[:, :n]


def _as_items(samples: tuple[Any, ...]) -> list[np.ndarray]:
    """The samples as aligned 1-D float arrays of finite numbers, or a Korean error saying what is wrong."""
    if not samples:
        raise TypeError("부트스트랩할 값 배열을 하나 이상 넘겨 주세요. 예: bootstrap_interval(correct)")
    arrays = []
    for position, sample in enumerate(samples, 1):
        array = np.asarray(sample)
        if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
            raise TypeError(f"{position}번째 값에는 문항마다 하나씩인 숫자 배열을 넘겨 주세요 (받은 형식: {array.dtype}).")
        array = array.astype(float)
        if array.ndim != 1 or array.size < 2:
            raise ValueError(f"{position}번째 값은 문항이 2개 이상인 1차원 배열이어야 해요 (받은 모양: {array.shape}).")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{position}번째 값에 NaN 이나 무한대가 있어요. 예측이나 점수를 만든 단계를 확인해 주세요.")
        arrays.append(array)
    if len({array.size for array in arrays}) > 1:
        raise ValueError(f"같은 문항을 함께 다시 뽑으므로 값 배열의 길이가 모두 같아야 해요 "
                         f"(받은 길이: {[array.size for array in arrays]}).")
    return arrays


def bootstrap_interval(
    *samples: Any,
    statistic: Statistic = batch_mean,
    n_resamples: int = 2_000,
    level: float = 0.95,
    block: int = 1,
    seed: int | np.random.Generator = 0,
) -> Interval:
    """``statistic`` of the aligned ``samples`` and its percentile bootstrap interval.

    The samples are 1-D arrays with one value per item (an example, a word pair, a forecast
    window); every resample draws one set of item positions (:func:`resample_indices`) and
    takes it from all of them. ``statistic`` receives the arrays with a leading resample axis
    and returns one value per resample (the estimate is computed as a batch of one). Resamples
    where it is undefined (NaN, e.g. a rank correlation of a resample that repeats one pair) are
    left out. ``seed`` is an integer or a ``numpy.random.Generator`` to continue. Resamples are
    drawn :data:`CHUNK_ITEMS` positions at a time, so 2,000 resamples of 25,000 reviews never
    hold a 2,000 × 25,000 table.
    """
    arrays = _as_items(samples)
    n = arrays[0].size
    if not 0 < level < 1:
        raise ValueError(f"level 은 0과 1 사이여야 해요 (받은 값: {level}). 95 % 구간이면 level=0.95 입니다.")
    if n_resamples < 1:
        raise ValueError(f"n_resamples 는 1 이상이어야 해요 (받은 값: {n_resamples}).")
    if not 1 <= block <= n:
        raise ValueError(f"block 은 1 이상, 문항 수({n}) 이하여야 해요 (받은 값: {block}).")
    estimate = float(np.asarray(statistic(*(array[None] for array in arrays)))[0])
    rng = np.random.default_rng(seed)
    per_chunk = max(1, CHUNK_ITEMS // n)            # resamples drawn at once: bounds memory for large n
    values = np.concatenate([
        np.asarray(statistic(*(array[positions] for array in arrays)), dtype=float)
        for positions in (resample_indices(n, min(per_chunk, n_resamples - done), block=block, rng=rng)
                          for done in range(0, n_resamples, per_chunk))
    ])
    tail = 100 * (1 - level) / 2
    low, high = np.nanpercentile(values, [tail, 100 - tail])
    return Interval(estimate, float(low), float(high), level)


def paired_difference(
    a: Any,
    b: Any,
    *,
    statistic: Statistic = batch_mean,
    n_resamples: int = 2_000,
    level: float = 0.95,
    block: int = 1,
    seed: int | np.random.Generator = 0,
) -> Interval:
    """``statistic(a) − statistic(b)`` of two models scored on the same items, with its paired interval.

    ``a[i]`` and ``b[i]`` belong to the same item (e.g. ``pred_a == y`` and ``pred_b == y``, or
    two forecasters' errors on window ``i``); each resample draws one set of items for both.
    An interval that contains 0 does not separate the two.
    """
    return bootstrap_interval(
        a, b, statistic=lambda x, y: statistic(x) - statistic(y),
        n_resamples=n_resamples, level=level, block=block, seed=seed,
    )
