"""Text preprocessing shared by the notebooks: cleaning, Hanja → Hangul, tokenizers, vocabularies.

Every tokenizer has the same interface, whatever the backend::

    from course_utils import text
    kiwi = text.make_tokenizer("kiwi")          # or "okt", "kkma", "hannanum", "komoran",
    kiwi.tokenize("드디어 교안 다 썼다!")         # "whitespace", "char"
    # ['드디어', '교안', '다', '쓰', '었', '다', '!']
    kiwi.pos("드디어 교안 다 썼다!")[:2]          # morphological analysers also have pos and nouns
    # [('드디어', 'MAG'), ('교안', 'NNG')]
    spm = text.train_sentencepiece(titles, vocab_size=8000, model_type="bpe")
    spm.tokenize("드디어 교안 다 썼다!")          # the same interface, plus encode/decode

Backends are created on first use. The KoNLPy analysers run on the Java virtual machine,
which therefore starts only when a KoNLPy tokenizer first tokenizes something (or when
:func:`start_jvm` is called); without Java they raise :class:`JavaNotFoundError`, whose
message says how to install Java and suggests Kiwi, which needs no Java.

:class:`Vocabulary` follows the conventions of ``keras.layers.TextVectorization``: index 0
is padding (``""``), 1 is the out-of-vocabulary token ``"[UNK]"``, then tokens by
decreasing frequency with the same tie-break, so both give the same integers.

A tokenizer that runs in Python (Kiwi, KoNLPy, SentencePiece) cannot live inside a Keras model,
so its token lists are joined with spaces (:func:`join_tokens`) and handed to a
``TextVectorization`` layer that only maps tokens to integers::

    maxlen = text.sequence_length(train_tokens, coverage=0.99)
    vectorizer = text.fit_vectorizer(train_tokens, maxlen=maxlen, max_tokens=20_000)
    x_train = text.vectorize(vectorizer, train_tokens)      # (n, maxlen) int64, 0 = padding
    text.unknown_share(x_valid)                              # share of [UNK] among real positions

Importing this module does not import Keras; :func:`fit_vectorizer` does.
"""

from __future__ import annotations

import html
import io
import re
import string
import time
import unicodedata
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import keras

# ---------------------------------------------------------------------------------------------
# Cleaning
# ---------------------------------------------------------------------------------------------

_HTML_TAG = re.compile(r"</?[A-Za-z!][^<>]*>")  # <br />, </i>, <!-- --> but not "3 < 5"
_ASCII_PUNCTUATION = frozenset(string.punctuation)
_NUMBER_SEPARATORS = frozenset(".,")


def collapse_whitespace(text: str) -> str:
    """Replace every run of whitespace (spaces, tabs, newlines) by one space and trim the ends."""
    return " ".join(text.split())


def strip_html(text: str) -> str:
    """Replace HTML tags (IMDB's ``<br />``) by spaces and unescape entities (``&amp;`` → ``&``)."""
    return collapse_whitespace(html.unescape(_HTML_TAG.sub(" ", text)))


def _is_punctuation(char: str) -> bool:
    return char in _ASCII_PUNCTUATION or unicodedata.category(char).startswith("P")


def remove_punctuation(text: str, keep: str = "") -> str:
    """Replace punctuation by spaces, then collapse whitespace.

    Punctuation is every ASCII punctuation character (``string.punctuation``, which includes
    symbols such as ``$`` and ``~``) and every Unicode character of category ``P*``
    (``…``, ``·``, ``「」``). Characters in ``keep`` stay, and so do ``.`` and ``,`` between two
    digits (``3.5``, ``1,000``). Letters of any script, digits and emoji are never removed.
    """
    last = len(text) - 1
    out = []
    for i, char in enumerate(text):
        in_number = (
            char in _NUMBER_SEPARATORS and 0 < i < last and text[i - 1].isdigit() and text[i + 1].isdigit()
        )
        out.append(" " if _is_punctuation(char) and char not in keep and not in_number else char)
    return collapse_whitespace("".join(out))


@cache
def _repeat_pattern(max_repeats: int) -> re.Pattern[str]:
    # a unit of 1-3 non-digit characters followed by at least max_repeats more copies of itself
    return re.compile(r"(\D{1,3}?)\1{%d,}" % max_repeats)


def normalize_repeats(text: str, max_repeats: int = 2) -> str:
    """Shorten runs of a repeated unit of one to three characters to ``max_repeats`` copies.

    ``"ㅋㅋㅋㅋㅋ"`` → ``"ㅋㅋ"``, ``"최고!!!!!!"`` → ``"최고!!"``, ``"너무너무너무"`` → ``"너무너무"``.
    Digits are never shortened (``"1000000"`` stays), and shorter runs are left as they are.
    """
    if max_repeats < 1:
        raise ValueError(f"max_repeats는 1 이상이어야 합니다 (받은 값: {max_repeats}).")
    return _repeat_pattern(max_repeats).sub(lambda m: m.group(1) * max_repeats, text)


def english_stopwords() -> frozenset[str]:
    """NLTK's English stop-word list (lower case), found through :func:`course_utils.data.ensure_nltk`."""
    from nltk.corpus import stopwords

    from course_utils.data import ensure_nltk

    ensure_nltk("stopwords")
    return frozenset(stopwords.words("english"))


_QUOTE_NOT_IN_WORD = re.compile(r"(?<!\w)'|'(?!\w)")


def clean_english(text: str) -> str:
    """HTML removed, lower case, punctuation removed except apostrophes inside words (``don't``)."""
    lowered = strip_html(text).lower()
    return remove_punctuation(_QUOTE_NOT_IN_WORD.sub(" ", lowered), keep="'")


def clean_korean(text: str, *, abbreviations: Mapping[str, str] | None = None, max_repeats: int = 2) -> str:
    """Hanja read in Hangul (:func:`to_hangul`), repeats shortened, punctuation removed.

    Pass ``abbreviations=NEWS_HANJA_ABBREVIATIONS`` for news headlines (``美`` → ``미국``).
    """
    return remove_punctuation(normalize_repeats(to_hangul(text, abbreviations), max_repeats))


# ---------------------------------------------------------------------------------------------
# Hanja
# ---------------------------------------------------------------------------------------------

HANJA_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
"""One Hanja character: CJK Unified Ideographs, Extension A and the Compatibility Ideographs."""

_COMPATIBILITY_HANJA = re.compile("[\uf900-\ufaff]")
_HANJA_JOINERS = "·ㆍ・"  # "美·中" is read 미·중, like the adjacent "美中"
_LONE_HANJA = re.compile(
    "(?<![\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff%s])" % _HANJA_JOINERS
    + "([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])"
    + "(?![\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff%s])" % _HANJA_JOINERS
)

NEWS_HANJA_ABBREVIATIONS: Mapping[str, str] = MappingProxyType({
    "美": "미국", "北": "북한", "中": "중국", "日": "일본", "韓": "한국", "南": "남한",
    "英": "영국", "獨": "독일", "佛": "프랑스", "伊": "이탈리아", "亞": "아시아",
    "靑": "청와대", "與": "여당", "野": "야당", "檢": "검찰", "銀": "은행", "硏": "연구원",
})
"""Single Hanja that Korean headlines use as abbreviations, with the word they stand for.

Names of people (``朴``, ``文``, ``安``) are left out on purpose: who they refer to depends on
the year of the article.
"""


def has_hanja(text: str) -> bool:
    """Whether ``text`` contains at least one Hanja character (see :data:`HANJA_RE`)."""
    return HANJA_RE.search(text) is not None


def to_hangul(text: str, abbreviations: Mapping[str, str] | None = None) -> str:
    """Replace Hanja by their Hangul reading with the ``hanja`` library.

    Compatibility ideographs (``李`` U+F9E1, which looks like ``李`` U+674E) are first mapped to
    the unified ones by NFC normalisation; ``hanja`` does not know them otherwise. With
    ``abbreviations`` (e.g. :data:`NEWS_HANJA_ABBREVIATIONS`), a Hanja standing alone -- not next
    to another Hanja or to a joining ``·`` -- is replaced by the word it abbreviates
    (``美 대선`` → ``미국 대선``) while runs such as ``韓美`` are still read (``한미``).
    Other characters (Hangul, Latin, digits, emoji) are unchanged.
    """
    import hanja

    if not has_hanja(text):
        return text
    text = _COMPATIBILITY_HANJA.sub(lambda m: unicodedata.normalize("NFC", m.group()), text)
    if abbreviations:
        text = _LONE_HANJA.sub(lambda m: abbreviations.get(m.group(1), m.group(1)), text)
    return hanja.translate(text, "substitution")


# ---------------------------------------------------------------------------------------------
# Tokenizers
# ---------------------------------------------------------------------------------------------


def require_text(text: Any) -> str:
    """Return ``text`` if it is a ``str``; raise a clear ``TypeError`` for None, NaN, bytes and the rest."""
    if isinstance(text, str):
        return text
    if text is None or (isinstance(text, float) and text != text):
        raise TypeError(f"토큰화할 텍스트가 비어 있습니다({text!r}). 결측값은 먼저 빼거나 "
                        f"fillna('')로 빈 문자열로 바꾸세요.")
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("bytes가 아니라 str이 필요합니다. 먼저 text.decode('utf-8')로 바꾸세요.")
    raise TypeError(f"토큰화할 텍스트는 str이어야 합니다 (받은 값의 형: {type(text).__name__}).")


class Tokenizer(ABC):
    """A tokenizer: ``tokenize(text) -> list[str]``. Blank text gives ``[]``; a non-``str`` is a ``TypeError``."""

    name: str

    @abstractmethod
    def tokenize(self, text: str) -> list[str]:
        """Split ``text`` into tokens."""

    def tokenize_all(self, texts: Iterable[str]) -> list[list[str]]:
        """Tokenize every text, in order. One string is an error (it would be split into characters)."""
        if isinstance(texts, (str, bytes)):
            raise TypeError("tokenize_all에는 문장 하나가 아니라 문장의 리스트가 필요합니다. "
                            "문장 하나라면 tokenize(text)를, 아니면 [text]처럼 리스트로 감싸세요.")
        return [self.tokenize(t) for t in texts]

    def __call__(self, text: str) -> list[str]:
        return self.tokenize(text)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


class WhitespaceTokenizer(Tokenizer):
    """Tokens are the runs of non-whitespace characters (Korean 어절, English words with punctuation)."""

    name = "whitespace"

    def tokenize(self, text: str) -> list[str]:
        return require_text(text).split()


class CharTokenizer(Tokenizer):
    """Every character is a token; whitespace is dropped, or kept as the token ``space`` if given."""

    name = "char"

    def __init__(self, space: str | None = None) -> None:
        self.space = space

    def tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        for i, word in enumerate(require_text(text).split()):
            if i and self.space is not None:
                tokens.append(self.space)
            tokens.extend(word)
        return tokens


class MorphTokenizer(Tokenizer):
    """A morphological analyser: ``pos`` gives ``(morpheme, tag)`` pairs, ``tokenize`` the morphemes.

    With ``join_tags=True`` tokens are ``"morpheme/TAG"`` (e.g. ``"쓰/VV"``), which keeps
    homographs apart (the noun ``"쓰/NNG"`` is another token), useful for word vectors.
    """

    noun_tags: tuple[str, ...]

    def __init__(self, join_tags: bool = False) -> None:
        self.join_tags = join_tags
        self._backend: Any = None

    @property
    def backend(self) -> Any:
        """The analyser object of the underlying library, created on first use."""
        if self._backend is None:
            self._backend = self._create_backend()
        return self._backend

    @abstractmethod
    def _create_backend(self) -> Any: ...

    @abstractmethod
    def pos(self, text: str) -> list[tuple[str, str]]:
        """``(morpheme, tag)`` pairs in the backend's tag set."""

    def tokenize(self, text: str) -> list[str]:
        require_text(text)
        if self.join_tags:
            return [f"{form}/{tag}" for form, tag in self.pos(text)]
        return [form for form, _ in self.pos(text)]

    def nouns(self, text: str) -> list[str]:
        """The morphemes tagged as nouns (general and proper nouns)."""
        return [form for form, tag in self.pos(text) if tag in self.noun_tags]


class KiwiTokenizer(MorphTokenizer):
    """Kiwi (kiwipiepy): a C++ analyser with the Sejong tag set; no Java needed."""

    name = "kiwi"
    noun_tags = ("NNG", "NNP")

    def _create_backend(self) -> Any:
        from kiwipiepy import Kiwi

        return Kiwi()

    def pos(self, text: str) -> list[tuple[str, str]]:
        if not text.strip():
            return []
        return [(token.form, token.tag) for token in self.backend.tokenize(text)]


class JavaNotFoundError(RuntimeError):
    """Raised when a KoNLPy analyser needs the Java virtual machine and none can be found."""


def _java_missing_message(detail: str) -> str:
    from course_utils.env import JAVA_FIX

    return (
        "KoNLPy의 형태소 분석기(Okt, Kkma, Hannanum, Komoran)는 Java 가상 머신(JVM) 위에서 돌아가는데, "
        f"Java를 찾지 못했습니다 ({detail}).\n"
        "  Java 설치 방법:\n"
        "   - Ubuntu/Debian: sudo apt-get install -y default-jdk\n"
        "   - macOS: brew install openjdk@17 (안내에 따라 JAVA_HOME 설정)\n"
        "   - Windows: winget install Microsoft.OpenJDK.17 (설치 후 새 터미널 열기)\n"
        "   - Colab: !apt-get install -y default-jdk-headless\n"
        "  설치한 뒤 커널을 다시 시작하세요.\n"
        "  지금 바로 Java 없이 하려면 Kiwi를 쓰세요: text.make_tokenizer(\"kiwi\")\n"
        f"  ({JAVA_FIX})"
    )


def start_jvm(max_heap_mb: int = 1024) -> float:
    """Start the Java virtual machine for KoNLPy, if it is not running; return the seconds it took.

    Returns ``0.0`` when the JVM is already running (it can start only once per process).
    Raises :class:`JavaNotFoundError` with installation instructions when Java is missing.
    """
    import jpype
    from konlpy import jvm

    if jpype.isJVMStarted():
        return 0.0
    try:
        path = jpype.getDefaultJVMPath()
    except (jpype.JVMNotFoundException, jpype.JVMNotSupportedException) as exc:
        raise JavaNotFoundError(_java_missing_message(f"{type(exc).__name__}: {exc}")) from None
    began = time.perf_counter()
    try:
        jvm.init_jvm(path, max_heap_mb)
    except OSError as exc:  # a JVM library that exists but cannot be loaded
        raise JavaNotFoundError(_java_missing_message(f"{path}: {exc}")) from None
    return time.perf_counter() - began


_KONLPY_CLASSES = {"okt": "Okt", "kkma": "Kkma", "hannanum": "Hannanum", "komoran": "Komoran"}
_KONLPY_NOUN_TAGS = {"okt": ("Noun",), "kkma": ("NNG", "NNP"), "hannanum": ("N",), "komoran": ("NNG", "NNP")}
_KONLPY_SYMBOL_TAGS = {"okt": "Foreign", "kkma": "SW", "hannanum": "S", "komoran": "SW"}
_OUTSIDE_BMP = re.compile("([\U00010000-\U0010ffff])")
KONLPY_CHUNK_CHARS = 200
"""Longest piece of text handed to a KoNLPy analyser at once (see :func:`chunk_words`)."""


def chunk_words(text: str, limit: int = KONLPY_CHUNK_CHARS) -> list[str]:
    """Cut ``text`` at whitespace into pieces of at most ``limit`` characters (words joined by one space).

    A run without whitespace longer than ``limit`` (a URL, "ㅋㅋㅋ…") is cut every ``limit``
    characters: it is no word an analyser could use whole.
    """
    pieces: list[str] = []
    current = ""
    for word in text.split():
        for start in range(0, len(word), limit):
            part = word[start : start + limit]
            if current and len(current) + 1 + len(part) > limit:
                pieces.append(current)
                current = ""
            current = f"{current} {part}" if current else part
    if current:
        pieces.append(current)
    return pieces


class KonlpyTokenizer(MorphTokenizer):
    """One of KoNLPy's analysers (``okt``, ``kkma``, ``hannanum``, ``komoran``), made safe to call.

    The JVM starts on first use. The Java analysers fail on input that is fine for people:
    whitespace-only text makes Hannanum wait forever and Komoran raise, characters outside
    the Basic Multilingual Plane (emoji) break Kkma's and Komoran's string conversion, long
    texts make Okt slow (its time grows faster than the length) and a long run without spaces
    makes Hannanum print a Java error and return nothing. So the wrapper returns ``[]`` for
    blank text, passes emoji through as tokens of their own with the backend's symbol tag
    (``SW``, ``S`` or ``Foreign``), and analyses the text in pieces of at most
    :data:`KONLPY_CHUNK_CHARS` characters cut at whitespace (:func:`chunk_words`).
    """

    def __init__(self, name: str, join_tags: bool = False) -> None:
        if name not in _KONLPY_CLASSES:
            raise ValueError(f"KoNLPy 분석기 이름은 {', '.join(_KONLPY_CLASSES)} 중 하나여야 합니다 (받은 값: {name!r}).")
        super().__init__(join_tags)
        self.name = name
        self.noun_tags = _KONLPY_NOUN_TAGS[name]
        self.symbol_tag = _KONLPY_SYMBOL_TAGS[name]

    def _create_backend(self) -> Any:
        import konlpy.tag

        start_jvm()
        return getattr(konlpy.tag, _KONLPY_CLASSES[self.name])()

    def pos(self, text: str) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for i, part in enumerate(_OUTSIDE_BMP.split(text)):
            if i % 2:  # the captured separators: one astral character each
                pairs.append((part, self.symbol_tag))
            else:
                for piece in chunk_words(part):
                    found = self.backend.pos(piece)
                    if not found:  # Hannanum's answer to a long run without spaces (after a Java error)
                        raise ValueError(
                            f"{self.name} 분석기가 '{piece[:20]}…'({len(piece)}자)를 분석하지 못했습니다(빈 결과). "
                            f"띄어쓰기 없이 긴 글은 띄어쓰기를 넣거나 kiwi·okt 분석기를 쓰세요.")
                    pairs.extend((str(form), str(tag)) for form, tag in found)
        return pairs


TOKENIZERS: tuple[str, ...] = ("whitespace", "char", "okt", "kkma", "hannanum", "komoran", "kiwi")
"""The names :func:`make_tokenizer` accepts."""


def make_tokenizer(name: str, *, join_tags: bool = False) -> Tokenizer:
    """A tokenizer by name (see :data:`TOKENIZERS`); nothing heavy is loaded until first use.

    ``join_tags`` (morphological analysers only) makes tokens ``"morpheme/TAG"``.
    """
    key = name.strip().lower()
    if key in _KONLPY_CLASSES:
        return KonlpyTokenizer(key, join_tags=join_tags)
    if key == "kiwi":
        return KiwiTokenizer(join_tags=join_tags)
    if join_tags:
        raise ValueError(f"join_tags는 형태소 분석기에만 쓸 수 있습니다 (받은 이름: {name!r}).")
    if key == "whitespace":
        return WhitespaceTokenizer()
    if key == "char":
        return CharTokenizer()
    raise ValueError(f"알 수 없는 토크나이저 {name!r}. 사용 가능한 이름: {', '.join(TOKENIZERS)}")


# ---------------------------------------------------------------------------------------------
# SentencePiece
# ---------------------------------------------------------------------------------------------

SPECIAL_PIECES = {"pad": (0, "<pad>"), "unk": (1, "<unk>"), "bos": (2, "<s>"), "eos": (3, "</s>")}
"""Ids and pieces of the special tokens of every model :func:`train_sentencepiece` trains.

Padding is 0, so ``keras.layers.Embedding(mask_zero=True)`` masks it, as with :class:`Vocabulary`.
"""


class SentencePieceTokenizer(Tokenizer):
    """A trained SentencePiece model with the :class:`Tokenizer` interface plus ids.

    ``tokenize`` gives pieces (``"▁대선"``: ``▁`` marks the start of a word), ``encode`` ids,
    ``decode`` the text back. ``model_proto`` holds the serialised model (write it to a
    ``.model`` file to load it elsewhere with ``sentencepiece.SentencePieceProcessor``).
    """

    def __init__(self, model_proto: bytes, name: str = "sentencepiece") -> None:
        import sentencepiece as spm

        self.model_proto = model_proto
        self.name = name
        self.processor = spm.SentencePieceProcessor(model_proto=model_proto)

    @property
    def vocab_size(self) -> int:
        return self.processor.get_piece_size()

    @property
    def pieces(self) -> list[str]:
        """Every piece of the vocabulary, in id order."""
        return [self.processor.id_to_piece(i) for i in range(self.vocab_size)]

    @property
    def unk_id(self) -> int:
        return self.processor.unk_id()

    def tokenize(self, text: str) -> list[str]:
        return self.processor.encode(require_text(text), out_type=str)

    def encode(self, text: str, *, add_bos: bool = False, add_eos: bool = False) -> list[int]:
        """Ids of the pieces, optionally with ``<s>`` first and ``</s>`` last."""
        return self.processor.encode(text, add_bos=add_bos, add_eos=add_eos)

    def decode(self, ids: Sequence[int]) -> str:
        """The text back from ids (padding, ``<s>`` and ``</s>`` are skipped)."""
        return self.processor.decode([int(i) for i in ids])


def train_sentencepiece(
    texts: Iterable[str],
    vocab_size: int,
    model_type: str = "unigram",
    *,
    character_coverage: float = 0.9995,
    byte_fallback: bool = False,
    seed: int = 0,
    **options: Any,
) -> SentencePieceTokenizer:
    """Train a SentencePiece model in memory (no files) and return it as a tokenizer.

    ``model_type`` is ``"unigram"`` or ``"bpe"`` (also ``"word"``, ``"char"``). Characters
    outside the most frequent ``character_coverage`` share become ``<unk>`` unless
    ``byte_fallback`` spells them as UTF-8 bytes. Training is single-threaded and seeded so that
    it gives the same model every run. ``options`` go to ``SentencePieceTrainer.train`` (e.g.
    ``hard_vocab_limit=False`` lets a small corpus end with fewer pieces than ``vocab_size``).
    Special ids follow :data:`SPECIAL_PIECES`.
    """
    import sentencepiece as spm

    sentences = [t for t in texts if t.strip()]
    if not sentences:
        raise ValueError("SentencePiece를 학습할 문장이 없습니다 (빈 문자열만 있거나 목록이 비었습니다).")
    specials: dict[str, Any] = {}
    for kind, (index, piece) in SPECIAL_PIECES.items():  # pad_id=0, pad_piece="<pad>", unk_id=1, ...
        specials[f"{kind}_id"], specials[f"{kind}_piece"] = index, piece
    spm.set_random_generator_seed(seed)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=model, vocab_size=vocab_size, model_type=model_type,
        character_coverage=character_coverage, byte_fallback=byte_fallback, num_threads=1, minloglevel=2,
        **specials, **options,
    )
    return SentencePieceTokenizer(model.getvalue(), name=f"sentencepiece-{model_type}")


# ---------------------------------------------------------------------------------------------
# Vocabulary and encoding
# ---------------------------------------------------------------------------------------------

PAD_TOKEN = ""
OOV_TOKEN = "[UNK]"


def _token_lists(token_lists: Iterable[Iterable[str]]) -> Iterable[Iterable[str]]:
    """Pass the token lists through, refusing texts where token lists are expected."""
    if isinstance(token_lists, (str, bytes)):
        raise TypeError("토큰 리스트의 리스트가 필요한데 문자열 하나를 받았습니다. "
                        "예: Vocabulary.from_corpus(tokenizer.tokenize_all(texts))")
    for tokens in token_lists:
        if isinstance(tokens, (str, bytes)):
            raise TypeError(f"토큰 리스트 대신 문장 {tokens[:30]!r}을(를) 받았습니다. 문장은 글자 단위로 세어지므로, "
                            f"먼저 토큰화하세요: Vocabulary.from_corpus(tokenizer.tokenize_all(texts))")
        yield tokens


@dataclass(frozen=True)
class Vocabulary:
    """Tokens ↔ integers with Keras' conventions: 0 padding ``""``, 1 ``"[UNK]"``, then by frequency.

    ``tokens[i]`` is the token of index ``i`` and ``counts[i]`` how often it occurred in the
    corpus (0 for the two special tokens). Build one with :meth:`from_corpus`.
    """

    tokens: tuple[str, ...]
    counts: tuple[int, ...]
    _index: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.tokens[:2] != (PAD_TOKEN, OOV_TOKEN):
            raise ValueError(f"어휘의 처음 두 토큰은 패딩 {PAD_TOKEN!r}과 {OOV_TOKEN!r}이어야 합니다.")
        if len(self.counts) != len(self.tokens) or len(set(self.tokens)) != len(self.tokens):
            raise ValueError("tokens와 counts의 길이가 같고, 토큰은 서로 달라야 합니다.")
        object.__setattr__(self, "_index", {token: i for i, token in enumerate(self.tokens)})

    @classmethod
    def from_corpus(
        cls, token_lists: Iterable[Iterable[str]], *, max_tokens: int | None = None, min_count: int = 1
    ) -> Vocabulary:
        """Count the tokens of a tokenized corpus and keep the most frequent ones.

        ``max_tokens`` counts the two special tokens, like ``TextVectorization(max_tokens=...)``;
        ties are broken like Keras (by the token, in reverse code-point order).
        """
        if max_tokens is not None and max_tokens < 2:
            raise ValueError(f"max_tokens는 특수 토큰 두 개를 포함하므로 2 이상이어야 합니다 (받은 값: {max_tokens}).")
        counter = Counter(token for tokens in _token_lists(token_lists) for token in tokens)
        ranked = sorted(
            ((n, t) for t, n in counter.items() if n >= min_count and t not in (PAD_TOKEN, OOV_TOKEN)),
            reverse=True,
        )
        if max_tokens is not None:
            ranked = ranked[: max_tokens - 2]
        return cls((PAD_TOKEN, OOV_TOKEN, *(t for _, t in ranked)), (0, 0, *(n for n, _ in ranked)))

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: object) -> bool:
        """Whether ``token`` was learned (the special tokens are not)."""
        return self._index.get(token, 0) >= 2  # type: ignore[call-overload]

    def index(self, token: str) -> int:
        """The integer of ``token``; 1 (``[UNK]``) for a token outside the vocabulary."""
        return self._index.get(token, 1)

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """Integers of a token sequence (unknown tokens → 1)."""
        return [self.index(t) for t in tokens]

    def decode(self, ids: Iterable[int], *, skip_padding: bool = True) -> list[str]:
        """Tokens of an integer sequence; padding (0) is dropped unless ``skip_padding=False``.

        An id outside ``0 .. len(self) - 1`` (e.g. a negative one) is a ``ValueError``.
        """
        tokens = []
        for i in map(int, ids):
            if not 0 <= i < len(self.tokens):
                raise ValueError(f"어휘에 없는 번호 {i}: 번호는 0 이상 {len(self.tokens) - 1} 이하여야 합니다.")
            if i or not skip_padding:
                tokens.append(self.tokens[i])
        return tokens


def oov_rate(token_lists: Iterable[Iterable[str]], known: Container[str]) -> float:
    """Share of the tokens of ``token_lists`` that are not in ``known`` (a :class:`Vocabulary`, a set …).

    Returns 0.0 for a corpus without tokens.
    """
    total = unknown = 0
    for tokens in token_lists:
        for token in tokens:
            total += 1
            unknown += token not in known
    return unknown / total if total else 0.0


# ---------------------------------------------------------------------------------------------
# Token lists → integer ids for Keras (``TextVectorization`` on pre-tokenized texts)
# ---------------------------------------------------------------------------------------------

SPACE_IN_TOKEN = "_"
"""What whitespace inside a token becomes when tokens are joined (Kiwi's ``"베이브 루스"``)."""

_WHITESPACE = re.compile(r"\s+")


def join_tokens(token_lists: Iterable[Sequence[str]]) -> list[str]:
    """Join each token list with single spaces, for ``TextVectorization(split="whitespace")``.

    A token with whitespace inside (Kiwi returns some multi-word proper nouns such as
    ``"베이브 루스"`` as one token) keeps being one token: each run of whitespace in it becomes
    :data:`SPACE_IN_TOKEN` (``"베이브_루스"``). An empty token raises ``ValueError``, since it
    would silently disappear.
    """
    joined = []
    for tokens in token_lists:
        parts = []
        for token in tokens:
            part = _WHITESPACE.sub(SPACE_IN_TOKEN, token.strip())
            if not part:
                raise ValueError(f"빈 토큰(또는 공백뿐인 토큰)이 있어요: {token!r}")
            parts.append(part)
        joined.append(" ".join(parts))
    return joined


def sequence_length(token_lists: Sequence[Sequence[str]], coverage: float = 0.99) -> int:
    """The smallest length that holds every token of at least ``coverage`` of the lists.

    ``coverage=1.0`` gives the longest list; texts longer than the result are cut when padded.
    """
    if not 0 < coverage <= 1:
        raise ValueError(f"coverage는 0보다 크고 1 이하여야 해요 (받은 값: {coverage}).")
    if not token_lists:
        raise ValueError("토큰 목록이 비어 있어요.")
    lengths = np.sort([len(tokens) for tokens in token_lists])
    needed = int(np.ceil(coverage * len(lengths)))
    return max(1, int(lengths[needed - 1]))


def fit_vectorizer(
    token_lists: Iterable[Sequence[str]], *, maxlen: int, max_tokens: int | None = None
) -> keras.layers.TextVectorization:
    """A ``TextVectorization`` layer adapted to pre-tokenized texts.

    No standardisation, split on the spaces :func:`join_tokens` puts between tokens, outputs
    padded or cut to ``maxlen`` integers (padding and cutting at the end). ``max_tokens``
    counts padding and ``[UNK]``, as in Keras.
    """
    import keras

    vectorizer = keras.layers.TextVectorization(
        max_tokens=max_tokens, standardize=None, split="whitespace", output_mode="int",
        output_sequence_length=maxlen,
    )
    vectorizer.adapt(np.array(join_tokens(token_lists), dtype=object), batch_size=1024)
    return vectorizer


def vectorize(vectorizer: keras.layers.TextVectorization, token_lists: Iterable[Sequence[str]]) -> np.ndarray:
    """The integer matrix ``(len(token_lists), maxlen)`` of tokenized texts (0 = padding, 1 = OOV)."""
    joined = join_tokens(token_lists)
    if not joined:
        raise ValueError("토큰 목록이 비어 있어요.")
    return np.asarray(vectorizer(np.array(joined, dtype=object)), dtype=np.int64)


def unknown_share(ids: Any) -> float:
    """Share of the real (non-padding) positions of an integer matrix that are ``[UNK]`` (1).

    This is the out-of-vocabulary rate the model actually sees, after the vocabulary cut and
    the cut to ``maxlen``. Returns 0.0 when there is no real position.
    """
    ids = np.asarray(ids)
    real = int(np.count_nonzero(ids))
    return float(np.count_nonzero(ids == 1) / real) if real else 0.0
