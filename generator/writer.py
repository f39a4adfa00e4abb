"""Write a finished site.

A first build (or one into a folder without a manifest) writes everything into a staging
folder and swaps it in with one rename. A later build compares each file with the
manifest of the previous one and replaces only what changed, each file by an atomic
rename; files that are gone are removed. Either way nothing is written until every page
has rendered, so a failed build leaves the previous site as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

MARKER = ".disclose-build"
MARKER_TEXT = b"This folder is written by `disclose build`; the lines below list its files.\n"


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


def _digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _manifest_bytes(manifest: dict[str, str]) -> bytes:
    lines = "".join(f"{digest} {path}\n" for path, digest in sorted(manifest.items()))
    return MARKER_TEXT + lines.encode("utf-8")


def read_manifest(output_dir: Path) -> dict[str, str] | None:
    marker = Path(output_dir) / MARKER
    if not marker.is_file():
        return None
    lines = marker.read_text(encoding="utf-8").splitlines()[1:]
    manifest = {}
    for line in lines:
        digest, _, path = line.partition(" ")
        if len(digest) != 40 or not path:
            return None
        manifest[path] = digest
    return manifest


def write_site(output_dir: Path, files: dict[str, bytes], assets: dict[str, bytes], memo: dict | None = None) -> int:
    """Write pages and assets (paths relative to the output folder); returns how many were written.

    `memo` (the dev server's) remembers each file's bytes and digest, so that a page reused
    from the last build (the very same bytes object) is not hashed again."""
    output_dir = Path(output_dir).resolve()
    everything = {**assets, **files}
    manifest = {}
    for path, data in everything.items():
        known = memo.get(path) if memo is not None else None
        manifest[path] = known[1] if known is not None and known[0] is data else _digest(data)
    if memo is not None:
        memo.clear()
        memo.update((path, (data, manifest[path])) for path, data in everything.items())
    previous = read_manifest(output_dir) if output_dir.is_dir() else None
    if previous is None:
        _write_fresh(output_dir, everything, manifest)
        return len(everything)
    return _write_changes(output_dir, everything, manifest, previous)


def _write_fresh(output_dir: Path, everything: dict[str, bytes], manifest: dict[str, str]) -> None:
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.new-", dir=output_dir.parent))
    try:
        for relative, data in sorted(everything.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (staging / MARKER).write_bytes(_manifest_bytes(manifest))
        _swap(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _replace_file(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def _write_changes(output_dir: Path, everything: dict[str, bytes], manifest: dict[str, str], previous: dict[str, str]) -> int:
    # The manifest is trusted: the output folder belongs to the tool (a file deleted by hand
    # comes back on the next clean build, `disclose build` into an empty folder).
    changed = [path for path, digest in manifest.items() if previous.get(path) != digest]
    for path in sorted(changed):
        _replace_file(output_dir / path, everything[path])
    for path in sorted(set(previous) - set(manifest)):
        target = output_dir / path
        if target.is_file():
            target.unlink()
        _remove_empty_parents(target.parent, output_dir)
    if changed or set(previous) != set(manifest):
        _replace_file(output_dir / MARKER, _manifest_bytes(manifest))
    return len(changed)


def _remove_empty_parents(folder: Path, output_dir: Path) -> None:
    while folder != output_dir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


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
