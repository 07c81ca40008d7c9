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


def test_checker_raising_on_wrong_answer_counts_as_wrong(registry: None, capsys: pytest.CaptureFixture[str]) -> None:
    check.exercise_99_1([1])  # the checker raises IndexError
    assert printed(capsys).startswith("❌ 연습문제 99-1: 아직 정답이 아니에요. 힌트: 세 번째")
    assert check.grade("99_1", []) is False


def test_wrong_type_raises_type_error_naming_expected_type(registry: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(TypeError, match=r"연습문제 99-1: 답은 list 형식이어야 해요 \(받은 형식: str\)"):
        check.exercise_99_1("10, 20, 30")
    with pytest.raises(TypeError, match="int 또는 float"):
        check.grade("99_2", "7")
    with pytest.raises(TypeError, match="numpy.ndarray"):
        check.grade("99_1", np.array([10, 20, 30]))
    assert printed(capsys) == ""


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
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        check.nothing  # noqa: B018


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


@pytest.mark.parametrize("exercise_id", check.available())
def test_registered_exercise_accepts_solution_and_rejects_wrong_answer(exercise_id: str) -> None:
    module = notebook_module(exercise_id)
    assert check.grade(exercise_id, module.SOLUTIONS[exercise_id]) is True
    assert check.grade(exercise_id, module.WRONG_ANSWERS[exercise_id]) is False
