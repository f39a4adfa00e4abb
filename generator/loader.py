"""Read every source file of a project into memory, before anything is written."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SITE_FILE = "site.yaml"
CONTENT_DIR = "content"


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the project root, forward slashes
    text: str | None  # None when the file is not valid UTF-8


@dataclass(frozen=True)
class Sources:
    root: Path
    site: SourceFile | None
    content: tuple[SourceFile, ...]  # every file under content/, sorted by path


def _read(root: Path, path: Path) -> SourceFile:
    relative = path.relative_to(root).as_posix()
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    return SourceFile(relative, text)


def _read_known(root: Path, path, known: dict | None, stat=None) -> SourceFile:
    """The file's text; with `known` (the dev server's), an unchanged file is not read again."""
    if known is None:
        return _read(root, Path(path))
    stat = stat or os.stat(path)
    signature = (stat.st_mtime_ns, stat.st_size)
    previous = known.get(path)
    if previous is not None and previous[0] == signature:
        return previous[1]
    source = _read(root, Path(path))
    known[path] = (signature, source)
    return source


def read_sources(root: Path, known: dict | None = None) -> Sources:
    root = Path(root)
    site_path = root / SITE_FILE
    site = _read_known(root, site_path, known) if site_path.is_file() else None
    files = [_read_known(root, path, known, stat) for path, stat in _content_files(root / CONTENT_DIR)]
    return Sources(root, site, tuple(files))


def _content_files(folder: Path) -> list:
    """(path, stat) of every file under content/, hidden files and folders left out, sorted
    by path as text (the order every later step relies on)."""
    found = []
    pending = [str(folder)]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=True):
                pending.append(entry.path)
            elif entry.is_file(follow_symlinks=True):
                found.append((entry.path, entry))
    return [(path, entry.stat()) for path, entry in sorted(found, key=lambda item: item[0].split(os.sep))]
