"""Drafts: a disclosure marked `draft: true` is prepared in git but not published.

Its blanks are the editor's to-do list, not hundreds of errors: every diagnostic of a
draft that says something is still empty is taken out of the report and counted, and
each file gets one line, `草稿：待填写 12 项（指标值 9，…）` [draft.todo]. Problems that are
not blanks (a sum that does not add up, a misspelt key) are reported as usual. Once the
mark is removed, the same blanks are errors and warnings again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from generator.diagnostics import Diagnostic, Location, Report, Severity
from generator.messages import message
from generator.model import Site

TODO_RULE = "draft.todo"

# The rules that report an empty value, each with the words of the to-do list.
TODO_LABELS = {
    "schema.required": "todo.required",
    "project.budget-missing": "todo.budget",
    "project.purpose-missing": "todo.purpose",
    "project.goals-missing": "todo.goals",
    "project.no-output-indicator": "todo.indicators",
    "project.no-effect-indicator": "todo.indicators",
    "indicator.value-missing": "todo.indicator-values",
    "table.no-figures": "todo.table-figures",
    "table.empty-without-note": "todo.empty-note",
    "complete.table-missing": "todo.tables",
    "complete.section-missing": "todo.sections",
    "complete.section-empty": "todo.sections",
    "text.placeholder": "todo.placeholders",
}
BLANK_FIGURE = "todo.figures"  # a figure rule whose stated figure is blank (found "blank")


def draft_folders(disclosures) -> frozenset[str]:
    """The folders (content/departments/CODE/YEAR) of the drafts among these disclosures."""
    return frozenset(d.folder for d in disclosures if d.draft)


def site_draft_folders(site: Site) -> frozenset[str]:
    return draft_folders(d for dept in site.departments for d in dept.disclosures)


def in_folders(diagnostic: Diagnostic, folders: frozenset[str]) -> bool:
    path = diagnostic.location.path
    return any(path.startswith(folder + "/") for folder in folders)


def _label(diagnostic: Diagnostic) -> str | None:
    if diagnostic.rule in TODO_LABELS:
        return TODO_LABELS[diagnostic.rule]
    if diagnostic.found == "blank" and diagnostic.expected:
        return BLANK_FIGURE
    return None


def is_todo(diagnostic: Diagnostic, folders: frozenset[str]) -> bool:
    """A blank of a draft: something still to fill in."""
    return bool(folders) and _label(diagnostic) is not None and in_folders(diagnostic, folders)


def blocking_errors(diagnostics, folders: frozenset[str]) -> list[Diagnostic]:
    """The errors that stop the budget rules from running: a draft's blanks do not."""
    return [d for d in diagnostics if d.severity is Severity.ERROR and not is_todo(d, folders)]


def take_todos(report: Report, folders: frozenset[str]) -> list[Diagnostic]:
    """Take the blanks of the drafts out of the report; return them."""
    if not folders:
        return []
    taken = [d for d in report.diagnostics if is_todo(d, folders)]
    if taken:
        report.diagnostics[:] = [d for d in report.diagnostics if not is_todo(d, folders)]
    return taken


_ORDER = list(dict.fromkeys(TODO_LABELS.values())) + [BLANK_FIGURE]


def _most_first(item: tuple[str, int]) -> tuple[int, int]:
    """The largest count first; equal counts in a fixed order, whatever the rules' order."""
    label, count = item
    return -count, _ORDER.index(label)


def todo_list(blanks: list[Diagnostic]) -> list[Diagnostic]:
    """One warning per file: how many blanks it has, and of which kinds."""
    by_file: dict[str, Counter] = defaultdict(Counter)
    for diagnostic in blanks:
        by_file[diagnostic.location.path][_label(diagnostic)] += 1
    found = []
    for path, counts in sorted(by_file.items()):
        kinds = message("todo.separator").join(
            message("todo.kind", kind=message(label), count=count) for label, count in sorted(counts.items(), key=_most_first)
        )
        text = message("todo.file", count=sum(counts.values()), kinds=kinds)
        found.append(Diagnostic(Location(path), Severity.WARNING, text, TODO_RULE, found=str(sum(counts.values()))))
    return found


def without_drafts(site: Site) -> Site:
    """The site as published: no draft disclosure in it."""
    if not site_draft_folders(site):
        return site
    departments = tuple(
        replace(dept, disclosures=tuple(d for d in dept.disclosures if not d.draft)) for dept in site.departments
    )
    return replace(site, departments=departments)
