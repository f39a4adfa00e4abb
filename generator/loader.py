"""Read every source file of a project into memory, before anything is written."""

from __future__ import annotations

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


def _read_known(root: Path, path: Path, known: dict | None) -> SourceFile:
    """The file's text; with `known` (the dev server's), an unchanged file is not read again."""
    if known is None:
        return _read(root, path)
    stat = path.stat()
    signature = (stat.st_mtime_ns, stat.st_size)
    previous = known.get(path)
    if previous is not None and previous[0] == signature:
        return previous[1]
    source = _read(root, path)
    known[path] = (signature, source)
    return source


def read_sources(root: Path, known: dict | None = None) -> Sources:
    root = Path(root)
    site_path = root / SITE_FILE
    site = _read_known(root, site_path, known) if site_path.is_file() else None
    content_dir = root / CONTENT_DIR
    files = []
    if content_dir.is_dir():
        for path in sorted(content_dir.rglob("*")):
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts):
                files.append(_read_known(root, path, known))
    return Sources(root, site, tuple(files))
