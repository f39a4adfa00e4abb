"""Drafts: `draft: true` keeps a year out of the published site unless --drafts is given;
its blanks are one to-do line per file; they are errors again once the mark is removed."""

from __future__ import annotations

import json

import pytest
from conftest import tiny_content

from generator.build import build, load_site
from generator.cli import main
from generator.diagnostics import BuildFailed, Report, Severity

DRAFT = "content/departments/100/2026"


def draft_files(draft: bool = True, **project) -> dict:
    """The tiny site and its department's next year, half filled in."""
    files = tiny_content()
    files[f"{DRAFT}/disclosure.yaml"] = {"title": "测试部门2026年部门预算", "scope": "targets", **({"draft": "true"} if draft else {})}
    files[f"{DRAFT}/projects/P101.yaml"] = {
        "seq": "1",
        "code": "P101",
        "name": "示例项目",
        "budget": None,  # blank: still to fill in
        "indicators": [
            {"level1": "产出指标", "level2": "数量指标", "name": "次数", "description": "次数", "value": None},
            {"level1": "效益指标", "level2": "社会效益指标", "name": "效果", "description": "效果", "value": None},
            {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "description": "满意度", "value": "≥90%"},
        ],
        **project,
    }
    return files


def diagnostics_of(root) -> Report:
    report = Report()
    load_site(root, report)
    return report


def test_check_folds_a_drafts_blanks_into_one_line_per_file(make_site):
    report = diagnostics_of(make_site(draft_files()))
    assert not report.errors
    (todo,) = report.diagnostics
    assert (todo.rule, todo.severity, todo.location.path, todo.location.line) == (
        "draft.todo", Severity.WARNING, f"{DRAFT}/projects/P101.yaml", 0)
    # 预算数, 资金用途, 绩效目标 and two indicator values
    assert todo.found == "5"
    assert todo.message == "草稿：待填写 5 项（指标值 2，预算数 1，资金用途 1，绩效目标 1）"
    assert report.format_text().endswith("[draft.todo]\n0 个错误，1 个警告")


def test_the_blanks_are_errors_once_the_mark_is_removed(make_site):
    report = diagnostics_of(make_site(draft_files(draft=False)))
    rules = sorted(d.rule for d in report.diagnostics)
    assert rules == ["indicator.value-missing", "indicator.value-missing", "project.budget-missing",
                     "project.goals-missing", "project.purpose-missing"]
    assert len(report.errors) == 3


def test_a_draft_that_is_not_blank_but_wrong_is_still_reported(make_site):
    """Only blanks are folded: a filled-in figure that does not add up is an error."""
    files = draft_files(budget="10.00", fiscal_funds="9.00", other_funds="2.00")
    report = diagnostics_of(make_site(files))
    assert [d.rule for d in report.errors] == ["project.funds-sum"]
    assert [d.rule for d in report.warnings] == ["draft.todo"]


def test_draft_false_is_no_draft_and_other_words_are_refused(make_site):
    report = diagnostics_of(make_site(draft_files(draft=False) | {f"{DRAFT}/disclosure.yaml": {
        "title": "测试部门2026年部门预算", "scope": "targets", "draft": "false"}}))
    assert "draft.todo" not in {d.rule for d in report.diagnostics} and report.errors
    report = diagnostics_of(make_site(draft_files() | {f"{DRAFT}/disclosure.yaml": {
        "title": "测试部门2026年部门预算", "scope": "targets", "draft": "yes"}}))
    assert "schema.boolean" in {d.rule for d in report.errors}


def test_a_build_leaves_drafts_out(make_site, tmp_path):
    root = make_site(draft_files(budget="10.00", fiscal_funds="9.00", other_funds="2.00"))
    result = build(root, tmp_path / "out")
    out = tmp_path / "out"
    assert (out / "departments/100/2025/index.html").is_file()
    assert not (out / "departments/100/2026").exists()
    assert not (out / "years/2026").exists()
    assert "2026" not in (out / "departments/100/index.html").read_text(encoding="utf-8")
    assert "P101" not in "".join(p.read_text(encoding="utf-8") for p in (out / "search").rglob("*.json"))
    # neither the draft's blanks nor its wrong sum stop, or clutter, the published build
    assert result.report.diagnostics == []


def test_build_with_drafts_publishes_them_marked(make_site, tmp_path):
    root = make_site(draft_files())
    result = build(root, tmp_path / "out", drafts=True)
    out = tmp_path / "out"
    page = (out / "departments/100/2026/index.html").read_text(encoding="utf-8")
    assert '<p class="draft-banner" role="note"><strong>草稿</strong>' in page
    assert 'class="draft-banner"' in (out / "departments/100/2026/projects/P101/index.html").read_text(encoding="utf-8")
    assert "2026年 · 测试部门2026年部门预算（草稿）" in (out / "departments/100/index.html").read_text(encoding="utf-8")
    assert 'class="draft-banner"' not in (out / "departments/100/2025/index.html").read_text(encoding="utf-8")
    assert [d.rule for d in result.report.diagnostics] == ["draft.todo"]
    with pytest.raises(BuildFailed):  # --strict: a to-do is a warning
        build(root, tmp_path / "strict", drafts=True, strict=True)


def test_the_command_line_takes_drafts(make_site, tmp_path, capsys):
    root = make_site(draft_files())
    assert main(["build", "--quiet", "--source", str(root), "--output", str(tmp_path / "a")]) == 0
    assert not (tmp_path / "a/departments/100/2026").exists()
    assert main(["build", "--quiet", "--drafts", "--source", str(root), "--output", str(tmp_path / "b")]) == 0
    assert (tmp_path / "b/departments/100/2026/index.html").is_file()
    capsys.readouterr()
    assert main(["check", "--format", "json", "--source", str(root)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(d["rule"], d["severity"], d["found"]) for d in data["diagnostics"]] == [("draft.todo", "warning", "5")]


def test_the_dev_server_builds_with_drafts(make_site):
    import shutil

    from generator.serve import DevSite

    site = DevSite(make_site(draft_files()), "/")
    try:
        site.rebuild(force=True)
        assert site.status.ok
        assert 'class="draft-banner"' in (site.output / "departments/100/2026/index.html").read_text(encoding="utf-8")
    finally:
        shutil.rmtree(site.output.parent, ignore_errors=True)
