"""A table as an Excel workbook in the published layout (openpyxl).

Title row, a line with the department, year and 单位：万元, the header rows with their
merged cells as published, then the rows: codes as text cells, money as numbers shown with
two decimals (a zero as 0.00), blank cells left blank. A project's target table has its
facts (unit, code, budget, plan, goals) above the indicator table, whose 一级/二级 cells are
merged down the rows they cover, as in the source.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.writer.excel import ExcelWriter

from generator.datatables import DataTable, is_money
from generator.tables import CODE

FIXED_TIME = datetime.datetime(2000, 1, 1)  # no build time inside: same table, same bytes
MONEY_FORMAT = "0.00"
TEXT_FORMAT = "@"
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)


class _Styles:
    """Each kind of cell's style made once per workbook and copied onto its cells: setting
    font, border and format cell by cell costs openpyxl a style lookup each time."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.arrays: dict[str, object] = {}
        self._make("head", font=_BOLD, alignment=_CENTER, border=_BORDER)
        self._make("money", number_format=MONEY_FORMAT, border=_BORDER)
        self._make("code", number_format=TEXT_FORMAT, border=_BORDER)
        self._make("plain", border=_BORDER)
        self._make("label", font=_BOLD, border=_BORDER)
        self._make("level", alignment=_CENTER, border=_BORDER)

    def _make(self, name: str, **style) -> None:
        cell = self.sheet.cell(1, 1)
        for key, value in style.items():
            setattr(cell, key, value)
        self.arrays[name] = cell._style
        cell._style = type(cell._style)()

    def apply(self, cell, name: str) -> None:
        cell._style = type(self.arrays[name])(self.arrays[name])  # type: ignore[call-arg]  # a StyleArray copies an array


def _merge(sheet, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    # The merged range alone, as Excel stores it; openpyxl's merge_cells also restyles every
    # covered cell, which costs more than the rest of the workbook.
    sheet.merged_cells.add(CellRange(min_row=first_row, min_col=first_col, max_row=last_row, max_col=last_col))


def workbook(table: DataTable) -> Workbook:
    book = Workbook()
    book.properties.creator = "disclose"
    book.properties.created = book.properties.modified = FIXED_TIME
    sheet = book.active
    sheet.title = (table.key if len(table.key) <= 31 else table.key[:31]).replace("/", "-")
    styles = _Styles(sheet)
    width = max(len(table.columns), 2)
    sheet.cell(1, 1, table.title).font = _TITLE
    sheet.cell(1, 1).alignment = _CENTER
    _merge(sheet, 1, 1, 1, width)
    sheet.cell(2, 1, f"编制部门：{table.department_code} {table.department_name}    预算年度：{table.year}")
    if table.unit:
        sheet.cell(2, width, f"单位：{table.unit}").alignment = Alignment(horizontal="right")
    row = 3
    if table.facts:
        row = _facts(sheet, table, row, width, styles)
    row = _header(sheet, table, row, styles)
    first_body = row
    for values in table.rows:
        for index, (column, value) in enumerate(zip(table.columns, values), start=1):
            _put(sheet.cell(row, index), column, value, styles)
        row += 1
    if table.key.startswith("targets-"):
        _merge_levels(sheet, table, first_body, styles)
    if table.note:
        sheet.cell(row, 1, table.note)
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 8 if column.key == "seq" else (24 if column.row_header else 14)
    return book


def _put(cell, column, value, styles: _Styles) -> None:
    if value is None:
        styles.apply(cell, "plain")
        return  # blank as published, never 0
    if column.kind == CODE:
        cell.value = str(value)
        cell.data_type = "s"
        styles.apply(cell, "code")
    elif isinstance(value, Decimal):
        cell.value = value  # openpyxl writes the decimal's own digits
        styles.apply(cell, "money" if is_money(column) else "plain")
    else:
        cell.value = value
        styles.apply(cell, "plain")


def _header(sheet, table: DataTable, row: int, styles: _Styles) -> int:
    """One or two header rows: a group spans its columns, an ungrouped column spans both rows."""
    grouped = any(column.group for column in table.columns)
    index = 0
    columns = table.columns
    while index < len(columns):
        column = columns[index]
        col = index + 1
        if not column.group:
            _head_cell(sheet, row, col, column.label, styles)
            if grouped:
                _head_cell(sheet, row + 1, col, None, styles)
                _merge(sheet, row, col, row + 1, col)
            index += 1
            continue
        span = 1
        while index + span < len(columns) and columns[index + span].group == column.group:
            span += 1
        _head_cell(sheet, row, col, column.group, styles)
        for offset in range(span):
            if offset:
                _head_cell(sheet, row, col + offset, None, styles)
            _head_cell(sheet, row + 1, col + offset, columns[index + offset].label, styles)
        if span > 1:
            _merge(sheet, row, col, row, col + span - 1)
        index += span
    return row + (2 if grouped else 1)


def _head_cell(sheet, row: int, col: int, text, styles: _Styles) -> None:
    styles.apply(sheet.cell(row, col, text), "head")


def _facts(sheet, table: DataTable, row: int, width: int, styles: _Styles) -> int:
    for label, value in table.facts:
        styles.apply(sheet.cell(row, 1, label), "label")
        cell = sheet.cell(row, 2)
        if value is not None:
            cell.value = value
        if isinstance(value, Decimal):
            styles.apply(cell, "money")
        elif label == "项目编码":
            cell.data_type = "s"
            styles.apply(cell, "code")
        else:
            styles.apply(cell, "plain")
        _merge(sheet, row, 2, row, width)
        row += 1
    return row + 1


def _merge_levels(sheet, table: DataTable, first: int, styles: _Styles) -> None:
    """一级 and 二级 merged down the rows they cover, as the source tables are."""
    for position, depth in ((0, 1), (1, 2)):
        start = 0
        rows = table.rows
        for index in range(1, len(rows) + 1):
            if index == len(rows) or rows[index][:depth] != rows[start][:depth]:
                if index - start > 1:
                    col = position + 1
                    _merge(sheet, first + start, col, first + index - 1, col)
                    styles.apply(sheet.cell(first + start, col), "level")
                start = index


def save(book: Workbook, archive) -> None:
    """Write the workbook into an open zip (one whose members carry a fixed time)."""
    ExcelWriter(book, archive).save()
