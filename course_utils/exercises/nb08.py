"""Self-checks for ``notebooks/08_char_language_model.ipynb``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course_utils import check
from course_utils.charlm import END, sampling_distribution, stream_blocks, syllable_count, to_units
from course_utils.check import exercise

SAMPLER_CASES: tuple[tuple[Any, ...], ...] = (
    (np.array([2.0, 1.0, 0.5, -1.0]), 1.0, None),
    (np.array([2.0, 1.0, 0.5, -1.0]), 0.5, None),
    (np.array([0.3, -0.2, 1.7, 1.6, 0.0, -3.0]), 2.0, 2),
    (np.array([0.3, -0.2, 1.7, 1.6, 0.0, -3.0]), 0.7, 3),
    (np.array([5.0, 4.0, 3.0, 2.0, 1.0]), 1.0, 1),
    (np.array([-1.0, 0.5, 0.25, 3.0, 2.5, 2.0, 0.0]), 1.5, 6),
)
"""Hidden cases of exercise 08_1: (logits, temperature, k) with distinct logits, temperature > 0."""

LOSS_HEADLINE, LOSS_NATS_PER_UNIT = "여야 합의", 1.2
"""Exercise 08_2: a jamo model's mean Keras loss (nats per predicted unit) on one headline."""

STREAM_HEADLINES, STREAM_UNITS, STREAM_BATCH, STREAM_BLOCK = 10_000, 300_000, 64, 50
"""Exercise 08_3: 10,000 headlines with 300,000 units in all, streamed with batch 64 and blocks of 50."""


def reference_sampler(logits: np.ndarray, temperature: float, k: int | None) -> np.ndarray:
    """The package's sampler distribution, with the exercise's argument names."""
    return sampling_distribution(logits, temperature, k)


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


@exercise("08_1", hint="logits 를 temperature 로 나누고, 가장 큰 k 개가 아닌 자리는 -inf 로 만든 뒤 소프트맥스를 취하세요. "
                       "k 가 None 이면 모든 자리를 남깁니다. 결과는 합이 1인 확률 벡터예요.")
def temperature_top_k(answer: Any) -> tuple[bool, str]:
    """The learner's ``temperature_top_k(logits, temperature, k)`` agrees with the package on hidden cases."""
    return check.compare_function(answer, reference_sampler, SAMPLER_CASES)


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
    "08_1": reference_sampler,
    "08_2": bits_per_syllable_of_loss(),
    "08_3": stream_block_count(),
}


def _no_temperature(logits: np.ndarray, temperature: float, k: int | None) -> np.ndarray:
    return sampling_distribution(logits, 1.0, k)


def _top_k_plus_one(logits: np.ndarray, temperature: float, k: int | None) -> np.ndarray:
    return sampling_distribution(logits, temperature, None if k is None else min(k + 1, len(logits)))


def _mask_after_softmax(logits: np.ndarray, temperature: float, k: int | None) -> np.ndarray:
    probs = sampling_distribution(logits, temperature, None)
    if k is not None:
        probs = np.where(probs >= np.sort(probs)[-k], probs, 0.0)   # forgets to renormalise
    return probs


def _times_temperature(logits: np.ndarray, temperature: float, k: int | None) -> np.ndarray:
    return sampling_distribution(np.asarray(logits) * temperature**2, temperature, k)


WRONG_ANSWERS: dict[str, list[Any]] = {
    "08_1": [_no_temperature, _top_k_plus_one, _mask_after_softmax, _times_temperature, "softmax"],
    "08_2": [
        LOSS_NATS_PER_UNIT * (len(to_units(LOSS_HEADLINE, "jamo")) + 1) / syllable_count([LOSS_HEADLINE]),
        LOSS_NATS_PER_UNIT / math.log(2),
        LOSS_NATS_PER_UNIT * (len(to_units(LOSS_HEADLINE, "jamo")) + 1) / math.log(2) / len(LOSS_HEADLINE),
        LOSS_NATS_PER_UNIT * len(to_units(LOSS_HEADLINE, "jamo")) / math.log(2) / syllable_count([LOSS_HEADLINE]),
    ],
    "08_3": [STREAM_UNITS // STREAM_BATCH // STREAM_BLOCK, stream_block_count() + 1, stream_block_count() - 1,
             (STREAM_UNITS + STREAM_HEADLINES) // STREAM_BATCH],
}
