"""The `disclose import` subcommand: arguments, the report, the check afterwards."""

from __future__ import annotations

import sys
from pathlib import Path

from generator.messages import message


def add_parser(commands) -> None:
    parser = commands.add_parser("import", help="read an .xlsx / .docx / .txt document into the content format")
    parser.add_argument("path", help="the document: .xlsx (nine tables), .docx (performance targets), .txt (published text)")
    parser.add_argument("--department", required=True, help="department code (部门编码)")
    parser.add_argument("--year", required=True, help="budget year (预算年度)")
    parser.add_argument("--region", default="", help=message("help.import-region"))
    parser.add_argument("--source", default=".", help="project folder with site.yaml (default: current folder)")
    parser.add_argument("--force", action="store_true", help="replace files that exist")
    parser.set_defaults(run=run)


def run(args) -> int:
    from generator.build import load_site
    from generator.diagnostics import Report
    from generator.importer import import_document
    from generator.model import department_folder

    source = Path(args.source).resolve()
    outcome = import_document(Path(args.path), source, args.department, str(args.year), force=args.force, region=args.region)
    for problem in outcome.imported.problems:
        print(problem.text(), file=sys.stderr)
    if not outcome.ok:
        print(message("importer.failed", errors=len(outcome.imported.errors)), file=sys.stderr)
        return 1
    for path in outcome.written:
        print(message("importer.wrote", path=path.relative_to(source)))
    report = Report()
    load_site(source, report)
    prefix = f"{department_folder(args.department, args.region)}/"
    mine = [d for d in report.diagnostics if d.location.path.startswith(prefix)]
    print(message("importer.check-found", count=len(mine)))
    if mine:
        print("\n".join(d.format() for d in mine))
    return 0
