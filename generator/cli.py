"""The `disclose` command."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from generator import __version__
from generator.build import build, load_site
from generator.diagnostics import BuildFailed, Report


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
    try:
        result = build(source, output, strict=args.strict, whoosh_index=args.whoosh,
                       progress=None if args.quiet else _progress(sys.stderr))
    except BuildFailed as failed:
        print(failed.report.format_text(), file=sys.stderr)
        print(f"build failed: nothing was written; {output} is unchanged", file=sys.stderr)
        return 1
    if result.report.diagnostics:
        print(result.report.format_text(), file=sys.stderr)
    if not args.quiet and result.site is None:
        print(f"nothing changed since the last build: {result.pages} pages ({result.files} files) in {output}, checked in {result.seconds:.2f} s")
    elif not args.quiet:
        print(f"built {result.pages} pages ({result.files} files, {result.written} written) into {output} in {result.seconds:.2f} s")
    if args.timings:
        for step, seconds in result.timings:
            print(f"  {seconds:8.2f} s  {step}")
    return 0


def cmd_check(args) -> int:
    report = Report()
    started = time.perf_counter()
    load_site(Path(args.source).resolve(), report)
    failed = report.failed(args.strict)
    if args.format == "json":
        print(report.format_json())
    else:
        if report.diagnostics:
            print(report.format_text())
        else:
            print(f"0 error(s), 0 warning(s): checked in {time.perf_counter() - started:.2f} s")
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
    if args.reindex or not index_is_current(index_dir, docs):
        write_index(index_dir, docs)
    hits = search(index_dir, args.query, dept=args.dept or "", year=args.year or "", limit=args.limit)
    base = site.config.base_path
    from generator.render import load_strings

    words = load_strings(site.config.language)
    for hit in hits:
        where = " · ".join(part for part in (hit.dept_name, f"{hit.year}年" if hit.year else "", f"预算数 {hit.budget} 万元" if hit.budget else "") if part)
        kind = words.get(f"kind_{hit.kind}", hit.kind)
        print(f"[{kind}] {hit.title}\n    {base}{hit.path}\n    {where}")
        if hit.summary:
            print(f"    {hit.summary}")
    print(f"{len(hits)} result(s) for {args.query!r}", file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    from generator.serve import serve

    serve(Path(args.source), host=args.host, port=args.port)
    return 0


def cmd_new(args) -> int:
    from generator.scaffold import ScaffoldError, new_department, new_year

    root = Path(args.source).resolve()
    try:
        if args.what == "year":
            written = new_year(root, args.dept, args.year)
        else:
            written = new_department(root, args.code, args.name, args.region or "")
    except ScaffoldError as error:
        print(f"disclose new: {error}", file=sys.stderr)
        return 1
    for path in sorted(written):
        print(f"created {path.relative_to(root)}")
    report = Report()
    load_site(root, report)
    if report.diagnostics:
        print("\nstill to fill in (disclose check):")
        print(report.format_text())
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="disclose", description="Build a public budget-disclosure portal (部门预算公开).")
    parser.add_argument("--version", action="version", version=f"disclose {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    build_parser = commands.add_parser("build", help="check the content and write the site")
    build_parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    build_parser.add_argument("--output", default=None, help="output folder (default: SOURCE/_site)")
    build_parser.add_argument("--quiet", action="store_true", help="print nothing but problems")
    build_parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_parser.add_argument("--timings", action="store_true", help="print where the build's time went, step by step")
    build_parser.add_argument("--whoosh", action="store_true",
                              help="also bring the index `disclose search` reads up to date (otherwise that command does it on first use)")
    build_parser.set_defaults(run=cmd_build)

    check_parser = commands.add_parser("check", help="validate the content and report every problem; writes nothing")
    check_parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    check_parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check_parser.set_defaults(run=cmd_check)

    search_parser = commands.add_parser("search", help="search the portal from the terminal (the same index words as the site)")
    search_parser.add_argument("query", help="words, a project code, a department name")
    search_parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    search_parser.add_argument("--dept", help="only this department code")
    search_parser.add_argument("--year", help="only this year")
    search_parser.add_argument("--limit", type=int, default=20, help="at most this many results (default 20)")
    search_parser.add_argument("--reindex", action="store_true", help="rebuild the index even if it looks current")
    search_parser.set_defaults(run=cmd_search)

    serve_parser = commands.add_parser("serve", help="build, serve and rebuild on every change, with live reload")
    serve_parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve_parser.set_defaults(run=cmd_serve)

    new_parser = commands.add_parser("new", help="start a department, or a department's next year")
    new_commands = new_parser.add_subparsers(dest="what", required=True)
    year_parser = new_commands.add_parser("year", help="a new year for a department, carried forward from its latest year")
    year_parser.add_argument("dept", help="department code")
    year_parser.add_argument("year", type=int, help="the new year")
    year_parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    year_parser.set_defaults(run=cmd_new)
    dept_parser = new_commands.add_parser("department", help="a new department folder")
    dept_parser.add_argument("code", help="department code (部门编码)")
    dept_parser.add_argument("name", help="department name (部门名称)")
    dept_parser.add_argument("--region", help="region (地区)")
    dept_parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    dept_parser.set_defaults(run=cmd_new)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    return args.run(args)
