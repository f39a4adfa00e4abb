"""The nine tables from an `.xlsx` workbook, as budget systems export them.

Each sheet becomes a grid of cells (merged ranges known, numbers kept as numbers with the
decimals their format shows); a sheet whose name or title rows name a table is read by
the shared layout reader, any other sheet (a cover, notes) is listed as skipped. The nine
standard tables must all be there, once each; procurement and assets are read when present.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from generator.importer.layout import Cell, Row, display, identify, identify_by_number, norm, read_table
from generator.importer.report import ERROR, SKIPPED, Imported, ImportFailed
from generator.importer.targets import TRow, projects_from_rows
from generator.tables import STANDARD_TABLES

_DECIMALS = re.compile(r"0\.(0+)")


def _load(data, place: str):
    from openpyxl import load_workbook

    try:
        return load_workbook(data, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportFailed(place, "importer.unreadable", reason=type(exc).__name__) from None


def read_workbook(path: Path) -> Imported:
    book = _load(path, str(path))
    reading = _Reading()
    reading.book(book, "")
    return reading.finish(path.name)


def read_bundle(path: Path) -> Imported:
    """A zip of workbooks, one table or one project each (the open-data download of a
    department-year): read as one workbook of many sheets."""
    reading = _Reading()
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ImportFailed(str(path), "importer.unreadable", reason="BadZipFile") from None
    with archive:
        for name in sorted(archive.namelist()):
            if name.lower().endswith(".xlsx"):
                reading.book(_load(io.BytesIO(archive.read(name)), f"{path.name}:{name}"), f"{name}:")
            else:
                reading.out.add(f"{path.name}:{name}", "importer.member-skipped", SKIPPED)
    return reading.finish(path.name)


_TARGET_TITLE = re.compile(r"^\s*(?:\d+\s*[.、．]\s*)?(.+?)\s*(?:项目)?绩效目标表\s*$")


class _Reading:
    """Sheets read one after another; the nine tables checked and projects numbered at the end."""

    def __init__(self) -> None:
        self.out = Imported()
        self.found: dict[str, str] = {}
        self.targets: list[tuple[str, str, list[TRow]]] = []  # (place, title, rows)
        self.seq_by_code: dict[str, int] = {}

    def book(self, book, prefix: str) -> None:
        for sheet in book.worksheets:
            self.sheet(sheet, f"{prefix}{sheet.title}")

    def sheet(self, sheet, label: str) -> None:
        out = self.out
        grid = sheet_grid(sheet, label)
        title_row, kind = _title(grid, sheet.title)
        first = next((c.text.strip() for row in grid[:2] for c in row if c.text.strip()), "")
        target_title = _TARGET_TITLE.match(first) if kind is None else None
        if target_title is not None:
            self.targets.append((label, target_title.group(1), _target_rows(grid)))
            _department(grid, 0, out)
            return
        if kind is None and norm(first) == "项目预算及绩效目标":
            self._project_list(grid)
            return
        if kind is None:
            out.add(label, "importer.sheet-skipped", SKIPPED)
            return
        if kind.key in self.found:
            out.add(label, "importer.sheet-twice", table=kind.title, first=self.found[kind.key])
            return
        self.found[kind.key] = label
        data = read_table(kind, grid, title_row, label, out)
        if data is not None:
            out.files[f"tables/{kind.key}.yaml"] = data
        _department(grid, title_row, out)

    def _project_list(self, grid: list[Row]) -> None:
        """序号 and 项目编码 of every project, so the project files keep their numbers."""
        header = next((r for r, row in enumerate(grid) if {"序号", "项目编码"} <= {norm(c.text) for c in row}), None)
        if header is None:
            return
        cols = {norm(c.text): i for i, c in enumerate(grid[header])}
        for row in grid[header + 1 :]:
            seq, code = row[cols["序号"]].text.strip(), row[cols["项目编码"]].text.strip()
            if seq.isdigit() and code:
                self.seq_by_code[code] = int(seq)

    def finish(self, name: str) -> Imported:
        items: list[tuple[str, object]] = []
        for n, (place, title, rows) in enumerate(self.targets, start=1):
            code = next((r.cells[1].strip() for r in rows if r.cells and norm(r.cells[0]) == "项目编码" and len(r.cells) > 1), "")
            items.append(("heading", (self.seq_by_code.get(code, n), title, place)))
            items.extend(("row", row) for row in rows)
        if items:
            projects_from_rows(items, self.out)
        if self.found or not self.targets:
            for kind in STANDARD_TABLES:
                if kind.key not in self.found:
                    self.out.add(name, "importer.sheet-missing", ERROR, number="一二三四五六七八九"[kind.number - 1], table=kind.title)
        return self.out


def _target_rows(grid: list[Row]) -> list[TRow]:
    """A project sheet's rows as Word shows a table's: a merge once, a vertical merge's
    lower cells empty; the title and department lines left out."""
    rows = []
    for row in grid[1:]:
        if not any(c.text.strip() for c in row) or norm(row[0].text).startswith("编制部门"):
            continue
        cells = [display(c) if c.merge_origin else "" for col, c in enumerate(row) if c.merge_origin or c.merge is None or col == c.merge[0]]
        rows.append(TRow(cells, row[0].place))
    return rows


def _title(grid: list[Row], sheet_name: str):
    for r, row in enumerate(grid[:6]):
        kind = identify([c.text for c in row])
        if kind is not None:
            return r, kind
    kind = identify([sheet_name]) or identify_by_number(sheet_name)
    return -1, kind


def sheet_grid(sheet, label: str | None = None) -> list[Row]:
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
            cells.append(_cell(label or sheet.title, cell, merges, origin_text))
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
