"""Self-checks for ``notebooks/01_text_preprocessing.ipynb``.

01_1 and 01_3 are coding exercises: a regular-expression tokenizer run on hidden
sentences against NLTK's ``WordPunctTokenizer``, and a padding function run on hidden
batches against ``keras.utils.pad_sequences``. 01_2 (OOV rates) takes its expected
values from :mod:`course_utils.text`; 01_4 takes the Embedding's size from Keras.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import numpy as np

from course_utils.check import AnswerError, as_array, as_function, compare_function, exercise

LECTURE_SENTENCE = (
    "Don't be fooled by the dark sounding name, Mr. Jone's Orphanage is as cheery as cheery goes for a pastry shop."
)
_SPLIT_CASES = [
    ("Hello,World!",),
    ("It's 3.5% better... (than) [before]?!",),
    (LECTURE_SENTENCE,),
    ("",),
    ("   \t\n ",),
    ("e-mail: kim_42@example.com ~tilde~ 'quotes' ?!",),
    ("한국어도 됩니다: 드디어 교안 다 썼다!",),
    ("naïve café — déjà vu, 3×4=12",),
]


def word_punct_reference(text: str) -> list[str]:
    """Reference for 01_1: ``nltk.tokenize.WordPunctTokenizer().tokenize``."""
    from nltk.tokenize import WordPunctTokenizer

    return WordPunctTokenizer().tokenize(text)


def _same_tokens(got: Any, expected: list[str]) -> bool:
    return isinstance(got, (list, tuple)) and list(got) == expected


@exercise("01_1", hint="토큰은 '단어 문자(\\w)가 이어진 덩어리' 또는 '공백도 단어 문자도 아닌 문자가 이어진 덩어리'입니다. "
                       "re.findall에 두 패턴을 |로 묶어 넘겨 보세요.")
def word_punct_regex(answer: Any) -> tuple[bool, str]:
    """A function that gives the same token list as NLTK's ``WordPunctTokenizer`` on hidden sentences."""
    passed, message = compare_function(as_function(answer), word_punct_reference, _SPLIT_CASES, equal=_same_tokens)
    return passed, ("WordPunctTokenizer는 정규 표현식 하나로 된 토크나이저입니다. " + message) if passed else message


OOV_TRAIN = ("형은 학교에 갔다", "동생은 집에 왔다")
OOV_TEST = "동생은 학교에 갔다가 집에 왔다"


@cache
def expected_oov_rates() -> tuple[float, float]:
    """(eojeol OOV rate, character OOV rate) of :data:`OOV_TEST`, computed with :mod:`course_utils.text`."""
    from course_utils import text

    rates = []
    for name in ("whitespace", "char"):
        tokenizer = text.make_tokenizer(name)
        known = text.Vocabulary.from_corpus(tokenizer.tokenize_all(OOV_TRAIN))
        rates.append(text.oov_rate([tokenizer.tokenize(OOV_TEST)], known))
    return rates[0], rates[1]


@exercise("01_2", hint="학습 문장에 한 번이라도 나온 토큰만 어휘에 들어갑니다. 평가 문장의 토큰 가운데 어휘에 없는 것의 비율을 세세요.")
def oov_words_and_chars(answer: Any) -> bool | tuple[bool, str]:
    """(eojeol OOV, character OOV) of the test sentence; rounding to three decimals is accepted."""
    words, chars = as_array(answer, shape=(2,))
    expected_words, expected_chars = expected_oov_rates()
    if np.isclose(words, 1 / 4, atol=5e-4):
        return False, "평가 문장의 어절은 다섯 개입니다. 분모를 다시 세어 보세요."
    if np.isclose(chars, 1 / 17, atol=5e-4):
        return False, "글자 단위에서는 공백을 세지 않습니다 (CharTokenizer는 공백을 버립니다)."
    return bool(np.isclose(words, expected_words, rtol=0, atol=5e-4) and np.isclose(chars, expected_chars, rtol=0, atol=5e-4))


def pad_post_reference(sequences: list[list[int]], maxlen: int) -> np.ndarray:
    """Reference for 01_3: ``keras.utils.pad_sequences(..., padding="post", truncating="pre")``."""
    import keras

    return keras.utils.pad_sequences(sequences, maxlen=maxlen, padding="post", truncating="pre")


_PAD_CASES = [
    ([[5, 8, 2], [7], [3, 9, 4, 6, 1]], 4),
    ([[1, 2, 3, 4]], 4),
    ([[4, 4, 4, 4, 4, 9]], 2),
    ([[], [3], [6, 5]], 3),
    ([[11, 12, 13], [21, 22], [31]], 1),
    ([[2, 7, 1, 8, 2, 8, 1, 8], [3, 1, 4], [1, 5, 9, 2, 6]], 5),
]


@exercise("01_3", hint="짧은 시퀀스는 뒤에 0을 채우고(padding='post'), 긴 시퀀스는 앞을 잘라 마지막 maxlen개를 남깁니다(truncating='pre').")
def pad_post(answer: Any) -> tuple[bool, str]:
    """The learner's ``pad(sequences, maxlen)`` equals ``pad_sequences(padding="post", truncating="pre")``."""
    return compare_function(as_function(answer), pad_post_reference, _PAD_CASES)


VOCAB, EMBED_DIM, LENGTH = 20_000, 64, 30


@cache
def embedding_param_count() -> int:
    """Weights of ``keras.layers.Embedding(VOCAB, EMBED_DIM)``, from Keras itself."""
    import keras

    layer = keras.layers.Embedding(VOCAB, EMBED_DIM)
    layer.build((None, LENGTH))
    return int(layer.count_params())


@exercise("01_4", hint="원-핫 문장은 (토큰 수 × 어휘 크기), 임베딩 층의 가중치는 (어휘 크기 × 임베딩 차원), "
                       "임베딩된 문장은 (토큰 수 × 임베딩 차원)개의 수입니다.")
def one_hot_vs_embedding(answer: Any) -> bool | tuple[bool, str]:
    """Vocabulary 20,000, embedding size 64, a sentence of 30 tokens: (one-hot numbers, Embedding weights, embedded numbers)."""
    given = as_array(answer, shape=(3,))
    if not np.array_equal(given, np.round(given)):
        raise AnswerError(f"개수는 정수로 답해 주세요 (받은 값: {given.tolist()}).")
    if given[1] == VOCAB * EMBED_DIM + EMBED_DIM:
        return False, "Embedding 층에는 편향이 없습니다."
    expected = (LENGTH * VOCAB, embedding_param_count(), LENGTH * EMBED_DIM)
    return bool(np.array_equal(given, expected))


def _word_punct_solution(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]+", text)


def _pad_post_solution(sequences: list[list[int]], maxlen: int) -> list[list[int]]:
    return [list(seq[len(seq) - maxlen:] if len(seq) > maxlen else seq) + [0] * (maxlen - min(len(seq), maxlen))
            for seq in sequences]


SOLUTIONS: dict[str, Any] = {
    "01_1": _word_punct_solution,
    "01_2": (1 / 5, 1 / 13),
    "01_3": _pad_post_solution,
    "01_4": (600_000, 1_280_000, 1_920),
}
WRONG_ANSWERS: dict[str, list[Any]] = {
    "01_1": [
        str.split,
        lambda s: re.findall(r"\w+", s),                           # drops punctuation
        lambda s: re.findall(r"\w+|[^\w\s]", s),                   # one token per punctuation mark
        lambda s: re.findall(r"[A-Za-z0-9]+|[^A-Za-z0-9\s]+", s),  # ASCII letters only
        lambda s: re.findall(r"\w+|[^\w\s]+", s.lower()),          # lower-cases
    ],
    "01_2": [(1 / 4, 1 / 13), (1 / 5, 1 / 17), (1 / 5, 1 / 12), (2 / 5, 2 / 13), (1 / 13, 1 / 5)],
    "01_3": [
        lambda seqs, n: [list(s[:n]) + [0] * (n - len(s[:n])) for s in seqs],              # truncating="post"
        lambda seqs, n: [[0] * (n - len(s[-n:])) + list(s[-n:]) for s in seqs],            # padding="pre"
        lambda seqs, n: [list(s[-(n - 1):]) + [0] * (n - len(s[-(n - 1):])) for s in seqs],  # keeps n - 1
        lambda seqs, n: [list(s) + [0] * (n - len(s)) for s in seqs],                      # never truncates
    ],
    "01_4": [(600_000, 1_280_064, 1_920), (600_000, 1_280_001, 1_920), (1_920, 1_280_000, 600_000),
             (600_000, 1_280_000, 1_921), (30 * 64, 20_000 * 64, 30 * 20_000)],
}
