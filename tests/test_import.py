"""`disclose import`: seed texts reproduce the sample, generated workbooks and Word files
round-trip to identical YAML, bad documents fail with a report line and write nothing.

The .xlsx and .docx files here are GENERATED from the sample's YAML by
tests/fixtures/make_import_fixtures.py and make_docx_fixtures.py (no original files are
at hand); the .txt files are the seed texts themselves.
"""

from __future__ import annotations

import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("openpyxl")
pytest.importorskip("docx")

from conftest import ROOT, SEEDS  # noqa: E402

sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
sys.path.insert(0, str(ROOT / "tests"))

import import_fidelity  # noqa: E402
from make_docx_fixtures import build_docx  # noqa: E402
from make_import_fixtures import build_workbook  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from generator.cli import main  # noqa: E402
from generator.importer.emit import emit, normalised  # noqa: E402
from generator.importer.layout import Cell, FigureError, figure  # noqa: E402
from generator.tables import MONEY  # noqa: E402
from generator.yamlsource import parse, plain  # noqa: E402

SAMPLE = ROOT / "content" / "departments"
ZJK = SAMPLE / "731" / "2025"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    return site


def _run(path: Path, site: Path, dept: str, year: str, *extra: str) -> int:
    return main(["import", str(path), "--department", dept, "--year", year, "--source", str(site), *extra])


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.yaml"))} if folder.exists() else {}


# ---------------------------------------------------------------------------------------------
# The YAML writer


# The sample writes a short Tianjin 资金用途 as a plain scalar and a long one folded; the
# writer folds every one (as the other 52 files do). acknowledgements.yaml carries comments.
STYLE_EXCEPTIONS = {"acknowledgements.yaml"} | {f"p{n:02d}.yaml" for n in (1, 2, 4, 7, 8, 9, 10, 11, 12)}


def test_writer_reproduces_the_sample_files_byte_for_byte():
    files = sorted(SAMPLE.rglob("*.yaml"))
    same = [p for p in files if p.name not in STYLE_EXCEPTIONS]
    assert len(same) >= 70
    for path in same:
        text = path.read_text(encoding="utf-8")
        assert emit(plain(parse(text))) == text, path


def test_writer_quotes_what_yaml_would_misread():
    data = {"rows": [{"code": "205", "name": "a, b", "total": Decimal("1.50")}], "title": "- x: y", "scope": "no"}
    text = emit(data)
    assert '{code: "205", name: "a, b", total: 1.50}' in text
    assert normalised(plain(parse(text))) == normalised(data)


# ---------------------------------------------------------------------------------------------
# Figures: exact decimals, blank is not zero


@pytest.mark.parametrize(
    "cell, text",
    [
        (Cell("1,454.54", "A1"), "1454.54"),
        (Cell("0.00", "A1"), "0.00"),
        (Cell("", "A1"), None),
        (Cell("67.9", "A1", number=67.9, decimals=2), "67.90"),
        (Cell("1454.54", "A1", number=1454.54, decimals=2), "1454.54"),
        (Cell("12000", "A1", number=12000, decimals=0), "12000"),
    ],
)
def test_figures_as_published(cell, text):
    value = figure(cell, MONEY)
    assert value is None if text is None else (isinstance(value, Decimal) and format(value, "f") == text)


@pytest.mark.parametrize("cell", [Cell("1,234.5", "A1"), Cell("12,34.50", "A1"), Cell("约5万", "A1"), Cell("1.234", "A1", number=1.234, decimals=2)])
def test_figures_that_are_not_as_published(cell):
    with pytest.raises(FigureError):
        figure(cell, MONEY)


# ---------------------------------------------------------------------------------------------
# Seed texts against the sample


@pytest.mark.parametrize("seed, dept, year", import_fidelity.SEEDS)
def test_seed_text_reproduces_the_sample(seed, dept, year):
    result = import_fidelity.compare(seed, dept, year)
    share = result["identical"] / result["fields"]
    unexplained = [d for d in result["differences"] if d[3] == "UNEXPLAINED"]
    assert not unexplained, unexplained
    assert share >= 0.99, (share, result["differences"])
    assert result["fields"] > 600


def test_pdf_text_without_heading_marks(tmp_path):
    """Text extracted with no `#` marks: headings are found by their words."""
    text = (SEEDS / "zhangjiakou-kexie-2025.txt").read_text(encoding="utf-8")
    bare = tmp_path / "zjk.txt"
    bare.write_text("\n".join(line.lstrip("#").lstrip() if line.startswith("#") else line for line in text.split("\n")), encoding="utf-8")
    assert "\n#" not in bare.read_text(encoding="utf-8")
    result = import_fidelity.compare(bare, "731", "2025")
    assert result["identical"] / result["fields"] >= 0.99, result["differences"]


@pytest.mark.parametrize("seed, dept, year", [s for s in import_fidelity.SEEDS if "zhangjiakou" not in s[0]])
def test_word_text_without_table_headings(tmp_path, seed, dept, year):
    """Project tables with no N.名称绩效目标表 heading above them are found by their rows
    and numbered in order."""
    text = (SEEDS / seed).read_text(encoding="utf-8")
    bare = tmp_path / seed
    bare.write_text("\n".join(line for line in text.split("\n") if not line.rstrip().endswith("绩效目标表")), encoding="utf-8")
    result = import_fidelity.compare(bare, dept, year)
    assert result["identical"] / result["fields"] >= 0.99, result["differences"]


def test_pdf_text_lists_what_it_leaves_out():
    from generator.importer import read_document

    imported = read_document(SEEDS / "zhangjiakou-kexie-2025.txt")
    places = {p.place for p in imported.problems}
    assert "line 7" in places  # a line of the table of contents
    assert "line 697" in places  # `度调查`, the tail of a cell whose head the page before lost
    assert not imported.errors


# ---------------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("layout", ["export", "split", "indent"])
def test_workbook_round_trip_gives_identical_yaml(tmp_path, layout):
    book = build_workbook(ZJK, "731张家口市科学技术协会", "2025", tmp_path / f"{layout}.xlsx", layout)
    site = _site(tmp_path)
    assert _run(book, site, "731", "2025") == 0
    written = _files(site / "content" / "departments" / "731" / "2025" / "tables")
    assert written == _files(ZJK / "tables")
    assert len(written) == 11


@pytest.mark.parametrize("dept, year", [("405001", "2026"), ("569301", "2022"), ("731", "2025")])
def test_docx_round_trip_gives_identical_yaml(tmp_path, dept, year):
    source = SAMPLE / dept / year
    document = build_docx(source, tmp_path / "targets.docx")
    site = _site(tmp_path)
    assert _run(document, site, dept, year) == 0
    target = site / "content" / "departments" / dept / year
    expected = {rel: text for rel, text in _files(source).items() if rel.startswith("projects/") or rel == "goals.yaml"}
    written = {rel: text for rel, text in _files(target).items() if rel in expected}
    assert written.keys() == expected.keys()
    for rel, text in expected.items():
        if Path(rel).name in STYLE_EXCEPTIONS:
            assert normalised(plain(parse(written[rel]))) == normalised(plain(parse(text))), rel
        else:
            assert written[rel] == text, rel


def test_new_department_gets_marked_blanks_never_invented_values(tmp_path):
    site = _site(tmp_path)
    assert _run(SEEDS / "tianjin-kexie-2022.txt", site, "569301", "2022") == 0
    department = (site / "content" / "departments" / "569301" / "department.yaml").read_text(encoding="utf-8")
    disclosure = (site / "content" / "departments" / "569301" / "2022" / "disclosure.yaml").read_text(encoding="utf-8")
    assert "name: 天津市科学技术协会\n" in department
    assert "region: ~  #" in department
    assert "title: ~  #" in disclosure


def test_never_overwrites_without_force(tmp_path, capsys):
    site = _site(tmp_path)
    seed = SEEDS / "tangshan-kexie-2026.txt"
    assert _run(seed, site, "405001", "2026") == 0
    project = site / "content" / "departments" / "405001" / "2026" / "projects" / "13020026P00TPXR10005F.yaml"
    project.write_text("edited\n", encoding="utf-8")
    capsys.readouterr()
    assert _run(seed, site, "405001", "2026") == 1
    assert project.read_text(encoding="utf-8") == "edited\n"
    assert "13020026P00TPXR10005F.yaml" in capsys.readouterr().err
    assert _run(seed, site, "405001", "2026", "--force") == 0
    assert project.read_text(encoding="utf-8").startswith("seq: 1\n")


# ---------------------------------------------------------------------------------------------
# Bad documents: a clear report line, a non-zero exit, nothing written


def _export_book(tmp_path: Path):
    path = build_workbook(ZJK, "731张家口市科学技术协会", "2025", tmp_path / "book.xlsx", "export")
    return path, load_workbook(path)


def _sheet_missing(book):
    del book["表五"]
    return "book.xlsx: error: 缺少工作表：表五", "importer.sheet-missing"


def _shifted_header(book):
    ws = book["表五"]  # 合计 / 基本支出 / 项目支出 moved one column right of their figures
    for rng in ("D4:D5", "E4:E5", "F4:F5"):
        ws.unmerge_cells(rng)
    for col in (6, 5, 4):
        ws.cell(4, col + 1).value = ws.cell(4, col).value
    ws.cell(4, 4).value = None
    return "表五", "importer.c"


def _merged_figures(book):
    ws = book["表五"]
    ws.merge_cells("E9:F9")
    return "表五!E9", "importer.merged-figures"


def _text_figure(book):
    ws = book["表三"]
    ws["E8"].value = "1,234.5"
    return "表三!E8", "importer.figure-decimals"


@pytest.mark.parametrize("damage", [_sheet_missing, _shifted_header, _merged_figures, _text_figure])
def test_bad_workbook_fails_with_its_place_and_writes_nothing(tmp_path, capsys, damage):
    path, book = _export_book(tmp_path)
    place, key = damage(book)
    book.save(path)
    site = _site(tmp_path)
    capsys.readouterr()
    assert _run(path, site, "731", "2025") == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if ": error: " in line]
    assert any(line.startswith(place) for line in lines), err
    assert not (site / "content" / "departments" / "731").exists()
    from generator.importer import read_document

    assert any(p.key.startswith(key) for p in read_document(path).errors)


def test_truncated_word_table_fails_and_writes_nothing(tmp_path, capsys):
    project = plain(parse((SAMPLE / "405001" / "2026" / "projects" / "13020026P00TPXR10005F.yaml").read_text(encoding="utf-8")))
    whole = dict(project, seq="2", code="13020026P00TPXR10005X")
    cut = dict(project, indicators=[])  # the table stops after its header row
    document = build_docx(SAMPLE / "405001" / "2026", tmp_path / "cut.docx", projects=[cut, whole])
    site = _site(tmp_path)
    capsys.readouterr()
    assert _run(document, site, "405001", "2026") == 1
    err = capsys.readouterr().err
    assert "paragraph" in err and "唐山市老科协经费" in err
    assert not (site / "content").exists() or not any((site / "content").rglob("*.yaml"))


def test_truncated_row_in_text_fails(tmp_path, capsys):
    lines = (SEEDS / "tangshan-kexie-2026.txt").read_text(encoding="utf-8").split("\n")
    # the last indicator row of the last project loses its last three cells
    last = max(i for i, line in enumerate(lines) if line.startswith("\t") and line.strip() == "单位工作计划")
    cut = tmp_path / "cut.txt"
    cut.write_text("\n".join(lines[: last - 2]) + "\n", encoding="utf-8")
    site = _site(tmp_path)
    capsys.readouterr()
    assert _run(cut, site, "405001", "2026") == 1
    err = capsys.readouterr().err
    assert f"line {last - 4}: error:" in err  # where the cut row starts
    assert not (site / "content").exists() or not any((site / "content").rglob("*.yaml"))


def test_unknown_kind_of_file(tmp_path, capsys):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF")
    assert _run(path, _site(tmp_path), "1", "2025") == 1
    assert "x.pdf" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# A layout none of the fixture builders writes


def test_workbook_laid_out_unlike_the_fixtures(tmp_path):
    """Title on row 2 without 部门预算, one header row, 科目代码 as numbers, names indented
    with spaces, amounts in General format with dashes for nothing, a signature line."""
    from openpyxl import Workbook

    from generator.importer.xlsx import read_workbook

    sample = plain(parse((ZJK / "tables" / "general_budget_expenditure.yaml").read_text(encoding="utf-8")))
    book = Workbook()
    ws = book.active
    ws.title = "Sheet1"
    ws["B2"] = "2025年一般公共预算财政拨款支出表"
    ws.append(["单位名称：731 张家口市科学技术协会", None, None, None, "单位：万元"])
    ws.append(["科目代码", "科目名称", "合  计", "基本支出", "项目支出"])
    for row in sample["rows"]:
        code = row.get("code")
        depth = (len(code) - 3) // 2 if code else 0
        figures = [float(row[k]) if row.get(k) else "-" for k in ("total", "basic", "project")]
        ws.append([int(code) if code else None, "  " * depth + row["name"], *figures])
    ws.append(["单位负责人：张三", None, "制表人：李四"])
    path = tmp_path / "other.xlsx"
    book.save(path)
    imported = read_workbook(path)
    assert normalised(imported.files["tables/general_budget_expenditure.yaml"]) == normalised(sample)
    assert imported.department == {"code": "731", "name": "张家口市科学技术协会"}
    keys = {p.key for p in imported.problems}
    assert {"importer.dash-blank", "importer.footer-skipped", "importer.sheet-missing"} <= keys
    # the other eight tables are missing: an error, so `disclose import` would write nothing
    assert sum(p.key == "importer.sheet-missing" for p in imported.errors) == 8


def test_document_of_another_year_or_department_is_refused(tmp_path, capsys):
    book = build_workbook(ZJK, "731张家口市科学技术协会", "2025", tmp_path / "b.xlsx", "export")
    site = _site(tmp_path)
    assert _run(book, site, "731", "2024") == 1
    assert "2025" in capsys.readouterr().err
    assert _run(book, site, "732", "2025") == 1
    assert "732" in capsys.readouterr().err
    assert _run(book, site, "../x", "2025") == 1
    assert not (site / "content").exists()


# ---------------------------------------------------------------------------------------------
# The open-data download (issue 14) imports back


# What that export does not carry: the assets table's 截止时间, and a quantity's trailing
# zero (382.60 is stored as the number 382.6 in General format, so the sheet shows 382.6).
EXPORT_LOSES = {("tables/assets.yaml", "as_of"), ("tables/assets.yaml", "rows[2].quantity")}


def test_open_data_download_imports_back(tmp_path):
    bundle = ROOT / "tests" / "fixtures" / "issue14" / "731-2025.zip"
    site = _site(tmp_path)
    assert _run(bundle, site, "731", "2025") == 0
    target = site / "content" / "departments" / "731" / "2025"
    compared = 0
    for rel, text in _files(ZJK).items():
        if not rel.startswith(("tables/", "projects/")):
            continue
        want = dict(import_fidelity.flatten(normalised(plain(parse(text)))))
        have = dict(import_fidelity.flatten(normalised(plain(parse((target / rel).read_text(encoding="utf-8"))))))
        differ = {(rel, k) for k in want.keys() | have.keys() if want.get(k) != have.get(k)}
        assert differ <= EXPORT_LOSES, differ
        compared += len(want)
    assert compared > 1500


def test_project_table_in_other_words():
    """Labels another department's table may use: 项目代码, 年度资金总额, 其中：财政拨款,
    年度绩效目标, 指标名称 / 指标内容 / 目标值 / 确定依据."""
    from generator.importer.report import Imported
    from generator.importer.targets import TRow, read_project

    rows = [
        TRow(["项目代码", "13020026P00TPXR10005F", "项目名称", "老科协经费"], "r1"),
        TRow(["年度资金总额", "37.50", "其中：财政拨款", "37.50", "其他资金", ""], "r2"),
        TRow(["", "用于老科协召开会议。"], "r3"),
        TRow(["年度绩效目标", "1.开好会议\n2.办好培训"], "r4"),
        TRow(["一级指标", "二级指标", "指标名称", "指标内容", "目标值", "确定依据"], "r5"),
        TRow(["产出指标", "数量指标", "会议次数", "召开会议次数", "≥7次", "工作计划"], "r6"),
        TRow(["", "", "培训次数", "召开培训次数", "≥5次", "工作计划"], "r7"),
    ]
    out = Imported()
    project = read_project(rows, 3, "", "t", out)
    assert not out.problems, out.problems
    assert project == {
        "seq": "3", "code": "13020026P00TPXR10005F", "name": "老科协经费",
        "budget": Decimal("37.50"), "fiscal_funds": Decimal("37.50"), "purpose": "用于老科协召开会议。",
        "goals": ["1.开好会议", "2.办好培训"],
        "indicators": [
            {"level1": "产出指标", "level2": "数量指标", "name": "会议次数", "description": "召开会议次数", "value": "≥7次", "basis": "工作计划"},
            {"level1": "产出指标", "level2": "数量指标", "name": "培训次数", "description": "召开培训次数", "value": "≥5次", "basis": "工作计划"},
        ],
    }


def test_reimport_with_force_keeps_the_editors_title_and_matches_the_sample(tmp_path):
    """Importing the Zhangjiakou seed over the sample's own 731/2025 with --force changes
    one thing only: disclosure.yaml names the document as its source (the sentence under 十一
    that the sample once left out is restored, so explanation.yaml is identical)."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    before = _files(ZJK)
    assert _run(SEEDS / "zhangjiakou-kexie-2025.txt", site, "731", "2025") == 1  # exists: refused
    assert _files(site / "content" / "departments" / "731" / "2025") == before
    assert _run(SEEDS / "zhangjiakou-kexie-2025.txt", site, "731", "2025", "--force") == 0
    after = _files(site / "content" / "departments" / "731" / "2025")
    changed = {rel for rel in before if after.get(rel) != before[rel]}
    assert changed == {"disclosure.yaml"}, changed
    assert after["disclosure.yaml"].startswith("title: 张家口市科学技术协会2025年部门预算信息公开\n")
    assert (site / "content" / "departments" / "731" / "department.yaml").read_text(encoding="utf-8") == (SAMPLE / "731" / "department.yaml").read_text(encoding="utf-8")
