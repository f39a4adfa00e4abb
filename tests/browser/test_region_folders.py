"""A portal that spans regions, in a real browser: a region folder's page and one of its
department-year pages have no axe violations at 1280 and 320 px and no squeezed table cell
at 375 and 320 px (the sample portal's pages are in test_accessibility.py and
test_phone_and_paper.py)."""

from __future__ import annotations

import pytest

from browser.conftest import built_from, load_page, serving
from tests.browser.test_phone_and_paper import SQUEEZED

PAGES = {"region folder": "regions/130700/", "its department-year": "regions/130700/departments/306001/2025/"}


@pytest.fixture(scope="module")
def regions_server(tmp_path_factory):
    from test_regions import two_regions

    with serving(built_from(two_regions(), tmp_path_factory.mktemp("regions"))) as url:
        yield url


@pytest.mark.parametrize("width", (1280, 320), ids=lambda w: f"{w}px")
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_region_folder_pages_have_no_axe_violations(chromium, regions_server, axe, path, width):
    context, page = load_page(chromium, regions_server + path, width)
    try:
        violations = axe.run(page)
        assert not violations, axe.format(violations, f"/{path} at {width}px")
    finally:
        context.close()


@pytest.mark.parametrize("width", (375, 320), ids=lambda w: f"{w}px")
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_region_folder_pages_have_no_squeezed_cells(chromium, regions_server, path, width):
    context, page = load_page(chromium, regions_server + path, width)
    try:
        assert page.locator("main a").count() > 0
        squeezed = page.evaluate(SQUEEZED)
        assert not squeezed, f"/{path} at {width}px: {squeezed[:8]}"
    finally:
        context.close()
