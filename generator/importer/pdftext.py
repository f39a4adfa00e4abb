"""The text a PDF of a complete disclosure gives (the Zhangjiakou seed).

`#` headings cut the text into parts: the table of contents (skipped, each line listed),
the nine tables (tab-separated rows, read by the shared layout reader with the header
repeated on every page), and the explanation (情况说明) whose numbered sections become
explanation.yaml, with duties and organization, goals, project tables, procurement,
assets and the glossary read into their own files.
"""

from __future__ import annotations

import re

from generator.importer.layout import DEPARTMENT_LINE, Cell, identify, norm, read_table
from generator.importer.report import SKIPPED, Imported
from generator.importer.targets import WRAP, TRow, heading, projects_from_rows, read_goals
from generator.tables import TABLE_KINDS

SECTION = re.compile(r"^[一二三四五六七八九十]+、")
TOC_LINE = re.compile(r"\.{3,}\s*\d+\s*$")
SECTION_IDS = (
    ("职责", "duties_and_organization"),
    ("总体情况", "budget_overview"),
    ("机关运行经费", "operating_costs"),
    ("三公", "three_public"),
    ("整体绩效目标", "performance_goals"),
    ("专项资金", "special_funds"),
    ("项目预算", "projects"),
    ("政府采购", "procurement"),
    ("国有资产", "assets"),
    ("名词解释", "glossary"),
    ("其他需要说明", "other"),
)
_END = tuple("。！？；：”）)】.!?;:")


def _heading(line: str) -> tuple[int, str] | None:
    match = re.match(r"^(#+)\s*(.*)$", line)
    return (len(match.group(1)), match.group(2).strip()) if match else None


def read_pdf_text(lines: list[str]) -> Imported:
    """Lines are unwrapped (targets.unwrap) except in the project tables, where a space
    also parts 指标值 from 依据 printed in one cell; those are unwrapped once split."""
    out = Imported()
    lines = mark_headings(lines)
    projects = _projects_span(lines)
    lines = [line if projects[0] <= i < projects[1] else WRAP.sub("", line) for i, line in enumerate(lines)]
    explanation_at = next((i for i, line in enumerate(lines) if (h := _heading(line)) and h[0] == 1 and "情况说明" in h[1]), len(lines))
    _tables_part(lines, 0, explanation_at, out)
    if explanation_at < len(lines):
        _explanation(lines, explanation_at, out)
    return out


def mark_headings(lines: list[str]) -> list[str]:
    """Text extracted without heading marks gets them where its words say a heading
    stands: a table's title, the explanation's title (the last 情况说明 line outside the
    table of contents), its numbered sections (一、…) and the 部门职责：/机构设置： lines."""
    if sum(line.startswith("#") for line in lines) >= 5:
        return lines
    titles = {norm(kind.title) for kind in TABLE_KINDS.values()}

    def plain(line: str) -> str | None:
        text = line.strip()
        return text if text and "\t" not in line and len(text) <= 60 and not TOC_LINE.search(text) else None

    explanation = max((i for i, line in enumerate(lines) if (t := plain(line)) and t.endswith("情况说明")), default=None)
    marked = []
    for i, line in enumerate(lines):
        text = plain(line)
        if text is None:
            marked.append(line)
        elif i == explanation:
            marked.append(f"# {text}")
        elif re.sub(r"^(?:附)?表[一二三四五六七八九十\d]+", "", norm(text)) in titles:
            marked.append(f"## {text}")
        elif explanation is not None and i > explanation and SECTION.match(text):
            marked.append(f"## {text}")
        elif explanation is not None and i > explanation and norm(text) in ("部门职责:", "机构设置:"):
            marked.append(f"### {text}")
        elif explanation is not None and i > explanation and re.fullmatch(r"\d+、[^。；：，]{2,12}", text):
            marked.append(f"### {text}")  # 1、收入说明: a sub-heading inside a section
        else:
            marked.append(line)
    return marked


# ---------------------------------------------------------------------------------------------
# The tables before the explanation


def _grid(lines: list[str], start: int, end: int, title: str, title_place: str) -> list[list[Cell]]:
    grid = [[Cell(title, title_place)]]
    for i in range(start, end):
        if lines[i].strip():
            grid.append([Cell(text, f"line {i + 1} cell {j + 1}") for j, text in enumerate(lines[i].split("\t"))])
    return grid


def _tables_part(lines: list[str], start: int, end: int, out: Imported) -> None:
    i = start
    while i < end:
        h = _heading(lines[i])
        if h is None:
            if lines[i].strip():
                out.add(f"line {i + 1}", "importer.line-unplaced", SKIPPED, text=lines[i].strip()[:60])
            i += 1
            continue
        stop = next((j for j in range(i + 1, end) if _heading(lines[j])), end)
        kind = identify([h[1]]) if norm(h[1]) in {norm(k.title) for k in TABLE_KINDS.values()} else None
        if kind is None:
            out.add(f"line {i + 1}", "importer.line-unplaced", SKIPPED, text=h[1][:60])
            i += 1
            continue
        _department(lines[i + 1 : stop], out)
        data = read_table(kind, _grid(lines, i + 1, stop, h[1], f"line {i + 1}"), 0, f"line {i + 1} ({kind.title})", out, fill_gaps=True)
        if data is not None:
            out.files[f"tables/{kind.key}.yaml"] = data
        i = stop


def _department(lines: list[str], out: Imported) -> None:
    if out.department.get("name"):
        return
    for line in lines:
        match = DEPARTMENT_LINE.match(line.strip())
        if match:
            out.department.update(code=match.group(1), name=match.group(2))
            return


# ---------------------------------------------------------------------------------------------
# The explanation


def _explanation(lines: list[str], start: int, out: Imported) -> None:
    title = _heading(lines[start])[1]
    explanation: dict = {"title": title, "preamble": None, "sections": []}
    bounds = [i for i in range(start + 1, len(lines)) if (h := _heading(lines[i])) and SECTION.match(h[1])]
    explanation["preamble"] = _markdown(lines, start + 1, bounds[0] if bounds else len(lines), out)
    for n, begin in enumerate(bounds):
        end = bounds[n + 1] if n + 1 < len(bounds) else len(lines)
        section_title = _heading(lines[begin])[1]
        sid = next((sid for word, sid in SECTION_IDS if word in section_title), "other")
        section = {"id": sid, "title": section_title, "body": None}
        reader = _STRUCTURED.get(sid)
        if reader is None:
            section["body"] = _markdown(lines, begin + 1, end, out)
        else:
            section["body"] = reader(lines, begin + 1, end, out)
        explanation["sections"].append(section)
    out.files["explanation.yaml"] = explanation


def _paragraphs(lines: list[str], start: int, end: int) -> list[tuple[str, str]]:
    """Paragraphs (blank-line separated), a paragraph the PDF broke at a page joined again:
    one that does not end a sentence runs on into the next."""
    paras: list[tuple[str, str]] = []
    joinable = False
    for i in range(start, end):
        text = lines[i].strip()
        if not text:
            continue
        if joinable and paras and not _heading(text) and "\t" not in lines[i]:
            paras[-1] = (paras[-1][0] + text, paras[-1][1])
        else:
            paras.append((text, f"line {i + 1}"))
        joinable = not _heading(text) and not text.endswith(_END) and "\t" not in lines[i]
    return paras


def _markdown(lines: list[str], start: int, end: int, out: Imported) -> str | None:
    parts = []
    for text, _ in _paragraphs(lines, start, end):
        h = _heading(text)
        parts.append(f"### {h[1]}" if h else text)
    return "\n\n".join(parts) + "\n" if parts else None


def _duties(lines: list[str], start: int, end: int, out: Imported) -> None:
    duties: list[str] = []
    organization: list[dict] = []
    part = ""
    for text, place in _paragraphs(lines, start, end):
        h = _heading(text)
        if h:
            part = "duties" if "职责" in h[1] else "organization" if "机构" in h[1] else ""
            continue
        if part == "duties":
            duties.append(re.sub(r"^-\s*", "", text))
        elif part == "organization" and "\t" in text:
            cells = [c.strip() for c in text.split("\t")]
            if cells[0] != "单位名称" and len(cells) >= 4:
                organization.append(dict(zip(("name", "nature", "level", "funding"), cells)))
            elif cells[0] != "单位名称":
                out.add(place, "importer.row-unplaced", SKIPPED, text=text[:60])
        else:
            out.add(place, "importer.line-unplaced", SKIPPED, text=text[:60])
    if duties:
        out.department["duties"] = duties
    if organization:
        out.department["organization"] = organization
        out.department.setdefault("units", [o["name"] for o in organization])
    return None


def _goals(lines: list[str], start: int, end: int, out: Imported) -> None:
    goal_lines = []
    for i in range(start, end):
        text = lines[i].strip()
        h = _heading(text)
        text = h[1] if h else re.sub(r"^-\s*", "", text)
        goal_lines.append((text, f"line {i + 1}"))
    goals = read_goals(goal_lines, out)
    if goals:
        out.files["goals.yaml"] = goals
    return None


def _projects(lines: list[str], start: int, end: int, out: Imported) -> None:
    items: list[tuple[str, object]] = []
    joined_to = -1
    for i in range(start, end):
        line = lines[i]
        if not line.strip() or i == joined_to:
            continue
        h = _heading(line)
        found = heading(h[1] if h else line) if h or "\t" not in line else None
        if found is None and "\t" not in line and re.match(r"^\d+\s*[、.]", line.strip()):
            after = next((j for j in range(i + 1, end) if lines[j].strip()), None)
            if after is not None and "\t" not in lines[after]:
                found = heading(line.strip() + lines[after].strip())  # a heading wrapped in two
                joined_to = after if found else -1
        if found:
            items.append(("heading", (found[0], found[1], f"line {i + 1}")))
        else:
            items.append(("row", TRow(line.split("\t"), f"line {i + 1}")))
    projects_from_rows(items, out, pdf=True)
    return None


def _projects_span(lines: list[str]) -> tuple[int, int]:
    starts = [i for i, line in enumerate(lines) if (h := _heading(line)) and SECTION.match(h[1])]
    for n, i in enumerate(starts):
        if "项目预算" in _heading(lines[i])[1]:
            return i, starts[n + 1] if n + 1 < len(starts) else len(lines)
    return 0, 0


def _table_section(lines: list[str], start: int, end: int, out: Imported) -> str | None:
    """Body paragraphs, and the table under its own heading (procurement, assets)."""
    heads = [i for i in range(start, end) if (h := _heading(lines[i])) and identify([h[1]]) is not None]
    if not heads:
        return _markdown(lines, start, end, out)
    body = _markdown(lines, start, heads[0], out)
    h = heads[0]
    title = _heading(lines[h])[1]
    kind = identify([title])
    _department(lines[h + 1 : end], out)
    data = read_table(kind, _grid(lines, h + 1, end, title, f"line {h + 1}"), 0, f"line {h + 1} ({kind.title})", out, fill_gaps=True)
    if data is not None:
        out.files[f"tables/{kind.key}.yaml"] = data
    return body


_TERM = re.compile(r"^(?:-\s*)?(?:\d+\s*、)?\s*\**\s*(.+?)\s*\**\s*[:：]\s*(.+)$")


def _glossary(lines: list[str], start: int, end: int, out: Imported) -> None:
    terms = []
    for text, place in _paragraphs(lines, start, end):
        match = _TERM.match(text)
        if match:
            terms.append({"term": match.group(1).strip("*").strip(), "definition": match.group(2).strip()})
        else:
            out.add(place, "importer.line-unplaced", SKIPPED, text=text[:60])
    if terms:
        out.files["glossary.yaml"] = {"terms": terms}
    return None


_STRUCTURED = {
    "duties_and_organization": _duties,
    "performance_goals": _goals,
    "projects": _projects,
    "procurement": _table_section,
    "assets": _table_section,
    "glossary": _glossary,
}
