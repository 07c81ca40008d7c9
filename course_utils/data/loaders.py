"""Loaders of the Korean datasets, the translation pairs and the ridership series."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from course_utils.data import store

YNAT_TOPICS: tuple[str, ...] = ("IT과학", "경제", "사회", "생활문화", "세계", "스포츠", "정치")
"""KLUE-YNAT topic names, in KLUE's label order (``topic_idx`` 0..6)."""

YNAT_SPLIT_SEED = 42
YNAT_SPLIT_FRACTIONS = (0.8, 0.1, 0.1)


@dataclass(frozen=True)
class YnatData:
    """The fixed YNAT split: three frames with ``id``, ``title``, ``label`` and ``topic``.

    ``label`` is ``0..len(label_names)-1``, and ``label_names[label] == topic``.
    """

    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame
    label_names: list[str]

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}={len(getattr(self, n)):,}" for n in ("train", "valid", "test"))
        return f"YnatData({sizes}, label_names={self.label_names})"


def split_stratified(
    frame: pd.DataFrame, column: str, fractions: Sequence[float], seed: int
) -> list[pd.DataFrame]:
    """Split ``frame`` into len(fractions) parts, stratified on ``column``, reproducibly."""
    from sklearn.model_selection import train_test_split

    parts, rest, remaining = [], frame, 1.0
    for fraction in fractions[:-1]:
        part, rest = train_test_split(
            rest, train_size=fraction / remaining, stratify=rest[column], random_state=seed
        )
        parts.append(part)
        remaining -= fraction
    parts.append(rest)
    return [p.sort_values("id", ignore_index=True) for p in parts]


def load_ynat(topics: Sequence[str] | None = None) -> YnatData:
    """KLUE-YNAT news headlines with Korean topic names and a fixed stratified split.

    The DACON copy holds 45,654 labelled headlines (its test file has no labels), so the
    course makes its own split **once, over all seven topics**: 80 % train, 10 % validation,
    10 % test, stratified by topic, ``random_state=42``. ``topics`` (e.g.
    ``["정치", "경제", "스포츠"]``) keeps only those topics *after* splitting, so a headline is
    in the same part whatever topics are chosen; labels are renumbered in the given order.
    """
    names = list(YNAT_TOPICS) if topics is None else list(topics)
    unknown = [t for t in names if t not in YNAT_TOPICS]
    if unknown or len(set(names)) != len(names) or not names:
        raise ValueError(f"topics는 서로 다른 다음 이름이어야 합니다: {', '.join(YNAT_TOPICS)} (받은 값: {topics})")
    raw = pd.read_csv(store.locate("ynat"), encoding="utf-8")
    frame = pd.DataFrame({
        "id": raw["index"].astype(int),
        "title": raw["title"].astype(str),
        "topic": [YNAT_TOPICS[i] for i in raw["topic_idx"]],
    })
    parts = split_stratified(frame, "topic", YNAT_SPLIT_FRACTIONS, YNAT_SPLIT_SEED)
    label_of = {name: i for i, name in enumerate(names)}
    kept = []
    for part in parts:
        part = part[part["topic"].isin(label_of)].reset_index(drop=True)
        part.insert(2, "label", part["topic"].map(label_of).astype(int))
        kept.append(part)
    return YnatData(*kept, label_names=names)


def load_nsmc_test() -> pd.DataFrame:
    """The official NSMC test file: ``id``, ``document`` (review text) and ``label`` (1 positive).

    Texts are read verbatim (a review that reads "null" stays a string); the three rows whose
    review is empty are dropped, leaving 49,997 reviews.
    """
    frame = pd.read_csv(
        store.locate("nsmc_test"), sep="\t", dtype={"id": "int64", "document": str, "label": "int64"},
        keep_default_na=False, quoting=csv.QUOTE_NONE, encoding="utf-8",
    )
    return frame[frame["document"].str.strip() != ""].reset_index(drop=True)


def load_kor_eng() -> pd.DataFrame:
    """Tatoeba Korean–English pairs: ``eng``, ``kor`` and ``attribution`` (keep it: CC BY 2.0 FR)."""
    return pd.read_csv(
        store.locate("kor_eng"), sep="\t", header=None, names=["eng", "kor", "attribution"],
        dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE, encoding="utf-8",
    )


def load_ridership() -> pd.DataFrame:
    """Chicago CTA daily boardings as a frame indexed by ``date`` (daily, sorted, no duplicates).

    Columns: ``day_type`` (W weekday, A Saturday, U Sunday/holiday), ``bus``, ``rail`` and
    ``total``. The upstream file repeats some days verbatim; the repeats are dropped.
    """
    frame = pd.read_csv(store.locate("ridership"))
    frame.columns = ["date", "day_type", "bus", "rail", "total"]
    frame["date"] = pd.to_datetime(frame["date"], format="%m/%d/%Y")
    frame = frame.drop_duplicates().sort_values("date").set_index("date")
    if not frame.index.is_unique:
        raise store.DataIntegrityError("ridership: 같은 날짜에 서로 다른 값이 있습니다.")
    return frame
