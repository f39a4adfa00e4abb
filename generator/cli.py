"""The `disclose` command."""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
import time
from pathlib import Path

from generator import __version__
from generator.argparse_text import localized
from generator.build import build, load_records, load_site
from generator.diagnostics import BuildFailed, Report
from generator.messages import available_languages, language_from_environment, message, set_language
from generator.shards import Shard, merge_slices
from generator.writer import OutputError, check_output_dir, output_lock

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
            stream.write("\r" + message("cli.rendering", done=done, total=total))
            if done == total:
                stream.write("\r\033[K")
            stream.flush()

    return show


def cmd_build(args) -> int:
    source = Path(args.source)
    output = Path(args.output) if args.output else source / "_site"
    level = verbosity(args)
    if args.merge:
        return _merge(args, source, output, level)
    try:
        shard = Shard.parse(args.shard) if args.shard else None
    except ValueError as bad:
        print(bad, file=sys.stderr)
        return 2
    try:
        result = build(source, output, strict=args.strict, whoosh_index=args.whoosh, drafts=args.drafts,
                       progress=None if level == QUIET else _progress(sys.stderr),
                       base_url=args.base_url or "", config=args.config, shard=shard)
    except BuildFailed as failed:
        print(failed.report.format_text(), file=sys.stderr)
        print(message("cli.build-failed", output=output), file=sys.stderr)
        return 1
    if result.report.diagnostics:
        print(result.report.format_text(), file=sys.stderr)
    for kept in result.kept:  # files in the output the builder did not write: never deleted
        key_path = output / kept.path
        print(message("output.kept-foreign", path=key_path) if kept.reason == "foreign"
              else message("output.kept-changed", path=key_path), file=sys.stderr)
    if level > QUIET and result.site is None:
        print(message("cli.unchanged", pages=result.pages, files=result.files, output=output, seconds=result.seconds))
    elif level > QUIET:
        print(message("cli.built", pages=result.pages, files=result.files, written=result.written, output=output, seconds=result.seconds))
    if args.timings or level == VERBOSE:
        for step, seconds in result.timings:
            print(message("cli.timing", seconds=seconds, step=step))
    return 0


def _merge(args, source: Path, output: Path, level: int) -> int:
    """`build --merge DIR...`: the slices joined into `output`, all or nothing."""
    if args.shard:
        print(message("shard.with-merge"), file=sys.stderr)
        return 2
    try:
        check_output_dir(output, source.resolve(), [Path(folder) for folder in args.merge])
        with output_lock(output):
            writer = merge_slices([Path(folder) for folder in args.merge], output)
    except OutputError as refused:
        print(refused, file=sys.stderr)
        print(message("cli.build-failed", output=output), file=sys.stderr)
        return 1
    if level > QUIET:
        print(message("shard.merged", slices=len(args.merge), files=len(writer.manifest), written=len(writer.changed), output=output))
    return 0


def cmd_check(args) -> int:
    report = Report()
    started = time.perf_counter()
    level = verbosity(args)
    root = Path(args.source).resolve()
    # the departments unchanged since the last build are taken from its load records, read only
    site = load_site(root, report, config=args.config, records=load_records(root, read_only=True))
    failed = report.failed(args.strict)
    if args.format == "json":
        print(report.format_json())
    else:
        if report.diagnostics:
            print(report.format_text())
        if level == VERBOSE or (level == NORMAL and not report.diagnostics):
            print(message("cli.check-clean", seconds=time.perf_counter() - started))
        if level == VERBOSE and site is not None:
            disclosures = sum(len(department.disclosures) for department in site.departments)
            print(message("check.verbose_counts", departments=len(site.departments), disclosures=disclosures,
                          base_url=args.base_url or site.config.base_url))
    return 1 if failed else 0


def cmd_search(args) -> int:
    from generator.build import search_index_dir
    from generator.search.documents import site_documents
    from generator.search.engine import index_is_current, search, write_index

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
    from generator.render import load_strings

    words = load_strings(site.config.language)
    for hit in hits:
        year = message("cli.search-year", year=hit.year) if hit.year else ""
        budget = message("cli.search-budget", budget=hit.budget) if hit.budget else ""
        where = " · ".join(part for part in (hit.dept_name, year, budget) if part)
        kind = words.get(f"kind_{hit.kind}", hit.kind)
        print(f"[{kind}] {hit.title}\n    {base}{hit.path}\n    {where}")
        if hit.summary:
            print(f"    {hit.summary}")
    if level > QUIET:
        print(message("cli.search-results", count=len(hits), query=args.query), file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    from generator.serve import serve

    return serve(Path(args.source), host=args.host, port=args.port, base_url=args.base_url or "",
                 config=args.config, open_browser=args.open, verbosity=verbosity(args))


def cmd_new(args) -> int:
    from generator.model import department_folder
    from generator.scaffold import ScaffoldError, new_department, new_year

    root = Path(args.source).resolve()
    level = verbosity(args)
    try:
        if args.what == "year":
            written = new_year(root, args.dept, args.year, args.region_code or "")
        else:
            written = new_department(root, args.code, args.name, args.region or "", args.region_code or "")
    except ScaffoldError as error:
        print(message("cli.new-failed", error=error), file=sys.stderr)
        return 1
    report = Report()
    year_folder = f"{department_folder(args.dept, args.region_code or '')}/{args.year}/" if args.what == "year" else ""
    if args.what == "year" and level > QUIET:
        print(message("cli.new-year-created", count=len(written), folder=year_folder))
    if args.what != "year" or level == VERBOSE:
        for path in sorted(written) if level > QUIET else ():
            print(message("cli.created", path=path.relative_to(root).as_posix()))
    load_site(root, report)
    if level == QUIET:
        return 0
    if args.what == "year":
        print(todo_summary(report, year_folder))
    elif report.diagnostics:
        print("\n" + message("cli.still-to-fill"))
        print(report.format_text())
    return 0


def cmd_init(args) -> int:
    from generator.portal_init import InitError, init_portal

    target = Path(args.directory)
    level = verbosity(args)
    try:
        written = init_portal(target)
    except InitError as error:
        print(message("cli.init-failed", error=error), file=sys.stderr)
        return 1
    if level == VERBOSE:
        for path in written:
            print(message("cli.created", path=path.relative_to(target).as_posix()))
    if level > QUIET:
        print(message("init.created", path=target, count=len(written)))
    return 0


def todo_summary(report: Report, folder: str) -> str:
    """A new year's to-do list in a few lines: blanks by part, then anything else in it."""
    from generator.drafts import TODO_RULE

    mine = [d for d in report.diagnostics if d.location.path.startswith(folder)]
    todos = [d for d in mine if d.rule == TODO_RULE]
    parts: dict[str, list[int]] = {}
    for d in todos:
        relative = d.location.path[len(folder):]  # the part below the year folder
        part = relative.split("/", 1)[0] + "/" if "/" in relative else relative
        files_and_count = parts.setdefault(part, [0, 0])
        files_and_count[0] += 1
        files_and_count[1] += int(d.found or 0)
    total = sum(count for _, count in parts.values())
    lines = [message("cli.todo-total", count=total, files=len(todos))]
    lines += [message("cli.todo-part", part=part, files=files, count=count) for part, (files, count) in sorted(parts.items())]
    others = [d for d in mine if d.rule != TODO_RULE]
    if others:
        lines.append(message("cli.todo-others", errors=len([d for d in others if d.severity.value == "error"]),
                             warnings=len([d for d in others if d.severity.value == "warning"])))
    lines.append(message("cli.todo-finish"))
    return "\n".join(lines)


def _common_options(default) -> argparse.ArgumentParser:
    """--lang, -q and -v, on every command (and before it). `default` SUPPRESS on the
    commands, so that `disclose -q build` is not undone by the command's own default."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--lang", choices=available_languages(), default=argparse.SUPPRESS, help=message("help.lang"))
    group = options.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", default=default, help=message("help.quiet"))
    group.add_argument("-v", "--verbose", action="store_true", default=default, help=message("help.verbose"))
    return options


def _site_options() -> argparse.ArgumentParser:
    """--base-url and --config, for the commands that read the portal's settings."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--base-url", type=base_url_argument, default=None, metavar="URL", help=message("help.base-url"))
    options.add_argument("--config", type=config_argument, default=None, metavar="FILE", help=message("help.config"))
    return options


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="disclose", description=message("help.description"), parents=[_common_options(False)])
    parser.add_argument("--version", action="version", version=f"disclose {__version__}", help=message("help.version"))
    commands = parser.add_subparsers(dest="command", required=True, title=message("help.commands"))
    common = [_common_options(argparse.SUPPRESS)]
    site = common + [_site_options()]

    init_parser = commands.add_parser("init", parents=common, help=message("help.init"), description=message("help.init"))
    init_parser.add_argument("directory", nargs="?", default=".", metavar="DIR", help=message("help.init-dir"))
    init_parser.set_defaults(run=cmd_init)

    build_parser = commands.add_parser("build", parents=site, help=message("help.build"), description=message("help.build"))
    build_parser.add_argument("--source", default=".", help=message("help.source"))
    build_parser.add_argument("--output", default=None, help=message("help.output"))
    build_parser.add_argument("--strict", action="store_true", help=message("help.strict"))
    build_parser.add_argument("--drafts", action="store_true", help=message("help.drafts"))
    build_parser.add_argument("--timings", action="store_true", help=message("help.timings"))
    build_parser.add_argument("--whoosh", action="store_true", help=message("help.whoosh"))
    build_parser.add_argument("--shard", metavar="K/N", help=message("help.shard"))
    build_parser.add_argument("--merge", nargs="+", metavar="DIR", help=message("help.merge"))
    build_parser.set_defaults(run=cmd_build)

    check_parser = commands.add_parser("check", parents=site, help=message("help.check"), description=message("help.check"))
    check_parser.add_argument("--source", default=".", help=message("help.source"))
    check_parser.add_argument("--strict", action="store_true", help=message("help.strict"))
    check_parser.add_argument("--format", choices=("text", "json"), default="text", help=message("help.format"))
    check_parser.set_defaults(run=cmd_check)

    search_parser = commands.add_parser("search", parents=common, help=message("help.search"), description=message("help.search"))
    search_parser.add_argument("query", help=message("help.query"))
    search_parser.add_argument("--source", default=".", help=message("help.source"))
    search_parser.add_argument("--dept", help=message("help.dept"))
    search_parser.add_argument("--year", help=message("help.year"))
    search_parser.add_argument("--limit", type=int, default=20, help=message("help.limit"))
    search_parser.add_argument("--reindex", action="store_true", help=message("help.reindex"))
    search_parser.set_defaults(run=cmd_search)

    serve_parser = commands.add_parser("serve", parents=site, help=message("help.serve"), description=message("help.serve"))
    serve_parser.add_argument("--source", default=".", help=message("help.source"))
    serve_parser.add_argument("--host", default="127.0.0.1", help=message("help.host"))
    serve_parser.add_argument("--port", type=int, default=8000, help=message("help.port"))
    serve_parser.add_argument("--open", action="store_true", help=message("help.open"))
    serve_parser.set_defaults(run=cmd_serve)

    new_parser = commands.add_parser("new", parents=common, help=message("help.new"), description=message("help.new"))
    new_commands = new_parser.add_subparsers(dest="what", required=True, title=message("help.commands"))
    year_parser = new_commands.add_parser("year", parents=common, help=message("help.new-year"), description=message("help.new-year"))
    year_parser.add_argument("dept", help=message("help.new-dept-code"))
    year_parser.add_argument("year", help=message("help.new-year-year"))
    year_parser.add_argument("--region-code", help=message("help.new-region-code"))
    year_parser.add_argument("--source", default=".", help=message("help.source"))
    year_parser.set_defaults(run=cmd_new)
    dept_parser = new_commands.add_parser("department", parents=common, help=message("help.new-department"), description=message("help.new-department"))
    dept_parser.add_argument("code", help=message("help.new-code"))
    dept_parser.add_argument("name", help=message("help.new-name"))
    dept_parser.add_argument("--region", help=message("help.new-region"))
    dept_parser.add_argument("--region-code", help=message("help.new-region-code"))
    dept_parser.add_argument("--source", default=".", help=message("help.source"))
    dept_parser.set_defaults(run=cmd_new)
    from generator.importer.command import add_parser as add_import_parser  # disclose import

    add_import_parser(commands)
    return parser


def choose_language(argv: list[str], environ: dict[str, str] | None = None) -> str:
    """`--lang X` (or --lang=X) anywhere on the command line, else the locale (LANG)."""
    for index, arg in enumerate(argv):
        value = argv[index + 1] if arg == "--lang" and index + 1 < len(argv) else arg[7:] if arg.startswith("--lang=") else None
        if value in available_languages():
            return value
    return language_from_environment(environ)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    set_language(choose_language(argv))
    with localized():
        args = make_parser().parse_args(argv)
    try:
        return args.run(args)
    except OSError as error:  # the system said no: say what, where and what to do; no traceback
        print(f"disclose: {system_error(error)}", file=sys.stderr)
        return 1


def run() -> None:
    """The `disclose` command: main(), then out of the process without the interpreter's
    teardown. A build after an edit holds the model of the whole portal, millions of small
    objects, and freeing them one by one at exit took a third of a second at 10,000 pages.
    Every file the command writes is closed and every worker pool shut down before main()
    returns, so skipping the teardown loses nothing but the time."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: as Python's own exit would, say so by the code
            code = code or 120
    if sys.getprofile() is None and sys.gettrace() is None:  # a profiler or coverage writes its data at exit
        os._exit(code)
    sys.exit(code)


def system_error(error: OSError) -> str:
    """An OSError as a sentence: the path, what happened, what to do."""
    path, reason, code = error.filename or "", error.strerror or str(error), error.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return message("system.no-space", path=path, reason=reason)
    if code == errno.EROFS:
        return message("system.read-only", path=path, reason=reason)
    if code in (errno.EACCES, errno.EPERM):
        return message("system.denied", path=path, reason=reason)
    if code == errno.ELOOP:
        return message("system.loop", path=path, reason=reason)
    if code == errno.ENOENT:
        return message("system.missing", path=path, reason=reason)
    if code == errno.EADDRINUSE:
        return message("system.address-in-use", path=path, reason=reason)
    return message("system.other", path=path, reason=reason)
