"""Numbers are ASCII and exact: a digit that only looks like one is an error at its column,
and no amount is ever rounded, negative where it may not be, or given more decimals than
its unit has."""

from __future__ import annotations

import pytest
from conftest import tiny_content

from generator.build import load_site
from generator.diagnostics import Report

TABLE = "content/departments/100/2025/tables/three_public.yaml"
PROJECT = "content/departments/100/2025/projects/P001.yaml"


def _check(make_site, files: dict) -> Report:
    report = Report()
    load_site(make_site(files), report)
    return report


def _with_total(value: str) -> dict:
    files = tiny_content()
    files[TABLE] = (
        "rows:\n"
        f"  - {{name: “三公”经费小计, total: '{value}', general_budget: '0.56'}}\n"
        "  - {name: 一、因公出国（境）费}\n"
        "  - {name: 三、公务接待费, total: '0.56', general_budget: '0.56'}\n"
    )
    return files


@pytest.mark.parametrize("value, char, ascii_form", [("１２３.４５", "１", "1"), ("0.٥٦", "٥", "5"), ("0.5６", "６", "6")])
def test_a_digit_that_is_not_ascii_is_an_error_at_its_column(make_site, value, char, ascii_form):
    report = _check(make_site, _with_total(value))
    [error] = [d for d in report.errors if d.location.path == TABLE]
    assert error.rule == "schema.non-ascii-digit"
    line = 2
    column = len("  - {name: “三公”经费小计, total: '") + value.index(char) + 1
    assert (error.location.line, error.location.column) == (line, column)
    assert char in error.message and ascii_form in error.message and f"U+{ord(char):04X}" in error.message


@pytest.mark.parametrize("value, rule_word", [
    ("-0", "number.negative-zero"), ("-0.00", "number.negative-zero"), ("-0.56", "number.negative"),
    ("12.345", "number.too-many-decimals"), ("1" * 38, "number.too-long"), ("1" * 16 + ".00", "number.too-long"),
])
def test_amounts_that_cannot_be_published_as_written_are_refused(make_site, value, rule_word):
    report = _check(make_site, _with_total(value))
    errors = [d for d in report.errors if d.location.path == TABLE]
    assert [e.rule for e in errors] == ["schema.number"]
    assert value in errors[0].message
    assert [w for w in report.warnings if "rounding" in w.message] == []


def test_fifteen_whole_digits_and_two_decimals_are_still_an_amount(make_site):
    report = _check(make_site, _with_total("1" * 15 + ".00"))
    assert [e for e in report.errors if e.rule.startswith("schema.")] == []


def test_a_project_budget_is_money_too(make_site):
    files = tiny_content()
    files[PROJECT] = dict(files[PROJECT], budget="１０.００")
    report = _check(make_site, files)
    assert "schema.non-ascii-digit" in [e.rule for e in report.errors]


def test_a_year_folder_in_full_width_digits_is_an_error_not_a_second_year(make_site):
    files = tiny_content()
    files["content/departments/100/２０２５/disclosure.yaml"] = {"title": "测试部门2025年部门预算", "scope": "targets"}
    report = Report()
    site = load_site(make_site(files), report)
    errors = [e for e in report.errors if e.rule == "content.non-ascii-digit"]
    assert len(errors) == 1 and "２０２５" in errors[0].message and "2025" in errors[0].message
    assert site is None or all(len(d.disclosures) == 1 for d in site.departments)
