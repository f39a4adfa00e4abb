"""Performance targets from a `.docx`: part one's goals as headings and paragraphs, part
two one table per project under its heading (N.名称绩效目标表), merged cells and all.

A table row is read the way Word's own text export shows it: one cell per merged cell
(gridSpan), and an empty cell where a vertical merge continues, so that the same label
reader serves the `.docx` and its text.
"""

from __future__ import annotations

from pathlib import Path

from generator.importer.layout import norm
from generator.importer.report import Imported, ImportFailed
from generator.importer.targets import TRow, heading, projects_from_rows, read_goals

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path) -> Imported:
    try:
        import docx

        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a damaged file
        raise ImportFailed(str(path), "importer.unreadable", reason=type(exc).__name__) from None
    out = Imported()
    items: list[tuple[str, object]] = []
    goal_lines: list[tuple[str, str]] = []
    in_projects = False
    paragraph_no = table_no = 0
    for element in document.element.body.iterchildren():
        if element.tag == f"{_W}p":
            paragraph_no += 1
            text = "".join(t.text or "" for t in element.iter(f"{_W}t"))
            place = f"paragraph {paragraph_no}"
            found = heading(text.strip())
            if found:
                in_projects = True
                items.append(("heading", (found[0], found[1], place)))
            elif norm(text) == "第二部分":
                in_projects = True
            elif in_projects:
                if text.strip():
                    items.append(("line", (text.strip(), place)))
            else:
                goal_lines.append((text, place))
        elif element.tag == f"{_W}tbl":
            table_no += 1
            for r, tr in enumerate(element.iterchildren(f"{_W}tr"), start=1):
                items.append(("row", TRow(_row_cells(tr), f"table {table_no} row {r}")))
    if any(t.strip() for t, _ in goal_lines):
        goals = read_goals(goal_lines, out)
        if goals:
            out.files["goals.yaml"] = goals
    projects_from_rows(items, out)
    return out


def _row_cells(tr) -> list[str]:
    cells = []
    for tc in tr.iterchildren(f"{_W}tc"):
        v_merge = tc.find(f"{_W}tcPr/{_W}vMerge")
        continued = v_merge is not None and v_merge.get(f"{_W}val") in (None, "continue")
        paragraphs = ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in tc.iterchildren(f"{_W}p")]
        cells.append("" if continued else "\n".join(paragraphs))
    return cells
