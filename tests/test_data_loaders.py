"""Loaders: IMDB with Keras' conventions, the fixed YNAT split, the other datasets, NLTK, CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from course_utils import data
from course_utils.data import imdb, nltk_data, store
from course_utils.data.__main__ import main as data_cli

# --- IMDB conventions on a tiny synthetic corpus -------------------------------------------

TRAIN = {  # (label folder, file name) -> text
    ("pos", "0_9.txt"): "Great movie, great cast!<br />Great.",
    ("pos", "1_8.txt"): "A great story and a fine cast.",
    ("neg", "2_1.txt"): "Awful movie. Don't watch it.",
    ("neg", "3_2.txt"): "The movie was awful, awful, AWFUL.",
}
TEST = {
    ("pos", "4_10.txt"): "Great fun and a great zebra.",  # 'fun', 'zebra' never seen in train
    ("neg", "5_3.txt"): "Awful.",
}


@pytest.fixture
def tiny_imdb(tmp_path: Path) -> Path:
    root = tmp_path / "aclImdb"
    for split, files in (("train", TRAIN), ("test", TEST)):
        for (folder, name), text in files.items():
            path = root / split / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return root


def test_tokenize_lowercases_drops_br_and_keeps_apostrophes() -> None:
    assert imdb.tokenize("Don't<br />STOP,now!<br/>It's 10/10") == ["don't", "stop", "now", "it's", "10", "10"]


def test_word_index_ranks_by_training_frequency_with_alphabetical_ties(tiny_imdb: Path, tmp_path: Path) -> None:
    _, word_index = imdb.encoded_arrays(tiny_imdb, tmp_path / "cache")
    # train counts: awful 4, great 4, movie 3, a 2, cast 2, ... ties broken alphabetically
    assert [w for w, _ in sorted(word_index.items(), key=lambda kv: kv[1])][:5] == ["awful", "great", "movie", "a", "cast"]
    assert word_index["awful"] == 1 and word_index["great"] == 2
    assert "zebra" not in word_index and "fun" not in word_index


def test_keras_conventions_start_oov_index_from(tiny_imdb: Path, tmp_path: Path) -> None:
    arrays, wi = imdb.encoded_arrays(tiny_imdb, tmp_path / "cache")
    (x_train, y_train), (x_test, y_test) = imdb.keras_arrays(arrays, num_words=6, seed=113)
    # every sequence starts with start_char=1; ids are rank + 3; ranks >= num_words -> oov 2
    assert all(x[0] == 1 for x in x_train)
    assert all(2 <= w < 6 for x in x_train for w in x[1:])
    by_text = {len(x): (x, y) for x, y in zip(x_test, y_test)}
    # test review "Great fun and a great zebra." -> unseen words skipped, 'and' is rank>=3 -> oov
    great, a = wi["great"] + 3, wi["a"] + 3
    assert great == 5 and a == 7
    assert by_text[5] == ([1, 5, 2, 2, 5], 1)  # [start, great, and->oov, a->oov(7>=6), great]
    assert by_text[2] == ([1, wi["awful"] + 3], 0)


def test_shuffle_is_keras_random_state_and_labels_follow(tiny_imdb: Path, tmp_path: Path) -> None:
    arrays, wi = imdb.encoded_arrays(tiny_imdb, tmp_path / "cache")
    # num_words is given: with None, Keras (and we) use the largest id as the cut, which
    # drops the rarest word -- a Keras quirk kept on purpose for parity
    (x_train, y_train), _ = imdb.keras_arrays(arrays, num_words=100, seed=7, start_char=None, index_from=0, oov_char=None)
    order = np.arange(4)
    np.random.RandomState(7).shuffle(order)
    originals = imdb.read_reviews(tiny_imdb, "train")
    expected = imdb.encode(originals["text"].iloc[order], wi)
    assert [list(x) for x in x_train] == expected
    assert list(y_train) == list(originals["label"].iloc[order])
    again, _ = imdb.keras_arrays(arrays, num_words=100, seed=7, start_char=None, index_from=0, oov_char=None)
    assert [list(x) for x in again[0]] == [list(x) for x in x_train]


def test_maxlen_drops_long_reviews_and_skip_top(tiny_imdb: Path, tmp_path: Path) -> None:
    arrays, _ = imdb.encoded_arrays(tiny_imdb, tmp_path / "cache")
    (x_train, _), (x_test, _) = imdb.keras_arrays(arrays, maxlen=7)
    # kept: start + 5 words ("Great movie, great cast! Great." and "Awful movie. Don't watch it.")
    assert sorted(len(x) for x in x_train) == [6, 6]
    assert sorted(len(x) for x in x_test) == [2, 5]
    with pytest.raises(ValueError, match="maxlen"):
        imdb.keras_arrays(arrays, maxlen=2)
    (x_skip, _), _ = imdb.keras_arrays(arrays, skip_top=5)  # ids 1..4 become oov (2)
    assert all(w == 2 or w >= 5 for x in x_skip for w in x)


def test_encoded_cache_is_reused(tiny_imdb: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    first, _ = imdb.encoded_arrays(tiny_imdb, cache)
    monkeypatch.setattr(imdb, "_build", lambda *args: pytest.fail("rebuilt although the source did not change"))
    second, _ = imdb.encoded_arrays(tiny_imdb, cache)
    assert all(np.array_equal(first[k], second[k]) for k in first)


# --- IMDB decoding ------------------------------------------------------------------


def test_imdb_index_to_word_shifts_ranks_and_names_reserved_ids() -> None:
    vocab = data.imdb_index_to_word({"the": 1, "movie": 2, "great": 3})
    assert vocab == {0: "<PAD>", 1: "<START>", 2: "<OOV>", 4: "the", 5: "movie", 6: "great"}
    ids = [0, 0, 1, 4, 5, 2, 6]  # pre-padded, as keras.utils.pad_sequences does
    assert data.decode_review(ids, vocab) == "<START> the movie <OOV> great"
    assert data.decode_review(ids, vocab, skip_padding=False).startswith("<PAD> <PAD> <START>")
    assert data.decode_review(np.array([1, 999]), vocab) == "<START> <OOV>"  # unknown id


def test_decode_review_inverts_the_imdb_encoding(with_mirror: Path) -> None:
    text = data.load_imdb_texts("test")["text"].iloc[0]
    word_index = data.imdb_word_index()
    ids = [1] + [rank + 3 for rank in imdb.encode([text], word_index)[0]]
    words = [w for w in imdb.tokenize(text) if w in word_index]
    decoded = data.decode_review(ids, data.imdb_index_to_word(word_index))
    assert decoded == " ".join(["<START>", *words])


# --- real datasets from the mirror -----------------------------------------------------------

def test_load_imdb_real(with_mirror: Path) -> None:
    (x_train, y_train), (x_test, y_test) = data.load_imdb(num_words=10_000)
    assert len(x_train) == len(x_test) == 25_000
    assert y_train.sum() == y_test.sum() == 12_500
    assert max(max(x) for x in x_train) == 9_999 and all(x[0] == 1 for x in x_test[:100])
    word_index = data.imdb_word_index()
    assert word_index["the"] == 1 and len(word_index) > 70_000
    texts = data.load_imdb_texts("test")
    assert len(texts) == 25_000 and set(texts["label"]) == {0, 1}
    assert texts["rating"].between(1, 10).all()
    with pytest.raises(ValueError):
        data.load_imdb_texts("unsup")


def test_ynat_split_is_fixed_disjoint_and_stratified(with_mirror: Path) -> None:
    first, second = data.load_ynat(), data.load_ynat()
    parts = [first.train, first.valid, first.test]
    assert sum(len(p) for p in parts) == 45_654
    assert [len(p) for p in parts] == [36_523, 4_565, 4_566]
    ids = [set(p["id"]) for p in parts]
    assert not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])
    for a, b in zip(parts, [second.train, second.valid, second.test]):
        pd.testing.assert_frame_equal(a, b)
    overall = pd.concat(parts)["topic"].value_counts(normalize=True)
    for part in parts:
        share = part["topic"].value_counts(normalize=True)
        assert (share - overall).abs().max() < 0.002
    assert first.label_names == list(data.YNAT_TOPICS)
    assert (first.train["topic"] == [first.label_names[i] for i in first.train["label"]]).all()


def test_ynat_topics_subset_keeps_each_headline_in_its_part(with_mirror: Path) -> None:
    full = data.load_ynat()
    three = data.load_ynat(topics=["정치", "경제", "스포츠"])
    assert three.label_names == ["정치", "경제", "스포츠"]
    assert set(three.train["label"]) == {0, 1, 2}
    assert set(three.test["id"]) == set(full.test[full.test["topic"].isin(three.label_names)]["id"])
    with pytest.raises(ValueError, match="IT과학"):
        data.load_ynat(topics=["연예"])


def test_other_loaders(with_mirror: Path) -> None:
    nsmc = data.load_nsmc_test()
    assert len(nsmc) == 49_997 and set(nsmc["label"]) == {0, 1}
    assert (nsmc["document"].str.strip() != "").all()
    pairs = data.load_kor_eng()
    assert list(pairs.columns) == ["eng", "kor", "attribution"] and len(pairs) == 5_749
    assert pairs.iloc[0].tolist()[:2] == ["Go.", "가."] and pairs["attribution"].str.contains("tatoeba").all()
    rides = data.load_ridership()
    assert isinstance(rides.index, pd.DatetimeIndex) and rides.index.is_unique and rides.index.is_monotonic_increasing
    assert list(rides.columns) == ["day_type", "bus", "rail", "total"]
    assert (rides.index.to_series().diff().dropna() == pd.Timedelta(days=1)).all()
    assert str(rides.index[0].date()) == "2001-01-01"


def test_sample_frame_is_deterministic_and_stratified(with_mirror: Path) -> None:
    train = data.load_ynat().train
    a = data.sample_frame(train, 700, stratify="topic", seed=1)
    b = data.sample_frame(train, 700, stratify="topic", seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 700 and a.index.is_monotonic_increasing
    assert (a["topic"].value_counts(normalize=True) - train["topic"].value_counts(normalize=True)).abs().max() < 0.01
    assert data.sample_frame(train, None) is train
    with pytest.raises(ValueError):
        data.sample_frame(train, 0)


# --- NLTK ---------------------------------------------------------------------------------

def test_nltk_resources_come_from_the_mirror(with_mirror: Path, monkeypatch) -> None:
    import nltk

    monkeypatch.delenv("NLTK_DATA", raising=False)
    monkeypatch.setattr(nltk.data, "path", [])
    assert data.ensure_nltk() == ["punkt_tab", "stopwords"]
    assert nltk.word_tokenize("Don't be fooled.") == ["Do", "n't", "be", "fooled", "."]
    assert "the" in nltk.corpus.stopwords.words("english")


def test_nltk_offline_error_says_how_to_fix(offline_env: Path, monkeypatch) -> None:
    import nltk

    monkeypatch.setattr(nltk.data, "path", [])
    monkeypatch.setattr(nltk, "download", lambda *a, **k: False)  # as nltk does when offline
    with pytest.raises(store.DatasetUnavailableError, match="nltk.download\\('punkt_tab'\\)") as info:
        nltk_data.ensure_nltk("punkt_tab")
    assert "NLTK_DATA" in str(info.value)


# --- command line -------------------------------------------------------------------------

def test_cli_mirror_writes_a_folder_that_works_as_a_mirror(with_mirror: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    out = tmp_path / "usb"
    assert data_cli(["mirror", str(out), "ridership", "kor_eng", "nltk"]) == 0
    assert (out / "ridership" / "CTA_-_Ridership_-_Daily_Boarding_Totals.csv").is_file()
    assert (out / "nltk_data" / "corpora" / "stopwords" / "english").is_file()
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(out))
    monkeypatch.setenv("COURSE_DATA_HOME", str(tmp_path / "empty-cache"))
    assert store.locate("kor_eng") == out / "kor-eng" / "kor.txt"
    assert data_cli(["list"]) == 0
    assert "kor_eng" in capsys.readouterr().out


def test_cli_fetch_reports_failures(offline_env: Path, capsys) -> None:
    assert data_cli(["fetch", "ridership"]) == 1 or store.locate("ridership")  # offline: fails clearly
    err = capsys.readouterr().err
    assert "❌ ridership" in err and store.get_dataset("ridership").url in err
    with pytest.raises(SystemExit, match="mnist"):
        data_cli(["fetch", "mnist"])
