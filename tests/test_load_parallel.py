"""Loading on every core gives the very model and diagnostics of loading in one process."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, copy_portal

import generator.load_parallel as load_parallel
from generator.build import load_site
from generator.diagnostics import Report
from generator.loader import content_listing
from generator.parallel import START_METHOD_VARIABLE, usable_cores

INVALID = Path(__file__).parent / "invalid"


def _load(root: Path, monkeypatch, threshold: int):
    monkeypatch.setattr(load_parallel, "PARALLEL_LOAD_FROM", threshold)
    report = Report()
    return load_site(root, report), report


def _portals():
    yield ROOT
    yield from sorted(path for path in INVALID.iterdir() if (path / "site.yaml").is_file())


@pytest.mark.parametrize("method", ["fork", "spawn"])
@pytest.mark.parametrize("source", list(_portals()), ids=lambda path: path.name)
def test_parallel_load_equals_one_process(source, method, tmp_path, monkeypatch):
    monkeypatch.setenv(START_METHOD_VARIABLE, method)
    root = copy_portal(source, tmp_path / "portal")
    if usable_cores() < 2:
        pytest.fail("this machine has one core: the parallel path cannot be tested")
    expected_site, expected = _load(root, monkeypatch, 10**9)
    assert not load_parallel.worth_workers(len(content_listing(root)))
    site, report = _load(root, monkeypatch, 1)
    assert load_parallel.worth_workers(len(content_listing(root))), "the parallel path was not taken"
    assert site == expected_site
    assert expected.diagnostics or source == ROOT  # each invalid portal has something to report
    assert [d.format() for d in report.sorted()] == [d.format() for d in expected.sorted()]


def test_each_department_is_a_run_of_its_own(tmp_path):
    listing = content_listing(ROOT)
    groups = load_parallel._groups(listing, ROOT)
    assert [item for group in groups for item in group] == listing
    folders = [load_parallel._department_of(group[0][0], str(ROOT)) for group in groups]
    for group, folder in zip(groups, folders):
        assert {load_parallel._department_of(path, str(ROOT)) for path, _ in group} == {folder}
    assert all(a != b for a, b in zip(folders, folders[1:]))
    assert len([f for f in folders if f]) == len(set(folders) - {""}) >= 2


def test_parallel_load_of_a_draft_equals_one_process(tmp_path, monkeypatch):
    """A draft's blanks do not stop the budget rules in a worker either: a wrong sum among
    them is found on every core as in one process."""
    from generator.scaffold import new_year

    root = copy_portal(ROOT, tmp_path / "portal")
    new_year(root, "731", 2026)
    project = root / "content/departments/731/2026/projects/p01.yaml"
    text = project.read_text(encoding="utf-8").replace("budget:\n", "budget: 10.00\nfiscal_funds: 9.00\n", 1)
    project.write_text(text.replace("  level2: 数量指标\n", "  level2:\n", 1), encoding="utf-8")  # a blank the schema reports
    expected_site, expected = _load(root, monkeypatch, 10**9)
    site, report = _load(root, monkeypatch, 1)
    assert load_parallel.worth_workers(len(content_listing(root))), "the parallel path was not taken"
    assert site == expected_site
    assert {d.rule for d in expected.errors} == {"project.funds-sum"}
    assert [d.format() for d in report.sorted()] == [d.format() for d in expected.sorted()]
