"""Citizens on phones and on paper: no table cell squeezed to a character a line at 375 px,
wide tables scroll in their region with a hint, and print media shows no form."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import PAGES

# A cell holding 3 or more characters whose content box is narrower than 2.5 times its own
# font size reads one or two characters a line (the measure of issue 15). Cells that are
# not drawn (display: none, or inside a visually hidden header) are not read on screen.
SQUEEZED = """() => {
    const hidden = el => {
        for (let node = el; node && node !== document.body; node = node.parentElement) {
            const style = getComputedStyle(node);
            if (style.display === 'none' || style.visibility === 'hidden') return true;
            if (style.clip && style.clip !== 'auto' && node.getBoundingClientRect().width <= 1) return true;
        }
        return false;
    };
    const found = [];
    for (const cell of document.querySelectorAll('td, th')) {
        const text = (cell.innerText || '').trim();
        if ([...text].length < 3 || hidden(cell)) continue;
        const style = getComputedStyle(cell);
        const content = cell.getBoundingClientRect().width
            - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
            - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
        if (content < 2.5 * parseFloat(style.fontSize)) found.push(`${text.slice(0, 16)} (${Math.round(content)}px)`);
    }
    return found;
}"""

NARROW = (375, 320)


@pytest.mark.parametrize("width", NARROW, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_no_squeezed_table_cells(open_page, path, width):
    page = open_page(path, width=width)
    squeezed = page.evaluate(SQUEEZED)
    assert not squeezed, f"/{path} at {width}px: {len(squeezed)} squeezed cell(s): {squeezed[:8]}"


def test_wide_table_scrolls_in_its_region_with_a_hint_and_its_row_labels_stay(open_page):
    page = open_page("departments/731/2025/", width=375)
    region = page.locator("#table-income_summary")
    box = page.evaluate("""() => {
        const region = document.getElementById('table-income_summary');
        const hint = region.previousElementSibling;
        region.scrollLeft = 400;
        const label = region.querySelector('tbody th[scope=row]').getBoundingClientRect();
        return {scrolls: region.scrollWidth > region.clientWidth, scrolled: region.scrollLeft,
                hint: hint && hint.classList.contains('scroll-hint') ? getComputedStyle(hint).display : 'missing',
                labelLeft: label.left - region.getBoundingClientRect().left};
    }""")
    assert box["scrolls"] and box["scrolled"] > 0
    assert box["hint"] == "block"
    assert box["labelLeft"] < 5, "the 科目名称 column scrolled away with the figures"
    assert region.get_attribute("role") == "region"


def test_indicator_table_keeps_its_semantics_when_stacked(open_page):
    page = open_page("departments/405001/2026/projects/13020026P003LT110032P/", width=375)
    cells = page.evaluate("""() => ({
        caption: !!document.querySelector('table.indicators caption'),
        scopes: [...document.querySelectorAll('table.indicators th')].map(th => th.getAttribute('scope')),
        headers: [...document.querySelectorAll('table.indicators td')].every(td => td.getAttribute('headers')),
        stacked: getComputedStyle(document.querySelector('table.indicators tr')).display,
    })""")
    assert cells["caption"] and cells["headers"] and "rowgroup" in cells["scopes"] and "col" in cells["scopes"]
    assert cells["stacked"] == "block"


@pytest.mark.parametrize("path", ["", "departments/731/2025/", "search/"], ids=["home", "disclosure", "search"])
def test_print_media_shows_no_form(open_page, path):
    page = open_page(path)
    page.emulate_media(media="print")
    shown = page.evaluate("""() => [...document.querySelectorAll('form, input, select, button')]
        .filter(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
        .map(el => el.outerHTML.slice(0, 80))""")
    assert not shown, f"/{path} prints: {shown}"
