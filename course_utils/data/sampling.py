"""Deterministic subsets and splits: a profile shrinks a dataset, and a split divides it, the same way every run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd


def sample_frame(
    frame: pd.DataFrame, n: int | None, *, stratify: str | None = None, seed: int = 0
) -> pd.DataFrame:
    """Return ``n`` rows of ``frame`` chosen reproducibly (all rows, unchanged, if ``n`` is None
    or not smaller than the frame).

    With ``stratify`` the class proportions of that column are kept (via scikit-learn).
    The result keeps the original row order, so it reads like the full data.
    """
    if n is None or n >= len(frame):
        return frame
    if n <= 0:
        raise ValueError(f"n은 양수여야 합니다 (받은 값: {n}).")
    if stratify is None:
        chosen = frame.sample(n=n, random_state=seed)
    else:
        from sklearn.model_selection import train_test_split

        chosen, _ = train_test_split(frame, train_size=n, stratify=frame[stratify], random_state=seed)
    return frame.loc[frame.index.isin(chosen.index)]


class Split(NamedTuple):
    """Training, validation and test rows of one frame."""

    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame


def connected_groups(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """A group label per row: rows that share a value in *any* of ``columns`` get the same label.

    The rows are the edges of a graph whose nodes are the values (``"eng:Hi."``, ``"kor:안녕."``);
    the labels are its connected components (``scipy.sparse.csgraph.connected_components``),
    so sharing is followed transitively: A–B share English, B–C share Korean → one group.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"열 {missing} 이 없어요. 있는 열: {list(frame.columns)}")
    codes = [pd.factorize(frame[c])[0] for c in columns]
    offsets = np.cumsum([0] + [c.max() + 1 for c in codes])
    nodes = np.stack([c + o for c, o in zip(codes, offsets)], axis=1)  # (rows, columns) node ids
    heads, tails = nodes[:, :1].repeat(len(columns) - 1, axis=1).ravel(), nodes[:, 1:].ravel()
    n = int(offsets[-1])
    graph = coo_matrix((np.ones(len(heads)), (heads, tails)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels[nodes[:, 0]]


def split_frame(
    frame: pd.DataFrame,
    *,
    valid_size: float,
    test_size: float,
    seed: int = 0,
    group: str | Sequence[str] | None = None,
) -> Split:
    """A reproducible random split into training, validation and test rows.

    With ``group`` (a column, or several), rows that share a value land in the same part; with
    several columns the groups are :func:`connected_groups`, so that e.g. two pairs sharing an
    English *or* a Korean sentence never end up in different parts. The sizes are fractions of
    the groups. Each part keeps the frame's row order.
    """
    if not (0 < valid_size < 1 and 0 < test_size < 1 and valid_size + test_size < 1):
        raise ValueError(f"valid_size, test_size 는 0과 1 사이, 합은 1 미만이어야 해요: {valid_size}, {test_size}")
    if group is None:
        keys = np.arange(len(frame))
    elif isinstance(group, str):
        keys = frame[group].to_numpy()
    else:
        keys = connected_groups(frame, list(group))
    unique = pd.unique(keys)
    order = np.random.default_rng(seed).permutation(len(unique))
    n_test, n_valid = round(test_size * len(unique)), round(valid_size * len(unique))
    test_keys, valid_keys = set(unique[order[:n_test]]), set(unique[order[n_test:n_test + n_valid]])
    in_test = np.fromiter((k in test_keys for k in keys), bool, len(keys))
    in_valid = np.fromiter((k in valid_keys for k in keys), bool, len(keys))
    return Split(frame[~in_test & ~in_valid], frame[in_valid], frame[in_test])
