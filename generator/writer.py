"""Write a finished site.

A first build (or one into a folder without a manifest) writes everything into a staging
folder and swaps it in with one rename. A later build compares each file with the
manifest of the previous one and replaces only what changed, each file by an atomic
rename; files that are gone are removed. Either way the output is not touched until every
page has rendered, so a failed build leaves the previous site as it was. Files are staged
as they are made (by the render workers themselves), so no process holds the whole site."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

MARKER = ".disclose-build"
# Text files get precompressed copies beside them (name.gz, and name.br when the brotli
# library is installed), for static servers that send those (nginx gzip_static/brotli_static).
COMPRESSED_SUFFIXES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")
GZIP_LEVEL = 6
BROTLI_QUALITY = 5  # 11 is ~100 times slower for a few per cent

try:
    import brotli as _brotli
except ImportError:  # pragma: no cover - brotli is a dependency; a copy without it still works
    _brotli = None


def compressed_copies(path: str, data: bytes) -> list[tuple[str, bytes]]:
    """The precompressed copies of a file: (path, bytes), none for a file that is not text."""
    if not path.endswith(COMPRESSED_SUFFIXES):
        return []
    copies = [(path + ".gz", gzip.compress(data, GZIP_LEVEL, mtime=0))]  # mtime 0: same bytes every build
    if _brotli is not None:
        copies.append((path + ".br", _brotli.compress(data, quality=BROTLI_QUALITY)))
    return copies


def _siblings(path: str) -> tuple[str, ...]:
    return (path + ".gz", path + ".br") if path.endswith(COMPRESSED_SUFFIXES) else ()
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


class WriteMemo:
    """What the dev server's writer keeps between builds into its own folder."""

    def __init__(self):
        self.files: dict[str, tuple[bytes, str]] = {}  # path → (the bytes written, their digest)
        self.manifest: dict[str, str] | None = None
        self.output_dir: Path | None = None
        self.order: list[str] = []  # the manifest's paths, sorted
        self.lines: list[bytes] = []  # their lines, in that order
        self.position: dict[str, int] = {}  # path → index in order


class OutputWriter:
    """Takes the finished files one by one (from this process or from forked render
    workers) into a staging folder beside the output, and puts them in place at commit().

    A file is staged in put(), which may run in a worker and returns a small receipt; the
    parent process records the receipt. Into a folder without a manifest everything is
    staged and the staging folder replaces the output with one rename. Otherwise only the
    files whose digest differs from the manifest are staged, and commit() moves each into
    place by an atomic rename and removes the files that are gone. Until commit() the
    output is untouched; abort() leaves it so.

    `memo` (the dev server's) remembers each file's bytes and digest, so that a page reused
    from the last build (the very same bytes object) is not hashed again, and the manifest,
    so that it is not read again from the folder only this process writes.
    """

    def __init__(self, output_dir: Path, memo: "WriteMemo | None" = None, compress: bool = True):
        self.output_dir = Path(output_dir).resolve()
        self.compress = compress
        if memo is not None and memo.manifest is not None and memo.output_dir == self.output_dir:
            self.previous = memo.manifest
        else:
            self.previous = read_manifest(self.output_dir) if self.output_dir.is_dir() else None
        self.output_dir.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}.new-", dir=self.output_dir.parent))
        self.memo = memo
        self.fresh_memo: dict = {}
        self.manifest: dict[str, str] = {}
        self.changed: list[str] = []
        self._made: set[str] = set()

    def put(self, path: str, data: bytes) -> tuple[str, bool]:
        """Stage one file if it changed; (digest, staged)."""
        known = self.memo.files.get(path) if self.memo is not None else None
        if known is not None and known[0] is data:
            digest = known[1]
            self.fresh_memo[path] = known
        else:
            digest = _digest(data)
            if self.memo is not None:
                self.fresh_memo[path] = (data, digest)
        if self.previous is not None and self.previous.get(path) == digest:
            return digest, False
        folder, _, _ = path.rpartition("/")
        if folder not in self._made:
            os.makedirs(self.staging / folder, exist_ok=True)
            self._made.add(folder)
        with open(self.staging / path, "wb") as handle:
            handle.write(data)
        if self.compress:
            for copy, packed in compressed_copies(path, data):
                with open(self.staging / copy, "wb") as handle:
                    handle.write(packed)
        return digest, True

    def record(self, path: str, receipt: tuple[str, bool]) -> None:
        digest, staged = receipt
        self.manifest[path] = digest
        if staged:
            self.changed.append(path)

    def add(self, path: str, data: bytes) -> None:
        self.record(path, self.put(path, data))

    def keep_all(self, items) -> list[tuple[str, bytes]]:
        """Record the files the last build of this process wrote with these very bytes,
        without hashing or staging them; returns the (path, bytes) it could not vouch for,
        for the caller to add."""
        items = list(items)
        if self.memo is None or self.previous is not self.memo.manifest:
            return items
        # The memo's files are those of the manifest it was committed with: the same bytes
        # object is the same digest, in the manifest and on disk.
        files, fresh, manifest = self.memo.files, self.fresh_memo, self.manifest
        missed = []
        for path, data in items:
            known = files.get(path)
            if known is not None and known[0] is data:
                fresh[path] = known
                manifest[path] = known[1]
            else:
                missed.append((path, data))
        return missed

    def commit(self) -> int:
        """Put the staged files in place; how many were written."""
        try:
            if self.previous is None:
                (self.staging / MARKER).write_bytes(_manifest_bytes(self.manifest))
                _swap(self.staging, self.output_dir)
            else:
                self._move_changes()
                shutil.rmtree(self.staging, ignore_errors=True)
        except BaseException:
            self.abort()
            raise
        if self.memo is not None:
            self.memo.files = self.fresh_memo
            self.memo.manifest, self.memo.output_dir = self.manifest, self.output_dir
        return len(self.changed)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _move_changes(self) -> None:
        # The manifest is trusted: the output folder belongs to the tool (a file deleted by
        # hand comes back on the next clean build, `disclose build` into an empty folder).
        output_dir, previous = self.output_dir, self.previous
        for path in sorted(self.changed):
            target = output_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / path, target)
            for copy in _siblings(path):  # a copy goes with its file, or an old one goes
                if (self.staging / copy).is_file():
                    os.replace(self.staging / copy, output_dir / copy)
                elif (output_dir / copy).is_file():
                    (output_dir / copy).unlink()
        gone = previous.keys() - self.manifest.keys()
        for path in sorted(gone):
            target = output_dir / path
            for name in (path, *_siblings(path)):
                if (output_dir / name).is_file():
                    (output_dir / name).unlink()
            _remove_empty_parents(target.parent, output_dir)
        if self.changed or gone:
            _replace_file(output_dir / MARKER, self._manifest_bytes())

    def _manifest_bytes(self) -> bytes:
        """The manifest; the dev server's writer keeps the last build's lines in order and
        replaces the lines of the files that changed."""
        memo = self.memo
        if memo is None:
            return _manifest_bytes(self.manifest)
        if self.previous is not memo.manifest or self.manifest.keys() != self.previous.keys() or not memo.lines:
            memo.order = sorted(self.manifest)
            memo.lines = [f"{self.manifest[path]} {path}\n".encode("utf-8") for path in memo.order]
            memo.position = {path: index for index, path in enumerate(memo.order)}
        else:
            for path in self.changed:
                memo.lines[memo.position[path]] = f"{self.manifest[path]} {path}\n".encode("utf-8")
        return MARKER_TEXT + b"".join(memo.lines)


def _replace_file(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


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
