"""Tests for course_utils.stats: percentile bootstrap of a statistic and of a paired difference."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as scipy_stats

from course_utils import stats


def direct_percentile_bootstrap(values: np.ndarray, *, n_resamples: int, block: int, seed: int) -> tuple[float, float]:
    """The 95 % interval of the mean, written out with NumPy: moving blocks of ``block`` items."""
    rng = np.random.default_rng(seed)
    n = len(values)
    starts = rng.integers(0, n - block + 1, size=(n_resamples, -(-n // block)))
    means = np.array([np.concatenate([values[s : s + block] for s in row])[:n].mean() for row in starts])
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


@pytest.mark.parametrize("block", [1, 7])
def test_bootstrap_interval_equals_a_direct_numpy_computation(block: int) -> None:
    values = np.random.default_rng(4).normal(size=120)
    interval = stats.bootstrap_interval(values, n_resamples=500, block=block, seed=9)
    assert interval.estimate == pytest.approx(values.mean())
    assert (interval.low, interval.high) == pytest.approx(direct_percentile_bootstrap(values, n_resamples=500,
                                                                                      block=block, seed=9))


@pytest.mark.parametrize(("chunk_items", "block"), [(120, 1), (250, 7), (370, 1), (10**9, 7)])
def test_chunked_resampling_bounds_the_table_and_keeps_the_interval(monkeypatch: pytest.MonkeyPatch,
                                                                    chunk_items: int, block: int) -> None:
    values = np.random.default_rng(4).normal(size=120)
    monkeypatch.setattr(stats, "CHUNK_ITEMS", chunk_items)
    rows_seen: list[int] = []

    def mean_recording_rows(x: np.ndarray) -> np.ndarray:
        rows_seen.append(x.shape[0])
        return x.mean(axis=1)

    interval = stats.bootstrap_interval(values, statistic=mean_recording_rows, n_resamples=501, block=block, seed=9)
    assert (interval.low, interval.high) == pytest.approx(direct_percentile_bootstrap(values, n_resamples=501,
                                                                                      block=block, seed=9))
    resample_rows = rows_seen[1:]                                    # the first call is the estimate (one row)
    assert sum(resample_rows) == 501
    assert max(resample_rows) == min(501, max(1, chunk_items // 120))


def test_bootstrap_interval_of_single_items_equals_scipy_percentile_bootstrap() -> None:
    correct = np.random.default_rng(5).random(300) < 0.7
    ours = stats.bootstrap_interval(correct, seed=3)
    theirs = scipy_stats.bootstrap((correct.astype(float),), np.mean, n_resamples=2_000, method="percentile",
                                   vectorized=True, rng=np.random.default_rng(3)).confidence_interval
    assert (ours.low, ours.high) == pytest.approx((theirs.low, theirs.high), abs=1e-12)


def test_bootstrap_interval_brackets_the_mean_and_narrows_with_more_examples() -> None:
    rng = np.random.default_rng(1)
    small = rng.random(200) < 0.8
    large = rng.random(5_000) < 0.8
    mean, low, high = stats.bootstrap_interval(small)
    assert mean == small.mean() and low < mean < high
    _, low_large, high_large = stats.bootstrap_interval(large)
    assert high_large - low_large < (high - low) / 3  # width shrinks like 1/sqrt(n): sqrt(25) = 5
    # the normal approximation of a proportion's 95 % interval: mean ± 1.96 sqrt(p(1-p)/n)
    half = 1.96 * np.sqrt(large.mean() * (1 - large.mean()) / large.size)
    assert abs((high_large - low_large) / 2 - half) < 0.15 * half
    assert stats.bootstrap_interval(small, seed=3) == stats.bootstrap_interval(small, seed=3)
    assert stats.bootstrap_interval(small, seed=3) != stats.bootstrap_interval(small, seed=4)


def test_paired_difference_is_paired_and_equals_the_interval_of_the_differences() -> None:
    rng = np.random.default_rng(2)
    a = rng.random(4_000) < 0.85
    b = a.copy()
    b[rng.choice(a.size, 200, replace=False)] = False  # b is wrong on up to 200 more examples
    paired = stats.paired_difference(a, b)
    assert paired.estimate > 0 and paired.low > 0 and paired.excludes_zero  # a clear, paired improvement
    of_differences = stats.bootstrap_interval(a.astype(float) - b)
    assert tuple(paired) == pytest.approx(tuple(of_differences), abs=1e-12)
    same = stats.paired_difference(a, a)
    assert tuple(same) == (0.0, 0.0, 0.0) and not same.excludes_zero  # identical models never differ
    assert str(same) == "+0.0000 (95% 구간 +0.0000 ~ +0.0000)"


def test_paired_difference_with_another_statistic_and_a_shared_random_stream() -> None:
    rng = np.random.default_rng(6)
    a, b = rng.normal(size=50), rng.normal(size=50)
    median = lambda values: np.median(values, axis=1)  # noqa: E731
    interval = stats.paired_difference(a, b, statistic=median, n_resamples=300, seed=np.random.default_rng(1))
    positions = np.random.default_rng(1).integers(0, 50, size=(300, 50))
    expected = np.percentile(np.median(a[positions], axis=1) - np.median(b[positions], axis=1), [2.5, 97.5])
    assert interval.estimate == pytest.approx(np.median(a) - np.median(b))
    assert (interval.low, interval.high) == pytest.approx(tuple(expected))


def test_blocks_widen_the_interval_of_correlated_errors() -> None:
    # a slowly wandering difference: single-window resampling (block=1) is overconfident
    wander = np.repeat(np.random.default_rng(1).normal(size=20), 10)
    _, low1, high1 = stats.paired_difference(wander, np.zeros(200), block=1)
    _, low14, high14 = stats.paired_difference(wander, np.zeros(200), block=14)
    assert high14 - low14 > 1.5 * (high1 - low1)


def test_resampled_statistics_that_are_undefined_are_left_out() -> None:
    values = np.array([0.0, 1.0, 2.0, 3.0])
    nan_when_constant = lambda x: np.where(x.std(axis=1) > 0, x.mean(axis=1), np.nan)  # noqa: E731
    interval = stats.bootstrap_interval(values, statistic=nan_when_constant, n_resamples=200)
    assert np.isfinite([interval.low, interval.high]).all() and interval.low < interval.high


@pytest.mark.parametrize(
    ("samples", "kwargs", "error", "match"),
    [((["a", "b"],), {}, TypeError, "숫자 배열"), (([1.0],), {}, ValueError, "2개 이상"),
     ((np.ones((3, 2)),), {}, ValueError, "1차원"), (([1.0, np.nan],), {}, ValueError, "NaN"),
     ((np.ones(5), np.ones(4)), {}, ValueError, "길이가 모두 같아야"), ((np.ones(5),), {"block": 6}, ValueError, "block"),
     ((np.ones(5),), {"level": 95}, ValueError, "level"), ((np.ones(5),), {"n_resamples": 0}, ValueError, "n_resamples"),
     ((), {}, TypeError, "하나 이상")],
)
def test_bad_input_gets_a_korean_message(samples: tuple, kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        stats.bootstrap_interval(*samples, **kwargs)
