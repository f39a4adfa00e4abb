"""Found by machines: sitemap.xml lists every page, robots.txt points to it, an Atom feed of
the disclosures newest first, a meta description and Open Graph tags on every page; and the
source document (原文) a disclosure.yaml may name."""

from __future__ import annotations

import os
from xml.etree import ElementTree

import pytest
from conftest import tiny_content
from htmltools import collect, html_files

from generator.build import build, load_site
from generator.diagnostics import BuildFailed, Report

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://example.gov.cn/yjsgk/"


def test_sitemap_lists_every_page_and_robots_points_to_it(sample_build):
    result, output = sample_build
    root = ElementTree.parse(output / "sitemap.xml").getroot()
    listed = {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    pages = {BASE + str(p.relative_to(output).parent).replace(".", "") + "/" for p in output.rglob("index.html")}
    pages = {p.replace("yjsgk//", "yjsgk/") for p in pages}
    assert listed == pages and len(listed) == result.pages - 1  # every page but 404.html
    assert (output / "robots.txt").read_text(encoding="utf-8") == f"User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n"


def test_feed_lists_disclosures_newest_first(sample_build):
    _, output = sample_build
    feed = ElementTree.parse(output / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links == [BASE + "departments/405001/2026/", BASE + "departments/731/2025/", BASE + "departments/569301/2022/"]
    assert [e.find(f"{ATOM}updated").text for e in entries] == ["2026-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2022-01-01T00:00:00Z"]
    assert "收入总计1454.54万元" in entries[1].find(f"{ATOM}summary").text
    assert feed.find(f"{ATOM}updated").text == "2026-01-01T00:00:00Z"


def test_every_page_has_a_description_and_open_graph_tags(sample_build):
    _, output = sample_build
    for path in html_files(output):
        metas = {(a.get("name") or a.get("property")): a.get("content") for tag, a in collect(path).elements if tag == "meta"}
        assert metas.get("description"), path
        for key in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
            assert metas.get(key), (path, key)
    metas = {(a.get("name") or a.get("property")): a.get("content") for tag, a in collect(output / "departments/731/2025/index.html").elements if tag == "meta"}
    assert metas["og:url"] == BASE + "departments/731/2025/"
    assert metas["description"] == "张家口市科学技术协会2025年部门预算公开，收入总计1454.54万元，支出总计1454.54万元，项目26个。"


# ---- the source document (原文) ----

YEAR = "content/departments/100/2025"


def with_original(value: str) -> dict:
    files = tiny_content()
    files[f"{YEAR}/disclosure.yaml"] = dict(files[f"{YEAR}/disclosure.yaml"], original=value)
    return files


def test_an_original_url_is_linked(make_site, tmp_path):
    output = tmp_path / "out"
    build(make_site(with_original("https://example.org/yusuan/2025.pdf")), output)
    page = (output / "departments/100/2025/index.html").read_text(encoding="utf-8")
    assert '<a class="source-link" href="https://example.org/yusuan/2025.pdf">原文</a>' in page


def test_an_original_file_beside_the_yaml_is_published_and_linked(make_site, tmp_path):
    root = make_site(with_original("原文.pdf"))
    (root / YEAR / "原文.pdf").write_bytes(b"%PDF-1.4 test")
    output = tmp_path / "out"
    result = build(root, output)
    assert not [d for d in result.report.diagnostics if d.rule == "content.unknown-file"]
    assert (output / "departments/100/2025/原文.pdf").read_bytes() == b"%PDF-1.4 test"
    page = (output / "departments/100/2025/index.html").read_text(encoding="utf-8")
    assert '<a class="source-link" href="/portal/departments/100/2025/原文.pdf">原文</a>' in page


@pytest.mark.parametrize("value", ["../../../site.yaml", "sub/原文.pdf", "/etc/passwd", ".hidden.pdf"])
def test_an_original_outside_its_folder_is_refused(make_site, value):
    report = Report()
    load_site(make_site(with_original(value)), report)
    assert [d.rule for d in report.errors] == ["disclosure.original"]


def test_a_missing_original_file_is_an_error(make_site):
    report = Report()
    load_site(make_site(with_original("原文.pdf")), report)
    (error,) = report.errors
    assert error.rule == "disclosure.original" and "原文.pdf" in error.message


def test_an_original_that_links_out_of_the_project_is_not_published(make_site, tmp_path):
    root = make_site(with_original("原文.pdf"))
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"not for publication")
    os.symlink(secret, root / YEAR / "原文.pdf")
    with pytest.raises(BuildFailed) as failed:
        build(root, tmp_path / "out")
    # The original names a link out of the project, and the link itself is reported too.
    assert sorted(d.rule for d in failed.value.report.errors) == ["disclosure.original", "link.outside"]
    assert not (tmp_path / "out").exists()


def test_a_file_beside_the_yaml_that_is_not_named_is_still_reported(make_site):
    files = tiny_content()
    files[f"{YEAR}/notes.txt"] = "草稿"
    report = Report()
    load_site(make_site(files), report)
    assert [(d.rule, d.location.path) for d in report.warnings] == [("content.unknown-file", f"{YEAR}/notes.txt")]
