"""`disclose new year` and `disclose new department`: carry forward, never overwrite."""

from __future__ import annotations

import pytest

from generator.build import load_site
from generator.cli import main
from generator.diagnostics import Report
from generator.scaffold import ScaffoldError, new_department, new_year
from generator.yamlsource import parse, plain


@pytest.fixture
def portal(sample_copy):
    return sample_copy


def read(path):
    return plain(parse(path.read_text(encoding="utf-8")))


def test_new_year_carries_forward_names_and_leaves_figures_blank(portal):
    written = new_year(portal, "731", 2026)
    folder = portal / "content/departments/731/2026"
    assert folder / "disclosure.yaml" in written
    assert len(list((folder / "projects").glob("*.yaml"))) == 26
    first = read(folder / "projects/p01.yaml")
    old = read(portal / "content/departments/731/2025/projects/13070024P00000410006W.yaml")
    assert first["name"] == old["name"] and first["budget"] is None and "code" not in first
    assert [i["name"] for i in first["indicators"]] == [i["name"] for i in old["indicators"]]
    assert all(i["value"] is None for i in first["indicators"])
    table = read(folder / "tables/income_summary.yaml")
    assert table["rows"][1] == {"code": "205", "name": "教育支出"}
    assert read(folder / "disclosure.yaml")["title"] == "张家口市科学技术协会2026年部门预算信息公开"
    assert (folder / "glossary.yaml").read_text(encoding="utf-8") == (
        portal / "content/departments/731/2025/glossary.yaml").read_text(encoding="utf-8")

    report = Report()
    load_site(portal, report)
    rules = {d.rule for d in report.diagnostics if "/2026/" in d.location.path}
    assert {"project.budget-missing", "indicator.value-missing", "table.no-figures"} <= rules
    assert all("/731/2026/" in d.location.path for d in report.diagnostics)


def test_new_year_never_overwrites(portal):
    with pytest.raises(ScaffoldError, match="already exists"):
        new_year(portal, "731", 2025)
    with pytest.raises(ScaffoldError, match="no department"):
        new_year(portal, "999", 2026)


def test_new_department_then_its_first_page(portal, tmp_path, capsys):
    assert main(["new", "department", "888", "示例市测试局", "--region", "示例市", "--source", str(portal)]) == 0
    assert "created content/departments/888/department.yaml" in capsys.readouterr().out
    assert read(portal / "content/departments/888/department.yaml")["name"] == "示例市测试局"
    assert main(["new", "department", "888", "again", "--source", str(portal)]) == 1
    with pytest.raises(ScaffoldError):
        new_department(portal, "../x", "bad")
