"""Exercise self-checks for the notebooks (연습문제 자동 채점).

A notebook checks an answer with one call that prints a friendly Korean message::

    from course_utils import check
    check.exercise_00_1(answer)                # ✅ 연습문제 00-1 정답입니다! ...
    check.exercise_00_1(answer, strict=True)   # worked solutions: also raise if rejected

``exercise_XX_Y`` is resolved by the module-level :func:`__getattr__` from a registry
filled by the checkers in :mod:`course_utils.exercises` (one module per notebook,
registered with the :func:`exercise` decorator). Those modules are imported lazily,
on the first lookup, so that they can import this module without a cycle.

A checker returns ``bool``, or ``(bool, message)`` to give a hint tailored to the
answer. Checkers normalise the answer with :func:`as_int`, :func:`as_float`,
:func:`as_array`, :func:`as_strings` or :func:`as_function`, which accept every
numeric form of a right answer (``np.int64``, ``96.0``, a TensorFlow scalar, an array
where a list is asked for) and raise :class:`AnswerError` for a malformed one. Only
:class:`AnswerError` becomes a hint: any other exception inside a checker is a bug in
the checker (or a missing dependency) and propagates, so CI sees it. Coding exercises
pass the learner's function to :func:`compare_function`, which runs it on hidden cases
against the package's reference and reports the first case that differs.

Learners never see a traceback for a wrong, malformed or unanswered answer: the cell
prints ❌ with a hint. Worked solutions use ``strict=True``, which raises
``AssertionError`` when the checker rejects them.
"""

from __future__ import annotations

import copy
import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Checker = Callable[[Any], bool | tuple[bool, str]]
ID_PATTERN = re.compile(r"\d{2}_\d+")
EXERCISE_PACKAGE = "course_utils.exercises"


class AnswerError(ValueError):
    """A malformed answer (a string for a number, a wrong shape, ...): its message becomes the hint."""


class UnknownExerciseError(KeyError, AttributeError):
    """Raised for an exercise id that no checker registered.

    Both a ``KeyError`` (for :func:`grade`) and an ``AttributeError`` (so that
    ``hasattr(check, "exercise_99_9")`` is simply ``False``).
    """

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


@dataclass(frozen=True)
class Exercise:
    """One registered exercise: its checker, default hint and accepted answer types."""

    exercise_id: str
    checker: Checker
    hint: str
    expects: type | tuple[type, ...] | None

    @property
    def title(self) -> str:
        """Korean display name, e.g. ``연습문제 00-1``."""
        return "연습문제 " + self.exercise_id.replace("_", "-")


_REGISTRY: dict[str, Exercise] = {}


def exercise(
    exercise_id: str, *, hint: str, expects: type | tuple[type, ...] | None = None
) -> Callable[[Checker], Checker]:
    """Register the decorated function as the checker of ``exercise_id`` (``"00_1"``).

    ``hint`` is shown after a wrong answer; ``expects`` lists the accepted answer types
    (a ``TypeError`` is raised for any other type). Re-registering the same function
    (e.g. after ``importlib.reload``) is allowed; a second, different checker for the
    same id is an error.
    """
    if not ID_PATTERN.fullmatch(exercise_id):
        raise ValueError(f"연습문제 번호는 '00_1'처럼 '노트북번호_문제번호' 형식이어야 해요: {exercise_id!r}")

    def register(checker: Checker) -> Checker:
        previous = _REGISTRY.get(exercise_id)
        if previous is not None and _qualified_name(previous.checker) != _qualified_name(checker):
            raise ValueError(
                f"연습문제 {exercise_id} 의 채점 함수가 이미 있어요: {_qualified_name(previous.checker)}"
            )
        _REGISTRY[exercise_id] = Exercise(exercise_id, checker, hint, expects)
        return checker

    return register


def _qualified_name(checker: Checker) -> str:
    return f"{checker.__module__}.{checker.__qualname__}"


def _lookup(exercise_id: str) -> Exercise:
    importlib.import_module(EXERCISE_PACKAGE)  # registers every nbXX module, once
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "(아직 없음)"
        raise UnknownExerciseError(
            f"등록되지 않은 연습문제예요: {exercise_id!r}. 등록된 연습문제: {known}"
        ) from None


def available() -> list[str]:
    """Return the ids of every registered exercise, sorted."""
    importlib.import_module(EXERCISE_PACKAGE)
    return sorted(_REGISTRY)


def _is_unanswered(answer: Any) -> bool:
    """``None`` and ``...`` are the placeholders a notebook leaves for the learner."""
    return answer is None or answer is Ellipsis


def _evaluate(ex: Exercise, answer: Any) -> tuple[bool, str]:
    """Run the checker on an answer; return ``(passed, message)``.

    A wrong type or an :class:`AnswerError` is a wrong answer with a hint; any other
    exception is the checker's own error and propagates.
    """
    if ex.expects is not None and not isinstance(answer, ex.expects):
        expected = ex.expects if isinstance(ex.expects, tuple) else (ex.expects,)
        names = " 또는 ".join(_type_name(t) for t in expected)
        return False, f"답은 {names} 형식이어야 해요 (받은 형식: {_type_name(type(answer))})."
    try:
        result = ex.checker(answer)
    except AnswerError as error:
        return False, str(error)
    if isinstance(result, tuple):
        passed, message = result
        return bool(passed), message or ("" if passed else ex.hint)
    return bool(result), "" if result else ex.hint


def _type_name(kind: type) -> str:
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module.split('.')[0]}.{kind.__qualname__}"


def grade(exercise_id: str, answer: Any) -> bool:
    """Return whether ``answer`` solves ``exercise_id``, without printing (for tests).

    An unanswered placeholder (``None`` or ``...``), an answer of the wrong type and a
    malformed answer are not solutions; an unknown id raises :class:`UnknownExerciseError`.
    """
    ex = _lookup(exercise_id)
    return False if _is_unanswered(answer) else _evaluate(ex, answer)[0]


def _report(ex: Exercise, answer: Any, *, strict: bool = False) -> None:
    """Grade ``answer`` and print the Korean feedback a notebook cell shows.

    With ``strict=True`` (worked solutions), a rejected answer also raises ``AssertionError``.
    """
    if _is_unanswered(answer):
        print(f"❌ {ex.title}: 아직 답을 입력하지 않았어요. `...` 또는 None 자리에 답을 채운 뒤 다시 실행해 보세요.")
        passed, message = False, "답이 비어 있어요."
    else:
        passed, message = _evaluate(ex, answer)
        if passed:
            print(f"✅ {ex.title} 정답입니다! {message or '잘했어요.'}")
        else:
            print(f"❌ {ex.title}: 아직 정답이 아니에요. 힌트: {message}")
    if strict and not passed:
        raise AssertionError(f"{ex.title}의 풀이가 채점을 통과하지 못했어요: {message}")


# --- normalising answers: every numeric form of a right answer, nothing else ------------


def _to_numpy(answer: Any) -> Any:
    """Unwrap a TensorFlow/Keras tensor (anything with ``.numpy()``) to a NumPy value."""
    return answer.numpy() if hasattr(answer, "numpy") and callable(answer.numpy) else answer


def _numeric_array(answer: Any, what: str) -> np.ndarray:
    """``answer`` as a numeric (non-boolean) NumPy array, or :class:`AnswerError`."""
    value = _to_numpy(answer)
    if isinstance(value, (str, bytes)):
        raise AnswerError(f"{what}를 문자열이 아니라 숫자로 적어 주세요 (받은 값: {value!r}).")
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise AnswerError(f"{what}의 행마다 길이가 달라요: {error}") from None
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise AnswerError(f"{what}는 숫자여야 해요 (받은 값: {value!r}).")
    return array


def _scalar(answer: Any, what: str) -> float | int:
    array = _numeric_array(answer, what)
    if array.ndim != 0:
        raise AnswerError(f"{what}는 숫자 하나여야 해요 (받은 모양: {array.shape}).")
    return array.item()


def as_int(answer: Any) -> int:
    """An integer answer in any numeric form (``96``, ``np.int64(96)``, ``96.0``, a TF scalar).

    Raises :class:`AnswerError` for a non-integral number (no truncation), a string, a bool
    or a sequence.
    """
    value = _scalar(answer, "답")
    if isinstance(value, float) and not (np.isfinite(value) and value == round(value)):
        raise AnswerError(f"정수로 답해야 해요 (받은 값: {value!r}).")
    return int(value)


def as_float(answer: Any) -> float:
    """A real-number answer in any numeric form; :class:`AnswerError` for NaN, infinity or non-numbers."""
    value = float(_scalar(answer, "답"))
    if not np.isfinite(value):
        raise AnswerError(f"유한한 숫자로 답해야 해요 (받은 값: {value!r}).")
    return value


def as_array(answer: Any, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """A numeric answer as a float array (list, tuple, array or tensor), checked against ``shape``."""
    array = _numeric_array(answer, "답").astype(float)
    if shape is not None and array.shape != tuple(shape):
        raise AnswerError(f"답의 모양이 {tuple(shape)}이어야 해요 (받은 모양: {array.shape}).")
    return array


def as_strings(answer: Any) -> list[str]:
    """A list of strings (list, tuple or array of ``str``); a single string is malformed."""
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (list, tuple, np.ndarray)):
        raise AnswerError(f"문자열들의 리스트로 답해 주세요 (받은 형식: {_type_name(type(answer))}).")
    items = list(answer)
    if not all(isinstance(item, str) for item in items):
        raise AnswerError("리스트의 원소는 모두 문자열이어야 해요.")
    return items


def as_function(answer: Any) -> Callable[..., Any]:
    """The learner's function for a coding exercise."""
    if not callable(answer):
        raise AnswerError(f"함수 자체를 넘겨 주세요: 함수를 호출한 결과가 아니라 이름만 (받은 형식: {_type_name(type(answer))}).")
    return answer


def _show(value: Any, limit: int = 160) -> str:
    text = np.array2string(value, precision=4, threshold=20) if isinstance(value, np.ndarray) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def same_result(got: Any, expected: Any) -> bool:
    """Default equality of :func:`compare_function`: close numbers/arrays of the same shape, else ``==``."""
    got, expected = _to_numpy(got), _to_numpy(expected)
    expected_array = np.asarray(expected) if not isinstance(expected, (str, bytes)) else None
    if expected_array is not None and expected_array.dtype != object and np.issubdtype(expected_array.dtype, np.number):
        try:
            got_array = _numeric_array(got, "결과")
        except AnswerError:
            return False
        return got_array.shape == expected_array.shape and bool(
            np.allclose(got_array, expected_array, rtol=1e-5, atol=1e-8)
        )
    return bool(got == expected)


def compare_function(
    function: Any,
    reference: Callable[..., Any],
    cases: Sequence[tuple[Any, ...]],
    *,
    equal: Callable[[Any, Any], bool] = same_result,
) -> tuple[bool, str]:
    """Run the learner's ``function`` and ``reference`` on each case (a tuple of positional args).

    Returns ``(True, "")`` when every case agrees, else ``(False, message)`` describing the
    first case that differs (input, expected, got) or the exception the learner's function
    raised. Each call gets its own deep copy of the arguments. Exceptions raised by
    ``reference`` or ``equal`` are the checker's and propagate.
    """
    function = as_function(function)
    for number, args in enumerate(cases, start=1):
        expected = reference(*copy.deepcopy(args))
        try:
            got = function(*copy.deepcopy(args))
        except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
            return False, f"{number}번째 검사 입력 {_show(args)} 에서 함수가 오류를 냈어요: {type(error).__name__}: {error}"
        if got is None and expected is not None:
            return False, f"{number}번째 검사에서 함수가 아무것도 돌려주지 않았어요(None). `return` 을 확인하세요."
        if not equal(got, expected):
            return False, (
                f"{number}번째 검사에서 결과가 달라요. 입력: {_show(args)}, "
                f"기대한 값: {_show(expected)}, 받은 값: {_show(got)}"
            )
    return True, f"숨겨 둔 검사 {len(cases)}개를 모두 통과했어요."


def close(a: Any, b: Any, rtol: float = 1e-6, atol: float = 0.0) -> bool:
    """Whether numbers or arrays ``a`` and ``b`` have the same shape and close values.

    For checkers; anything that is not numeric (or ragged) simply is not close.
    """
    try:
        left, right = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return left.shape == right.shape and bool(np.allclose(left, right, rtol=rtol, atol=atol))


def __getattr__(name: str) -> Callable[[Any], None]:
    """Resolve ``exercise_XX_Y`` to a function that grades and prints feedback."""
    if not name.startswith("exercise_"):
        raise AttributeError(f"{__name__} 에는 {name!r} 이(가) 없어요. 채점 함수는 check.exercise_XX_Y 형식입니다 (예: check.exercise_05_1).")
    ex = _lookup(name.removeprefix("exercise_"))

    def run(answer: Any, strict: bool = False) -> None:
        _report(ex, answer, strict=strict)

    run.__name__ = run.__qualname__ = name
    run.__doc__ = f"{ex.title}의 답을 채점하고 결과를 출력합니다 (strict=True 이면 틀린 풀이에서 AssertionError)."
    return run


def __dir__() -> list[str]:
    """List the ``exercise_XX_Y`` functions too, for tab completion in notebooks."""
    return sorted([*globals(), *(f"exercise_{exercise_id}" for exercise_id in available())])
