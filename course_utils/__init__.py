"""Helper package for the Korean RNN course (순환 신경망 강좌).

The notebooks import small, tested helpers from here instead of repeating code. Every module,
one line each, in three groups:

Teaching helpers (what a notebook teaches, or builds its experiments with)

- :mod:`course_utils.text` -- cleaning, Hanja to Hangul, tokenizers, vocabularies, token lists to Keras ids
- :mod:`course_utils.word2vec` -- Word2Vec training pairs, negative sampling, models, evaluation (notebook 02)
- :mod:`course_utils.reference` -- NumPy reference implementations of recurrent layers and of one attention step
- :mod:`course_utils.cells` -- custom recurrent cells usable inside ``keras.layers.RNN``
- :mod:`course_utils.training` -- epoch timing, best-weight callbacks, one results row per fit, masked average
- :mod:`course_utils.classify` -- text classifier, confident mistakes, macro-F1, calibration (notebook 06)
- :mod:`course_utils.timeseries` -- time-series windows, baselines and forecast result rows (notebook 07)
- :mod:`course_utils.charlm` -- character-level language models of Korean headlines (notebook 08)
- :mod:`course_utils.seq2seq` -- sequence-to-sequence translation with and without attention (notebook 09)
- :mod:`course_utils.stats` -- percentile bootstrap intervals of a statistic and of a paired difference

Notebook plumbing (setup cell, data, plots, exercises, results)

- :mod:`course_utils.config` -- run profiles (``COURSE_PROFILE``), seeds; re-exports the metric reporters
- :mod:`course_utils.metrics` -- writes and reads the metrics file that ``make bench`` collects
- :mod:`course_utils.tables` -- the results table: one row per model, sorted by a validation column, rounded
- :mod:`course_utils.env` -- environment report used by the first notebook
- :mod:`course_utils.plots` -- plots that render Korean text
- :mod:`course_utils.check` -- exercise self-checks (``check.exercise_XX_Y``)
- :mod:`course_utils.exercises` -- the exercise checkers, one module per notebook:
  ``nb00``, ``nb01``, ``nb02``, ``nb03``, ``nb04``, ``nb05``, ``nb06``, ``nb07``, ``nb08``, ``nb09``
- :mod:`course_utils.data` -- offline-first datasets: registry, mirror/cache/download, loaders
- :mod:`course_utils.data.store` -- where files come from: mirror, then cache, then a verified download
- :mod:`course_utils.data.loaders` -- loaders of the Korean datasets, translation pairs and ridership series
- :mod:`course_utils.data.imdb` -- IMDB reviews as Keras ``imdb.load_data`` arrays, built from the raw reviews
- :mod:`course_utils.data.manifest` -- per-file manifests (size, hash) of extracted archives
- :mod:`course_utils.data.nltk_data` -- NLTK resources from the mirror, the cache or ``nltk.download``
- :mod:`course_utils.data.sampling` -- deterministic subsets, and leak-free grouped splits (``split_frame``)
- :mod:`course_utils.data.__main__` -- command line ``python -m course_utils.data {list,fetch,mirror}``

Tooling (not imported by the notebooks; optional dependencies ``.[tooling]``)

- :mod:`course_utils.tooling` -- the subpackage; ``python -m course_utils.tooling.site|bench|student``
- :mod:`course_utils.tooling.runner` -- find and execute notebooks, measuring time, memory and metrics
- :mod:`course_utils.tooling.site` -- static HTML course site (``make course``)
- :mod:`course_utils.tooling.bench` -- per-notebook benchmark table (``make bench``)
- :mod:`course_utils.tooling.student` -- student edition without worked solutions (``make student``)

Importing the package is cheap: TensorFlow is imported only by the functions that need it.
"""

__version__ = "0.1.0"
