"""The portal as plain frozen data: what the loader builds and the renderer reads.

No Jinja, no I/O, no search engine here.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from decimal import Decimal

from generator.diagnostics import Location
from generator.indicators import ParsedValue
from generator.pickling import tuple_state
from generator.tables import STANDARD_TABLES, TableKind

DEFAULT_REQUIRED_SECTIONS = (
    "duties_and_organization",
    "budget_overview",
    "operating_costs",
    "three_public",
    "performance_goals",
    "projects",
    "procurement",
    "assets",
    "glossary",
)

Cell = Decimal | str | None  # None is a blank cell, distinct from zero


@tuple_state
@dataclass(frozen=True, slots=True)
class CheckSettings:
    """The `checks:` part of site.yaml: how strict `disclose check` is for this portal."""

    tolerance: Decimal = Decimal("0.01")  # a difference up to this is a rounding warning
    required_tables: tuple[str, ...] = tuple(kind.key for kind in STANDARD_TABLES)  # for scope: full
    required_sections: tuple[str, ...] = DEFAULT_REQUIRED_SECTIONS  # 情况说明 section ids, for scope: full
    rules: tuple[tuple[str, str], ...] = ()  # (rule id, off | warning | error): the editor's say over a rule


@tuple_state
@dataclass(frozen=True, slots=True)
class DownloadSettings:
    """The `downloads:` part of site.yaml: which open-data files a build makes. CSV, JSON
    and the data packages always; the workbooks, zips and site-wide bulk files cost the
    most at scale and can be left out."""

    xlsx: bool = True
    bundles: bool = True  # a zip per department-year and one of the bulk files
    bulk: bool = True  # the site-wide CSVs, one per table kind


@tuple_state
@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str
    authority: str
    base_url: str  # always ends with "/"
    language: str = "zh-CN"
    theme: str = "default"
    contact: str = ""
    footer: str = ""
    checks: CheckSettings = CheckSettings()
    relative_urls: bool = False  # every link relative to its page, so the output works from disk
    intro: str = ""  # the home page's introduction
    # What a Chinese government website shows in its footer (all optional):
    sponsor: str = ""  # 主办单位
    site_code: str = ""  # 网站标识码
    icp: str = ""  # ICP 备案号, e.g. 冀ICP备12345678号
    police_record: str = ""  # 公安机关备案号, e.g. 冀公网安备 13070202000001号
    government_mark: str = ""  # the 党政机关网站 mark's verification link, where the site has one

    @property
    def police_record_code(self) -> str:
        """The digits of the 公安机关备案号, which its verification link carries."""
        return "".join(char for char in self.police_record if char.isascii() and char.isdigit())
    downloads: DownloadSettings = DownloadSettings()
    # .gz and .br copies beside the text files a browser loads, for a server that sends
    # precompressed files (nginx gzip_static); false for one that compresses on the fly
    precompress: bool = True

    @property
    def base_path(self) -> str:
        """The path part of base_url, e.g. "/yjsgk/"; every link starts with it."""
        rest = self.base_url.split("://", 1)[-1]
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"


@tuple_state
@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]  # aligned with the table kind's columns
    where: Location


@tuple_state
@dataclass(frozen=True, slots=True)
class Table:
    kind: TableKind
    rows: tuple[Row, ...]
    note: str
    as_of: str  # 截止时间, for the assets table
    where: Location

    def value(self, row: Row, key: str) -> Cell:
        """The cell of `row` in column `key`; None for a blank cell or a column the kind lacks."""
        keys = self.kind.keys
        return row.cells[keys.index(key)] if key in keys else None

    @property
    def is_empty(self) -> bool:
        return not self.rows


@tuple_state
@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    body: str  # Markdown
    where: Location = Location("")  # where the body starts


@tuple_state
@dataclass(frozen=True, slots=True)
class Explanation:
    title: str
    preamble: str  # Markdown
    sections: tuple[Section, ...]
    preamble_where: Location = Location("")  # where the preamble starts


@tuple_state
@dataclass(frozen=True, slots=True)
class GoalItem:
    title: str
    goal: str
    indicator: str
    where: Location = Location("")  # the item's title line
    lines: tuple[int, int] = (0, 0)  # where the goal and the indicator sentence start (0: unknown)


@tuple_state
@dataclass(frozen=True, slots=True)
class Goals:
    overall: str  # Markdown
    items: tuple[GoalItem, ...]
    measures: tuple[str, ...]
    overall_where: Location = Location("")  # where the overall text starts
    measure_lines: tuple[int, ...] = ()  # where each measure stands


@tuple_state
@dataclass(frozen=True, slots=True)
class Term:
    term: str
    definition: str


@tuple_state
@dataclass(frozen=True, slots=True)
class PlanPoint:
    month: str  # march | june | october | december
    label: str  # 3月底 …
    text: str  # as published, e.g. "25%"; "" for a blank cell


@tuple_state
@dataclass(frozen=True, slots=True)
class Indicator:
    level1: str
    level2: str
    name: str
    description: str
    value: str  # 指标值 exactly as published
    basis: str
    where: Location
    parsed: ParsedValue = ParsedValue("text")


@tuple_state
@dataclass(frozen=True, slots=True)
class FieldLocations:
    """Where each field of one file is written, kept small (a portal has millions of
    fields): the names are one tuple shared by every file of the same shape, and the lines
    and columns are packed in bytes."""

    path: str
    names: tuple[str, ...]
    packed: bytes  # line and column of each name, unsigned 32-bit each
    positions: dict | None = field(default=None, compare=False, hash=False, repr=False)  # name → index, shared too

    def get(self, name: str, default: Location | None = None) -> Location | None:
        index = self.positions.get(name) if self.positions is not None else None
        if index is None:
            return default
        line, column = _LINE_COLUMN.unpack_from(self.packed, index * _LINE_COLUMN.size)
        return Location(self.path, line, column)


_LINE_COLUMN = struct.Struct("=II")


@tuple_state
@dataclass(frozen=True, slots=True)
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
    field_locations: FieldLocations | None = None  # where each field stands

    def at(self, field: str) -> Location:
        """Where a field such as "budget" or "spending_plan.june" is written; the file if unknown."""
        found = self.field_locations.get(field, self.where) if self.field_locations else None
        return found or self.where


@tuple_state
@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """An editor's word that a diagnostic is a known problem of the published document."""

    rule: str
    file: str  # relative to the project root
    field: str
    reason: str  # shown on the page at that figure
    where: Location
    found: str = ""  # the figure as published; when given, a changed figure is no longer acknowledged
    expected: str = ""  # what the rule computed; when given, a changed sum is no longer acknowledged


@tuple_state
@dataclass(frozen=True, slots=True)
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
    acknowledgements: tuple[Acknowledgement, ...] = ()
    draft: bool = False  # `draft: true`: not published unless built with --drafts
    original: str = ""  # the source document (原文): an http(s) URL, or a file beside disclosure.yaml
    region_code: str = ""  # the 行政区划代码 of the region folder it lies in; "" outside any

    @property
    def original_is_file(self) -> bool:
        return bool(self.original) and "://" not in self.original

    @property
    def folder(self) -> str:
        return f"{department_folder(self.department_code, self.region_code)}/{self.year}"

    def notes_for(self, file: str) -> dict[str, str]:
        """Acknowledged problems of one file, by field path, for the page."""
        notes: dict[str, str] = {}
        for ack in self.acknowledgements:
            if ack.file == file:
                # two problems of one field (a paragraph with two slips) share its note
                known = notes.get(ack.field)
                notes[ack.field] = ack.reason if not known or ack.reason in known else f"{known} {ack.reason}"
        return notes

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


def department_ref(code: str, region_code: str = "") -> str:
    """A department's identity as one string: its code, or "REGION-CODE" (130700-306001)
    for one in a region folder. Codes hold no hyphen, so the form is unambiguous; it names
    the department in URLs' file names, search scopes and caches."""
    return f"{region_code}-{code}" if region_code else code


def department_folder(code: str, region_code: str = "") -> str:
    """Where a department's files are, relative to the project."""
    if region_code:
        return f"content/regions/{region_code}/departments/{code}"
    return f"content/departments/{code}"


@tuple_state
@dataclass(frozen=True, slots=True)
class OrgUnit:
    name: str
    nature: str
    level: str
    funding: str


@tuple_state
@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: str
    region: str
    units: tuple[str, ...]
    duties: tuple[str, ...]
    organization: tuple[OrgUnit, ...]
    disclosures: tuple[Disclosure, ...]  # newest year first
    where: Location
    # The 行政区划代码 of the region folder it lies in ("" outside any): codes from budget
    # systems are unique only within one region, so (region_code, code) is its identity.
    region_code: str = ""

    @property
    def ref(self) -> str:
        return department_ref(self.code, self.region_code)


@tuple_state
@dataclass(frozen=True, slots=True)
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
