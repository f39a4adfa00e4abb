"""`disclose new year` and `disclose new department`: carry forward, never overwrite."""

from __future__ import annotations

import pytest

from generator.build import load_site
from generator.cli import main
from generator.diagnostics import Report
from generator.messages import set_language
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
    assert first.get("unit") == old.get("unit")
    structure = ("level1", "level2", "name", "description", "basis")
    assert [[i.get(k) for k in structure] for i in first["indicators"]] == [[i.get(k) for k in structure] for i in old["indicators"]]
    assert any(i.get("description") for i in first["indicators"])  # the sample's descriptions are carried
    assert all(i["value"] is None for i in first["indicators"])
    table = read(folder / "tables/income_summary.yaml")
    assert table["rows"][1] == {"code": "205", "name": "教育支出"}
    assert read(folder / "disclosure.yaml")["title"] == "张家口市科学技术协会2026年部门预算信息公开"
    assert read(folder / "disclosure.yaml")["draft"] == "true"
    assert (folder / "glossary.yaml").read_text(encoding="utf-8") == (
        portal / "content/departments/731/2025/glossary.yaml").read_text(encoding="utf-8")

    # A draft: its blanks are one to-do line per file, and nothing is an error.
    report = Report()
    load_site(portal, report)
    rules = {d.rule for d in report.diagnostics if "/2026/" in d.location.path}
    assert rules == {"draft.todo", "project.name-year"}
    assert not report.errors
    assert all("/731/2026/" in d.location.path for d in report.diagnostics)
    todo = next(d for d in report.diagnostics if d.location.path.endswith("/projects/p01.yaml"))
    # p01: 预算数, 资金用途 and 绩效目标 blank, and every one of its indicator values
    assert int(todo.found) == 3 + len(first["indicators"])
    assert todo.message.startswith(f"草稿：待填写 {todo.found} 项（指标值 {len(first['indicators'])}，")

    # The mark removed, the same blanks are errors and warnings again.
    text = (folder / "disclosure.yaml").read_text(encoding="utf-8")
    (folder / "disclosure.yaml").write_text(text.replace("draft: true\n", ""), encoding="utf-8")
    report = Report()
    load_site(portal, report)
    rules = {d.rule for d in report.diagnostics if "/2026/" in d.location.path}
    assert {"project.budget-missing", "indicator.value-missing", "table.no-figures"} <= rules
    assert "draft.todo" not in rules and report.errors


def test_new_year_never_overwrites(portal):
    with pytest.raises(ScaffoldError, match="已存在"):
        new_year(portal, "731", 2025)
    with pytest.raises(ScaffoldError, match="没有部门 999"):
        new_year(portal, "999", 2026)
    set_language("en")
    with pytest.raises(ScaffoldError, match="already exists"):
        new_year(portal, "731", 2025)
    with pytest.raises(ScaffoldError, match="no department"):
        new_year(portal, "999", 2026)


def test_new_year_prints_a_short_to_do_list(portal, capsys):
    assert main(["new", "year", "731", "2026", "--source", str(portal)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "已在 content/departments/731/2026/ 创建 41 个文件，标记为草稿（draft: true），不会发布"
    assert len(out) <= 8, out  # not a line per blank
    assert out[1].startswith("待填写 ") and any("projects/：26 个文件" in line for line in out[2:])
    assert main(["--lang", "en", "new", "year", "405001", "2027", "--source", str(portal)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("created ") and out[0].endswith("marked as a draft (draft: true): not published")
    assert "  projects/: 20 file(s), 179 blank(s)" in out  # this year's blanks only, not 731's as well
    assert len(out) <= 8, out


def test_new_department_then_its_first_page(portal, tmp_path, capsys):
    assert main(["new", "department", "888", "示例市测试局", "--region", "示例市", "--source", str(portal)]) == 0
    assert "已创建 content/departments/888/department.yaml" in capsys.readouterr().out
    assert read(portal / "content/departments/888/department.yaml")["name"] == "示例市测试局"
    assert main(["new", "department", "888", "again", "--source", str(portal)]) == 1
    with pytest.raises(ScaffoldError):
        new_department(portal, "../x", "bad")
