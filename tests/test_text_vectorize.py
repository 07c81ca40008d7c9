"""Tests for course_utils.text's token lists → integer ids: join_tokens, sequence_length, the vectorizer."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import config

config.set_seed(0)

import keras  # noqa: E402

from course_utils import text  # noqa: E402

CORPUS = [headline.split() for headline in ("북한 미사일 발사", "축구 대표팀 승리", "북한 핵 협상", "금리 인상 북한", "축구 승리")]


def test_join_tokens_puts_single_spaces_between_tokens() -> None:
    assert text.join_tokens([["▁대선", "후보"], ["美", "·", "中"], []]) == ["▁대선 후보", "美 · 中", ""]


def test_join_tokens_keeps_a_token_with_inner_spaces_as_one_token() -> None:
    joined = text.join_tokens([["베이브 루스", "홈런"], ["뉴욕\t 양키스"]])
    assert joined == ["베이브_루스 홈런", "뉴욕_양키스"]
    vectorizer = text.fit_vectorizer([["베이브 루스", "홈런"]], maxlen=3)
    assert text.vectorize(vectorizer, [["홈런", "베이브 루스"]]).tolist() == [[2, 3, 0]]  # two tokens, not three


@pytest.mark.parametrize("bad", ["", " ", "\u3000"])
def test_join_tokens_rejects_empty_tokens(bad: str) -> None:
    with pytest.raises(ValueError, match="빈 토큰"):
        text.join_tokens([["좋은", bad]])


def test_unknown_share_counts_unk_among_real_positions() -> None:
    assert text.unknown_share([[2, 1, 0, 0], [1, 3, 4, 0]]) == pytest.approx(2 / 5)
    assert text.unknown_share([[0, 0]]) == 0.0


def test_sequence_length_covers_the_requested_share() -> None:
    lists = [["a"] * n for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 20)]
    assert text.sequence_length(lists, coverage=1.0) == 20
    assert text.sequence_length(lists, coverage=0.9) == 9
    assert text.sequence_length(lists, coverage=0.55) == 6
    assert text.sequence_length([[], []], coverage=1.0) == 1  # never a zero-length input
    with pytest.raises(ValueError):
        text.sequence_length(lists, coverage=0)
    with pytest.raises(ValueError):
        text.sequence_length([], coverage=0.5)


def test_vectorizer_gives_the_same_integers_as_vocabulary_and_pad_sequences() -> None:
    vectorizer = text.fit_vectorizer(CORPUS, maxlen=4)
    vocab = text.Vocabulary.from_corpus(CORPUS)
    assert vectorizer.get_vocabulary() == list(vocab.tokens)
    new = [["북한", "축구", "없는말"], ["금리", "인상", "북한", "발사", "승리"]]
    expected = keras.utils.pad_sequences([vocab.encode(t) for t in new], maxlen=4, padding="post",
                                         truncating="post")
    got = text.vectorize(vectorizer, new)
    assert got.dtype == np.int64 and got.shape == (2, 4)
    np.testing.assert_array_equal(got, expected)
    assert got[0].tolist() == [vocab.index("북한"), vocab.index("축구"), 1, 0]  # 1 = [UNK], 0 = padding


def test_vectorizer_keeps_hangul_hanja_and_sentencepiece_pieces_unchanged() -> None:
    tokens = [["▁美", "대선", "…", "A", "a"]]
    vectorizer = text.fit_vectorizer(tokens, maxlen=5)
    assert sorted(vectorizer.get_vocabulary()[2:]) == sorted(tokens[0])  # no lower-casing, no stripping


def test_max_tokens_counts_padding_and_unknown() -> None:
    vectorizer = text.fit_vectorizer(CORPUS, maxlen=3, max_tokens=4)
    assert vectorizer.get_vocabulary() == ["", "[UNK]", "북한", "축구"]
    assert text.vectorize(vectorizer, [["승리", "북한"]]).tolist() == [[1, 2, 0]]
