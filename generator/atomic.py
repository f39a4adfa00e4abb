"""Files replaced whole: a reader sees the old bytes or the new ones, never half of them."""

from __future__ import annotations

import os
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` beside `path` under a temporary name of this process's own (workers may
    write the same path at once), then rename it over `path`; its folder made if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
