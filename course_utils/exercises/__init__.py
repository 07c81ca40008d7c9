"""Exercise checkers, one module per notebook: ``nb00.py`` for ``notebooks/00_*.ipynb``.

Importing this package imports every ``nbXX`` module in it, so adding an exercise is
just adding (or editing) that notebook's file; :mod:`course_utils.check` imports this
package on its first lookup.

Convention for ``nbXX.py`` (checked by ``tests/test_check.py``):

- every checker is registered with :func:`course_utils.check.exercise`, with ids
  ``"XX_1"``, ``"XX_2"``, ... where ``XX`` is the notebook number;
- ``SOLUTIONS: dict[str, Any]`` maps each of the notebook's exercise ids to a correct
  answer, and ``WRONG_ANSWERS: dict[str, Any]`` to a plausible wrong one; the tests
  assert that ``grade(id, SOLUTIONS[id])`` is ``True`` and
  ``grade(id, WRONG_ANSWERS[id])`` is ``False``.

Example::

    from typing import Any

    from course_utils.check import close, exercise


    @exercise("00_1", hint="은닉 상태의 크기는 units 와 같아요.", expects=int)
    def hidden_size(answer: int) -> bool:
        return answer == 64


    @exercise("00_2", hint="tanh 의 값 범위를 떠올려 보세요.", expects=(list, tuple))
    def tanh_range(answer: tuple[float, float]) -> bool | tuple[bool, str]:
        if answer[0] == 0:
            return False, "tanh 는 음수도 출력해요."  # a hint tailored to this answer
        return close(answer, (-1, 1))


    SOLUTIONS: dict[str, Any] = {"00_1": 64, "00_2": (-1, 1)}
    WRONG_ANSWERS: dict[str, Any] = {"00_1": 32, "00_2": (0, 1)}
"""

import importlib
import pkgutil
import re

NOTEBOOK_MODULE = re.compile(r"nb\d{2}")


def _import_notebook_modules() -> None:
    """Import every ``nbXX`` module of this package, which registers its checkers."""
    for module in pkgutil.iter_modules(__path__):
        if NOTEBOOK_MODULE.fullmatch(module.name):
            importlib.import_module(f"{__name__}.{module.name}")


_import_notebook_modules()
