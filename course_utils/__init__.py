"""Helper package for the Korean RNN course (순환 신경망 강좌).

The notebooks import small, tested helpers from here instead of repeating code:

- :mod:`course_utils.config` -- run profiles (``COURSE_PROFILE``), seeds, headline metrics
- :mod:`course_utils.data` -- offline-first dataset registry, cache and loaders
- :mod:`course_utils.plots` -- plots that render Korean text
- :mod:`course_utils.check` -- exercise self-checks
- :mod:`course_utils.env` -- environment report used by the first notebook

Importing the package is cheap: TensorFlow is imported only by the functions that need it.
"""

__version__ = "0.1.0"
