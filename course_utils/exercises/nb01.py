"""Self-checks for ``notebooks/01_text_preprocessing.ipynb``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from course_utils.check import close, exercise

LECTURE_SENTENCE = (
    "Don't be fooled by the dark sounding name, Mr. Jone's Orphanage is as cheery as cheery goes for a pastry shop."
)
_SPLIT_CASES = (
    LECTURE_SENTENCE,
    "Hello,World!  It's 3.5%\tbetter\n(than) [before]...",
    "",
    "   ",
    "e-mail: kim_42@example.com ~tilde~ 'quotes' ?!",
    "한국어도 됩니다: 드디어 교안 다 썼다!",
)


def word_punct(text: str) -> list[str]:
    """The regular expression behind NLTK's ``WordPunctTokenizer``: runs of word characters or of punctuation."""
    return re.findall(r"\w+|[^\w\s]+", text)


@exercise("01_1", hint="토큰은 '단어 문자(\\w)가 이어진 덩어리' 또는 '공백도 단어 문자도 아닌 문자가 이어진 덩어리'입니다. "
                       "re.findall에 두 패턴을 |로 묶어 넘겨 보세요.")
def word_punct_regex(answer: Callable[[str], list[str]]) -> bool | tuple[bool, str]:
    """A function that gives the same tokens as ``nltk.tokenize.WordPunctTokenizer().tokenize``."""
    from nltk.tokenize import WordPunctTokenizer

    if not callable(answer):
        return False, "문자열을 받아 토큰 목록을 돌려주는 함수를 넘겨 주세요 (호출하지 말고 이름만)."
    reference = WordPunctTokenizer()
    for case in _SPLIT_CASES:
        got, expected = list(answer(case)), reference.tokenize(case)
        if got != expected:
            return False, f"{case!r}에서 {expected}가 나와야 하는데 {got}가 나왔어요."
    return True, "WordPunctTokenizer는 정규 표현식 하나로 된 토크나이저입니다."


@exercise("01_2", hint="학습 문장에 한 번이라도 나온 토큰만 어휘에 들어갑니다. 평가 문장의 토큰 가운데 어휘에 없는 것의 비율을 세세요.",
          expects=(tuple, list))
def oov_words_and_chars(answer: tuple[float, float]) -> bool | tuple[bool, str]:
    """(word OOV rate, character OOV rate) of "동생은 학교에 갔다가 집에 왔다" against the two training sentences.

    Words: 갔다가 is the only unknown of 5 → 0.2. Characters (without spaces): 가 is the only
    unknown of 13 → 1/13.
    """
    if len(answer) != 2:
        return False, "(띄어쓰기 단위 OOV 비율, 글자 단위 OOV 비율) 두 값을 주세요."
    words, chars = answer
    if close(words, 1 / 4):
        return False, "평가 문장의 어절은 다섯 개입니다. 분모를 다시 세어 보세요."
    if close(chars, 1 / 17):
        return False, "글자 단위에서는 공백을 세지 않습니다 (CharTokenizer는 공백을 버립니다)."
    return close(answer, (1 / 5, 1 / 13), rtol=1e-3)


@exercise("01_3", hint="padding은 0을 어디에 채울지, truncating은 긴 시퀀스의 어느 쪽을 자를지 정합니다.")
def padded(answer: Any) -> bool | tuple[bool, str]:
    """``pad_sequences([[5, 8, 2], [7], [3, 9, 4, 6, 1]], maxlen=4, padding="post", truncating="pre")``
    as nested lists or an array."""
    expected = [[5, 8, 2, 0], [7, 0, 0, 0], [9, 4, 6, 1]]
    if close(answer, [[5, 8, 2, 0], [7, 0, 0, 0], [3, 9, 4, 6]]):
        return False, "truncating='pre'는 앞쪽을 잘라 내고 뒤쪽(최근 토큰)을 남깁니다."
    if close(answer, [[0, 5, 8, 2], [0, 0, 0, 7], [9, 4, 6, 1]]):
        return False, "padding='post'는 0을 뒤에 채웁니다."
    return close(answer, expected)


@exercise("01_4", hint="원-핫 문장은 (토큰 수 × 어휘 크기), 임베딩 층의 가중치는 (어휘 크기 × 임베딩 차원), "
                       "임베딩된 문장은 (토큰 수 × 임베딩 차원)개의 수입니다.", expects=(tuple, list))
def one_hot_vs_embedding(answer: tuple[int, int, int]) -> bool | tuple[bool, str]:
    """Vocabulary 20,000, embedding size 64, a sentence of 30 tokens: (one-hot numbers, Embedding weights, embedded numbers)."""
    if len(answer) != 3:
        return False, "(원-핫 문장의 수 개수, 임베딩 층 가중치 개수, 임베딩된 문장의 수 개수) 세 값을 주세요."
    if close(answer[1], 20_000 * 64 + 64):
        return False, "Embedding 층에는 편향이 없습니다."
    return close(answer, (30 * 20_000, 20_000 * 64, 30 * 64))


SOLUTIONS: dict[str, Any] = {
    "01_1": word_punct,
    "01_2": (1 / 5, 1 / 13),
    "01_3": [[5, 8, 2, 0], [7, 0, 0, 0], [9, 4, 6, 1]],
    "01_4": (600_000, 1_280_000, 1_920),
}
WRONG_ANSWERS: dict[str, Any] = {
    "01_1": str.split,
    "01_2": (1 / 4, 1 / 13),
    "01_3": [[5, 8, 2, 0], [7, 0, 0, 0], [3, 9, 4, 6]],
    "01_4": (600_000, 1_280_064, 1_920),
}
