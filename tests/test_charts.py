"""Charts: inline SVG drawn at build time, named and described in words, every figure the
page's figure, never colour alone, the data table beside it, no script."""

from __future__ import annotations

import re
from decimal import Decimal
from xml.etree import ElementTree

from conftest import ROOT

from generator import charts
from generator.build import load_site
from generator.diagnostics import Report

SVG = "{http://www.w3.org/2000/svg}"


def sample_disclosure(code: str):
    site = load_site(ROOT, Report())
    dept = next(d for d in site.departments if d.code == code)
    return dept.disclosures[0]


def test_full_disclosure_has_the_four_charts():
    found = charts.disclosure_charts(sample_disclosure("731"))
    assert [c.id for c in found] == ["chart-function", "chart-basic-project", "chart-three-public", "chart-projects"]


def test_function_chart_states_each_class_and_figure():
    chart = charts.by_function(sample_disclosure("731"))
    labels = [bar.label for bar in chart.bars]
    assert labels == ["205 教育支出", "206 科学技术支出", "208 社会保障和就业支出", "210 卫生健康支出", "221 住房保障支出"]
    assert chart.bars[1].value == Decimal("991.95")
    assert "206 科学技术支出 991.95万元" in chart.description


def test_svg_is_an_image_with_title_and_description_and_a_label_per_bar():
    chart = charts.three_public(sample_disclosure("731"))
    root = ElementTree.fromstring(chart.svg)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "“三公”经费"
    # every line as published (the 小计 left out), the blank one said to be blank
    assert desc.text == (
        "“三公”经费（单位：万元）：一、因公出国（境）费 原表空白；二、公务用车购置及运维费 2.36万元；"
        "其中：公务用车购置费 原表空白；公务用车运行维护费 2.36万元；三、公务接待费 0.56万元。"
    )
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "2.36 万元" in texts and "0.56 万元" in texts and texts.count("原表空白") == 2
    assert len(root.findall(f"{SVG}rect")) == 3  # no bar for a blank line
    assert "<script" not in chart.svg and "on" not in {a[:2] for e in root.iter() for a in e.attrib}


def test_bars_are_in_proportion_and_projects_largest_first():
    chart = charts.project_budgets(sample_disclosure("731"))
    values = [bar.value for bar in chart.bars]
    assert values == sorted(values, reverse=True) and len(values) == 26
    root = ElementTree.fromstring(chart.svg)
    widths = [int(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == charts.WIDTH - charts.VALUE_ROOM
    assert abs(widths[-1] / widths[0] - float(values[-1] / values[0])) < 0.01


def test_page_keeps_the_data_table_beside_each_chart(sample_build):
    _, output = sample_build
    page = (output / "departments/731/2025/index.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="chart" id="([^"]+)">.*?<a href="#([^"]+)">', page, re.S)
    assert len(figures) == 4
    for _, target in figures:
        assert f'id="{target}"' in page
    assert "<script" not in page.split('<section aria-labelledby="charts">')[1].split("</section>")[0]


def test_targets_only_disclosure_has_the_project_chart_alone(sample_build):
    _, output = sample_build
    page = (output / "departments/405001/2026/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<figure class="chart" id="([^"]+)"', page) == ["chart-projects"]


def test_bar_colour_contrast_with_white_is_at_least_3_to_1():
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert (1.05) / (luminance(charts.BAR_FILL) + 0.05) >= 3
    assert (1.05) / (luminance(charts.TEXT_FILL) + 0.05) >= 4.5
