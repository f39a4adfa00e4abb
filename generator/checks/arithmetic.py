"""Sums inside each standard table: across rows, down the 类/款/项 hierarchy, to 合计."""

from __future__ import annotations

import re

from generator.checks.common import compare, total
from generator.messages import message
from generator.model import Disclosure, Table
from generator.tables import MONEY

# Across a row, the parts add up to the total: table key -> [(total, parts)]
ROW_IDENTITIES = {
    "income_summary": [
        ("total", ("subtotal", "carryover")),
        ("subtotal", ("fiscal_appropriation", "fiscal_special_account", "business", "operating",
                      "superior_subsidy", "affiliated_remittance", "other")),
    ],
    "expenditure_summary": [
        ("total", ("basic", "project", "operating", "remittance_to_superior", "subsidy_to_affiliated")),
    ],
    "general_budget_expenditure": [("total", ("basic", "project"))],
    "government_fund_expenditure": [("total", ("basic", "project"))],
    "state_capital_expenditure": [("total", ("basic", "project"))],
    "general_budget_basic": [("total", ("personnel", "public"))],
    "three_public": [("total", ("general_budget", "government_fund", "state_capital"))],
    "fiscal_summary": [("total", ("general_budget", "government_fund", "state_capital"))],
}
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")


def field(index: int, key: str) -> str:
    return f"rows[{index}].{key}"


def money_keys(table: Table) -> list[str]:
    return [c.key for c in table.kind.columns if c.kind == MONEY]


def check(dept, disclosure: Disclosure, settings, tolerance):
    for table in disclosure.tables:
        yield from _row_identities(table, tolerance)
        if "code" in table.kind.keys:
            yield from _hierarchy(table, tolerance)
    for key, labels in (
        ("income_expenditure_summary", SUMMARY_LABELS),
        ("fiscal_summary", FISCAL_LABELS),
    ):
        table = disclosure.table(key)
        if table is not None and table.rows:
            yield from _two_sided(table, labels, tolerance)
    table = disclosure.table("three_public")
    if table is not None and table.rows:
        yield from _three_public(table, tolerance)


def _row_identities(table: Table, tolerance):
    for index, row in enumerate(table.rows):
        for total_key, parts in ROW_IDENTITIES.get(table.kind.key, ()):
            stated = table.value(row, total_key)
            values = [table.value(row, part) for part in parts]
            if stated is None and all(v is None for v in values):
                continue
            label = table.value(row, "name") or table.value(row, "expenditure_item") or message("check.row", number=index + 1)
            found = compare(
                "table.row-sum", row.where, field(index, total_key),
                f"{table.kind.title} {label}: {table.kind.column(total_key).label}",
                stated, total(values), tolerance,
                message("check.how-columns", columns=" + ".join(table.kind.column(p).label for p in parts)),
            )
            if found:
                yield found


def _hierarchy(table: Table, tolerance):
    """类 = Σ 款, 款 = Σ 项, 合计 = Σ 类, for every money column."""
    rows = list(enumerate(table.rows))
    coded = [(i, r, table.value(r, "code") or "") for i, r in rows]
    keys = money_keys(table)
    for index, row, code in coded:
        if code:
            children = [r for _, r, c in coded if c.startswith(code) and len(c) == len(code) + 2]
            level, child_level = {3: ("类", "款"), 5: ("款", "项")}.get(len(code), ("", ""))
            if not children or not level:
                continue
            rule = "table.hierarchy-sum"
            what = f"{table.kind.title} {level} {code} {table.value(row, 'name') or ''}"
            how = message("check.how-children", level=child_level)
        elif (table.value(row, "name") or "").replace(" ", "") == "合计":
            children = [r for _, r, c in coded if len(c) == 3]
            if not children:
                continue
            rule, what, how = "table.total-row", f"{table.kind.title} 合计", message("check.how-classes")
        else:
            continue
        for key in keys:
            stated = table.value(row, key)
            computed = total(table.value(child, key) for child in children)
            if stated is None and computed == 0:
                continue
            found = compare(rule, row.where, field(index, key), f"{what}: {table.kind.column(key).label}",
                            stated, computed, tolerance, how)
            if found:
                yield found


# Labels of the two-sided summaries (tables 1 and 4): which rows are totals of which.
SUMMARY_LABELS = {
    "income": ("income_item", "income", "本年收入合计", "上年结转结余", "收入总计"),
    "expenditure": ("expenditure_item", "expenditure", "本年支出合计", "年终结转结余", "支出总计"),
}
FISCAL_LABELS = {
    "income": ("income_item", "income", "本年收入合计", "年初财政拨款结转和结余", "收入总计"),
    "expenditure": ("expenditure_item", "total", "本年支出合计", "年末财政拨款结转和结余", "支出总计"),
}


def find_row(table: Table, label_key: str, label: str):
    for index, row in enumerate(table.rows):
        if (table.value(row, label_key) or "").replace(" ", "") == label:
            return index, row
    return None


def _two_sided(table: Table, labels: dict, tolerance):
    grand = {}
    for side, (label_key, value_key, year_total, carry, grand_total) in labels.items():
        year_row = find_row(table, label_key, year_total)
        carry_row = find_row(table, label_key, carry)
        grand_row = find_row(table, label_key, grand_total)
        if year_row is None or grand_row is None:
            continue
        year_index = year_row[0]
        lines = [r for r in table.rows[:year_index] if table.value(r, label_key)]
        found = compare(
            "summary.lines-sum", year_row[1].where, field(year_index, value_key),
            f"{table.kind.title} {year_total}", table.value(year_row[1], value_key),
            total(table.value(r, value_key) for r in lines), tolerance, message("check.how-lines-above"),
        )
        if found:
            yield found
        carried = table.value(carry_row[1], value_key) if carry_row else None
        if carry_row is not None:
            # In table 4 the carried-over balance is itself split by fund in the rows below it.
            parts = [r for r in table.rows[carry_row[0] + 1:grand_row[0]] if _NUMBERED.match(table.value(r, label_key) or "")]
            if parts:
                found = compare(
                    "summary.lines-sum", carry_row[1].where, field(carry_row[0], value_key),
                    f"{table.kind.title} {carry}", carried, total(table.value(r, value_key) for r in parts),
                    tolerance, message("check.how-fund-lines"),
                )
                if found:
                    yield found
        found = compare(
            "summary.grand-total", grand_row[1].where, field(grand_row[0], value_key),
            f"{table.kind.title} {grand_total}", table.value(grand_row[1], value_key),
            total([table.value(year_row[1], value_key), carried]), tolerance, f"{year_total} + {carry} =",
        )
        if found:
            yield found
        grand[side] = (grand_row, table.value(grand_row[1], value_key))
    if len(grand) == 2:
        (index, row), stated = grand["expenditure"]
        found = compare(
            "summary.balance", row.where, field(index, labels["expenditure"][1]),
            f"{table.kind.title} {labels['expenditure'][4]}", stated, grand["income"][1] or total([]),
            tolerance, message("check.how-is", name=labels["income"][4]),
        )
        if found:
            yield found


def _three_public(table: Table, tolerance):
    """小计 = 一 + 二 + 三; 公务用车购置及运维费 = 购置费 + 运行维护费."""
    rows = list(enumerate(table.rows))
    names = [(i, r, (table.value(r, "name") or "").replace(" ", "")) for i, r in rows]
    subtotal = next(((i, r) for i, r, n in names if "小计" in n), None)
    top = [r for _, r, n in names if _NUMBERED.match(n)]
    car = next(((i, r) for i, r, n in names if n.startswith("二、")), None)
    car_parts = [r for _, r, n in names if n.endswith("购置费") or n.endswith("运行维护费")]
    for anchor, parts, how in ((subtotal, top, message("check.how-three-kinds")), (car, car_parts, "购置费 + 运行维护费 =")):
        if anchor is None or not parts:
            continue
        index, row = anchor
        for key in money_keys(table):
            stated = table.value(row, key)
            computed = total(table.value(p, key) for p in parts)
            if stated is None and computed == 0:
                continue
            found = compare("three-public.sum", row.where, field(index, key),
                            f"{table.kind.title} {table.value(row, 'name')}: {table.kind.column(key).label}",
                            stated, computed, tolerance, how)
            if found:
                yield found
