"""Tests for course_utils.check and the per-notebook checkers in course_utils.exercises."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from course_utils import check, exercises


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register throwaway exercises 99_1 and 99_2 on a copy of the registry."""
    check.available()  # load the real checkers first, so the copy holds them
    monkeypatch.setattr(check, "_REGISTRY", dict(check._REGISTRY))

    @check.exercise("99_1", hint="세 번째 원소를 확인해 보세요.", expects=list)
    def third_is_thirty(answer: list) -> bool:
        return answer[2] == 30  # IndexError for a list that is too short

    @check.exercise("99_2", hint="기본 힌트예요.", expects=(int, float))
    def seven(answer: float) -> tuple[bool, str]:
        if answer < 0:
            return False, "음수는 될 수 없어요."
        return answer == 7, "7은 행운의 숫자죠." if answer == 7 else ""


def printed(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out.strip()


def test_right_answer_prints_success_and_grades_true(registry: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert check.exercise_99_1([10, 20, 30]) is None  # a notebook cell echoes nothing
    assert printed(capsys) == "✅ 연습문제 99-1 정답입니다! 잘했어요."
    assert check.grade("99_1", [10, 20, 30]) is True


def test_wrong_answer_prints_hint_without_raising(registry: None, capsys: pytest.CaptureFixture[str]) -> None:
    check.exercise_99_1([1, 2, 3])
    assert printed(capsys) == "❌ 연습문제 99-1: 아직 정답이 아니에요. 힌트: 세 번째 원소를 확인해 보세요."
    assert check.grade("99_1", [1, 2, 3]) is False


def test_checker_errors_propagate_and_only_answer_errors_become_hints(
    registry: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(IndexError):  # a checker bug is never disguised as a wrong answer
        check.exercise_99_1([1])
    with pytest.raises(IndexError):
        check.grade("99_1", [])

    @check.exercise("99_3", hint="정수예요.")
    def needs_int(answer: Any) -> bool:
        return check.as_int(answer) == 3

    @check.exercise("99_4", hint="")
    def broken(answer: Any) -> bool:
        import course_utils_missing_dependency  # noqa: F401

        return True

    check.exercise_99_3("3")
    assert printed(capsys) == "❌ 연습문제 99-3: 아직 정답이 아니에요. 힌트: 답를 문자열이 아니라 숫자로 적어 주세요 (받은 값: '3')."
    with pytest.raises(ModuleNotFoundError):
        check.exercise_99_4(1)


def test_wrong_type_prints_hint_naming_expected_type(registry: None, capsys: pytest.CaptureFixture[str]) -> None:
    check.exercise_99_1("10, 20, 30")
    assert printed(capsys) == "❌ 연습문제 99-1: 아직 정답이 아니에요. 힌트: 답은 list 형식이어야 해요 (받은 형식: str)."
    assert check.grade("99_2", "7") is False
    assert check.grade("99_1", np.array([10, 20, 30])) is False
    assert "numpy.ndarray" in check._evaluate(check._lookup("99_1"), np.array([1]))[1]


def test_strict_mode_raises_for_rejected_and_unanswered_solutions(
    registry: None, capsys: pytest.CaptureFixture[str]
) -> None:
    check.exercise_99_1([10, 20, 30], strict=True)
    assert printed(capsys).startswith("✅")
    with pytest.raises(AssertionError, match="연습문제 99-1의 풀이가 채점을 통과하지 못했어요: 세 번째"):
        check.exercise_99_1([10, 20, 31], strict=True)
    with pytest.raises(AssertionError, match="99-2"):
        check.exercise_99_2(..., strict=True)
    check.exercise_99_2(...)  # without strict an unanswered exercise only prints
    assert printed(capsys).count("❌") == 3


@pytest.mark.parametrize("placeholder", [None, ...])
def test_unanswered_placeholder_prints_not_answered(
    registry: None, capsys: pytest.CaptureFixture[str], placeholder: Any
) -> None:
    check.exercise_99_1(placeholder)
    out = printed(capsys)
    assert out.startswith("❌ 연습문제 99-1: 아직 답을 입력하지 않았어요.")
    assert "힌트" not in out
    assert check.grade("99_1", placeholder) is False


def test_tuple_result_prints_tailored_message(registry: None, capsys: pytest.CaptureFixture[str]) -> None:
    check.exercise_99_2(-3)
    assert printed(capsys) == "❌ 연습문제 99-2: 아직 정답이 아니에요. 힌트: 음수는 될 수 없어요."
    check.exercise_99_2(5)  # tuple with an empty message falls back to the default hint
    assert printed(capsys).endswith("힌트: 기본 힌트예요.")
    check.exercise_99_2(7.0)
    assert printed(capsys) == "✅ 연습문제 99-2 정답입니다! 7은 행운의 숫자죠."


def test_unknown_id_raises_listing_known_ids(registry: None) -> None:
    with pytest.raises(AttributeError, match=r"'99_9'.*등록된 연습문제: .*99_1, 99_2"):
        check.exercise_99_9  # noqa: B018
    with pytest.raises(KeyError, match="99_1, 99_2"):
        check.grade("99_9", 1)
    assert not hasattr(check, "exercise_99_9")


def test_other_missing_attributes_are_plain_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="'nothing' .*exercise_XX_Y"):
        check.nothing  # noqa: B018
    assert not hasattr(check, "nothing")  # still an AttributeError, so hasattr/getattr defaults work


def test_available_and_dir_list_registered_exercises(registry: None) -> None:
    assert {"99_1", "99_2"} <= set(check.available())
    assert check.available() == sorted(check.available())
    assert "exercise_99_1" in dir(check)
    assert check.exercise_99_1.__name__ == "exercise_99_1"


def test_registration_rejects_bad_ids_and_a_second_checker(registry: None) -> None:
    with pytest.raises(ValueError, match="00_1"):
        check.exercise("1-1", hint="")
    with pytest.raises(ValueError, match="이미"):

        @check.exercise("99_1", hint="다른 함수")
        def another(answer: Any) -> bool:
            return True


@pytest.mark.parametrize("form", [96, np.int64(96), np.int32(96), 96.0, np.float32(96.0), np.array(96)])
def test_as_int_accepts_every_numeric_form(form: Any) -> None:
    assert check.as_int(form) == 96 and type(check.as_int(form)) is int


def test_as_int_accepts_a_tensorflow_scalar() -> None:
    tf = pytest.importorskip("tensorflow")
    assert check.as_int(tf.constant(96)) == 96
    assert check.as_int(tf.reduce_sum(tf.ones(4))) == 4


@pytest.mark.parametrize("bad", [96.5, np.float32(95.9), "96", b"96", True, [96], np.array([96]), float("nan"), None])
def test_as_int_rejects_truncation_strings_bools_and_sequences(bad: Any) -> None:
    with pytest.raises(check.AnswerError):
        check.as_int(bad)


def test_as_float_and_as_array_normalise_and_check_shape() -> None:
    assert check.as_float(np.float32(0.5)) == 0.5 and check.as_float(1) == 1.0
    for bad in ("0.5", float("inf"), [0.5]):
        with pytest.raises(check.AnswerError):
            check.as_float(bad)
    assert check.as_array([[1, 2, 3]], shape=(1, 3)).dtype == float
    with pytest.raises(check.AnswerError, match=r"\(3, 1\)"):
        check.as_array(np.ones((1, 3)), shape=(3, 1))  # a transposed answer
    for bad in ([[1], [1, 2]], ["a", "b"], [True, False]):
        with pytest.raises(check.AnswerError):
            check.as_array(bad)


def test_as_strings_and_as_function() -> None:
    assert check.as_strings(("a", "b")) == ["a", "b"] and check.as_strings(np.array(["a"])) == ["a"]
    for bad in ("ab", ["a", 1], 3):
        with pytest.raises(check.AnswerError):
            check.as_strings(bad)
    assert check.as_function(len) is len
    with pytest.raises(check.AnswerError, match="함수 자체"):
        check.as_function(3)


def reference_cumsum(values: list[float]) -> np.ndarray:
    return np.cumsum(values)


def test_compare_function_reports_the_first_failing_case_in_korean() -> None:
    cases = [([1.0, 2.0],), ([0.5, 0.5, 0.5],), ([],)]
    assert check.compare_function(lambda v: np.cumsum(v), reference_cumsum, cases) == (
        True, "숨겨 둔 검사 3개를 모두 통과했어요."
    )
    passed, message = check.compare_function(lambda v: np.cumsum(v[:-1]) if len(v) > 2 else np.cumsum(v),
                                             reference_cumsum, cases)
    assert not passed and message.startswith("2번째 검사에서 결과가 달라요. 입력: ([0.5, 0.5, 0.5],)")
    assert "기대한 값: array([0.5, 1. , 1.5])" in message or "기대한 값: [0.5 1.  1.5]" in message


def test_compare_function_turns_learner_errors_and_stubs_into_hints() -> None:
    def stub(values: list[float]) -> None:
        ...

    def crashes(values: list[float]) -> float:
        return values[5]

    def mutates(values: list[float]) -> np.ndarray:
        values.append(100.0)
        return np.cumsum(values[:-1])

    assert check.compare_function(stub, reference_cumsum, [([1.0],)]) == (
        False, "1번째 검사에서 함수가 아무것도 돌려주지 않았어요(None). `return` 을 확인하세요."
    )
    passed, message = check.compare_function(crashes, reference_cumsum, [([1.0],)])
    assert not passed and "IndexError" in message
    assert check.compare_function(mutates, reference_cumsum, [([1.0, 2.0],)])[0]  # each call gets its own copy
    with pytest.raises(ZeroDivisionError):  # the reference's errors are the checker's
        check.compare_function(stub, lambda v: 1 / 0, [([1.0],)])
    with pytest.raises(check.AnswerError):
        check.compare_function("not a function", reference_cumsum, [([1.0],)])


def test_same_result_compares_shapes_values_and_other_objects() -> None:
    assert check.same_result([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]))
    assert not check.same_result(np.ones((2, 1)), np.ones((1, 2)))
    assert not check.same_result("1", 1)
    assert check.same_result(["a", "b"], ["a", "b"]) and not check.same_result(["a"], ["b"])


def test_close_compares_numbers_and_arrays() -> None:
    assert check.close(0.1 + 0.2, 0.3)
    assert check.close([[1.0, 2.0]], np.array([[1.0, 2.0 + 1e-9]]))
    assert not check.close(1.0, 1.1)
    assert check.close(1.0, 1.05, atol=0.1)
    assert not check.close([1.0, 1.0], 1.0)  # shapes must match, no broadcasting
    assert not check.close([[1.0], [1.0, 2.0]], [1.0, 2.0])  # ragged
    assert not check.close("abc", 1.0)
    assert not check.close(float("nan"), float("nan"))


# --- every notebook's checkers: SOLUTIONS pass and WRONG_ANSWERS fail --------------


def notebook_module(exercise_id: str) -> Any:
    return importlib.import_module(f"course_utils.exercises.nb{exercise_id[:2]}")


NOTEBOOK_FILES = sorted(Path(exercises.__file__).parent.glob("nb[0-9][0-9].py"))


def test_every_notebook_module_is_imported_automatically() -> None:
    check.available()
    for path in NOTEBOOK_FILES:
        assert f"course_utils.exercises.{path.stem}" in sys.modules


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda path: path.stem)
def test_notebook_module_documents_exactly_its_exercises(path: Path) -> None:
    module = importlib.import_module(f"course_utils.exercises.{path.stem}")
    own_ids = {i for i in check.available() if f"nb{i[:2]}" == path.stem}
    assert own_ids, f"{path.name} 에 등록된 연습문제가 없어요"
    assert isinstance(module.SOLUTIONS, dict) and isinstance(module.WRONG_ANSWERS, dict)
    assert set(module.SOLUTIONS) == own_ids
    assert set(module.WRONG_ANSWERS) == own_ids


def wrong_answers(exercise_id: str) -> list[Any]:
    """A module's WRONG_ANSWERS entry: at least three wrong answers (near misses included)."""
    wrong = notebook_module(exercise_id).WRONG_ANSWERS[exercise_id]
    assert isinstance(wrong, list) and len(wrong) >= 3, f"{exercise_id}: WRONG_ANSWERS needs a list of ≥ 3 answers"
    return wrong


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda path: path.stem)
def test_every_notebook_has_a_coding_exercise(path: Path) -> None:
    """At least one exercise per notebook where the learner writes a function."""
    module = importlib.import_module(f"course_utils.exercises.{path.stem}")
    assert any(callable(answer) for answer in module.SOLUTIONS.values()), f"{path.stem} has no coding exercise"
    for exercise_id, answer in module.SOLUTIONS.items():
        if callable(answer):
            stub = lambda *args: None  # noqa: E731 - the `...` body a student edition starts with
            assert check.grade(exercise_id, stub) is False


@pytest.mark.parametrize("exercise_id", check.available())
def test_registered_exercise_accepts_solution_and_rejects_wrong_answers(exercise_id: str) -> None:
    module = notebook_module(exercise_id)
    assert check.grade(exercise_id, module.SOLUTIONS[exercise_id]) is True
    for wrong in wrong_answers(exercise_id):
        assert check.grade(exercise_id, wrong) is False, wrong


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


@pytest.mark.parametrize("exercise_id", check.available())
def test_numeric_solutions_accept_other_forms_and_reject_near_misses(exercise_id: str) -> None:
    """Not what the checker's author anticipated: other numeric types, ±1, ±1 %, an array for a list."""
    solution = notebook_module(exercise_id).SOLUTIONS[exercise_id]
    if is_number(solution):
        value = solution.item() if hasattr(solution, "item") else solution
        forms = [np.float64(value), np.array(value)]
        if float(value).is_integer():
            forms += [np.int64(value), float(value)]
        else:
            forms += [np.float32(value)]
        for form in forms:
            assert check.grade(exercise_id, form), f"{exercise_id} rejects {form!r} ({type(form).__name__})"
        misses = [value + 1, value - 1] if float(value).is_integer() else [value * 1.01, value * 0.99]
        for miss in misses:
            assert not check.grade(exercise_id, miss), f"{exercise_id} accepts the near miss {miss!r}"
    elif isinstance(solution, (list, tuple)) and solution and all(is_number(v) for v in np.ravel(solution)):
        assert check.grade(exercise_id, np.asarray(solution)), f"{exercise_id} rejects the array form"
