"""Course tooling, not imported by the notebooks: run, publish and benchmark the notebooks.

- :mod:`course_utils.tooling.runner` -- find and execute notebooks, measuring time, memory and metrics
- :mod:`course_utils.tooling.site` -- static HTML course site (``make course``)
- :mod:`course_utils.tooling.bench` -- per-notebook benchmark table (``make bench``)
- :mod:`course_utils.tooling.student` -- student edition without worked solutions (``make student``)

Its extra dependencies are the optional dependency group ``tooling`` of ``pyproject.toml``
(``pip install -e ".[tooling]"``; ``make setup`` installs it through ``.[test]``).
"""
