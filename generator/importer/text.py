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

from generator.importer.layout import norm
from generator.importer.report import Imported
from generator.importer.targets import TRow, heading, projects_from_rows, read_goals

BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


def read_text(path: Path) -> Imported:
    lines = path.read_text(encoding="utf-8").split("\n")
    # Word gives a cell a line of its own behind a tab; a PDF gives a row a line, cells
    # parted by tabs.
    word_cells = sum(1 for line in lines if line.startswith("\t") and "\t" not in line[1:])
    pdf_rows = sum(1 for line in lines if "\t" in line.strip())
    if any(BOOKMARK.search(line) for line in lines) or word_cells > pdf_rows:
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
    """Where part two begins when no 第二部分 line says so: the first project heading, or
    the first table cell (part one has no tables)."""
    return next((i for i, line in enumerate(lines) if heading(line.strip()) or line.startswith("\t")), len(lines))


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
