"""The loader and schema: every problem is a diagnostic with file, line, column and field."""

from __future__ import annotations

from decimal import Decimal

from conftest import tiny_content

from generator.assemble import assemble
from generator.diagnostics import Report
from generator.loader import read_sources
from generator.messages import set_language

YEAR = "content/departments/100/2025"


def load(make_site, files):
    report = Report()
    site = assemble(read_sources(make_site(files)), report)
    return site, report


def lines(report: Report) -> list[str]:
    return [d.format() for d in report.sorted()]


def test_tiny_site_loads_with_exact_decimals_and_blanks(make_site):
    site, report = load(make_site, tiny_content())
    assert report.diagnostics == []
    (dept,) = site.departments
    (disclosure,) = dept.disclosures
    table = disclosure.table("three_public")
    first, blank, _ = table.rows
    assert table.value(first, "total") == Decimal("0.56")
    assert str(table.value(first, "total")) == "0.56"
    assert table.value(blank, "total") is None  # blank stays blank, not zero
    project = disclosure.projects[0]
    assert project.budget == Decimal("10.00") and str(project.budget) == "10.00"
    assert project.other_funds is None
    assert [p.text for p in project.spending_plan] == ["", "50%", "", "100%"]
    assert project.indicators[0].value == "≥7次"
    assert [p.key for p in disclosure.projects] == ["P001", "p-nocode"]


def test_type_and_key_problems_are_all_reported_with_positions(make_site):
    files = tiny_content()
    files[f"{YEAR}/projects/P001.yaml"] = (
        "seq: 1\n"
        "code: P001\n"
        "name: 示例\n"
        "budget: 10,00\n"
        "fiscal_fund: 10.00\n"
        "indicators:\n"
        "  - {level1: 产出指标, name: 次数}\n"
        "goals: 完成测试\n"
    )
    root = make_site(files)
    report = Report()
    assemble(read_sources(root), report)
    path = f"{YEAR}/projects/P001.yaml"
    assert lines(report) == [
        f"{path}:4:9: 错误: 应为数字，例如 1290.10（空白请省略该键），实际为“10,00”（字段 budget） [schema.number]",
        f"{path}:5:1: 错误: 未知的键“fiscal_fund”；是否应为“fiscal_funds”？（字段 fiscal_fund） [schema.unknown-key]",
        f"{path}:7:5: 错误: 缺少必填字段“level2”（字段 indicators[0].level2） [schema.required]",
        f"{path}:8:8: 错误: 应为列表，实际为“完成测试”（字段 goals） [schema.type]",
    ]
    set_language("en")
    report = Report()
    assemble(read_sources(root), report)
    assert lines(report) == [
        f"{path}:4:9: error: expected a number such as 1290.10 (blank: leave the key out), found '10,00' (at budget) [schema.number]",
        f"{path}:5:1: error: unknown key 'fiscal_fund'; did you mean 'fiscal_funds'? (at fiscal_fund) [schema.unknown-key]",
        f"{path}:7:5: error: missing required field 'level2' (at indicators[0].level2) [schema.required]",
        f"{path}:8:8: error: expected a list, found '完成测试' (at goals) [schema.type]",
    ]


def test_yaml_syntax_error_names_line_and_column(make_site):
    files = tiny_content()
    files[f"{YEAR}/tables/three_public.yaml"] = "rows:\n  - {name: a, total: 1\n  - {name: b}\n"
    _, report = load(make_site, files)
    (diagnostic,) = report.diagnostics
    assert diagnostic.rule == "yaml.syntax"
    assert (diagnostic.location.line, diagnostic.location.column) == (3, 5)


def test_unknown_files_tables_and_missing_pieces(make_site):
    files = tiny_content()
    files["content/departments/100/2025/notes.txt"] = "草稿"
    files[f"{YEAR}/tables/income.yaml"] = {"rows": []}
    files["content/departments/200/2024/disclosure.yaml"] = {"title": "x", "scope": "partial"}
    _, report = load(make_site, files)
    assert sorted((d.rule, d.location.path) for d in report.diagnostics) == [
        ("content.missing-department", "content/departments/200/department.yaml"),
        ("content.unknown-file", f"{YEAR}/notes.txt"),
        ("content.unknown-table", f"{YEAR}/tables/income.yaml"),
        ("schema.choice", "content/departments/200/2024/disclosure.yaml"),
    ]


def test_project_file_is_named_by_its_code_and_codes_are_unique(make_site):
    files = tiny_content()
    files[f"{YEAR}/projects/p-nocode.yaml"]["code"] = "P001"
    files[f"{YEAR}/projects/P001-2.yaml"] = dict(files[f"{YEAR}/projects/P001.yaml"], seq="3")
    _, report = load(make_site, files)
    assert sorted(d.rule for d in report.diagnostics) == [
        "project.duplicate-code",
        "project.duplicate-code",
        "project.file-name",
    ]


def test_empty_and_non_mapping_files(make_site):
    files = tiny_content()
    files[f"{YEAR}/goals.yaml"] = ""
    files[f"{YEAR}/glossary.yaml"] = "- 一\n- 二\n"
    _, report = load(make_site, files)
    assert sorted((d.rule, d.location.path) for d in report.diagnostics) == [
        ("schema.empty", f"{YEAR}/goals.yaml"),
        ("schema.type", f"{YEAR}/glossary.yaml"),
    ]


def test_site_yaml_is_required_and_checked(make_site):
    files = tiny_content()
    files["site.yaml"] = {"title": "t", "base_url": "ftp://x"}
    _, report = load(make_site, files)
    assert [d.rule for d in report.diagnostics] == ["site.base-url"]
