"""NLTK resources from the mirror, the cache, or ``nltk.download`` -- with a clear offline error."""

from __future__ import annotations

import os
from pathlib import Path

from course_utils.data import store

NLTK_RESOURCES: dict[str, str] = {
    "punkt_tab": "tokenizers/punkt_tab/english/",
    "stopwords": "corpora/stopwords/english",
}
"""The NLTK resources the course uses, and the path ``nltk.data.find`` looks up for each."""


def _search_paths() -> list[Path]:
    paths = []
    mirror = store.mirror_dir()
    if mirror is not None:
        paths.append(mirror / "nltk_data")
    paths.append(store.cache_dir() / "nltk_data")
    return paths


def ensure_nltk(*resources: str) -> list[str]:
    """Make NLTK resources available (default: all of :data:`NLTK_RESOURCES`).

    Looks in ``NLTK_DATA`` and NLTK's usual places, then the mirror's ``nltk_data/``, then the
    cache, and only then calls ``nltk.download`` into the cache. Returns the resource names.
    Raises :class:`~course_utils.data.store.DatasetUnavailableError` with instructions if a
    resource can be found nowhere.
    """
    import nltk

    names = list(resources or NLTK_RESOURCES)
    for extra in _search_paths():
        if extra.is_dir() and str(extra) not in nltk.data.path:
            nltk.data.path.append(str(extra))
    for name in names:
        lookup = NLTK_RESOURCES.get(name, name)
        try:
            nltk.data.find(lookup)
            continue
        except LookupError:
            pass
        target = store.ensure_cache_dir() / "nltk_data"
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise store.cache_error(target, exc) from None
        if str(target) not in nltk.data.path:
            nltk.data.path.append(str(target))
        ok = nltk.download(name, download_dir=str(target), quiet=True, raise_on_error=False)
        try:
            nltk.data.find(lookup)
        except LookupError:
            raise store.DatasetUnavailableError(
                f"NLTK 자료 '{name}'을(를) 찾지 못했고 내려받지도 못했습니다 (nltk.download 결과: {ok}).\n"
                f"  해결 방법 중 하나를 고르세요.\n"
                f"   1) 인터넷이 되는 곳에서: python -c \"import nltk; nltk.download('{name}')\"\n"
                f"   2) 미러의 nltk_data 폴더를 환경 변수 NLTK_DATA 또는 {store.MIRROR_ENV}로 지정하세요 "
                f"(예: NLTK_DATA=shared/datasets/nltk_data).\n"
                f"   3) 자료 폴더를 {target} 아래 '{lookup}' 위치에 두세요.\n"
                f"  지금 찾아본 곳: {os.pathsep.join(nltk.data.path)}"
            ) from None
    return names


def resource_path(name: str) -> Path:
    """The file or folder that ``nltk.data.find`` returns for ``name``, for copying."""
    import nltk

    ensure_nltk(name)
    return Path(str(nltk.data.find(NLTK_RESOURCES.get(name, name))))
