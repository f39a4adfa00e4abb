"""Years side by side: a department-year against the department's year before it.

Totals, expenditure by function 类, the 三公 lines, each with the change and the percentage
change; projects matched across the years (by 项目编码 where the code is the same, else by
the name with its year taken out), showing the budget change, new and ended projects, and
the targets whose 指标值 changed. Only figures both disclosures publish are compared; a
blank stays blank. Pure: two disclosures in, plain data out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from generator.model import Disclosure, Project
from generator.views import figure, headline

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Change:
    label: str
    before: Decimal | None
    after: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def percent(self) -> Decimal | None:
        change = self.change
        if change is None or not self.before:
            return None
        return (change * 100 / self.before).quantize(HUNDREDTH, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ProjectChange(Change):
    key_before: str = ""
    key_after: str = ""
    matched_by: str = ""  # code | name


@dataclass(frozen=True, slots=True)
class TargetChange:
    project: str
    project_key: str
    indicator: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Comparison:
    year: int
    previous_year: int
    totals: tuple[Change, ...]
    functions: tuple[Change, ...]
    three_public: tuple[Change, ...]
    projects: tuple[ProjectChange, ...]  # in both years
    new_projects: tuple[ProjectChange, ...]
    ended_projects: tuple[ProjectChange, ...]
    targets: tuple[TargetChange, ...]


def signed(value: Decimal | None) -> str:
    """A change with its sign written out, so that it never rests on colour: +12.30, -4.00, 0.00."""
    if value is None:
        return ""
    text = figure(value)
    return text if value <= 0 else "+" + text


def _money(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _totals(before: Disclosure, after: Disclosure) -> tuple[Change, ...]:
    b, a = headline(before), headline(after)
    rows = [
        Change("收入总计", _money(b.income_total), _money(a.income_total)),
        Change("支出总计", _money(b.expenditure_total), _money(a.expenditure_total)),
        Change("项目支出", _money(b.project_expenditure), _money(a.project_expenditure)),
        Change("项目预算数合计", _money(b.project_budget_sum), _money(a.project_budget_sum)),
    ]
    return tuple(row for row in rows if row.before is not None or row.after is not None)


def _classes(disclosure: Disclosure) -> dict[str, tuple[str, Decimal | None]]:
    table = disclosure.table("expenditure_summary") or disclosure.table("general_budget_expenditure")
    if table is None:
        return {}
    return {
        str(table.value(row, "code")): (str(table.value(row, "name") or ""), _amount(table.value(row, "total")))
        for row in table.rows
        if len(str(table.value(row, "code") or "")) == 3
    }


def _functions(before: Disclosure, after: Disclosure) -> tuple[Change, ...]:
    b, a = _classes(before), _classes(after)
    rows = []
    for code in sorted(set(b) | set(a)):
        name = (a.get(code) or b[code])[0]
        rows.append(Change(f"{code} {name}", b.get(code, ("", None))[1], a.get(code, ("", None))[1]))
    return tuple(rows)


def _three_public_lines(disclosure: Disclosure) -> dict[str, Decimal | None]:
    table = disclosure.table("three_public")
    if table is None:
        return {}
    return {str(table.value(row, "name") or ""): _amount(table.value(row, "total")) for row in table.rows}


def _amount(cell: object) -> Decimal | None:
    """A money cell's figure; None for a blank (a money column holds nothing else)."""
    return cell if isinstance(cell, Decimal) else None


def _three_public(before: Disclosure, after: Disclosure) -> tuple[Change, ...]:
    b, a = _three_public_lines(before), _three_public_lines(after)
    if not b or not a:
        return ()
    names = list(a) + [name for name in b if name not in a]
    return tuple(Change(name, b.get(name), a.get(name)) for name in names)


_YEAR = re.compile(r"(19|20)\d{2}\s*(年度|年)?")


def stable_name(name: str) -> str:
    """A project's name with its year taken out: 2025年科普经费 and 2026年科普经费 are one project."""
    return _YEAR.sub("", name).strip()


def match_projects(before: tuple[Project, ...], after: tuple[Project, ...]) -> tuple[list[tuple[Project, Project, str]], list[Project], list[Project]]:
    """(matched pairs with how, new projects, ended projects). A code present in both years
    matches first; the rest match by name without its year, when that name is unique in both."""
    pairs = []
    left = list(before)
    by_code = {p.code: p for p in left if p.code}
    rest_after = []
    for project in after:
        previous = by_code.pop(project.code, None) if project.code else None
        if previous is not None:
            pairs.append((previous, project, "code"))
            left.remove(previous)
        else:
            rest_after.append(project)
    counts_before: dict[str, int] = {}
    for p in left:
        counts_before[stable_name(p.name)] = counts_before.get(stable_name(p.name), 0) + 1
    counts_after: dict[str, int] = {}
    for p in rest_after:
        counts_after[stable_name(p.name)] = counts_after.get(stable_name(p.name), 0) + 1
    by_name = {stable_name(p.name): p for p in left if counts_before[stable_name(p.name)] == 1}
    new = []
    for project in rest_after:
        name = stable_name(project.name)
        previous = by_name.pop(name, None) if counts_after[name] == 1 else None
        if previous is not None:
            pairs.append((previous, project, "name"))
            left.remove(previous)
        else:
            new.append(project)
    return pairs, new, left


def _target_changes(pairs) -> tuple[TargetChange, ...]:
    found = []
    for before, after, _ in pairs:
        values = {(i.level1, i.level2, i.name): i.value for i in before.indicators}
        for indicator in after.indicators:
            old = values.get((indicator.level1, indicator.level2, indicator.name))
            if old is not None and old != indicator.value:
                found.append(TargetChange(after.name, after.key, indicator.name, old, indicator.value))
    return tuple(found)


def compare(before: Disclosure, after: Disclosure) -> Comparison:
    pairs, new, ended = match_projects(before.projects, after.projects)
    return Comparison(
        year=after.year,
        previous_year=before.year,
        totals=_totals(before, after),
        functions=_functions(before, after),
        three_public=_three_public(before, after),
        projects=tuple(
            ProjectChange(a.name, b.budget, a.budget, key_before=b.key, key_after=a.key, matched_by=how)
            for b, a, how in sorted(pairs, key=lambda pair: pair[1].seq)
        ),
        new_projects=tuple(ProjectChange(p.name, None, p.budget, key_after=p.key) for p in new),
        ended_projects=tuple(ProjectChange(p.name, p.budget, None, key_before=p.key) for p in ended),
        targets=_target_changes(pairs),
    )
