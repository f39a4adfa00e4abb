"""Accessibility in a real browser: axe-core's WCAG 2.x A/AA rules, narrow screens, and the keyboard."""

from __future__ import annotations

import pytest

PAGES = {
    "home": "",
    "department": "departments/731/",
    "disclosure-full": "departments/731/2025/",
    "disclosure-targets": "departments/405001/2026/",
    "project": "departments/731/2025/projects/13070024P00000410006W/",
    "project-nocode": "departments/569301/2022/projects/p01/",
    "year": "years/2025/",
    "region": "regions/河北省张家口市/",
    "glossary": "glossary/",
    "404": "404.html",
    "search": "search/",
}
WIDTHS = (1280, 320)
KEYBOARD_PAGE = "departments/731/2025/"

FOCUSABLE = 'a[href], area[href], summary, button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_no_axe_violations(open_page, axe, path, width):
    page = open_page(path, width=width)
    violations = axe.run(page)
    assert not violations, axe.format(violations, f"/{path} at {width}px")


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_no_horizontal_page_scroll_at_320px(open_page, path):
    page = open_page(path, width=320)
    overflow = page.evaluate(
        """() => {
            const width = document.documentElement.scrollWidth;
            const view = document.documentElement.clientWidth;
            // The widest elements that stick out of the viewport, for the failure message.
            const culprits = [];
            for (const el of document.body.querySelectorAll('*')) {
                const box = el.getBoundingClientRect();
                if (box.right > view + 1 && !el.closest('.table-scroll > *')) {
                    culprits.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} right=${Math.round(box.right)}`);
                }
            }
            return {width, culprits: culprits.slice(0, 8)};
        }"""
    )
    assert overflow["width"] <= 320 + 1, f"/{path} scrolls sideways at 320px: scrollWidth={overflow['width']}; {overflow['culprits']}"


def test_unknown_address_serves_the_404_page(chromium, site_server):
    context = chromium.new_context()
    try:
        page = context.new_page()
        response = page.goto(site_server + "no/such/page/")
        assert response.status == 404
        assert "找不到该页面" in page.title()
    finally:
        context.close()


# ---- keyboard ----

_MARK = f"""() => {{
    const all = [...document.querySelectorAll('{FOCUSABLE}')];
    all.forEach((el, index) => el.setAttribute('data-kbd', String(index)));
    return all.length;
}}"""

_ACTIVE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const style = getComputedStyle(el);
    return {
        kbd: el.getAttribute('data-kbd'),
        tag: el.tagName.toLowerCase(),
        id: el.id,
        cls: String(el.className || ''),
        href: el.getAttribute('href'),
        role: el.getAttribute('role'),
        text: (el.textContent || '').trim().slice(0, 40),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth) || 0,
        boxShadow: style.boxShadow,
    };
}"""


def _describe(element: dict) -> str:
    return f"<{element['tag']}{' id=' + element['id'] if element['id'] else ''}{' href=' + element['href'] if element['href'] else ''}> {element['text']!r}"


def _has_focus_indicator(element: dict) -> bool:
    outline = element["outlineStyle"] != "none" and element["outlineWidth"] > 0
    shadow = element["boxShadow"] not in ("", "none")
    return outline or shadow


def _tab_through(page) -> tuple[int, list[dict]]:
    count = page.evaluate(_MARK)
    visited = []
    for _ in range(3 * count + 20):
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE)
        if active is None:
            continue
        if visited and active["kbd"] is not None and active["kbd"] == visited[0]["kbd"]:
            break  # wrapped round to the start
        visited.append(active)
    return count, visited


def test_keyboard_reaches_every_link_and_table_region(open_page):
    page = open_page(KEYBOARD_PAGE)
    count, visited = _tab_through(page)
    assert visited, "Tab never moved focus"
    first = visited[0]
    assert "skip-link" in first["cls"].split() and first["href"] == "#main", f"first Tab reached {_describe(first)}, not the skip link"

    reached = {element["kbd"] for element in visited}
    expected = page.evaluate(
        # a link inside a closed <details> is reached by opening it: its <summary> is expected instead
        """() => [...document.querySelectorAll('[role=region][tabindex="0"], a[href], details:not([open]) > summary')]
            .filter(el => !el.closest('details:not([open]) > :not(summary)')).map(el => ({
            kbd: el.getAttribute('data-kbd'), tag: el.tagName.toLowerCase(), id: el.id,
            href: el.getAttribute('href'), text: (el.textContent || '').trim().slice(0, 40),
        }))"""
    )
    regions = page.locator('[role=region][tabindex="0"]').count()
    assert regions > 0, "the keyboard page has no scrollable table regions to test"
    missed = [_describe(element) for element in expected if element["kbd"] not in reached]
    assert not missed, f"{len(missed)} of {len(expected)} links/table regions never got focus by Tab ({count} focusable): {missed[:10]}"


def test_focus_is_visible_on_links_and_table_regions(open_page):
    page = open_page(KEYBOARD_PAGE)
    _, visited = _tab_through(page)
    links = [element for element in visited if element["tag"] == "a"]
    regions = [element for element in visited if element["role"] == "region"]
    assert links and regions, "Tab reached no link or no table region"
    invisible = [
        f"{_describe(element)} outline={element['outlineStyle']} {element['outlineWidth']}px box-shadow={element['boxShadow']}"
        for element in visited
        if not _has_focus_indicator(element)
    ]
    assert not invisible, f"focused without a visible focus indicator: {invisible[:10]}"


def test_skip_link_moves_focus_to_main(open_page):
    page = open_page(KEYBOARD_PAGE)
    page.keyboard.press("Tab")
    skip = page.evaluate(
        """() => {
            const el = document.activeElement, box = el.getBoundingClientRect();
            return {cls: String(el.className), href: el.getAttribute('href'),
                    visible: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0
                             && box.right <= innerWidth && box.bottom <= innerHeight};
        }"""
    )
    assert "skip-link" in skip["cls"].split() and skip["href"] == "#main"
    assert skip["visible"], "the skip link is focused but not shown on screen"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'", timeout=5000)
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # The next Tab continues from the main content, not from the header.
    page.keyboard.press("Tab")
    inside = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside, "after the skip link, Tab did not continue inside main"
