"""Write a finished site: everything goes to a staging folder first, then replaces the
previous output in one rename, so a failed build never leaves a half-written site."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

MARKER = ".disclose-build"
MARKER_TEXT = b"This folder is written by `disclose build` and replaced whole on every build.\n"


class OutputError(Exception):
    pass


def check_output_dir(output_dir: Path, source_root: Path) -> None:
    """Refuse to replace a folder that holds the sources or that the tool did not write."""
    output_dir = output_dir.resolve()
    source_root = source_root.resolve()
    if output_dir == source_root or output_dir in source_root.parents:
        raise OutputError(f"output folder {output_dir} contains the project itself; choose another --output")
    for protected in ("content", "templates", "themes"):
        if output_dir == source_root / protected or (source_root / protected) in output_dir.parents:
            raise OutputError(f"output folder {output_dir} is inside the project's {protected}/ folder")
    if output_dir.exists():
        if not output_dir.is_dir():
            raise OutputError(f"output path {output_dir} exists and is not a folder")
        if any(output_dir.iterdir()) and not (output_dir / MARKER).is_file():
            raise OutputError(
                f"refusing to replace {output_dir}: it is not empty and was not written by disclose build"
            )


def write_site(output_dir: Path, files: dict[str, bytes], assets: dict[str, bytes]) -> None:
    """Write pages and assets (paths relative to the output folder), then swap in."""
    output_dir = Path(output_dir).resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.new-", dir=output_dir.parent))
    try:
        for relative, data in sorted({**assets, **files}.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (staging / MARKER).write_bytes(MARKER_TEXT)
        _swap(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, output_dir: Path) -> None:
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.old-", dir=output_dir.parent))
    retired.rmdir()
    os.rename(output_dir, retired)
    try:
        os.rename(staging, output_dir)
    except BaseException:
        os.rename(retired, output_dir)  # put the last good site back
        raise
    shutil.rmtree(retired, ignore_errors=True)


def read_assets(static_dirs: list[Path]) -> dict[str, bytes]:
    """Static files of the theme, then of the site (a site file overrides the theme's)."""
    assets: dict[str, bytes] = {}
    for static_dir in static_dirs:
        if static_dir.is_dir():
            for path in sorted(static_dir.rglob("*")):
                if path.is_file():
                    assets["assets/" + path.relative_to(static_dir).as_posix()] = path.read_bytes()
    return assets
