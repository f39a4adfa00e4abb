"""A published document's text (`.txt`), as extracted from Word or from a PDF.

- From Word (the Tangshan and Tianjin seeds): `[bookmark: …]` anchors before headings,
  table cells one per line behind a tab, rows separated by blank lines, a cell's second
  paragraph on a line of its own without the tab.
- From a PDF (the Zhangjiakou seed): `#` headings, table rows as tab-separated lines, a
  table's header block (department line, 预算年度, 单位, header rows, 栏次) repeated on every
  page, a name wrapped onto a line of its own, table-of-contents lines with page numbers.

Either way every line is placed or listed in the report with its line number.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.importer.layout import Cell, identify, norm, read_table
from generator.importer.report import BLANK, ERROR, SKIPPED, Imported
from generator.importer.targets import TRow, heading, read_goals, read_project, unwrap
from generator.tables import STANDARD_TABLES

BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


def read_text(path: Path) -> Imported:
    lines = path.read_text(encoding="utf-8").split("\n")
    if any(BOOKMARK.search(line) for line in lines) or not any(line.startswith("#") for line in lines):
        return read_word_text(lines)
    from generator.importer.pdftext import read_pdf_text

    return read_pdf_text(lines)


def read_word_text(lines: list[str]) -> Imported:
    out = Imported()
    lines = [BOOKMARK.sub("", line) for line in lines]
    part_two = next((i for i, line in enumerate(lines) if norm(line) == "第二部分"), None)
    goal_end = part_two if part_two is not None else _first_project(lines)
    goal_lines = [(line, f"line {i + 1}") for i, line in enumerate(lines[:goal_end])]
    if any(line.strip() for line, _ in goal_lines):
        goals = read_goals(goal_lines, out)
        if goals:
            out.files["goals.yaml"] = goals
    projects_from_rows(_word_rows(lines, goal_end), out)
    return out


def _first_project(lines: list[str]) -> int:
    return next((i for i, line in enumerate(lines) if heading(line.strip())), len(lines))


def _word_rows(lines: list[str], start: int) -> list[tuple[str, object]]:
    """("heading", (seq, title, place)), ("row", TRow) or ("line", (text, place)) in order."""
    items: list[tuple[str, object]] = []
    row: TRow | None = None
    for i in range(start, len(lines)):
        line, place = lines[i], f"line {i + 1}"
        found = heading(line.strip()) if not line.startswith("\t") else None
        if found:
            row = None
            items.append(("heading", (found[0], found[1], place)))
        elif line.startswith("\t"):
            if row is None:
                row = TRow([], place)
                items.append(("row", row))
            row.cells.append(line[1:])
        elif not line.strip():
            row = None
        elif row is not None:
            row.cells[-1] += "\n" + line  # a second paragraph in the same cell
        else:
            items.append(("line", (line.strip(), place)))
    return items


def projects_from_rows(items: list[tuple[str, object]], out: Imported, pdf: bool = False) -> None:
    """Group rows under their project heading and read each project table."""
    current: tuple[int, str, str] | None = None
    rows: list[TRow] = []
    units: list[str] = []

    def finish() -> None:
        if current is None:
            return
        seq, title, place = current
        project = read_project(rows, seq, title, place, out)
        if project is None:
            return
        if pdf:
            project = unwrap(project)
        key = project.get("code") or f"p{seq:02d}"
        if f"projects/{key}.yaml" in out.files:
            out.add(place, "importer.project-twice", ERROR, key=key)
        out.files[f"projects/{key}.yaml"] = project
        if project.get("unit") and project["unit"] not in units:
            units.append(project["unit"])

    for kind, item in items:
        if kind == "heading":
            finish()
            current, rows = item, []
        elif kind == "row":
            if current is None:
                out.add(item.place, "importer.row-unplaced", SKIPPED, text=" | ".join(item.cells)[:60])
            else:
                rows.append(item)
        else:
            text, place = item
            if norm(text) not in ("预算项目绩效目标", "第二部分"):
                out.add(place, "importer.line-unplaced", SKIPPED, text=text[:60])
    finish()
    if units:
        match = re.match(r"^(\d{6})(\S+)$", units[0])
        if match and not out.department.get("name"):
            out.department.update(code=match.group(1), name=match.group(2))
        out.department.setdefault("units", units)
