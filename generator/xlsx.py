"""A table as an Excel workbook in the published layout, written as SpreadsheetML directly.

Title row, a line with the department, year and 单位：万元, the header rows with their
merged cells as published, then the rows: codes as text cells, money as numbers shown with
two decimals (a zero as 0.00), blank cells left blank. A project's target table has its
facts (unit, code, budget, plan, goals) above the indicator table, whose 一级/二级 cells are
merged down the rows they cover, as in the source.

The workbook is written as text, not through openpyxl's object model: every workbook
has the same eight parts and nine cell styles, so only the sheet and its strings vary,
and openpyxl spent about 25 ms on each (most of a clean build at a thousand pages) building
and serialising objects to say the same. A number is written with the Decimal's own
digits; a string goes to the shared strings, as Excel itself writes them.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

from generator import zipfiles
from generator.datatables import DataTable, is_money
from generator.tables import CODE

CREATED = "2000-01-01T00:00:00Z"  # same table, same bytes

# Cell styles: indexes into cellXfs of _STYLES below.
TITLE, RIGHT, HEAD, PLAIN, MONEY, TEXT_CODE, LABEL, LEVEL = 1, 2, 3, 4, 5, 6, 7, 8

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = _DECLARATION + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

_ROOT_RELS = _DECLARATION + (
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

_APP = _DECLARATION + (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>disclose</Application></Properties>"
)

_CORE = _DECLARATION + (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator>disclose</dc:creator>"
    f'<dcterms:created xsi:type="dcterms:W3CDTF">{CREATED}</dcterms:created>'
    f'<dcterms:modified xsi:type="dcterms:W3CDTF">{CREATED}</dcterms:modified>'
    "</cp:coreProperties>"
)

_WORKBOOK_RELS = _DECLARATION + (
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)

_BORDERED = 'fillId="0" borderId="1" xfId="0" applyBorder="1"'
_CENTERED = '<alignment horizontal="center" vertical="center" wrapText="1"/>'
# Built-in number formats: 2 is "0.00", 49 is "@" (text).
_STYLES = _DECLARATION + (
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="3">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="9">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'  # 0 default
    f'<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">{_CENTERED}</xf>'  # 1 title
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="right"/></xf>'  # 2 unit
    f'<xf numFmtId="0" fontId="1" {_BORDERED} applyFont="1" applyAlignment="1">{_CENTERED}</xf>'  # 3 header
    f'<xf numFmtId="0" fontId="0" {_BORDERED}/>'  # 4 plain
    f'<xf numFmtId="2" fontId="0" {_BORDERED} applyNumberFormat="1"/>'  # 5 money
    f'<xf numFmtId="49" fontId="0" {_BORDERED} applyNumberFormat="1"/>'  # 6 code
    f'<xf numFmtId="0" fontId="1" {_BORDERED} applyFont="1"/>'  # 7 label
    f'<xf numFmtId="0" fontId="0" {_BORDERED} applyAlignment="1">{_CENTERED}</xf>'  # 8 level
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

# XML 1.0 cannot carry these; YAML cannot either, so the content never holds them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in text:  # a parser turns a bare CR into LF; the reference keeps it
        text = text.replace("\r", "&#13;")
    return _NOT_XML.sub("", text)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Sheet:
    """The cells of one worksheet, by row and column (from 1), with their style, and the
    merged ranges in the order they were made."""

    def __init__(self) -> None:
        self.cells: dict[int, dict[int, tuple[object, int]]] = {}
        self.merges: list[tuple[int, int, int, int]] = []

    def put(self, row: int, col: int, value, style: int = 0) -> None:
        self.cells.setdefault(row, {})[col] = (value, style)

    def restyle(self, row: int, col: int, style: int) -> None:
        value = self.cells.get(row, {}).get(col, (None, 0))[0]
        self.put(row, col, value, style)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.merges.append((first_row, first_col, last_row, last_col))


def layout(table: DataTable) -> tuple[Sheet, list[int]]:
    """The sheet of a table and its column widths."""
    sheet = Sheet()
    width = max(len(table.columns), 2)
    sheet.put(1, 1, table.title, TITLE)
    sheet.merge(1, 1, 1, width)
    sheet.put(2, 1, f"编制部门：{table.department_code} {table.department_name}    预算年度：{table.year}")
    if table.unit:
        sheet.put(2, width, f"单位：{table.unit}", RIGHT)
    row = 3
    if table.facts:
        row = _facts(sheet, table, row, width)
    row = _header(sheet, table, row)
    first_body = row
    for values in table.rows:
        for index, (column, value) in enumerate(zip(table.columns, values), start=1):
            sheet.put(row, index, *_body_cell(column, value))
        row += 1
    if table.key.startswith("targets-"):
        _merge_levels(sheet, table, first_body)
    if table.note:
        sheet.put(row, 1, table.note)
    widths = [8 if column.key == "seq" else (24 if column.row_header else 14) for column in table.columns]
    return sheet, widths


def _body_cell(column, value) -> tuple[object, int]:
    if value is None:
        return None, PLAIN  # blank as published, never 0
    if column.kind == CODE:
        return str(value), TEXT_CODE  # a code is text: 0101 keeps its zero
    if isinstance(value, Decimal):
        return value, MONEY if is_money(column) else PLAIN
    return value, PLAIN


def _header(sheet: Sheet, table: DataTable, row: int) -> int:
    """One or two header rows: a group spans its columns, an ungrouped column spans both rows."""
    grouped = any(column.group for column in table.columns)
    index = 0
    columns = table.columns
    while index < len(columns):
        column = columns[index]
        col = index + 1
        if not column.group:
            sheet.put(row, col, column.label, HEAD)
            if grouped:
                sheet.put(row + 1, col, None, HEAD)
                sheet.merge(row, col, row + 1, col)
            index += 1
            continue
        span = 1
        while index + span < len(columns) and columns[index + span].group == column.group:
            span += 1
        sheet.put(row, col, column.group, HEAD)
        for offset in range(span):
            if offset:
                sheet.put(row, col + offset, None, HEAD)
            sheet.put(row + 1, col + offset, columns[index + offset].label, HEAD)
        if span > 1:
            sheet.merge(row, col, row, col + span - 1)
        index += span
    return row + (2 if grouped else 1)


def _facts(sheet: Sheet, table: DataTable, row: int, width: int) -> int:
    for label, value in table.facts:
        sheet.put(row, 1, label, LABEL)
        if isinstance(value, Decimal):
            sheet.put(row, 2, value, MONEY)
        elif label == "项目编码":
            sheet.put(row, 2, None if value is None else str(value), TEXT_CODE)
        else:
            sheet.put(row, 2, value, PLAIN)
        sheet.merge(row, 2, row, width)
        row += 1
    return row + 1


def _merge_levels(sheet: Sheet, table: DataTable, first: int) -> None:
    """一级 and 二级 merged down the rows they cover, as the source tables are."""
    rows = table.rows
    for position, depth in ((0, 1), (1, 2)):
        start = 0
        for index in range(1, len(rows) + 1):
            if index == len(rows) or rows[index][:depth] != rows[start][:depth]:
                if index - start > 1:
                    col = position + 1
                    sheet.merge(first + start, col, first + index - 1, col)
                    sheet.restyle(first + start, col, LEVEL)
                start = index


# ---------------------------------------------------------------- SpreadsheetML


def _worksheet(sheet: Sheet, widths: list[int], strings: dict[str, int]) -> str:
    letters = [column_letter(c) for c in range(1, max(len(widths), *(max(r) for r in sheet.cells.values())) + 1)]
    parts = []
    for row in sorted(sheet.cells):
        cells = sheet.cells[row]
        parts.append(f'<row r="{row}">')
        for col in sorted(cells):
            parts.append(_cell(f"{letters[col - 1]}{row}", *cells[col], strings))
        parts.append("</row>")
    last_row = max(sheet.cells)
    last_col = max(max(r) for r in sheet.cells.values())
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
    merges = "".join(
        f'<mergeCell ref="{letters[c1 - 1]}{r1}:{letters[c2 - 1]}{r2}"/>' for r1, c1, r2, c2 in sheet.merges
    )
    return (
        f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<dimension ref="A1:{letters[last_col - 1]}{last_row}"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>" + "".join(parts) + "</sheetData>"
        + (f'<mergeCells count="{len(sheet.merges)}">{merges}</mergeCells>' if merges else "")
        + '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        "</worksheet>"
    )


def _cell(ref: str, value, style: int, strings: dict[str, int]) -> str:
    styled = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{styled}/>'
    if isinstance(value, str):
        index = strings.setdefault(value, len(strings))
        return f'<c r="{ref}"{styled} t="s"><v>{index}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}"{styled}><v>{value:f}</v></c>'  # the decimal's own digits, never an exponent
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a workbook cell holds text, a Decimal or an int, not {type(value).__name__}")
    return f'<c r="{ref}"{styled}><v>{value}</v></c>'


def _shared_strings(strings: dict[str, int], uses: int) -> str:
    items = "".join(
        f'<si><t xml:space="preserve">{_escape(text)}</t></si>' if text != text.strip() else f"<si><t>{_escape(text)}</t></si>"
        for text in strings  # a dict keeps insertion order: the index order
    )
    return f'{_DECLARATION}<sst xmlns="{_MAIN}" count="{uses}" uniqueCount="{len(strings)}">{items}</sst>'


def _workbook_part(title: str) -> str:
    name = _escape(title).replace('"', "&quot;")
    return (
        f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>'
        '<calcPr calcId="124519" fullCalcOnLoad="1"/>'
        "</workbook>"
    )


def sheet_title(table: DataTable) -> str:
    return (table.key if len(table.key) <= 31 else table.key[:31]).replace("/", "-")


@functools.cache
def _fixed_parts() -> dict[str, zipfiles.Member]:
    """The parts every workbook has word for word, compressed once per process."""
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "docProps/app.xml": _APP,
        "docProps/core.xml": _CORE,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/styles.xml": _STYLES,
    }
    return {name: zipfiles.deflated(text.encode("utf-8")) for name, text in parts.items()}


def workbook(table: DataTable) -> bytes:
    """The .xlsx file of a table; the same table, the same bytes."""
    sheet, widths = layout(table)
    strings: dict[str, int] = {}
    worksheet = _worksheet(sheet, widths, strings)
    uses = sum(1 for cells in sheet.cells.values() for value, _ in cells.values() if isinstance(value, str))
    varying = {
        "xl/workbook.xml": _workbook_part(sheet_title(table)),
        "xl/sharedStrings.xml": _shared_strings(strings, uses),
        "xl/worksheets/sheet1.xml": worksheet,
    }
    members = dict(_fixed_parts())  # [Content_Types].xml first, as readers expect
    members.update((name, zipfiles.deflated(text.encode("utf-8"))) for name, text in varying.items())
    return zipfiles.archive(members.items())
