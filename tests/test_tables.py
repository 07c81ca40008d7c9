"""Tests for course_utils.tables.ResultsTable: one row per model, replaced on re-adding, sorted, rounded."""

from __future__ import annotations

import pandas as pd
import pytest

from course_utils.tables import ResultsTable


def test_rows_keep_their_columns_in_order_and_a_re_added_model_replaces_its_row() -> None:
    table = ResultsTable([{"모델": "LSTM", "검증 정확도": 0.81}])
    table.add({"모델": "GRU", "검증 정확도": 0.83, "파라미터 수": 64_001})
    table.add({"모델": "LSTM", "검증 정확도": 0.84})  # the cell ran again
    frame = table.frame()
    assert len(table) == 2 and list(frame.columns) == ["모델", "검증 정확도", "파라미터 수"]
    assert frame["모델"].tolist() == ["GRU", "LSTM"]  # unsorted: the order of the last adding
    assert frame.loc[1, "검증 정확도"] == 0.84 and pd.isna(frame.loc[1, "파라미터 수"])


def test_frame_sorts_by_validation_columns_stably_and_rounds_floats() -> None:
    rows = [{"name": "a", "h": 1, "val": 0.123456}, {"name": "b", "h": 14, "val": 0.1},
            {"name": "c", "h": 1, "val": 0.123456}, {"name": "d", "h": 1, "val": 0.9}]
    ascending = ResultsTable(rows, key="name", sort_by=["h", "val"], digits=3).frame()
    assert ascending["name"].tolist() == ["a", "c", "d", "b"]  # ties keep the order of adding
    assert ascending["val"].tolist() == [0.123, 0.123, 0.9, 0.1] and ascending["h"].tolist() == [1, 1, 1, 14]
    best_first = ResultsTable(rows, key="name", sort_by="val", ascending=False).frame()
    assert best_first["name"].tolist() == ["d", "a", "c", "b"] and best_first.loc[1, "val"] == 0.123456
    assert ResultsTable().frame().empty


def test_bad_rows_and_columns_get_korean_messages() -> None:
    table = ResultsTable(sort_by="검증 MAE")
    with pytest.raises(KeyError, match="'모델'"):
        table.add({"이름": "LSTM"})
    with pytest.raises(TypeError, match="사전"):
        table.add(["LSTM", 0.8])  # type: ignore[arg-type]
    table.add({"모델": "LSTM", "검증 MAE(명)": 10.0})
    with pytest.raises(KeyError, match="정렬할 열"):
        table.frame()
