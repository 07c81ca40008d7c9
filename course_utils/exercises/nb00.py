"""Self-checks for ``notebooks/00_getting_started.ipynb``."""

from __future__ import annotations

from typing import Any

from course_utils.check import exercise

DATA_KINDS = ("레코드", "트랜잭션", "데이터 행렬", "문서-단어 행렬", "순차", "시계열", "공간")
"""The kinds of data the notebook names; answers to 00_1 use these words."""

_KINDS_ANSWER = {"A": "시계열", "B": "트랜잭션", "C": "문서-단어 행렬", "D": "순차"}


def _normalise(kind: str) -> str:
    return kind.replace(" ", "").replace("–", "-").replace("데이터", "") if isinstance(kind, str) else kind


@exercise("00_1", hint="순서가 있는가, 시간 간격이 일정한가, 항목의 '집합'인가, 단어를 센 표인가를 차례로 물어보세요.",
          expects=dict)
def data_kinds(answer: dict[str, str]) -> bool | tuple[bool, str]:
    """A–D each mapped to one of :data:`DATA_KINDS`."""
    if set(answer) != set(_KINDS_ANSWER):
        return False, f"A, B, C, D 네 개의 키에 모두 답해 주세요 (받은 키: {sorted(answer)})."
    unknown = [v for v in answer.values() if _normalise(v) not in {_normalise(k) for k in DATA_KINDS}]
    if unknown:
        return False, f"다음 중에서 골라 주세요: {', '.join(DATA_KINDS)} (알 수 없는 값: {unknown})"
    wrong = sorted(k for k, v in _KINDS_ANSWER.items() if _normalise(answer[k]) != _normalise(v))
    if wrong:
        return False, f"{', '.join(wrong)} 을(를) 다시 생각해 보세요."
    return True


@exercise("00_2", hint="CountVectorizer(ngram_range=(1, 2))는 'man bites', 'bites dog' 같은 두 단어 묶음도 셉니다.",
          expects=(tuple, list))
def bag_of_words(answer: tuple[bool, bool]) -> bool:
    """(unigram vectors equal?, unigram+bigram vectors equal?) for 'man bites dog' / 'dog bites man'."""
    return len(answer) == 2 and tuple(bool(a) for a in answer) == (True, False)


@exercise("00_3", hint="SimpleRNN의 파라미터는 입력 가중치 (입력 특성 × units), 순환 가중치 (units × units), "
                       "편향 (units) 세 가지입니다.", expects=int)
def simple_rnn_params(answer: int) -> bool | tuple[bool, str]:
    """Parameters of SimpleRNN(8) on 3 input features: 8·3 + 8·8 + 8 = 96."""
    if answer == 8 * 3 + 8:
        return False, "순환 가중치(은닉 상태 → 은닉 상태)를 빠뜨리지 않았나요?"
    return answer == 96


SOLUTIONS: dict[str, Any] = {
    "00_1": dict(_KINDS_ANSWER),
    "00_2": (True, False),
    "00_3": 96,
}
WRONG_ANSWERS: dict[str, Any] = {
    "00_1": {"A": "순차", "B": "트랜잭션", "C": "문서-단어 행렬", "D": "순차"},
    "00_2": (True, True),
    "00_3": 32,
}
