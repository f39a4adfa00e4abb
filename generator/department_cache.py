"""What a command-line build keeps on disk between processes, per department, so that
the next build (a fresh process) reads, checks, renders and makes the downloads again
only for the departments whose inputs changed. This module is the whole contract; no
other module reads or writes these records.

**Loads** (`.disclose-cache/loads/<key>.pickle`): what reading and checking one run of
content files gave (a department's folder; or the files between departments, such as
region.yaml): the department heads, disclosures and regions found, the structure
diagnostics and the budget rules' diagnostics.

- Keyed by the run's files' paths and contents (`content_key`), the site configuration,
  the language of the messages, and the bytes of the generator (its code, built-in theme
  and strings). The content is read only when the stat is unknown: `loads/keys.json`
  maps the key of the run's stat (path, size, modification and change times, inode) to
  its content key, as git's index does. A run with a file changed within TRUST_AFTER_NS
  of the build, whose time stamp a second change could share, gets no entry; so do runs
  whose files a checkout or a copy touched without changing them: they are read and
  hashed once, and their records still match.
- A record is read with an unpickler that can make nothing but the model's own plain
  data classes and Decimal (`_ModelUnpickler`), so a planted file cannot run code; a
  record that does not unpickle to the expected shape is a miss. Written to a temporary
  file and renamed; the records no load used are removed after each load.

**Postings** (`.disclose-cache/postings/<department key>.pickle`): a department's
postings in the site-wide search scope (search.static.department_postings), so that the
site's index is joined from them without tokenizing the documents of a department whose
key (below) is unchanged. Plain tuples, dicts, strings and numbers, read with an
unpickler that makes nothing else, and checked for that shape; the records of
departments the build no longer has are removed after it.

Every pickled record is stored after the sha256 of its bytes, so a damaged one is a
miss. A record is trusted as far as its key: a load record names the absolute paths and
the bytes of its files, so one copied from a checkout elsewhere never matches, and
forging a record or an entry of keys.json means writing inside the project, which can
change the sources as well.

**Documents** (`.disclose-cache/documents/<department key>.pickle`): a department's
search documents (search.documents), so that the site's documents are listed without
making those of a department whose key (below) is unchanged again. Plain tuples of
strings and numbers, read with the plain unpickler and checked for the shape of a
document; the records of departments the build no longer has are removed after it.

**Bulk lines** (`.disclose-cache/bulk/<bulk key>.pickle`): a department's rows of the
bulk CSV files (downloads.site_files), as CSV lines and as their deflate in the bulk zip,
with each table's description (its rows left out), so that the bulk files are joined
without making those lines again. Keyed by the department key (below), the department's
region code and whether the portal spans regions (which adds a column to every row);
read with the model's unpickler and checked for that shape; the records of departments
the build no longer has are removed after it.

**Departments** (`.disclose-cache/departments/<output key>.json`), for the output the
record was written for: each department's key, and the fingerprint of the files the build
made for it (its pages and downloads, everything under its URL, and its search scopes):
the SHA-1 of their paths and digests (`fingerprint`). The files themselves are not
listed: they are the old output's verified files under the department's URL and scopes,
grouped from the writer's table of them, which a build has already (at 140,000 files a
list of paths and digests per department was a 7 MB record and 30 MiB once read).
JSON, not pickle: the file is read as untrusted input, and anything that does not parse
as this shape counts as no record at all.

- Keyed by the key of the load its model came from (which covers every file it was
  read from), its region's name and the years it shows (a draft left out changes them),
  and the environment every page shares: the site configuration, the years of the site
  (the globals), the UI strings, the bytes of every template the build uses and of the
  generator itself. (A department whose load has no key, which a build does not make, is
  keyed by its pickled model instead.)
- Reused only when the key is equal and the department's verified files in the output
  have the recorded fingerprint (a file missing, changed, added or not verified changes
  it), and the writer takes them as they are (`OutputWriter.reuse`, which also wants
  their compressed copies); else the department is made again. A failed or interrupted
  build writes no record; the record is replaced (written to a temporary file and
  renamed) after the output is committed.

**Not covered**, made by every build: the site-wide pages, the site-wide search scope
(joined from the postings), feeds, sitemap, the source documents kept beside
disclosure.yaml, the bulk downloads (joined from the bulk lines), the assets; and, for every department, the page list
and search documents the site-wide files are made from (from its recorded model). The dev server does not use these records: it keeps its own caches in memory
(build.BuildCache).
"""

from __future__ import annotations

import contextlib
import decimal
import hashlib
import io
import json
import os
import pickle
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from generator import datatables, diagnostics, indicators, model, tables, urls
from generator.atomic import replace_file
from generator.links import hash_files
from generator.messages import current_language
from generator.model import Department, Site, SiteConfig
from generator.search.documents import SearchDoc
from generator.search.static import DepartmentPostings
from generator.writer import output_key

_GENERATOR = Path(__file__).parent
FORMAT = 2
RECORD_FORMAT = 3  # the departments' record: 2 listed each file, 3 keeps their fingerprint
TRUST_AFTER_NS = 2_000_000_000  # coarser than any file system's time stamps


# ---------------------------------------------------------------------------- loads


def generator_digest() -> str:
    """The bytes of the generator: its code, built-in theme and strings."""
    digest = hashlib.sha256()
    hash_files(digest, _GENERATOR, _GENERATOR)
    return digest.hexdigest()


def loading_key(settings: SiteConfig, generator: str) -> str:
    """What every run's load shares: the generator, the settings, the messages' language."""
    return hashlib.sha256(f"{FORMAT}\0{generator}\0{settings!r}\0{current_language()}".encode()).hexdigest()


def stat_key(shared: str, files: list[tuple[str, os.stat_result]], now_ns: int) -> str | None:
    """The key of one run of content files by their stat; None when one changed so
    recently that a second change could leave its stat as it is."""
    digest = hashlib.sha256(f"stat\0{shared}".encode())
    for path, info in files:
        if max(info.st_mtime_ns, info.st_ctime_ns) > now_ns - TRUST_AFTER_NS:
            return None
        digest.update(f"\0{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}".encode())
    return digest.hexdigest()


def content_key(shared: str, contents: list[tuple[str, bytes]]) -> str:
    """The key of one run of content files by their paths and bytes: its load record's name."""
    digest = hashlib.sha256(f"content\0{shared}".encode())
    for path, data in contents:
        digest.update(f"\0{path}\0{len(data)}\0".encode())
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


class KeyIndex:
    """`loads/keys.json`: the content key of each run by the key of its stat. Read as
    untrusted input: anything but a map of hex keys to hex keys counts as empty."""

    def __init__(self, records: Records):
        self.path = records.folder / "keys.json"
        self.read_only = records.read_only

    def read(self) -> dict[str, str]:
        try:
            found = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not (isinstance(found, dict) and all(_is_key(k) and _is_key(v) for k, v in found.items())):
            return {}
        return found

    def write(self, keys: dict[str, str]) -> None:
        if not self.read_only:
            replace_file(self.path, json.dumps(keys, sort_keys=True).encode("utf-8"))


def _is_key(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


_MODEL_MODULES = {module.__name__: module for module in (model, diagnostics, indicators, tables, datatables)}


class _ModelUnpickler(pickle.Unpickler):
    """Makes the model's classes and Decimal, and nothing else (no function, no other class)."""

    def find_class(self, module_name: str, name: str):
        if (module_name, name) == ("decimal", "Decimal"):
            return decimal.Decimal
        found = getattr(_MODEL_MODULES.get(module_name), name, None)
        if isinstance(found, type):
            return found
        raise pickle.UnpicklingError(f"{module_name}.{name} is not part of the model")


def unpickle_load(data: bytes) -> tuple | None:
    """A load record's (heads, disclosures, regions, diagnostics, found), or None when the
    bytes are not one."""
    try:
        result = _ModelUnpickler(io.BytesIO(data)).load()
    except Exception:  # a damaged or planted record is a miss, whatever it raised
        return None
    if not (isinstance(result, tuple) and len(result) == 5 and isinstance(result[0], dict)
            and isinstance(result[1], dict) and isinstance(result[2], dict)
            and isinstance(result[3], list) and isinstance(result[4], list)):
        return None
    return result


def pickle_load(result: tuple) -> bytes:
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


class Records:
    """Pickled records under one folder of .disclose-cache/, by key: loads, or postings (see
    the module's docstring). Each file is the sha256 of its bytes, then the bytes, so a
    damaged file is a miss. Picklable: the load workers write the records of the runs
    they read. `read_only` (disclose check, which validates without writing): records are
    read, and none is written or removed."""

    def __init__(self, folder: Path, read_only: bool = False):
        self.folder = Path(folder)
        self.read_only = read_only

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pickle"

    def get(self, key: str) -> bytes | None:
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        return data[32:] if hashlib.sha256(data[32:]).digest() == data[:32] else None

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def put(self, key: str, data: bytes) -> None:
        if not self.read_only:
            replace_file(self._path(key), hashlib.sha256(data).digest() + data)

    def keep_only(self, keys: set[str]) -> None:
        """Remove the records (and leftover temporary files) of keys not in `keys`."""
        if self.read_only:
            return
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            name = entry.name
            if (name.endswith(".pickle") and name[:-len(".pickle")] not in keys) or name.endswith(".tmp"):
                with contextlib.suppress(OSError):  # another build's, or already gone
                    os.unlink(entry.path)


class _PlainUnpickler(pickle.Unpickler):
    """Makes tuples, dicts, strings and numbers, and nothing else."""

    def find_class(self, module_name: str, name: str):
        raise pickle.UnpicklingError(f"{module_name}.{name} is not plain data")


def pickle_postings(postings: DepartmentPostings) -> bytes:
    return pickle.dumps(postings, protocol=pickle.HIGHEST_PROTOCOL)


def unpickle_postings(data: bytes) -> DepartmentPostings | None:
    """A department's postings in the site's search scope (search.static), or None when
    the bytes are not one."""
    try:
        count, terms = _PlainUnpickler(io.BytesIO(data)).load()
    except Exception:  # a damaged or planted record is a miss, whatever it raised
        return None
    if not (type(count) is int and type(terms) is dict):
        return None
    for term, value in terms.items():
        if not (type(term) is str and type(value) is tuple and len(value) == 3 and type(value[0]) is int
                and type(value[1]) is int and type(value[2]) is str):
            return None
    return count, terms


@dataclass(frozen=True)
class KeptRecord:
    """A department's kept postings (search.static.KeptPostings), read when loaded:
    picklable, so a worker that exports the department reads them itself."""

    records: Records
    key: str

    def load(self) -> DepartmentPostings | None:
        data = self.records.get(self.key)
        return unpickle_postings(data) if data is not None else None


class SitePostings:
    """The departments' postings in the site's search scope, kept between builds by
    department key: `kept` those recorded, `made` records one, `finish` drops the rest."""

    def __init__(self, records: Records, keys: dict[str, str]):
        self.records, self.keys = records, keys

    def kept(self) -> dict[str, KeptRecord]:
        """The departments with a record, each to be read when its postings are joined."""
        return {ref: KeptRecord(self.records, key) for ref, key in self.keys.items() if self.records.has(key)}

    def made(self, ref: str, postings: DepartmentPostings) -> None:
        if ref in self.keys:
            self.records.put(self.keys[ref], pickle_postings(postings))

    def finish(self) -> None:
        self.records.keep_only(set(self.keys.values()))


_DOC_TYPES = tuple(int if name == "year" else str for name in SearchDoc._fields)


class DocumentRecords:
    """The departments' search documents, kept between builds by department key (see the
    module's docstring): `get` the documents recorded for a department, `put` those made,
    `finish` drops the records of keys the build no longer has."""

    def __init__(self, records: Records, keys: dict[str, str]):
        self.records, self.keys = records, keys

    def get(self, ref: str) -> list[SearchDoc] | None:
        data = self.records.get(self.keys[ref]) if ref in self.keys else None
        return unpickle_documents(data) if data is not None else None

    def put(self, ref: str, docs: list[SearchDoc]) -> None:
        if ref in self.keys:
            self.records.put(self.keys[ref], pickle_documents(docs))

    def finish(self) -> None:
        self.records.keep_only(set(self.keys.values()))


def pickle_documents(docs: list[SearchDoc]) -> bytes:
    return pickle.dumps([tuple(doc) for doc in docs], protocol=pickle.HIGHEST_PROTOCOL)


def unpickle_documents(data: bytes) -> list[SearchDoc] | None:
    """A department's documents, or None when the bytes are not a list of them."""
    try:
        rows = _PlainUnpickler(io.BytesIO(data)).load()
    except Exception:  # a damaged or planted record is a miss, whatever it raised
        return None
    if type(rows) is not list or not all(type(row) is tuple and tuple(map(type, row)) == _DOC_TYPES for row in rows):
        return None
    return list(map(SearchDoc._make, rows))


BulkRecord = dict  # year → table kind → (the table without its rows, CSV lines, their deflate)


class BulkLines:
    """The departments' rows of the bulk CSV files, kept between builds by bulk key, in the
    shapes downloads.site_files keeps in memory: `memo` (disclosure → its lines) and
    `packed` (CSV file → lines → deflate) are filled from the records before the bulk
    files are made; `save` records the departments that were made."""

    def __init__(self, records: Records, keys: dict[str, str], site: Site):
        regions = any(dept.region_code for dept in site.departments)
        self.records, self.site, self.regions = records, site, regions
        self.keys = {dept.ref: hashlib.sha256(f"{keys[dept.ref]}\0{dept.region_code}\0{regions}".encode()).hexdigest()
                     for dept in site.departments if dept.ref in keys}
        self.kept: set[str] = set()

    def fill(self, memo: dict, packed: dict) -> None:
        for dept in self.site.departments:
            record = self._record(dept.ref)
            if record is None or set(record) != {d.year for d in dept.disclosures}:
                continue
            for disclosure in dept.disclosures:
                parts = {}
                for kind, (table, lines, deflated) in record[disclosure.year].items():
                    parts[kind] = (table, lines)
                    packed.setdefault(f"{kind}.csv", {})[lines] = deflated
                memo[(dept.ref, disclosure.year)] = (disclosure, (dept.name, self.regions), parts)
            self.kept.add(dept.ref)

    def save(self, memo: dict, packed: dict) -> None:
        for dept in self.site.departments:
            if dept.ref in self.kept or dept.ref not in self.keys:
                continue
            record = self._made(dept, memo, packed)
            if record is not None:
                self.records.put(self.keys[dept.ref], pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        self.records.keep_only(set(self.keys.values()))

    def _made(self, dept: Department, memo: dict, packed: dict) -> BulkRecord | None:
        """None when a part was not compressed (no bulk zip is made): nothing to keep then."""
        record: BulkRecord = {}
        for disclosure in dept.disclosures:
            record[disclosure.year] = {}
            for kind, (table, lines) in memo[(dept.ref, disclosure.year)][2].items():
                deflated = packed.get(f"{kind}.csv", {}).get(lines)
                if deflated is None:
                    return None
                record[disclosure.year][kind] = (replace(table, rows=(), facts=()), lines, deflated)
        return record

    def _record(self, ref: str) -> BulkRecord | None:
        data = self.records.get(self.keys[ref]) if ref in self.keys else None
        if data is None:
            return None
        try:
            record = _ModelUnpickler(io.BytesIO(data)).load()
        except Exception:  # a damaged or planted record is a miss, whatever it raised
            return None
        return record if _is_bulk_record(record) else None


def _is_bulk_record(record: object) -> bool:
    return isinstance(record, dict) and all(
        type(year) is int and isinstance(kinds, dict) and all(
            type(kind) is str and type(part) is tuple and len(part) == 3 and type(part[0]) is datatables.DataTable
            and type(part[1]) is bytes and type(part[2]) is bytes
            for kind, part in kinds.items())
        for year, kinds in record.items())


# ---------------------------------------------------------------------------- departments


def environment_key(site: Site, strings: dict, template_dirs: list[Path], root: Path) -> str:
    """What every department's pages share: configuration, years, strings, templates, generator."""
    digest = hashlib.sha256(f"{FORMAT}\0{site.config!r}\0{site.years!r}\0".encode())
    digest.update(json.dumps(strings, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    hash_files(digest, _GENERATOR, _GENERATOR)  # its code, built-in theme and strings
    for index, folder in enumerate(template_dirs):  # in their order of precedence
        digest.update(f"\0templates {index}\0".encode())
        if folder.is_dir():  # links are followed as far as the build follows them: inside the project
            hash_files(digest, root if folder.is_relative_to(root) else folder, folder)
    return digest.hexdigest()


def department_key(dept: Department, environment: str, load: str | None = None) -> str:
    """`load`: the key of the load the department's model came from (see the docstring)."""
    if load is None:
        return hashlib.sha256(environment.encode() + pickle.dumps(dept, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    shown = (load, dept.region, tuple(disclosure.year for disclosure in dept.disclosures))
    return hashlib.sha256(f"{environment}\0{shown!r}".encode()).hexdigest()


def record_path(cache_dir: Path, output: Path) -> Path:
    return cache_dir / "departments" / f"{output_key(output)}.json"


def load(path: Path) -> dict[str, tuple[str, str]]:
    """ref → (key, fingerprint of its files) of the last build into this output; {} when
    there is no readable record of the expected shape."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != RECORD_FORMAT:
            return {}
        found = {}
        for ref, (key, files) in data["departments"].items():
            if isinstance(ref, str) and isinstance(key, str) and isinstance(files, str):
                found[ref] = (key, files)
        return found
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def recorded_with(last: dict[str, tuple[str, str]], keys: dict[str, str]) -> set[str]:
    """The departments whose key is the one `last` (load()) recorded for them."""
    return {ref for ref, key in keys.items() if last.get(ref, ("", ""))[0] == key}


def files_by_department(manifest: dict[str, str], site: Site, skip: set[str],
                        only: Collection[str] | None = None) -> dict[str, dict[str, str]]:
    """The manifest's files under each department's URL and in its department-year search
    scopes (compressed copies aside: the writer accounts for them with their file), except
    the paths in `skip`; `only`: of these departments only."""
    refs = {urls.department(dept.ref): dept.ref for dept in site.departments if only is None or dept.ref in only}
    grouped: dict[str, dict[str, str]] = {ref: {} for ref in refs.values()}
    paths: Iterable[tuple[str, str]] = manifest.items()
    if len(refs) <= 8 and len(refs) * 2 < len(site.departments):  # a few: only paths that begin as theirs can be theirs
        starts = tuple(start for url, ref in refs.items() for start in (url, f"search/{ref}-"))
        paths = [(path, digest) for path, digest in paths if path.startswith(starts)]
    for path, digest in paths:
        if path in skip or (path.endswith((".gz", ".br")) and path[:-3] in manifest):
            continue
        prefix = urls.department_of(path)
        ref = refs.get(prefix) if prefix is not None else urls.search_scope_department(path)
        if ref in grouped:
            grouped[ref][path] = digest
    return grouped


def fingerprint(files: dict[str, str]) -> str:
    """One digest of a department's files: their paths and digests, in path order."""
    return hashlib.sha1("".join(f"{path}\0{files[path]}\n" for path in sorted(files)).encode("utf-8")).hexdigest()


def save(path: Path, keys: dict[str, str], files: dict[str, dict[str, str]], fingerprints: dict[str, str] | None = None) -> None:
    """`files`: the departments' files by ref; `fingerprints`: for those not in `files`, the
    fingerprint of their files, known already."""
    known = fingerprints or {}
    departments = {ref: [key, known[ref] if ref in known else fingerprint(files.get(ref, {}))] for ref, key in keys.items()}
    replace_file(path, json.dumps({"format": RECORD_FORMAT, "departments": departments}, sort_keys=True).encode("utf-8"))


class Remaining:
    """The part of the site a build still has to make when the departments in `reused` are
    taken as they are: everything else (the interface of shards.Ownership)."""

    site_wide = True

    def __init__(self, reused: set[str]):
        self.reused = reused
        self._prefixes = {urls.department(ref) for ref in reused}

    def owns_department(self, ref: str) -> bool:
        return ref not in self.reused

    def owns(self, path: str) -> bool:
        return urls.department_of(path) not in self._prefixes and urls.search_scope_department(path) not in self.reused
