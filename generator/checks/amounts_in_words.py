"""Amounts written in words against the figures: a project's 资金用途 against its 预算数;
in the explanation, an amount beside a project's name against that project, a "共计 X，
分别为 …" or "…X 万元，包括 …" list against its parts, and "较 2024 年增加 X" against both
years' tables when both are on the portal."""

from __future__ import annotations

import re
from decimal import Decimal

from generator.checks.common import problem, show
from generator.checks.texts import AMOUNT, EXPLANATION, Text, disclosure_texts, in_wan, normal_name, quote, sentences
from generator.diagnostics import Severity
from generator.messages import message
from generator.model import Disclosure, Project

# an amount per person, per unit or per month is not a part of the whole
_PER_UNIT = re.compile(r"(?:每|单价|标准|人均|平均|按|约|不超过|不高于|≤|<)[^，。；、]{0,8}$")
_PER_AFTER = re.compile(r"^\s*(?:/|／|每)")
# an amount that is the project as a whole
_WHOLE = re.compile(r"(?:共计|合计|总计|总额为?|共安排|共|预算为?|预算数为?|安排资金|项目资金|资金)\s*$")
_CHANGE = re.compile(r"增加|减少|下降|上升|提高|降低|增长|结转结余|比去年|比上年|较上年|较去年")
_DOWN = re.compile(r"减少|下降|降低|压减")
_UP = re.compile(r"增加|上升|提高|增长")


def _severity(difference: Decimal, tolerance: Decimal) -> Severity:
    return Severity.WARNING if difference <= tolerance else Severity.ERROR


def check(dept, disclosure: Disclosure, settings, tolerance):
    for project in disclosure.projects:
        yield from _purpose(project, tolerance)
    texts = [t for t in disclosure_texts(disclosure) if t.kind == EXPLANATION]
    if not texts:
        return
    names = _project_names(disclosure)
    for text in texts:
        yield from _project_amounts(text, names, tolerance)
        yield from _lists(text, tolerance)
        yield from _changes(dept, disclosure, text, tolerance)


# ---- 资金用途 -------------------------------------------------------------------------


def _purpose(project: Project, tolerance):
    if project.budget is None or not project.purpose or not AMOUNT.search(project.purpose):
        return
    whole, parts = [], []
    for match in AMOUNT.finditer(project.purpose):
        before, after = project.purpose[: match.start()], project.purpose[match.end():]
        if _PER_UNIT.search(before) or _PER_AFTER.match(after):
            continue
        amount = in_wan(match.group(1), match.group(2))
        (whole if _WHOLE.search(before[-8:]) and "其中" not in before[-8:] else parts).append((match, amount))
    at, field = project.at("purpose"), "purpose"
    for match, amount in whole:
        difference = abs(amount - project.budget)
        if difference:
            yield problem("project.purpose-amount", at, field,
                          message("check.purpose-amount-whole", amount=match.group(0), budget=show(project.budget),
                                  sentence=quote(_clause(project.purpose, match.start()))),
                          _severity(difference, tolerance), found=match.group(0))
    if len(parts) >= 2 and not whole:
        added = sum((amount for _, amount in parts), Decimal(0))
        if added - project.budget > tolerance:
            yield problem("project.purpose-amount", at, field,
                          message("check.purpose-amount-parts", parts="、".join(m.group(0) for m, _ in parts),
                                  total=format(added.normalize(), "f"), budget=show(project.budget)),
                          found=format(added, "f"))


def _clause(text: str, position: int) -> str:
    for start, sentence in sentences(text):
        if start <= position < start + len(sentence):
            return sentence
    return text


# ---- an amount beside a project's name ---------------------------------------------


def _project_names(disclosure: Disclosure) -> dict[str, list[Project]]:
    names: dict[str, list[Project]] = {}
    for project in disclosure.projects:
        if project.budget is not None:
            key = normal_name(project.name)
            if len(key) >= 4:
                names.setdefault(key, []).append(project)
    return names


_ITEM = re.compile(r"[^，。；、,;：:]+")
_ITEM_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|万)\s*$")
_LEAD = re.compile(r"^(?:分别为|分别是|包括|其中|为|上年结转的|一般公共预算拨款的|和|及)+")


def _project_amounts(text: Text, names, tolerance):
    if not names:
        return
    body = text.text
    for item in _ITEM.finditer(body):
        words = item.group(0)
        amount = _ITEM_AMOUNT.search(words)
        if amount is None or _CHANGE.search(words):
            continue
        cited = _LEAD.sub("", normal_name(words[: amount.start()]))
        candidates = names.get(cited)
        if not candidates:
            continue
        year = re.search(r"(?<!\d)(20\d{2})(?!\d)", words[: amount.start()].replace("〔", "[").split("]")[-1])
        if year:  # "2024 科普经费" is the 2024 project, not the 2025 one of the same name
            candidates = [p for p in candidates if year.group(1) in p.name.replace(" ", "")]
            if not candidates:
                continue
        value = in_wan(amount.group(1), amount.group(2))
        if any(p.budget == value for p in candidates):
            continue
        project = min(candidates, key=lambda p: abs(p.budget - value))
        difference = abs(project.budget - value)
        yield problem("prose.project-amount", text.at(item.start()), text.field,
                      message("check.prose-project-amount", amount=" ".join(amount.group(0).split()), project=project.name,
                              budget=show(project.budget), sentence=quote(words.strip())),
                      _severity(difference, tolerance), found=format(value, "f"))


# ---- "共计 X 万元，分别为 a、b、c" and "X 万元，包括 …" --------------------------------

# "共计 71.88 万元，分别为 …", "增加了 16.66 万元，主要为…，分别为 …" (no figure between)
_TOTAL_THEN_LIST = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|万)[^。；\d]{0,30}?(?:分别为|分别是)")
# "…94.89 万元，包括 …", whose parts may be lists with their own 共计
_INCLUDES = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|万)[，,：:]?\s*包括")
_CO_TOTAL = re.compile(r"共计\s*(\d+(?:\.\d+)?)\s*(万元|万)")


def _signed(clause: str, amount: Decimal) -> Decimal:
    """An amount with the sign its clause gives it: 减少 makes it a decrease."""
    down, up = _DOWN.search(clause), _UP.search(clause)
    if down and (not up or down.start() > up.start()):
        return -amount
    return amount


def _clause_before(body: str, position: int) -> str:
    start = max(body.rfind(mark, 0, position) for mark in "，。；、,;")
    return body[start + 1: position]


def _lists(text: Text, tolerance):
    body = text.text
    seen = set()
    for pattern in (_TOTAL_THEN_LIST, _INCLUDES):
        for match in pattern.finditer(body):
            if match.start(1) in seen:
                continue
            seen.add(match.start(1))
            total = _signed(_clause_before(body, match.start(1)), in_wan(match.group(1), match.group(2)))
            parts = _parts(body, match.end(), nested=pattern is _INCLUDES)
            if len(parts) < 2:
                continue
            added = sum(parts, Decimal(0))
            difference = abs(added - total)
            if difference:
                start = max(body.rfind(mark, 0, match.start()) for mark in "。；\n") + 1
                yield problem("prose.list-sum", text.at(match.start()), text.field,
                              message("check.prose-list-sum", total=f"{format(total, 'f')} 万元",
                                      added=format(added, "f"), difference=format(difference, "f"),
                                      sentence=quote(body[start: match.end() + 40])),
                              _severity(difference, tolerance), found=format(total, "f"))
                # a nested list's parts are checked on their own match


def _parts(body: str, start: int, nested: bool) -> list[Decimal]:
    """The parts of a list that starts at `start`: to the end of the sentence when its parts
    are themselves "共计" totals (a list of lists), else to the end of the clause (；)."""
    end = body.find("。", start)
    end = len(body) if end < 0 else end
    span = body[start:end]
    if nested and len(_CO_TOTAL.findall(span)) >= 2:
        found = _CO_TOTAL.finditer(span)
        return [_signed(_clause_before(span, m.start()), in_wan(m.group(1), m.group(2))) for m in found]
    stop = span.find("；")
    span = span if stop < 0 else span[:stop]
    parts = []
    for match in AMOUNT.finditer(span):
        if match.group(2) == "元":
            continue
        parts.append(_signed(_clause_before(span, match.start()), in_wan(match.group(1), match.group(2))))
    return parts


# ---- "较 2024 年增加 X 万元" against both years' tables -------------------------------

_CHANGE_CITED = (
    # (what, words before the comparison, the figure of one year)
    ("预算收支", re.compile(r"预算收支(?:安排)?\s*\d+(?:\.\d+)?\s*万元[，,]\s*较\s*(20\d{2})\s*年(?:预算)?\s*(增加|减少)\s*(\d+(?:\.\d+)?)\s*万元"), "income_expenditure_summary"),
    ("“三公”经费", re.compile(r"“三公”经费预算(?:安排)?\s*\d+(?:\.\d+)?\s*万元[^。]*?。?\s*与\s*(20\d{2})\s*年相比\s*(增加|减少)\s*(\d+(?:\.\d+)?)\s*万元"), "three_public"),
)


def _figure(disclosure: Disclosure, table_key: str) -> Decimal | None:
    table = disclosure.table(table_key)
    if table is None:
        return None
    for row in table.rows:
        if table_key == "three_public" and (table.value(row, "name") or "").replace(" ", "").endswith("小计"):
            return table.value(row, "total")
        if table_key == "income_expenditure_summary" and table.value(row, "income_item") == "收入总计":
            return table.value(row, "income")
    return None


def _changes(dept, disclosure: Disclosure, text: Text, tolerance):
    if not dept.disclosures or len(dept.disclosures) < 2 or "较" not in text.text and "相比" not in text.text:
        return
    body = text.text
    for what, pattern, table_key in _CHANGE_CITED:
        for match in pattern.finditer(body):
            other = next((d for d in dept.disclosures if d.year == int(match.group(1))), None)
            this_year, that_year = _figure(disclosure, table_key), _figure(other, table_key) if other else None
            if this_year is None or that_year is None:
                continue
            stated = Decimal(match.group(3)) * (-1 if match.group(2) == "减少" else 1)
            actual = this_year - that_year
            difference = abs(stated - actual)
            if difference:
                yield problem("prose.change", text.at(match.start()), text.field,
                              message("check.prose-change", what=what, year=match.group(1), change=f"{match.group(2)} {match.group(3)} 万元",
                                      this=show(this_year), that=show(that_year), actual=format(actual, "f")),
                              _severity(difference, tolerance), found=match.group(3))
