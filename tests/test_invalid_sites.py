"""Invalid example sites: each folder under tests/invalid/ is a small portal (site.yaml and
content/ only) with deliberate mistakes, and expected.txt holds the exact text that
`disclose check --source <case>` prints for it (paths relative to the case folder), in
Chinese (the default); expected.en.txt holds the same with `--lang en`.

To rewrite the expected files after an intended change of a message or a rule:

    REGENERATE=1 python -m pytest tests/test_invalid_sites.py

Regenerated files must be reviewed line by line before they are committed: they are the
specification of what an editor sees, and a regenerated file passes whatever it says.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REGENERATE

from generator.cli import main

CASES_DIR = Path(__file__).resolve().parent / "invalid"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "site.yaml").is_file())

def place(case: str, tmp_path: Path) -> Path:
    """The case folder (the cases hold no themes: the built-in one is used)."""
    root = tmp_path / case
    shutil.copytree(CASES_DIR / case, root, ignore=shutil.ignore_patterns("expected*.txt"))
    return root

def run_check(root: Path, capsys, *options: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["check", "--source", str(root), *options])
    captured = capsys.readouterr()
    assert captured.err == ""
    return status, captured.out

def test_there_are_invalid_example_sites():
    assert len(CASES) >= 5
    for case in CASES:
        assert sorted(p.name for p in (CASES_DIR / case).iterdir()) == ["content", "expected.en.txt", "expected.txt", "site.yaml"]


@pytest.mark.parametrize("language", ["zh-CN", "en"])
@pytest.mark.parametrize("case", CASES)
def test_check_prints_exactly_the_expected_text(case, language, tmp_path, capsys):
    status, out = run_check(place(case, tmp_path), capsys, "--lang", language)
    expected_file = CASES_DIR / case / ("expected.txt" if language == "zh-CN" else "expected.en.txt")
    if REGENERATE:
        expected_file.write_text(out, encoding="utf-8")  # review the result before committing it
    assert out == expected_file.read_text(encoding="utf-8")
    assert status == 1

@pytest.mark.parametrize("case", CASES)
def test_every_expected_line_names_a_rule_and_a_place_in_the_case(case):
    lines = (CASES_DIR / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    english = (CASES_DIR / case / "expected.en.txt").read_text(encoding="utf-8").splitlines()
    *diagnostics, summary = lines
    assert diagnostics and summary.endswith("个警告") and english[-1].endswith("warning(s)")
    assert len(english) == len(lines)
    for line, line_en in zip(diagnostics, english):
        # the same place, severity and rule in both languages; only the words differ
        assert line.split(": ", 1)[0] == line_en.split(": ", 1)[0] and line.rsplit(" [", 1)[1] == line_en.rsplit(" [", 1)[1]
        assert (": 错误: " in line) == (": error: " in line_en) and (": 警告: " in line) == (": warning: " in line_en)
        path = line.split(":", 1)[0]
        assert line.endswith("]") and " [" in line, line
        assert (CASES_DIR / case / path).parent.is_dir(), line

def test_json_format_reports_the_same_diagnostics(tmp_path, capsys):
    case = "project-target-problems"
    root = place(case, tmp_path)
    status, out = run_check(root, capsys, "--format", "json")
    assert status == 1
    data = json.loads(out)
    text = (CASES_DIR / case / "expected.en.txt").read_text(encoding="utf-8").splitlines()
    assert f"{data['errors']} error(s), {data['warnings']} warning(s)" == text[-1]
    assert len(data["diagnostics"]) == data["errors"] + data["warnings"] == len(text) - 1
    for item, line in zip(data["diagnostics"], text):
        where = item["location"]
        assert line.startswith(f"{where['path']}:{where['line']}:" if where["line"] else f"{where['path']}:")
        assert line.endswith(f"[{item['rule']}]")
        assert item["severity"] in ("error", "warning")
