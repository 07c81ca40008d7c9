"""One results table for every notebook: a row of named values per model, sorted and rounded.

A notebook that compares models adds one row per model as it trains them, and shows the
table at the end; re-running a cell replaces that model's row instead of adding a second one::

    from course_utils import tables

    table = tables.ResultsTable(sort_by="검증 정확도", ascending=False, digits=4)
    table.add({"모델": "LSTM", "파라미터 수": 85_281, "검증 정확도": 0.8712})
    table.add({"모델": "GRU", "파라미터 수": 64_001, "검증 정확도": 0.8790})
    table.frame()          # GRU first; columns in the order they first appeared

The rows come from the domain modules: ``training.RunResult.row()`` (a fitted Keras
classifier) and ``timeseries.forecast_row`` (a forecaster next to its seasonal-naive baseline).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd


class ResultsTable:
    """Rows of named values, one per model (``key`` column), shown sorted by ``sort_by`` and rounded.

    ``sort_by`` names one column or several (ties are broken by the next one, then by the order
    of adding); ``ascending`` is one flag or one per column. ``digits`` rounds the float columns.
    """

    def __init__(
        self,
        rows: Iterable[Mapping[str, Any]] = (),
        *,
        key: str = "모델",
        sort_by: str | Sequence[str] = (),
        ascending: bool | Sequence[bool] = True,
        digits: int | None = None,
    ) -> None:
        self.key = key
        self.sort_by = [sort_by] if isinstance(sort_by, str) else list(sort_by)
        self.ascending = ascending
        self.digits = digits
        self.rows: list[dict[str, Any]] = []
        for row in rows:
            self.add(row)

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, row: Mapping[str, Any]) -> None:
        """Add one model's row; a row with the same ``key`` value replaces the earlier one."""
        if not isinstance(row, Mapping):
            raise TypeError(f"행은 열 이름 → 값 사전으로 넘겨 주세요 (받은 형식: {type(row).__name__}). "
                            f"예: table.add({{{self.key!r}: 'LSTM', '검증 정확도': 0.87}})")
        if self.key not in row:
            raise KeyError(f"행에 모델 이름 열 {self.key!r} 이 없어요 (받은 열: {list(row)}). "
                           f"그 열을 넣거나 ResultsTable(key=...)로 이름 열을 정해 주세요.")
        self.rows = [kept for kept in self.rows if kept[self.key] != row[self.key]]
        self.rows.append(dict(row))

    def frame(self) -> pd.DataFrame:
        """The rows as a frame: sorted (stably) by ``sort_by``, float columns rounded to ``digits``."""
        table = pd.DataFrame(self.rows)
        if table.empty:
            return table
        missing = [column for column in self.sort_by if column not in table]
        if missing:
            raise KeyError(f"정렬할 열 {missing} 이 결과표에 없어요 (있는 열: {list(table.columns)}). "
                           f"sort_by 의 열 이름을 확인해 주세요.")
        if self.sort_by:
            table = table.sort_values(self.sort_by, ascending=self.ascending, kind="stable", ignore_index=True)
        return table.round(self.digits) if self.digits is not None else table
