"""Write a finished site, trusting nothing in the output folder that cannot be verified.

The output's manifest (`.disclose-build`) lists every file the builder wrote, with its
digest and size; it is part of the output, so it is as deterministic as the pages. It
lives in a folder anyone can edit, so it is validated line by line (paths relative,
normalised, inside the output) and every file is verified against it before it is
reused: by the modification time and inode it had when written (kept beside the sources,
in a stat index, as git's index does), and by content where the stat cannot be trusted.

A command-line build is all or nothing: the new site is assembled in a staging folder
beside the output (new files written, unchanged ones hard-linked from the old output,
files the builder did not write carried over and reported), then staging and output
change places with one atomic exchange. A kill at any moment leaves exactly the old
site or exactly the new one, plus a leftover folder that the next build removes. Builds
into one output are serialised by a lock file beside it.

The dev server's writer (with a `WriteMemo`) owns a private temporary folder and
replaces changed files in place, which keeps an edit's rebuild fast.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import gzip
import hashlib
import itertools
import json
import os
import re
import shutil
import stat as stat_module
import struct
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from generator import urls
from generator.atomic import replace_file
from generator.messages import message

MARKER = ".disclose-build"
# The text files a browser loads to show the site (pages, assets, the search index, the
# sitemap and feed) get precompressed copies beside them (name.gz, and name.br when the
# brotli library is installed), for static servers that send those (nginx
# gzip_static/brotli_static). Open-data downloads get none: a download is fetched once, a
# server compresses it on the fly if it compresses at all, and their copies were more than
# a fifth of a large site's files. The copies are files of the site like any other: in the
# manifest, verified, linked.
COMPRESSED_SUFFIXES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")
GZIP_LEVEL = 6
BROTLI_QUALITY = 5  # 11 is ~100 times slower for a few per cent

try:
    import brotli as _brotli
except ImportError:  # pragma: no cover - brotli is a dependency; a copy without it still works
    _brotli = None


def compressed_copies(path: str, data: bytes) -> list[tuple[str, bytes]]:
    """The precompressed copies of a file: (path, bytes), none for a file that gets none."""
    if not precompressed(path):
        return []
    copies = [(path + ".gz", gzip.compress(data, GZIP_LEVEL, mtime=0))]  # mtime 0: same bytes every build
    if _brotli is not None:
        copies.append((path + ".br", _brotli.compress(data, quality=BROTLI_QUALITY)))
    return copies


def precompressed(path: str) -> bool:
    """Whether the file at this output path gets precompressed copies."""
    return path.endswith(COMPRESSED_SUFFIXES) and not urls.is_download(path)


def _siblings(path: str) -> tuple[str, ...]:
    if not precompressed(path):
        return ()
    return (path + ".gz", path + ".br") if _brotli is not None else (path + ".gz",)
MARKER_TEXT = b"This folder is written by `disclose build`; the lines below list its files.\n"
MARKER_TEXT_2 = b"This folder is written by `disclose build`; each line below: sha1 size path.\n"
STAGING_STAMP = ".disclose-staging"  # marks a folder of the builder's own (staging, retired) for removal
RACY_NS = 2_000_000_000  # a file written this close to its manifest is verified by content

# Relative, "/"-separated, no empty, "." or ".." part, no backslash, colon or control
# character: such a path is its own normal form.
_PART = r"(?!\.\.?(?:/|$))[^/\\:\x00-\x1f\x7f]+"
_PLAIN_PATH = f"{_PART}(?:/{_PART})*"
_VALID_PATH = re.compile(_PLAIN_PATH)


# A manifest line of the first format (digest path) and of the second (digest size path):
# matched alone (_LINE_*), or every line of a text in one sweep (_LINES_*).
_LINE_TEXT_1 = rf"([0-9a-f]{{40}}) ({_PLAIN_PATH})"
_LINE_TEXT_2 = rf"([0-9a-f]{{40}}) ([0-9]{{1,20}}) ({_PLAIN_PATH})"
_LINE_1, _LINE_2 = re.compile(_LINE_TEXT_1), re.compile(_LINE_TEXT_2)
_LINES_1, _LINES_2 = (re.compile(f"^{text}$", re.MULTILINE) for text in (_LINE_TEXT_1, _LINE_TEXT_2))


class OutputError(Exception):
    pass


class Entry(NamedTuple):
    """A file the builder wrote: its digest and size. (A tuple: a manifest holds one per
    file of the site, made anew at every build, and a frozen dataclass is slower to make.)"""

    digest: str
    size: int = -1  # -1: a manifest of the first format, which kept no size


Manifest = dict[str, Entry]

# What the writer remembers of a verified file: (inode, size, modification time in ns). A
# tuple, not the os.stat_result: a large site's output has 140,000 files, and a stat_result
# with its twenty fields is four times the size.
Stamp = tuple[int, int, int]


def _stamp(info: os.stat_result) -> Stamp:
    return info.st_ino, info.st_size, info.st_mtime_ns


_INT64 = (-2**63, 2**63 - 1)
_UINT64 = 2**64 - 1  # a file ID of Windows' ReFS can be 128 bits


@dataclass(frozen=True)
class StatIndex:
    """What the output's files looked like when the builder wrote them: each file's
    modification time and inode, in the order of the manifest's lines (its paths sorted),
    for the manifest whose digest it names; kept beside the sources, never published.

    Two arrays of numbers, not a table by path: at 140,000 files a dict of paths took
    60 MiB and a quarter of a second to load, which every build after an edit paid."""

    marker: str
    written_ns: int
    mtimes: array  # signed 64-bit ("q"), nanoseconds
    inodes: array  # unsigned 64-bit ("Q")

    MAGIC = b"disclose stat index 2\n"

    @classmethod
    def load(cls, path: Path | None) -> StatIndex | None:
        """The index kept at `path`; None when there is none or it is not one this builder
        wrote on a machine of this byte order."""
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        head = len(cls.MAGIC) + 40 + 1 + 8 + 8
        if len(data) < head or not data.startswith(cls.MAGIC + sys.byteorder[0].encode("ascii")):
            return None
        marker = data[len(cls.MAGIC) + 1:len(cls.MAGIC) + 41]
        written_ns, count = struct.unpack_from("=qQ", data, head - 16)
        if len(data) != head + 16 * count or re.fullmatch(rb"[0-9a-f]{40}", marker) is None:
            return None
        mtimes, inodes = array("q"), array("Q")
        mtimes.frombytes(data[head:head + 8 * count])
        inodes.frombytes(data[head + 8 * count:])
        return cls(marker.decode("ascii"), written_ns, mtimes, inodes)

    def save(self, path: Path) -> None:
        head = self.MAGIC + sys.byteorder[0].encode("ascii") + self.marker.encode("ascii")
        head += struct.pack("=qQ", self.written_ns, len(self.mtimes))
        replace_file(path, head + self.mtimes.tobytes() + self.inodes.tobytes())


# --- where the output may be -------------------------------------------------------------


def check_output_dir(output_dir: Path, source_root: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse an output that holds the sources, lies inside an input folder, is a link, or
    was not written by the builder."""
    if Path(output_dir).is_symlink():
        raise OutputError(message("output.symlink", path=output_dir))
    output_dir = Path(output_dir).resolve()
    source_root = source_root.resolve()
    if output_dir == source_root or output_dir in source_root.parents:
        raise OutputError(message("output.contains-project", path=output_dir))
    protected = [source_root / name for name in ("content", "templates", "themes", "static")]
    protected += [Path(p).resolve() for p in inputs]
    for folder in protected:
        if output_dir == folder or folder in output_dir.parents:
            raise OutputError(message("output.inside-input", path=output_dir, folder=folder))
    if output_dir.exists():
        if not output_dir.is_dir():
            raise OutputError(message("output.not-folder", path=output_dir))
        if any(output_dir.iterdir()) and not (output_dir / MARKER).is_file():
            raise OutputError(message("output.foreign-folder", path=output_dir))


# --- the manifest ------------------------------------------------------------------------


def output_key(output_dir: Path) -> str:
    """A short name for an output folder, for the records kept about it beside the sources."""
    return hashlib.sha1(str(Path(output_dir).resolve()).encode("utf-8")).hexdigest()[:16]


def valid_output_path(path: str) -> bool:
    """A path the builder could have written: relative, normalised, no hidden trick."""
    return _VALID_PATH.fullmatch(path) is not None


def read_manifest(output_dir: Path) -> Manifest | None:
    """The manifest of the output, validated; None when the folder has none.
    Raises OutputError naming the first line that is not one the builder writes."""
    marker = Path(output_dir) / MARKER
    if marker.is_symlink() or (marker.exists() and not marker.is_file()):
        raise OutputError(message("manifest.unreadable", path=marker, reason="not a regular file"))
    if not marker.is_file():
        return None
    try:
        data = marker.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(message("manifest.unreadable", path=marker, reason=exc)) from exc
    return parse_manifest(text, str(marker))


def parse_manifest(text: str, where: str) -> Manifest:
    lines = text.split("\n")
    header = lines[0].encode("utf-8") + b"\n"
    if header not in (MARKER_TEXT, MARKER_TEXT_2):
        raise OutputError(message("manifest.bad-line", path=where, line=1, text=lines[0][:80]))
    with_stat = header == MARKER_TEXT_2
    if lines[-1] == "":
        manifest = _valid_lines(text[len(lines[0]) + 1:], with_stat)
        if len(manifest) == len(lines) - 2:  # else a bad line or a path listed twice, named below
            return manifest
    manifest = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line and number == len(lines):
            break  # the final newline
        entry_path = _parse_line(line, with_stat)
        if entry_path is None or entry_path[1] in manifest:
            raise OutputError(message("manifest.bad-line", path=where, line=number, text=line[:120]))
        manifest[entry_path[1]] = entry_path[0]
    return manifest


def _valid_lines(body: str, with_stat: bool) -> Manifest:
    """The manifest of the lines after the header, in one sweep of the whole text. A line
    that is not valid is not found (no line's match can reach into another: a path has no
    control character), so the caller compares the count with the lines'."""
    if with_stat:
        return {path: Entry(digest, int(size)) for digest, size, path in _LINES_2.findall(body)}
    return {path: Entry(digest) for digest, path in _LINES_1.findall(body)}


def _parse_line(line: str, with_stat: bool) -> tuple[Entry, str] | None:
    found = (_LINE_2 if with_stat else _LINE_1).fullmatch(line)  # the path validated with the rest
    if found is None:
        return None
    if not with_stat:
        return Entry(found.group(1)), found.group(2)
    return Entry(found.group(1), int(found.group(2))), found.group(3)


def _manifest_line(path: str, entry: Entry) -> bytes:
    return f"{entry.digest} {entry.size} {path}\n".encode()


def manifest_bytes(manifest: Manifest) -> bytes:
    return MARKER_TEXT_2 + b"".join(_manifest_line(path, manifest[path]) for path in sorted(manifest))


def _digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _file_digest(path: Path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- verifying the output against its manifest ------------------------------------------


class _Folders:
    """Whether each folder on a path inside the output is a real folder, not a link."""

    def __init__(self, root: Path):
        self.root = root
        self.known: dict[str, bool] = {"": True}

    def plain(self, folder: str) -> bool:
        known = self.known.get(folder)
        if known is None:
            parent = folder.rpartition("/")[0]
            try:
                mode = os.lstat(self.root / folder).st_mode
                known = self.plain(parent) and stat_module.S_ISDIR(mode)
            except OSError:
                known = False
            self.known[folder] = known
        return known


def verified_files(output_dir: Path, manifest: Manifest, index: StatIndex | None = None,
                   marker: str | None = None) -> dict[str, Stamp]:
    """The files of the manifest that are still, on disk, what the builder wrote: a regular
    file with no link on the way and the recorded size, whose modification time and inode
    are those the stat index recorded (unless written so close to the index that a later
    edit could share its time stamp), or else whose content has the recorded digest.
    Path → its stamp now."""
    output_dir = Path(output_dir)
    if index is not None and index.marker != (marker if marker is not None else marker_digest(output_dir)):
        index = None  # the index describes another manifest (another build, a restored copy)
    if index is not None and len(index.mtimes) != len(manifest):
        index = None
    mtimes, inodes = (index.mtimes, index.inodes) if index is not None else ((), ())
    racy_from = index.written_ns - RACY_NS if index is not None else 0
    folders = _Folders(output_dir)
    base = os.path.join(output_dir, "")  # plain strings: a Path per file costs more than its lstat
    good: dict[str, Stamp] = {}
    # the manifest in its lines' order, which is the index's (a manifest whose lines were
    # reordered has another digest, and then no index)
    for position, (path, entry) in enumerate(manifest.items()):
        if not folders.plain(path.rpartition("/")[0]):
            continue
        try:
            info = os.lstat(base + path)
        except OSError:
            continue
        if not stat_module.S_ISREG(info.st_mode) or (entry.size >= 0 and info.st_size != entry.size):
            continue
        trusted = (info.st_mtime_ns < racy_from and info.st_mtime_ns == mtimes[position]
                   and info.st_ino == inodes[position])
        if trusted or _same_content(Path(base + path), entry.digest):
            good[path] = _stamp(info)
    return good


def _same_content(path: Path, digest: str) -> bool:
    try:
        return _file_digest(path) == digest
    except OSError:
        return False


def output_is_intact(output_dir: Path, index_path: Path | None, marker: str | None = None) -> bool:
    """Whether every file the manifest lists is still the one the builder wrote (`marker`:
    the manifest's digest, where the caller has it already)."""
    try:
        manifest = read_manifest(output_dir)
    except OutputError:
        return False
    if manifest is None:
        return False
    return len(verified_files(output_dir, manifest, StatIndex.load(index_path), marker)) == len(manifest)


def marker_digest(output_dir: Path) -> str:
    try:
        return _file_digest(Path(output_dir) / MARKER)
    except OSError:
        return ""


# --- serialising builds and cleaning up after a killed one --------------------------------


@contextlib.contextmanager
def output_lock(output_dir: Path) -> Iterator[None]:
    """Held for a whole build: a second build into the same output stops with a message.
    The lock file sits beside the output and goes when the build ends."""
    output_dir = Path(output_dir).resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = output_dir.parent / f".{output_dir.name}.disclose-lock"
    handle = _lock(lock_path)
    if handle is None:
        raise OutputError(message("output.locked", path=output_dir, lock=lock_path))
    try:
        recover(output_dir)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)  # before closing: a waiting build then finds a new file
        handle.close()


def _lock(lock_path: Path):
    """An open, locked lock file, or None when another process holds it."""
    while True:
        handle = open(lock_path, "a+b")
        if not _try_lock(handle):
            handle.close()
            return None
        try:
            same = os.stat(lock_path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same or sys.platform == "win32":
            return handle
        handle.close()  # the holder removed the file as we opened it: lock the new one


def _try_lock(handle) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _journal_path(output_dir: Path) -> Path:
    return output_dir.parent / f".{output_dir.name}.disclose-swap"


def _leftovers(output_dir: Path) -> list[Path]:
    prefixes = (f".{output_dir.name}.new-", f".{output_dir.name}.old-")
    try:
        entries = list(os.scandir(output_dir.parent))
    except OSError:
        return []
    return [Path(e.path) for e in entries if e.name.startswith(prefixes) and e.is_dir(follow_symlinks=False)]


def recover(output_dir: Path) -> None:
    """Finish what a killed build left: complete a two-rename swap that its journal names,
    then remove staging and retired folders that are the builder's own."""
    output_dir = Path(output_dir)
    journal = _journal_path(output_dir)
    if journal.is_file():
        try:
            names = json.loads(journal.read_text(encoding="utf-8"))
            new, old = output_dir.parent / names["new"], output_dir.parent / names["old"]
        except (OSError, ValueError, KeyError, TypeError):
            new = old = output_dir.parent / "\0"
        if not output_dir.exists():
            if new.is_dir() and (new / MARKER).is_file():
                os.rename(new, output_dir)
            elif old.is_dir():
                os.rename(old, output_dir)
        journal.unlink()
    for folder in _leftovers(output_dir):
        if (folder / STAGING_STAMP).is_file() or (folder / MARKER).is_file() or not any(folder.iterdir()):
            (folder / STAGING_STAMP).touch()
            _remove_tree(folder)


# --- exchanging two folders --------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _load_renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function


_renameat2 = _load_renameat2()


def exchange(staging: Path, output_dir: Path) -> None:
    """Put staging where the output is, and the output where staging was, atomically where
    the system can (Linux's renameat2); elsewhere by two renames under a journal that the
    next build completes."""
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    if _renameat2 is not None:
        if _renameat2(_AT_FDCWD, os.fsencode(staging), _AT_FDCWD, os.fsencode(output_dir), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(output_dir))
    retired = staging.with_name(staging.name.replace(".new-", ".old-", 1))
    journal = _journal_path(output_dir)
    journal.write_text(json.dumps({"new": staging.name, "old": retired.name}), encoding="utf-8")
    os.rename(output_dir, retired)
    try:
        os.rename(staging, output_dir)
    except BaseException:
        os.rename(retired, output_dir)  # put the last good site back
        journal.unlink()
        raise
    os.rename(retired, staging)  # the caller removes what is now at staging
    journal.unlink()


# --- the output a command-line build replaces ----------------------------------------------

# A manifest from this size on (about 11,000 files) is opened in a worker while the build
# loads its sources; a smaller one costs less to open than to hand over.
OPEN_APART_FROM = 1_000_000


@dataclass
class OldOutput:
    """The output a command-line build replaces, as found before anything is staged: the
    digests its manifest lists for the files verified against it (path → digest), their
    stamps (path → stamp), the paths it lists that did not verify, and the staging folder
    made for the new site with the files adopted into it from the back buffer. (Not the
    manifest itself: a build needs only these, and at 140,000 files the manifest's entries
    held besides them were a fifth of what the hand-over from a worker costs.)"""

    digests: dict[str, str]
    verified: dict[str, Stamp]
    unverified: set[str]
    staging: Path
    adopted: set[str]

    def __getstate__(self) -> dict:
        """Numbers in arrays and the paths as one text: handed from a worker, the dicts of a
        140,000-file site pickled as they are took half a second to unpickle."""
        paths, verified, adopted = list(self.verified), self.verified, self.adopted
        try:
            inodes, sizes, mtimes = (array("Q", [verified[p][0] for p in paths]), array("q", [verified[p][1] for p in paths]),
                                     array("q", [verified[p][2] for p in paths]))
        except OverflowError:  # a number no array holds (a 128-bit file ID): the dicts as they are
            return {"plain": (self.digests, verified, self.unverified, self.staging, adopted)}
        return {"paths": "\n".join(paths), "digests": "".join(self.digests[p] for p in paths),
                "adopted": bytes(p in adopted for p in paths), "inodes": inodes, "sizes": sizes, "mtimes": mtimes,
                "unverified": "\n".join(self.unverified), "staging": os.fspath(self.staging)}

    def __setstate__(self, state: dict) -> None:
        if "plain" in state:
            self.digests, self.verified, self.unverified, self.staging, self.adopted = state["plain"]
            return
        paths = state["paths"].split("\n") if state["paths"] else []
        digests = state["digests"]
        self.digests = dict(zip(paths, (digests[i:i + 40] for i in range(0, len(digests), 40))))
        self.verified = dict(zip(paths, zip(state["inodes"], state["sizes"], state["mtimes"])))
        self.adopted = set(itertools.compress(paths, state["adopted"]))
        self.unverified = set(state["unverified"].split("\n")) if state["unverified"] else set()
        self.staging = Path(state["staging"])


def open_output(output_dir: Path, stat_index: Path | None) -> OldOutput:
    """Read the output's manifest, verify its files, and make the staging folder, adopting
    the back buffer's files that are the very files of the verified output."""
    output_dir = Path(output_dir).resolve()
    previous = (read_manifest(output_dir) if output_dir.is_dir() else None) or {}
    verified = verified_files(output_dir, previous, StatIndex.load(stat_index)) if previous else {}
    staging = _new_staging(output_dir)
    adopted = _adopt(back_buffer(output_dir), staging, verified) if verified else set()
    (staging / STAGING_STAMP).touch()
    digests = {path: previous[path].digest for path in verified}
    return OldOutput(digests, verified, previous.keys() - verified.keys(), staging, adopted)


def _new_staging(output_dir: Path) -> Path:
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.new-", dir=output_dir.parent))
    os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the site from the web server
    return staging


class OutputOpening:
    """open_output in a worker process, for the build to go on meanwhile (it verifies the
    old output and prunes the back buffer, a stat of every file of both, while the build
    loads its sources). Before anything is staged: the output is only read, and the staging
    folder is the build's own."""

    def __init__(self, output_dir: Path, stat_index: Path | None):
        from generator.parallel import worker_pool  # only a large output is opened apart

        self.output_dir = Path(output_dir).resolve()
        self._pool = worker_pool(1)
        self._future = self._pool.submit(open_output, self.output_dir, stat_index)

    def done(self) -> bool:
        """Whether the worker has finished (result() then returns at once)."""
        return self._future.done()

    def result(self) -> OldOutput:
        """The opened output (the worker's error, if it failed, raised here)."""
        try:
            return self._future.result()
        finally:
            self._pool.shutdown()

    def discard(self) -> None:
        """For a build that stops before writing: once the worker is done, its staging
        folder goes back to being the back buffer."""
        try:
            old = self.result()
        except Exception:  # the build stops for its own reason; this one adds nothing
            return
        _set_aside(old.staging, self.output_dir, bool(old.adopted))


def start_opening(output_dir: Path, stat_index: Path | None) -> OutputOpening | None:
    """An OutputOpening when the output is large and a core is free for it; None: the
    writer opens the output itself."""
    from generator.parallel import usable_cores

    try:
        large = os.lstat(Path(output_dir) / MARKER).st_size >= OPEN_APART_FROM
    except OSError:
        return None
    return OutputOpening(output_dir, stat_index) if large and usable_cores() > 1 else None


def _set_aside(staging: Path, output_dir: Path, adopted: bool) -> None:
    """A staging folder a build will not commit: when it holds the back buffer it adopted,
    kept as the back buffer again (whatever it holds now, the next build adopts only the
    very files of the verified output, and a failed build does not delete a whole site's
    links); otherwise removed, as a build that never began would leave no folder."""
    if adopted and staging.is_dir():
        (staging / STAGING_STAMP).touch()
        _retire(staging, back_buffer(output_dir))
    else:
        _remove_tree(staging)


# --- the writer --------------------------------------------------------------------------


class Group(NamedTuple):
    """Files a build recorded together under one key (OutputWriter.add_group), as the dev
    server's writer keeps them for the next build."""

    files: dict[str, bytes]  # a copy of the files as given
    digests: dict[str, str]  # path → digest, for the files and their compressed copies
    copies: dict[str, tuple[str, ...]]  # path → the paths of its compressed copies, if any


class WriteMemo:
    """What the dev server's writer keeps between builds into its own folder."""

    def __init__(self) -> None:
        # path → (the bytes written, their digest, their compressed copies as (path, digest))
        self.files: dict[str, tuple[bytes, str, tuple[tuple[str, str], ...]]] = {}
        self.groups: dict[object, Group] = {}  # the files recorded under each key (add_group)
        self.manifest: Manifest | None = None
        self.digests: dict[str, str] = {}  # path → digest: the manifest without sizes, set with it
        self.output_dir: Path | None = None
        # the manifest's lines in path order, and each path's place among them, kept so that
        # an edit re-encodes and places its own lines, not the 190,000 of a large site
        self.lines: list[bytes] = []
        self.position: dict[str, int] = {}
        self.lines_of: Manifest | None = None  # the manifest the lines are of
        self.compress: bool | None = None  # whether the site of `files` and `groups` had compressed copies


@dataclass(frozen=True)
class Kept:
    """A file in the old output that the builder did not write, or that was changed since:
    carried into the new output, never deleted."""

    path: str
    reason: str  # "foreign" or "changed"


# What staging one file reports back: its digest, whether it was written (False when the old
# output verifiably holds it), and the compressed copies written beside it as (path, digest).
Receipt = tuple[str, bool, tuple[tuple[str, str], ...]]


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)  # "xb"


class Stager:
    """Stages files (and their compressed copies) into a writer's staging folder, skipping
    those the old output verifiably holds: the part of OutputWriter.put that runs in render
    workers. Picklable (a spawned worker receives it); it keeps no memo."""

    def __init__(self, staging: Path, reusable: dict[str, str], compress: bool, adopted: bool = False):
        self.staging = staging
        self.reusable = reusable  # path → digest of the old output's verified files
        self.compress = compress
        self.adopted = adopted  # staging is the last build's retired site: files may be there
        self.made: set[str] = set()  # folders made by this process

    def _create(self, path: str, *parts: bytes) -> None:
        """A new file of these bytes, never written through an existing one: in an adopted
        staging folder a file may be a hard link of the live site's."""
        target = os.path.join(self.staging, path)
        if self.adopted:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        # os.open, not open(): no buffered file object for a write of known bytes, which is a
        # quarter of the cost of making one of a large site's 100,000 files
        handle = os.open(target, _NEW_FILE, 0o666)
        try:
            for part in parts:
                view = memoryview(part)
                while view:
                    view = view[os.write(handle, view):]
        finally:
            os.close(handle)

    def put(self, path: str, data: bytes) -> Receipt:
        return self.stage(path, data, _digest(data))

    def stage(self, path: str, data: bytes, digest: str) -> Receipt:
        """Write `data` unless the old output holds it (copies included); (digest, staged,
        the copies' (path, digest) when staged)."""
        copies = _siblings(path) if self.compress else ()
        if self.reusable.get(path) == digest and all(copy in self.reusable for copy in copies):
            return digest, False, ()
        self._make_folder(path)
        self._create(path, data)
        staged = []
        for copy, packed in compressed_copies(path, data) if self.compress else ():
            self._create(copy, packed)
            staged.append((copy, _digest(packed)))
        return digest, True, tuple(staged)

    def stage_parts(self, path: str, parts: list[bytes]) -> Receipt:
        """stage(path, b"".join(parts), its digest) for a file that gets no compressed copies,
        without joining the parts."""
        assert not (self.compress and precompressed(path)), path
        hashed = hashlib.sha1()
        for part in parts:
            hashed.update(part)
        digest = hashed.hexdigest()
        if self.reusable.get(path) == digest:
            return digest, False, ()
        self._make_folder(path)
        self._create(path, *parts)
        return digest, True, ()

    def _make_folder(self, path: str) -> None:
        """The folder of this staged file, made once per process."""
        folder = path.rpartition("/")[0]
        if folder not in self.made:
            os.makedirs(self.staging / folder, exist_ok=True)
            self.made.add(folder)


class OutputWriter:
    """Takes the finished files one by one (from this process or from render workers) into
    a staging folder beside the output, and puts them in place at commit().

    put() stages a file unless the old output verifiably holds the same bytes; it may run
    in a worker and returns a small receipt, which the parent records. Until commit() the
    output is untouched; abort() leaves it so.
    """

    def __init__(self, output_dir: Path, memo: WriteMemo | None = None, stat_index: Path | None = None,
                 compress: bool = True, old: OldOutput | None = None):
        """`old`: the output as open_output (or an OutputOpening) found it; opened here when
        not given. The dev server's writer (a memo of a build into the same folder) needs none."""
        self.output_dir = Path(output_dir).resolve()
        self.memo = memo
        self.stat_index = stat_index
        self.compress = compress
        self.in_place = memo is not None and memo.manifest is not None and memo.output_dir == self.output_dir
        if memo is not None and memo.compress not in (None, compress):
            # the kept files' receipts name compressed copies the site no longer has (or lack
            # those it now has): each file is looked at again, and the old copies are gone
            memo.files, memo.groups = {}, {}
        if self.in_place:
            assert memo is not None and memo.manifest is not None
            self.previous: Manifest = memo.manifest
            self.reusable: dict[str, str] = memo.digests  # read only: the next commit sets a new one
            self.verified: dict[str, Stamp] = {}
            self.unverified: set[str] = set()
            self.staging = _new_staging(self.output_dir)
            (self.staging / STAGING_STAMP).touch()
            self.adopted: set[str] = set()
        else:
            old = old if old is not None else open_output(self.output_dir, stat_index)
            self.previous = {}  # the manifest's entries are the dev server's: a build in place keeps them
            self.reusable, self.verified, self.unverified, self.staging = old.digests, old.verified, old.unverified, old.staging
            # the files of the adopted staging folder: each the very file (inode) of the old output at its path
            self.adopted = old.adopted
        self.fresh_memo: dict[str, tuple[bytes, str, tuple[tuple[str, str], ...]]] = {}
        self.fresh_groups: dict[object, Group] = {}
        self.manifest: dict[str, str] = {}  # path → digest of the new site
        self.changed: list[str] = []
        self.kept: list[Kept] = []
        self._stager = Stager(self.staging, self.reusable, compress, bool(self.adopted))
        self._made = self._stager.made  # the folders staged here, which _link_unchanged need not make

    def put(self, path: str, data: bytes) -> Receipt:
        """Stage one file (and its compressed copies) if it changed; (digest, staged, the
        copies' (path, digest) when staged)."""
        known = self.memo.files.get(path) if self.memo is not None else None
        digest = known[1] if known is not None and known[0] is data else _digest(data)
        receipt = self._stager.stage(path, data, digest)
        if self.memo is not None:
            self.fresh_memo[path] = (data, digest, self._copies(path, receipt))
        return receipt

    def _copies(self, path: str, receipt: Receipt) -> tuple[tuple[str, str], ...]:
        """The (path, digest) of the compressed copies the new site has of this file."""
        if receipt[1] or not self.compress:
            return receipt[2]
        return tuple((copy, self.reusable[copy]) for copy in _siblings(path))

    def stager(self) -> Stager:
        """What a worker process needs to put() files into this writer's staging folder (a
        build with no memo: the command line's); its receipts go to record() here."""
        return Stager(self.staging, self.reusable, self.compress, bool(self.adopted))

    def record(self, path: str, receipt: Receipt) -> None:
        digest, staged, copies = receipt
        self.manifest[path] = digest
        if staged:
            self.changed.append(path)
            for copy, copy_digest in copies:
                self.manifest[copy] = copy_digest
                self.changed.append(copy)
        elif self.compress:
            for copy in _siblings(path):  # unchanged with its file, verified with it
                self.manifest[copy] = self.reusable[copy]

    def reuse(self, files: dict[str, str]) -> bool:
        """Record these files (path → digest) as unchanged, without their bytes, if the old
        output verifiably holds every one of them (and its compressed copies); else record
        none of them and return False."""
        reusable = self.reusable
        for path, digest in files.items():
            if reusable.get(path) != digest or (self.compress and not all(copy in reusable for copy in _siblings(path))):
                return False
        for path, digest in files.items():
            self.record(path, (digest, False, ()))
        return True

    def add(self, path: str, data: bytes) -> None:
        self.record(path, self.put(path, data))

    def add_parts(self, path: str, parts: list[bytes]) -> None:
        """add(path, b"".join(parts)), without joining them where nothing keeps the bytes: a
        bulk download of a large portal is tens of megabytes, and one of them joined was the
        peak of a build's memory. (The dev server's memo keeps each file's bytes, and a file
        with compressed copies is compressed whole: those are joined.)"""
        if self.memo is not None or (self.compress and precompressed(path)):
            self.add(path, b"".join(parts))
        else:
            self.record(path, self._stager.stage_parts(path, parts))

    def keep_group(self, key: object, files: dict[str, bytes]) -> bool:
        """Record these files as unchanged, without staging or hashing them one by one, when
        the last build of this process recorded the same paths with the same bytes under
        `key` (add_group); else record nothing and return False, for the caller to add them.
        The comparison is of the two dicts as a whole, in C: bytes the caller kept are the
        very objects given last time, so it costs a pointer check per file."""
        known = self._group(key)
        if known is None or known.files != files:
            return False
        self.manifest.update(known.digests)
        self.fresh_groups[key] = known
        return True

    def add_group(self, key: object, files: dict[str, bytes]) -> None:
        """Add these files; with a memo, remember them under `key` for keep_group. A file
        given as the very bytes object the last build recorded under `key` keeps its
        digests (and its copies') without being staged, hashed or looked at again."""
        known = self._group(key) or Group({}, {}, {})
        digests: dict[str, str] = {}
        copies_of: dict[str, tuple[str, ...]] = {}
        for path, data in files.items():
            if known.files.get(path) is data:
                copies = known.copies.get(path, ())
                for name in (path, *copies):
                    digests[name] = known.digests[name]
            else:
                receipt = self.put(path, data)
                self.record(path, receipt)
                copies = _siblings(path) if self.compress else ()
                for name in (path, *copies):
                    digests[name] = self.manifest[name]
            if copies:
                copies_of[path] = copies
        self.manifest.update(digests)
        if self.memo is not None:
            self.fresh_groups[key] = Group(dict(files), digests, copies_of)  # a copy: the caller's dict may change

    def _group(self, key: object) -> Group | None:
        """What the last build in place recorded under `key`."""
        return self.memo.groups.get(key) if self.in_place and self.memo is not None else None

    def keep_all(self, items: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        """Record the files the last build of this process wrote with these very bytes,
        without hashing or staging them; returns the (path, bytes) it could not vouch for,
        for the caller to add."""
        items = list(items)
        if not self.in_place or self.memo is None:
            return items
        files, fresh, manifest = self.memo.files, self.fresh_memo, self.manifest
        missed = []
        # The memo is of the build whose manifest is `reusable`: a file it holds was in that
        # manifest, and so were the copies written with it.
        for path, data in items:
            known = files.get(path)
            if known is not None and known[0] is data:
                fresh[path] = known
                manifest[path] = known[1]
                for copy, digest in known[2]:
                    manifest[copy] = digest
            else:
                missed.append((path, data))
        return missed

    def commit(self) -> int:
        """Put the staged files in place; how many were written."""
        try:
            if self.in_place:
                entries: Manifest | None = self._replace_in_place()
            else:
                entries = self._swap_whole_tree()
        except BaseException:
            self.abort()
            raise
        if self.memo is not None and entries is not None:
            self.memo.files, self.memo.groups, self.memo.compress = self.fresh_memo, self.fresh_groups, self.compress
            # self.manifest has the paths of `entries` (the committed site) and their digests
            self.memo.manifest, self.memo.digests, self.memo.output_dir = entries, self.manifest, self.output_dir
        return len(self.changed)

    def abort(self) -> None:
        _set_aside(self.staging, self.output_dir, bool(self.adopted))

    # A command-line build: the whole new tree beside the old, then one exchange.

    def _swap_whole_tree(self) -> Manifest | None:
        """The new site in staging, exchanged with the output; its manifest (None when no
        memo keeps it)."""
        staging, output_dir = self.staging, self.output_dir
        changed = set(self.changed)
        self._link_unchanged([path for path in self.manifest if path not in changed])
        for path in self.adopted - self.manifest.keys():  # the adopted files the new site no longer has
            os.unlink(os.path.join(staging, path))
            _remove_empty_parents((staging / path).parent, staging)
        self._carry_the_rest()
        # One pass in path order, the manifest's and the stat index's: each file's stamp goes
        # straight into the index's arrays (no table by path), and its line into the manifest.
        keep_entries = self.memo is not None
        entries: Manifest = {}
        mtimes, inodes = array("q"), array("Q")
        verified, staged = self.verified, os.fspath(staging)
        # written as it is made, a few thousand lines at a time: the whole text, its list of
        # lines and its bytes at once were the build's peak of memory
        with open(staging / MARKER, "wb") as marker:
            manifest = _HashedFile(marker, MARKER_TEXT_2)
            for path in sorted(self.manifest):
                digest = self.manifest[path]
                # an unchanged file is the old output's very inode: its stamp is the one verified
                inode, size, mtime = verified[path] if path not in changed and path in verified else _stamp(os.lstat(f"{staged}/{path}"))
                manifest.line(f"{digest} {size} {path}\n")
                if keep_entries:
                    entries[path] = Entry(digest, size)
                # a rename keeps the time and the inode; a number too large for the index is kept
                # as 0, which the file's stat never equals, so it is checked by content
                mtimes.append(mtime if _INT64[0] <= mtime <= _INT64[1] else 0)
                inodes.append(inode if 0 <= inode <= _UINT64 else 0)
            manifest.flush()
        (staging / STAGING_STAMP).unlink()
        if self.stat_index is not None:
            # Saved before the exchange: were the build killed between the two, the index
            # names a manifest the output does not have, and is ignored.
            StatIndex(manifest.hexdigest(), time.time_ns(), mtimes, inodes).save(self.stat_index)
        exchange(staging, output_dir)
        if staging.is_dir():  # the old site, now where staging was: the next build's staging
            (staging / STAGING_STAMP).touch()
            _retire(staging, back_buffer(output_dir))
        return entries if keep_entries else None

    def _link_unchanged(self, paths: list[str]) -> None:
        """Each of these files of the old output, checked to be still the one verified, into
        staging (a hard link) unless staging holds that very file already (adopted)."""
        # Plain strings, one loop and a set of the folders made: this runs for every file of the site.
        output, staging = os.fspath(self.output_dir), os.fspath(self.staging)
        verified, adopted, made, lstat = self.verified, self.adopted, self._made, os.lstat
        for path in paths:
            source = f"{output}/{path}"
            try:
                info = lstat(source)
                same = (info.st_ino, info.st_size, info.st_mtime_ns) == verified[path]
            except OSError:
                same = False
            if not same:
                raise OutputError(message("output.changed-during-build", path=source))
            if path in adopted:  # the adopted staging folder holds this very file (inode) already
                continue
            folder = path.rpartition("/")[0]
            if folder not in made:
                os.makedirs(f"{staging}/{folder}", exist_ok=True)
                made.add(folder)
            _link_or_copy(source, f"{staging}/{path}")

    def _carry_the_rest(self) -> None:
        """Files in the old output that the new site does not have: the builder's own
        unchanged ones go with the old site; anything else is carried over and reported."""
        if not self.output_dir.is_dir():
            return
        manifest, verified, unverified = self.manifest, self.verified, self.unverified

        def builders(path: str) -> bool:  # (one the builder wrote may no longer be part of the site)
            return path in manifest or path in verified or path == MARKER

        for path in _files_under(os.fspath(self.output_dir), builders):
            self._carry(path)
            self.kept.append(Kept(path, "changed" if path in unverified else "foreign"))

    def _carry(self, path: str) -> None:
        source, target = self.output_dir / path, self.staging / path
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = self.staging.joinpath(*parts[:depth])
            if folder.exists() and not folder.is_dir() or folder.is_symlink():
                raise OutputError(message("output.in-the-way", path=source))
        if target.exists() or target.is_symlink():
            raise OutputError(message("output.in-the-way", path=source))
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            _link_or_copy(source, target)

    # The dev server: its own folder, changed files replaced one by one.

    def _replace_in_place(self) -> Manifest:
        output_dir = self.output_dir
        entries = dict(self.previous)
        for path in sorted(self.changed):
            target = output_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / path, target)
            entries[path] = Entry(self.manifest[path], os.lstat(target).st_size)
        added = sum(1 for path in self.changed if path not in self.previous)
        # the new site is the old one, less what is gone, plus what was added: count before looking
        gone = self.previous.keys() - self.manifest.keys() if len(self.previous) + added != len(self.manifest) else set()
        for path in sorted(gone):
            target = output_dir / path
            del entries[path]
            if target.is_file() and not target.is_symlink():
                target.unlink()
            _remove_empty_parents(target.parent, output_dir)
        if self.changed or gone:
            replace_file(output_dir / MARKER, self._manifest_bytes(entries, gone))
        _remove_tree(self.staging)
        return entries

    def _manifest_bytes(self, entries: Manifest, gone: set[str]) -> bytes:
        """manifest_bytes(entries), from the memo's lines of the files that did not change."""
        memo = self.memo
        assert memo is not None
        if memo.lines_of is not self.previous:  # the first build in place, or after a failed one: every line
            order = sorted(self.previous)
            memo.lines = [_manifest_line(path, self.previous[path]) for path in order]
            memo.position = {path: index for index, path in enumerate(order)}
        memo.lines_of = None  # until the lines are those of `entries`
        position = memo.position
        if gone or any(path not in position for path in self.changed):  # paths come or go: place them all again
            lines = {path: memo.lines[index] for path, index in position.items() if path not in gone}
            lines.update((path, _manifest_line(path, entries[path])) for path in self.changed)
            order = sorted(lines)
            memo.lines = [lines[path] for path in order]
            memo.position = {path: index for index, path in enumerate(order)}
        else:
            for path in self.changed:
                memo.lines[position[path]] = _manifest_line(path, entries[path])
        memo.lines_of = entries
        return MARKER_TEXT_2 + b"".join(memo.lines)


class _HashedFile:
    """Text lines written to a file in batches, UTF-8, with the SHA-1 of all its bytes."""

    BATCH = 4096

    def __init__(self, handle, head: bytes):
        self.handle, self.hash = handle, hashlib.sha1(head)
        self.lines: list[str] = []
        handle.write(head)

    def line(self, text: str) -> None:
        self.lines.append(text)
        if len(self.lines) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        data = "".join(self.lines).encode("utf-8")
        self.lines.clear()
        self.hash.update(data)
        self.handle.write(data)

    def hexdigest(self) -> str:
        return self.hash.hexdigest()


def back_buffer(output_dir: Path) -> Path:
    """Where the site a build replaced is kept, as the next build's staging folder: its
    files are mostly the new site's very files (hard links), so that build links again only
    what changed in between instead of every file."""
    return output_dir.parent / f".{output_dir.name}.back"


def _retire(old_site: Path, back: Path) -> None:
    """Keep the replaced site as the back buffer (removing an older one), or remove it."""
    try:
        if back.is_symlink() or back.exists():
            if not _is_ours(back):
                raise OSError(errno.EEXIST, "not the builder's", str(back))
            os.rename(back, old_site.with_name(old_site.name + "-gone"))  # out of the way at once
            _remove_tree(old_site.with_name(old_site.name + "-gone"))
        os.rename(old_site, back)
    except OSError:
        _remove_tree(old_site)


def _is_ours(folder: Path) -> bool:
    """A real folder (not a link) of this user's, stamped as the builder's own."""
    try:
        info = os.lstat(folder)
        stamp = os.lstat(folder / STAGING_STAMP)
    except OSError:
        return False
    mine = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
    return stat_module.S_ISDIR(info.st_mode) and stat_module.S_ISREG(stamp.st_mode) and mine


def _adopt(back: Path, staging: Path, verified: dict[str, Stamp]) -> set[str]:
    """Put the back buffer where the empty staging folder is, keeping only its files that
    are the very files (inode, size, time) of the verified old output at the same path;
    anything else in it (older versions, links, other files, emptied folders) is removed.
    The paths of the files kept; none when there is no back buffer of the builder's own."""
    if not _is_ours(back):
        return set()
    os.rmdir(staging)
    try:
        os.rename(back, staging)
    except OSError:
        os.mkdir(staging)
        return set()
    kept: set[str] = set()
    _prune(staging, "", verified, kept)
    return kept


# Filesystems whose directory listing gives each file's own inode number (d_ino is
# st_ino): there a listed inode can vouch for a file without a stat of its own. Not
# overlayfs, FUSE or network filesystems, where the listing's number may be another.
_LISTED_INODES_TRUE = frozenset({"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "f2fs", "jfs", "reiserfs", "zfs"})


def _filesystem_type(device: int) -> str:
    """The type of the Linux filesystem mounted from this device ("" where not known)."""
    wanted = f"{os.major(device)}:{os.minor(device)}"
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as mounts:
            for line in mounts:
                fields, _, rest = line.partition(" - ")
                if fields.split(" ")[2:3] == [wanted]:
                    return rest.split(" ", 1)[0]
    except (OSError, IndexError):
        pass
    return ""


def _prune(root: Path, prefix: str, verified: dict[str, Stamp], kept: set[str], by_listing: bool | None = None,
           device: int = 0) -> bool:
    """Remove from root/prefix what _adopt does not keep; whether the folder is left empty.

    On a filesystem whose listing gives the files' own inodes, a file listed with the
    verified file's inode is that very file, kept without a stat of its own (a folder on
    another device, a mount inside, is checked file by file); elsewhere each file is
    checked by its stat."""
    if by_listing is None:
        device = os.lstat(root).st_dev
        by_listing = sys.platform.startswith("linux") and _filesystem_type(device) in _LISTED_INODES_TRUE
    folder = os.path.join(root, prefix)
    if by_listing and prefix and os.lstat(folder).st_dev != device:
        by_listing = False
    empty = True
    with os.scandir(folder) as entries:
        listed = list(entries)
    for entry in listed:
        path = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            if _prune(root, path + "/", verified, kept, by_listing, device):
                os.rmdir(entry.path)
            else:
                empty = False
            continue
        want = verified.get(path)
        if want is not None and entry.is_file(follow_symlinks=False):
            if entry.inode() == want[0] if by_listing else _stamp(entry.stat(follow_symlinks=False)) == want:
                kept.add(path)
                empty = False
                continue
        if not (prefix == "" and entry.name == STAGING_STAMP):
            os.unlink(entry.path)
    return empty


def _remove_tree(folder: Path) -> None:
    """Remove a staging or retired folder, its stamp last: a removal cut short leaves a
    folder the next build still recognises as its own."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name == STAGING_STAMP:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder / STAGING_STAMP)
    with contextlib.suppress(OSError):
        os.rmdir(folder)


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EDQUOT):
            raise
        shutil.copy2(source, target, follow_symlinks=False)


def _files_under(root: str, known: Callable[[str], bool]) -> list[str]:
    """The relative path of everything under root that is not a real folder (files, links
    and the like; links not followed) and not `known`, in the order of a walk by sorted names."""
    found: list[str] = []
    folders = [""]
    while folders:
        prefix = folders.pop()
        with os.scandir(f"{root}/{prefix}" if prefix else root) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(f"{prefix}{entry.name}/")
                elif not known(prefix + entry.name):
                    found.append(prefix + entry.name)
    found.sort(key=lambda path: path.split("/"))
    return found


def _remove_empty_parents(folder: Path, output_dir: Path) -> None:
    while folder != output_dir and folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def read_assets(static_dirs: list[Path], root: Path) -> dict[str, bytes]:
    """Static files of the theme, then of the site (a site file overrides the theme's);
    a link is followed only where it stays inside the project `root`."""
    from generator.links import link_problem, resolves_inside, walk_files

    assets: dict[str, bytes] = {}
    for static_dir in static_dirs:
        # The built-in theme lives in the package, outside the project: its own folder is its bound.
        bound = root if resolves_inside(root, str(static_dir)) or static_dir.is_symlink() else static_dir
        if static_dir.is_dir() and link_problem(bound, str(static_dir)) is None:
            files = sorted(walk_files(bound, static_dir, skip_hidden=False), key=lambda e: e.path)
            for entry in files:
                relative = Path(entry.path).relative_to(static_dir).as_posix()
                assets["assets/" + relative] = Path(entry.path).read_bytes()
    return assets
