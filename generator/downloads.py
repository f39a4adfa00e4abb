"""Open data files: every table of a department-year as CSV, XLSX and JSON, a zip of them
all, a Frictionless Data Package, and the site-wide bulk CSVs.

Takes DataTables (generator/datatables.py) and returns bytes by output path; the build
hands them to the same output writer as the pages. Every file is the same bytes for the
same content (fixed times inside the zips), so an unchanged table is not written again.

- CSV: UTF-8 with a BOM (so Excel reads Chinese), one header row with the multi-level
  headers joined by "/", CRLF rows, figures exactly as published, a blank cell empty,
  codes always quoted (they are text, and the data package says so).
- XLSX: the published layout: title, department and 单位：万元, merged headers, codes as
  text, money with two decimals (0 as 0.00), blank cells blank.
- JSON: figures as exact decimal strings, blank as null.
"""

from __future__ import annotations

import functools
import io
import json
import re
import zipfile
from collections.abc import Iterator, Sequence
from decimal import Decimal

from generator import urls, xlsx, zipfiles
from generator.datatables import CLASSIFICATIONS, DataTable, disclosure_tables, is_figure, is_money, project_table
from generator.model import Cell, Department, Disclosure, Site
from generator.tables import CODE, TABLE_KINDS, TEXT, Column
from generator.views import figure

ZIP_TIME = zipfiles.ZIP_TIME
FORMATS = ("csv", "json", "xlsx")  # the JSON first: a workbook is kept between builds by it
LICENSE_NOTE = "数字与原文一致，原文中的差错未作更正。"


# ---------------------------------------------------------------- cells as text


def _text(value: int | Cell) -> str:
    if value is None:
        return ""
    return figure(value) if isinstance(value, Decimal) else str(value)


_NEEDS_QUOTES = re.compile('[,"\r\n]')


def _csv_field(value: int | Cell, quote: bool) -> str:
    text = _text(value)
    if quote and text or _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_bytes(header: list[str], rows: Sequence[Sequence[int | Cell]], code_positions: set[int]) -> bytes:
    """RFC 4180 CSV with a BOM; the cells at code_positions are quoted whatever they hold."""
    head = ("\ufeff" + ",".join(_csv_field(h, False) for h in header) + "\r\n").encode("utf-8")
    return head + _csv_lines(rows, code_positions)


def _csv_lines(rows: Sequence[Sequence[int | Cell]], code_positions: set[int]) -> bytes:
    # Whether a column is quoted is worked out once per table, not once per cell.
    width = max((len(row) for row in rows), default=0)
    quoted = [index in code_positions for index in range(width)]
    field = _csv_field
    lines = [",".join([field(value, quote) for value, quote in zip(row, quoted)]) + "\r\n" for row in rows]
    return "".join(lines).encode("utf-8")


def table_csv(table: DataTable) -> bytes:
    codes = {index for index, column in enumerate(table.columns) if column.kind == CODE}
    return csv_bytes([table.header(c) for c in table.columns], table.rows, codes)


# ---------------------------------------------------------------- JSON


def _json_value(value: int | Cell):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return figure(value)  # an exact decimal string: 1290.10 stays "1290.10"
    return value


def table_json(table: DataTable) -> bytes:
    data = {
        "title": table.title,
        "department": {"code": table.department_code, "name": table.department_name,
                       **({"region_code": table.region_code} if table.region_code else {})},
        "year": table.year,
        "unit": table.unit,
        "columns": [
            {"key": c.key, "label": c.label, "group": c.group, "type": field_type(c)} for c in table.columns
        ],
        "rows": [{c.key: _json_value(v) for c, v in zip(table.columns, row)} for row in table.rows],
    }
    if table.note:
        data["note"] = table.note
    if table.facts:
        data["facts"] = [{"label": label, "value": _json_value(value)} for label, value in table.facts]
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# ---------------------------------------------------------------- XLSX


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose members carry no time of writing, so the same files are the same bytes."""

    def writestr(self, name, data, compress_type=None, compresslevel=None):
        if isinstance(name, str):
            name = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            name.compress_type = zipfile.ZIP_DEFLATED
            name.external_attr = 0o644 << 16
        super().writestr(name, data, compress_type, compresslevel)


def table_xlsx(table: DataTable) -> bytes:
    return xlsx.workbook(table)


# ---------------------------------------------------------------- data package


def field_type(column) -> str:
    if column.key == "seq":
        return "integer"
    if is_figure(column):
        return "number"
    return "string"


def _field(table: DataTable, column) -> dict:
    field = {"name": table.header(column), "title": column.label, "type": field_type(column)}
    if is_money(column):
        field["unit"] = table.unit
        field["description"] = f"{column.label}（单位：{table.unit}），按原文的精确十进制数"
    if column.kind == CODE:
        name, how = CLASSIFICATIONS[_code_kind(table, column)]
        field["description"] = f"{name}：{how}；按文本保存"
        field["classification"] = name
    if column.key == "seq":
        field["description"] = "行序号（与页面表格一致）"
    return field


def _code_kind(table: DataTable, column) -> str:
    if column.key in ("department_code", "project_code", "catalogue_code", "region_code"):
        return column.key.removesuffix("_code")
    if table.key == "codes":
        return "codes"
    return table.classification or "function"


def _resource(table: DataTable, path: str, extra: tuple = ()) -> dict:
    fields = [dict(f) for f in extra] + [_field(table, c) for c in table.columns]
    return {
        "name": path.rsplit(".", 1)[0].lower().replace("_", "-"),
        "path": path,
        "title": table.title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "schema": {"fields": fields, "missingValues": [""]},
    }


def _package(name: str, title: str, resources: list[dict], description: str) -> bytes:
    package = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "resources": resources,
    }
    return (json.dumps(package, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# ---------------------------------------------------------------- one department-year


def job_files(job: tuple[Department, Disclosure], formats: tuple[str, ...], bundle: bool, workbooks=None) -> dict[str, bytes]:
    """disclosure_files of one (department, disclosure) job: a module-level function, so that
    a partial of it reaches a spawned worker."""
    return disclosure_files(job[0], job[1], formats, bundle, workbooks)


def disclosure_files(dept: Department, disclosure: Disclosure, formats: tuple[str, ...] = FORMATS, bundle: bool = True, workbooks=None) -> dict[str, bytes]:
    """Every download of one department-year page and of its projects' pages, its data
    package and its zip, by output path."""
    code, year = dept.ref, disclosure.year  # the ref: two regions' 306001 never share a file name
    tables = list(disclosure_tables(dept, disclosure))
    tables += [project_table(dept, disclosure, project) for project in disclosure.projects]
    folder = urls.data_dir(code, year)
    files: dict[str, bytes] = {}
    resources = []
    for table in tables:
        for extension in formats:
            path = urls.table_data(code, year, table.key, extension)
            if extension == "xlsx" and workbooks is not None:  # kept between builds by content
                shown = table.key.encode() + b"\0" + (files.get(path[:-4] + "json") or table_json(table))
                files[path] = workbooks.get(shown, functools.partial(table_xlsx, table))
            else:
                files[path] = _MAKERS[extension](table)
        if "csv" in formats:
            resources.append(_resource(table, f"{table.stem}.csv"))
    codes = classification_codes(dept, disclosure)
    if codes and "csv" in formats:
        path = urls.table_data(code, year, "codes", "csv")
        files[path] = csv_bytes([c.label for c in CODE_COLUMNS], codes, {1})
        resources.append(_resource(_codes_table(dept, disclosure, codes), f"{urls.data_stem(code, year, 'codes')}.csv"))
    files[urls.data_package(code, year)] = _package(
        f"disclosure-{code}-{year}".lower(),
        f"{dept.name} {year}年 {disclosure.title}",
        resources,
        f"{dept.name}（{_department_words(dept)}）{year} 年部门预算公开的各表，单位：万元。{LICENSE_NOTE}",
    )
    if bundle:
        files[urls.data_bundle(code, year)] = bundle_bytes(
            {path[len(folder):]: data for path, data in sorted(files.items())}
        )
    return files


_MAKERS = {"csv": table_csv, "xlsx": table_xlsx, "json": table_json}


def _department_words(dept: Department) -> str:
    if dept.region_code:
        return f"行政区划代码 {dept.region_code}，部门编码 {dept.code}"
    return f"部门编码 {dept.code}"


def bundle_bytes(members: dict[str, bytes]) -> bytes:
    """A department-year's zip: a workbook, already compressed, is stored as it is."""
    return zipfiles.archive(
        (name, zipfiles.stored(data) if name.endswith(".xlsx") else zipfiles.deflated(data))
        for name, data in members.items()
    )


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip of any size (Zip64 where needed): the site-wide bundle."""
    buffer = io.BytesIO()
    with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# ---------------------------------------------------------------- classification codes

CODE_COLUMNS = (
    Column("classification", "分类", TEXT),
    Column("code", "编码", CODE),
    Column("name", "名称", TEXT),
    Column("level", "级次", TEXT),
)
_LEVELS = {3: "类", 5: "款", 7: "项"}


def classification_codes(dept: Department, disclosure: Disclosure) -> list[tuple]:
    """Every classification code the disclosure's tables use, with its name and level."""
    seen: dict[tuple[str, str], tuple] = {}
    for table in disclosure.tables:
        if "code" not in table.kind.keys or "name" not in table.kind.keys:
            continue
        kind = "economic" if table.kind.key == "general_budget_basic" else "function"
        name = CLASSIFICATIONS[kind][0]
        for row in table.rows:
            code = table.value(row, "code")
            if code and (name, str(code)) not in seen:
                seen[(name, str(code))] = (name, str(code), table.value(row, "name"), _LEVELS.get(len(str(code)), ""))
    return sorted(seen.values())


def _codes_table(dept: Department, disclosure: Disclosure, rows: list[tuple]) -> DataTable:
    return DataTable("codes", "本年度各表使用的分类科目编码", "", CODE_COLUMNS, tuple(rows), "", dept.code, dept.name, disclosure.year,
                     region_code=dept.region_code)


# ---------------------------------------------------------------- the whole site

BULK_HEAD = (
    Column("department_code", "部门编码", CODE),
    Column("department_name", "部门名称", TEXT),
    Column("year", "预算年度", TEXT),
)
# A portal that spans regions says each row's region first: codes repeat across regions.
REGION_HEAD = (Column("region_code", "行政区划代码", CODE),)


def site_files(site: Site, bundle: bool = True, memo: dict | None = None, packed: dict | None = None) -> dict[str, bytes]:
    """site_file_parts, each file's parts joined."""
    return {path: b"".join(parts) for path, parts in site_file_parts(site, bundle, memo, packed)}


def site_file_parts(site: Site, bundle: bool = True, memo: dict | None = None,
                    packed: dict | None = None) -> Iterator[tuple[str, list[bytes]]]:
    """The bulk download: one CSV per table kind over every disclosure, with the
    department and the year on each row; the project lists and every project's targets
    likewise; a data package describing them; a zip of it all. Each file as the parts
    its bytes are made of, in order (a large portal's CSV is tens of megabytes: the
    caller need never join it).

    Each disclosure's rows are made into CSV lines once; `memo` (the dev server's) keeps
    them for a disclosure that is the very same object as at the last build. The zip
    compresses each disclosure's lines on their own (zipfiles.deflated_in_chunks), and
    `packed` (the dev server's too) keeps them compressed, so an edit costs its own year's
    rows and the joining of the rest."""
    groups: dict[str, tuple[DataTable, list[bytes]]] = {}
    fresh = {}
    regions = any(dept.region_code for dept in site.departments)
    for dept in site.departments:
        for disclosure in dept.disclosures:
            ident = (dept.ref, disclosure.year)
            known = memo.get(ident) if memo is not None else None
            if known is not None and known[0] is disclosure and known[1] == (dept.name, regions):
                parts = known[2]
            else:
                parts = _bulk_parts(dept, disclosure, regions)
            fresh[ident] = (disclosure, (dept.name, regions), parts)
            for key, (table, lines) in parts.items():
                groups.setdefault(key, (table, []))[1].append(lines)
    if memo is not None:
        memo.clear()
        memo.update(fresh)
    order = [kind for kind in list(TABLE_KINDS) + ["projects", "targets"] if kind in groups]
    pieces: dict[str, list[bytes]] = {}
    resources = []
    for key in order:
        table, chunks = groups[key]
        columns = _bulk_columns(key, table, regions)
        header = csv_bytes([table.header(c) for c in columns], (), set())
        pieces[f"{key}.csv"] = [header, *chunks]
        yield f"{urls.DATA}{key}.csv", pieces[f"{key}.csv"]
        title = "项目绩效目标表（全部项目的绩效指标）" if key == "targets" else table.title
        bulk = DataTable(key, title, table.unit, columns, (), "", "", "", 0, table.classification)
        resources.append(_resource(bulk, f"{key}.csv"))
    package = _package(
        "disclosures", f"{site.config.title}：全部部门预算公开数据", resources,
        f"全部部门、全部年度的部门预算公开表，每类表一个 CSV，每行注明部门编码、部门名称和预算年度。单位：万元。{LICENSE_NOTE}",
    )
    yield f"{urls.DATA}datapackage.json", [package]
    if bundle:
        pieces["datapackage.json"] = [package]
        yield f"{urls.DATA}disclosures.zip", [_bundle(pieces, packed)]


def _bundle(pieces: dict[str, list[bytes]], packed: dict | None) -> bytes:
    """The bulk zip of these files (name → its parts), in name order; each CSV compressed
    by chunk, as it was joined (`packed`: file name → chunk → its deflate). Zip64
    (zipfile, every member compressed whole) only for a portal whose bulk files pass 4 GiB."""
    names = sorted(pieces)
    try:
        return zipfiles.archive(
            (name, zipfiles.deflated_in_chunks(pieces[name], packed.setdefault(name, {}) if packed is not None else None)
             if name.endswith(".csv") else zipfiles.deflated(b"".join(pieces[name])))
            for name in names
        )
    except OverflowError:
        return zip_bytes({name: b"".join(pieces[name]) for name in names})


_TARGET_HEAD = (Column("project_code", "项目编码", CODE), Column("project_name", "项目名称", TEXT))


def _bulk_columns(key: str, table: DataTable, regions: bool = False) -> tuple:
    return (REGION_HEAD if regions else ()) + BULK_HEAD + (_TARGET_HEAD if key == "targets" else ()) + table.columns


def _bulk_parts(dept: Department, disclosure: Disclosure, regions: bool = False) -> dict[str, tuple[DataTable, bytes]]:
    """One disclosure's rows of each bulk CSV, as CSV lines (no BOM, no header)."""
    head = ((dept.region_code or None,) if regions else ()) + (dept.code, dept.name, str(disclosure.year))
    found: dict[str, tuple[DataTable, list]] = {}
    for table in disclosure_tables(dept, disclosure):
        found[table.key] = (table, [head + row for row in table.rows])
    for project in disclosure.projects:
        table = project_table(dept, disclosure, project)
        ident = head + (project.code or None, project.name)
        found.setdefault("targets", (table, []))[1].extend(ident + row for row in table.rows)
    parts = {}
    for key, (table, rows) in found.items():
        columns = _bulk_columns(key, table, regions)
        codes = {i for i, c in enumerate(columns) if c.kind == CODE}
        parts[key] = (table, _csv_lines(rows, codes))
    return parts
