"""Exercise self-checks for the notebooks (연습문제 자동 채점).

A notebook checks an answer with one call that prints a friendly Korean message::

    from course_utils import check
    check.exercise_00_1(answer)   # ✅ 연습문제 00-1 정답입니다! ...

``exercise_XX_Y`` is resolved by the module-level :func:`__getattr__` from a registry
filled by the checkers in :mod:`course_utils.exercises` (one module per notebook,
registered with the :func:`exercise` decorator). Those modules are imported lazily,
on the first lookup, so that they can import this module without a cycle.

A checker returns ``bool``, or ``(bool, message)`` to give a hint tailored to the
answer. A checker that raises on a wrong answer (an ``IndexError`` on a list that is
too short, say) counts as a wrong answer: learners never see a traceback for a wrong
answer. They do get a ``TypeError`` when the answer has the wrong type.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Checker = Callable[[Any], bool | tuple[bool, str]]
ID_PATTERN = re.compile(r"\d{2}_\d+")
EXERCISE_PACKAGE = "course_utils.exercises"


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
    """Run the checker on a well-typed answer; return ``(passed, message)``."""
    if ex.expects is not None and not isinstance(answer, ex.expects):
        expected = ex.expects if isinstance(ex.expects, tuple) else (ex.expects,)
        names = " 또는 ".join(_type_name(t) for t in expected)
        raise TypeError(f"{ex.title}: 답은 {names} 형식이어야 해요 (받은 형식: {_type_name(type(answer))}).")
    try:
        result = ex.checker(answer)
    except Exception:  # a wrong but well-formed answer may break the checker
        return False, ex.hint
    if isinstance(result, tuple):
        passed, message = result
        return bool(passed), message or ("" if passed else ex.hint)
    return bool(result), "" if result else ex.hint


def _type_name(kind: type) -> str:
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module.split('.')[0]}.{kind.__qualname__}"


def grade(exercise_id: str, answer: Any) -> bool:
    """Return whether ``answer`` solves ``exercise_id``, without printing (for tests).

    An unanswered placeholder (``None`` or ``...``) is not a solution; an answer of the
    wrong type raises ``TypeError``; an unknown id raises :class:`UnknownExerciseError`.
    """
    ex = _lookup(exercise_id)
    return False if _is_unanswered(answer) else _evaluate(ex, answer)[0]


def _report(ex: Exercise, answer: Any) -> None:
    """Grade ``answer`` and print the Korean feedback a notebook cell shows."""
    if _is_unanswered(answer):
        print(f"❌ {ex.title}: 아직 답을 입력하지 않았어요. `...` 또는 None 자리에 답을 채운 뒤 다시 실행해 보세요.")
        return
    passed, message = _evaluate(ex, answer)
    if passed:
        print(f"✅ {ex.title} 정답입니다! {message or '잘했어요.'}")
    else:
        print(f"❌ {ex.title}: 아직 정답이 아니에요. 힌트: {message}")


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
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    ex = _lookup(name.removeprefix("exercise_"))

    def run(answer: Any) -> None:
        _report(ex, answer)

    run.__name__ = run.__qualname__ = name
    run.__doc__ = f"{ex.title}의 답을 채점하고 결과를 출력합니다."
    return run


def __dir__() -> list[str]:
    """List the ``exercise_XX_Y`` functions too, for tab completion in notebooks."""
    return sorted([*globals(), *(f"exercise_{exercise_id}" for exercise_id in available())])
