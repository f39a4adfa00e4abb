"""What a command-line build keeps on disk, per department, so that the next build (a
fresh process) renders and makes the downloads again only for the departments whose
inputs changed.

The contract:

- **Kept**, in `.disclose-cache/departments/<output key>.json` beside the sources (never
  published), for the output it was written for: each department's key, and the files
  the build made for it (its pages and downloads, everything under its URL) with their
  digests. JSON, not pickle: the file is read as untrusted input, and anything that does
  not parse as this shape counts as no record at all.
- **Keyed by** a digest of: the department's whole model (pickled: every value its pages
  and downloads show, since a department's pages are made from its own model, the UI
  strings and the globals, see render._set_globals), the site configuration, the years of
  the site (the globals), the UI strings, the bytes of every template the build uses and
  of the generator itself (its code, its built-in theme and its strings).
- **Reused** only when the key is equal and every recorded file is in the output as
  recorded, verified by the writer (`OutputWriter.reuse`); else the department is made
  again. A failed or interrupted build writes no record; the record is replaced (written
  to a temporary file and renamed) after the output is committed.
- **Not covered**, made by every build: the site-wide pages, the search index, feeds,
  sitemap, the source documents kept beside disclosure.yaml, the bulk downloads, the
  assets. The dev server does not use this record: it keeps its own caches in memory
  (build.BuildCache).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path

from generator import urls
from generator.links import hash_files
from generator.model import Department, Site
from generator.writer import output_key

_GENERATOR = Path(__file__).parent
FORMAT = 1


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


def department_key(dept: Department, environment: str) -> str:
    return hashlib.sha256(environment.encode() + pickle.dumps(dept, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


def record_path(cache_dir: Path, output: Path) -> Path:
    return cache_dir / "departments" / f"{output_key(output)}.json"


def load(path: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """ref → (key, {path: digest}) of the last build into this output; {} when there is no
    readable record of the expected shape."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return {}
        found = {}
        for ref, (key, files) in data["departments"].items():
            if isinstance(ref, str) and isinstance(key, str) and isinstance(files, dict) \
                    and all(isinstance(p, str) and isinstance(d, str) for p, d in files.items()):
                found[ref] = (key, files)
        return found
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def files_by_department(manifest: dict[str, str], site: Site, skip: set[str]) -> dict[str, dict[str, str]]:
    """The manifest's files under each department's URL (compressed copies aside: the writer
    accounts for them with their file), except the paths in `skip`."""
    refs = {urls.department(dept.ref): dept.ref for dept in site.departments}
    grouped: dict[str, dict[str, str]] = {ref: {} for ref in refs.values()}
    originals = set(manifest)
    for path, digest in manifest.items():
        prefix = urls.department_of(path)
        if prefix is None or prefix not in refs or path in skip:
            continue
        if path.endswith((".gz", ".br")) and path[:-3] in originals:
            continue
        grouped[refs[prefix]][path] = digest
    return grouped


def save(path: Path, keys: dict[str, str], files: dict[str, dict[str, str]]) -> None:
    data = {"format": FORMAT, "departments": {ref: [key, files.get(ref, {})] for ref, key in keys.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


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
        return urls.department_of(path) not in self._prefixes
