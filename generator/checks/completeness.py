"""A full disclosure is complete: its tables and sections are there, empty tables say so,
no template leftovers remain, and years in titles fit the disclosure year."""

from __future__ import annotations

import re
from decimal import Decimal

from generator.checks.common import problem
from generator.diagnostics import Location, Severity
from generator.indicators import years_in
from generator.messages import message
from generator.model import Disclosure
from generator.tables import TABLE_KINDS

EMPTY_STATEMENT = re.compile(r"空表|无.*(?:预算|安排|支出|收入)|本表为空|没有")
PLACEHOLDER = re.compile(r"X{2,}|Ｘ{2,}|×{2,}|待填写|待补充|待定|（?\{[^}]*\}）?|【单位】|某某|＊{2,}|\*{3,}")


def check(dept, disclosure: Disclosure, settings, tolerance):
    if disclosure.scope == "full":
        yield from _required(disclosure, settings)
    for table in disclosure.tables:
        if table.rows and not any(isinstance(v, Decimal) for row in table.rows for v in row.cells):
            yield problem("table.no-figures", table.rows[0].where, "rows",
                          message("check.no-figures", table=table.kind.title), Severity.WARNING)
        if table.is_empty and not EMPTY_STATEMENT.search(table.note):
            yield problem("table.empty-without-note", table.where, "note",
                          message("check.empty-without-note", table=table.kind.title))
    yield from _placeholders(dept, disclosure)
    yield from _years(disclosure)


def _required(disclosure: Disclosure, settings):
    folder = disclosure.folder
    for key in settings.required_tables:
        if disclosure.table(key) is None:
            yield problem("complete.table-missing", Location(f"{folder}/tables/{key}.yaml"), "",
                          message("check.table-missing", table=TABLE_KINDS[key].title, key=key))
    present = {s.id for s in disclosure.explanation.sections} if disclosure.explanation else set()
    for section in settings.required_sections:
        if section not in present:
            yield problem("complete.section-missing", Location(f"{folder}/explanation.yaml"), "sections",
                          message("check.section-missing", section=section))


def _text_fields(dept, disclosure: Disclosure):
    """(location, field, text) for every free-text field of the disclosure."""
    yield disclosure.where, "title", disclosure.title
    for table in disclosure.tables:
        yield table.where, "note", table.note
        for index, row in enumerate(table.rows):
            for column, value in zip(table.kind.columns, row.cells):
                if isinstance(value, str) and column.kind == "text":
                    yield row.where, f"rows[{index}].{column.key}", value
    if disclosure.explanation:
        path = f"{disclosure.folder}/explanation.yaml"
        yield Location(path, 1, 1), "title", disclosure.explanation.title
        yield Location(path, 1, 1), "preamble", disclosure.explanation.preamble
        for index, section in enumerate(disclosure.explanation.sections):
            yield section.where, f"sections[{index}].title", section.title
            yield section.where, f"sections[{index}].body", section.body
    for project in disclosure.projects:
        yield project.at("name"), "name", project.name
        yield project.at("purpose"), "purpose", project.purpose
        locations = project.field_locations or {}
        for index, goal in enumerate(project.goals):
            yield locations.get(f"goals[{index}]", project.at("goals")), f"goals[{index}]", goal
        for index, indicator in enumerate(project.indicators):
            for key in ("name", "description", "value", "basis"):
                field = f"indicators[{index}].{key}"
                yield locations.get(field, indicator.where), field, getattr(indicator, key)


_SECTION_BODY = re.compile(r"sections\[\d+\]\.body")


def _placeholders(dept, disclosure: Disclosure):
    for where, field, text in _text_fields(dept, disclosure):
        match = PLACEHOLDER.search(text or "")
        if match:
            if _SECTION_BODY.fullmatch(field) and where.line:
                # a Markdown body spans many lines: name the line of the leftover itself
                where = Location(where.path, where.line + text.count("\n", 0, match.start()), 1)
            yield problem("text.placeholder", where, field, message("check.placeholder", text=match.group(0)))


def _years(disclosure: Disclosure):
    titles = [(disclosure.where, "title", disclosure.title)]
    if disclosure.explanation:
        titles.append((Location(f"{disclosure.folder}/explanation.yaml", 1, 1), "title", disclosure.explanation.title))
    for where, field, title in titles:
        years = years_in(title)
        if years and disclosure.year not in years:
            yield problem("text.year", where, field, message("check.title-year", years=", ".join(map(str, years)), year=disclosure.year))
    for project in disclosure.projects:
        years = years_in(project.name)
        strange = [y for y in years if y > disclosure.year or y < disclosure.year - 2]
        if strange:
            yield problem("project.name-year", project.at("name"), "name",
                          message("check.project-name-year", years=", ".join(map(str, strange)), year=disclosure.year),
                          Severity.WARNING)
