"""Command line: ``python -m course_utils.data {list,fetch,mirror}``.

- ``list`` -- every dataset, where it would come from now (mirror / cache / missing), license;
- ``fetch [--all | NAME ...]`` -- prefetch into the cache (run once before class);
- ``mirror DIR [NAME ...]`` -- write a mirror folder (to copy on a USB stick); point
  ``COURSE_DATA_MIRROR`` at it on the offline machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from course_utils.data import imdb, nltk_data, store

NLTK_NAME = "nltk"


def _names(requested: list[str], everything: bool) -> list[str]:
    known = [*store.registry(), NLTK_NAME]
    names = known if everything or not requested else requested
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"알 수 없는 데이터셋: {', '.join(unknown)} (가능: {', '.join(known)})")
    return names


def cmd_list() -> int:
    """Print each dataset's status and license."""
    print(f"미러({store.MIRROR_ENV}): {store.mirror_dir() or '설정되지 않음'}")
    print(f"캐시({store.HOME_ENV}): {store.cache_dir()}")
    for name, dataset in store.registry().items():
        print(f"  {name:<10} {store.status(name):<8} {dataset.title} — {dataset.license}")
    return 0


def _failure(name: str, exc: Exception) -> None:
    """Print one dataset's failure as a short Korean message (no traceback)."""
    if isinstance(exc, store.DataError):
        print(f"❌ {name}: {exc}", file=sys.stderr)
    else:  # an OSError while copying
        path = getattr(exc, "filename", None) or "?"
        print(f"❌ {name}: {path} 에 쓰지 못했습니다 ({type(exc).__name__}: {exc.strerror or exc}).\n"
              f"  해결: 쓸 수 있는 폴더를 지정하고 디스크 공간을 확인하세요.", file=sys.stderr)


def cmd_fetch(names: list[str]) -> int:
    """Locate (and download if needed) each dataset; return the number of failures."""
    failures = 0
    for name in names:
        try:
            where = nltk_data.ensure_nltk() if name == NLTK_NAME else store.locate(name)
            if name == "imdb":
                imdb.imdb_word_index()  # builds the encoded-array cache once, before class
            print(f"✅ {name}: {where}")
        except store.DataError as exc:
            failures += 1
            _failure(name, exc)
    return failures


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


def _mirror_target(directory: Path) -> Path | None:
    """The mirror folder, created if needed; None (after saying why) if it cannot be."""
    directory = directory.expanduser().resolve()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        print(f"❌ 미러 경로 {directory} (또는 그 상위 경로)가 폴더가 아니라 파일입니다.\n"
              f"  해결: 없는 폴더나 빈 폴더의 경로를 지정하세요 (예: /media/usb/datasets).", file=sys.stderr)
        return None
    except OSError as exc:
        print(f"❌ 미러 폴더 {directory} 를 만들지 못했습니다 ({type(exc).__name__}: {exc.strerror or exc}).\n"
              f"  해결: 쓸 수 있는 위치를 지정하세요.", file=sys.stderr)
        return None
    return directory


def cmd_mirror(directory: Path, names: list[str]) -> int:
    """Copy each dataset (fetching it first if needed) into a mirror-layout folder; return the failures."""
    target = _mirror_target(directory)
    if target is None:
        return 1
    failures = 0
    for name in names:
        try:
            if name == NLTK_NAME:
                for resource, lookup in nltk_data.NLTK_RESOURCES.items():
                    _copy(nltk_data.resource_path(resource), target / "nltk_data" / lookup.rstrip("/"))
            else:
                dataset = store.get_dataset(name)
                source = store.locate(name)
                relative = dataset.extract.dir if dataset.extract else dataset.path
                _copy(source, target / relative)
        except (store.DataError, OSError) as exc:
            failures += 1
            _failure(name, exc)
            continue
        print(f"✅ {name} → {target}")
    if failures < len(names):
        print(f"다른 컴퓨터에서: {store.MIRROR_ENV}={target} 로 지정하면 이 폴더를 먼저 찾습니다.")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.data", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="데이터셋 목록과 상태")
    fetch = sub.add_parser("fetch", help="캐시에 미리 내려받기")
    fetch.add_argument("names", nargs="*", help="데이터셋 이름 (없으면 전부)")
    fetch.add_argument("--all", action="store_true", help="모든 데이터셋")
    mirror = sub.add_parser("mirror", help="미러 폴더 만들기 (USB용)")
    mirror.add_argument("directory", type=Path)
    mirror.add_argument("names", nargs="*", help="데이터셋 이름 (없으면 전부)")
    args = parser.parse_args(argv)
    if args.command == "list":
        return cmd_list()
    if args.command == "fetch":
        return 1 if cmd_fetch(_names(args.names, args.all)) else 0
    return 1 if cmd_mirror(args.directory, _names(args.names, everything=False)) else 0


if __name__ == "__main__":
    sys.exit(main())
