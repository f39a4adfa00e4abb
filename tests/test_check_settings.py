"""site.yaml's checks.rules: a rule switched off, or given another severity, for one portal."""

from __future__ import annotations

from generator.build import load_site
from generator.checks.indicator_kinds import nearest_level2
from generator.diagnostics import Report, Severity

EXPLANATION = "content/departments/731/2025/explanation.yaml"
LOST = "\n    body: |\n      我部门无其他需要说明的事项。"


def _check(root, rules: str = "") -> Report:
    if rules:
        with (root / "site.yaml").open("a", encoding="utf-8") as site:
            site.write("checks:\n  rules:\n" + rules)
    report = Report()
    load_site(root, report)
    return report


def _lose_the_sentence(root) -> None:
    path = root / EXPLANATION
    text = path.read_text(encoding="utf-8")
    assert text.count(LOST) == 1
    path.write_text(text.replace(LOST, ""), encoding="utf-8")


def test_by_default_an_empty_section_is_an_error(sample_copy):
    _lose_the_sentence(sample_copy)
    found = [d for d in _check(sample_copy).diagnostics if d.rule == "complete.section-empty"]
    assert [d.severity for d in found] == [Severity.ERROR]


def test_a_rule_switched_off_reports_nothing(sample_copy):
    _lose_the_sentence(sample_copy)
    report = _check(sample_copy, "    complete.section-empty: off\n")
    assert report.diagnostics == []


def test_a_rule_given_another_severity_reports_with_it(sample_copy):
    _lose_the_sentence(sample_copy)
    report = _check(sample_copy, "    complete.section-empty: warning\n")
    assert [(d.rule, d.severity) for d in report.diagnostics] == [("complete.section-empty", Severity.WARNING)]


def test_an_unknown_rule_or_setting_is_reported_where_it_is_written(sample_copy):
    report = _check(sample_copy, "    text.stray-years: off\n    text.mixed-units: loud\n")
    found = [(d.rule, d.location.path, d.location.line, d.field) for d in report.diagnostics]
    lines = (sample_copy / "site.yaml").read_text(encoding="utf-8").split("\n")
    assert found == [
        ("schema.choice", "site.yaml", lines.index("    text.stray-years: off") + 1, "checks.rules.text.stray-years"),
        ("schema.choice", "site.yaml", lines.index("    text.mixed-units: loud") + 1, "checks.rules.text.mixed-units"),
    ]
    assert "text.stray-year" in report.diagnostics[0].message  # the suggestion


def test_the_taxonomy_suggests_the_name_a_line_break_or_slip_spoilt():
    allowed = {"数量指标", "质量指标", "时效指标", "成本指标"}
    assert "数量指标" in nearest_level2("数量 指标", allowed)
    assert "质量指标" in nearest_level2("质量指", allowed)
    assert nearest_level2("社会效益指标", allowed) == ""  # another name, not a slip


def test_switching_a_rule_off_does_not_make_its_acknowledgements_stale(sample_copy):
    report = _check(sample_copy, "    project.purpose-amount: off\n")
    assert report.diagnostics == []
