"""Tests for course_utils.text: cleaning, Hanja, tokenizers, SentencePiece and vocabularies."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from course_utils import env, text

LECTURE_KO = "드디어 교안 다 썼다!"
# what the lecture notes print for Hannanum and Kkma; Komoran and Kiwi agree with Kkma
LECTURE_MORPHS = {
    "okt": ["드디어", "교안", "다", "썼다", "!"],
    "kkma": ["드디어", "교안", "다", "쓰", "었", "다", "!"],
    "hannanum": ["드디어", "교안", "다", "쓰", "었다", "!"],
    "komoran": ["드디어", "교안", "다", "쓰", "었", "다", "!"],
    "kiwi": ["드디어", "교안", "다", "쓰", "었", "다", "!"],
}
MIXED = "x😀y 좋아요 美 GDP 3.5%"
needs_java = pytest.mark.skipif(env.java_version() is None, reason="Java is not installed")


@pytest.fixture(scope="module")
def titles(mirror: Path) -> list[str]:
    """3,000 real YNAT headlines, read straight from the mirror (skips without it)."""
    import pandas as pd

    return pd.read_csv(mirror / "ynat" / "train_data.csv")["title"].astype(str).head(3000).tolist()


# --- cleaning -----------------------------------------------------------------------------------


def test_strip_html_removes_imdb_line_breaks_and_unescapes_entities() -> None:
    review = "A fine film.<br /><br />Tom &amp; Jerry<i>rock</i>"
    assert text.strip_html(review) == "A fine film. Tom & Jerry rock"
    assert text.strip_html("") == ""
    assert text.strip_html("3 < 5 and 7 > 6") == "3 < 5 and 7 > 6"  # comparisons are not tags


def test_remove_punctuation_keeps_numbers_letters_hanja_and_emoji() -> None:
    assert text.remove_punctuation("3.5% 올라…美·中 1,000명 😀 \"인용\" ~야") == "3.5 올라 美 中 1,000명 😀 인용 야"
    assert text.remove_punctuation("don't stop.", keep="'") == "don't stop"
    assert text.remove_punctuation("") == "" and text.remove_punctuation("!!!") == ""


def test_normalize_repeats_shortens_runs_but_not_digits() -> None:
    assert text.normalize_repeats("ㅋㅋㅋㅋㅋ 최고!!!!!! 너무너무너무 1000000 하하하하 ㅎㅎ") == "ㅋㅋ 최고!! 너무너무 1000000 하하 ㅎㅎ"
    assert text.normalize_repeats("ㅠㅠㅠㅠ", max_repeats=1) == "ㅠ"
    assert text.normalize_repeats("") == ""
    with pytest.raises(ValueError, match="max_repeats"):
        text.normalize_repeats("ㅋㅋㅋ", max_repeats=0)


def test_normalize_repeats_on_very_long_input() -> None:
    assert text.normalize_repeats("ㅋ" * 100_000 + "좋다") == "ㅋㅋ좋다"


def test_english_stopwords_come_from_nltk(with_mirror: Path) -> None:
    words = text.english_stopwords()
    assert {"the", "a", "is", "not"} <= words and "movie" not in words
    assert all(w == w.lower() for w in words)


def test_clean_english() -> None:
    assert text.clean_english("<br /><br />Don't PANIC!! 'quoted' &amp; done.") == "don't panic quoted done"
    assert text.clean_english("") == ""


def test_clean_korean_on_a_headline_and_a_review() -> None:
    news = text.NEWS_HANJA_ABBREVIATIONS
    assert text.clean_korean("美 대선…트럼프 勝!!!!", abbreviations=news) == "미국 대선 트럼프 승"
    assert text.clean_korean("재밌어요ㅋㅋㅋㅋㅋ 😀😀😀😀") == "재밌어요ㅋㅋ 😀😀"


# --- Hanja --------------------------------------------------------------------------------------


def test_to_hangul_reads_hanja_and_leaves_everything_else() -> None:
    assert text.to_hangul("美 대선 韓美 정상회담") == "미 대선 한미 정상회담"
    assert text.to_hangul("美 GDP 😀 up 3.5%") == "미 GDP 😀 up 3.5%"
    assert text.to_hangul("") == "" and text.to_hangul("한글만") == "한글만"


def test_to_hangul_expands_lone_abbreviations_only() -> None:
    news = text.NEWS_HANJA_ABBREVIATIONS
    assert text.to_hangul("美 대선, 北 도발", news) == "미국 대선, 북한 도발"
    assert text.to_hangul("美전역", news) == "미국전역"  # attached to Hangul: still alone among Hanja
    assert text.to_hangul("韓美 정상회담", news) == "한미 정상회담"  # a run of Hanja is read
    assert text.to_hangul("獨·佛 정상", news) == "독·불 정상"  # joined by a middle dot: read too
    assert text.to_hangul("朴대통령", news) == "박대통령"  # names are not in the table


def test_to_hangul_normalises_compatibility_ideographs() -> None:
    compat_lee = "\uf9e1"  # looks like 李 (U+674E) but is another code point
    assert compat_lee != "李" and unicodedata.normalize("NFC", compat_lee) == "李"
    assert text.has_hanja(compat_lee)
    assert text.to_hangul(f"{compat_lee} 단식") == "이 단식"


def test_to_hangul_on_very_long_input() -> None:
    converted = text.to_hangul("美 대선 " * 20_000, text.NEWS_HANJA_ABBREVIATIONS)
    assert not text.has_hanja(converted)
    assert converted.split() == ["미국", "대선"] * 20_000


# --- tokenizers without Java ---------------------------------------------------------------------


def test_whitespace_and_char_tokenizers() -> None:
    ws, ch = text.make_tokenizer("whitespace"), text.make_tokenizer("char")
    assert ws.tokenize(LECTURE_KO) == ["드디어", "교안", "다", "썼다!"]
    assert ch.tokenize("다 썼다!") == ["다", "썼", "다", "!"]
    assert text.CharTokenizer(space="▁").tokenize(" 다  썼다 ") == ["다", "▁", "썼", "다"]
    assert text.CharTokenizer(space="<sp>").tokenize("가 나\n다") == ["가", "<sp>", "나", "<sp>", "다"]
    assert ws.tokenize("") == ch.tokenize("") == [] and ws.tokenize(" \n\t") == ch.tokenize(" \n\t") == []
    assert ch.tokenize("美😀a") == ["美", "😀", "a"]
    assert ws.tokenize_all(["가 나", "다"]) == [["가", "나"], ["다"]]
    assert ws("가 나") == ["가", "나"]


def test_make_tokenizer_rejects_unknown_names_and_misplaced_options() -> None:
    with pytest.raises(ValueError, match="kiwi"):
        text.make_tokenizer("mecab")
    with pytest.raises(ValueError, match="join_tags"):
        text.make_tokenizer("whitespace", join_tags=True)
    assert isinstance(text.make_tokenizer(" Kiwi "), text.KiwiTokenizer)
    with pytest.raises(ValueError, match="KoNLPy"):
        text.KonlpyTokenizer("mecab")


@pytest.fixture(scope="module")
def kiwi() -> text.Tokenizer:
    return text.make_tokenizer("kiwi")


def test_kiwi_morphemes_pos_and_nouns(kiwi: text.KiwiTokenizer) -> None:
    assert kiwi.tokenize(LECTURE_KO) == LECTURE_MORPHS["kiwi"]
    assert kiwi.pos(LECTURE_KO)[3:6] == [("쓰", "VV"), ("었", "EP"), ("다", "EF")]
    assert kiwi.nouns("정부가 새 정책을 발표했다") == ["정부", "정책", "발표"]
    tagged = text.make_tokenizer("kiwi", join_tags=True).tokenize(LECTURE_KO)
    assert tagged[:2] == ["드디어/MAG", "교안/NNG"]


def test_kiwi_edge_cases(kiwi: text.KiwiTokenizer) -> None:
    assert kiwi.tokenize("") == [] and kiwi.tokenize("  \n") == []
    tokens = kiwi.tokenize(MIXED)
    assert {"😀", "美", "GDP"} <= set(tokens)
    long = " ".join([LECTURE_KO] * 2000)
    assert kiwi.tokenize(long) == LECTURE_MORPHS["kiwi"] * 2000


# --- KoNLPy ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["okt", "kkma", "hannanum", "komoran"])
def analyser(request: pytest.FixtureRequest) -> text.KonlpyTokenizer:
    """Each KoNLPy analyser once per module (loading their dictionaries takes seconds)."""
    if env.java_version() is None:
        pytest.skip("Java is not installed")
    return text.make_tokenizer(request.param)


def test_konlpy_analysers_on_the_lecture_sentence(analyser: text.KonlpyTokenizer) -> None:
    assert analyser.tokenize(LECTURE_KO) == LECTURE_MORPHS[analyser.name]
    assert analyser.nouns(LECTURE_KO) == ["교안"]
    assert [form for form, _ in analyser.pos(LECTURE_KO)] == LECTURE_MORPHS[analyser.name]


def test_konlpy_analysers_survive_blank_emoji_and_long_input(analyser: text.KonlpyTokenizer) -> None:
    tokenizer, name = analyser, analyser.name
    # raw Hannanum waits forever on "   ", raw Komoran raises on it, raw Kkma/Komoran raise on emoji
    assert tokenizer.tokenize("") == [] and tokenizer.tokenize("   \n\t") == []
    pairs = tokenizer.pos(MIXED)
    assert ("😀", tokenizer.symbol_tag) in pairs
    assert {"美", "GDP"} <= {form for form, _ in pairs}
    assert tokenizer.tokenize("좋아요\n\n\n싫어요") == tokenizer.tokenize("좋아요 싫어요")
    repeats = 1000
    assert tokenizer.tokenize(" ".join([LECTURE_KO] * repeats)) == LECTURE_MORPHS[name] * repeats


@needs_java
def test_the_jvm_starts_on_first_use_not_on_creation() -> None:
    program = (
        "import jpype\n"
        "from course_utils import text\n"
        "okt = text.make_tokenizer('okt')\n"
        "assert not jpype.isJVMStarted()\n"
        "assert okt.tokenize('교안') == ['교안']\n"
        "assert jpype.isJVMStarted()\n"
        "assert text.start_jvm() == 0.0\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr


def test_missing_java_gives_install_commands_and_suggests_kiwi(monkeypatch: pytest.MonkeyPatch) -> None:
    import jpype

    def no_java() -> str:
        raise jpype.JVMNotFoundException("No JVM shared library file (libjvm.so) found.")

    monkeypatch.setattr(jpype, "isJVMStarted", lambda: False)
    monkeypatch.setattr(jpype, "getDefaultJVMPath", no_java)
    with pytest.raises(text.JavaNotFoundError) as info:
        text.make_tokenizer("komoran").tokenize(LECTURE_KO)
    message = str(info.value)
    for needle in ("apt-get install", "brew install", "winget install", 'make_tokenizer("kiwi")', "libjvm.so"):
        assert needle in message


# --- SentencePiece ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unigram(titles: list[str]) -> text.SentencePieceTokenizer:
    return text.train_sentencepiece(titles[:2500], vocab_size=2000, model_type="unigram")


def test_sentencepiece_training_is_reproducible(titles: list[str]) -> None:
    first = text.train_sentencepiece(titles[:1000], vocab_size=1500, model_type="bpe")
    second = text.train_sentencepiece(titles[:1000], vocab_size=1500, model_type="bpe")
    assert first.model_proto == second.model_proto
    assert first.vocab_size == 1500 and first.name == "sentencepiece-bpe"


def test_sentencepiece_special_ids_and_round_trip(unigram: text.SentencePieceTokenizer, titles: list[str]) -> None:
    assert unigram.pieces[:4] == ["<pad>", "<unk>", "<s>", "</s>"] and unigram.unk_id == 1
    plain = [t for t in titles[2500:] if t == unicodedata.normalize("NFKC", t) and t == " ".join(t.split())
             and unigram.unk_id not in unigram.encode(t)]  # unknown characters decode as " ⁇ "
    assert len(plain) > 100
    for title in plain:
        assert unigram.decode(unigram.encode(title)) == title
        assert "".join(unigram.tokenize(title)).replace("▁", " ").strip() == title
    ids = unigram.encode(plain[0], add_bos=True, add_eos=True)
    assert ids[0] == 2 and ids[-1] == 3 and unigram.decode(ids) == plain[0]
    assert unigram.tokenize("") == [] and unigram.encode("") == []


def test_sentencepiece_oov_is_the_share_of_unk_ids(unigram: text.SentencePieceTokenizer, titles: list[str]) -> None:
    held_out = [*titles[2500:], "오늘 날씨 😀 최고", "美 대선"]
    by_pieces = text.oov_rate(unigram.tokenize_all(held_out), set(unigram.pieces))
    ids = [i for t in held_out for i in unigram.encode(t)]
    assert by_pieces == pytest.approx(sum(i == unigram.unk_id for i in ids) / len(ids))
    assert 0 < by_pieces < 0.05
    assert unigram.unk_id in unigram.encode("😀")


def test_sentencepiece_byte_fallback_leaves_no_unknowns(titles: list[str]) -> None:
    spm = text.train_sentencepiece(titles[:2000], vocab_size=2000, byte_fallback=True)
    ids = spm.encode("이모지 😀 와 희귀 한자 龘")
    assert spm.unk_id not in ids
    assert spm.decode(ids) == "이모지 😀 와 희귀 한자 龘"


def test_sentencepiece_needs_text_and_can_stop_early(titles: list[str]) -> None:
    with pytest.raises(ValueError, match="문장"):
        text.train_sentencepiece(["", "  "], vocab_size=10)
    small = text.train_sentencepiece(titles[:50], vocab_size=5000, hard_vocab_limit=False)
    assert small.vocab_size < 5000


# --- vocabulary ---------------------------------------------------------------------------------------


def test_vocabulary_orders_by_frequency_and_encodes() -> None:
    corpus = [["나는", "학교에", "간다"], ["너는", "학교에", "간다"], ["간다"]]
    vocab = text.Vocabulary.from_corpus(corpus)
    assert vocab.tokens == ("", "[UNK]", "간다", "학교에", "너는", "나는")  # ties: reverse code-point order
    assert vocab.counts == (0, 0, 3, 2, 1, 1)
    assert vocab.encode(["나는", "집에", "간다"]) == [5, 1, 2]
    assert vocab.decode([5, 1, 2, 0, 0]) == ["나는", "[UNK]", "간다"]
    assert vocab.decode([5, 0], skip_padding=False) == ["나는", ""]
    assert "간다" in vocab and "집에" not in vocab and "[UNK]" not in vocab and "" not in vocab
    assert len(text.Vocabulary.from_corpus(corpus, max_tokens=4)) == 4
    assert text.Vocabulary.from_corpus(corpus, min_count=2).tokens == ("", "[UNK]", "간다", "학교에")
    assert text.Vocabulary.from_corpus([]).tokens == ("", "[UNK]")


def test_vocabulary_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="max_tokens"):
        text.Vocabulary.from_corpus([["a"]], max_tokens=1)
    with pytest.raises(ValueError, match="패딩"):
        text.Vocabulary(("a", "b"), (1, 1))
    with pytest.raises(ValueError, match="counts"):
        text.Vocabulary(("", "[UNK]", "a"), (0, 0))


@pytest.mark.parametrize("max_tokens", [None, 300])
def test_vocabulary_matches_keras_text_vectorization(titles: list[str], max_tokens: int | None) -> None:
    import keras
    import numpy as np

    sample = titles[:1500]
    layer = keras.layers.TextVectorization(max_tokens=max_tokens, standardize=None, split="whitespace")
    layer.adapt(sample)
    vocab = text.Vocabulary.from_corpus((t.split() for t in sample), max_tokens=max_tokens)
    assert list(vocab.tokens) == [str(t) for t in layer.get_vocabulary()]
    check = titles[1500:1600]
    expected = keras.utils.pad_sequences([vocab.encode(t.split()) for t in check], maxlen=20, padding="post")
    layer_out = keras.layers.TextVectorization(
        standardize=None, split="whitespace", output_sequence_length=20, vocabulary=layer.get_vocabulary()[2:]
    )(check)
    np.testing.assert_array_equal(np.asarray(layer_out), expected)


def test_oov_rate() -> None:
    known = text.Vocabulary.from_corpus([["형은", "학교에", "갔다"], ["동생은", "집에", "왔다"]])
    assert text.oov_rate([["동생은", "학교에", "갔다가", "집에", "왔다"]], known) == pytest.approx(0.2)
    assert text.oov_rate([["a", "b"], []], {"a"}) == 0.5
    assert text.oov_rate([], known) == 0.0 and text.oov_rate([[]], known) == 0.0


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, float("nan"), b"bytes", 3])
@pytest.mark.parametrize("tokenizer", [text.WhitespaceTokenizer(), text.CharTokenizer()], ids=["whitespace", "char"])
def test_tokenizers_refuse_non_text_with_a_clear_type_error(tokenizer: text.Tokenizer, bad) -> None:
    with pytest.raises(TypeError, match="str|fillna|decode"):
        tokenizer.tokenize(bad)


def test_bytes_into_the_char_tokenizer_says_decode() -> None:
    with pytest.raises(TypeError, match=r"decode\('utf-8'\)"):
        text.CharTokenizer().tokenize("한글".encode())


def test_a_single_string_is_not_a_list_of_texts() -> None:
    with pytest.raises(TypeError, match="리스트"):
        text.WhitespaceTokenizer().tokenize_all("드디어 교안 다 썼다")
    with pytest.raises(TypeError, match="tokenize_all"):
        text.Vocabulary.from_corpus("드디어 교안")
    with pytest.raises(TypeError, match="tokenize_all"):
        text.Vocabulary.from_corpus(["드디어 교안", "다 썼다"])  # texts, not token lists
    assert len(text.Vocabulary.from_corpus([["드디어", "교안"]])) == 4


def test_decode_refuses_ids_outside_the_vocabulary() -> None:
    vocab = text.Vocabulary.from_corpus([["a", "b", "a"]])
    assert vocab.decode([2, 3, 0]) == ["a", "b"]
    for bad in ([-1], [len(vocab)]):
        with pytest.raises(ValueError, match="번호"):
            vocab.decode(bad)


def test_chunk_words_cuts_at_whitespace_within_the_limit() -> None:
    words = ["가나다"] * 100
    pieces = text.chunk_words(" ".join(words), limit=20)
    assert all(len(p) <= 20 for p in pieces) and " ".join(pieces).split() == words
    assert text.chunk_words("ㅋ" * 45, limit=20) == ["ㅋ" * 20, "ㅋ" * 20, "ㅋ" * 5]
    assert text.chunk_words("  \n ") == []


def test_konlpy_wrapper_sends_short_pieces_and_refuses_a_silent_empty_answer() -> None:
    class Backend:  # records what the analyser receives; answers [] like Hannanum after its Java error
        def __init__(self) -> None:
            self.calls: list[str] = []

        def pos(self, piece: str) -> list[tuple[str, str]]:
            self.calls.append(piece)
            return [] if piece.startswith("ㅋ") else [(w, "N") for w in piece.split()]

    tokenizer = text.KonlpyTokenizer("hannanum")
    tokenizer._backend = backend = Backend()
    long_text = " ".join(["교안"] * 1000)
    assert tokenizer.tokenize(long_text) == ["교안"] * 1000
    assert max(len(c) for c in backend.calls) <= text.KONLPY_CHUNK_CHARS and len(backend.calls) > 1
    with pytest.raises(ValueError, match="hannanum.*kiwi"):
        tokenizer.tokenize("ㅋ" * 600)
    with pytest.raises(TypeError):
        tokenizer.tokenize(None)
