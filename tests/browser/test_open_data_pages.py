"""Pages with charts and with years side by side, in a real browser: axe-core finds nothing
at 1280 and 320 px, the charts fit a phone, and they print. (The sample's department-year
pages, which carry charts too, are in test_accessibility.py.)"""

from __future__ import annotations

import pytest

from browser.conftest import built_from, load_page, serving

WIDTHS = (1280, 320)
YOY_PAGE = "departments/100/2025/"


@pytest.fixture(scope="module")
def two_year_server(tmp_path_factory):
    from test_year_over_year import two_years

    with serving(built_from(two_years(), tmp_path_factory.mktemp("two-years"))) as url:
        yield url


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
def test_year_over_year_page_has_no_axe_violations(chromium, two_year_server, axe, width):
    context, page = load_page(chromium, two_year_server + YOY_PAGE, width)
    try:
        assert page.locator("#year-over-year").count() == 1
        assert page.locator("svg[role=img]").count() == 4
        violations = axe.run(page)
        assert not violations, axe.format(violations, f"/{YOY_PAGE} at {width}px")
    finally:
        context.close()


def test_charts_fit_a_phone_and_keep_legible_text(open_page):
    page = open_page("departments/731/2025/", width=320)
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart-svg')].map(svg => {
            const box = svg.getBoundingClientRect();
            const text = svg.querySelector('text').getBoundingClientRect();
            return {right: box.right, height: text.height};
        })"""
    )
    assert len(sizes) == 4
    for size in sizes:
        assert size["right"] <= 320
        assert size["height"] >= 9  # the 13-unit labels stay at least 9 px tall on a 320 px screen


def test_charts_print(open_page):
    page = open_page("departments/731/2025/", width=1280)
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => [...document.querySelectorAll('figure.chart')].map(f => {
            const box = f.getBoundingClientRect();
            const rect = f.querySelector('rect');
            return {height: box.height, fill: rect ? getComputedStyle(rect).fill : ''};
        })"""
    )
    assert len(shown) == 4 and all(item["height"] > 50 for item in shown)
    assert all(item["fill"] == "rgb(31, 95, 168)" for item in shown)
    assert page.locator(".downloads").first.is_hidden()
