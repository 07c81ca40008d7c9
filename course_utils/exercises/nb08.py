"""Self-checks for ``notebooks/08_char_language_model.ipynb``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course_utils import check
from course_utils.charlm import distinct_n, stream_blocks, syllable_count, to_units
from course_utils.check import exercise

DISTINCT_CASES: tuple[tuple[Any, ...], ...] = (
    (["가나가나"], 2),
    (["삼성 주가 상승", "삼성 반도체 투자"], 2),
    (["축구 대표팀 승리", "축구 대표팀 패배", "야구 대표팀 승리"], 2),
    (["가", "나다"], 2),
    (["abcabc", "abc"], 3),
    (["여야 합의", "여야 합의"], 1),
    (["가", ""], 2),
)
"""Hidden cases of exercise 08_1: (headlines, n); the last one has no n-gram at all (answer 0)."""

LOSS_HEADLINE, LOSS_NATS_PER_UNIT = "코스피 반등", 1.2
"""Exercise 08_2: a jamo model's mean Keras loss (nats per predicted unit) on one headline.

Not the headline of the notebook's section 3 example, whose unit and syllable counts are printed there.
"""

STREAM_HEADLINES, STREAM_UNITS, STREAM_BATCH, STREAM_BLOCK = 10_000, 300_000, 64, 50
"""Exercise 08_3: 10,000 headlines with 300,000 units in all, streamed with batch 64 and blocks of 50."""


def bits_per_syllable_of_loss() -> float:
    """Exercise 08_2: mean nats × predicted units (jamo + end) → bits, over the syllables (characters + end)."""
    predicted = len(to_units(LOSS_HEADLINE, "jamo")) + 1
    return LOSS_NATS_PER_UNIT * predicted / math.log(2) / syllable_count([LOSS_HEADLINE])


def stream_block_count() -> int:
    """Exercise 08_3, counted by :func:`course_utils.charlm.stream_blocks` on headlines of that size."""
    lengths = np.full(STREAM_HEADLINES, STREAM_UNITS // STREAM_HEADLINES)
    sequences = [np.full(n, 3, np.int32) for n in lengths]
    inputs, _ = stream_blocks(sequences, end_id=2, batch_size=STREAM_BATCH, block=STREAM_BLOCK)
    return len(inputs)


@exercise("08_1", hint="헤드라인마다 따로 글자 n-gram(t[i:i+n])을 모두 모으세요(헤드라인 경계를 넘는 n-gram은 없어요). "
                       "서로 다른 n-gram의 수를 전체 n-gram의 수로 나누고, n-gram이 하나도 없으면 0을 돌려주세요.")
def distinct_n_function(answer: Any) -> tuple[bool, str]:
    """The learner's ``distinct_n(texts, n)`` agrees with :func:`course_utils.charlm.distinct_n` on hidden cases."""
    return check.compare_function(answer, distinct_n, DISTINCT_CASES, equal=lambda got, expected: check.close(got, expected, rtol=1e-9))


@exercise("08_2", hint="Keras 손실은 자연로그(nat)이고 예측한 단위(자모 + 끝 표시)마다의 평균이에요. 전체 nat → 비트(÷ ln 2) → "
                       "음절 수(글자 수 + 끝 표시 1)로 나누세요.")
def loss_to_bits_per_syllable(answer: Any) -> bool | tuple[bool, str]:
    """Bits per syllable from a jamo model's mean loss in nats."""
    value = check.as_float(answer)
    predicted = len(to_units(LOSS_HEADLINE, "jamo")) + 1
    syllables = syllable_count([LOSS_HEADLINE])
    if math.isclose(value, LOSS_NATS_PER_UNIT * predicted / syllables, rel_tol=1e-3):
        return False, "nat 그대로 나눴어요. 비트로 바꾸려면 ln 2 로 나눠야 해요."
    if math.isclose(value, LOSS_NATS_PER_UNIT / math.log(2), rel_tol=1e-3):
        return False, "자모 하나당 비트예요. 자모 모델과 음절 모델을 비교하려면 전체 비트를 음절 수로 나눠야 해요."
    return math.isclose(value, bits_per_syllable_of_loss(), rel_tol=1e-4)


@exercise("08_3", hint="스트림은 END h1 END h2 ... END 이고 입력은 마지막 하나를 뺀 것이에요. 그 길이를 batch 줄로 나누고(나머지 버림), "
                       "한 줄을 block 길이로 나눈 몫이 블록 수(= 에포크당 train_on_batch 호출 수)입니다.")
def stream_blocks_per_epoch(answer: Any) -> bool | tuple[bool, str]:
    """Blocks of one epoch of stateful training on the stream."""
    value = check.as_int(answer)
    if value == STREAM_UNITS // STREAM_BATCH // STREAM_BLOCK:
        return False, "끝 표시(헤드라인마다 하나, 그리고 맨 앞 하나)도 스트림의 단위예요."
    return value == stream_block_count()


SOLUTIONS: dict[str, Any] = {
    "08_1": distinct_n,
    "08_2": bits_per_syllable_of_loss(),
    "08_3": stream_block_count(),
}


def _across_headlines(texts: list[str], n: int) -> float:
    """Glues the headlines together, so n-grams that straddle two headlines are counted."""
    return distinct_n(["".join(texts)], n)


def _one_gram_short(texts: list[str], n: int) -> float:
    """Off by one: misses the last n-gram of every headline."""
    grams = [t[i : i + n] for t in texts for i in range(len(t) - n)]
    return len(set(grams)) / len(grams) if grams else 0.0


def _distinct_per_headline(texts: list[str], n: int) -> float:
    """Counts distinct n-grams within each headline only, so repeats across headlines look new."""
    grams = [[t[i : i + n] for i in range(len(t) - n + 1)] for t in texts]
    total = sum(map(len, grams))
    return sum(len(set(g)) for g in grams) / total if total else 0.0


def _distinct_over_types(texts: list[str], n: int) -> float:
    """Divides by the number of distinct headlines instead of the number of n-grams."""
    grams = {t[i : i + n] for t in texts for i in range(len(t) - n + 1)}
    return len(grams) / len(set(texts))


WRONG_ANSWERS: dict[str, list[Any]] = {
    "08_1": [_across_headlines, _one_gram_short, _distinct_per_headline, _distinct_over_types, "distinct"],
    "08_2": [
        LOSS_NATS_PER_UNIT * (len(to_units(LOSS_HEADLINE, "jamo")) + 1) / syllable_count([LOSS_HEADLINE]),
        LOSS_NATS_PER_UNIT / math.log(2),
        LOSS_NATS_PER_UNIT * (len(to_units(LOSS_HEADLINE, "jamo")) + 1) / math.log(2) / len(LOSS_HEADLINE),
        LOSS_NATS_PER_UNIT * len(to_units(LOSS_HEADLINE, "jamo")) / math.log(2) / syllable_count([LOSS_HEADLINE]),
    ],
    "08_3": [STREAM_UNITS // STREAM_BATCH // STREAM_BLOCK, stream_block_count() + 1, stream_block_count() - 1,
             (STREAM_UNITS + STREAM_HEADLINES) // STREAM_BATCH],
}
