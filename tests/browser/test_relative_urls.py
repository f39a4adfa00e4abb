"""relative_urls: true — the output opened from disk (file://) in Chromium, and served
under a sub-path it was not built for: every link resolves, the stylesheet loads, and the
search page finds its index."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, copy_portal

from generator.build import build

LINKS_JS = """() => [
  ...Array.from(document.querySelectorAll('a[href]'), e => ['a', e.href]),
  ...Array.from(document.querySelectorAll('link[href]'), e => [e.rel, e.href]),
  ...Array.from(document.querySelectorAll('script[src]'), e => ['script', e.src]),
  ...Array.from(document.querySelectorAll('form[action]'), e => ['form', e.action]),
]"""
STYLED_JS = """() => getComputedStyle(document.body).marginTop === '0px'
  && getComputedStyle(document.documentElement).getPropertyValue('--link').trim() === '#005ea2'"""


def build_portal(tmp_path: Path, relative: bool) -> Path:
    source = copy_portal(ROOT, tmp_path / "portal")
    if relative:
        with open(source / "site.yaml", "a", encoding="utf-8") as handle:
            handle.write("relative_urls: true\n")
    output = tmp_path / "site"
    build(source, output)
    return output


@pytest.fixture(scope="module")
def relative_site(tmp_path_factory) -> Path:
    return build_portal(tmp_path_factory.mktemp("relative"), relative=True)


def file_of(url: str) -> Path:
    return Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path))


def crawl(chromium, start: Path) -> tuple[set[Path], list[str]]:
    """Every page reachable from `start` by links, opened from file:// one by one; with the
    problems found: a link to no file, a page without its stylesheet."""
    context = chromium.new_context()
    page = context.new_page()
    seen, pending, problems = {start}, [start], []
    try:
        while pending:
            current = pending.pop()
            page.goto(current.as_uri(), wait_until="load")
            if not page.evaluate(STYLED_JS):
                problems.append(f"{current}: the stylesheet did not apply")
            for kind, url in page.evaluate(LINKS_JS):
                scheme = urllib.parse.urlsplit(url).scheme
                if scheme != "file":
                    if kind != "canonical":  # the published address, absolute on purpose
                        problems.append(f"{current}: {kind} {url} is not a relative link")
                    continue
                target = file_of(url)
                if not target.is_file():
                    problems.append(f"{current}: {kind} {url} names no file")
                elif target.suffix == ".html" and target not in seen:
                    seen.add(target)
                    pending.append(target)
    finally:
        context.close()
    return seen, problems


def test_every_link_resolves_from_a_file_path(chromium, relative_site):
    pages, problems = crawl(chromium, relative_site / "index.html")
    assert problems == [], "\n".join(problems[:10])
    every_page = {p for p in relative_site.rglob("*.html")} - {relative_site / "404.html"}
    assert pages == every_page  # every page reached by following links from the home page
    assert len(pages) > 60


def test_root_absolute_links_do_not_resolve_from_disk(chromium, tmp_path):
    """The control: without relative_urls the same crawl finds broken links (so the test
    above can fail)."""
    site = build_portal(tmp_path, relative=False)
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto((site / "index.html").as_uri(), wait_until="load")
        assert not page.evaluate(STYLED_JS)
        links = [url for kind, url in page.evaluate(LINKS_JS) if kind == "a" and not url.startswith("file:///#")]
        assert links and not any(file_of(url).is_file() for url in links if "#" not in url)
    finally:
        context.close()


def test_a_link_clicked_on_disk_opens_the_page(chromium, relative_site):
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto((relative_site / "index.html").as_uri(), wait_until="load")
        page.click("main h3 a >> nth=0")
        page.wait_for_load_state("load")
        assert page.url.startswith("file://") and page.url.endswith("/index.html")
        assert file_of(page.url).is_file() and page.evaluate(STYLED_JS)
        assert page.locator("h1").inner_text().strip()
    finally:
        context.close()


@pytest.fixture
def sub_path_server(relative_site, tmp_path):
    """The relative build served at http://127.0.0.1:PORT/some/other/path/, a path it was
    not built for (site.yaml's base_url says /yjsgk/)."""
    served = tmp_path / "www"
    shutil.copytree(relative_site, served / "some" / "other" / "path")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/some/other/path/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_search_works_under_another_path(chromium, sub_path_server):
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(sub_path_server + "search/index.html?q=" + urllib.parse.quote("老科协"), wait_until="load")
        page.wait_for_selector("#search-form[data-state=done]")
        hrefs = page.eval_on_selector_all("#search-results .search-hit a", "links => links.map(a => a.href)")
        assert hrefs, page.inner_text("#search-status")
        for href in hrefs:
            assert href.startswith(sub_path_server), href
            with urllib.request.urlopen(href.split("#")[0]) as response:  # noqa: S310 - our own local server
                assert response.status == 200
                assert urllib.parse.urlsplit(href).path.split("#")[0].endswith((".html", "/index.html"))
        assert page.evaluate(STYLED_JS)
    finally:
        context.close()


@pytest.fixture(scope="module")
def draft_site(tmp_path_factory) -> Path:
    """The sample with 731's next year started (a draft) and relative links, built with drafts."""
    from generator.scaffold import new_year

    tmp = tmp_path_factory.mktemp("drafts")
    source = copy_portal(ROOT, tmp / "portal")
    with open(source / "site.yaml", "a", encoding="utf-8") as handle:
        handle.write("relative_urls: true\n")
    new_year(source, "731", 2026)
    build(source, tmp / "site", drafts=True)
    return tmp / "site"


@pytest.mark.parametrize("path", ["departments/731/2026/index.html", "departments/731/2026/projects/p01/index.html",
                                  "departments/731/index.html"])
@pytest.mark.parametrize("width", (1280, 320), ids=lambda w: f"{w}px")
def test_a_draft_page_is_marked_and_accessible(chromium, axe, draft_site, path, width):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto((draft_site / path).as_uri(), wait_until="load")
        assert page.evaluate("() => !!document.querySelector('.draft-banner') || document.querySelector('.year-list').innerText.includes('（草稿）')")
        violations = axe.run(page)
        assert not violations, axe.format(violations, f"{path} at {width}px")
    finally:
        context.close()
