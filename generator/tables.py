"""The kinds of table a disclosure publishes: their keys, titles and columns, as data.

Kept apart from the model so that the loader, the checks and the templates all read one
definition. No I/O, no Jinja.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

TEXT = "text"  # free text as published
CODE = "code"  # a classification or catalogue code, kept as text
MONEY = "money"  # 万元, an exact decimal
NUMBER = "number"  # a count or a quantity, an exact decimal


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = MONEY
    group: str = ""  # the spanning header above this column, if any
    row_header: bool = False  # the cell names its row (rendered as <th scope="row">)


@dataclass(frozen=True)
class TableKind:
    key: str
    title: str
    number: int  # position among the nine standard tables; 0 for the others
    columns: tuple[Column, ...]
    unit: str = "万元"

    @functools.cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns)

    @property
    def has_groups(self) -> bool:
        return any(column.group for column in self.columns)

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


def _by_function(*money: tuple[str, str]) -> tuple[Column, ...]:
    head = (
        Column("code", "科目编码", CODE, group="功能分类科目"),
        Column("name", "科目名称", TEXT, group="功能分类科目", row_header=True),
    )
    return head + tuple(Column(key, label) for key, label in money)


_FUNCTION_SPLIT = (("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"))

INCOME_EXPENDITURE_SUMMARY = TableKind(
    "income_expenditure_summary",
    "部门预算收支总表",
    1,
    (
        Column("income_item", "项目", TEXT, group="收入", row_header=True),
        Column("income", "预算数", group="收入"),
        Column("expenditure_item", "项目", TEXT, group="支出", row_header=True),
        Column("expenditure", "预算数", group="支出"),
    ),
)

INCOME_SUMMARY = TableKind(
    "income_summary",
    "部门预算收入总表",
    2,
    _by_function(("total", "合计"))
    + tuple(
        Column(key, label, group="本年收入")
        for key, label in (
            ("subtotal", "小计"),
            ("fiscal_appropriation", "财政拨款收入"),
            ("fiscal_special_account", "财政专户收入"),
            ("business", "事业收入"),
            ("operating", "经营收入"),
            ("superior_subsidy", "上级补助收入"),
            ("affiliated_remittance", "附属单位上缴收入"),
            ("other", "其他收入"),
        )
    )
    + (Column("carryover", "上年结转"),),
)

EXPENDITURE_SUMMARY = TableKind(
    "expenditure_summary",
    "部门预算支出总表",
    3,
    _by_function(
        ("total", "合计"),
        ("basic", "基本支出"),
        ("project", "项目支出"),
        ("operating", "经营支出"),
        ("remittance_to_superior", "上解上级支出"),
        ("subsidy_to_affiliated", "对附属单位补助支出"),
    ),
)

FISCAL_SUMMARY = TableKind(
    "fiscal_summary",
    "部门预算财政拨款收支总表",
    4,
    (
        Column("income_item", "项目", TEXT, group="收入", row_header=True),
        Column("income", "金额", group="收入"),
        Column("expenditure_item", "项目", TEXT, group="支出", row_header=True),
        Column("total", "合计", group="支出"),
        Column("general_budget", "一般公共预算财政拨款", group="支出"),
        Column("government_fund", "政府性基金预算财政拨款", group="支出"),
        Column("state_capital", "国有资本经营预算财政拨款", group="支出"),
    ),
)

GENERAL_BUDGET_EXPENDITURE = TableKind(
    "general_budget_expenditure", "部门预算一般公共预算财政拨款支出表", 5, _by_function(*_FUNCTION_SPLIT)
)

GENERAL_BUDGET_BASIC = TableKind(
    "general_budget_basic",
    "部门预算一般公共预算财政拨款基本支出表",
    6,
    (
        Column("code", "科目编码", CODE, group="支出部门经济分类科目"),
        Column("name", "科目名称", TEXT, group="支出部门经济分类科目", row_header=True),
        Column("total", "合计", group="一般公共预算基本支出"),
        Column("personnel", "人员经费", group="一般公共预算基本支出"),
        Column("public", "公用经费", group="一般公共预算基本支出"),
    ),
)

GOVERNMENT_FUND_EXPENDITURE = TableKind(
    "government_fund_expenditure", "部门预算政府性基金预算财政拨款支出表", 7, _by_function(*_FUNCTION_SPLIT)
)

STATE_CAPITAL_EXPENDITURE = TableKind(
    "state_capital_expenditure", "部门预算国有资本经营预算财政拨款支出表", 8, _by_function(*_FUNCTION_SPLIT)
)

THREE_PUBLIC = TableKind(
    "three_public",
    "部门预算财政拨款“三公”经费支出表",
    9,
    (
        Column("name", "项目", TEXT, row_header=True),
        Column("total", "合计", group="资金性质"),
        Column("general_budget", "一般公共预算财政拨款", group="资金性质"),
        Column("government_fund", "政府性基金预算拨款", group="资金性质"),
        Column("state_capital", "国有资本经营预算财政拨款", group="资金性质"),
    ),
)

PROCUREMENT = TableKind(
    "procurement",
    "部门政府采购预算",
    0,
    (
        Column("project", "项目名称", TEXT, group="政府采购项目来源", row_header=True),
        Column("project_budget", "预算资金", group="政府采购项目来源"),
        Column("item", "采购物品名称", TEXT),
        Column("catalogue_code", "政府采购目录序号", CODE),
        Column("unit", "计量单位", TEXT),
        Column("quantity", "数量", NUMBER),
        Column("unit_price", "单价"),
        Column("total", "合计", group="政府采购金额（当年部门预算安排资金）"),
        Column("general_budget", "一般公共预算拨款", group="政府采购金额（当年部门预算安排资金）"),
        Column("government_fund", "基金预算拨款", group="政府采购金额（当年部门预算安排资金）"),
        Column("state_capital", "国有资产经营预算拨款", group="政府采购金额（当年部门预算安排资金）"),
        Column("special_account", "财政专户核拨", group="政府采购金额（当年部门预算安排资金）"),
        Column("unit_funds", "单位资金", group="政府采购金额（当年部门预算安排资金）"),
        Column("sme_reserved", "预留中小微企业份额"),
    ),
)

ASSETS = TableKind(
    "assets",
    "部门固定资产占用情况表",
    0,
    (
        Column("name", "项目", TEXT, row_header=True),
        Column("quantity", "数量", NUMBER),
        Column("value", "价值（万元）"),
    ),
)

STANDARD_TABLES: tuple[TableKind, ...] = (
    INCOME_EXPENDITURE_SUMMARY,
    INCOME_SUMMARY,
    EXPENDITURE_SUMMARY,
    FISCAL_SUMMARY,
    GENERAL_BUDGET_EXPENDITURE,
    GENERAL_BUDGET_BASIC,
    GOVERNMENT_FUND_EXPENDITURE,
    STATE_CAPITAL_EXPENDITURE,
    THREE_PUBLIC,
)

TABLE_KINDS: dict[str, TableKind] = {
    kind.key: kind for kind in STANDARD_TABLES + (PROCUREMENT, ASSETS)
}
