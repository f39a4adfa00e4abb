"""Shape model values for the templates: table headers with ids, headline figures.

Pure functions from the model to plain data; the templates only loop over what these give.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.figures import figure  # re-exported: the templates call views.figure
from generator.model import Department, Disclosure, Project, Table, department_ref
from generator.tables import MONEY, NUMBER

# Words of the theme's language used when shaping tables; a template passes its `t`.
DEFAULT_WORDS = {
    "seq": "序号",
    "table_numbers": "一,二,三,四,五,六,七,八,九",
    "table_title": "表{number} {title}",
    "note_row": "第 {row} 行",
}


@dataclass(frozen=True, slots=True)
class HeaderCell:
    text: str
    id: str
    scope: str  # col | colgroup
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True, slots=True)
class BodyCell:
    text: str
    header: bool  # a row header (th scope=row)
    id: str
    headers: str  # ids of the header cells that describe it ("" when scope alone suffices)
    numeric: bool
    level: int = 0  # classification level from the code length, for indentation
    note: str = ""  # id of the note that explains this figure (an acknowledged problem)


@dataclass(frozen=True, slots=True)
class TableView:
    id: str
    title: str
    caption_detail: str
    header_rows: tuple[tuple[HeaderCell, ...], ...]
    rows: tuple[tuple[BodyCell, ...], ...]
    note: str
    empty: bool
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    number: int
    where: str  # e.g. "第 10 行 合计"
    text: str


def _words(t: dict | None) -> dict:
    return {**DEFAULT_WORDS, **{k: v for k, v in (t or {}).items() if k in DEFAULT_WORDS}}


def table_title(kind, t: dict | None = None) -> str:
    """"表二 部门预算收入总表": the standard tables carry their number."""
    words = _words(t)
    if not kind.number:
        return kind.title
    return words["table_title"].format(number=words["table_numbers"].split(",")[kind.number - 1], title=kind.title)


def table_view(table: Table, dom_id: str, caption_detail: str, notes: dict[str, str] | None = None, t: dict | None = None) -> TableView:
    words = _words(t)
    kind = table.kind
    title = table_title(kind, t)
    grouped = kind.has_groups
    seq_id = f"{dom_id}-seq"
    column_ids = [f"{dom_id}-c{index + 1}" for index in range(len(kind.columns))]
    group_ids: dict[int, str] = {}
    top: list[HeaderCell] = [HeaderCell(words["seq"], seq_id, "col", rowspan=2 if grouped else 1)]
    leaves: list[HeaderCell] = []
    index = 0
    while index < len(kind.columns):
        column = kind.columns[index]
        if not column.group:
            top.append(HeaderCell(column.label, column_ids[index], "col", rowspan=2 if grouped else 1))
            index += 1
            continue
        span = 1
        while index + span < len(kind.columns) and kind.columns[index + span].group == column.group:
            span += 1
        group_id = f"{dom_id}-g{index + 1}"
        top.append(HeaderCell(column.group, group_id, "colgroup", colspan=span))
        for offset in range(span):
            group_ids[index + offset] = group_id
            leaves.append(HeaderCell(kind.columns[index + offset].label, column_ids[index + offset], "col"))
        index += span
    header_rows = (tuple(top), tuple(leaves)) if grouped else (tuple(top),)

    notes = notes or {}
    found_notes: list[Note] = []
    rows = []
    for number, row in enumerate(table.rows, start=1):
        cells = [BodyCell(str(number), False, "", f"{seq_id}" if grouped else "", True)]
        row_header_id = ""
        level = _level(table, row)
        for index, column in enumerate(kind.columns):
            value = row.cells[index]
            if column.row_header:
                # A blank row-header cell (one side of table 1 left empty) is an ordinary cell.
                row_header_id = row_header_dom_id(dom_id, number, index) if value else ""
                cells.append(
                    BodyCell(figure(value), bool(value), row_header_id, _headers(grouped, column_ids[index], group_ids.get(index)), False, level)
                )
                continue
            headers = ""
            if grouped:
                headers = " ".join(
                    part for part in (column_ids[index], group_ids.get(index, ""), row_header_id) if part
                )
            note_id = ""
            reason = notes.get(f"rows[{number - 1}].{column.key}")
            if reason:
                note_id = f"{dom_id}-note-{len(found_notes) + 1}"
                label = _row_label(table, row)
                where = words["note_row"].format(row=number) + f"{(' ' + label) if label else ''} · {_column_label(column)}"
                found_notes.append(Note(note_id, len(found_notes) + 1, where, reason))
            cells.append(BodyCell(figure(value), False, "", headers, column.kind in (MONEY, NUMBER), note=note_id))
        rows.append(tuple(cells))
    return TableView(dom_id, title, caption_detail, header_rows, tuple(rows), table.note, table.is_empty, tuple(found_notes))


def row_header_dom_id(dom_id: str, number: int, index: int) -> str:
    """The id of a row's header cell: row `number` (from 1), column `index` (from 0). Search
    results for a table's line item point here."""
    return f"{dom_id}-r{number}-c{index + 1}"


def _row_label(table: Table, row) -> str:
    parts = [figure(row.cells[i]) for i, c in enumerate(table.kind.columns) if c.row_header and row.cells[i]]
    return " / ".join(parts)


def _column_label(column) -> str:
    return f"{column.group} {column.label}" if column.group else column.label


class PageNotes:
    """Numbers the acknowledged problems of one file as a page shows them, in order of use."""

    def __init__(self, prefix: str, notes: dict[str, str]):
        self.prefix = prefix
        self.notes = notes
        self.items: list[Note] = []
        self.used: set[str] = set()

    def ref(self, field: str, where: str = "") -> str:
        """The note id for a field, or "" when nothing is acknowledged there."""
        reason = self.notes.get(field)
        if not reason:
            return ""
        for note in self.items:
            if note.text == reason and note.where == where:
                return note.id
        note = Note(f"{self.prefix}-{len(self.items) + 1}", len(self.items) + 1, where, reason)
        self.items.append(note)
        self.used.add(field)
        return note.id

    def rest(self) -> list[Note]:
        """Notes on fields the page did not show at a figure, so that none is ever hidden."""
        rest = []
        for field, reason in self.notes.items():
            if field not in self.used:
                self.used.add(field)
                note = Note(f"{self.prefix}-{len(self.items) + 1}", len(self.items) + 1, field, reason)
                self.items.append(note)
                rest.append(note)
        return rest


def _headers(grouped: bool, column_id: str, group_id: str | None) -> str:
    if not grouped:
        return ""
    return " ".join(part for part in (column_id, group_id or "") if part)


def _level(table: Table, row) -> int:
    if "code" not in table.kind.keys:
        return 0
    code = str(table.value(row, "code") or "")
    return {3: 1, 5: 2, 7: 3}.get(len(code), 0)


# ---- indicators: the project target table, with 一级/二级 spanning the rows they cover ----


@dataclass(frozen=True, slots=True)
class IndicatorCell:
    text: str
    kind: str  # level1 | level2 | name | data
    id: str = ""
    rowspan: int = 1
    headers: str = ""
    key: str = ""  # for data cells: the indicator field shown


def indicator_rows(project: Project, dom_id: str, columns: tuple[str, ...]) -> tuple[tuple[IndicatorCell, ...], ...]:
    """Rows of the indicator table; merged 一级/二级 cells become rowspans with ids."""
    indicators = project.indicators
    rows = []
    level1_id = level2_id = ""
    for index, indicator in enumerate(indicators):
        cells = []
        if index == 0 or indicator.level1 != indicators[index - 1].level1:
            span = _run(indicators, index, lambda i: i.level1)
            level1_id = f"{dom_id}-l1-{index + 1}"
            cells.append(IndicatorCell(indicator.level1, "level1", level1_id, span, f"{dom_id}-h-level1"))
        same_group = index > 0 and indicator.level1 == indicators[index - 1].level1
        if not same_group or indicator.level2 != indicators[index - 1].level2:
            span = _run(indicators, index, lambda i: (i.level1, i.level2))
            level2_id = f"{dom_id}-l2-{index + 1}"
            cells.append(IndicatorCell(indicator.level2, "level2", level2_id, span, f"{dom_id}-h-level2 {level1_id}"))
        name_id = f"{dom_id}-n-{index + 1}"
        context = f"{level1_id} {level2_id} {name_id}"
        cells.append(IndicatorCell(indicator.name, "name", name_id, 1, f"{dom_id}-h-name {level1_id} {level2_id}"))
        for key in columns:
            cells.append(IndicatorCell(getattr(indicator, key), "data", "", 1, f"{dom_id}-h-{key} {context}", key))
        rows.append(tuple(cells))
    return tuple(rows)


def _run(indicators, start: int, key) -> int:
    span = 1
    while start + span < len(indicators) and key(indicators[start + span]) == key(indicators[start]):
        span += 1
    return span


# ---- headline figures ----


@dataclass(frozen=True, slots=True)
class Headline:
    income_total: str
    expenditure_total: str
    project_expenditure: str
    project_count: int
    project_budget_sum: str


_HEADLINES: dict[int, tuple[Disclosure, Headline]] = {}  # id → (the disclosure, kept alive, its headline)


def headline(disclosure: Disclosure) -> Headline:
    """Figures as published in the tables, plus the count and sum of the project tables.

    The home page and every year page show them for each disclosure, and the dev server
    keeps unchanged disclosures, so each is worked out once per disclosure object."""
    hit = _HEADLINES.get(id(disclosure))
    if hit is not None and hit[0] is disclosure:
        return hit[1]
    if len(_HEADLINES) > 50_000:  # a long dev session: forget the disclosures of old builds
        _HEADLINES.clear()
    found = _headline(disclosure)
    _HEADLINES[id(disclosure)] = (disclosure, found)
    return found


def _headline(disclosure: Disclosure) -> Headline:
    income_total = expenditure_total = project_expenditure = ""
    summary = disclosure.table("income_expenditure_summary")
    if summary is not None:
        for row in summary.rows:
            if summary.value(row, "income_item") == "收入总计":
                income_total = figure(summary.value(row, "income"))
            if summary.value(row, "expenditure_item") == "支出总计":
                expenditure_total = figure(summary.value(row, "expenditure"))
    spending = disclosure.table("expenditure_summary")
    if spending is not None and spending.rows and spending.value(spending.rows[0], "name") == "合计":
        project_expenditure = figure(spending.value(spending.rows[0], "project"))
    return Headline(
        income_total,
        expenditure_total,
        project_expenditure,
        len(disclosure.projects),
        figure(disclosure.project_total) if disclosure.projects else "",
    )


@dataclass(frozen=True, slots=True)
class DepartmentCard:
    """A department as the home page shows it: so that a project's page-level edit (its
    purpose, its indicators) does not make the home page render again."""

    code: str
    name: str
    region: str
    years: tuple[int, ...]  # newest first
    latest_title: str
    latest_headline: Headline | None
    region_code: str = ""  # the region folder's 行政区划代码, "" outside any

    @property
    def ref(self) -> str:
        return department_ref(self.code, self.region_code)


def department_card(dept: Department) -> DepartmentCard:
    latest = dept.disclosures[0] if dept.disclosures else None
    return DepartmentCard(
        dept.code, dept.name, dept.region, tuple(d.year for d in dept.disclosures),
        latest.title if latest else "", headline(latest) if latest else None, dept.region_code,
    )


@dataclass(frozen=True, slots=True)
class YearEntry:
    """A department-year as the year page shows it."""

    code: str
    name: str
    year: int
    title: str
    headline: Headline
    region_code: str = ""

    @property
    def ref(self) -> str:
        return department_ref(self.code, self.region_code)


def year_entry(dept: Department, disclosure: Disclosure) -> YearEntry:
    return YearEntry(dept.code, dept.name, disclosure.year, disclosure.title, headline(disclosure), dept.region_code)


def indicator_columns(project: Project) -> tuple[str, ...]:
    columns: tuple[str, ...] = ("description", "value")
    if any(indicator.basis for indicator in project.indicators):
        columns += ("basis",)
    return columns



# ---- the home page's directory: departments grouped by region ----


@dataclass(frozen=True, slots=True)
class RegionGroup:
    name: str  # as the departments' region field (or their region folder's region.yaml) says; "" for none
    path: str  # the region's page
    departments: tuple[DepartmentCard, ...]
    code: str = ""  # the region folder's 行政区划代码; "" for a region named only by its departments


@dataclass(frozen=True, slots=True)
class PortalFigures:
    """The portal at a glance, counted from the content (no money is added up across
    departments: each figure on the site is one a department published)."""

    regions: int
    departments: int
    disclosures: int
    projects: int
    latest_year: int


def region_groups(cards: tuple[DepartmentCard, ...], region_path) -> tuple[RegionGroup, ...]:
    """Departments by region, regions in order of name (then code), departments in the
    cards' order. A region folder is its own group, its page named by its code; other
    departments group by the name their region field gives, the page named by it."""
    groups: dict[tuple[str, str], list[DepartmentCard]] = {}
    for card in cards:
        groups.setdefault((card.region, card.region_code), []).append(card)
    ordered = sorted(groups.items(), key=lambda item: (item[0] == ("", ""), item[0]))
    return tuple(
        RegionGroup(name, region_path(code or name) if code or name else "", tuple(found), code)
        for (name, code), found in ordered
    )


def portal_figures(site) -> PortalFigures:
    departments = site.departments
    return PortalFigures(
        len({(d.region, d.region_code) for d in departments if d.region or d.region_code}),
        len(departments),
        sum(len(d.disclosures) for d in departments),
        sum(len(x.projects) for d in departments for x in d.disclosures),
        site.years[0] if site.years else 0,
    )
