"""benchmarks/synthetic.py: a generated portal passes every check, is deterministic, and
builds to the number of pages asked for."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from generator.build import build, load_site
from generator.diagnostics import Report

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

PAGES = 300


def digest_tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic")
    result = synthetic.generate(PAGES, root / "site", seed=7, hugo_dir=root / "hugo")
    return root, result


def test_generated_portal_has_no_diagnostics(portal):
    root, result = portal
    report = Report()
    site = load_site(root / "site", report)
    assert site is not None
    assert [d.format() for d in report.diagnostics] == []
    assert len(site.departments) == result["departments"]
    disclosures = [d for dept in site.departments for d in dept.disclosures]
    assert len(disclosures) == result["departments"] * len(synthetic.YEARS)
    assert all(d.scope == "full" and len(d.tables) == 11 for d in disclosures)
    codes = [p.code for d in disclosures for p in d.projects]
    assert len(codes) == len(set(codes)) == result["projects"]


def test_same_seed_gives_identical_bytes(portal, tmp_path):
    root, _ = portal
    synthetic.generate(PAGES, tmp_path / "site", seed=7, hugo_dir=tmp_path / "hugo")
    assert digest_tree(tmp_path / "site") == digest_tree(root / "site")
    assert digest_tree(tmp_path / "hugo") == digest_tree(root / "hugo")


def test_build_has_the_requested_number_of_pages(portal, tmp_path):
    root, result = portal
    built = build(root / "site", tmp_path / "out")
    assert abs(built.pages - PAGES) <= PAGES * 0.05
    assert built.pages == result["pages"]
    assert built.report.diagnostics == []


def test_hugo_site_has_one_markdown_page_per_page(portal):
    root, result = portal
    pages = list((root / "hugo" / "content").rglob("*.md"))
    # every page of ours but the 404 (a Hugo layout) and the region pages (the Hugo site has
    # no directory by region), plus the two folders' _index.md that are not rendered
    assert len(pages) == result["pages"] - result["regions"] - 1 + 2
    assert (root / "hugo" / "layouts" / "404.html").is_file()


def test_refuses_to_overwrite_a_foreign_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit):
        synthetic.generate(PAGES, tmp_path, seed=7)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_fresh_search_export_equals_the_updatable_one_at_scale(portal):
    """Enough documents for the long postings kept in blocks and for own-file terms."""
    from generator.build import load_site
    from generator.diagnostics import Report
    from generator.search.documents import site_documents
    from generator.search.static import BLOCK, ExportCache, export_site

    root, _ = portal
    docs = site_documents(load_site(root / "site", Report()))
    assert len(docs) > BLOCK
    fresh = export_site(docs)
    assert fresh == export_site(docs, ExportCache())
    assert any(path.startswith("search/all/b/") for path in fresh)


def test_dev_server_build_after_edits_equals_a_clean_build_at_scale(portal, tmp_path):
    """Enough documents for the search postings kept in blocks, which a dev-server build
    updates in place rather than writing afresh."""
    import shutil

    from generator.build import BuildCache, build

    root = tmp_path / "site"
    shutil.copytree(portal[0] / "site", root)
    cache = BuildCache()
    build(root, tmp_path / "served", cache=cache)
    projects = sorted((root / "content").rglob("projects/*.yaml"))
    for number, project in enumerate(projects[:3]):
        text = project.read_text(encoding="utf-8")
        project.write_text(text.replace("\nname: ", f"\nname: 第{number}次修改", 1).replace("\npurpose: ", "\npurpose: 又改了 ", 1),
                           encoding="utf-8")
        build(root, tmp_path / "served", cache=cache)
    build(root, tmp_path / "clean")
    assert digest_tree(tmp_path / "served") == digest_tree(tmp_path / "clean")


def test_regions_flag_puts_the_first_cities_into_region_folders(tmp_path):
    result = synthetic.generate(PAGES, tmp_path / "site", seed=7, regions=2)
    assert result["region_folders"] == 2
    built = build(tmp_path / "site", tmp_path / "out")
    assert built.report.diagnostics == []
    assert built.pages == result["pages"]
    in_regions = [d for d in built.site.departments if d.region_code]
    assert len({d.region_code for d in in_regions}) == 2 and len(in_regions) < len(built.site.departments)
    for dept in in_regions:
        assert (tmp_path / "out" / f"regions/{dept.region_code}/departments/{dept.code}/index.html").is_file()
        assert dept.region == (tmp_path / f"site/content/regions/{dept.region_code}/region.yaml").read_text(encoding="utf-8")[6:-1]
