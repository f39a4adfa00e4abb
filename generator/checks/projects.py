"""Project performance-target tables: funds, spending plan, indicator taxonomy and values."""

from __future__ import annotations

from decimal import Decimal

from generator.checks.common import compare, problem, show, total
from generator.checks.indicator_kinds import nearest_level2
from generator.diagnostics import Location, Severity
from generator.indicators import DATE, NUMBER, PERIOD, parse_percent, years_in
from generator.messages import message
from generator.model import Disclosure, Project

TAXONOMY = {
    "产出指标": {"数量指标", "质量指标", "时效指标", "成本指标"},
    "效益指标": {"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"},
    "满意度指标": {"服务对象满意度指标"},
    "成本指标": {"经济成本指标", "社会成本指标", "生态环境成本指标"},
}
WARNING = Severity.WARNING


def check(dept, disclosure: Disclosure, settings, tolerance):
    for project in disclosure.projects:
        yield from _text(project)
        yield from _funds(project, tolerance)
        yield from _plan(project)
        yield from _indicators(project, disclosure.year)


def _text(project: Project):
    """资金用途 and 绩效目标 are written for every project (a new year starts them blank)."""
    if not project.purpose:
        yield problem("project.purpose-missing", project.at("purpose"), "purpose",
                      message("check.purpose-missing", project=project.name), WARNING)
    if not project.goals:
        yield problem("project.goals-missing", project.at("goals"), "goals",
                      message("check.goals-missing", project=project.name), WARNING)


def _funds(project: Project, tolerance):
    if project.budget is None:
        yield problem("project.budget-missing", project.at("budget"), "budget", message("check.budget-missing", project=project.name))
        return
    if project.fiscal_funds is None and project.other_funds is None:
        return
    found = compare(
        "project.funds-sum", project.at("budget"), "budget", message("check.project-budget", project=project.name), project.budget,
        total([project.fiscal_funds, project.other_funds]), tolerance, "财政资金 + 其他资金 =",
    )
    if found:
        yield found


def _plan(project: Project):
    """资金支出计划 is cumulative: it rises, stays within 0–100%, and ends at 100%."""
    points = [(p, parse_percent(p.text)) for p in project.spending_plan if p.text]
    previous = None
    for point, value in points:
        field = f"spending_plan.{point.month}"
        if value is None:
            yield problem("plan.not-percent", project.at(field), field, message("check.plan-not-percent", label=point.label, text=point.text), found=point.text)
            continue
        if not Decimal(0) <= value <= Decimal(100):
            yield problem("plan.out-of-range", project.at(field), field, message("check.plan-out-of-range", label=point.label, text=point.text), found=point.text)
        if previous is not None and value < previous[1]:
            yield problem("plan.falls", project.at(field), field,
                          message("check.plan-falls", before=previous[0].text, before_label=previous[0].label, text=point.text, label=point.label), found=point.text)
        previous = (point, value)
    if previous is not None and previous[1] is not None and previous[1] != 100 and Decimal(0) <= previous[1] <= 100:
        point = previous[0]
        yield problem("plan.incomplete", project.at(f"spending_plan.{point.month}"), f"spending_plan.{point.month}",
                      message("check.plan-incomplete", text=point.text, label=point.label), found=point.text)


def _project_year(project: Project, year: int) -> int:
    years = [y for y in years_in(project.name) if year - 3 <= y <= year + 1]
    return max(years) if years else year


def _at(project: Project, indicator, field: str) -> Location:
    """The line of one field of an indicator row; the row itself when it is not known."""
    return project.field_locations.get(field, indicator.where) if project.field_locations else indicator.where


def _indicators(project: Project, year: int):
    levels1 = set()
    own_year = _project_year(project, year)
    for index, indicator in enumerate(project.indicators):
        field = f"indicators[{index}]"
        at = _at(project, indicator, f"{field}.value")
        levels1.add(indicator.level1)
        if not indicator.value:
            yield problem("indicator.value-missing", at, f"{field}.value",
                          message("check.value-missing", indicator=indicator.name))
        allowed = TAXONOMY.get(indicator.level1)
        if allowed is None:
            yield problem("indicator.taxonomy", _at(project, indicator, f"{field}.level1"), f"{field}.level1",
                          message("check.level1", level1=indicator.level1, names=", ".join(TAXONOMY)), WARNING)
        elif indicator.level2 not in allowed:
            yield problem("indicator.taxonomy", _at(project, indicator, f"{field}.level2"), f"{field}.level2",
                          message("check.level2", level2=indicator.level2, level1=indicator.level1, names=", ".join(sorted(allowed)))
                          + nearest_level2(indicator.level2, allowed), WARNING)
        parsed = indicator.parsed
        value_field = f"{field}.value"
        is_cost = "成本指标" in (indicator.level1, indicator.level2)
        amount = parsed.amount_in_wan
        if is_cost and amount is not None and parsed.comparator in ("≤", "<", "=", "") and project.budget is not None and amount > project.budget:
            yield problem("indicator.cost-over-budget", at, value_field,
                          message("check.cost-over-budget", indicator=indicator.name, value=indicator.value, budget=show(project.budget)), found=indicator.value)
        if parsed.kind == NUMBER and parsed.is_percent and parsed.number > 100:
            yield problem("indicator.percent-over-100", at, value_field,
                          message("check.percent-over-100", indicator=indicator.name, value=indicator.value), WARNING, found=indicator.value)
        if "满意度" in indicator.level1 + indicator.level2 and parsed.kind == NUMBER and parsed.comparator in ("≤", "<"):
            yield problem("indicator.satisfaction-upper-bound", at, value_field,
                          message("check.satisfaction-upper-bound", indicator=indicator.name, value=indicator.value, comparator=parsed.comparator), WARNING, found=indicator.value)
        if parsed.kind in (DATE, PERIOD) and any(y < own_year for y in parsed.years):
            yield problem("indicator.year", at, value_field,
                          message("check.indicator-year", indicator=indicator.name, value=indicator.value, year=own_year), WARNING, found=indicator.value)
    if project.indicators:
        if "产出指标" not in levels1 and "成本指标" not in levels1:
            yield problem("project.no-output-indicator", project.at("indicators"), "indicators", message("check.no-output-indicator", project=project.name))
        if "效益指标" not in levels1:
            yield problem("project.no-effect-indicator", project.at("indicators"), "indicators", message("check.no-effect-indicator", project=project.name))
