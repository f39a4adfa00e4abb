"""`disclose new`: start a department, or a department's next year from its latest one.

A new year carries forward what stays (projects, sub-units, indicator names and their
descriptions, table rows, section titles, the glossary) and leaves every amount and
every value blank for the editor; `disclose check` then lists what is still empty.
Nothing that exists is ever overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.messages import message
from generator.schema import PLAN_MONTHS
from generator.tables import CODE, TABLE_KINDS, TEXT
from generator.yamlsource import Mark, YamlSyntaxError, parse, plain

KEY = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]*")
YEAR = re.compile(r"[0-9]{4}")
REGION_CODE = re.compile(r"[0-9]{6}")  # a region folder: its 行政区划代码
FIRST_YEAR, LAST_YEAR = 1990, 2100


class ScaffoldError(Exception):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _blank(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:null", "")


_Dumper.add_representer(type(None), _blank)


def dump(data, flow_rows: bool = False) -> str:
    """Readable YAML: block style, table rows one per line, blanks left empty."""
    if flow_rows and isinstance(data, dict) and "rows" in data:
        head = {k: v for k, v in data.items() if k != "rows"}
        text = yaml.dump(head, Dumper=_Dumper, allow_unicode=True, sort_keys=False) if head else ""
        rows = "".join(
            "  - " + yaml.dump(row, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=True, width=10**6).strip() + "\n"
            for row in data["rows"]
        )
        return text + ("rows:\n" + rows if rows else "rows: []\n")
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _read(path: Path):
    """A file of the year carried forward; YamlSyntaxError (with the file) when it cannot be read."""
    try:
        node = parse(path.read_bytes().decode("utf-8-sig"))
    except YamlSyntaxError as error:
        error.path = path
        raise
    except UnicodeDecodeError as error:
        failure = YamlSyntaxError(f"not UTF-8 (byte {error.start})", Mark(1, 1))
        failure.path = path
        raise failure from None
    return plain(node)


def new_department(root: Path, code: str, name: str, region: str = "", region_code: str = "") -> list[Path]:
    """A department folder with its department.yaml; with `region_code`, inside that region
    folder, whose region.yaml is written too (named `region`) when it has none yet."""
    if not (Path(root) / "site.yaml").is_file():
        raise ScaffoldError(message("new.no-site", root=root))
    folder = _department_folder(root, code, region_code)
    if folder.exists():
        raise ScaffoldError(message("new.exists", path=folder))
    written = []
    region_file = folder.parent.parent / "region.yaml"
    if region_code and not region_file.exists():
        region_file.parent.mkdir(parents=True, exist_ok=True)
        region_file.write_text(dump({"name": region or None}), encoding="utf-8")
        written.append(region_file)
    target = folder / "department.yaml"
    folder.mkdir(parents=True)
    # in a region folder, region.yaml names the region: department.yaml need not repeat it
    head = {"name": name, "units": [], "duties": []} if region_code else {"name": name, "region": region, "units": [], "duties": []}
    target.write_text(dump(head), encoding="utf-8")
    return [*written, target]


def _valid_year(year: int | str) -> int:
    text = str(year)
    if not YEAR.fullmatch(text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise ScaffoldError(message("new.bad-year", year=text, first=FIRST_YEAR, last=LAST_YEAR))
    return int(text)


def _department_folder(root: Path, code: str, region_code: str = "") -> Path:
    """The department's folder, which is always directly inside content/departments/ (or a
    region folder's departments/)."""
    if not KEY.fullmatch(code):
        raise ScaffoldError(message("new.bad-code", code=code))
    if region_code and not REGION_CODE.fullmatch(region_code):
        raise ScaffoldError(message("new.bad-region-code", code=region_code))
    inside = f"regions/{region_code}/departments" if region_code else "departments"
    departments = (Path(root) / "content" / inside).resolve()
    folder = departments / code
    if folder.resolve().parent != departments:
        raise ScaffoldError(message("new.bad-code", code=code))
    return folder


def new_year(root: Path, code: str, year: int | str, region_code: str = "") -> list[Path]:
    if not (Path(root) / "site.yaml").is_file():
        raise ScaffoldError(message("new.no-site", root=root))
    year = _valid_year(year)
    folder = _department_folder(root, code, region_code)
    if not (folder / "department.yaml").is_file():
        raise ScaffoldError(message("new.no-department", code=code, path=folder / "department.yaml"))
    target = folder / str(year)
    if target.exists():
        raise ScaffoldError(message("new.exists", path=target))
    years = sorted(int(p.name) for p in folder.iterdir() if p.is_dir() and YEAR.fullmatch(p.name))
    if not years:
        raise ScaffoldError(message("new.no-year", path=folder))
    source = folder / str(years[-1])
    try:
        files = _carry_forward(source, years[-1], year)
    except YamlSyntaxError as error:
        raise ScaffoldError(message("new.unreadable-source", path=error.path, line=error.mark.line,
                                    column=error.mark.column, reason=error.message)) from None
    written = []
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _carry_forward(source: Path, old_year: int, year: int) -> dict[str, str]:
    """The new year's files, by path in its folder: last year's structure (names, codes,
    sections, indicators) with every figure and the year-specific prose left blank."""
    files = {"disclosure.yaml": _head_skeleton(source, old_year, year)}
    files.update(_table_skeletons(source))
    if (source / "explanation.yaml").is_file():
        files["explanation.yaml"] = _explanation_skeleton(source, old_year, year)
    if (source / "goals.yaml").is_file():
        files["goals.yaml"] = _goals_skeleton(source)
    if (source / "glossary.yaml").is_file():
        files["glossary.yaml"] = (source / "glossary.yaml").read_text(encoding="utf-8")
    for path in sorted((source / "projects").glob("*.yaml")) if (source / "projects").is_dir() else []:
        files.update(_project_skeleton(path))
    return files


def _head_skeleton(source: Path, old_year: int, year: int) -> str:
    head = _read(source / "disclosure.yaml") or {}
    return dump({
        "title": (head.get("title") or "").replace(str(old_year), str(year)),
        "scope": head.get("scope") or "full",
        "source": None,
        "draft": True,  # prepared in git, published once the mark is removed
    })


def _table_skeletons(source: Path) -> dict[str, str]:
    """Each standard table with its rows' names and codes and no figures."""
    files = {}
    for table_file in sorted((source / "tables").glob("*.yaml")) if (source / "tables").is_dir() else []:
        kind = TABLE_KINDS.get(table_file.stem)
        if kind is None:
            continue
        data = _read(table_file) or {}
        keep = {c.key for c in kind.columns if c.kind in (TEXT, CODE)}
        rows = [{k: v for k, v in (row or {}).items() if k in keep} for row in data.get("rows") or []]
        out = {"note": data.get("note")} if data.get("note") else {}
        if kind.key == "assets":
            out["as_of"] = None
        out["rows"] = rows
        files[f"tables/{table_file.name}"] = dump(out, flow_rows=True)
    return files


def _explanation_skeleton(source: Path, old_year: int, year: int) -> str:
    data = _read(source / "explanation.yaml") or {}
    return dump({
        "title": (data.get("title") or "").replace(str(old_year), str(year)),
        "preamble": None,
        "sections": [{"id": s.get("id"), "title": s.get("title"), "body": None} for s in data.get("sections") or []],
    })


def _goals_skeleton(source: Path) -> str:
    data = _read(source / "goals.yaml") or {}
    return dump({
        "overall": None,
        "items": [{"title": i.get("title"), "goal": None, "indicator": None} for i in data.get("items") or []],
        "measures": [],
    })


def _project_skeleton(path: Path) -> dict[str, str]:
    """A project's file: its name, unit and indicators' structure, no figures."""
    data = _read(path) or {}
    seq = int(data.get("seq") or 0)
    project = {
        "seq": seq,
        "name": data.get("name"),
        "unit": data.get("unit"),
        "budget": None,
        "fiscal_funds": None,
        "other_funds": None,
        "purpose": None,
        "spending_plan": {month: None for month, _ in PLAN_MONTHS} if data.get("spending_plan") else None,
        "goals": [],
        "indicators": [
            {k: ind.get(k) for k in ("level1", "level2", "name", "description")} | {"value": None, "basis": ind.get("basis")}
            for ind in data.get("indicators") or []
        ],
    }
    # Project codes are issued each year: the file gets a stable key until the new code is known.
    text = "# 新年度项目：请填写 code（项目编码）、预算数、资金用途、绩效目标和各项指标值。\n" + dump(
        {k: v for k, v in project.items() if v is not None or k in ("budget", "purpose")}
    )
    return {f"projects/p{seq:02d}.yaml": text}
