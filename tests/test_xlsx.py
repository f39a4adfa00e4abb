"""The workbook writer (generator/xlsx.py) and the zip writer under it (generator/zipfiles.py):
what a reader gets back is what the table holds, text stays text, figures keep their
digits, and the same table gives the same bytes."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from generator import xlsx, zipfiles
from generator.datatables import SEQ, TARGET_COLUMNS, DataTable
from generator.tables import CODE, TEXT, Column

COLUMNS = (
    SEQ,
    Column("code", "科目编码", CODE, group="功能分类科目"),
    Column("name", "科目名称", TEXT, group="功能分类科目", row_header=True),
    Column("total", "合计"),
    Column("basic", "基本支出"),
)


def table(rows, key="expenditure_summary", note="", facts=(), columns=COLUMNS) -> DataTable:
    return DataTable(key, "表三 部门预算支出总表", "万元", columns, tuple(rows), note, "731", "某部门", 2025, facts=facts)


def read(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_cells_read_back_as_the_table_holds_them():
    rows = [
        (1, None, "合计", Decimal("1290.10"), Decimal("0.00")),
        (2, "0101", "A & B <c> \"d\"", Decimal("1E+3"), None),
        (3, "205", "  leading and trailing  ", Decimal("12345678901.25"), Decimal("-3.5")),
        (4, "20501", "=SUM(A1:A2)", Decimal("7"), Decimal("0.1")),
        (5, "2050101", "line\r\nbreak", None, None),
    ]
    sheet = read(xlsx.workbook(table(rows, note="注：空白表示无数。")))
    assert sheet.title == "expenditure_summary"
    assert sheet["A1"].value == "表三 部门预算支出总表" and sheet["A1"].font.b and sheet["A1"].font.sz == 14
    assert sheet["A2"].value == "编制部门：731 某部门    预算年度：2025"
    assert sheet["E2"].value == "单位：万元" and sheet["E2"].alignment.horizontal == "right"
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:E1", "A3:A4", "B3:C3", "D3:D4", "E3:E4"}
    assert [sheet.cell(4, c).value for c in range(1, 6)] == [None, "科目编码", "科目名称", None, None]
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=9)]
    assert body[0] == [1, None, "合计", 1290.1, 0]
    assert body[1] == [2, "0101", "A & B <c> \"d\"", 1000, None]  # a code keeps its zero; no exponent
    assert body[2] == [3, "205", "  leading and trailing  ", 12345678901.25, -3.5]
    assert body[3][2] == "=SUM(A1:A2)" and sheet["C8"].data_type == "s"  # text, never a formula
    assert body[4][2] == "line\r\nbreak"
    code, money, blank = sheet["B6"], sheet["D5"], sheet["E6"]
    assert (code.data_type, code.number_format) == ("s", "@")
    assert money.number_format == "0.00" and money.border.left.style == "thin"
    assert blank.value is None and blank.border.left.style == "thin"  # blank as published, still ruled
    assert sheet["A10"].value == "注：空白表示无数。"
    assert sheet.column_dimensions["A"].width == 8 and sheet.column_dimensions["C"].width == 24
    assert sheet.column_dimensions["D"].width == 14


def test_a_figure_is_written_with_its_own_digits():
    data = xlsx.workbook(table([(1, "205", "教育", Decimal("1E+3"), Decimal("67.90"))]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<v>1000</v>" in sheet and "<v>67.90</v>" in sheet and "E+" not in sheet


def test_spaces_around_a_text_are_kept_for_excel():
    data = xlsx.workbook(table([(1, "205", " 教育 ", Decimal("1.00"), None)]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        strings = archive.read("xl/sharedStrings.xml").decode("utf-8")
    assert '<t xml:space="preserve"> 教育 </t>' in strings  # Excel trims a text without it


def test_a_project_has_its_facts_above_and_its_levels_merged():
    facts = (("项目名称", "培训"), ("项目编码", "0012"), ("预算数", Decimal("12.00")))
    rows = [
        ("产出指标", "数量指标", "培训次数", "", "≥7次", None),
        ("产出指标", "数量指标", "培训人数", "", "≥300人", None),
        ("产出指标", "质量指标", "合格率", "", "≥95%", None),
        ("效益指标", "社会效益", "满意度", "", "≥90%", None),
    ]
    sheet = read(xlsx.workbook(table(rows, key="targets-P001", facts=facts, columns=TARGET_COLUMNS)))
    assert [sheet.cell(r, 1).value for r in (3, 4, 5)] == ["项目名称", "项目编码", "预算数"]
    assert sheet["B4"].value == "0012" and sheet["B4"].number_format == "@"
    assert sheet["B5"].value == 12 and sheet["B5"].number_format == "0.00"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"B3:F3", "B4:F4", "B5:F5", "A8:A10", "B8:B9"} <= merged  # 产出指标 over 3 rows, 数量指标 over 2
    assert sheet["A8"].alignment.vertical == "center" and sheet["A11"].value == "效益指标"


def test_the_same_table_gives_the_same_bytes():
    rows = [(1, "205", "教育", Decimal("1.00"), None)]
    first, second = xlsx.workbook(table(rows)), xlsx.workbook(table(rows))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist()[0] == "[Content_Types].xml"
        assert archive.testzip() is None
        assert {info.date_time for info in archive.infolist()} == {zipfiles.ZIP_TIME}
    assert xlsx.workbook(table([(1, "205", "教育", Decimal("1.01"), None)])) != first


def test_column_letters():
    assert [xlsx.column_letter(n) for n in (1, 26, 27, 52, 53, 702, 703)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_a_zip_holds_its_members_as_given():
    members = {"a.csv": b"x,y\r\n" * 100, "年度/b.json": b"{}", "c.xlsx": b"PK already packed"}
    data = zipfiles.archive(
        (name, zipfiles.stored(raw) if name.endswith(".xlsx") else zipfiles.deflated(raw)) for name, raw in members.items()
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == list(members)
        assert {name: archive.read(name) for name in members} == members
        infos = {info.filename: info for info in archive.infolist()}
        assert infos["c.xlsx"].compress_type == zipfile.ZIP_STORED
        assert infos["a.csv"].compress_type == zipfile.ZIP_DEFLATED and infos["a.csv"].compress_size < 100
        assert {info.date_time for info in infos.values()} == {zipfiles.ZIP_TIME}
        assert {info.external_attr >> 16 & 0o777 for info in infos.values()} == {0o644}
    assert zipfiles.archive([]) == zipfile_empty()


def zipfile_empty() -> bytes:
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    return buffer.getvalue()


def test_a_zip_too_large_for_classic_zip_is_refused():
    member = zipfiles.stored(b"")
    with pytest.raises(OverflowError):
        zipfiles.archive((f"{n}", member) for n in range(0x10000))
