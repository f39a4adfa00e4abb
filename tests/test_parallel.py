"""Rendering on several cores gives the same bytes as rendering in one process."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from generator import render
from generator.build import build
from generator.diagnostics import BuildFailed
from conftest import ROOT


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic") / "portal"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synthetic.py"), "--pages", "450", "--out", str(root)],
                   check=True, stdout=subprocess.DEVNULL)
    return root


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_parallel_and_serial_builds_are_identical(portal, tmp_path, monkeypatch):
    assert render.worker_count(450) >= 1
    build(portal, tmp_path / "parallel")
    monkeypatch.setattr(render, "PARALLEL_FROM", 10**9)
    build(portal, tmp_path / "serial")
    assert tree(tmp_path / "parallel") == tree(tmp_path / "serial")


def test_a_template_error_in_a_worker_is_reported_with_its_place(portal, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "worker_count", lambda pages: 2)
    broken = tmp_path / "broken"
    shutil.copytree(portal, broken)
    (broken / "templates").mkdir(exist_ok=True)
    (broken / "templates" / "footer.html").write_text("<footer>\n{{ nothing.here }}</footer>\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(broken, tmp_path / "out")
    (error,) = failed.value.report.errors
    assert (error.location.path, error.location.line, error.rule) == ("templates/footer.html", 2, "template.error")
    assert not (tmp_path / "out").exists()
