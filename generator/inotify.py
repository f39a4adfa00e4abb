"""Linux inotify through ctypes: tell the dev server the moment a watched file changes,
instead of walking every file a few times a second. Elsewhere the caller polls."""

from __future__ import annotations

import ctypes
import os
import struct
from pathlib import Path

_MASK = (
    0x00000002  # IN_MODIFY
    | 0x00000008  # IN_CLOSE_WRITE
    | 0x00000040  # IN_MOVED_FROM
    | 0x00000080  # IN_MOVED_TO
    | 0x00000100  # IN_CREATE
    | 0x00000200  # IN_DELETE
    | 0x00000400  # IN_DELETE_SELF
    | 0x00000800  # IN_MOVE_SELF
)
_IN_ISDIR = 0x40000000
_IN_Q_OVERFLOW = 0x00004000
_EVENT = struct.Struct("iIII")


class Inotify:
    """Watches folders (recursively, following new ones) and files; `drain()` says which
    paths changed since the last call."""

    def __init__(self, paths: list[Path]):
        self._libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self._watched: dict[str, int] = {}  # path → watch descriptor
        self._paths: dict[int, str] = {}  # watch descriptor → path
        for path in paths:
            self._add_tree(Path(path))

    def _add(self, path: str) -> None:
        if path in self._watched:
            return
        descriptor = self._libc.inotify_add_watch(self.fd, os.fsencode(path), _MASK)
        if descriptor < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch failed for {path}")
        self._watched[path] = descriptor
        self._paths[descriptor] = path

    def _add_tree(self, path: Path) -> None:
        if path.is_dir():
            self._add(str(path))
            for folder, subfolders, _ in os.walk(path):
                for name in subfolders:
                    self._add(os.path.join(folder, name))
        elif path.exists():
            self._add(str(path))

    def drain(self) -> set[str] | None:
        """Read every pending event: the paths that changed (empty when none), or None when
        only a full look can tell (the kernel's queue overflowed, or a folder came or went,
        which may bring or take many files at once). New folders get watched too."""
        changed: set[str] | None = set()
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return changed
            offset = 0
            while offset < len(data):
                descriptor, mask, _, length = _EVENT.unpack_from(data, offset)
                name = data[offset + _EVENT.size:offset + _EVENT.size + length].rstrip(b"\0")
                offset += _EVENT.size + length
                if mask & (_IN_ISDIR | _IN_Q_OVERFLOW):
                    changed = None
                    if mask & _IN_ISDIR:
                        for watched in list(self._watched):
                            self._add_tree(Path(watched))
                elif changed is not None:
                    folder = self._paths.get(descriptor)
                    if folder is None:
                        changed = None
                    else:
                        changed.add(os.path.join(folder, os.fsdecode(name)) if name else folder)

    def close(self) -> None:
        os.close(self.fd)
