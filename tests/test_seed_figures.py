"""Every number of the nine Zhangjiakou standard tables, read from the seed text, is on the built page.

The expectations come from the seed document itself (tests/seeds, copies of ../shared/seeds
kept in the repository), parsed here on its own terms: never from the YAML under content/,
which is what is under test. The page is read with the standard library's html.parser.

Seed format (PDF text): each table is a `## <title>` section of tab-separated lines. A table
that runs over several PDF pages repeats its header block on every page: the department line
(`731 张家口市科学技术协会`), `预算年度`, `单位`, the header rows and (except in table 1) the
`栏次` row. A data row starts with its 序号 and a tab; the cells follow in column order, an
empty cell being empty between two tabs. One row name of the 收入总表 is wrapped across a page
break: its tail stands on a line of its own, in its column, after the repeated header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SEEDS

SEED_FILE = SEEDS / "zhangjiakou-kexie-2025.txt"
PAGE = Path("departments") / "731" / "2025" / "index.html"

# (page key, section title in the seed, number of columns after 序号), in published order.
TABLES = (
    ("income_expenditure_summary", "部门预算收支总表", 4),
    ("income_summary", "部门预算收入总表", 12),
    ("expenditure_summary", "部门预算支出总表", 8),
    ("fiscal_summary", "部门预算财政拨款收支总表", 7),
    ("general_budget_expenditure", "部门预算一般公共预算财政拨款支出表", 5),
    ("general_budget_basic", "部门预算一般公共预算财政拨款基本支出表", 5),
    ("government_fund_expenditure", "部门预算政府性基金预算财政拨款支出表", 5),
    ("state_capital_expenditure", "部门预算国有资本经营预算财政拨款支出表", 5),
    ("three_public", "部门预算财政拨款“三公”经费支出表", 5),
)
KEYS = tuple(key for key, _, _ in TABLES)
EMPTY_TABLES = ("government_fund_expenditure", "state_capital_expenditure")

# A cell "is a number" when it is nothing but a (decimal) number: amounts such as 1290.10 or
# 0.56, and the classification codes (205, 2050802, 30101), which are checked the same way.
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

# Counted by hand in the seed text (amounts, classification codes) so that the test cannot
# pass by checking nothing. Table 1: 11 amounts. Table 2: 合计 row 4; 22 coded rows with 3
# amounts each, 5 of them (206, 20607, 2060701, 2060702, 2060705) with a 4th (上年结转).
# Table 3: 合计 row 3; rows 205/20508/2050802 2 each, 206/20607/2060701/2060705 3 each,
# 2060702 2 (blank 基本支出), 14 rows 208… 2 each. Table 4: 19. Table 5 as table 3 but
# without the three empty columns. Table 6: 合计 row 3 and 31 coded rows of 2. Table 9: 8.
HAND_COUNTED = {
    "income_expenditure_summary": (11, 0),
    "income_summary": (75, 22),
    "expenditure_summary": (51, 22),
    "fiscal_summary": (19, 0),
    "general_budget_expenditure": (51, 22),
    "general_budget_basic": (65, 31),
    "government_fund_expenditure": (0, 0),
    "state_capital_expenditure": (0, 0),
    "three_public": (8, 0),
}
HAND_TOTAL = 377  # 280 amounts + 97 codes


# ---------------------------------------------------------------------------------------------
# The seed


@dataclass
class SeedTable:
    key: str
    title: str
    columns: int
    rows: dict[int, list[str]] = field(default_factory=dict)  # 序号 -> cells after 序号
    notes: list[str] = field(default_factory=list)
    continuations: int = 0  # wrapped tails joined to the row above


DATA_ROW = re.compile(r"^(\d+)\t")
DEPARTMENT_LINE = re.compile(r"^\d+ \S+$")  # "731 张家口市科学技术协会": a space, not a tab


def read_seed() -> str:
    if not SEEDS.is_dir():
        pytest.fail(
            f"seed documents not found: {SEEDS} does not exist. The seeds must sit beside the "
            "repository clone as ../shared/seeds (see tests/conftest.py)."
        )
    if not SEED_FILE.is_file():
        pytest.fail(f"seed document not found: {SEED_FILE}")
    return SEED_FILE.read_text(encoding="utf-8")


def parse_seed_tables(text: str) -> dict[str, SeedTable]:
    lines = text.splitlines()
    headings = [i for i, line in enumerate(lines) if line.startswith("#")]
    tables: dict[str, SeedTable] = {}
    for key, title, columns in TABLES:
        starts = [i for i in headings if lines[i] == f"## {title}"]
        assert len(starts) == 1, f"seed: expected one section '## {title}', found {len(starts)}"
        start = starts[0]
        end = next((i for i in headings if i > start), len(lines))
        tables[key] = parse_section(key, title, columns, lines[start + 1 : end], start + 2)
    order = [text.index(f"\n## {title}\n") for _, title, _ in TABLES]
    assert order == sorted(order), "seed: the nine tables are not in the standard order"
    return tables


def parse_section(key: str, title: str, columns: int, lines: list[str], first_line_no: int) -> SeedTable:
    """Read one table over all its PDF pages; see the module docstring for the layout."""
    table = SeedTable(key, title, columns)
    in_header = True  # every page starts with the repeated header block
    last_seq: int | None = None
    for offset, line in enumerate(lines):
        where = f"seed line {first_line_no + offset} ({title})"
        if not line.strip():
            continue
        if DEPARTMENT_LINE.match(line):
            in_header = True
            continue
        match = DATA_ROW.match(line)
        if match:
            in_header = False
            seq = int(match.group(1))
            cells = [cell.strip() for cell in line.split("\t")[1:]]
            assert len(cells) == columns, f"{where}: {len(cells)} cells, expected {columns}: {line!r}"
            assert seq not in table.rows, f"{where}: 序号 {seq} twice"
            assert seq == (last_seq or 0) + 1, f"{where}: 序号 {seq} follows {last_seq}"
            table.rows[seq] = cells
            last_seq = seq
            continue
        if in_header:
            if line.startswith("栏次"):  # the last line of the header block
                in_header = False
            continue
        if line.startswith("注："):
            table.notes.append(line.strip())
            continue
        # In the body, a line without 序号 is the wrapped tail of the row above: one text cell
        # in its column, everything else empty.
        cells = [cell.strip() for cell in line.split("\t")[1:]]
        filled = [i for i, cell in enumerate(cells) if cell]
        assert line.startswith("\t") and len(filled) == 1 and last_seq is not None, f"{where}: unexpected line {line!r}"
        (column,) = filled
        assert not NUMBER.fullmatch(cells[column]), f"{where}: a number on a line without 序号: {line!r}"
        table.rows[last_seq][column] += cells[column]
        table.continuations += 1
    return table


def seed_numbers(table: SeedTable) -> dict[tuple[int, int], str]:
    """(序号, column position from 1) -> number text, for every cell that is a number."""
    return {
        (seq, position): cell
        for seq, cells in table.rows.items()
        for position, cell in enumerate(cells, start=1)
        if NUMBER.fullmatch(cell)
    }


# ---------------------------------------------------------------------------------------------
# The page

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class PageCell:
    text: str
    colspan: int
    rowspan: int


@dataclass
class PageTable:
    key: str
    position: int  # order of appearance on the page
    body_rows: list[list[PageCell]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # all text inside the element


class StandardTables(HTMLParser):
    """Collects the <tbody> rows of every element with id "table-<key>"."""

    def __init__(self, keys: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.ids = {f"table-{key}": key for key in keys}
        self.tables: dict[str, PageTable] = {}
        self.stack: list[str] = []
        self.current: PageTable | None = None
        self.current_depth = 0
        self.tbody_depth: int | None = None
        self.row: list[PageCell] | None = None
        self.cell: list[str] | None = None
        self.cell_attrs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag in VOID:
            return
        self.stack.append(tag)
        if self.current is None and attrs.get("id") in self.ids:
            key = self.ids[attrs["id"]]
            assert key not in self.tables, f"page: two elements with id table-{key}"
            self.current = self.tables[key] = PageTable(key, len(self.tables))
            self.current_depth = len(self.stack)
            return
        if self.current is None:
            return
        if tag == "tbody":
            self.tbody_depth = len(self.stack)
        elif tag == "tr" and self.tbody_depth is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell, self.cell_attrs = [], attrs

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            depth = len(self.stack) + 1
            if self.current is not None:
                if open_tag in ("td", "th") and self.cell is not None and self.row is not None:
                    self.row.append(
                        PageCell(
                            "".join(self.cell).strip(),
                            int(self.cell_attrs.get("colspan") or 1),
                            int(self.cell_attrs.get("rowspan") or 1),
                        )
                    )
                    self.cell = None
                elif open_tag == "tr" and self.row is not None:
                    self.current.body_rows.append(self.row)
                    self.row = None
                elif open_tag == "tbody" and depth == self.tbody_depth:
                    self.tbody_depth = None
                if depth == self.current_depth:
                    self.current = None
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.current is not None:
            self.current.text.append(data)
            if self.cell is not None:
                self.cell.append(data)


def grid(rows: list[list[PageCell]]) -> list[list[str]]:
    """Rows of slots, honouring colspan and rowspan: a spanning cell's text fills every slot it covers."""
    result: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows still covered, text)
    for row in rows:
        slots: dict[int, str] = {}
        for column, (left, text) in list(pending.items()):
            slots[column] = text
            if left > 1:
                pending[column] = (left - 1, text)
            else:
                del pending[column]
        column = 0
        for cell in row:
            while column in slots:
                column += 1
            for offset in range(cell.colspan):
                slots[column + offset] = cell.text
                if cell.rowspan > 1:
                    pending[column + offset] = (cell.rowspan - 1, cell.text)
            column += cell.colspan
        width = max(slots) + 1 if slots else 0
        result.append([slots.get(i, "") for i in range(width)])
    return result


def page_rows(table: PageTable) -> dict[int, list[str]]:
    """序号 -> the slots after 序号, for every body row."""
    rows: dict[int, list[str]] = {}
    for slots in grid(table.body_rows):
        assert slots and slots[0].isdigit(), f"page table-{table.key}: a body row does not start with its 序号: {slots}"
        seq = int(slots[0])
        assert seq not in rows, f"page table-{table.key}: 序号 {seq} twice"
        rows[seq] = slots[1:]
    return rows


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def seed() -> dict[str, SeedTable]:
    return parse_seed_tables(read_seed())


@pytest.fixture(scope="module")
def page(sample_build) -> dict[str, PageTable]:
    _, output = sample_build
    path = output / PAGE
    assert path.is_file(), f"the build has no {PAGE}"
    parser = StandardTables(KEYS)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.tables


# ---------------------------------------------------------------------------------------------
# Tests


def test_seed_parse_finds_what_was_counted_by_hand(seed):
    """Guards the parser: the seed gives exactly the numbers counted by hand, table by table."""
    counted = {}
    for key, table in seed.items():
        numbers = seed_numbers(table)
        codes = sum(1 for (_, position), text in numbers.items() if "." not in text)
        counted[key] = (len(numbers) - codes, codes)
    assert counted == HAND_COUNTED
    assert sum(sum(pair) for pair in counted.values()) == HAND_TOTAL
    # The one wrapped row name (收入总表 序号 13) was joined, not read as a row.
    assert seed["income_summary"].continuations == 1
    assert seed["income_summary"].rows[13][1] == "机关事业单位基本养老保险缴费支出"
    assert [len(seed[key].rows) for key in KEYS] == [34, 23, 23, 37, 23, 32, 0, 0, 6]


def test_page_has_the_nine_tables_in_order(page):
    missing = [key for key in KEYS if key not in page]
    assert not missing, f"page {PAGE}: no element with id table-<key> for {missing}"
    assert sorted(KEYS, key=lambda key: page[key].position) == list(KEYS), "the nine tables are out of order"


def test_every_seed_number_is_on_the_page_in_its_row_and_column(seed, page):
    problems: list[str] = []
    checked = 0
    for key, title, _ in TABLES:
        if key not in page:
            problems.append(f"{key}: table missing on the page")
            continue
        expected = seed_numbers(seed[key])
        rows = page_rows(page[key])
        missing_rows = sorted(set(seed[key].rows) - set(rows))
        extra_rows = sorted(set(rows) - set(seed[key].rows))
        if missing_rows or extra_rows:
            problems.append(f"{key} {title}: 序号 only in seed {missing_rows}, only on page {extra_rows}")
        for (seq, position), text in sorted(expected.items()):
            slots = rows.get(seq)
            found = slots[position - 1] if slots is not None and position <= len(slots) else "<no cell>"
            if found != text:
                problems.append(f"{key} {title} | 序号 {seq} | column {position} | seed {text!r} | page {found!r}")
            else:
                checked += 1
        # No number on the page that the seed lacks.
        for seq, slots in sorted(rows.items()):
            for position, found in enumerate(slots, start=1):
                if NUMBER.fullmatch(found) and (seq, position) not in expected:
                    seed_cells = seed[key].rows.get(seq)
                    seed_text = seed_cells[position - 1] if seed_cells and position <= len(seed_cells) else "<no cell>"
                    problems.append(f"{key} {title} | 序号 {seq} | column {position} | seed {seed_text!r} | page {found!r} (extra)")
        page_count = sum(1 for slots in rows.values() for found in slots if NUMBER.fullmatch(found))
        if page_count != len(expected):
            problems.append(f"{key} {title}: {len(expected)} numbers in the seed, {page_count} on the page")
    assert not problems, "seed and page disagree:\n" + "\n".join(problems)
    assert checked == HAND_TOTAL, f"checked {checked} numbers, counted {HAND_TOTAL} by hand"


def test_every_seed_text_cell_is_on_the_page_in_its_row_and_column(seed, page):
    """The other cells too: row names and items (the wrapped name joined) and blanks stay blank."""
    problems: list[str] = []
    checked = 0
    for key, title, _ in TABLES:
        rows = page_rows(page[key])
        for seq, cells in sorted(seed[key].rows.items()):
            slots = rows.get(seq, [])
            for position, text in enumerate(cells, start=1):
                found = slots[position - 1] if position <= len(slots) else "<no cell>"
                if NUMBER.fullmatch(text):
                    continue  # checked above
                if found != text:
                    problems.append(f"{key} {title} | 序号 {seq} | column {position} | seed {text!r} | page {found!r}")
                else:
                    checked += 1
    assert not problems, "seed and page disagree:\n" + "\n".join(problems)
    assert checked > 0


@pytest.mark.parametrize("key", EMPTY_TABLES)
def test_empty_tables_carry_their_note(seed, page, key):
    table = seed[key]
    assert not table.rows, f"seed: {key} was expected to be empty"
    assert len(table.notes) == 1, f"seed: {key} should carry one note, found {table.notes}"
    (note,) = table.notes
    assert key in page, f"page: no element with id table-{key}"
    text = "".join(page[key].text)
    assert note in text, f"page table-{key}: note {note!r} not found in {' '.join(text.split())!r}"
    assert not any(NUMBER.fullmatch(slot) for slots in grid(page[key].body_rows) for slot in slots)
