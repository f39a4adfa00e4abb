"""Acknowledged problems of published documents: silenced only while the figures are as
acknowledged, and shown on the page at the figure."""

from __future__ import annotations

from htmltools import collect

from generator.build import load_site
from generator.diagnostics import Report

TABLE = "content/departments/731/2025/tables/expenditure_summary.yaml"


def test_a_grown_difference_is_no_longer_acknowledged(sample_copy):
    root = sample_copy
    table = root / TABLE
    text = table.read_text(encoding="utf-8")
    first_row = "  - {name: 合计, total: 1454.54, basic: 944.91, project: 509.64}\n"
    assert text.count(first_row) == 1
    table.write_text(text.replace(first_row, first_row.replace("project: 509.64}", "project: 509.64, operating: 1.00}")), encoding="utf-8")
    report = Report()
    load_site(root, report)
    rules = sorted({(d.rule, d.location.path) for d in report.diagnostics})
    assert ("table.row-sum", TABLE) in rules
    assert any(d.rule == "ack.unused" for d in report.diagnostics)
    (grown,) = [d for d in report.errors if d.rule == "table.row-sum"]
    assert grown.expected == "1455.55" and grown.found == "1454.54"


def test_acknowledged_figures_carry_their_note_on_the_page(sample_build):
    _, output = sample_build
    page = output / "departments/731/2025/index.html"
    collector = collect(page)
    described = [attrs for tag, attrs in collector.elements if tag == "td" and "aria-describedby" in attrs]
    assert len(described) >= 20
    for attrs in described:
        assert attrs["aria-describedby"] in collector.ids
    html = page.read_text(encoding="utf-8")
    assert "原文如此。按所列各项相加为 1454.55，与原表 1454.54 相差 0.01" in html
    project = (output / "departments/731/2025/projects/13070024P00000410006W/index.html").read_text(encoding="utf-8")
    assert "原文如此：成本指标“≤17.5 万元”高于本项目预算数 15.75 万元。" in project


def test_problems_the_reading_rules_found_carry_their_note_too(sample_build):
    """Acknowledged problems of the words, not only of the figures: a paragraph of the
    explanation (two slips, one note), a 资金用途, a weak target of the 天津 file."""
    _, output = sample_build
    page = (output / "departments/731/2025/index.html").read_text(encoding="utf-8")
    assert "两项相加为 944.90 万元，相差 0.01。 原文如此：项目资金“减少共计 1.07 万元”" in page
    project = collect(output / "departments/731/2025/projects/13070024P00000410006W/index.html")
    purpose = [attrs for tag, attrs in project.elements if tag == "p" and "aria-describedby" in attrs]
    assert len(purpose) == 1 and purpose[0]["aria-describedby"] in project.ids
    tianjin = (output / "departments/569301/2022/projects/p02/index.html").read_text(encoding="utf-8")
    assert "原文如此：质量指标“服务质量提高”的指标值“提高”未量化，无法衡量。" in tianjin
