"""Performance targets from rows of cells and lines of text, whatever the source.

A project's target table arrives as rows of cell texts (from a Word table, from the text
Word extracts, from a PDF's tab-separated lines); its fields are found by their labels
(项目编码, 预算数, 资金支出计划, 一级指标 …), never by fixed positions. The department goals
(第一部分) arrive as lines: headings, numbered titles, 绩效目标：/绩效指标： lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.importer.layout import Cell, FigureError, figure, norm
from generator.importer.report import ERROR, SKIPPED, Imported
from generator.schema import PLAN_MONTHS
from generator.tables import MONEY


@dataclass
class TRow:
    cells: list[str]
    place: str


HEADING = re.compile(r"^\s*(\d+)\s*[.、．]\s*(.+?)绩效目标表\s*$")
UNIT_LINE = re.compile(r"^\d{6}\S+$")
_INDICATOR_LABELS = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "绩效指标描述": "description",
    "指标值": "value",
    "指标值确定依据": "basis",
    "依据": "basis",
}
_MONTHS = {norm(label): key for key, label in PLAN_MONTHS}
_GOAL_LABELS = ("绩效目标", "年度绩效目标", "项目绩效目标", "年度目标")


def indicator_field(key: str) -> str | None:
    """The field an indicator table's header cell names, in the words documents use
    (三级指标 or 指标名称, 指标值 or 目标值, 指标值确定依据 or 依据 …)."""
    if key in _INDICATOR_LABELS:
        return _INDICATOR_LABELS[key]
    for words, field in (("一级", "level1"), ("二级", "level2"), ("三级", "name"), ("依据", "basis"),
                         ("描述", "description"), ("指标内容", "description"), ("指标名称", "name"),
                         ("指标值", "value"), ("目标值", "value")):
        if words in key:
            return field
    return None
_NUMBERED = re.compile(r"^\s*(?:\d+\s*[.、．]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")


def heading(text: str) -> tuple[int, str] | None:
    match = HEADING.match(text)
    return (int(match.group(1)), match.group(2).strip()) if match else None


WRAP = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


def unwrap(data):
    """A space between two Chinese characters is where a PDF wrapped a line inside a cell
    or a paragraph (written Chinese puts none there): taken out."""
    if isinstance(data, dict):
        return {k: unwrap(v) for k, v in data.items()}
    if isinstance(data, list):
        return [unwrap(v) for v in data]
    return WRAP.sub("", data) if isinstance(data, str) else data


def read_project(rows: list[TRow], seq: int, title: str, place: str, out: Imported) -> dict | None:
    project: dict = {"seq": str(seq), "code": None, "name": None, "unit": None}
    fields = _Fields(project, out)
    state = ""
    plan_labels: dict[int, str] = {}
    header: dict[int, str] = {}
    pending: TRow | None = None  # a row Word's text split at an empty paragraph in a cell
    repeated = False
    for row in rows:
        if state == "indicators" and header:
            if pending is not None:
                row = TRow(pending.cells + row.cells, pending.place)
                pending = None
            if len(row.cells) < len(header) and "一级指标" not in [norm(c) for c in row.cells]:
                pending = row
                continue
        cells = [c.strip() for c in row.cells]
        keys = [norm(c) for c in cells]
        if not any(cells):
            continue
        if state == "indicators" and keys[0] != "一级指标" and "一级指标" not in keys:
            _indicator(project, header, row, out, repeated)
            repeated = False
            continue
        if "一级指标" in keys:
            repeated = state == "indicators"  # the header again, at a page break
            header = {i: field for i, k in enumerate(keys) if (field := indicator_field(k))}
            _split_merged_header(cells, header)
            state = "indicators"
            continue
        if state == "plan":
            for i, key in plan_labels.items():
                if i < len(cells) and cells[i]:
                    project.setdefault("spending_plan", {})[key] = cells[i]
            state = ""
            continue
        labelled = _labelled_row(project, keys, cells)
        if labelled:
            state = ""
            continue
        if state == "purpose" and keys[0] not in _Fields.LABELS and not any(k in ("资金支出计划(%)", "绩效目标") for k in keys[:1]):
            text = "".join(c for c, k in zip(cells, keys) if c and k != "预算规模及资金用途")
            project["purpose"] = text
            state = ""
            continue
        if keys[0] == "资金支出计划(%)" or "3月底" in keys:
            plan_labels = {i: _MONTHS[k] for i, k in enumerate(keys) if k in _MONTHS}
            state = "plan"
            continue
        if keys[0] in _GOAL_LABELS:
            project["goals"] = split_goals(" ".join(c for c in cells[1:] if c) if len(cells) > 1 else "")
            continue
        if fields.take(cells, keys, row.place):
            if "budget" in project and "purpose" not in project:
                state = "purpose"
            continue
        out.add(row.place, "importer.row-unplaced", SKIPPED, text=" | ".join(c for c in cells if c)[:60])
    if pending is not None:
        _indicator(project, header, pending, out)
    name = project.get("name") or title
    if not project.get("name"):
        project["name"] = title
    if not project.get("indicators"):
        out.add(place, "importer.table-truncated", ERROR, name=name)
        return None
    if not project.get("code"):
        project.pop("code")
    order = ("seq", "code", "name", "unit", "budget", "fiscal_funds", "other_funds", "purpose", "spending_plan", "goals", "indicators")
    return {k: project[k] for k in order if k in project and project[k] is not None}


_PLAN_LABEL = re.compile(r"^资金支出计划\(%\)(\d+月底)$")
_GOAL_LABEL = re.compile(r"^绩效目标(\d+)$")


def _labelled_row(project: dict, keys: list[str], cells: list[str]) -> str:
    """One label and its value on a row of their own, as a workbook lays a project out
    (资金用途 | …; 资金支出计划（%）3月底 | 25%; 绩效目标 1 | 1.…; 单位 | …). Returns the
    field placed, or "" when the row is not of that kind."""
    value = cells[1] if len(cells) > 1 else ""
    if any(cells[2:]) or not keys:
        return ""
    plan = _PLAN_LABEL.match(keys[0])
    if plan and plan.group(1) in _MONTHS:
        if value:
            project.setdefault("spending_plan", {})[_MONTHS[plan.group(1)]] = value
        return "spending_plan"
    if _GOAL_LABEL.match(keys[0]):
        if value:
            project.setdefault("goals", []).append(value)
        return "goals"
    if keys[0] in ("资金用途", "单位"):
        key = "purpose" if keys[0] == "资金用途" else "unit"
        project[key] = value or None
        return key
    return ""


class _Fields:
    """Label cells followed by their value: 项目编码 X, 项目名称 Y, 预算数 37.50, …"""

    LABELS = {
        "项目编码": "code", "项目代码": "code", "项目名称": "name",
        "预算数": "budget", "年度预算数": "budget", "资金总额": "budget", "年度资金总额": "budget",
        "其中:财政资金": "fiscal_funds", "财政资金": "fiscal_funds", "其中:财政拨款": "fiscal_funds", "财政拨款": "fiscal_funds",
        "其他资金": "other_funds",
    }
    MONEY_KEYS = {"budget", "fiscal_funds", "other_funds"}

    def __init__(self, project: dict, out: Imported):
        self.project = project
        self.out = out

    def take(self, cells: list[str], keys: list[str], place: str) -> bool:
        took = False
        for i, key in enumerate(keys):
            field = self.LABELS.get(key)
            if field is None:
                if i == 0 and UNIT_LINE.match(cells[i]) and not self.project.get("unit"):
                    self.project["unit"] = cells[i]
                    took = True
                elif key in ("单位:万元", "预算规模及资金用途"):
                    took = True
                continue
            value = cells[i + 1] if i + 1 < len(cells) else ""
            took = True
            if field in self.MONEY_KEYS:
                try:
                    self.project[field] = figure(Cell(value, place), MONEY)
                except FigureError as problem:
                    self.out.add(place, problem.key, ERROR, **problem.params)
            else:
                self.project[field] = value or None
        return took


def _split_merged_header(cells: list[str], header: dict[int, str]) -> None:
    """PDF text sometimes prints 指标值 and 依据 in one cell (`指标值 依据`)."""
    for i, cell in enumerate(cells):
        if norm(cell) in ("指标值依据", "指标值指标值确定依据"):
            header[i] = "value+basis"


_LEVEL1 = ("产出指标", "效益指标", "满意度指标")
_VALUE_THEN_BASIS = re.compile(r"^([≥≤<>=＞＜]?\s*\d+(?:\.\d+)?\s*(?:%|[^\s\d]{1,3})?)\s+(\S.*)$")


def _indicator(project: dict, header: dict[int, str], row: TRow, out: Imported, after_header: bool = False) -> None:
    cells = [c.strip() for c in row.cells]
    if cells and cells[0].endswith("指标") and cells[0] not in _LEVEL1:
        # a PDF row that lost its empty 一级 cell and gained one after 描述: put it back
        cells = [""] + cells
        gap = next((i for i in range(4, len(cells)) if not cells[i]), None)
        if gap is not None and len(cells) > len(header):
            del cells[gap]
    if len(cells) < len(header):
        out.add(row.place, "importer.row-short", ERROR, cells=len(cells), expected=len(header))
        return
    record: dict = {}
    for i, key in header.items():
        record[key] = cells[i] if i < len(cells) else ""
    extra = [c for i, c in enumerate(cells) if i not in header and c]
    if extra:
        out.add(row.place, "importer.cell-unplaced", SKIPPED, text=" | ".join(extra))
    previous = project.get("indicators", [])[-1] if project.get("indicators") else {}
    if previous and not any(record.get(k) for k in ("level1", "level2", "name", "description")):
        if after_header and not previous.get("basis"):
            # the tail of a cell whose head the page before did not print: not placeable
            out.add(row.place, "importer.cell-unplaced", SKIPPED, text=" | ".join(c for c in cells if c))
        else:
            _wrapped_tail(previous, record)
        return
    if "value+basis" in record:
        record["value"], record["basis"] = _value_and_basis(record.pop("value+basis"))
    elif "value" not in header.values() and record.get("basis"):
        record["value"], record["basis"] = _value_and_basis(record["basis"])
    for key in ("level1", "level2"):
        if not record.get(key):
            record[key] = previous.get(key, "")
    ordered = {k: record.get(k) or None for k in ("level1", "level2", "name", "description", "value", "basis")}
    project.setdefault("indicators", []).append(ordered)


def _value_and_basis(text: str) -> tuple[str, str | None]:
    """`≥30 次 市科协 2024 年工作安排`: a PDF printed 指标值 and 依据 in one cell."""
    match = _VALUE_THEN_BASIS.match(text)
    return (match.group(1), match.group(2)) if match else (text, None)


def _wrapped_tail(previous: dict, record: dict) -> None:
    """A PDF line holding only the end of the row above (`→→→→→满意度`): the tail of its
    指标值 or 依据; where the row above has no 依据 yet, it is the 依据 printed below."""
    for key in ("value", "value+basis", "basis"):
        text = record.get(key)
        if not text:
            continue
        if key in ("value", "value+basis") and not previous.get("basis"):
            previous["basis"] = text
        else:
            target = "basis" if key == "value+basis" else key
            previous[target] = (previous.get(target) or "") + text


def split_goals(text: str) -> list[str]:
    """`1.…\\n2.…` or `1.… 2.…` as items; an unnumbered line continues the item above."""
    items: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        parts = _split_numbered(line, len(items) + 1)
        if items and not _NUMBERED.match(parts[0]):
            items[-1] += parts.pop(0)
        items.extend(parts)
    return items


def _split_numbered(line: str, first: int) -> list[str]:
    parts, n, rest = [], first + 1, line
    while True:
        match = re.search(rf"\s+(?={n}\s*[.、．])", rest)
        if not match:
            parts.append(rest)
            return parts
        parts.append(rest[: match.start()])
        rest = rest[match.end() :]
        n += 1


# ---------------------------------------------------------------------------------------------
# 第一部分 部门整体绩效目标

_ITEM_GOAL = re.compile(r"^绩效目标[:：]\s*")
_ITEM_INDICATOR = re.compile(r"^绩效指标[:：]\s*")


def read_goals(lines: list[tuple[str, str]], out: Imported) -> dict:
    """lines: (text, place) from 总体绩效目标 to the end of 工作保障措施, headings included."""
    goals: dict = {"overall": [], "items": [], "measures": []}
    section = ""
    last: tuple[str, object] | None = None
    for text, place in lines:
        t = text.strip()
        if not t:
            continue
        key = norm(t)
        if "总体绩效目标" in key and len(key) < 16:
            section = "overall"
            continue
        if "分项绩效目标" in key and len(key) < 16:
            section = "items"
            continue
        if "工作保障措施" in key and len(key) < 16:
            section = "measures"
            continue
        if section == "overall":
            goals["overall"].append(t)
        elif section == "items":
            item = goals["items"][-1] if goals["items"] else None
            if _ITEM_GOAL.match(t) and item is not None:
                item["goal"] = _ITEM_GOAL.sub("", t)
                last = (item, "goal")
            elif _ITEM_INDICATOR.match(t) and item is not None:
                item["indicator"] = _ITEM_INDICATOR.sub("", t)
                last = (item, "indicator")
            elif _NUMBERED.match(t):
                goals["items"].append({"title": t, "goal": None, "indicator": None})
                last = (goals["items"][-1], "title")
            elif last is not None:
                last[0][last[1]] += t  # a line Word wrapped inside a paragraph
            else:
                out.add(place, "importer.line-unplaced", SKIPPED, text=t[:60])
        elif section == "measures":
            if _NUMBERED.match(t) or not goals["measures"]:
                goals["measures"].append(t)
            else:
                goals["measures"][-1] += t
        else:
            out.add(place, "importer.line-unplaced", SKIPPED, text=t[:60])
    result: dict = {}
    if goals["overall"]:
        result["overall"] = "\n\n".join(goals["overall"]) + "\n"
    if goals["items"]:
        result["items"] = goals["items"]
    if goals["measures"]:
        result["measures"] = goals["measures"]
    return result


# ---------------------------------------------------------------------------------------------
# Projects under their headings


def _starts_table(row: TRow) -> bool:
    keys = [norm(c) for c in row.cells]
    return bool(keys) and (keys[0] in ("项目编码", "项目名称") or (bool(UNIT_LINE.match(row.cells[0].strip())) and "单位:万元" in keys))


def _has_indicators(rows: list[TRow]) -> bool:
    return any("一级指标" in [norm(c) for c in r.cells] for r in rows)


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

    last_seq = 0
    for kind, item in items:
        if kind == "heading":
            finish()
            current, rows = item, []
            last_seq = item[0]
        elif kind == "row":
            if _starts_table(item) and (current is None or _has_indicators(rows)):
                # a table with no heading above it: numbered by its place in the document
                finish()
                last_seq += 1
                current, rows = (last_seq, "", item.place), []
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
