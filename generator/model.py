"""The portal as plain frozen data: what the loader builds and the renderer reads.

No Jinja, no I/O, no search engine here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from generator.diagnostics import Location
from generator.tables import TableKind

Cell = Decimal | str | None  # None is a blank cell, distinct from zero


@dataclass(frozen=True)
class SiteConfig:
    title: str
    authority: str
    base_url: str  # always ends with "/"
    language: str = "zh-CN"
    theme: str = "default"
    contact: str = ""
    footer: str = ""

    @property
    def base_path(self) -> str:
        """The path part of base_url, e.g. "/yjsgk/"; every link starts with it."""
        rest = self.base_url.split("://", 1)[-1]
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]  # aligned with the table kind's columns
    where: Location


@dataclass(frozen=True)
class Table:
    kind: TableKind
    rows: tuple[Row, ...]
    note: str
    as_of: str  # 截止时间, for the assets table
    where: Location

    def value(self, row: Row, key: str) -> Cell:
        return row.cells[self.kind.keys.index(key)]

    @property
    def is_empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    body: str  # Markdown


@dataclass(frozen=True)
class Explanation:
    title: str
    preamble: str  # Markdown
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class GoalItem:
    title: str
    goal: str
    indicator: str


@dataclass(frozen=True)
class Goals:
    overall: str  # Markdown
    items: tuple[GoalItem, ...]
    measures: tuple[str, ...]


@dataclass(frozen=True)
class Term:
    term: str
    definition: str


@dataclass(frozen=True)
class PlanPoint:
    month: str  # march | june | october | december
    label: str  # 3月底 …
    text: str  # as published, e.g. "25%"; "" for a blank cell


@dataclass(frozen=True)
class Indicator:
    level1: str
    level2: str
    name: str
    description: str
    value: str  # 指标值 exactly as published
    basis: str
    where: Location


@dataclass(frozen=True)
class Project:
    key: str  # the file stem: the project code, or the editor's stable key
    seq: int
    code: str
    name: str
    unit: str
    budget: Decimal | None
    fiscal_funds: Decimal | None
    other_funds: Decimal | None
    purpose: str
    spending_plan: tuple[PlanPoint, ...]  # empty when the table has no plan
    goals: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    where: Location


@dataclass(frozen=True)
class Disclosure:
    department_code: str
    year: int
    title: str
    scope: str  # full | targets
    source: str
    tables: tuple[Table, ...]  # in the standard order, only those present
    explanation: Explanation | None
    goals: Goals | None
    glossary: tuple[Term, ...]
    projects: tuple[Project, ...]  # in published order
    where: Location

    def table(self, key: str) -> Table | None:
        for table in self.tables:
            if table.kind.key == key:
                return table
        return None

    @property
    def standard_tables(self) -> tuple[Table, ...]:
        return tuple(table for table in self.tables if table.kind.number)

    @property
    def project_total(self) -> Decimal:
        return sum((p.budget for p in self.projects if p.budget is not None), Decimal(0))


@dataclass(frozen=True)
class OrgUnit:
    name: str
    nature: str
    level: str
    funding: str


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    region: str
    units: tuple[str, ...]
    duties: tuple[str, ...]
    organization: tuple[OrgUnit, ...]
    disclosures: tuple[Disclosure, ...]  # newest year first
    where: Location


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    departments: tuple[Department, ...]  # by code

    @property
    def years(self) -> tuple[int, ...]:
        years = {d.year for dept in self.departments for d in dept.disclosures}
        return tuple(sorted(years, reverse=True))

    def disclosures_in(self, year: int) -> tuple[tuple[Department, Disclosure], ...]:
        return tuple(
            (dept, disclosure)
            for dept in self.departments
            for disclosure in dept.disclosures
            if disclosure.year == year
        )
