"""Render pages: Jinja templates (theme + site overrides) and Markdown.

Takes the page list (generator/pages.py) and the template folders and hands every page's
bytes to the output writer: in this process (with the dev server's RenderCache), or on
every core by worker processes that stage the files themselves (fork or spawn, see
generator/parallel.py). Nothing reaches the output until the writer commits.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import yaml
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError, meta, pass_context
from markdown_it import MarkdownIt
from markupsafe import Markup

from generator import compare, parallel, urls, views
from generator.model import Site, SiteConfig
from generator.pages import Page
from generator.search.static import DepartmentExport, DepartmentPostings, export_department
from generator.writer import OutputWriter, Receipt, Stager

STRINGS_DIR = Path(__file__).parent / "strings"


class RenderError(Exception):
    """A template failed; carries where, for the report."""

    def __init__(self, page: Page, template: str, line: int, message: str):
        super().__init__(message)
        self.page = page
        self.template = template
        self.line = line
        self.message = message


@functools.lru_cache(maxsize=8)
def _strings(path: Path, mtime: float) -> dict[str, str]:
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


def load_strings(language: str) -> dict[str, str]:
    """The UI strings of a language (generator/strings/<language>.yaml)."""
    path = STRINGS_DIR / f"{language}.yaml"
    return _strings(path, path.stat().st_mtime)


def _markdown_renderer() -> MarkdownIt:
    # CommonMark with raw HTML switched off: editors' text can never inject markup.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def markdown_filter(md: MarkdownIt):
    def render(text: str, base_level: int = 3) -> Markup:
        """Markdown as HTML, its headings shifted so the highest one is h<base_level>."""
        tokens = md.parse(text or "")
        levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
        shift = base_level - min(levels) if levels else 0
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
        return Markup(md.renderer.render(tokens, md.options, {}))

    return render


def make_environment(template_dirs: list[Path], site: Site, reuse: Environment | None = None, dev_overlay: str = "") -> Environment:
    """The Jinja environment; `reuse` keeps an earlier one (and its compiled templates, which
    Jinja reloads when their files change) when the template folders are the same."""
    if reuse is not None and [Path(d) for d in reuse.disclose_template_dirs] == [Path(d) for d in template_dirs]:  # type: ignore[attr-defined]
        _set_globals(reuse, site.config, site.years, dev_overlay)
        return reuse
    return _new_environment(template_dirs, site.config, site.years, dev_overlay)


def _new_environment(template_dirs: list[Path], config: SiteConfig, years: tuple[int, ...], dev_overlay: str) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(path)) for path in template_dirs]),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.disclose_template_dirs = list(template_dirs)  # type: ignore[attr-defined]
    env.filters["figure"] = views.figure
    env.filters["signed"] = compare.signed
    env.filters["markdown"] = markdown_filter(_markdown_renderer())
    _set_globals(env, config, years, dev_overlay)
    return env


def warm(env: Environment, enough: Callable[[], bool]) -> None:
    """Compile the environment's templates one by one until `enough()` says to stop (a build
    waiting for another process does this meanwhile, so that rendering finds them compiled).
    A template that does not compile is left for the render to report."""
    for name in env.list_templates(extensions=("html",)):
        if enough():
            break
        with contextlib.suppress(TemplateError):
            env.get_template(name)


def _set_globals(env: Environment, config: SiteConfig, years: tuple[int, ...], dev_overlay: str) -> None:
    # Globals are what every page may read; anything else a page shows comes in its context,
    # so that a page's context and its templates are all it depends on.
    base_path = config.base_path
    if config.relative_urls:
        env.filters["url"], env.filters["url_root"] = relative_url, relative_root
    else:
        env.filters["url"] = lambda path: base_path + path
        env.filters["url_root"] = lambda _: base_path
    env.globals.update(
        config=config,
        site_years=years,
        t=load_strings(config.language),
        urls=urls,
        views=views,
        dev_overlay=dev_overlay,  # the dev server's error overlay script, "" in a real build
    )


def _up(context) -> str:
    """From the page being rendered back to the site's root folder: "", "../", "../../"…"""
    return "../" * context["page"].path.count("/")


@pass_context
def relative_url(context, path: str) -> str:
    """A site path as a link relative to the page, naming the file itself (a folder's
    index.html), so that it resolves from a file:// path as well as under any URL."""
    page, hash_mark, fragment = path.partition("#")
    return _up(context) + urls.output_file(page) + hash_mark + fragment


@pass_context
def relative_root(context, _) -> str:
    """The site's root folder relative to the page ("./" at the top)."""
    return _up(context) or "./"


def render_page(env: Environment, page: Page) -> bytes:
    """One page's bytes; any failure becomes a RenderError naming the template and line."""
    try:
        html = env.get_template(page.template).render(page=page, **page.render_context())
    except Exception as exc:
        template, line = _template_location(exc)
        message = getattr(exc, "message", None) or str(exc)
        raise RenderError(page, template or page.template, line, f"{type(exc).__name__}: {message}") from exc
    return html.encode("utf-8")


def _template_location(exc: Exception) -> tuple[str, int]:
    """Where in which template: from a syntax error itself, else the innermost template frame."""
    lineno = getattr(exc, "lineno", None)  # a TemplateSyntaxError's
    if isinstance(exc, TemplateError) and lineno:
        return getattr(exc, "filename", None) or getattr(exc, "name", None) or "", lineno
    found = ("", 0)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html"):  # Jinja maps template frames back to their source lines
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


_REFERENCES: dict[str, tuple[str, ...]] = {}  # template source → the templates it names


def _references(env: Environment, source: str) -> tuple[str, ...]:
    if source not in _REFERENCES:
        _REFERENCES[source] = tuple(ref for ref in meta.find_referenced_templates(env.parse(source)) if ref)
    return _REFERENCES[source]


def template_sources(env: Environment, name: str) -> tuple[tuple[str, str], ...]:
    """The template and every template it extends, includes or imports, with their sources."""
    seen: dict[str, str] = {}
    pending = [name]
    assert env.loader is not None  # make_environment gives every environment its loader
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        source, _, _ = env.loader.get_source(env, current)
        seen[current] = source
        pending.extend(_references(env, source))
    return tuple(sorted(seen.items()))


class RenderCache:
    """Rendered pages kept between builds of one process (the dev server): a page whose
    context, templates and globals are unchanged is not rendered again."""

    def __init__(self):
        self.pages: dict[str, tuple[object, bytes, Page, str]] = {}  # path → (key, bytes, page, output file)
        self.shared: dict[str, tuple] = {}  # template → (its sources and the globals, unchanged), last build
        self.rendered: list[str] = []  # paths rendered by the last build, for reports and tests

    def shared_key(self, env: Environment, template: str, shared: dict) -> tuple:
        """What every page of a template depends on besides its context, once per build."""
        return self._shared(env, template, shared)[0]

    def _shared(self, env: Environment, template: str, shared: dict) -> tuple[tuple, bool]:
        if template not in shared:
            globals_key = tuple(env.globals[name] for name in ("config", "site_years", "t", "dev_overlay"))
            key = (globals_key, template_sources(env, template))
            last = self.shared.get(template)
            shared[template] = (key, last is not None and last[0] == key)
        return shared[template]

    def template_unchanged(self, env: Environment, template: str, shared: dict) -> bool:
        """The template (with all it includes) and the globals are as at the last build."""
        return self._shared(env, template, shared)[1]

    def reusable(self, env: Environment, page: Page, shared: dict) -> tuple | None:
        """The last build's (key, bytes, page, output file) for this page if its key (the
        template, the globals and the context) is the same."""
        previous = self.pages.get(page.path)
        if previous is None:
            return None
        return previous if previous[0] == (self.shared_key(env, page.template, shared), page.context) else None


PARALLEL_FROM = 400  # pages; below this a second process costs more than it saves
CHUNK = 100


@dataclass(frozen=True)
class RenderSetup:
    """What a worker needs to make the build's Jinja environment for itself: picklable, so
    that a spawned worker gets it as an argument (a forked one has it already)."""

    template_dirs: tuple[Path, ...]
    config: SiteConfig
    years: tuple[int, ...]
    dev_overlay: str = ""

    def environment(self) -> Environment:
        return _new_environment(list(self.template_dirs), self.config, self.years, self.dev_overlay)


_WORKER: tuple | None = None  # (environment, pages or None, stager): set in each worker by _start_worker


def _start_worker(setup: RenderSetup, pages: list[Page] | None, stager: Stager) -> None:
    global _WORKER
    _WORKER = (setup.environment(), pages, stager)


def _render_chunk(task: tuple[int, list[Page] | None]):
    """Render one chunk and stage its files; the pages come with the task (spawn) or are
    the worker's own copy of the parent's (fork), from `start` on."""
    assert _WORKER is not None, "_start_worker runs first in every worker"
    env, inherited, stager = _WORKER
    start, pages = task
    chunk = pages if pages is not None else inherited[start:start + CHUNK]
    receipts = []
    for page in chunk:
        try:
            receipts.append(stager.put(urls.output_file(page.path), render_page(env, page)))
        except RenderError as error:
            return ("error", page.path, error.template, error.line, error.message)
    return ("ok", receipts, os.getpid())


def _export_task(job: DepartmentExport) -> tuple[list[tuple[str, Receipt]], DepartmentPostings]:
    """One department's search scopes, staged here; its postings go back to the parent."""
    assert _WORKER is not None, "_start_worker runs first in every worker"
    files, postings = export_department(job)
    return _stage(files.items()), postings


def _stage(files) -> list[tuple[str, Receipt]]:
    assert _WORKER is not None, "_start_worker runs first in every worker"
    stager = _WORKER[2]
    return [(path, stager.put(path, data)) for path, data in files]


def _in_order(jobs: deque[DepartmentExport], export: Callable[[DepartmentExport], DepartmentPostings]
              ) -> Iterator[tuple[DepartmentExport, DepartmentPostings, bool]]:
    """Each department's part of the export with its postings, and whether they were made
    anew: from `export` for a job that needs work, else kept, read only now. Each job is
    taken off the queue as it is handed on, so that its postings are let go once the
    caller has joined them."""
    while jobs:
        job = jobs.popleft()
        if job.needs_work:
            # a kept record that the worker found unreadable is not counted as made: it is
            # made again, and kept, when the department next has no scopes to write
            yield job, export(job), job.kept is None
            continue
        postings = job.kept_postings()
        if postings is None:  # kept, but unreadable now or of other documents: it has no scopes, so made here
            yield job, export_department(job)[1], True
        else:
            yield job, postings, False


STAGE_CHUNK = 500  # files of the site's search scope staged per worker task


class ParallelRender:
    """Pages rendered on every core by worker processes. Each worker makes its own Jinja
    environment from a RenderSetup, renders its chunks and stages each page itself (the
    writer's Stager), and sends back only the receipts, in order, which the parent records
    in the writer. Under fork the workers inherit the page list; under spawn each chunk's
    pages travel with it.

    The same workers export the departments' search scopes (`exports`, queued before the
    pages, so that the parent can join their postings into the site's scope while the
    pages render) and stage the files the parent hands to stage()."""

    def __init__(self, setup: RenderSetup, pages: list[Page], writer: OutputWriter, workers: int,
                 exports: list[DepartmentExport] | None = None):
        self.pages, self.writer = pages, writer
        self.jobs = deque(exports or ())
        self.worker_pids: set[int] = set()  # which processes rendered, for the tests
        inherit = parallel.context().get_start_method() == "fork"
        # Under fork the pool's arguments are not pickled: the workers simply have them.
        self.pool = parallel.worker_pool(workers, _start_worker, (setup, pages if inherit else None, writer.stager()))
        self.exports = deque(self.pool.submit(_export_task, job) for job in self.jobs if job.needs_work)
        tasks = [(start, None if inherit else pages[start:start + CHUNK]) for start in range(0, len(pages), CHUNK)]
        self.results = self.pool.map(_render_chunk, tasks)
        self.staged: list[Future] = []
        self.batch: list[tuple[str, bytes]] = []  # files handed to stage(), not yet sent

    def exported(self) -> Iterator[tuple[DepartmentExport, DepartmentPostings, bool]]:
        """Every department's postings in the site scope, in order, as its export ends (its
        scopes' files recorded in the writer)."""
        def collected(job: DepartmentExport) -> DepartmentPostings:
            # taken off the queue, so that a department's postings are let go once joined:
            # all of them together are the largest thing a build holds
            receipts, postings = self.exports.popleft().result()
            for path, receipt in receipts:
                self.writer.record(path, receipt)
            return postings

        return _in_order(self.jobs, collected)

    def stage(self, path: str, data: bytes) -> None:
        """Stage this file on the workers, with others in batches (recorded at collect())."""
        self.batch.append((path, data))
        if len(self.batch) >= STAGE_CHUNK:
            self._send_batch()

    def _send_batch(self) -> None:
        if self.batch:
            self.staged.append(self.pool.submit(_stage, self.batch))
            self.batch = []

    def collect(self, progress=None) -> None:
        done = 0
        self._send_batch()
        try:
            for result in self.results:
                if result[0] == "error":
                    _, path, template, line, message = result
                    page = next(p for p in self.pages if p.path == path)
                    raise RenderError(page, template, line, message)
                for receipt in result[1]:
                    self.writer.record(urls.output_file(self.pages[done].path), receipt)
                    done += 1
                self.worker_pids.add(result[2])
                if progress:
                    progress(done, len(self.pages))
            for future in self.staged:
                for path, receipt in future.result():
                    self.writer.record(path, receipt)
        finally:
            self.close()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def worker_count(pages: int) -> int:
    return parallel.usable_cores() if pages >= PARALLEL_FROM else 1


class SerialRender:
    """Pages rendered one by one in this process, at collect(); with a cache (the dev
    server), a page whose context, templates and globals are unchanged is reused. The
    departments' search scopes (`exports`) and the files handed to stage() are made here
    as they are asked for."""

    def __init__(self, env: Environment, pages: list[Page], sink, cache: RenderCache | None,
                 exports: list[DepartmentExport] | None = None):
        self.env, self.pages, self.sink, self.cache = env, pages, sink, cache
        self.jobs = deque(exports or ())

    def exported(self) -> Iterator[tuple[DepartmentExport, DepartmentPostings, bool]]:
        def made_here(job: DepartmentExport) -> DepartmentPostings:
            files, postings = export_department(job)
            for path, data in files.items():
                self.stage(path, data)
            return postings

        return _in_order(self.jobs, made_here)

    def stage(self, path: str, data: bytes) -> None:
        self.sink.add(path, data)

    def collect(self, progress=None) -> None:
        env, pages, cache, sink = self.env, self.pages, self.cache, self.sink
        shared: dict = {}
        fresh: dict[str, tuple] = {}
        rendered: list[str] = []
        kept: list[tuple[str, bytes]] = []
        last = cache.pages if cache is not None else {}
        for index, page in enumerate(pages, start=1):
            previous = last.get(page.path)
            # The very page object of the last build (the pages memo kept it) is unchanged
            # when its template and the globals are: no need to compare its context.
            if previous is not None and previous[2] is page and cache is not None and cache.template_unchanged(env, page.template, shared):
                fresh[page.path] = previous
                kept.append((previous[3], previous[1]))
                continue
            previous = cache.reusable(env, page, shared) if cache is not None else None
            output = urls.output_file(page.path)
            if previous is not None:
                data = previous[1]
                fresh[page.path] = (previous[0], data, page, output)
                kept.append((output, data))
            else:
                data = render_page(env, page)
                rendered.append(page.path)
                if cache is not None:
                    fresh[page.path] = ((cache.shared_key(env, page.template, shared), page.context), data, page, output)
                sink.add(output, data)
            if progress:
                progress(index, len(pages))
        for output, data in sink.keep_all(kept):  # any the last build did not write with these bytes
            sink.add(output, data)
        if progress and pages:
            progress(len(pages), len(pages))
        if cache is not None:
            cache.pages, cache.shared, cache.rendered = fresh, shared, rendered

    def close(self) -> None:
        pass


def start_rendering(env: Environment, pages: list[Page], writer: OutputWriter, cache: RenderCache | None = None,
                    setup: RenderSetup | None = None,
                    exports: list[DepartmentExport] | None = None) -> ParallelRender | SerialRender:
    """Rendering into `writer` on every core when there are many pages and no cache to
    consult (workers start now, so the caller can do other work before collect()); else in
    this process. `setup` is how the workers make `env` again (without it: one process).
    `exports`: the departments' parts of the search export, made by the same workers."""
    workers = worker_count(len(pages))
    if cache is None and setup is not None and workers > 1:
        return ParallelRender(setup, pages, writer, workers, exports)
    return SerialRender(env, pages, writer, cache, exports)
