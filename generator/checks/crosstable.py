"""The same figure in different tables, and the project tables against 项目支出."""

from __future__ import annotations

import re

from generator.checks.common import compare, total
from generator.messages import message
from generator.model import Disclosure, Table

_NUMBERING = re.compile(r"^[一二三四五六七八九十]+、")


def _plain(name: str | None) -> str:
    return _NUMBERING.sub("", (name or "").replace(" ", ""))


def _row_by(table: Table, predicate):
    for index, row in enumerate(table.rows):
        if predicate(row):
            return index, row
    return None


def _total_row(table: Table):
    return _row_by(table, lambda r: not table.value(r, "code") and _plain(table.value(r, "name")) == "合计")


def _classes(table: Table) -> dict[str, tuple[int, object]]:
    """类 rows (3-digit codes) by their name without numbering."""
    return {
        _plain(table.value(row, "name")): (index, row)
        for index, row in enumerate(table.rows)
        if len(table.value(row, "code") or "") == 3
    }


def check(dept, disclosure: Disclosure, settings, tolerance):
    summary = disclosure.table("income_expenditure_summary")
    spending = disclosure.table("expenditure_summary")
    fiscal = disclosure.table("fiscal_summary")
    general = disclosure.table("general_budget_expenditure")
    basic = disclosure.table("general_budget_basic")
    three = disclosure.table("three_public")

    if summary and spending:
        yield from _function_lines(summary, "expenditure_item", "expenditure", spending, "total", tolerance)
    if fiscal and general:
        yield from _function_lines(fiscal, "expenditure_item", "general_budget", general, "total", tolerance)
    if general and basic:
        yield from _agree("cross.basic-total", basic, _total_row(basic), "total", general, _total_row(general), "basic", tolerance)
    if three and basic:
        for three_name, code in (("公务接待费", "30217"), ("公务用车运行维护费", "30231")):
            three_row = _row_by(three, lambda r, name=three_name: _plain(three.value(r, "name")).endswith(name))
            basic_row = _row_by(basic, lambda r, code=code: basic.value(r, "code") == code)
            if three_row is not None:
                yield from _agree("cross.three-public", three, three_row, "total", basic, basic_row, "total", tolerance, zero_if_missing=True)
    if spending and disclosure.projects:
        row = _total_row(spending)
        if row is not None:
            index, total_row = row
            budgets = [p.budget for p in disclosure.projects]
            found = compare(
                "cross.project-total", total_row.where, f"rows[{index}].project",
                f"{spending.kind.title} 合计 项目支出", spending.value(total_row, "project"), total(budgets),
                tolerance, message("check.how-project-budgets", count=len(budgets)),
            )
            if found:
                yield found


def _function_lines(summary: Table, name_key: str, value_key: str, detail: Table, detail_key: str, tolerance):
    """Each function 类 in a summary table agrees with the 类 row of a detail table."""
    classes = _classes(detail)
    for index, row in enumerate(summary.rows):
        name = _plain(summary.value(row, name_key))
        if name in classes:
            detail_index, detail_row = classes[name]
            found = compare(
                "cross.function-total", row.where, f"rows[{index}].{value_key}",
                f"{summary.kind.title} {name}", summary.value(row, value_key),
                detail.value(detail_row, detail_key) or total([]), tolerance,
                message("check.how-detail-cell", table=detail.kind.title, row=detail_index + 1, column=detail.kind.column(detail_key).label),
            )
            if found:
                yield found


def _agree(rule, table: Table, found_row, key, other: Table, other_row, other_key, tolerance, zero_if_missing=False):
    if found_row is None or (other_row is None and not zero_if_missing):
        return
    index, row = found_row
    other_value = other.value(other_row[1], other_key) if other_row else None
    where_other = message("check.other-row", table=other.kind.title, row=other_row[0] + 1) if other_row else message("check.other-no-row", table=other.kind.title)
    found = compare(
        rule, row.where, f"rows[{index}].{key}", f"{table.kind.title} {table.value(row, 'name')}",
        table.value(row, key), other_value or total([]), tolerance, message("check.how-has", where=where_other),
    )
    if found:
        yield found
