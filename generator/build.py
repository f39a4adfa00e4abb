"""`build()`: the one function the command line and the dev server both call.

    config and content → model → pages → rendered bytes → written output
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator import department_cache, downloads, feeds, render, urls
from generator.assemble import ReadCache, assemble
from generator.atomic import replace_file
from generator.checks import apply_acknowledgements, run_checks
from generator.diagnostics import BuildFailed, Diagnostic, Location, Report, Severity
from generator.drafts import in_folders, site_draft_folders, take_todos, todo_list, without_drafts
from generator.links import link_diagnostics, walk_files
from generator.load_parallel import load_departments, worth_workers
from generator.loader import SourceCache, content_listing, read_sources, readable, site_file_path
from generator.messages import message
from generator.model import Site
from generator.pages import department_head, site_pages
from generator.parallel import BrokenProcessPool
from generator.produce import produce
from generator.render import (
    RenderCache,
    RenderError,
    RenderSetup,
    load_strings,
    make_environment,
    start_rendering,
    warm,
)
from generator.search.documents import site_documents
from generator.search.static import DepartmentPostings, ExportCache, export_groups, export_plan, search_page_info, site_scope_files
from generator.shards import SHARD_FILE, Ownership, Shard, shard_record, sources_digest
from generator.workbook_cache import WorkbookCache
from generator.writer import (
    Kept,
    OutputError,
    OutputOpening,
    OutputWriter,
    WriteMemo,
    check_output_dir,
    marker_digest,
    output_is_intact,
    output_key,
    output_lock,
    read_assets,
    start_opening,
)

if TYPE_CHECKING:
    from jinja2 import Environment


@dataclass(frozen=True)
class BuildResult:
    site: Site | None  # None when the inputs were unchanged and nothing was built
    pages: int
    files: int
    seconds: float
    report: Report
    written: int = 0  # files written or replaced (the rest were unchanged)
    timings: tuple = ()  # (step, seconds) in order: where the time went
    kept: tuple[Kept, ...] = ()  # files in the output the builder did not write (or that were edited): kept
    rendered: tuple[str, ...] = ()  # the pages this build rendered (the others were reused), by site path


class Stopwatch:
    """Wall time per step of one build, for `disclose build --timings` and the benchmarks."""

    def __init__(self):
        self.started = self.last = time.perf_counter()
        self.steps: list[tuple[str, float]] = []

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.steps.append((step, now - self.last))
        self.last = now

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


class BuildCache:
    """What one process keeps between builds (the dev server): rendered pages and exported
    search scopes whose inputs did not change are reused."""

    def __init__(self):
        self.downloads: dict = {}  # (dept, year) → (inputs, files) of the open-data files
        self.bulk: dict = {}  # (dept, year) → that year's rows of the bulk CSVs
        self.bulk_packed: dict = {}  # bulk file → its chunks compressed (the bulk zip)
        self.render = RenderCache()
        self.search = ExportCache()
        self.reads = ReadCache()
        self.checks: dict = {}
        self.written = WriteMemo()
        self.sources = SourceCache()
        self.documents: dict = {}
        self.pages: dict = {}
        self.environment = None


BUILTIN_THEMES = Path(__file__).parent / "themes"  # shipped in the package: `default`


def theme_dir(root: Path, theme: str) -> Path | None:
    """The portal's own themes/NAME/ when it has one (it replaces the built-in theme of that
    name), else the built-in theme; None when neither exists."""
    for folder in (Path(root) / "themes" / theme, BUILTIN_THEMES / theme):
        if (folder / "templates").is_dir():
            return folder
    return None


def theme_dirs(root: Path, theme: str) -> tuple[list[Path], list[Path]]:
    """Template folders and static folders, the site's own first so they override the theme."""
    folder = theme_dir(root, theme) or Path(root) / "themes" / theme
    return [root / "templates", folder / "templates"], [folder / "static", root / "static"]


CACHE_DIR = ".disclose-cache"  # beside the sources: the tool's own state, never published
LAST_BUILD = "last-build.json"
_GENERATOR = Path(__file__).parent


def _signature(path: str, info: os.stat_result) -> tuple:
    return (path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _signatures(folder: Path, found: list, root: Path) -> None:
    """The signature of every file under `folder`, by scandir: a stat per file and no
    reads, as this runs before every command-line build. Links are followed as the build
    follows them (only inside `root`); a link's own stat is part of its signature."""
    for entry in walk_files(root, folder, skip_hidden=False):
        if "__pycache__" in entry.path:
            continue
        found.append(_signature(entry.path, entry.stat()))
        if entry.is_symlink():
            found.append(_signature(entry.path, entry.stat(follow_symlinks=False)))
    found.sort()


TRUST_AFTER = 2_000_000_000  # ns: coarser than any file system's time stamps


@dataclass(frozen=True)
class Inputs:
    """What a build read, as the next build can recognise it without reading it again."""

    digest: str  # of the options and of every input's path, size, times and inode
    recent: dict  # path → sha256 of the content, for inputs changed within TRUST_AFTER of the build

    def as_json(self) -> dict:
        return {"digest": self.digest, "recent": self.recent}


def read_inputs(root: Path, options: tuple, now_ns: int, config: Path | None = None) -> Inputs:
    """Everything a build reads (the sources, templates and static files, and the generator
    itself), recognised as git's index does: a file whose size, times and inode are unchanged
    is trusted (its change time cannot be set back, not even by a copy that keeps
    modification times), except one changed so recently that a second change could share
    its time stamp; that one is recognised by its content."""
    found: list = []
    _signatures(_GENERATOR, found, _GENERATOR)
    site_file = site_file_path(root, config)
    for path in (site_file, *(root / name for name in ("content", "templates", "themes", "static"))):
        if path.is_symlink():
            found.append(_signature(str(path), path.lstat()))
        if path.is_file() and (path is not site_file or config is not None or readable(root, path)):
            found.append(_signature(str(path), path.stat()))
        elif path.is_dir():
            _signatures(path, found, root)
    recent = {item[0]: _content_digest(Path(item[0])) for item in found if max(item[2], item[3]) > now_ns - TRUST_AFTER}
    return Inputs(hashlib.sha256(repr((options, found)).encode("utf-8")).hexdigest(), recent)


def _content_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _unchanged_build(root: Path, output: Path, inputs: Inputs, started: float) -> BuildResult | None:
    """The last build's result when neither the inputs nor the output changed since: the
    output's manifest is the one that build wrote, and every file it lists is intact."""
    stamp = root / CACHE_DIR / LAST_BUILD
    if not inputs.digest or not stamp.is_file():
        return None
    try:
        last = json.loads(stamp.read_text(encoding="utf-8"))
        recorded_inputs, recorded_marker = last["inputs"], last["marker"]
    except (ValueError, KeyError, TypeError, OSError):
        return None
    marker = marker_digest(output)
    if recorded_inputs.get("digest") != inputs.digest or recorded_marker != marker:
        return None
    if any(_content_digest(Path(path)) != sha for path, sha in recorded_inputs["recent"].items()):
        return None  # a file that was recent at the last build is recognised by its content
    if not output_is_intact(output, output_stat_index(root, output), marker):
        return None  # a page deleted or edited by hand, or an older copy restored
    report = Report()
    for item in last["diagnostics"]:
        location = Location(**item.pop("location"))
        report.add(Diagnostic(location, Severity(item.pop("severity")), **item))
    return BuildResult(None, last["pages"], last["files"], time.perf_counter() - started, report, 0)


def _remember_build(root: Path, output: Path, inputs: Inputs, pages: int, files: int, report: Report) -> None:
    stamp = root / CACHE_DIR / LAST_BUILD
    data = {"inputs": inputs.as_json(), "marker": marker_digest(output), "pages": pages, "files": files,
            "diagnostics": [d.as_json() for d in report.diagnostics]}
    replace_file(stamp, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def output_stat_index(root: Path, output: Path) -> Path:
    """Where the stat of each file written into `output` is kept (see writer.StatIndex)."""
    return root / CACHE_DIR / "outputs" / f"{output_key(output)}.stat"


def search_index_dir(root: Path) -> Path:
    """The whoosh index `disclose search` reads: a cache beside the sources, never published."""
    return Path(root) / CACHE_DIR / "whoosh"


@contextlib.contextmanager
def model_memory():
    """Keep Python's cycle collector off while the model is built, then set the model aside.

    Loading makes hundreds of thousands of small, acyclic, long-lived objects; with the
    collector on, every collection walks all of them again (measured: loading 1,000
    pages took 2.5 s with it and 1.0 s without). Once built, the model is frozen out of the
    collector's sight, so rendering still collects its own garbage at the usual cost.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def load_records(root: Path, read_only: bool = False) -> department_cache.Records:
    """The load records a command-line build keeps beside the sources (department_cache)."""
    return department_cache.Records(Path(root) / CACHE_DIR / "loads", read_only)


def load_site(root: Path, report: Report, cache: BuildCache | None = None, drafts: bool = True,
              config: Path | None = None, records: department_cache.Records | None = None,
              load_keys: dict[str, str] | None = None) -> Site | None:
    """Read and check everything; the model, or None when it cannot be built.

    Structure problems come from the schema; the budget rules run only on a model whose
    files all loaded, so that one broken file is not reported as a dozen wrong sums.
    The blanks of a draft are folded into one to-do line per file; with drafts=False the
    drafts are left out of the model, and neither their blanks nor the budget rules' view
    of them are reported (a broken file is, wherever it is).
    `config`: the settings file to read instead of the project's site.yaml (--config).
    `records` (a command-line build): each department is read and checked again only when
    its files changed since the load kept there; `load_keys` is given each department's key.
    """
    with model_memory():
        return _load_site(root, report, cache, drafts, config, records, load_keys)


def _load_site(root: Path, report: Report, cache: BuildCache | None, drafts: bool = True,
               config: Path | None = None, records: department_cache.Records | None = None,
               load_keys: dict[str, str] | None = None) -> Site | None:
    site, checked = None, None
    listing = None
    if cache is None and site_file_path(Path(root), config).is_file():
        listing = content_listing(Path(root))
        if records is None and not worth_workers(len(listing)):
            listing = None  # small, and nothing kept to reuse: the one-process path
    if listing is not None:
        attempt = Report()
        loaded = load_departments(Path(root), listing, attempt, config, records)
        site, checked = loaded.site, loaded.checked
        if site is not None:  # else site.yaml is broken: the one-process path reports it all
            report.extend(attempt.diagnostics)
            if load_keys is not None:
                load_keys.update(loaded.load_keys)
    if site is None:
        sources = read_sources(Path(root), cache.sources if cache else None, config)
        site = assemble(sources, report, cache.reads if cache else None)
    report.extend(link_diagnostics(Path(root)))
    if site is None:
        return None
    _check_theme(root, site, report)
    folders = site_draft_folders(site)
    todos = take_todos(report, folders)
    if not drafts and folders:
        site = without_drafts(site)
        checked = None if checked is None else [d for d in checked if not in_folders(d, folders)]
    if not report.errors:
        if checked is None:
            checked = run_checks(site, cache.checks if cache else None)
        apply_acknowledgements(site, checked, report)
    if drafts and folders:
        report.extend(todo_list(todos + take_todos(report, folders)))
    return site


def _check_theme(root: Path, site: Site, report: Report) -> None:
    if theme_dir(root, site.config.theme) is None:
        report.error(Location("site.yaml"), message("site.theme_missing", theme=site.config.theme), "site.theme")


def build(
    root: Path,
    output: Path,
    *,
    strict: bool = False,
    progress=None,
    cache: BuildCache | None = None,
    whoosh_index: bool = False,
    base_url: str = "",
    dev_overlay: str = "",
    drafts: bool = False,
    config: Path | None = None,
    shard: Shard | None = None,
    changed: set[str] | None = None,
    precompress: bool | None = None,
) -> BuildResult:
    """Build the site at `root` into `output`. Raises BuildFailed; the old output then stays.

    The published search index (search/ in the output) is always written. The whoosh index
    behind `disclose search` is a tool for editors, not part of the site: `disclose search`
    brings it up to date when it runs, and `whoosh_index=True` prepares it here as well
    (at 10,000 pages it costs more than the whole of the rest of the build).

    `base_url` replaces site.yaml's (--base-url, the dev server's address); `config` is
    the settings file read instead of the project's site.yaml (--config).

    Run again on unchanged inputs (the same sources, templates, options and generator) into
    the output it wrote, it recognises them by their digest and writes nothing.

    A disclosure marked `draft: true` is left out unless `drafts` is true (the dev server
    shows drafts, each page marked as a draft).

    `shard` (--shard K/N) makes only that slice's files (generator/shards.py), with a
    record of the slice for `--merge`.

    `changed` (with a `cache`: the dev server) names the files changed since the last build
    with that cache, so that only those are looked at again; None: not known, look at all.

    `precompress` replaces site.yaml's (the dev server's own server never sends the
    compressed copies, so it makes none); None: as site.yaml says.
    """
    watch = Stopwatch()
    root = Path(root).resolve()
    config = Path(config).resolve() if config is not None else None
    try:
        if cache is not None:  # the dev server: its own private output folder
            cache.sources.changed = changed
            return _build(root, Path(output), strict, progress, cache, whoosh_index, base_url, dev_overlay, watch, drafts, config,
                          precompress=precompress)
        with output_lock(Path(output)):
            return _build(root, Path(output), strict, progress, cache, whoosh_index, base_url, dev_overlay, watch, drafts, config,
                          shard, precompress)
    except OutputError as exc:  # another build holds the output
        report = Report()
        report.error(Location(str(output)), str(exc), "output.unsafe")
        raise BuildFailed(report) from exc
    except BrokenProcessPool as exc:  # a worker died (killed, out of memory): the old output stays as it was
        report = Report()
        report.error(Location(str(output)), message("system.worker-died", reason=str(exc)), "system.worker")
        raise BuildFailed(report) from exc
    except OSError as exc:  # a full disk, a read-only folder: the old output stays as it was
        report = Report()
        where = _relative(exc.filename, root) if isinstance(exc.filename, str) else str(output)
        report.error(Location(where), message("system.build-failed", reason=exc.strerror or str(exc)), "system.io")
        raise BuildFailed(report) from exc


def _build(root: Path, output: Path, strict: bool, progress, cache: BuildCache | None, whoosh_index: bool,
           base_url: str, dev_overlay: str, watch: Stopwatch, drafts: bool, config: Path | None,
           shard: Shard | None = None, precompress: bool | None = None) -> BuildResult:
    options = (str(output.resolve()), strict, whoosh_index, base_url, dev_overlay, drafts, str(config), shard, precompress)
    inputs = read_inputs(root, options, time.time_ns(), config) if cache is None else Inputs("", {})
    unchanged = _unchanged_build(root, output, inputs, watch.started)
    if unchanged is not None:
        return unchanged
    watch.lap(message("timing.inputs"))
    report = Report()
    records = None if cache is not None else load_records(root)
    load_keys: dict[str, str] = {}
    opening = _open_output_early(root, output) if cache is None else None
    try:  # the old output is opened (apart, when large) while the sources load and the pages are listed
        site = load_site(root, report, cache, drafts=drafts, config=config, records=records, load_keys=load_keys)
        watch.lap(message("timing.load"))
        try:
            check_output_dir(output, root)
        except OutputError as exc:
            report.error(Location(str(output)), str(exc), "output.unsafe")
        if site is None or report.failed(strict):
            raise BuildFailed(report)
        if base_url:  # the dev server publishes at its own address
            site = replace(site, config=replace(site.config, base_url=base_url))
        if precompress is not None:
            site = replace(site, config=replace(site.config, precompress=precompress))
        keep = cache is None and shard is None  # a whole command-line build keeps records per department
        listing = _list_pages(root, site, cache, dev_overlay, report, load_keys if keep else None)
        watch.lap(message("timing.pages"))
        early = _while_opening(listing, _departments_record(root, output), opening) if opening is not None else {}
        try:
            old, opening = (opening.result() if opening is not None else None), None
            writer = OutputWriter(output, cache.written if cache else None,
                                  None if cache else output_stat_index(root, output), site.config.precompress, old)
        except OutputError as exc:
            report.error(Location(str(output)), str(exc), "output.unsafe")
            raise BuildFailed(report) from exc
        watch.lap(message("timing.output"))
    finally:
        if opening is not None:  # the build stops before writing
            opening.discard()
    part = None
    try:
        try:
            if shard is not None:
                part = Ownership(site, shard)
                sources = sources_digest(root, site_file_path(root, config), (base_url, drafts))
                writer.add(SHARD_FILE, shard_record(shard, sources, site.config.precompress))
            written, rendered = _pages_into(writer, listing, root, site, cache, progress, watch, dev_overlay, part, early)
        except BaseException:
            writer.abort()  # nothing reaches the output
            raise
    except RenderError as exc:
        where = _relative(exc.template, root)
        report.error(Location(where, exc.line, 1 if exc.line else 0), message("template.error", detail=exc.message, page=exc.page.path), "template.error")
        raise BuildFailed(report) from exc
    except OutputError as exc:
        report.error(Location(str(output)), str(exc), "output.unsafe")
        raise BuildFailed(report) from exc
    pages, docs = listing.pages, listing.docs
    files = len(writer.manifest)
    if whoosh_index:
        from generator.search.engine import index_is_current, write_index  # whoosh: only when asked for

        if not index_is_current(search_index_dir(root), docs):
            write_index(search_index_dir(root), docs)
        watch.lap(message("timing.whoosh"))
    if inputs.digest:
        _remember_build(root, output, inputs, len(pages), files, report)
    return BuildResult(site, len(pages), files, watch.seconds, report, written, tuple(watch.steps), tuple(writer.kept), rendered)


def _departments_record(root: Path, output: Path) -> Path:
    """Where the departments' record for builds into `output` is kept (department_cache)."""
    return department_cache.record_path(root / CACHE_DIR, output)


def _while_opening(listing: PageList, record: Path, opening: OutputOpening) -> dict[str, bytes]:
    """What the build does while a worker opens the old output, until it is done: compile
    the templates, then render the pages it will render whatever the old output holds (the
    site-wide ones, and those of the departments whose key is not the recorded one). The
    pages rendered, by output file; a page that fails is left for the render to report."""
    warm(listing.env, opening.done)
    if not listing.keys:
        return {}
    recorded = department_cache.recorded_with(department_cache.load(record), listing.keys)
    outside = department_cache.Remaining(recorded)  # none of these departments' files can be kept
    early: dict[str, bytes] = {}
    for page in listing.pages:
        if opening.done():
            break
        output = urls.output_file(page.path)
        if outside.owns(output):
            try:
                early[output] = render.render_page(listing.env, page)
            except RenderError:
                break
    return early


def _open_output_early(root: Path, output: Path) -> OutputOpening | None:
    """The old output verified and the back buffer adopted in a worker while the sources
    load, when the output is large (writer.start_opening); not before the output's place
    is known to be safe."""
    try:
        check_output_dir(output, root)
    except OutputError:
        return None  # reported once the sources are loaded, as a build that opens it here does
    return start_opening(output, output_stat_index(root, output))


class PageList(NamedTuple):
    """What a build renders, listed from the site before the writer is opened."""

    env: Environment
    template_dirs: list[Path]
    static_dirs: list[Path]
    docs: list
    pages: list
    extras: dict[str, bytes]  # the files made from the whole site at once (_other_files)
    keys: dict[str, str]  # each department's key (department_cache), when the build keeps records by it


def _list_pages(root: Path, site: Site, cache: BuildCache | None, dev_overlay: str, report: Report,
                load_keys: dict[str, str] | None = None) -> PageList:
    """The pages and search documents; with `load_keys` (a whole command-line build), each
    department's documents are taken from its record when its key is unchanged."""
    template_dirs, static_dirs = theme_dirs(root, site.config.theme)
    env = make_environment(template_dirs, site, cache.environment if cache else None, dev_overlay)
    if cache is not None:
        cache.environment = env
    strings = load_strings(site.config.language)
    keys, kept = {}, None
    if load_keys is not None:
        keys = _department_keys(root, site, strings, template_dirs, load_keys)
        kept = _document_records(root, keys)
    docs = site_documents(site, cache.documents if cache else None, kept)
    pages = site_pages(site, strings, search_page_info(docs, cache.search if cache else None), cache.pages if cache else None)
    return PageList(env, template_dirs, static_dirs, docs, pages, _other_files(site, root, pages, report), keys)


def _document_records(root: Path, keys: dict[str, str]) -> department_cache.DocumentRecords:
    return department_cache.DocumentRecords(department_cache.Records(root / CACHE_DIR / "documents"), keys)


def _department_keys(root: Path, site: Site, strings: dict, template_dirs: list[Path], load_keys: dict[str, str]) -> dict[str, str]:
    """Every department's key (department_cache.department_key)."""
    environment = department_cache.environment_key(site, strings, template_dirs, root)
    return {dept.ref: department_cache.department_key(dept, environment, load_keys.get(dept.ref)) for dept in site.departments}


def _pages_into(writer: OutputWriter, listing: PageList, root: Path, site: Site, cache: BuildCache | None, progress,
                watch: Stopwatch, dev_overlay: str, part: Ownership | department_cache.Remaining | None = None,
                early: dict[str, bytes] | None = None) -> tuple[int, tuple[str, ...]]:
    """Render every page and the search index into the writer and commit it: how many
    files were written, and the paths of the pages rendered. `early`: pages rendered
    already (_while_opening), by output file."""
    env, template_dirs, static_dirs, docs, pages, extras, keys = listing
    setup = RenderSetup(tuple(template_dirs), site.config, site.years, dev_overlay)  # for render workers
    if part is not None:  # one slice of a sharded build: only the files it owns
        extras = {path: data for path, data in extras.items() if part.owns(path)}
    reused: dict[str, str] = {}
    if keys and part is None:  # a command-line build: departments unchanged since the last one are kept
        reused = _reuse_departments(writer, root, site, keys, extras)
        part = department_cache.Remaining(set(reused))
        watch.lap(message("timing.reuse", departments=len(reused), total=len(site.departments)))
    todo = pages if part is None else [p for p in pages if part.owns(urls.output_file(p.path))]
    unrendered = todo
    if early:
        unrendered = []
        for page in todo:
            output = urls.output_file(page.path)
            if output in early:
                writer.add(output, early.pop(output))
            else:
                unrendered.append(page)
    postings = department_cache.SitePostings(department_cache.Records(root / CACHE_DIR / "postings"), keys) if keys else None
    bulk = department_cache.BulkLines(department_cache.Records(root / CACHE_DIR / "bulk"), keys, site) if keys else None
    written = _render_and_write(env, setup, unrendered, docs, writer, static_dirs, cache, progress, watch, site, extras, root, part,
                                postings, bulk)
    if postings is not None:
        postings.finish()
    if keys:
        _document_records(root, keys).finish()
        # a department taken as it was holds the very files it was recorded with
        made = department_cache.files_by_department(writer.manifest, site, set(extras), keys.keys() - reused.keys())
        department_cache.save(_departments_record(root, writer.output_dir), keys, made, reused)
    rendered = tuple(cache.render.rendered) if cache is not None else tuple(page.path for page in todo)
    return written, rendered


def _reuse_departments(writer: OutputWriter, root: Path, site: Site, keys: dict[str, str], extras: dict) -> dict[str, str]:
    """The departments whose files the last build into this output made from the same inputs
    (their `keys`, see department_cache), recorded in the writer as they are; each with the
    fingerprint of those files."""
    last = department_cache.load(_departments_record(root, writer.output_dir))
    candidates = department_cache.recorded_with(last, keys)
    # each candidate's files as the old output verifiably holds them, with the fingerprint recorded
    held = department_cache.files_by_department(writer.reusable, site, set(extras), candidates)
    reused = {}
    for ref in sorted(candidates):
        files = held[ref]
        if department_cache.fingerprint(files) == last[ref][1] and writer.reuse(files):
            reused[ref] = last[ref][1]
    return reused


def _other_files(site: Site, root: Path, pages: list, report: Report) -> dict[str, bytes]:
    """The files made from the whole site at once: sitemap, robots.txt, the feed, and the
    source documents kept beside disclosure.yaml."""
    files = feeds.site_feeds(site, pages)
    for dept in site.departments:
        for disclosure in dept.disclosures:
            if not disclosure.original_is_file:
                continue
            path = root / disclosure.folder / disclosure.original
            if root not in path.resolve().parents:  # a link out of the project is never published
                report.error(disclosure.where, message("disclosure.original-outside", name=disclosure.original), "disclosure.original")
                raise BuildFailed(report)
            files[urls.original(dept.ref, disclosure.year, disclosure.original)] = path.read_bytes()
    return files


def _open_data(site: Site, root: Path, writer: OutputWriter, cache, watch: Stopwatch,
               part: Ownership | department_cache.Remaining | None = None,
               bulk: department_cache.BulkLines | None = None) -> int:
    """Every department-year's downloads (on every core), then the site-wide bulk files
    (their lines kept in `bulk` between command-line builds)."""
    settings = site.config.downloads
    formats = downloads.FORMATS if settings.xlsx else tuple(f for f in downloads.FORMATS if f != "xlsx")
    jobs = [(department_head(dept), disclosure) for dept in site.departments for disclosure in dept.disclosures
            if part is None or part.owns_department(dept.ref)]
    workbooks = WorkbookCache(root / CACHE_DIR / "workbooks") if settings.xlsx else None
    make = functools.partial(downloads.job_files, formats=formats, bundle=settings.bundles, workbooks=workbooks)
    count = produce(jobs, make, writer, cache.downloads if cache else None, key=lambda job: ((job[0].ref, job[1].year), (job, formats, settings)))
    # Only a build that made every department-year's downloads knows which workbooks are in
    # use: the dev server reuses unchanged years without looking, and a build that kept
    # some departments as they were (or a slice of them) did not ask for theirs.
    if workbooks is not None and cache is None and len(jobs) == sum(len(dept.disclosures) for dept in site.departments):
        workbooks.prune()
    watch.lap(message("timing.open-data"))
    if settings.bulk and (part is None or part.site_wide):
        memo, packed = (cache.bulk, cache.bulk_packed) if cache else ({}, {})
        if bulk is not None:
            bulk.fill(memo, packed)
        for path, parts in downloads.site_file_parts(site, settings.bundles, memo, packed):
            writer.add_parts(path, parts)
            count += 1
        if bulk is not None:
            bulk.save(memo, packed)
        watch.lap(message("timing.bulk"))
    return count


def _render_and_write(env, setup: RenderSetup, pages, docs, writer: OutputWriter, static_dirs, cache, progress,
                      watch: Stopwatch, site: Site, extras: dict, root: Path,
                      part: Ownership | department_cache.Remaining | None = None,
                      postings: department_cache.SitePostings | None = None,
                      bulk: department_cache.BulkLines | None = None) -> int:
    """Pages (on every core), the search index (meanwhile, here) and the assets into the
    writer; nothing reaches the output unless all of them were made."""
    try:
        site_wide = part is None or part.site_wide
        plan = []
        if cache is None and site_wide:
            wanted = None if part is None else functools.partial(_owns_scope, part)
            plan = export_plan(docs, wanted, postings.kept() if postings is not None else None)
        rendering = start_rendering(env, pages, writer, cache.render if cache else None, setup, plan)
        plan = []  # the rendering owns the plan now, and lets each department's postings go once joined
        try:
            if cache is not None:  # the dev server: its kept scopes updated in place
                for scope, files in export_groups(docs, cache.search).items():
                    if not writer.keep_group(("search", scope), files):
                        writer.add_group(("search", scope), files)
            elif site_wide:
                site_scope_files(docs, _postings_in_order(rendering, postings), rendering.stage)
            watch.lap(message("timing.export"))
            rendering.collect(progress)
            watch.lap(message("timing.render"))
        finally:
            rendering.close()
        _open_data(site, root, writer, cache, watch, part, bulk)
        for path, data in extras.items():
            writer.add(path, data)
        for path, data in read_assets(static_dirs, root).items():
            if part is None or part.owns(path):
                writer.add(path, data)
        written = writer.commit()
        watch.lap(message("timing.write"))
        return written
    except BaseException:
        writer.abort()
        raise


def _postings_in_order(rendering, records: department_cache.SitePostings | None) -> Iterator[DepartmentPostings]:
    """Every department's postings in the site scope, as its part of the export ends; those
    made anew are handed to `records` to keep."""
    for job, postings, made in rendering.exported():
        if made and records is not None:
            records.made(job.ref, postings)
        yield postings


def _owns_scope(part: Ownership | department_cache.Remaining, scope: str) -> bool:
    return part.owns(f"search/{scope}/meta.json")


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return path
