"""Read every source file of a project into memory, before anything is written."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.links import resolves_inside, walk_files

SITE_FILE = "site.yaml"
CONTENT_DIR = "content"


@dataclass(frozen=True, slots=True)
class Undecodable:
    """Where a file stops being UTF-8: the first bad byte, and whether the whole file reads
    as GB18030 (a GBK file saved by a Chinese Windows editor)."""

    line: int
    column: int
    byte: int
    gb18030: bool


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # relative to the project root, forward slashes
    text: str | None  # None when the file is not valid UTF-8
    undecodable: Undecodable | None = None

    def text_or_why(self) -> str | Undecodable | None:
        """The text, or where it stops being UTF-8 (for the reader to report)."""
        return self.text if self.text is not None else self.undecodable


@dataclass(frozen=True, slots=True)
class Sources:
    root: Path
    site: SourceFile | None
    content: tuple[SourceFile, ...]  # every file under content/, sorted by path


def _read(root: Path, path: Path) -> SourceFile:
    return source_file(root, str(path), path.read_bytes())


def source_file(root: Path, path: str, data: bytes) -> SourceFile:
    """A file whose bytes were read already."""
    relative = shown_path(Path(root), Path(path))
    try:
        return SourceFile(relative, data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return SourceFile(relative, None, _undecodable(data, exc.start))


def _undecodable(data: bytes, start: int) -> Undecodable:
    line_start = data.rfind(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode("utf-8-sig", errors="replace")) + 1
    try:
        data.decode("gb18030")
        gb18030 = True
    except UnicodeDecodeError:
        gb18030 = False
    return Undecodable(data.count(b"\n", 0, start) + 1, column, data[start], gb18030)


def shown_path(root: Path, path: Path) -> str:
    """How a file is named in diagnostics: relative to the project, forward slashes; a file
    outside it (a --config file elsewhere) by its absolute path."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def site_file_path(root: Path, config: Path | None = None) -> Path:
    """The settings file: --config when given (relative to the current folder), else
    site.yaml in the project folder."""
    return Path(config).resolve() if config is not None else Path(root) / SITE_FILE


class SourceCache:
    """What the dev server keeps between builds: each file's text with the size and time it
    was read at, and the sorted list of content files. `changed`, when the watcher knows
    it, names the only paths that may differ since the last build (None: look at all)."""

    def __init__(self):
        self.files: dict[str, tuple[tuple[int, int], SourceFile]] = {}
        self.listing: list[tuple[str, os.stat_result]] | None = None
        self.content: tuple[SourceFile, ...] | None = None  # as the last build read it, in listing order
        self.positions: dict[str, int] | None = None  # path → index in listing
        self.changed: set[str] | None = None


def _read_known(root: Path, path, known: SourceCache | None, stat=None) -> SourceFile:
    """The file's text; with `known`, an unchanged file is not read again."""
    if known is None:
        return _read(root, Path(path))
    stat = stat or os.stat(path)
    signature = (stat.st_mtime_ns, stat.st_size)
    previous = known.files.get(path)
    if previous is not None and previous[0] == signature:
        return previous[1]
    source = _read(root, Path(path))
    known.files[path] = (signature, source)
    return source


def read_sources(root: Path, known: SourceCache | None = None, config: Path | None = None) -> Sources:
    root = Path(root)
    site_path = site_file_path(root, config)
    explicit = config is not None  # --config names its file; site.yaml must not lead out of the project
    site = _read_known(root, str(site_path), known) if site_path.is_file() and (explicit or readable(root, site_path)) else None
    if known is None:
        return Sources(root, site, tuple(_read_known(root, path, None, stat) for path, stat in _content_files(root / CONTENT_DIR)))
    before = known.listing
    listing = known.listing = _updated_listing(root / CONTENT_DIR, known)
    content: list[SourceFile] | None = None
    if known.content is not None and before is not None and len(before) == len(listing) and known.changed is not None:
        # The same files as last time (only edits): read again just the ones the watcher named.
        fresh = list(known.content)
        for index, (path, stat) in enumerate(listing):
            if path != before[index][0]:
                break  # files came or went: read them all
            if stat is not before[index][1]:
                fresh[index] = _read_known(root, path, known, stat)
        else:
            content = fresh
    if content is None:
        content = [_read_known(root, path, known, stat) for path, stat in listing]
    known.content = tuple(content)
    return Sources(root, site, known.content)


def _updated_listing(folder: Path, known: SourceCache) -> list:
    """The content files, looking again only at the paths the watcher named (the stat of
    every other file is the very object of the last listing)."""
    if known.listing is None or known.changed is None:
        known.positions = None
        return _content_files(folder)
    if known.positions is None:
        known.positions = {path: index for index, (path, _) in enumerate(known.listing)}
    prefix = str(folder) + os.sep
    listing = list(known.listing)
    for path in known.changed:
        if not _listed(path, prefix):
            continue
        if not resolves_inside(folder.parent, path):
            if path in known.positions:
                return _relisted(folder, known)  # now a link out of the project: no longer read
            continue
        try:
            stat = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            if path in known.positions:
                return _relisted(folder, known)  # a file went
            continue
        if not os.path.isfile(path):
            known.positions = None
            return _content_files(folder)  # a folder or something unexpected: look at everything
        index = known.positions.get(path)
        if index is None:
            return _relisted(folder, known)  # a file came
        listing[index] = (path, stat)
    return listing


def _listed(path: str, prefix: str) -> bool:
    """Whether a path may be in the listing: under content/, no hidden file or folder on
    the way (as _content_files walks it)."""
    return path.startswith(prefix) and not any(part.startswith(".") for part in path[len(prefix):].split(os.sep))


def _relisted(folder: Path, known: SourceCache) -> list:
    """The last listing with the named paths looked at again, sorted anew."""
    known.positions = None
    listing = dict(known.listing or ())
    for path in known.changed or ():
        try:
            listing[path] = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            listing.pop(path, None)
    prefix = str(folder) + os.sep
    kept = [(path, stat) for path, stat in listing.items()
            if _listed(path, prefix) and os.path.isfile(path) and resolves_inside(folder.parent, path)]
    return sorted(kept, key=lambda item: item[0].split(os.sep))


def readable(root: Path, path: Path) -> bool:
    """A file that may be read: no link out of the project."""
    return path.is_file() and (not path.is_symlink() or resolves_inside(root, str(path)))


def content_listing(root: Path) -> list:
    """(absolute path, stat) of every content file, in the order every later step relies on."""
    return _content_files(Path(root) / CONTENT_DIR)


def read_file(root: Path, path: str) -> SourceFile:
    return _read(Path(root), Path(path))


def _content_files(folder: Path) -> list:
    """(path, stat) of every file under content/, hidden files and folders left out, sorted
    by path as text (the order every later step relies on). A link is followed only where
    it stays inside the project (links.py reports the others)."""
    found = [(entry.path, entry) for entry in walk_files(folder.parent, folder)]
    return [(path, entry.stat()) for path, entry in sorted(found, key=lambda item: item[0].split(os.sep))]
