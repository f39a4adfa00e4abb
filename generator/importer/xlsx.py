"""The nine tables from an `.xlsx` workbook, as budget systems export them.

Each sheet becomes a grid of cells (merged ranges known, numbers kept as numbers with the
decimals their format shows); a sheet whose name or title rows name a table is read by
the shared layout reader, any other sheet (a cover, notes) is listed as skipped. The nine
standard tables must all be there, once each; procurement and assets are read when present.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.importer.layout import Cell, Row, identify, identify_by_number, read_table
from generator.importer.report import ERROR, SKIPPED, Imported, ImportFailed
from generator.tables import STANDARD_TABLES

_DECIMALS = re.compile(r"0\.(0+)")


def read_workbook(path: Path) -> Imported:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportFailed(str(path), "importer.unreadable", reason=type(exc).__name__) from None
    out = Imported()
    found: dict[str, str] = {}
    for sheet in book.worksheets:
        grid = sheet_grid(sheet)
        title_row, kind = _title(grid, sheet.title)
        if kind is None:
            out.add(f"{sheet.title}", "importer.sheet-skipped", SKIPPED)
            continue
        if kind.key in found:
            out.add(f"{sheet.title}", "importer.sheet-twice", table=kind.title, first=found[kind.key])
            continue
        found[kind.key] = sheet.title
        data = read_table(kind, grid, title_row, sheet.title, out)
        if data is not None:
            out.files[f"tables/{kind.key}.yaml"] = data
        _department(grid, title_row, out)
    for kind in STANDARD_TABLES:
        if kind.key not in found:
            out.add(str(path.name), "importer.sheet-missing", ERROR, number="一二三四五六七八九"[kind.number - 1], table=kind.title)
    return out


def _title(grid: list[Row], sheet_name: str):
    for r, row in enumerate(grid[:6]):
        kind = identify([c.text for c in row])
        if kind is not None:
            return r, kind
    kind = identify([sheet_name]) or identify_by_number(sheet_name)
    return -1, kind


def sheet_grid(sheet) -> list[Row]:
    merges: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for rng in sheet.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merges[(r, c)] = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
    origin_text: dict[tuple[int, int], str] = {}
    grid: list[Row] = []
    for row in sheet.iter_rows():
        cells: Row = []
        for cell in row:
            cells.append(_cell(sheet.title, cell, merges, origin_text))
        grid.append(cells)
    return _expand_headers(grid, merges)


def _cell(title: str, cell, merges, origin_text) -> Cell:
    key = (cell.row, cell.column)
    merge = merges.get(key)
    origin = merge is None or (merge[0], merge[1]) == key
    value = cell.value
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    text = "" if value is None else str(value)
    if number is not None:
        text = str(value)
    decimals = None
    if number is not None:
        fmt = getattr(cell, "number_format", "") or ""
        match = _DECIMALS.search(fmt)
        decimals = len(match.group(1)) if match else (0 if "0" in fmt else None)
    indent = int(getattr(cell.alignment, "indent", 0) or 0)
    if origin:
        origin_text[key] = text
    return Cell(
        text=text if origin else "",
        place=f"{title}!{cell.coordinate}",
        number=number if origin else None,
        decimals=decimals,
        merge=(merge[1] - 1, merge[3] - 1) if merge else None,
        merge_origin=origin,
        indent=indent,
    )


def _expand_headers(grid: list[Row], merges) -> list[Row]:
    """A merged header reads the same in every cell it covers, so that each column's header
    path can be read top-down; data cells keep their emptiness (and their merge mark)."""
    by_pos = {(r + 1, c + 1): cell for r, row in enumerate(grid) for c, cell in enumerate(row)}
    out: list[Row] = []
    for r, row in enumerate(grid):
        new_row = []
        for c, cell in enumerate(row):
            merge = merges.get((r + 1, c + 1))
            if merge and not cell.merge_origin and isinstance(by_pos.get((merge[0], merge[1])), Cell):
                source = by_pos[(merge[0], merge[1])]
                if source.number is None:  # only text (a header) is repeated, never a figure
                    cell = Cell(source.text, cell.place, None, None, cell.merge, False, cell.indent)
            new_row.append(cell)
        out.append(new_row)
    return out


_DEPT = re.compile(r"(?:编制部门|编制单位|单位名称|部门)[:：]\s*(?:(\d+)\s*)?([^\s单]+)")


def _department(grid: list[Row], title_row: int, out: Imported) -> None:
    """The department line above the header (编制部门：731 张家口市科学技术协会)."""
    if out.department.get("name"):
        return
    for row in grid[title_row + 1 : title_row + 4]:
        for cell in row:
            match = _DEPT.search(cell.text)
            if match:
                out.department = {"code": match.group(1) or "", "name": match.group(2)}
                return
