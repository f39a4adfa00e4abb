"""The `disclose` command."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from generator import __version__
from generator.build import build, load_site
from generator.diagnostics import BuildFailed, Report
from generator.messages import message

QUIET, NORMAL, VERBOSE = 0, 1, 2


def verbosity(args) -> int:
    """-q: only problems; -v: also the details (timings, every file, every request)."""
    if getattr(args, "quiet", False):
        return QUIET
    return VERBOSE if getattr(args, "verbose", False) else NORMAL


def base_url_argument(text: str) -> str:
    """--base-url: an absolute http(s) URL with a host, or a path from /; ends with '/'."""
    if not re.fullmatch(r"(https?://[^/\s?#@]+)?(/(?!/)[^\s?#]*)?", text) or text == "":
        raise argparse.ArgumentTypeError(message("cli.base_url_invalid", value=text))
    return text if text.endswith("/") else text + "/"


def config_argument(text: str) -> Path:
    """--config: a settings file that exists."""
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(message("cli.config_missing", path=text))
    return path


def _progress(stream):
    """A one-line progress display when writing to a terminal; nothing otherwise."""
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            stream.write(f"\rrendering pages {done}/{total}")
            if done == total:
                stream.write("\r\033[K")
            stream.flush()

    return show


def cmd_build(args) -> int:
    source = Path(args.source)
    output = Path(args.output) if args.output else source / "_site"
    level = verbosity(args)
    try:
        result = build(source, output, strict=args.strict, whoosh_index=args.whoosh,
                       progress=None if level == QUIET else _progress(sys.stderr),
                       base_url=args.base_url or "", config=args.config)
    except BuildFailed as failed:
        print(failed.report.format_text(), file=sys.stderr)
        print(f"build failed: nothing was written; {output} is unchanged", file=sys.stderr)
        return 1
    if result.report.diagnostics:
        print(result.report.format_text(), file=sys.stderr)
    if level > QUIET and result.site is None:
        print(f"nothing changed since the last build: {result.pages} pages ({result.files} files) in {output}, checked in {result.seconds:.2f} s")
    elif level > QUIET:
        print(f"built {result.pages} pages ({result.files} files, {result.written} written) into {output} in {result.seconds:.2f} s")
    if args.timings or level == VERBOSE:
        for step, seconds in result.timings:
            print(f"  {seconds:8.2f} s  {step}")
    return 0


def cmd_check(args) -> int:
    report = Report()
    started = time.perf_counter()
    level = verbosity(args)
    site = load_site(Path(args.source).resolve(), report, config=args.config)
    failed = report.failed(args.strict)
    if args.format == "json":
        print(report.format_json())
    else:
        if report.diagnostics:
            print(report.format_text())
        if level == VERBOSE or (level == NORMAL and not report.diagnostics):
            print(f"{len(report.errors)} error(s), {len(report.diagnostics) - len(report.errors)} warning(s): checked in {time.perf_counter() - started:.2f} s")
        if level == VERBOSE and site is not None:
            disclosures = sum(len(department.disclosures) for department in site.departments)
            print(message("check.verbose_counts", departments=len(site.departments), disclosures=disclosures,
                          base_url=args.base_url or site.config.base_url))
    return 1 if failed else 0


def cmd_search(args) -> int:
    from generator.search.documents import site_documents
    from generator.search.engine import index_is_current, search, write_index
    from generator.build import search_index_dir

    root = Path(args.source).resolve()
    report = Report()
    site = load_site(root, report)
    if site is None or report.errors:
        print(report.format_text(), file=sys.stderr)
        return 1
    index_dir = search_index_dir(root)
    docs = site_documents(site)
    level = verbosity(args)
    if args.reindex or not index_is_current(index_dir, docs):
        write_index(index_dir, docs)
        if level == VERBOSE:
            print(message("search.reindexed", path=index_dir), file=sys.stderr)
    hits = search(index_dir, args.query, dept=args.dept or "", year=args.year or "", limit=args.limit)
    base = site.config.base_path
    for hit in hits:
        where = " · ".join(part for part in (hit.dept_name, f"{hit.year}年" if hit.year else "", f"预算数 {hit.budget} 万元" if hit.budget else "") if part)
        print(f"{hit.title}\n    {base}{hit.path}\n    {where}")
    if level > QUIET:
        print(f"{len(hits)} result(s) for {args.query!r}", file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    from generator.serve import serve

    return serve(Path(args.source), host=args.host, port=args.port, base_url=args.base_url or "",
                 config=args.config, open_browser=args.open, verbosity=verbosity(args))


def cmd_new(args) -> int:
    from generator.scaffold import ScaffoldError, new_department, new_year

    root = Path(args.source).resolve()
    level = verbosity(args)
    if not (root / "site.yaml").is_file():
        print(f"disclose new: {message('new.no_site', path=root)}", file=sys.stderr)
        return 1
    try:
        if args.what == "year":
            written = new_year(root, args.dept, args.year)
        else:
            written = new_department(root, args.code, args.name, args.region or "")
    except ScaffoldError as error:
        print(f"disclose new: {error}", file=sys.stderr)
        return 1
    for path in sorted(written) if level > QUIET else ():
        print(f"created {path.relative_to(root).as_posix()}")
    report = Report()
    load_site(root, report)
    if report.diagnostics and level > QUIET:
        print("\nstill to fill in (disclose check):")
        print(report.format_text())
    return 0


def cmd_init(args) -> int:
    from generator.portal_init import InitError, init_portal

    target = Path(args.directory)
    level = verbosity(args)
    try:
        written = init_portal(target)
    except InitError as error:
        print(f"disclose init: {error}", file=sys.stderr)
        return 1
    if level == VERBOSE:
        for path in written:
            print(f"created {path.relative_to(target).as_posix()}")
    if level > QUIET:
        print(message("init.created", path=target, count=len(written)))
    return 0


def _output_options(default) -> argparse.ArgumentParser:
    """-q and -v, on every command (and before it). `default` SUPPRESS on the commands, so
    that `disclose -q build` is not undone by the command's own default."""
    options = argparse.ArgumentParser(add_help=False)
    group = options.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", default=default, help="print nothing but problems")
    group.add_argument("-v", "--verbose", action="store_true", default=default,
                       help="print more: timings, every file written, every request served")
    return options


def _site_options() -> argparse.ArgumentParser:
    """--base-url and --config, for the commands that read the portal's settings."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--base-url", type=base_url_argument, default=None, metavar="URL",
                         help="publish under this address instead of site.yaml's base_url (an http(s) URL, or a path from /)")
    options.add_argument("--config", type=config_argument, default=None, metavar="FILE",
                         help="read the portal's settings from FILE instead of SOURCE/site.yaml")
    return options


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="disclose", description="Build a public budget-disclosure portal (部门预算公开).",
                                     parents=[_output_options(False)])
    parser.add_argument("--version", action="version", version=f"disclose {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    common = [_output_options(argparse.SUPPRESS)]
    site = common + [_site_options()]

    init_parser = commands.add_parser("init", parents=common, help="start a new portal in an empty folder")
    init_parser.add_argument("directory", nargs="?", default=".", metavar="DIR", help="the folder (default: current folder; created if missing)")
    init_parser.set_defaults(run=cmd_init)

    build_parser = commands.add_parser("build", parents=site, help="check the content and write the site")
    build_parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    build_parser.add_argument("--output", default=None, help="output folder (default: SOURCE/_site)")
    build_parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_parser.add_argument("--timings", action="store_true", help="print where the build's time went, step by step")
    build_parser.add_argument("--whoosh", action="store_true",
                              help="also bring the index `disclose search` reads up to date (otherwise that command does it on first use)")
    build_parser.set_defaults(run=cmd_build)

    check_parser = commands.add_parser("check", parents=site, help="validate the content and report every problem; writes nothing")
    check_parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    check_parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check_parser.set_defaults(run=cmd_check)

    search_parser = commands.add_parser("search", parents=common, help="search the portal from the terminal (the same index words as the site)")
    search_parser.add_argument("query", help="words, a project code, a department name")
    search_parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    search_parser.add_argument("--dept", help="only this department code")
    search_parser.add_argument("--year", help="only this year")
    search_parser.add_argument("--limit", type=int, default=20, help="at most this many results (default 20)")
    search_parser.add_argument("--reindex", action="store_true", help="rebuild the index even if it looks current")
    search_parser.set_defaults(run=cmd_search)

    serve_parser = commands.add_parser("serve", parents=site, help="build, serve and rebuild on every change, with live reload")
    serve_parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve_parser.add_argument("--open", action="store_true", help="open the preview in the web browser once it is served")
    serve_parser.set_defaults(run=cmd_serve)

    new_parser = commands.add_parser("new", parents=common, help="start a department, or a department's next year")
    new_commands = new_parser.add_subparsers(dest="what", required=True)
    year_parser = new_commands.add_parser("year", parents=common, help="a new year for a department, carried forward from its latest year")
    year_parser.add_argument("dept", help="department code")
    year_parser.add_argument("year", type=int, help="the new year")
    year_parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    year_parser.set_defaults(run=cmd_new)
    dept_parser = new_commands.add_parser("department", parents=common, help="a new department folder")
    dept_parser.add_argument("code", help="department code (部门编码)")
    dept_parser.add_argument("name", help="department name (部门名称)")
    dept_parser.add_argument("--region", help="region (地区)")
    dept_parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    dept_parser.set_defaults(run=cmd_new)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    return args.run(args)
