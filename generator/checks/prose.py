"""Figures cited in the explanation (情况说明) against the tables they come from."""

from __future__ import annotations

import re
from decimal import Decimal

from generator.checks.common import compare
from generator.diagnostics import Location
from generator.messages import message
from generator.model import Disclosure, Table

# "…为 1454.54 万元", "…共计安排82.95万元": any run of these linking words before the amount
_AMOUNT = r"\s*(?:(?:为|共计|合计|总计|安排|是)\s*)*(\d+(?:\.\d+)?)\s*万元"


def _summary(column_label: str, value_key: str, table_key: str = "income_expenditure_summary"):
    def figure(disclosure: Disclosure):
        table = disclosure.table(table_key)
        if table is None:
            return None
        for row in table.rows:
            label = (table.value(row, column_label) or "").replace(" ", "")
            if label.endswith(value_key[1]):
                return table.value(row, value_key[0])
        return None

    return figure


def _cell(table_key: str, row_match, column: str):
    def figure(disclosure: Disclosure):
        table: Table | None = disclosure.table(table_key)
        if table is None:
            return None
        for row in table.rows:
            if row_match(table, row):
                return table.value(row, column)
        return None

    return figure


def _named(name: str):
    return lambda table, row: (table.value(row, "name") or "").replace(" ", "").endswith(name)


_TOTAL = _named("合计")

# (section id, phrase pattern with one amount group, what it is, where the table has it)
CITATIONS = (
    ("budget_overview", r"(?<!公共)(?<!基金)(?<!经营)预算收入" + _AMOUNT, "预算收入", _summary("income_item", ("income", "收入总计"))),
    ("budget_overview", r"一般公共预算收入" + _AMOUNT, "一般公共预算收入", _summary("income_item", ("income", "一般公共预算拨款收入"))),
    ("budget_overview", r"上年结转结余" + _AMOUNT, "上年结转结余", _summary("income_item", ("income", "上年结转结余"))),
    ("budget_overview", r"支出预算" + _AMOUNT, "支出预算", _summary("expenditure_item", ("expenditure", "支出总计"))),
    ("budget_overview", r"基本支出" + _AMOUNT, "基本支出", _cell("expenditure_summary", _TOTAL, "basic")),
    ("budget_overview", r"人员经费" + _AMOUNT, "人员经费", _cell("general_budget_basic", _TOTAL, "personnel")),
    ("budget_overview", r"日常公用经费" + _AMOUNT, "日常公用经费", _cell("general_budget_basic", _TOTAL, "public")),
    ("budget_overview", r"项目支出" + _AMOUNT, "项目支出", _cell("expenditure_summary", _TOTAL, "project")),
    ("operating_costs", r"机关运行经费" + _AMOUNT, "机关运行经费", _cell("general_budget_basic", _TOTAL, "public")),
    ("three_public", r"“三公”经费预算" + _AMOUNT, "“三公”经费", _cell("three_public", _named("小计"), "total")),
    ("three_public", r"因公出国（境）费" + _AMOUNT, "因公出国（境）费", _cell("three_public", _named("因公出国（境）费"), "total")),
    ("three_public", r"公务用车购置及运维费" + _AMOUNT, "公务用车购置及运维费", _cell("three_public", _named("公务用车购置及运维费"), "total")),
    ("three_public", r"公务用车购置费" + _AMOUNT, "公务用车购置费", _cell("three_public", _named("购置费"), "total")),
    ("three_public", r"公务用车运(?:行维护|维)费" + _AMOUNT, "公务用车运行维护费", _cell("three_public", _named("运行维护费"), "total")),
    ("three_public", r"公务接待费" + _AMOUNT, "公务接待费", _cell("three_public", _named("公务接待费"), "total")),
    # the other income lines of 收支总表, and the assets the 国有资产 section totals
    ("budget_overview", r"(?<!政府性)基金预算收入" + _AMOUNT, "基金预算收入", _summary("income_item", ("income", "政府性基金预算拨款收入"))),
    ("budget_overview", r"国有资本经营预算收入" + _AMOUNT, "国有资本经营预算收入", _summary("income_item", ("income", "国有资本经营预算拨款收入"))),
    ("budget_overview", r"财政专户核拨收入" + _AMOUNT, "财政专户核拨收入", _summary("income_item", ("income", "财政专户管理资金收入"))),
    ("budget_overview", r"单位资金收入" + _AMOUNT, "单位资金收入", _summary("income_item", ("income", "单位资金"))),
    ("assets", r"(?<!购置)固定资产(?:金额|原值)?" + _AMOUNT, "固定资产", _cell("assets", _named("资产总额"), "value")),
)


def check(dept, disclosure: Disclosure, settings, tolerance):
    if disclosure.explanation is None:
        return
    for index, section in enumerate(disclosure.explanation.sections):
        for section_id, pattern, what, source in CITATIONS:
            if section.id != section_id:
                continue
            expected = source(disclosure)
            for match in re.finditer(pattern, section.body):
                if expected is None and Decimal(match.group(1)) == 0:
                    continue  # "0.00 万元" for a table row that is blank or absent
                line = section.where.line + section.body.count("\n", 0, match.start())
                found = compare(
                    "prose.figure", Location(section.where.path, line, 1), f"sections[{index}].body",
                    message("check.prose-what", what=what, figure=match.group(1)),
                    Decimal(match.group(1)), expected if expected is not None else Decimal(0), tolerance,
                    message("check.how-table-has"),
                )
                if found:
                    yield found
