"""Open data: every figure in a download equals the figure on the page (the whole sample,
every table, every format); the files are what Excel and Frictionless expect; a rebuild
removes the files of a table or project that is gone."""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import frictionless
import openpyxl
import pytest
from conftest import tiny_content

from generator import downloads
from generator.build import build


class TableReader(HTMLParser):
    """The body rows of every table (and empty-table box) by its id: each row the text of
    its cells in order, rowspans expanded; and every download link by table id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.links: list[str] = []
        self._table_id = None
        self._in_body = False
        self._row: list | None = None
        self._cell: list | None = None
        self._pending_id = None
        self._spans: dict[int, tuple[int, str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "download" in a:
            self.links.append(a["href"])
        if tag == "div" and a.get("id", "").startswith("table-"):
            self._pending_id = a["id"]
            self.tables.setdefault(a["id"], [])
        if tag == "table":
            self._table_id = self._pending_id or a.get("id") or f"t{len(self.tables)}"
            self._pending_id = None
            self.tables.setdefault(self._table_id, [])
            self._spans = {}
        if tag == "tbody":
            self._in_body = True
        if tag == "tr" and self._in_body:
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._fill_spans()
            self._cell = []
            self._span = int(a.get("rowspan", 1))

    def _fill_spans(self):
        while len(self._row) in self._spans:
            left, text = self._spans[len(self._row)]
            self._row.append(text)
            if left == 1:
                del self._spans[len(self._row) - 1]
            else:
                self._spans[len(self._row) - 1] = (left - 1, text)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = "".join(self._cell).strip()
            if self._span > 1:
                self._spans[len(self._row)] = (self._span - 1, text)
            self._row.append(text)
            self._cell = None
        if tag == "tr" and self._row is not None:
            self._fill_spans()
            self.tables[self._table_id].append(self._row)
            self._row = None
        if tag == "tbody":
            self._in_body = False
        if tag == "table":
            self._table_id = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def read_page(path: Path) -> TableReader:
    reader = TableReader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no UTF-8 BOM"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    return rows[0], rows[1:]


def xlsx_rows(path: Path, columns: int) -> list[list]:
    """The body rows of a workbook (after the title, the department line and the headers)."""
    sheet = openpyxl.load_workbook(path).active
    rows = [list(r)[:columns] for r in sheet.iter_rows(values_only=True)]
    first = next(i for i, r in enumerate(rows) if i > 1 and r[0] == 1)  # 序号 1
    return rows[first:], sheet


def same_figure(page_text: str, cell) -> bool:
    if cell is None:
        return page_text == ""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return page_text != "" and Decimal(page_text) == Decimal(str(cell))
    return str(cell) == page_text


def disclosure_pages(output: Path):
    for page in sorted(output.glob("departments/*/*/index.html")):
        code, year = page.parent.parent.name, page.parent.name
        yield code, year, page


def test_every_table_download_equals_the_page(sample_build):
    """Every standard table, procurement, assets and the project list of every
    department-year of the sample: the CSV, the JSON and the XLSX hold the page's figures."""
    _, output = sample_build
    checked = 0
    tables = []
    for code, year, page in disclosure_pages(output):
        reader = read_page(page)
        data = page.parent / "data"
        for table_id, page_rows in reader.tables.items():
            if not table_id.startswith("table-"):
                continue
            key = table_id[len("table-"):]
            tables.append(f"{code}/{key}")
            header, rows = read_csv(data / f"{code}-{year}-{key}.csv")
            document = json.loads((data / f"{code}-{year}-{key}.json").read_text(encoding="utf-8"))
            assert len(rows) == len(page_rows) == len(document["rows"]), table_id
            book_rows, _ = xlsx_rows(data / f"{code}-{year}-{key}.xlsx", len(header)) if rows else ([], None)
            for number, (page_row, csv_row) in enumerate(zip(page_rows, rows)):
                assert csv_row == page_row, f"{code}/{year} {key} row {number + 1}"
                json_row = [document["rows"][number][c["key"]] for c in document["columns"]]
                assert [("" if v is None else str(v)) for v in json_row] == page_row
                for page_text, cell in zip(page_row, book_rows[number]):
                    assert same_figure(page_text, cell), f"{code}/{year} {key}.xlsx row {number + 1}: {page_text!r} != {cell!r}"
                checked += len(page_row)
        # the project list: 序号, 项目名称, 项目编码 (or 无), 预算数 on the page
        if (data / f"{code}-{year}-projects.csv").exists():
            _, rows = read_csv(data / f"{code}-{year}-projects.csv")
            listed = [r for rows_ in reader.tables.values() for r in rows_ if len(r) == 4 and r[0].isdigit()]
            on_page = {(r[0], r[1], "" if r[2] == "无" else r[2], r[3]) for r in listed}
            assert {(r[0], r[2], r[1], r[4]) for r in rows} <= on_page
            checked += 4 * len(rows)
    assert len(tables) == 11 and all(t.startswith("731/") for t in tables)  # 张家口 2025: 9 tables, procurement, assets
    assert checked > 1500  # cells compared


def test_every_project_target_download_equals_its_page(sample_build):
    _, output = sample_build
    projects = 0
    for page in sorted(output.glob("departments/*/*/projects/*/index.html")):
        key, year, code = page.parent.name, page.parent.parent.parent.name, page.parent.parent.parent.parent.name
        stem = page.parent.parent.parent / "data" / f"{code}-{year}-targets-{key}"
        reader = read_page(page)
        indicator_rows = [r for rows in reader.tables.values() for r in rows if len(r) >= 5]
        _, rows = read_csv(stem.with_suffix(".csv"))
        # the page shows the 依据 column only when some indicator has one
        assert [r[: len(indicator_rows[0])] for r in rows] == indicator_rows, key
        document = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
        facts = {f["label"]: f["value"] for f in document["facts"]}
        text = page.read_text(encoding="utf-8")
        assert f'<span class="num">{facts["预算数"]}</span>' in text
        sheet = openpyxl.load_workbook(stem.with_suffix(".xlsx")).active
        values = [c for r in sheet.iter_rows(values_only=True) for c in r if c is not None]
        for row in indicator_rows:
            assert row[-2 if len(row) == 6 else -1] in [str(v) for v in values]
        projects += 1
    assert projects == 58  # 20 + 26 + 12 in the sample


def test_files_are_what_excel_reads(sample_build):
    _, output = sample_build
    data = output / "departments" / "731" / "2025" / "data"
    raw = (data / "731-2025-expenditure_summary.csv").read_bytes()
    assert raw.startswith("\ufeff序号,功能分类科目/科目编码,功能分类科目/科目名称,合计".encode("utf-8"))
    assert b'\r\n2,"205",\xe6\x95\x99\xe8\x82\xb2\xe6\x94\xaf\xe5\x87\xba,67.90,67.90,,,,\r\n' in raw  # codes quoted, blanks empty
    book = openpyxl.load_workbook(data / "731-2025-expenditure_summary.xlsx")
    sheet = book.active
    assert sheet["A1"].value == "表三 部门预算支出总表"
    assert sheet.cell(2, 9).value == "单位：万元"
    assert "B3:C3" in {str(r) for r in sheet.merged_cells.ranges}  # 功能分类科目 over its two columns
    assert "A3:A4" in {str(r) for r in sheet.merged_cells.ranges}
    code = sheet["B6"]
    assert (code.value, code.data_type, code.number_format) == ("205", "s", "@")
    money = sheet["D6"]
    assert money.number_format == "0.00" and Decimal(str(money.value)) == Decimal("67.90")
    assert sheet["F6"].value is None  # blank as published, not 0
    with zipfile.ZipFile(data / "731-2025-expenditure_summary.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {downloads.ZIP_TIME}


def test_zero_is_0_00_and_blank_is_blank(make_site, tmp_path):
    files = tiny_content()
    files["content/departments/100/2025/tables/three_public.yaml"]["rows"][1]["total"] = "0.00"
    output = tmp_path / "out"
    build(make_site(files), output)
    data = output / "departments/100/2025/data"
    _, rows = read_csv(data / "100-2025-three_public.csv")
    assert rows[1][:3] == ["2", "一、因公出国（境）费", "0.00"] and rows[1][3] == ""
    sheet = openpyxl.load_workbook(data / "100-2025-three_public.xlsx").active
    row = [c for c in sheet.iter_rows(min_row=6, max_row=6)][0]
    assert row[2].value == 0 and row[2].number_format == "0.00" and row[3].value is None
    document = json.loads((data / "100-2025-three_public.json").read_text(encoding="utf-8"))
    assert document["rows"][1]["total"] == "0.00" and document["rows"][1]["general_budget"] is None


def test_bundle_holds_every_file_of_the_year(sample_build):
    _, output = sample_build
    data = output / "departments" / "405001" / "2026" / "data"
    with zipfile.ZipFile(data / "405001-2026.zip") as archive:
        names = set(archive.namelist())
        assert {info.date_time for info in archive.infolist()} == {downloads.ZIP_TIME}
    # The .gz and .br copies beside each text file are for web servers, not for the bundle.
    on_disk = {p.name for p in data.iterdir() if p.suffix not in (".gz", ".br")} - {"405001-2026.zip"}
    assert names == on_disk and len(names) == 20 * 3 + 3 + 1  # 20 projects' targets, the project list, the package


def test_bulk_csv_has_every_row_with_department_and_year(sample_build):
    _, output = sample_build
    header, rows = read_csv(output / "data" / "targets.csv")
    assert header[:5] == ["部门编码", "部门名称", "预算年度", "项目编码", "项目名称"]
    per_project = 0
    for path in output.glob("departments/*/*/data/*-targets-*.csv"):
        per_project += len(read_csv(path)[1])
    assert len(rows) == per_project
    header, rows = read_csv(output / "data" / "projects.csv")
    assert len(rows) == 58 and {r[2] for r in rows} == {"2022", "2025", "2026"}


def test_a_rebuild_removes_the_downloads_of_a_project_that_is_gone(make_site, tmp_path):
    root = make_site()
    output = tmp_path / "out"
    build(root, output)
    gone = output / "departments/100/2025/data/100-2025-targets-p-nocode.csv"
    assert gone.is_file()
    (root / "content/departments/100/2025/projects/p-nocode.yaml").unlink()
    build(root, output)
    assert not gone.exists()
    assert "100-2025-targets-p-nocode.csv" not in (output / ".disclose-build").read_text(encoding="utf-8")
    assert (output / "departments/100/2025/data/100-2025-targets-P001.csv").is_file()


def test_download_settings_leave_out_workbooks_bundles_and_bulk(make_site, tmp_path):
    files = tiny_content()
    files["site.yaml"]["downloads"] = {"xlsx": "false", "bundles": "no", "bulk": "false"}
    output = tmp_path / "out"
    build(make_site(files), output)
    made = {p.name for p in (output / "departments/100/2025/data").iterdir()}
    assert not any(name.endswith((".xlsx", ".zip")) for name in made)
    assert "100-2025-three_public.csv" in made and not (output / "data").exists()
    page = (output / "departments/100/2025/index.html").read_text(encoding="utf-8")
    assert ".xlsx" not in page and ".zip" not in page and "/data/datapackage.json" not in page.replace("2025/data/datapackage.json", "")


def test_every_download_link_resolves(sample_build):
    _, output = sample_build
    links = 0
    for page in output.rglob("index.html"):
        for href in read_page(page).links:
            assert (output / href.removeprefix("/yjsgk/")).is_file(), href
            links += 1
    assert links > 200


@pytest.mark.parametrize("package", ["departments/731/2025/data", "departments/405001/2026/data", "departments/569301/2022/data", "data"])
def test_data_packages_validate_with_frictionless(sample_build, package):
    _, output = sample_build
    report = frictionless.validate(str(output / package / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    descriptor = json.loads((output / package / "datapackage.json").read_text(encoding="utf-8"))
    fields = [f for r in descriptor["resources"] for f in r["schema"]["fields"]]
    assert any(f.get("unit") == "万元" and f["type"] == "number" for f in fields)
    assert any("classification" in f and f["type"] == "string" for f in fields)


def test_bulk_files_reuse_the_rows_of_unchanged_years_and_equal_a_fresh_make(sample_build):
    from dataclasses import replace

    from conftest import ROOT

    from generator.build import load_site
    from generator.diagnostics import Report

    site = load_site(ROOT, Report())
    memo: dict = {}
    packed: dict = {}
    first = downloads.site_files(site, memo=memo, packed=packed)
    kept = {key: entry[2] for key, entry in memo.items()}
    dept = site.departments[0]
    changed = replace(dept, disclosures=(replace(dept.disclosures[0], projects=dept.disclosures[0].projects[1:]),))
    edited = replace(site, departments=(changed,) + site.departments[1:])
    compressed: list[int] = []
    real = zlib.compressobj
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zlib, "compressobj", lambda *args: compressed.append(1) or real(*args))
        second = downloads.site_files(edited, memo=memo, packed=packed)
    assert second == downloads.site_files(edited) != first  # the zip too, byte for byte
    for key, entry in memo.items():
        assert (entry[2] is kept[key]) == (key[0] != dept.code)  # only the edited year made again
    chunks = sum(len(files) for files in packed.values())
    assert 0 < len(compressed) < chunks / 2  # only the edited year's chunks (and the small files) compressed again
    bundle = zipfile.ZipFile(io.BytesIO(second["data/disclosures.zip"]))
    assert bundle.testzip() is None
    assert {f"data/{name}": bundle.read(name) for name in bundle.namelist()} == {
        path: data for path, data in second.items() if path != "data/disclosures.zip"}


def test_a_rebuild_makes_only_the_workbooks_of_changed_tables(make_site, tmp_path, monkeypatch):
    from generator import xlsx

    root = make_site()
    build(root, tmp_path / "first")
    cached = sorted((root / ".disclose-cache" / "workbooks").rglob("*.xlsx"))
    assert len(cached) == 4  # the 三公 table, the project list and two projects' targets
    made = []
    real = xlsx.workbook
    monkeypatch.setattr(xlsx, "workbook", lambda table: made.append(table.key) or real(table))
    build(root, tmp_path / "second")
    assert made == []  # nothing changed: every workbook came from the cache
    for path in (tmp_path / "first").rglob("*.xlsx"):
        assert path.read_bytes() == (tmp_path / "second" / path.relative_to(tmp_path / "first")).read_bytes()
    project = root / "content/departments/100/2025/projects/P001.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("≥7次", "≥5次"), encoding="utf-8")
    build(root, tmp_path / "third")
    assert made == ["targets-P001"]
    assert len(sorted((root / ".disclose-cache" / "workbooks").rglob("*.xlsx"))) == 4  # the old P001 workbook pruned
    sheet = openpyxl.load_workbook(tmp_path / "third/departments/100/2025/data/100-2025-targets-P001.xlsx").active
    assert "≥5次" in [c for row in sheet.iter_rows(values_only=True) for c in row]


def test_a_build_that_keeps_departments_keeps_their_workbooks(sample_copy, tmp_path, monkeypatch):
    """A build after an edit makes the downloads of the edited department only; the other
    departments' workbooks stay in the cache, for the next build that makes them all."""
    from generator import xlsx

    build(sample_copy, tmp_path / "out")
    project = sample_copy / "content/departments/731/2025/projects/13070024P00000410006W.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("name: 2024 开展", "name: 2024年开展", 1), encoding="utf-8")
    build(sample_copy, tmp_path / "out")
    made = []
    real = xlsx.workbook
    monkeypatch.setattr(xlsx, "workbook", lambda table: made.append(table.key) or real(table))
    build(sample_copy, tmp_path / "whole")  # a new output: every department's downloads made
    assert made == []
    cache = sample_copy / ".disclose-cache" / "workbooks"
    assert len(list(cache.rglob("*.xlsx"))) == len(list((tmp_path / "whole").rglob("*.xlsx")))  # the old ones pruned
