"""What a citizen can find: projects, departments, department-years, their sections and
the line items of their nine tables (差旅费, 基本工资 …, each pointing to its table row).

Pure: the model in, plain documents out (in a stable order, grouped by department-year so
that the documents of one scope are numbered contiguously).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple, Protocol

from generator import urls
from generator.figures import figure
from generator.model import Department, Disclosure, Site
from generator.tables import MONEY
from generator.views import row_header_dom_id, table_title

SUMMARY_LENGTH = 240
SECTION_SUMMARY_LENGTH = 1200  # long enough that a snippet can be centred on a match further in
_MARKUP = re.compile(r"[#*_`>\[\]()|]+")


class SearchDoc(NamedTuple):
    """One document. A named tuple, not a data class: a large site has 60,000 of them, made
    again from kept records at every build, and a tuple is made at a sixth of the cost."""

    path: str  # site path with optional #anchor, relative to the base path
    kind: str  # project | department | disclosure | section | table
    title: str
    code: str  # project code or department code
    body: str
    dept_code: str
    dept_name: str
    year: int  # 0 for a department page
    budget: str  # 预算数 as published, projects only
    summary: str  # the text an excerpt is cut from
    scope: str = ""  # "<dept>-<year>" for a department-year's documents, "" for a department's


def scope_key(dept_code: str, year: int) -> str:
    return f"{dept_code}-{year}"


def plain_text(markdown: str) -> str:
    return " ".join(_MARKUP.sub(" ", markdown or "").split())


def _summary(*texts: str) -> str:
    return " ".join(t for t in texts if t)[:SUMMARY_LENGTH]


class KeptDocuments(Protocol):
    """Documents kept between builds, by department (a command-line build's records)."""

    def get(self, ref: str) -> list[SearchDoc] | None: ...

    def put(self, ref: str, docs: list[SearchDoc]) -> None: ...


def site_documents(site: Site, memo: dict | None = None, kept: KeptDocuments | None = None) -> list[SearchDoc]:
    """Every document, grouped by department-year. `memo` (the dev server's) keeps each
    disclosure's documents while the disclosure and its department are unchanged; `kept`
    (a command-line build's) gives a department's documents as an earlier build made them,
    and is given those made here."""
    docs: list[SearchDoc] = []
    fresh: dict = {}
    for dept in site.departments:
        found = kept.get(dept.ref) if kept is not None else None
        if found is None:
            found = _department_documents(dept, memo, fresh)
            if kept is not None:
                kept.put(dept.ref, found)
        docs.extend(found)
    if memo is not None:
        memo.clear()
        memo.update(fresh)
    return docs


def _department_documents(dept: Department, memo: dict | None, fresh: dict) -> list[SearchDoc]:
    docs = [_department(dept)]
    head = (dept.ref, dept.name)
    for disclosure in dept.disclosures:
        key = (head, disclosure.year)
        previous = memo.get(key) if memo is not None else None
        inputs = (disclosure, dept.duties)  # all that disclosure_documents reads besides the key
        if previous is not None and previous[0] == inputs:
            found = previous[1]
        else:
            found = disclosure_documents(dept, disclosure)
        fresh[key] = (inputs, found)
        docs.extend(found)
    return docs


def _department(dept: Department) -> SearchDoc:
    body = " ".join([dept.region, *dept.units, *dept.duties, *(u.name for u in dept.organization)])
    return SearchDoc(
        urls.department(dept.ref), "department", dept.name, dept.code, body,
        dept.ref, dept.name, 0, "", _summary(dept.region, " ".join(dept.duties)),
    )


def disclosure_documents(dept: Department, disclosure: Disclosure) -> list[SearchDoc]:
    page = urls.disclosure(dept.ref, disclosure.year)
    # dept_code is the department's ref: two regions' 306001 are two filters and two scopes
    base: dict[str, Any] = dict(dept_code=dept.ref, dept_name=dept.name, year=disclosure.year, scope=scope_key(dept.ref, disclosure.year))
    goals = disclosure.goals
    goal_text = " ".join([plain_text(goals.overall), *(f"{i.title} {i.goal} {i.indicator}" for i in goals.items)]) if goals else ""
    docs = [
        SearchDoc(
            page, "disclosure", f"{dept.name} {disclosure.year}年", dept.code,
            " ".join([disclosure.title, disclosure.source, goal_text]),
            budget="", summary=_summary(disclosure.title, goal_text), **base,
        )
    ]
    if disclosure.explanation:
        for section in disclosure.explanation.sections:
            text = plain_text(section.body)
            if section.id == "duties_and_organization":
                text = " ".join([text, *dept.duties])
            if not text:
                continue
            docs.append(
                SearchDoc(
                    f"{page}#section-{section.id}", "section", f"{section.title}（{dept.name} {disclosure.year}年）",
                    "", text, budget="", summary=text[:SECTION_SUMMARY_LENGTH], **base,
                )
            )
    for table in disclosure.standard_tables:
        docs.extend(table_line_items(table, page, base))
    for project in disclosure.projects:
        indicator_text = " ".join(f"{i.name} {i.description}" for i in project.indicators)
        body = " ".join([dept.name, project.unit, project.purpose, *project.goals, indicator_text])
        docs.append(
            SearchDoc(
                urls.project(dept.ref, disclosure.year, project.key), "project", project.name, project.code,
                body, budget=figure(project.budget), summary=_summary(project.purpose, *project.goals), **base,
            )
        )
    return docs


def table_line_items(table, page: str, base: dict) -> list[SearchDoc]:
    """One document per line item of a table: a row header (科目名称, 收入项目 …) with the
    figures that follow it up to the next row header, pointing to that header cell."""
    columns = table.kind.columns
    name = table_title(table.kind)
    starts = [index for index, column in enumerate(columns) if column.row_header]
    docs = []
    for number, row in enumerate(table.rows, start=1):
        for position, start in enumerate(starts):
            label = figure(row.cells[start])
            if not label:
                continue
            end = starts[position + 1] if position + 1 < len(starts) else len(columns)
            code = code_text = ""
            figures = []
            for index in [*range(0, starts[0]), *range(start + 1, end)] if position == 0 else range(start + 1, end):
                value = figure(row.cells[index])
                if columns[index].key == "code":
                    code, code_text = value, f"{columns[index].label} {value}" if value else ""
                elif value and columns[index].kind == MONEY:
                    label_of = f"{columns[index].group}{columns[index].label}" if columns[index].group else columns[index].label
                    figures.append(f"{label_of} {value}")
            if not figures:
                continue
            summary = " · ".join([name, *([code_text] if code_text else []), *figures]) + f"（{table.kind.unit}）"
            docs.append(
                SearchDoc(
                    f"{page}#{row_header_dom_id('table-' + table.kind.key, number, start)}", "table", label, code,
                    name, budget="", summary=summary, **base,
                )
            )
    return docs
