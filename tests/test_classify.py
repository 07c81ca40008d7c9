"""Tests for course_utils.classify: the text classifier, confident mistakes, macro-F1, calibration."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import config

config.set_seed(0)

import keras  # noqa: E402

from course_utils import classify, stats, text  # noqa: E402

CORPUS = [
    ["북한", "미사일", "발사"],
    ["축구", "대표팀", "승리"],
    ["북한", "핵", "협상"],
    ["금리", "인상", "북한"],
    ["축구", "승리"],
]


LABELS = ["정치", "경제", "스포츠"]
TOPIC_OF_TOKEN = {"북한": 0, "금리": 1, "축구": 2}


def keyword_classifier(preprocess=None) -> classify.TextClassifier:
    """A classifier whose embedding gives each keyword a large logit for its topic.

    Embedding(mask_zero) → mean over the real tokens → softmax, so the prediction is the topic
    of the keywords in the text and padding has no influence.
    """
    tokenizer = text.make_tokenizer("whitespace")
    vectorizer = text.fit_vectorizer(CORPUS, maxlen=6)
    vocabulary = vectorizer.get_vocabulary()
    weights = np.zeros((len(vocabulary), len(LABELS)), dtype="float32")
    for token, topic in TOPIC_OF_TOKEN.items():
        weights[vocabulary.index(token), topic] = 12.0
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(len(vocabulary), len(LABELS), mask_zero=True,
                               embeddings_initializer=keras.initializers.Constant(weights)),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Activation("softmax"),
    ])
    extra = {} if preprocess is None else {"preprocess": preprocess}
    return classify.TextClassifier(tokenizer, vectorizer, model, LABELS, **extra)


def test_text_classifier_predicts_from_raw_text() -> None:
    classifier = keyword_classifier()
    texts = ["축구 대표팀 승리", "북한 미사일 발사", "금리 인상"]
    proba = classifier.predict_proba(texts)
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    frame = classifier.predict(texts)
    assert list(frame.columns) == ["텍스트", "예측", "확률", "2순위", "2순위 확률"]
    assert frame["텍스트"].tolist() == texts
    assert frame["예측"].tolist() == ["스포츠", "정치", "경제"]
    assert (frame["확률"] > 0.9).all() and (frame["확률"] >= frame["2순위 확률"]).all()


def test_padding_and_unknown_words_do_not_change_the_keyword_prediction() -> None:
    classifier = keyword_classifier()
    alone, padded = classifier.predict_proba(["축구", "축구 처음보는말"])
    assert alone.argmax() == padded.argmax() == 2
    assert padded.max() < alone.max()  # the unknown word dilutes the mean, padding does not


def test_preprocess_is_applied_before_tokenizing() -> None:
    raw = keyword_classifier()
    converted = keyword_classifier(preprocess=lambda t: text.to_hangul(t, text.NEWS_HANJA_ABBREVIATIONS))
    headline = ["北 핵실험"]
    assert converted.encode(headline).tolist()[0][0] == converted.vectorizer.get_vocabulary().index("북한")
    assert converted.predict(headline)["예측"].item() == "정치"
    np.testing.assert_allclose(raw.predict_proba(headline), 1 / 3, rtol=1e-6)  # "北" is unknown to it


def test_predict_proba_wants_a_list_of_texts() -> None:
    with pytest.raises(TypeError, match="목록"):
        keyword_classifier().predict_proba("축구 승리")


def test_confident_mistakes_orders_errors_by_predicted_probability() -> None:
    y_true = np.array([0, 1, 2, 0, 1, 2])
    proba = np.array([
        [0.9, 0.05, 0.05],  # right
        [0.6, 0.3, 0.1],    # wrong, 0.6
        [0.05, 0.9, 0.05],  # wrong, 0.9
        [0.2, 0.7, 0.1],    # wrong, 0.7
        [0.1, 0.8, 0.1],    # right
        [0.1, 0.1, 0.8],    # right
    ])
    assert classify.confident_mistakes(y_true, proba, k=10).tolist() == [2, 3, 1]
    assert classify.confident_mistakes(y_true, proba, k=2).tolist() == [2, 3]
    assert classify.confident_mistakes(y_true[[0, 4]], proba[[0, 4]]).tolist() == []
    with pytest.raises(ValueError, match="모양"):
        classify.confident_mistakes(y_true, proba[:, 0])


def test_mistakes_frame_names_labels_and_probabilities() -> None:
    texts = ["가", "나", "다"]
    proba = np.array([[0.2, 0.8], [0.9, 0.1], [0.3, 0.7]])
    frame = classify.mistakes_frame(texts, [0, 0, 1], proba, ["정치", "경제"], k=5)
    assert frame.index.tolist() == [0]
    row = frame.iloc[0]
    assert (row["텍스트"], row["정답"], row["예측"]) == ("가", "정치", "경제")
    assert row["예측 확률"] == pytest.approx(0.8) and row["정답 확률"] == pytest.approx(0.2)
    with pytest.raises(ValueError, match="길이"):
        classify.mistakes_frame(texts[:2], [0, 0, 1], proba, ["정치", "경제"])


def test_exercise_06_answers_match_sklearn_and_keras() -> None:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    from course_utils import check
    from course_utils.exercises import nb06

    y_true, y_pred = np.array([0] * 90 + [1] * 10), np.zeros(100, dtype=int)
    scores = (accuracy_score(y_true, y_pred), f1_score(y_true, y_pred, average="macro", zero_division=0))
    assert check.grade("06_1", scores) and check.grade("06_1", np.round(scores, 3))
    assert not check.grade("06_1", np.round(scores, 2))  # 0.47 is a different answer

    layer = keras.layers.Bidirectional(keras.layers.LSTM(nb06.LSTM_UNITS, return_sequences=True))
    layer.build((None, None, nb06.LSTM_INPUT))
    assert check.grade("06_2", layer.count_params()) and nb06.SOLUTIONS["06_2"] == layer.count_params()

    def learner(matrix: np.ndarray) -> float:  # a correct solution written differently from the reference
        labels = np.arange(len(matrix))
        truth = np.repeat(np.repeat(labels, len(labels)), np.asarray(matrix).ravel())
        guess = np.repeat(np.tile(labels, len(labels)), np.asarray(matrix).ravel())
        return f1_score(truth, guess, labels=labels, average="macro", zero_division=0)

    assert check.grade("06_3", learner)
    for (matrix,) in nb06._confusion_cases():  # the hidden cases are real confusion matrices
        labels = np.arange(len(matrix))
        truth = np.repeat(np.repeat(labels, len(labels)), matrix.ravel())
        guess = np.repeat(np.tile(labels, len(labels)), matrix.ravel())
        np.testing.assert_array_equal(confusion_matrix(truth, guess, labels=labels), matrix)


def test_exercise_06_3_reports_the_first_failing_case_and_a_crash_as_hints(capsys: pytest.CaptureFixture[str]) -> None:
    from course_utils import check

    def crashes(matrix: np.ndarray) -> float:
        return matrix.sum(axis=2)

    def stub(matrix: np.ndarray) -> None:
        ...

    check.exercise_06_3(lambda matrix: float(np.trace(matrix) / np.sum(matrix)))
    assert "1번째 검사에서 결과가 달라요" in capsys.readouterr().out
    check.exercise_06_3(crashes)
    assert "AxisError" in capsys.readouterr().out
    check.exercise_06_3(stub)
    assert "None" in capsys.readouterr().out
    with pytest.raises(AssertionError):
        check.exercise_06_3(stub, strict=True)


def test_macro_f1_from_confusion_matches_sklearn_including_absent_classes() -> None:
    from sklearn.metrics import confusion_matrix, f1_score

    rng = np.random.default_rng(1)
    for num_classes in (2, 3, 7):
        y_true = rng.integers(0, num_classes, 200)
        y_pred = np.where(rng.random(200) < 0.6, y_true, rng.integers(0, num_classes - 1, 200))  # last class rarely predicted
        matrix = confusion_matrix(y_true, y_pred, labels=range(num_classes))
        expected = f1_score(y_true, y_pred, labels=range(num_classes), average="macro", zero_division=0)
        assert classify.macro_f1_from_confusion(matrix) == pytest.approx(expected)
    # class 2 is neither present nor predicted: its F1 counts as 0, as sklearn's zero_division=0
    assert classify.macro_f1_from_confusion([[3, 1, 0], [0, 2, 0], [0, 0, 0]]) == pytest.approx(
        f1_score([0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 1, 1], labels=[0, 1, 2], average="macro", zero_division=0))
    with pytest.raises(ValueError, match="정사각"):
        classify.macro_f1_from_confusion(np.ones((2, 3)))


def test_bootstrap_difference_is_paired_and_brackets_the_observed_difference() -> None:
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 3, 400)
    weak = np.where(rng.random(400) < 0.6, y_true, rng.integers(0, 3, 400))
    strong = np.where(rng.random(400) < 0.9, y_true, rng.integers(0, 3, 400))
    result = classify.bootstrap_difference(y_true, weak, strong, num_classes=3)
    expected = f1_score(y_true, strong, average="macro") - f1_score(y_true, weak, average="macro")
    assert result.estimate == pytest.approx(expected)
    assert result.low < result.estimate < result.high and result.excludes_zero and result.low > 0
    accuracy = classify.bootstrap_difference(y_true, weak, strong, num_classes=3, metric="accuracy")
    assert tuple(accuracy) == pytest.approx(tuple(stats.paired_difference(strong == y_true, weak == y_true,
                                                                          n_resamples=1_000)), abs=1e-12)
    same = classify.bootstrap_difference(y_true, weak, weak, num_classes=3, metric="accuracy")
    assert tuple(same) == (0.0, 0.0, 0.0)  # paired: identical models never differ
    assert not same.excludes_zero and "95%" in str(same)
    with pytest.raises(ValueError, match="metric"):
        classify.bootstrap_difference(y_true, weak, strong, num_classes=3, metric="recall")
    with pytest.raises(ValueError, match="num_classes"):
        classify.bootstrap_difference(y_true, weak, strong, num_classes=2)


def test_expected_calibration_error_by_hand_and_against_calibration_curve() -> None:
    from sklearn.calibration import calibration_curve

    # confidences 0.9, 0.9 (one right) and 0.6 (right): bins (0.8, 0.9] and (0.5, 0.6]
    proba = np.array([[0.9, 0.1], [0.1, 0.9], [0.6, 0.4]])
    y_true = np.array([0, 0, 0])
    assert classify.expected_calibration_error(y_true, proba) == pytest.approx((2 * abs(0.5 - 0.9) + abs(1 - 0.6)) / 3)
    assert classify.expected_calibration_error([0, 1], np.eye(2)) == 0.0  # sure and right
    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(4) * 0.5, size=500)
    y_true = rng.integers(0, 4, 500)
    confidence, correct = proba.max(axis=1), proba.argmax(axis=1) == y_true
    accuracy, mean_confidence = calibration_curve(correct, confidence, n_bins=10)
    edges = np.linspace(0, 1, 11)
    counts = np.bincount(np.searchsorted(edges[1:-1], confidence), minlength=10)
    weights = counts[counts > 0] / len(y_true)
    assert classify.expected_calibration_error(y_true, proba) == pytest.approx(
        float(np.sum(weights * np.abs(accuracy - mean_confidence))))
    with pytest.raises(ValueError, match="모양"):
        classify.expected_calibration_error(y_true, proba[:, 0])


def test_confident_mistakes_refuses_float_labels_that_are_not_integers() -> None:
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    with pytest.raises(ValueError, match="정수 레이블"):
        classify.confident_mistakes(np.array([0.7, 0.2, 1.0]), proba)  # astype(int) would read 0, 0, 1
    with pytest.raises(ValueError, match="0 이상 1 이하"):
        classify.confident_mistakes(np.array([0, 2, 1]), proba)
    assert list(classify.confident_mistakes(np.array([1.0, 1.0, 1.0]), proba)) == [0, 2]
