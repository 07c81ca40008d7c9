"""Self-checks for ``notebooks/02_word2vec.ipynb``."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from course_utils.check import as_array, as_float, as_int, close, compare_function, exercise, same_result

PAIR_TOKENS, PAIR_WINDOW = 6, 2
"""Exercise 02_1: one sentence of 6 tokens, fixed window 2."""

WORD_SHARE, SAMPLE = 0.01, 1e-3
"""Exercise 02_2: a word that is 1 % of the tokens, ``sample=1e-3``."""

PARAM_VOCAB, PARAM_DIM = 10_000, 100
"""Exercise 02_4: vocabulary and vector size."""


def pair_count_reference(n_tokens: int, window: int) -> int:
    """Skip-gram pairs of one sentence with a fixed window, counted by the package."""
    from course_utils.word2vec import Corpus, skipgram_pairs

    corpus = Corpus(np.arange(2, 2 + n_tokens, dtype=np.int32), np.zeros(n_tokens, dtype=np.int32))
    return len(skipgram_pairs(corpus, window)[0])


@exercise("02_1", hint="문장 가장자리의 단어는 한쪽 이웃이 모자랍니다. 위치마다 윈도 안에 실제로 있는 이웃을 세어 더하세요.")
def pair_count(answer: Any) -> bool | tuple[bool, str]:
    """Skip-gram pairs of one 6-token sentence with window 2 (fixed window): 2+3+4+4+3+2 = 18."""
    value = as_int(answer)
    if value == PAIR_TOKENS * 2 * PAIR_WINDOW:
        return False, "6 × 4는 모든 단어가 양쪽에 이웃 두 개씩을 가진다고 본 값이에요. 첫 단어의 왼쪽에는 이웃이 없습니다."
    return value == pair_count_reference(PAIR_TOKENS, PAIR_WINDOW)


def keep_probability_reference(share: float, sample: float) -> float:
    """Keep probability of a word with the given share of the tokens, by ``keep_probabilities``."""
    from course_utils.word2vec import keep_probabilities

    rest = round(1 / share) - 1
    return float(keep_probabilities([0, 0, 1, rest], sample=sample)[2])


@exercise("02_2", hint="f = 0.01, t = 0.001을 (√(f/t) + 1) · t/f 에 넣으세요.")
def keep_probability(answer: Any) -> bool | tuple[bool, str]:
    """Keep probability of a word that is 1 % of the tokens, sample 1e-3, word2vec code's formula: 0.4162."""
    value = as_float(answer)
    if close(value, (SAMPLE / WORD_SHARE) ** 0.5, rtol=1e-4):
        return False, "그것은 논문의 식 √(t/f)입니다. 이 노트북(와 gensim)은 word2vec 코드의 식 (√(f/t) + 1) · t/f를 씁니다."
    if close(value, 1 - (SAMPLE / WORD_SHARE) ** 0.5, rtol=1e-4):
        return False, "버릴 확률이 아니라 남길 확률을 구하세요."
    return close(value, keep_probability_reference(WORD_SHARE, SAMPLE), rtol=1e-4)


def negative_share_reference() -> float:
    """Share of the word of count 16 in a negative table over counts (16, 1)."""
    from course_utils.word2vec import negative_table

    return float(np.mean(negative_table([0, 0, 16, 1]) == 2))


@exercise("02_3", hint="빈도 16과 1을 각각 0.75제곱하면 8과 1입니다. 그 합으로 나누세요.")
def negative_share(answer: Any) -> bool | tuple[bool, str]:
    """Share of the word of count 16 among negatives when the only other word has count 1: 8 / 9."""
    value = as_float(answer)
    if close(value, 16 / 17, rtol=1e-4):
        return False, "빈도를 그대로 쓴 비율이에요. 0.75제곱을 잊지 마세요."
    return close(value, negative_share_reference(), rtol=1e-4)


@cache
def parameter_counts_reference(vocab: int, dim: int) -> tuple[int, int]:
    """``count_params()`` of the package's SGNS and softmax-CBOW models."""
    from course_utils.word2vec import build_cbow_softmax, build_sgns

    return build_sgns(vocab, dim, 5).count_params(), build_cbow_softmax(vocab, dim, 5).count_params()


@exercise("02_4", hint="SGNS는 (V × d) 표가 두 개, 소프트맥스 CBOW는 (V × d) 표 하나와 (d × V) 커널, 그리고 편향 V개입니다.")
def parameter_counts(answer: Any) -> bool | tuple[bool, str]:
    """(SGNS parameters, softmax-CBOW parameters) for V = 10,000 and d = 100, counted by Keras."""
    values = as_array(answer, shape=(2,))
    sgns, softmax = parameter_counts_reference(PARAM_VOCAB, PARAM_DIM)
    if values[0] == sgns // 2:
        return False, "SGNS에도 표가 두 개(단어 표와 문맥 표) 있습니다."
    if values[1] == softmax - PARAM_VOCAB:
        return False, "Dense 층에는 편향도 있어요."
    return bool(values[0] == sgns and values[1] == softmax)


def cbow_reference(ids: list[int], window: int) -> tuple[np.ndarray, np.ndarray]:
    """CBOW examples of one sentence of word ids, by the package's ``cbow_examples``."""
    from course_utils.word2vec import Corpus, cbow_examples

    corpus = Corpus(np.asarray(ids, dtype=np.int32), np.zeros(len(ids), dtype=np.int32))
    return cbow_examples(corpus, window)


def same_examples(got: Any, expected: tuple[np.ndarray, np.ndarray]) -> bool:
    """``got`` is a ``(contexts, targets)`` pair equal to the reference's."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return False
    return same_result(got[0], expected[0]) and same_result(got[1], expected[1])


CBOW_CASES: list[tuple[Any, ...]] = [
    ([2, 3, 4, 5, 6], 1),
    ([2, 3, 4, 5, 6], 2),
    ([7, 8], 2),                       # window longer than the sentence
    ([5, 9, 5, 11, 12, 13, 14], 3),    # a word that occurs twice
    ([20, 21, 22], 1),
]
"""Hidden cases of exercise 02_5: (word ids of one sentence, window)."""


@exercise("02_5", hint="위치 i 의 행은 오프셋 -window..-1, 1..window 순서의 칸 2·window 개이고, 문장 밖 칸은 0 입니다. "
                       "타깃은 ids[i] 그대로예요.")
def cbow_function(answer: Any) -> bool | tuple[bool, str]:
    """A learner's CBOW example generator for one sentence, against ``word2vec.cbow_examples``."""
    return compare_function(answer, cbow_reference, CBOW_CASES, equal=same_examples)


def _cbow_narrow_window(ids: list[int], window: int) -> tuple[np.ndarray, np.ndarray]:
    contexts, targets = cbow_reference(ids, window)
    contexts = contexts.copy()
    contexts[:, [0, -1]] = 0      # forgets the farthest neighbour on each side
    return contexts, targets


def _cbow_packed_left(ids: list[int], window: int) -> tuple[np.ndarray, np.ndarray]:
    contexts, targets = cbow_reference(ids, window)
    packed = np.zeros_like(contexts)
    for row, values in enumerate(contexts):
        found = values[values != 0]
        packed[row, : len(found)] = found
    return packed, targets


def _cbow_with_center(ids: list[int], window: int) -> tuple[np.ndarray, np.ndarray]:
    contexts, targets = cbow_reference(ids, window)
    return np.concatenate([contexts[:, :window], targets[:, None], contexts[:, window:]], axis=1), targets


def _cbow_targets_swapped(ids: list[int], window: int) -> tuple[np.ndarray, np.ndarray]:
    contexts, targets = cbow_reference(ids, window)
    return contexts, targets[::-1]


SOLUTIONS: dict[str, Any] = {
    "02_1": 18,
    "02_2": ((WORD_SHARE / SAMPLE) ** 0.5 + 1) * SAMPLE / WORD_SHARE,
    "02_3": 8 / 9,
    "02_4": (2_000_000, 2_010_000),
    "02_5": cbow_reference,
}
WRONG_ANSWERS: dict[str, list[Any]] = {
    "02_1": [24, 20, 14],                                            # no edges; window 2 one side; window 1 both
    "02_2": [(SAMPLE / WORD_SHARE) ** 0.5, 1 - (SAMPLE / WORD_SHARE) ** 0.5, ((0.1 / SAMPLE) ** 0.5 + 1) * SAMPLE / 0.1],
    "02_3": [16 / 17, 0.75, 8 / 10],
    "02_4": [(1_000_000, 2_010_000), (2_000_000, 2_000_000), (2_010_000, 2_000_000)],
    "02_5": [_cbow_narrow_window, _cbow_packed_left, _cbow_with_center, _cbow_targets_swapped],
}
