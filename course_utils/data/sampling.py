"""Deterministic subsets, so that a profile can shrink a dataset the same way every run."""

from __future__ import annotations

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
