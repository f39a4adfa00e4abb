"""Links lead nowhere outside the project: never read, never published, never quoted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import generator
from generator.build import build, load_site
from generator.diagnostics import BuildFailed, Report

SECRET = "top-secret-line-do-not-publish"
BUILT_IN_THEME = Path(generator.__file__).parent / "themes" / "default"


@pytest.fixture
def secret(tmp_path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text(f"{SECRET}\nroot:x:0:0\n", encoding="utf-8")
    (outside / "P009.yaml").write_text(f"name: {SECRET}\nbudget: 1.00\n", encoding="utf-8")
    year = outside / "2024"
    year.mkdir()
    (year / "disclosure.yaml").write_text(f"title: {SECRET}\nscope: targets\n", encoding="utf-8")
    return outside


def _check(root: Path) -> Report:
    report = Report()
    load_site(root, report)
    return report


def _everything_said(report: Report) -> str:
    return report.format_text() + report.format_json()


def test_a_theme_static_link_out_of_the_project_is_refused_and_not_published(make_site, tmp_path, secret):
    root = make_site()
    shutil.copytree(BUILT_IN_THEME, root / "themes/default")  # the portal's own copy of the theme
    (root / "themes/default/static/passwd.txt").symlink_to(secret / "passwd.txt")
    output = tmp_path / "out"
    with pytest.raises(BuildFailed) as failed:
        build(root, output)
    errors = failed.value.report.errors
    assert [(e.rule, e.location.path) for e in errors] == [("link.outside", "themes/default/static/passwd.txt")]
    assert not output.exists()
    assert SECRET not in _everything_said(failed.value.report)


def test_a_content_file_linked_from_outside_is_never_read_or_quoted(make_site, secret):
    root = make_site()
    (root / "content/departments/100/2025/projects/P009.yaml").symlink_to(secret / "P009.yaml")
    report = _check(root)
    assert [(e.rule, e.location.path) for e in report.errors] == [
        ("link.outside", "content/departments/100/2025/projects/P009.yaml")]
    assert SECRET not in _everything_said(report)


def test_a_year_folder_linked_from_outside_is_not_read(make_site, secret):
    root = make_site()
    (root / "content/departments/100/2024").symlink_to(secret / "2024", target_is_directory=True)
    report = _check(root)
    assert [(e.rule, e.location.path) for e in report.errors] == [("link.outside", "content/departments/100/2024")]
    assert SECRET not in _everything_said(report)


def test_site_yaml_linked_from_outside_is_not_read(make_site, secret):
    root = make_site()
    (root / "site.yaml").unlink()
    (root / "site.yaml").symlink_to(secret / "passwd.txt")
    report = _check(root)
    assert "link.outside" in [e.rule for e in report.errors]
    assert SECRET not in _everything_said(report)


@pytest.mark.parametrize("where", ["content/departments/100/loop", "templates/loop", "static/loop"])
def test_a_link_loop_is_a_diagnostic_not_a_traceback(make_site, tmp_path, where):
    root = make_site()
    link = root / where
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(link.name, link)  # points at itself
    report = _check(root)
    assert [(e.rule, e.location.path) for e in report.errors] == [("link.loop", where)]
    with pytest.raises(BuildFailed):
        build(root, tmp_path / "out")


def test_a_folder_linking_back_up_the_tree_is_walked_once(make_site, tmp_path):
    root = make_site()
    (root / "content/departments/100/2025/again").symlink_to(root / "content/departments/100", target_is_directory=True)
    report = _check(root)
    assert "link.loop" not in [e.rule for e in report.diagnostics]


def test_a_link_that_stays_inside_the_project_is_followed(make_site, tmp_path):
    root = make_site()
    shared = root / "shared-styles"
    shared.mkdir()
    (shared / "extra.css").write_text("body{}", encoding="utf-8")
    (root / "static").mkdir()
    (root / "static/extra.css").symlink_to(shared / "extra.css")
    build(root, tmp_path / "out")
    assert (tmp_path / "out/assets/extra.css").read_text(encoding="utf-8") == "body{}"
