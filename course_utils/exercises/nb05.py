"""Self-checks for ``notebooks/05_imdb_sentiment.ipynb``."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.check import exercise

# 05_1: Embedding(10000, 8) -> Bidirectional(LSTM(16)) -> Dense(1)
_EMBEDDING = 10_000 * 8
_LSTM_16_ON_8 = 4 * (16 * (8 + 16) + 16)  # four gates: input + recurrent weights + bias
_BI_LSTM_PARAMS = _EMBEDDING + 2 * _LSTM_16_ON_8 + (2 * 16 + 1)  # 83,233

_PADDED_POST = [[1, 2, 3], [6, 7, 0]]  # pad_sequences([[1, 2, 3, 4, 5], [6, 7]], maxlen=3, "post", "post")


@exercise("05_1", hint="임베딩(단어 수 × 차원), 방향마다 LSTM 한 벌(게이트 4개 × (입력 + 순환 + 편향)), "
                       "그리고 두 방향을 이어 붙인 벡터를 받는 Dense를 더해 보세요.", expects=int)
def bidirectional_params(answer: int) -> bool | tuple[bool, str]:
    """Parameters of Embedding(10000, 8) + Bidirectional(LSTM(16)) + Dense(1)."""
    if answer == _EMBEDDING + _LSTM_16_ON_8 + 17:
        return False, "Bidirectional은 정방향과 역방향 LSTM을 따로 둡니다. LSTM 파라미터가 두 배예요."
    if answer == _EMBEDDING + 2 * _LSTM_16_ON_8 + 17:
        return False, "두 방향의 출력(16 + 16)을 이어 붙이므로 Dense의 입력은 32차원이에요."
    return answer == _BI_LSTM_PARAMS


@exercise("05_2", hint="padding은 0을 어느 쪽에 채울지, truncating은 긴 시퀀스의 어느 쪽을 버릴지 정합니다. "
                       "둘 다 기본값은 'pre'(앞쪽)예요.", expects=(list, tuple, np.ndarray))
def pad_post(answer: Any) -> bool | tuple[bool, str]:
    """Result of pad_sequences([[1, 2, 3, 4, 5], [6, 7]], maxlen=3, padding="post", truncating="post")."""
    got = np.asarray(answer).tolist()
    if got == [[3, 4, 5], [0, 6, 7]]:
        return False, "이것은 기본값(padding='pre', truncating='pre')의 결과예요."
    if got == [[3, 4, 5], [6, 7, 0]]:
        return False, "패딩은 맞았어요. truncating='post'면 긴 리뷰의 뒷부분을 버립니다."
    if got == [[1, 2, 3], [0, 6, 7]]:
        return False, "자르기는 맞았어요. padding='post'면 0을 뒤에 채웁니다."
    return got == _PADDED_POST


@exercise("05_3", hint="return_state=True면 출력 뒤에 마지막 상태들이 붙습니다. LSTM은 은닉 상태와 셀 상태, "
                       "GRU는 은닉 상태 하나, Bidirectional은 방향마다 상태를 돌려줘요.", expects=(tuple, list))
def return_state_counts(answer: tuple[int, int, int]) -> bool | tuple[bool, str]:
    """How many tensors LSTM, GRU and Bidirectional(LSTM) return with return_state=True."""
    counts = tuple(int(n) for n in answer)
    if len(counts) != 3:
        return False, "(LSTM, GRU, 양방향 LSTM) 세 개의 정수로 답해 주세요."
    if counts[1] == 3:
        return False, "GRU에는 셀 상태가 없어요."
    if counts[2] == 3:
        return False, "양방향 LSTM은 정방향과 역방향이 각각 (h, c)를 돌려줍니다."
    return counts == (3, 2, 5)


SOLUTIONS: dict[str, Any] = {
    "05_1": _BI_LSTM_PARAMS,
    "05_2": [list(row) for row in _PADDED_POST],
    "05_3": (3, 2, 5),
}
WRONG_ANSWERS: dict[str, Any] = {
    "05_1": _EMBEDDING + _LSTM_16_ON_8 + 17,
    "05_2": [[3, 4, 5], [0, 6, 7]],
    "05_3": (2, 2, 3),
}
