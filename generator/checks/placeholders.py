"""Empty and placeholder text: a section published with a title and nothing under it, a
template's empty brackets (【】), leftovers in the department goals (which the older
text.placeholder rule does not read), a code broken by a space (a PDF line break), and a
spending-plan cell without its % sign."""

from __future__ import annotations

import re

from generator.checks.common import problem
from generator.checks.completeness import PLACEHOLDER
from generator.checks.texts import GOALS, disclosure_texts, quote, sentence_around
from generator.diagnostics import Location, Severity
from generator.indicators import parse_percent
from generator.messages import message
from generator.model import Disclosure

# a section whose content the page draws from another file is not empty without a body
_FILLED_FROM = {
    "duties_and_organization": lambda dept, d: bool(dept.duties or dept.organization),
    "performance_goals": lambda dept, d: d.goals is not None,
    "projects": lambda dept, d: bool(d.projects),
    "procurement": lambda dept, d: d.table("procurement") is not None,
    "assets": lambda dept, d: d.table("assets") is not None,
    "glossary": lambda dept, d: bool(d.glossary),
}
EMPTY_BRACKETS = re.compile(r"【\s*】|〔\s*〕|\[\s*\]|（\s*）(?!\s*[号年])|\(\s*\)")
# a project code (8 digits, P, 12 more: 21 characters) cut by a space
_SPLIT_CODE = re.compile(r"(?<![0-9A-Z])\d{8}P[0-9A-Z]*(?:[ \t]+[0-9A-Z]+)+")
_CODE_FIELD_SPACE = re.compile(r"\S\s+\S")


def check(dept, disclosure: Disclosure, settings, tolerance):
    yield from _empty_sections(dept, disclosure)
    for text in disclosure_texts(disclosure):
        if text.kind == GOALS:
            match = PLACEHOLDER.search(text.text)
            if match:
                yield problem("text.placeholder", text.at(match.start()), text.field,
                              message("check.goals-placeholder", found=match.group(0)))
        match = EMPTY_BRACKETS.search(text.text)
        if match:
            yield problem("text.empty-brackets", text.at(match.start()), text.field,
                          message("check.empty-brackets", found=match.group(0), sentence=quote(sentence_around(text.text, match.start())[1])))
        if "P" in text.text:
            match = _SPLIT_CODE.search(text.text)
            if match and len("".join(match.group(0).split())) == 21:
                yield problem("text.code-space", text.at(match.start()), text.field,
                              message("check.code-space", found=match.group(0).strip()), Severity.WARNING)
    yield from _code_fields(disclosure)
    yield from _plan_signs(disclosure)


def _empty_sections(dept, disclosure: Disclosure):
    if disclosure.explanation is None:
        return
    for index, section in enumerate(disclosure.explanation.sections):
        if section.body.strip():
            continue
        filled = _FILLED_FROM.get(section.id)
        if filled and filled(dept, disclosure):
            continue
        where = Location(section.where.path, section.where.line, 1)
        yield problem("complete.section-empty", where, f"sections[{index}].body",
                      message("check.section-empty", title=section.title))


def _code_fields(disclosure: Disclosure):
    """Codes of the tables and of the projects, where a space is never right."""
    for table in disclosure.tables:
        if "code" not in table.kind.keys:
            continue
        for index, row in enumerate(table.rows):
            code = table.value(row, "code")
            if isinstance(code, str) and _CODE_FIELD_SPACE.search(code):
                yield problem("text.code-space", row.where, f"rows[{index}].code",
                              message("check.code-space", found=code), Severity.WARNING)
    for project in disclosure.projects:
        if _CODE_FIELD_SPACE.search(project.code):
            yield problem("text.code-space", project.at("code"), "code",
                          message("check.code-space", found=project.code), Severity.WARNING)


def _plan_signs(disclosure: Disclosure):
    for project in disclosure.projects:
        for point in project.spending_plan:
            text = point.text
            if text and "%" not in text and "％" not in text and parse_percent(text) is not None:
                field = f"spending_plan.{point.month}"
                yield problem("plan.percent-sign", project.at(field), field,
                              message("check.plan-percent-sign", label=point.label, found=text), Severity.WARNING, found=text)
