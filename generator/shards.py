"""A portal built on several machines: each builds one slice of the departments
(`disclose build --shard K/N`), then one site is assembled from the slices
(`disclose build --merge DIR...`), as a CI system's matrix of N runners would.

Every file of the site belongs to exactly one slice. Slice K owns the K-th of N runs of
the departments (in the site's order, contiguous, as equal in number as they divide);
slice 1 also owns every site-wide file (home, years, regions, glossary, the search page
and index, the bulk downloads, feeds, assets). A slice makes its files with the same code
a whole build uses, so the union of the N slices is, byte for byte, the whole build.

A slice still reads the whole portal (the site-wide files and the checks need all of it);
what it divides is the rendering and the downloads, which are most of a build's time.

Each slice's folder holds SHARD_FILE: which slice it is, of how many, and a digest of the
sources and options it was built from. The merge trusts nothing in the folders: it
refuses slices of other sources or options, a missing or repeated slice, a file that
differs from its slice's manifest, and a path two slices both claim.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator import urls
from generator.links import hash_files
from generator.messages import message
from generator.model import Site
from generator.writer import OutputError, OutputWriter, read_manifest, valid_output_path

SHARD_FILE = ".disclose-shard"  # in a slice's folder; never part of the merged site
_GENERATOR = Path(__file__).parent
_SHARD = re.compile(r"([1-9][0-9]{0,3})/([1-9][0-9]{0,3})")


@dataclass(frozen=True)
class Shard:
    number: int  # 1 … count
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`K/N` with 1 ≤ K ≤ N; ValueError with the message to show otherwise."""
        found = _SHARD.fullmatch(text.strip())
        if found is None or not 1 <= int(found.group(1)) <= int(found.group(2)):
            raise ValueError(message("shard.bad-spec", text=text))
        return cls(int(found.group(1)), int(found.group(2)))


class Ownership:
    """Which files of the site a slice makes."""

    def __init__(self, site: Site, shard: Shard):
        self.shard = shard
        total = len(site.departments)
        self.refs = {dept.ref for index, dept in enumerate(site.departments) if index * shard.count // max(total, 1) + 1 == shard.number}
        self._prefixes = {urls.department(dept.ref) for dept in site.departments}
        self._owned_prefixes = {urls.department(ref) for ref in self.refs}

    @property
    def site_wide(self) -> bool:
        return self.shard.number == 1

    def owns_department(self, ref: str) -> bool:
        return ref in self.refs

    def owns(self, path: str) -> bool:
        """Whether the file at this site path is this slice's: a department's files go with
        the department, everything else with slice 1."""
        prefix = urls.department_of(path)
        if prefix is not None and prefix in self._prefixes:
            return prefix in self._owned_prefixes
        return self.site_wide


def sources_digest(root: Path, site_file: Path, options: tuple) -> str:
    """A digest of what a slice was built from, equal on every machine that checked out
    the same commit: the bytes (not the times) of every input and of the generator."""
    digest = hashlib.sha256(repr(options).encode("utf-8"))
    hash_files(digest, _GENERATOR, _GENERATOR)
    for name in ("content", "templates", "themes", "static"):
        if (root / name).is_dir():
            hash_files(digest, root, root / name)
    if site_file.is_file():
        digest.update(b"site.yaml\0" + hashlib.sha256(site_file.read_bytes()).digest())
    return digest.hexdigest()


def shard_record(shard: Shard, sources: str, precompress: bool) -> bytes:
    """What --merge needs to know of a slice: which of how many, made from what, and
    whether the site has precompressed copies (the merge makes them again)."""
    record = {"shard": shard.number, "of": shard.count, "sources": sources, "precompress": precompress}
    return json.dumps(record, sort_keys=True).encode("utf-8") + b"\n"


@dataclass(frozen=True)
class Slice:
    folder: Path
    shard: Shard
    sources: str
    precompress: bool  # the site has compressed copies (a record without the field: an older slice, which had)


def read_slice(folder: Path) -> Slice:
    """A slice's record, validated; OutputError naming the folder otherwise."""
    record = Path(folder) / SHARD_FILE
    try:
        if record.is_symlink() or not record.is_file():
            raise ValueError("missing")
        data = json.loads(record.read_text(encoding="utf-8"))
        shard = Shard(int(data["shard"]), int(data["of"]))
        sources = str(data["sources"])
        precompress = data.get("precompress", True)
        if not 1 <= shard.number <= shard.count or not re.fullmatch(r"[0-9a-f]{64}", sources):
            raise ValueError("out of range")
        if not isinstance(precompress, bool):
            raise ValueError("precompress")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(message("shard.not-a-slice", path=folder, reason=exc)) from exc
    return Slice(Path(folder), shard, sources, precompress)


def check_slices(slices: list[Slice]) -> None:
    """All N slices of one build, each once."""
    counts = {s.shard.count for s in slices}
    sources = {s.sources for s in slices}
    if len(counts) != 1 or len(sources) != 1:
        raise OutputError(message("shard.mixed", folders=", ".join(str(s.folder) for s in slices)))
    count = counts.pop()
    numbers = sorted(s.shard.number for s in slices)
    if numbers != list(range(1, count + 1)):
        missing = sorted(set(range(1, count + 1)) - set(numbers))
        raise OutputError(message("shard.incomplete", count=count, have=",".join(map(str, numbers)),
                                  missing=",".join(map(str, missing)) or "-"))


def slice_files(item: Slice) -> Iterable[tuple[str, bytes]]:
    """The files a slice's manifest lists (its compressed copies left out: the writer makes
    them again), each read as a regular file inside the folder and checked against the
    manifest's digest and size."""
    manifest = read_manifest(item.folder)
    if manifest is None:
        raise OutputError(message("shard.not-a-slice", path=item.folder, reason="no manifest"))
    copies = {f"{path}{suffix}" for path in manifest for suffix in (".gz", ".br")}
    real = os.path.realpath(item.folder)
    for path, entry in sorted(manifest.items()):
        if path in copies or path == SHARD_FILE:
            continue
        full = os.path.join(real, path)
        if not valid_output_path(path) or os.path.realpath(full) != full or not os.path.isfile(full):
            raise OutputError(message("shard.bad-file", path=full))
        data = Path(full).read_bytes()
        if hashlib.sha1(data).hexdigest() != entry.digest or (entry.size >= 0 and len(data) != entry.size):
            raise OutputError(message("shard.bad-file", path=full))
        yield path, data


def merge_slices(folders: list[Path], output: Path) -> OutputWriter:
    """Every slice's files into one writer for `output`, committed; the writer (its manifest,
    what it changed, what it kept). Raises OutputError and leaves the output untouched when
    a slice is refused."""
    slices = [read_slice(folder) for folder in folders]
    check_slices(slices)
    writer = OutputWriter(output, compress=slices[0].precompress)  # the slices' sources agree: so do their settings
    claimed: dict[str, Path] = {}
    try:
        for item in slices:
            for path, data in slice_files(item):
                if path in claimed:
                    raise OutputError(message("shard.claimed-twice", path=path, first=claimed[path], second=item.folder))
                claimed[path] = item.folder
                writer.add(path, data)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return writer
