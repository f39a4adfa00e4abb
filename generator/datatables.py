"""The tables a reader can take away, as plain data: what the downloads are written from.

One `DataTable` per table of a department-year page (the nine standard tables,
procurement, assets, the project list) and per project's target table, with the same rows
and cells the page shows. Pure: model in, data out; no file formats here (those are in
generator/downloads.py), so the page and its downloads share one reading of the model.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import urls
from generator.model import Cell, Department, Disclosure, Project, department_ref
from generator.tables import CODE, MONEY, NUMBER, TEXT, Column
from generator.views import table_title

SEQ = Column("seq", "序号", NUMBER)
INTEGER = "integer"  # the 序号 column: a row number, not a figure of the source

PROJECT_LIST_COLUMNS = (
    SEQ,
    Column("code", "项目编码", CODE),
    Column("name", "项目名称", TEXT, row_header=True),
    Column("unit", "单位", TEXT),
    Column("budget", "预算数"),
    Column("fiscal_funds", "其中：财政资金"),
    Column("other_funds", "其他资金"),
)

TARGET_COLUMNS = (
    Column("level1", "一级指标", TEXT),
    Column("level2", "二级指标", TEXT),
    Column("name", "三级指标", TEXT, row_header=True),
    Column("description", "绩效指标描述", TEXT),
    Column("value", "指标值", TEXT),
    Column("basis", "指标值确定依据", TEXT),
)

# What a code column holds, for the data package: the classification and how its length reads.
CLASSIFICATIONS = {
    "function": ("政府支出功能分类科目", "3 位为类、5 位为款、7 位为项"),
    "economic": ("部门支出经济分类科目", "3 位为类、5 位为款"),
    "catalogue": ("政府采购品目", "政府采购目录序号"),
    "project": ("项目编码", "预算管理一体化系统的项目编码，含年度"),
    "department": ("部门编码", "本地区预算管理一体化系统中的部门（单位）编码"),
    "region": ("行政区划代码", "部门所在地区的六位行政区划代码（部门编码只在一个地区内唯一）"),
    "codes": ("分类科目编码", "功能分类 3 位为类、5 位为款、7 位为项；经济分类 3 位为类、5 位为款"),
}


@dataclass(frozen=True, slots=True)
class DataTable:
    key: str  # income_summary …, projects, targets-<project key>
    title: str  # as the page's caption says it
    unit: str
    columns: tuple[Column, ...]  # 序号 first where the page numbers its rows
    rows: tuple[tuple[int | Cell, ...], ...]  # int: the 序号
    note: str
    department_code: str
    department_name: str
    year: int
    classification: str = ""  # for the code column: a key of CLASSIFICATIONS
    facts: tuple[tuple[str, Cell], ...] = ()  # a project's own lines above its indicators
    region_code: str = ""  # the department's region folder, "" outside any

    @property
    def stem(self) -> str:
        return urls.data_stem(department_ref(self.department_code, self.region_code), self.year, self.key)

    def header(self, column: Column) -> str:
        """One header row: the multi-level headers joined."""
        return f"{column.group}/{column.label}" if column.group else column.label


def _classification(key: str) -> str:
    return "economic" if key == "general_budget_basic" else "function"


def disclosure_tables(dept: Department, disclosure: Disclosure) -> tuple[DataTable, ...]:
    """Every table of the department-year page, in page order: the standard tables,
    procurement, assets, then the project list."""
    found = []
    for table in disclosure.tables:
        rows = tuple((index,) + row.cells for index, row in enumerate(table.rows, start=1))
        title = table_title(table.kind)
        found.append(
            DataTable(table.kind.key, title, table.kind.unit, (SEQ,) + table.kind.columns, rows, table.note,
                      dept.code, dept.name, disclosure.year, _classification(table.kind.key), region_code=dept.region_code)
        )
    if disclosure.projects:
        rows = tuple(
            (p.seq, p.code or None, p.name, p.unit or None, p.budget, p.fiscal_funds, p.other_funds)
            for p in disclosure.projects
        )
        found.append(DataTable("projects", "项目预算及绩效目标", "万元", PROJECT_LIST_COLUMNS, rows, "", dept.code, dept.name, disclosure.year,
                               "project", region_code=dept.region_code))
    return tuple(found)


def project_table(dept: Department, disclosure: Disclosure, project: Project) -> DataTable:
    """A project's target table: its indicators as rows, its budget, plan and goals as facts."""
    rows = tuple(
        (i.level1, i.level2, i.name, i.description, i.value, i.basis or None) for i in project.indicators
    )
    facts: list[tuple[str, Cell]] = [
        ("单位", project.unit or None),
        ("项目编码", project.code or None),
        ("项目名称", project.name),
        ("预算数", project.budget),
        ("其中：财政资金", project.fiscal_funds),
        ("其他资金", project.other_funds),
        ("资金用途", project.purpose or None),
    ]
    facts += [(f"资金支出计划（%）{point.label}", point.text or None) for point in project.spending_plan]
    facts += [(f"绩效目标 {index}", goal) for index, goal in enumerate(project.goals, start=1)]
    return DataTable(
        f"targets-{project.key}", f"{project.name} 项目绩效目标表", "万元", TARGET_COLUMNS, rows, "",
        dept.code, dept.name, disclosure.year, facts=tuple(facts), region_code=dept.region_code,
    )


def is_money(column: Column) -> bool:
    return column.kind == MONEY


def is_figure(column: Column) -> bool:
    return column.kind in (MONEY, NUMBER)
