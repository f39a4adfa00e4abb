"""Read a table's layout from a grid of cells: which table, the unit, the header rows, the
code and figure columns, the rows, the note.

A grid is what every source becomes: a sheet of a workbook, a table of a Word document or
the tab-separated lines of a PDF's text. Nothing here assumes one layout: the title names
the table, the header rows are found by their words, each column is placed by what its
header says, and a figure is taken only from a column whose header names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from generator.importer.report import BLANK, ERROR, SKIPPED, WARNING, Imported
from generator.tables import MONEY, NUMBER, TABLE_KINDS, TEXT, TableKind


@dataclass(frozen=True)
class Cell:
    text: str  # as shown, white space kept (indentation tells the level)
    place: str  # "表一!C7", "line 120 cell 3"
    number: float | int | None = None  # a workbook cell stored as a number
    decimals: int | None = None  # decimals its number format shows
    merge: tuple[int, int] | None = None  # (first, last) column of a merge this cell is in
    merge_origin: bool = True  # False for the covered cells of a merge
    indent: int = 0  # indentation level of the cell's alignment


Row = list[Cell]

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”\"'‘’")


def norm(text: str) -> str:
    """Text compared by its words: no white space, no quotes, ASCII parentheses and colon."""
    text = _SPACE.sub("", text).translate(_QUOTES)
    return text.replace("（", "(").replace("）", ")").replace("：", ":")


# ---------------------------------------------------------------------------------------------
# Which table


_NUMERALS = "一二三四五六七八九"


def _titles(kind: TableKind) -> tuple[str, ...]:
    """A title as published, and without its 部门预算/部门 prefix (收支总表, 三公经费支出表)."""
    title = norm(kind.title)
    short = title.removeprefix("部门预算").removeprefix("部门")
    return (title, short) if len(short) >= 4 else (title,)


def identify(texts: list[str]) -> TableKind | None:
    """The table kind a title names; the longest title found wins (财政拨款收支总表 over
    收支总表, 基本支出表 over 支出表)."""
    best: tuple[int, TableKind] | None = None
    for text in texts:
        seen = norm(text)
        for kind in TABLE_KINDS.values():
            for title in _titles(kind):
                if title in seen and (best is None or len(title) > best[0]):
                    best = (len(title), kind)
    return best[1] if best else None


def identify_by_number(name: str) -> TableKind | None:
    """A sheet named only by its number: 表一, 表1, 表 1, 附表1."""
    match = re.fullmatch(r"(?:附)?表\s*([一二三四五六七八九]|[1-9])", name.strip())
    if not match:
        return None
    number = match.group(1)
    n = _NUMERALS.index(number) + 1 if number in _NUMERALS else int(number)
    return next((k for k in TABLE_KINDS.values() if k.number == n), None)


# ---------------------------------------------------------------------------------------------
# Figures

_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_GROUPED_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
DASHES = {"-", "－", "—", "/"}


class FigureError(Exception):
    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params


def figure(cell: Cell, kind: str) -> Decimal | None:
    """A figure as an exact decimal that keeps its published digits (Decimal("67.90") is
    written 67.90), or None for a blank cell: blank is not 0.00."""
    if cell.number is not None and not isinstance(cell.number, bool):
        return Decimal(_stored_number(cell, kind))
    text = cell.text.strip()
    if text == "":
        return None
    if _PLAIN_NUMBER.fullmatch(text):
        plain = text
    elif _GROUPED_NUMBER.fullmatch(text):
        plain = text.replace(",", "")
    else:
        raise FigureError("importer.not-a-figure", text=text)
    if kind == MONEY and "." in plain and len(plain.split(".")[1]) != 2:
        raise FigureError("importer.figure-decimals", text=text)
    return Decimal(plain)


def display(cell: Cell) -> str:
    """A cell's text as the sheet shows it: a stored number with the decimals its format
    shows (15.75 formatted 0.00 is "15.75", 40 is "40.00")."""
    if cell.number is None or isinstance(cell.number, bool):
        return cell.text
    try:
        return _stored_number(cell, NUMBER)
    except FigureError:
        return cell.text


def _stored_number(cell: Cell, kind: str) -> str:
    assert cell.number is not None  # both callers looked
    try:
        value = Decimal(repr(cell.number)) if isinstance(cell.number, float) else Decimal(cell.number)
    except InvalidOperation:
        raise FigureError("importer.not-a-figure", text=str(cell.number)) from None
    decimals = cell.decimals
    if decimals is None and kind == MONEY:
        decimals = 2
    if decimals is not None:
        shown = value.quantize(Decimal(1).scaleb(-decimals))
        if shown != value:
            raise FigureError("importer.figure-hidden-decimals", text=format(value, "f"), decimals=decimals)
        value = shown
    text = format(value, "f")
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# ---------------------------------------------------------------------------------------------
# Header rows


_SKIP_LINE = ("单位:", "预算年度", "编制部门", "编制单位", "部门:", "单位名称:", "截止", "金额单位")
_HEADER_WORDS = {"序号", "项目", "科目编码", "科目名称", "功能分类科目", "收入", "支出", "资金性质", "类", "款", "项",
                 "编码", "名称", "项目名称", "单位:万元"}
_CODE = re.compile(r"\d{3}(?:\d{2}){0,2}")
_CODE_IN_NAME = re.compile(r"^\s*\[?(\d{3}(?:\d{2}){0,2})\]?\s+(\S.*)$")


def row_texts(row: Row) -> list[str]:
    return [norm(c.text) for c in row]


DEPARTMENT_LINE = re.compile(r"^(\d{3,6})\s*([^\d\s:：]\S*)$")


def _is_preamble(row: Row) -> bool:
    texts = [t for t in row_texts(row) if t]
    if len(texts) == 1 and DEPARTMENT_LINE.match(next(c.text.strip() for c in row if c.text.strip())):
        return True  # "731 张家口市科学技术协会" above the header of a published table
    # "单位：万元" beside the department, not "价值(金额单位:万元)" in a header cell
    return any(t.startswith(_SKIP_LINE) or ("单位:" in t and "(" not in t) for t in texts)


def _is_column_numbers(row: Row) -> bool:
    texts = [t for t in row_texts(row) if t]
    if texts and texts[0] == "栏次":
        return True
    digits = [t for t in texts if t.isdigit()]
    return len(texts) >= 3 and len(digits) == len(texts) and [int(d) for d in digits] == list(range(int(digits[0]), int(digits[0]) + len(digits)))


def _looks_like_data(row: Row) -> bool:
    for c in row:
        t = c.text.strip()
        if not t:
            continue
        if c.number is not None or _PLAIN_NUMBER.fullmatch(t) or _GROUPED_NUMBER.fullmatch(t):
            return True
        if re.match(r"^[一二三四五六七八九十]+、", t) or _CODE_IN_NAME.match(c.text):
            return True
    return False


@dataclass
class Layout:
    title_row: int
    header: tuple[int, int]  # first and last header row
    first_data: int
    unit: str | None
    preamble: list[str]


def find_layout(grid: list[Row], title_row: int) -> Layout:
    unit = None
    preamble: list[str] = []
    start = title_row + 1
    while start < len(grid) and (not any(row_texts(grid[start])) or _is_preamble(grid[start])):
        for t in row_texts(grid[start]):
            match = re.search(r"单位:(万元|元|千元|亿元)", t)
            if match:
                unit = match.group(1)
            if t:
                preamble.append(t)
        start += 1
    end = start
    first_data = len(grid)
    for i in range(start, len(grid)):
        if _is_column_numbers(grid[i]):
            end, first_data = i - 1, i + 1
            break
        if i > start and _looks_like_data(grid[i]) or _is_note(grid[i]):
            end, first_data = i - 1, i
            break
        end = i
    return Layout(title_row, (start, max(start, end)), first_data, unit, preamble)


_FOOTER = ("单位负责人", "财务负责人", "制表人", "填报人", "审核人", "制表日期", "填报日期")


def _is_footer(row: Row) -> bool:
    """The signature line under a table (单位负责人：… 制表人：…)."""
    texts = [norm(c.text) for c in row if c.text.strip()]
    return bool(texts) and texts[0].startswith(_FOOTER)


def _is_note(row: Row) -> bool:
    texts = [c.text.strip() for c in row if c.text.strip()]
    return bool(texts) and texts[0].startswith(("注：", "注:", "说明：", "备注"))


def column_paths(grid: list[Row], header: tuple[int, int], fill_gaps: bool = False) -> list[str]:
    """Each column's header read top-down. fill_gaps: text without merges (a PDF's) leaves a
    group header's covered cells empty; an empty cell of an upper header row under which
    the row below names a column takes the group on its left."""
    width = max((len(r) for r in grid), default=0)
    rows = [[norm(grid[r][c].text) if c < len(grid[r]) else "" for c in range(width)] for r in range(header[0], header[1] + 1)]
    if fill_gaps:
        for upper, lower in zip(rows, rows[1:]):
            for c in range(1, width):
                if not upper[c] and lower[c] and upper[c - 1]:
                    upper[c] = upper[c - 1]
    paths = []
    for col in range(width):
        parts: list[str] = []
        for row in rows:
            t = row[col]
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        paths.append("/".join(parts))
    return paths


# ---------------------------------------------------------------------------------------------
# Columns

_TOKENS = {
    "code": ("编码", "代码"),
    "name": ("名称", "项目"),
    "income_item": ("项目",),
    "expenditure_item": ("项目",),
    "income": ("预算数", "金额"),
    "expenditure": ("预算数", "金额"),
    "value": ("价值",),
}


def _tokens(kind: TableKind, key: str) -> tuple[str, ...]:
    return _TOKENS.get(key, ()) + (norm(kind.column(key).label),)


def _matches(kind: TableKind, key: str, path: str) -> bool:
    """The header names this column: its last line has the label, and no line above it
    names another group of the table (收入/项目 is not 支出/项目)."""
    parts = path.split("/")
    if not any(token in parts[-1] for token in _tokens(kind, key)):
        return False
    group = kind.column(key).group
    upper = "".join(parts[:-1])
    return not any(norm(c.group) in upper for c in kind.columns if c.group and c.group != group)


@dataclass
class Columns:
    by_key: dict[str, int]  # kind key -> grid column
    code_parts: list[int]  # 类, 款, 项 columns when the code is split
    skipped: list[int]  # 序号 and other columns that carry no field


def place_columns(kind: TableKind, paths: list[str], place: str, out: Imported) -> Columns | None:
    """Assign grid columns to the kind's columns in order, each checked by its header."""
    keys = list(kind.keys)
    cols = Columns({}, [], [])
    k = 0
    for col, path in enumerate(paths):
        leaf = path.split("/")[-1] if path else ""
        if not path:
            continue
        if path.startswith("序号") or leaf in ("序号", "栏次"):
            cols.skipped.append(col)
            continue
        if k < len(keys) and keys[k] == "code" and leaf in ("类", "款", "项"):
            cols.code_parts.append(col)
            if leaf == "项" or (col + 1 < len(paths) and paths[col + 1].split("/")[-1] not in ("款", "项")):
                k += 1
            continue
        if k < len(keys) and keys[k] == "code" and not _matches(kind, "code", path):
            k += 1  # no code column: codes may stand in the names
        if k >= len(keys):
            out.add(f"{place} column {col + 1}", "importer.column-unknown", header=path)
            return None
        if not _matches(kind, keys[k], path):
            out.add(f"{place} column {col + 1}", "importer.column-mismatch", header=path, expected=kind.column(keys[k]).label)
            return None
        cols.by_key[keys[k]] = col
        k += 1
    missing = [key for key in keys[k:]]
    if missing:
        out.add(place, "importer.columns-missing", columns="、".join(kind.column(key).label for key in missing))
        return None
    return cols


# ---------------------------------------------------------------------------------------------
# Rows


def read_table(kind: TableKind, grid: list[Row], title_row: int, place: str, out: Imported, fill_gaps: bool = False) -> dict | None:
    """One standard table as content data ({note, rows}); problems go to `out`."""
    layout = find_layout(grid, title_row)
    if layout.unit is None and kind.unit:
        out.add(place, "importer.no-unit", WARNING, unit=kind.unit)
    elif layout.unit != kind.unit and kind.key != "assets":
        out.add(place, "importer.wrong-unit", unit=layout.unit, expected=kind.unit)
        return None
    for text in layout.preamble:
        match = re.match(r"预算年度:(\d{4})", text)
        if match and out.year is None:
            out.year = match.group(1)
    paths = column_paths(grid, layout.header, fill_gaps)
    columns = place_columns(kind, paths, place, out)
    if columns is None:
        return None
    data: dict = {}
    if kind.key == "assets":
        data["as_of"] = _as_of(layout.preamble)
        if not data["as_of"]:
            out.add(place, "importer.no-as-of", BLANK)
    rows: list[dict] = []
    notes: list[str] = []
    used = set(columns.by_key.values()) | set(columns.code_parts) | set(columns.skipped)
    headless = _headless_figures(grid, layout, paths, used)
    for col, cell in headless.items():
        out.add(cell.place, "importer.column-no-header", column=col + 1, text=cell.text.strip())
    used |= set(headless)
    last_parts: list[str] = []
    for r in range(layout.first_data, len(grid)):
        row = grid[r]
        if not any(c.text.strip() for c in row):
            continue
        if _is_note(row):
            notes.append(" ".join(c.text.strip() for c in row if c.text.strip()))
            continue
        if _is_footer(row):
            out.add(row[0].place, "importer.footer-skipped", SKIPPED, text=" ".join(c.text.strip() for c in row if c.text.strip())[:60])
            continue
        if _is_column_numbers(row) or _is_preamble(row) or _repeats_header(row, grid, layout):
            out.add(row[0].place, "importer.repeated-header", SKIPPED)
            continue
        if rows and _continues(kind, row, columns, rows[-1]):
            continue
        record = _read_row(kind, row, columns, last_parts, out)
        for col, cell in enumerate(row):
            if col not in used and cell.text.strip():
                out.add(cell.place, "importer.cell-unplaced", text=cell.text.strip())
        if record:
            rows.append(record)
    if notes:
        data["note"] = "\n".join(notes)
    data["rows"] = rows
    return data


def _headless_figures(grid: list[Row], layout: Layout, paths: list[str], used: set[int]) -> dict[int, Cell]:
    """Columns holding figures under no header: a header shifted off its figures. Said
    once per column, at its first figure."""
    found: dict[int, Cell] = {}
    for r in range(layout.first_data, len(grid)):
        for col, cell in enumerate(grid[r]):
            has_header = col < len(paths) and paths[col] != ""
            if col in used or col in found or has_header:
                continue
            if cell.number is not None or _PLAIN_NUMBER.fullmatch(cell.text.strip()) or _GROUPED_NUMBER.fullmatch(cell.text.strip()):
                found[col] = cell
    return found


def _continues(kind: TableKind, row: Row, columns: Columns, previous: dict) -> bool:
    """A PDF wraps a long name onto a line of its own, without 序号: only text cells are
    filled, and they are the tails of the row above."""
    if not columns.skipped or any(c < len(row) and row[c].text.strip() for c in columns.skipped):
        return False
    filled = {k: row[c].text.strip() for k, c in columns.by_key.items() if c < len(row) and row[c].text.strip()}
    if not filled or any(kind.column(k).kind != TEXT for k in filled):
        return False
    for key, text in filled.items():
        previous[key] = (previous.get(key) or "") + text
    return True


def _repeats_header(row: Row, grid: list[Row], layout: Layout) -> bool:
    texts = [t for t in row_texts(row) if t]
    header_texts = {t for r in range(layout.header[0], layout.header[1] + 1) for t in row_texts(grid[r]) if t}
    return bool(texts) and all(t in header_texts for t in texts) and not any(_PLAIN_NUMBER.fullmatch(t) for t in texts)


def _read_row(kind: TableKind, row: Row, columns: Columns, last_parts: list[str], out: Imported) -> dict | None:
    def cell(col: int) -> Cell:
        return row[col] if col < len(row) else Cell("", f"{row[0].place}+{col}")

    record: dict = {}
    code = ""
    if columns.code_parts:
        code = _split_code([cell(c).text.strip() if cell(c).merge_origin else "" for c in columns.code_parts], last_parts)
    for key in kind.keys:
        col = columns.by_key.get(key)
        if col is None:
            continue
        c = cell(col)
        column = kind.column(key)
        if column.kind in (MONEY, NUMBER):
            if c.merge and c.merge[0] != c.merge[1] and _spans_figures(c.merge, columns, kind):
                out.add(c.place, "importer.merged-figures")
                return None
            if not c.merge_origin:
                continue
            if c.number is None and c.text.strip() in DASHES:
                out.add(c.place, "importer.dash-blank", WARNING, text=c.text.strip())
                continue  # a dash shows nothing here: kept blank, not made 0.00
            try:
                record[key] = figure(c, column.kind)
            except FigureError as problem:
                out.add(c.place, problem.key, ERROR, **problem.params)
        elif key == "code":
            code = _code_text(c)
        else:
            record[key] = c.text.strip() if c.merge_origin else ""
    if "code" in kind.keys:
        name = record.get("name", "")
        if code and not _CODE.fullmatch(code):
            record["name"], code = name or code, ""  # 合计 standing in the code column
        if not code:
            match = _CODE_IN_NAME.match(name)
            if match:
                code, record["name"] = match.group(1), match.group(2).strip()
        record = {"code": code or None, **{k: v for k, v in record.items() if k != "code"}}
        if not code and norm(record.get("name") or "") not in ("合计", "总计") and record.get("name"):
            out.add(row[0].place, "importer.no-code", BLANK, name=record["name"])
    ordered = {key: record.get(key) for key in kind.keys if key in record}
    return ordered if any(v not in (None, "") for v in ordered.values()) else None


def _code_text(c: Cell) -> str:
    if c.number is not None:
        return format(Decimal(repr(c.number)) if isinstance(c.number, float) else Decimal(c.number), "f").split(".")[0]
    return c.text.strip()


def _split_code(parts: list[str], last: list[str]) -> str:
    """类/款/项 in separate columns: "205", "08", "02" → 2050802; a part may also be the
    whole code ("20508"), and a blank 类 beside a filled 款 is the 类 of the rows above."""
    code = ""
    for level, part in enumerate(p.split(".")[0] for p in parts):
        if not part:
            if any(parts[level + 1 :]) and level < len(last):
                code = last[level]
                continue
            break
        code = part if code and part.startswith(code) and len(part) > len(code) else code + part
        del last[level:]
        last.append(code)
    return code


def _spans_figures(merge: tuple[int, int], columns: Columns, kind: TableKind) -> bool:
    figures = [columns.by_key[k] for k in kind.keys if k in columns.by_key and kind.column(k).kind in (MONEY, NUMBER)]
    return any(merge[0] <= col <= merge[1] for col in figures)


_DATE = re.compile(r"(\d{4})[-年./](\d{1,2})[-月./](\d{1,2})")


def _as_of(preamble: list[str]) -> str | None:
    for text in preamble:
        match = _DATE.search(text)
        if match:
            y, m, d = match.groups()
            return f"{y}-{int(m):02d}-{int(d):02d}"
    return None
