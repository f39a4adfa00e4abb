"""A portal that spans regions, in a real browser: a region folder's page and one of its
department-year pages have no axe violations at 1280 and 320 px and no squeezed table cell
at 375 and 320 px (the sample portal's pages are in test_accessibility.py and
test_phone_and_paper.py)."""

from __future__ import annotations

import http.server
import threading

import pytest

from generator.build import build
from browser.conftest import BASE_PATH, _handler_for
from tests.browser.test_phone_and_paper import SQUEEZED

PAGES = {"region folder": "regions/130700/", "its department-year": "regions/130700/departments/306001/2025/"}


@pytest.fixture(scope="module")
def regions_server(tmp_path_factory):
    from conftest import write_yaml
    from test_regions import two_regions

    root = tmp_path_factory.mktemp("regions") / "site"
    for relative, data in two_regions().items():
        write_yaml(root / relative, data)
    output = root.parent / "out"
    build(root, output, base_url="http://127.0.0.1" + BASE_PATH)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(output))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}{BASE_PATH}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _open(chromium, url: str, width: int):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", reduced_motion="reduce")
    page = context.new_page()
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200
    return context, page


@pytest.mark.parametrize("width", (1280, 320), ids=lambda w: f"{w}px")
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_region_folder_pages_have_no_axe_violations(chromium, regions_server, axe, path, width):
    context, page = _open(chromium, regions_server + path, width)
    try:
        violations = axe.run(page)
        assert not violations, axe.format(violations, f"/{path} at {width}px")
    finally:
        context.close()


@pytest.mark.parametrize("width", (375, 320), ids=lambda w: f"{w}px")
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_region_folder_pages_have_no_squeezed_cells(chromium, regions_server, path, width):
    context, page = _open(chromium, regions_server + path, width)
    try:
        assert page.locator("main a").count() > 0
        squeezed = page.evaluate(SQUEEZED)
        assert not squeezed, f"/{path} at {width}px: {squeezed[:8]}"
    finally:
        context.close()
