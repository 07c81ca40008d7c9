"""Self-checks for ``notebooks/02_word2vec.ipynb``."""

from __future__ import annotations

from typing import Any

from course_utils.check import close, exercise


@exercise("02_1", hint="문장 가장자리의 단어는 한쪽 이웃이 모자랍니다. 위치마다 윈도 안에 실제로 있는 이웃을 세어 더하세요.",
          expects=int)
def pair_count(answer: int) -> bool | tuple[bool, str]:
    """Skip-gram pairs of one 6-token sentence with window 2 (fixed window): 2+3+4+4+3+2 = 18."""
    if answer == 6 * 4:
        return False, "6 × 4는 모든 단어가 양쪽에 이웃 두 개씩을 가진다고 본 값이에요. 첫 단어의 왼쪽에는 이웃이 없습니다."
    return answer == 18


@exercise("02_2", hint="f = 0.01, t = 0.001을 (√(f/t) + 1) · t/f 에 넣으세요.", expects=(int, float))
def keep_probability(answer: float) -> bool | tuple[bool, str]:
    """Keep probability of a word that is 1 % of the tokens, sample 1e-3, word2vec code's formula: 0.4162."""
    if close(answer, (1e-3 / 1e-2) ** 0.5, rtol=1e-3):
        return False, "그것은 논문의 식 √(t/f)입니다. 이 노트북(와 gensim)은 word2vec 코드의 식 (√(f/t) + 1) · t/f를 씁니다."
    if close(answer, 1 - (1e-3 / 1e-2) ** 0.5, rtol=1e-3):
        return False, "버릴 확률이 아니라 남길 확률을 구하세요."
    return close(answer, ((1e-2 / 1e-3) ** 0.5 + 1) * 1e-3 / 1e-2, rtol=1e-3)


@exercise("02_3", hint="빈도 16과 1을 각각 0.75제곱하면 8과 1입니다. 그 합으로 나누세요.", expects=(int, float))
def negative_share(answer: float) -> bool | tuple[bool, str]:
    """Share of the word of count 16 among negatives when the only other word has count 1: 8 / 9."""
    if close(answer, 16 / 17, rtol=1e-3):
        return False, "빈도를 그대로 쓴 비율이에요. 0.75제곱을 잊지 마세요."
    return close(answer, 8 / 9, rtol=1e-3)


@exercise("02_4", hint="SGNS는 (V × d) 표가 두 개, 소프트맥스 CBOW는 (V × d) 표 하나와 (d × V) 커널, 그리고 편향 V개입니다.",
          expects=(tuple, list))
def parameter_counts(answer: tuple[int, int]) -> bool | tuple[bool, str]:
    """(SGNS parameters, softmax-CBOW parameters) for V = 10,000 and d = 100: (2,000,000, 2,010,000)."""
    if len(answer) != 2:
        return False, "(SGNS 파라미터 수, 소프트맥스 CBOW 파라미터 수) 두 값을 주세요."
    if tuple(answer) == (1_000_000, 2_010_000):
        return False, "SGNS에도 표가 두 개(단어 표와 문맥 표) 있습니다."
    if tuple(answer) == (2_000_000, 2_000_000):
        return False, "Dense 층에는 편향도 있어요."
    return tuple(answer) == (2_000_000, 2_010_000)


SOLUTIONS: dict[str, Any] = {
    "02_1": 18,
    "02_2": ((1e-2 / 1e-3) ** 0.5 + 1) * 1e-3 / 1e-2,
    "02_3": 8 / 9,
    "02_4": (2_000_000, 2_010_000),
}
WRONG_ANSWERS: dict[str, Any] = {
    "02_1": 24,
    "02_2": (1e-3 / 1e-2) ** 0.5,
    "02_3": 16 / 17,
    "02_4": (1_000_000, 2_010_000),
}
