"""Offline-first datasets of the course: registry, mirror/cache/download, loaders.

Quick start::

    from course_utils import data
    (x_train, y_train), (x_test, y_test) = data.load_imdb(num_words=10_000)
    ynat = data.load_ynat(topics=["정치", "경제", "스포츠"])

Where files come from (first match wins): the mirror named by ``COURSE_DATA_MIRROR``, the
cache ``COURSE_DATA_HOME``, then a hash-verified download. ``python -m course_utils.data``
prefetches everything before class and can write a mirror folder for a USB stick.
"""

from course_utils.data.imdb import decode_review, imdb_index_to_word, imdb_word_index, load_imdb, load_imdb_texts
from course_utils.data.loaders import (
    YNAT_TOPICS,
    YnatData,
    load_kor_eng,
    load_nsmc_test,
    load_ridership,
    load_ynat,
)
from course_utils.data.nltk_data import NLTK_RESOURCES, ensure_nltk
from course_utils.data.sampling import Split, connected_groups, sample_frame, split_frame
from course_utils.data.store import (
    CacheError,
    DataError,
    DataIntegrityError,
    Dataset,
    DatasetUnavailableError,
    DataWarning,
    UnsafeArchiveError,
    cache_dir,
    get_dataset,
    locate,
    mirror_dir,
    registry,
    status,
)

__all__ = [
    "NLTK_RESOURCES", "YNAT_TOPICS", "CacheError", "DataError", "DataWarning", "DataIntegrityError", "Dataset",
    "DatasetUnavailableError", "UnsafeArchiveError", "YnatData", "cache_dir", "decode_review", "ensure_nltk",
    "get_dataset", "imdb_index_to_word", "imdb_word_index", "load_imdb", "load_imdb_texts", "load_kor_eng",
    "load_nsmc_test", "load_ridership", "load_ynat", "locate", "mirror_dir", "registry",
    "sample_frame", "split_frame", "Split", "connected_groups", "status",
]
