"""Golden HTML: one page of each type of the sample portal, compared byte for byte.

When a template or the content changes on purpose, regenerate and review the diff:

    REGENERATE=1 python -m pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from conftest import REGENERATE

GOLDEN = Path(__file__).parent / "golden"
PAGES = {
    "home.html": "index.html",
    "department.html": "departments/731/index.html",
    "disclosure-full.html": "departments/731/2025/index.html",
    "disclosure-targets.html": "departments/405001/2026/index.html",
    "project.html": "departments/731/2025/projects/13070024P00000410006W/index.html",
    "project-without-code.html": "departments/569301/2022/projects/p01/index.html",
    "year.html": "years/2025/index.html",
    "glossary.html": "glossary/index.html",
    "404.html": "404.html",
}


@pytest.mark.parametrize("golden_name", sorted(PAGES))
def test_page_matches_golden(sample_build, golden_name):
    _, output = sample_build
    built = (output / PAGES[golden_name]).read_text(encoding="utf-8")
    golden = GOLDEN / golden_name
    if REGENERATE:
        golden.write_text(built, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if built != expected:
        diff = "".join(
            difflib.unified_diff(expected.splitlines(True), built.splitlines(True), str(golden), PAGES[golden_name], n=2)
        )
        pytest.fail(f"{PAGES[golden_name]} differs from {golden.name}:\n{diff[:6000]}")
