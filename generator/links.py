"""Symbolic links in a project: followed only where they stay inside it.

A link whose target resolves outside the project (or that cannot be resolved: a loop, a
dangling link) is never read, never published and never quoted; it is reported at the
link itself. Every folder a walk enters is entered once, by its real path, so a link back
up the tree cannot send a walk round in circles.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from generator.diagnostics import Diagnostic, Location, Severity
from generator.messages import message

INPUT_FOLDERS = ("content", "templates", "themes", "static")
INPUT_FILES = ("site.yaml",)


def resolves_inside(root: Path | str, path: str) -> bool:
    """Whether `path` (which may be or pass through a link) resolves to a place inside root."""
    try:
        real = os.path.realpath(path, strict=True)
    except (OSError, RuntimeError):
        return False
    root_real = os.path.realpath(root)
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def link_problem(root: Path | str, path: str) -> str | None:
    """None for a link that stays inside the project; else the message key saying why not."""
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as exc:
        return "link.loop" if exc.errno == errno.ELOOP else "link.dangling"
    except RuntimeError:
        return "link.loop"
    root_real = os.path.realpath(root)
    if real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep):
        return None
    return "link.outside"


def walk_files(root: Path, folder: Path, skip_hidden: bool = True) -> Iterator[os.DirEntry]:
    """Every file under `folder`, following links only where they stay inside `root`, each
    real folder entered once."""
    for entry in _walk(root, folder, skip_hidden):
        try:
            if entry.is_file():
                yield entry
        except OSError:
            continue


def hash_files(digest, base: Path, folder: Path) -> None:
    """Feed `digest` each file under `folder` (as walk_files finds them, bytecode caches
    aside): its path from `base` and its bytes, in path order. Times play no part, so every
    checkout of the same files gives the same digest."""
    found = sorted((Path(entry.path).relative_to(base).as_posix(), entry.path)
                   for entry in walk_files(base, folder, skip_hidden=False) if "__pycache__" not in entry.path)
    for name, path in found:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(Path(path).read_bytes()).digest())


def link_diagnostics(root: Path) -> list[Diagnostic]:
    """An error at every link under the project's inputs that leads outside it, loops or
    dangles (the walk does not follow those, so it finds each once)."""
    root = Path(root)
    found: list[Diagnostic] = []

    def refused(path: str, problem: str) -> None:
        found.append(_diagnostic(root, path, problem))

    for start in [root / name for name in INPUT_FOLDERS] + [root / name for name in INPUT_FILES]:
        problem = link_problem(root, str(start)) if start.is_symlink() else None
        if problem is not None:
            refused(str(start), problem)
        elif start.is_dir():
            for _ in _walk(root, start, False, refused):
                pass
    return found


def _walk(root: Path, folder: Path, skip_hidden: bool, refused=None) -> Iterator[os.DirEntry]:
    """Every entry under `folder` but the folders themselves, each real folder entered once;
    a link whose target is not inside `root` is handed to `refused` and not followed."""
    seen: set[tuple[int, int]] = set()  # (device, inode) of the folders entered: one stat, not a realpath's lstat per part
    pending = [str(folder)]
    while pending:
        current = pending.pop()
        try:
            info = os.stat(current)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if skip_hidden and entry.name.startswith("."):
                continue
            problem = link_problem(root, entry.path) if entry.is_symlink() else None
            if problem is not None:
                if refused is not None:
                    refused(entry.path, problem)
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                pending.append(entry.path)
            else:
                yield entry


def _diagnostic(root: Path, path: str, problem: str) -> Diagnostic:
    relative = Path(path).relative_to(root).as_posix()
    if problem == "link.outside":
        said = message("link.outside", path=relative)
    elif problem == "link.loop":
        said = message("link.loop", path=relative)
    else:
        said = message("link.dangling", path=relative)
    return Diagnostic(Location(relative), Severity.ERROR, said, problem)
