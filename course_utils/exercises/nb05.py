"""Self-checks for ``notebooks/05_imdb_sentiment.ipynb``.

05_1 asks for a parameter count (checked against Keras' ``count_params()``), 05_2 for the
result of ``pad_sequences`` with ``"post"`` settings (checked against Keras), 05_3 for Cohen's
kappa of a confusion matrix (checked against scikit-learn); 05_4 is a coding exercise (masked
average pooling, run on hidden cases against :func:`course_utils.training.masked_average`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from course_utils.check import as_array, as_float, as_function, as_int, compare_function, exercise

# 05_1: Embedding(10000, 8) -> Bidirectional(LSTM(16)) -> Dense(1)
_EMBEDDING = 10_000 * 8
_LSTM_16_ON_8 = 4 * (16 * (8 + 16) + 16)  # four gates: input + recurrent weights + bias


@cache
def bidirectional_param_count() -> int:
    """Parameters of Embedding(10000, 8) + Bidirectional(LSTM(16)) + Dense(1), from Keras itself."""
    import keras

    model = keras.Sequential([
        keras.Input(shape=(None,)),
        keras.layers.Embedding(10_000, 8),
        keras.layers.Bidirectional(keras.layers.LSTM(16)),
        keras.layers.Dense(1),
    ])
    return int(model.count_params())


@exercise("05_1", hint="임베딩(단어 수 × 차원), 방향마다 LSTM 한 벌(게이트 4개 × (입력 + 순환 + 편향)), "
                       "그리고 두 방향을 이어 붙인 벡터를 받는 Dense를 더해 보세요.")
def bidirectional_params(answer: Any) -> bool | tuple[bool, str]:
    """Parameters of Embedding(10000, 8) + Bidirectional(LSTM(16)) + Dense(1)."""
    count = as_int(answer)
    if count == _EMBEDDING + _LSTM_16_ON_8 + 17:
        return False, "Bidirectional은 정방향과 역방향 LSTM을 따로 둡니다. LSTM 파라미터가 두 배예요."
    if count == _EMBEDDING + 2 * _LSTM_16_ON_8 + 17:
        return False, "두 방향의 출력(16 + 16)을 이어 붙이므로 Dense의 입력은 32차원이에요."
    return count == bidirectional_param_count()


# 05_2: pad_sequences([[1, 2, 3, 4, 5], [6, 7]], maxlen=3, padding="post", truncating="post")
_TOY = [[1, 2, 3, 4, 5], [6, 7]]


@cache
def padded(padding: str, truncating: str, maxlen: int = 3) -> tuple[tuple[int, ...], ...]:
    """``keras.utils.pad_sequences`` of the toy sequences, as nested tuples."""
    import keras

    result = keras.utils.pad_sequences(_TOY, maxlen=maxlen, padding=padding, truncating=truncating)
    return tuple(tuple(int(v) for v in row) for row in result)


@exercise("05_2", hint="padding은 0을 어느 쪽에 채울지, truncating은 긴 시퀀스의 어느 쪽을 버릴지 정합니다. "
                       "둘 다 기본값은 'pre'(앞쪽)예요.")
def pad_post(answer: Any) -> bool | tuple[bool, str]:
    """Result of pad_sequences(_TOY, maxlen=3, padding="post", truncating="post")."""
    got = tuple(tuple(row) for row in as_array(answer, shape=(2, 3)).tolist())
    if got == padded("pre", "pre"):
        return False, "이것은 기본값(padding='pre', truncating='pre')의 결과예요."
    if got == padded("post", "pre"):
        return False, "패딩은 맞았어요. truncating='post'면 긴 리뷰의 뒷부분을 버립니다."
    if got == padded("pre", "post"):
        return False, "자르기는 맞았어요. padding='post'면 0을 뒤에 채웁니다."
    return got == padded("post", "post")


# 05_3: Cohen's kappa of an imbalanced confusion matrix (rows: actual 부정/긍정, columns: predicted)
KAPPA_MATRIX = np.array([[120, 80], [40, 760]])
"""The confusion matrix of exercise 05_3: 200 negative and 800 positive reviews."""


def _labels(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-example (actual, predicted) labels that have ``matrix`` as their confusion matrix."""
    actual, predicted = [], []
    for (true_class, predicted_class), count in np.ndenumerate(matrix):
        actual += [true_class] * int(count)
        predicted += [predicted_class] * int(count)
    return np.array(actual), np.array(predicted)


@cache
def sklearn_scores(matrix: tuple[tuple[int, ...], ...] = tuple(map(tuple, KAPPA_MATRIX))) -> dict[str, float]:
    """Accuracy, balanced accuracy and Cohen's kappa of a confusion matrix, from scikit-learn."""
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, cohen_kappa_score

    actual, predicted = _labels(np.array(matrix))
    return {
        "accuracy": float(accuracy_score(actual, predicted)),
        "balanced_accuracy": float(balanced_accuracy_score(actual, predicted)),
        "kappa": float(cohen_kappa_score(actual, predicted)),
    }


_KAPPA_TOLERANCE = 1e-3  # three decimals are enough; 1 % of kappa (0.006) is not


@exercise("05_3", hint="카파 = (관측 일치도 − 우연 일치도) / (1 − 우연 일치도). 우연 일치도는 클래스마다 "
                       "(실제 비율 × 예측 비율)을 더한 값이에요. 소수 셋째 자리까지 맞혀 주세요.")
def cohen_kappa(answer: Any) -> bool | tuple[bool, str]:
    """Cohen's kappa of :data:`KAPPA_MATRIX` (sklearn's ``cohen_kappa_score``)."""
    value = as_float(answer)
    scores = sklearn_scores()
    if abs(value - scores["accuracy"]) <= _KAPPA_TOLERANCE:
        return False, "이것은 정확도(관측 일치도)예요. 우연히 맞을 몫을 빼야 카파가 됩니다."
    if abs(value - scores["balanced_accuracy"]) <= _KAPPA_TOLERANCE:
        return False, "이것은 균형 정확도예요. 카파는 우연 일치도를 빼고 나눈 값이에요."
    return abs(value - scores["kappa"]) <= _KAPPA_TOLERANCE


# 05_4: masked average pooling (coding exercise)


def _reference_masked_average(x: Any, mask: Any) -> np.ndarray:
    from course_utils import training

    return training.masked_average(x, mask)


def _masked_average_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    """Hidden cases: post- and pre-padding, a row without padding, an all-padded row, gaps, one feature."""
    rng = np.random.default_rng(505)
    post = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]], dtype=bool)
    pre = post[:, ::-1].copy()
    empty = np.array([[1, 1, 0, 0], [0, 0, 0, 0]], dtype=bool)
    gaps = np.array([[1, 0, 1, 0, 1, 1]], dtype=bool)
    return [
        (rng.normal(size=(3, 5, 2)), post),
        (rng.normal(size=(3, 5, 2)), pre),
        (rng.normal(size=(2, 4, 3)), empty),
        (rng.normal(size=(1, 6, 4)), gaps),
        (rng.normal(size=(2, 3, 1)) + 5.0, np.array([[1, 1, 0], [1, 1, 1]], dtype=bool)),
    ]


@exercise("05_4", hint="마스크를 (배치, 시점, 1) 모양으로 바꿔 x에 곱하고(또는 np.where), 시점 축(axis=1)으로 더한 뒤 "
                       "남은 시점 수로 나누세요. 남은 시점이 0개인 행은 0으로 나누지 말고 0 벡터를 돌려주세요.")
def masked_average(answer: Any) -> tuple[bool, str]:
    """The learner's ``masked_average(x, mask)`` equals :func:`course_utils.training.masked_average`."""
    return compare_function(as_function(answer), _reference_masked_average, _masked_average_cases())


def _solution_masked_average(x: Any, mask: Any) -> np.ndarray:
    keep = np.asarray(mask, dtype=bool)[..., None]
    total = np.where(keep, x, 0.0).sum(axis=1)
    return total / np.maximum(keep.sum(axis=1), 1)


def _ignores_mask(x: Any, mask: Any) -> np.ndarray:
    return np.asarray(x).mean(axis=1)


def _divides_by_length(x: Any, mask: Any) -> np.ndarray:
    keep = np.asarray(mask, dtype=bool)[..., None]
    return np.where(keep, x, 0.0).sum(axis=1) / np.asarray(x).shape[1]


def _nan_for_empty_rows(x: Any, mask: Any) -> np.ndarray:
    """What ``GlobalAveragePooling1D`` does: 0 / 0 = NaN for an all-padded row."""
    keep = np.asarray(mask, dtype=bool)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(keep, x, 0.0).sum(axis=1) / keep.sum(axis=1)


def _counts_one_extra(x: Any, mask: Any) -> np.ndarray:
    keep = np.asarray(mask, dtype=bool)[..., None]
    return np.where(keep, x, 0.0).sum(axis=1) / (keep.sum(axis=1) + 1)


def _averages_features(x: Any, mask: Any) -> np.ndarray:
    keep = np.asarray(mask, dtype=bool)[..., None]
    return np.where(keep, x, 0.0).mean(axis=2)


SOLUTIONS: dict[str, Any] = {
    "05_1": _EMBEDDING + 2 * _LSTM_16_ON_8 + (2 * 16 + 1),
    "05_2": [[1, 2, 3], [6, 7, 0]],
    "05_3": 0.176 / 0.296,  # p_o = 0.88, p_e = 0.2·0.16 + 0.8·0.84 = 0.704
    "05_4": _solution_masked_average,
}
WRONG_ANSWERS: dict[str, list[Any]] = {
    "05_1": [_EMBEDDING + _LSTM_16_ON_8 + 17, _EMBEDDING + 2 * _LSTM_16_ON_8 + 17, 83_234, 2 * _LSTM_16_ON_8 + 33,
             _EMBEDDING + 2 * 4 * 16 * (8 + 16) + 33],
    "05_2": [[[3, 4, 5], [0, 6, 7]], [[3, 4, 5], [6, 7, 0]], [[1, 2, 3], [0, 6, 7]], [[1, 6], [2, 7], [3, 0]],
             [[1, 2, 3, 0], [6, 7, 0, 0]], [[1, 2, 3], [6, 7, 1]]],
    "05_3": [0.88, 0.775, (0.88 - 0.5) / 0.5, 0.5946 + 0.002, 0.0, 0.59],
    "05_4": [_ignores_mask, _divides_by_length, _nan_for_empty_rows, _counts_one_extra, _averages_features,
             lambda x, mask: None],
}
