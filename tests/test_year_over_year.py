"""Years side by side: totals, function classes, 三公 and projects against the year before,
on small fixtures and on the synthetic portal; the sample (one year a department) shows none."""

from __future__ import annotations

import sys
from decimal import Decimal

import pytest
from conftest import ROOT, tiny_content

from generator import compare
from generator.build import build, load_site
from generator.diagnostics import Report
from generator.pages import site_pages
from generator.render import load_strings

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

DEPT = "content/departments/100"


def project(seq, code, name, budget, count_value):
    data = {
        "seq": str(seq), "name": name, "budget": budget, "purpose": "用于测试。", "goals": ["1.完成。"],
        "indicators": [
            {"level1": "产出指标", "level2": "数量指标", "name": "活动次数", "description": "开展活动", "value": count_value},
            {"level1": "效益指标", "level2": "社会效益指标", "name": "效果", "description": "效果", "value": "进一步提升"},
            {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "description": "满意度", "value": "≥90%"},
        ],
    }
    if code:
        data["code"] = code
    return data


def expenditure(total, basic, project_amount, lines):
    rows = [{"name": "合计", "total": total, "basic": basic, "project": project_amount}]
    for code, name, amount, basic_part, project_part in lines:
        row = {"code": code, "name": name, "total": amount, "basic": basic_part}
        if project_part:
            row["project"] = project_part
        rows.append(row)
    return {"rows": rows}


def two_years() -> dict:
    files = tiny_content()
    for key in [k for k in files if k.startswith(f"{DEPT}/2025/")]:
        del files[key]
    for year in (2024, 2025):
        files[f"{DEPT}/{year}/disclosure.yaml"] = {"title": f"测试部门{year}年部门预算", "scope": "targets"}
    files[f"{DEPT}/2024/tables/expenditure_summary.yaml"] = expenditure("100.00", "88.00", "12.00", [("201", "一般公共服务支出", "80.00", "68.00", "12.00"), ("208", "社会保障和就业支出", "20.00", "20.00", "")])
    files[f"{DEPT}/2025/tables/expenditure_summary.yaml"] = expenditure("120.00", "100.00", "20.00", [("201", "一般公共服务支出", "90.00", "70.00", "20.00"), ("210", "卫生健康支出", "30.00", "30.00", "")])
    files[f"{DEPT}/2024/tables/three_public.yaml"] = {"rows": [{"name": "三、公务接待费", "total": "0.50", "general_budget": "0.50"}]}
    files[f"{DEPT}/2025/tables/three_public.yaml"] = {"rows": [{"name": "三、公务接待费", "total": "0.40", "general_budget": "0.40"}]}
    files[f"{DEPT}/2024/projects/13070024P001.yaml"] = project(1, "13070024P001", "2024年科普活动经费", "8.00", "≥7次")
    files[f"{DEPT}/2024/projects/P900.yaml"] = project(2, "P900", "常年运行项目", "3.00", "≥2次")
    files[f"{DEPT}/2024/projects/old.yaml"] = project(3, "", "旧项目", "1.00", "≥1次")
    files[f"{DEPT}/2025/projects/13070025P001.yaml"] = project(1, "13070025P001", "2025年科普活动经费", "10.00", "≥5次")
    files[f"{DEPT}/2025/projects/P900.yaml"] = project(2, "P900", "常年运行项目", "3.30", "≥2次")
    files[f"{DEPT}/2025/projects/new.yaml"] = project(3, "", "新项目", "6.70", "≥1次")
    return files


@pytest.fixture
def two_year_site(make_site):
    root = make_site(two_years())
    report = Report()
    site = load_site(root, report)
    assert site is not None and not report.errors, [d.format() for d in report.diagnostics]
    return root, site


def test_comparison_of_two_years(two_year_site):
    _, site = two_year_site
    later, earlier = site.departments[0].disclosures
    c = compare.compare(earlier, later)
    assert (c.year, c.previous_year) == (2025, 2024)
    totals = {row.label: row for row in c.totals}
    assert totals["项目支出"].change == Decimal("8.00") and totals["项目支出"].percent == Decimal("66.67")
    functions = {row.label: (row.before, row.after, row.change, row.percent) for row in c.functions}
    assert functions == {
        "201 一般公共服务支出": (Decimal("80.00"), Decimal("90.00"), Decimal("10.00"), Decimal("12.50")),
        "208 社会保障和就业支出": (Decimal("20.00"), None, None, None),  # not published this year: no change invented
        "210 卫生健康支出": (None, Decimal("30.00"), None, None),
    }
    (reception,) = c.three_public
    assert (reception.change, reception.percent) == (Decimal("-0.10"), Decimal("-20.00"))
    matched = {row.label: (row.matched_by, row.change) for row in c.projects}
    assert matched == {"2025年科普活动经费": ("name", Decimal("2.00")), "常年运行项目": ("code", Decimal("0.30"))}
    assert [p.label for p in c.new_projects] == ["新项目"] and [p.label for p in c.ended_projects] == ["旧项目"]
    assert [(t.project, t.indicator, t.before, t.after) for t in c.targets] == [("2025年科普活动经费", "活动次数", "≥7次", "≥5次")]


def test_a_name_shared_by_two_projects_is_not_matched_by_name():
    # two 2025 projects are 科普活动经费 once the year is out: neither is said to continue 2024's
    from generator.diagnostics import Location
    from generator.model import Project

    def p(key, code, name):
        return Project(key, 1, code, name, "", Decimal(1), None, None, "", (), (), (), Location(""))

    pairs, new, ended = compare.match_projects((p("a", "X24", "2024年科普活动经费"),), (p("b", "X25", "2025年科普活动经费"), p("c", "", "2025年科普活动经费")))
    assert pairs == [] and len(new) == 2 and len(ended) == 1


def test_signed_changes_never_rest_on_colour():
    assert compare.signed(Decimal("2.00")) == "+2.00"
    assert compare.signed(Decimal("-0.10")) == "-0.10"
    assert compare.signed(Decimal("0.00")) == "0.00"
    assert compare.signed(None) == ""


def test_later_year_page_has_the_section_and_the_first_year_has_none(two_year_site, tmp_path):
    root, _ = two_year_site
    output = tmp_path / "out"
    build(root, output)
    later = (output / "departments/100/2025/index.html").read_text(encoding="utf-8")
    earlier = (output / "departments/100/2024/index.html").read_text(encoding="utf-8")
    assert 'id="year-over-year"' in later and 'id="year-over-year"' not in earlier
    section = later.split('id="year-over-year"')[1].split("</section>")[0]
    for text in ("+8.00", "+66.67%", "+12.50%", "-20.00%", "≥7次", "≥5次", "新项目", "旧项目", "/portal/departments/100/2024/"):
        assert text in section, text


def test_sample_portal_shows_no_comparison(sample_build):
    _, output = sample_build
    for page in output.glob("departments/*/*/index.html"):
        assert 'id="year-over-year"' not in page.read_text(encoding="utf-8")


def test_synthetic_portal_compares_every_later_year(tmp_path):
    synthetic.generate(300, tmp_path / "site", seed=7)
    site = load_site(tmp_path / "site", Report())
    pages = site_pages(site, load_strings("zh-CN"), {"shards": {}})
    compared = {}
    for page in pages:
        if page.template == "disclosure.html":
            compared[page.path] = page.render_context()["comparison"]
    years = {path.split("/")[2] for path in compared}
    assert years == {"2024", "2025", "2026"}
    for path, comparison in compared.items():
        if path.split("/")[2] == "2024":
            assert comparison is None
        else:
            assert comparison.previous_year == int(path.split("/")[2]) - 1
            assert comparison.totals and comparison.functions and comparison.three_public
    matched = [row for c in compared.values() if c for row in c.projects]
    assert matched and any(row.matched_by == "name" for row in matched)
