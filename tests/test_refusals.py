"""Commands refuse what they should, and the system's own errors become messages."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from conftest import ROOT, copy_portal, tiny_content
from test_build import digest_tree

import generator.writer as writer_module
from generator.build import load_site
from generator.cli import main
from generator.diagnostics import Report


def _check(root: Path) -> Report:
    report = Report()
    load_site(root, report)
    return report


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_system_error_while_writing_is_a_message_and_the_output_stays(make_site, tmp_path, capsys, monkeypatch, code):
    root = make_site()
    output = tmp_path / "out"
    assert main(["build", "--quiet", "--source", str(root), "--output", str(output)]) == 0
    before = digest_tree(output)
    department = root / "content/departments/100/department.yaml"
    department.write_text(department.read_text(encoding="utf-8").replace("测试部门", "测试部门戊"), encoding="utf-8")

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(output))

    monkeypatch.setattr(writer_module, "exchange", refuse)
    capsys.readouterr()
    assert main(["build", "--quiet", "--source", str(root), "--output", str(output)]) == 1
    said = capsys.readouterr().err
    assert "Traceback" not in said and os.strerror(code) in said and "[system.io]" in said
    assert digest_tree(output) == before
    assert [p.name for p in output.parent.iterdir() if p.name.startswith(".out.")] == []


def test_an_oserror_anywhere_in_a_command_is_a_message(monkeypatch, capsys, tmp_path):
    import generator.cli as cli

    def explode(args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "x"))

    monkeypatch.setattr(cli, "cmd_check", explode)
    parser = cli.make_parser()
    monkeypatch.setattr(cli, "make_parser", lambda: parser)
    for action in parser._subparsers._group_actions[0].choices.values():  # type: ignore[union-attr]
        if action.prog.endswith(" check"):
            action.set_defaults(run=explode)
    assert main(["check", "--source", str(tmp_path)]) == 1
    said = capsys.readouterr().err
    assert str(tmp_path / "x") in said and "Traceback" not in said


@pytest.fixture
def portal(tmp_path) -> Path:
    return copy_portal(ROOT, tmp_path / "portal")


@pytest.mark.parametrize("dept, year", [
    ("../../../other/content/departments/731", "2030"), ("731/../405001", "2030"), ("..", "2030"),
    ("731", "99999"), ("731", "２０３０"), ("731", "20x0"), ("731", "1066"),
])
def test_new_year_refuses_codes_and_years_the_folders_cannot_have(portal, tmp_path, capsys, dept, year):
    before = sorted(p for p in tmp_path.rglob("*"))
    assert main(["new", "year", dept, year, "--source", str(portal)]) == 1
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert "Traceback" not in capsys.readouterr().err


def test_new_year_from_a_malformed_year_is_a_message(portal, capsys):
    broken = portal / "content/departments/731/2025/projects"
    victim = sorted(broken.glob("*.yaml"))[0]
    victim.write_text("name: [unclosed\n", encoding="utf-8")
    assert main(["new", "year", "731", "2026", "--source", str(portal)]) == 1
    said = capsys.readouterr().err
    assert f"{victim.name}:1:" in said or f"{victim.name}:2:" in said
    assert "Traceback" not in said
    assert not (portal / "content/departments/731/2026").exists()


def test_new_department_needs_a_portal(tmp_path, capsys):
    assert main(["new", "department", "100", "测试部门", "--source", str(tmp_path)]) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("base_url, ok", [
    ("//evil.example/", False), ("https://evil.example/x?y", False), ("https://user@evil.example/", False),
    ("javascript:alert(1)", False), ("/yjsgk/", True), ("https://example.org", True), ("https://example.org/a/", True),
])
def test_base_url_is_an_http_url_with_a_host_or_a_path_from_the_root(make_site, base_url, ok):
    files = tiny_content()
    files["site.yaml"] = dict(files["site.yaml"], base_url=base_url)
    report = _check(make_site(files))
    assert ("site.base-url" in [e.rule for e in report.errors]) != ok


def test_a_nul_byte_is_reported_where_it_is(make_site):
    root = make_site()
    path = root / "content/departments/100/2025/projects/P001.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5][:3] + "\x00" + lines[5][3:]
    path.write_text("".join(lines), encoding="utf-8")
    [error] = [e for e in _check(root).errors if e.location.path.endswith("P001.yaml")]
    assert (error.location.line, error.location.column) == (6, 4) and "U+0000" in error.message


def test_a_gbk_file_gets_its_first_bad_byte_and_the_advice_to_save_as_utf8(make_site):
    root = make_site()
    path = root / "content/departments/100/department.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gb18030"))
    [error] = [e for e in _check(root).errors if e.rule == "yaml.encoding"]
    first_line = next(n for n, line in enumerate(text.splitlines(), 1) if any(ord(c) > 127 for c in line))
    first_column = next(i for i, c in enumerate(text.splitlines()[first_line - 1], 1) if ord(c) > 127)
    assert error.location.path.endswith("department.yaml")
    assert (error.location.line, error.location.column) == (first_line, first_column)
    assert "UTF-8" in error.message and "GB18030" in error.message
