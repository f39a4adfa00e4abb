"""Workbooks kept between command-line builds, by what they hold.

A portal has a workbook per table and per project, as many as it has pages. A workbook is
a function of its table (everything it shows is in the table's JSON) and of the code that
lays it out, so it is kept in .disclose-cache/workbooks/ under the digest of both, and a
rebuild after an edit makes only the workbooks of the tables that changed. Entries a build did not use are
removed after it, so the cache holds one site's workbooks.

Forked workers read and add entries concurrently: each is written to a temporary name and
renamed into place, so a reader sees a whole file or none.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

_LAYOUT = None  # digest of the code that makes a workbook, worked out once per process


def _layout() -> str:
    global _LAYOUT
    if _LAYOUT is None:
        here = Path(__file__).parent
        digest = hashlib.sha1()
        for name in ("xlsx.py", "zipfiles.py", "downloads.py", "datatables.py"):
            digest.update((here / name).read_bytes())
        _LAYOUT = digest.hexdigest()
    return _LAYOUT


class WorkbookCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        # Every entry this build uses gets this very time stamp; prune() removes the others.
        self.stamp = time.time_ns()

    def get(self, table_json: bytes, make) -> bytes:
        key = hashlib.sha1(_layout().encode() + table_json).hexdigest()
        path = self.folder / key[:2] / f"{key}.xlsx"
        try:
            data = path.read_bytes()
            os.utime(path, ns=(self.stamp, self.stamp))  # used by this build: kept by prune()
            return data
        except FileNotFoundError:
            pass
        data = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{key}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.utime(temporary, ns=(self.stamp, self.stamp))
        os.replace(temporary, path)
        return data

    def prune(self) -> int:
        """Remove the entries this build did not use; how many."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        for sub in os.scandir(self.folder):
            if not sub.is_dir():
                continue
            for entry in os.scandir(sub.path):
                if entry.stat().st_mtime_ns != self.stamp:
                    os.unlink(entry.path)
                    removed += 1
        return removed
