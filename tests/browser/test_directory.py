"""The home page's directory by region: complete without JavaScript, narrowed by the filter box."""

from __future__ import annotations


def test_directory_lists_every_department_by_region_without_javascript(chromium, site_server):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_server)
        assert page.locator(".directory-filter").is_hidden()
        regions = page.eval_on_selector_all(".directory-region h3", "hs => hs.map(h => h.innerText)")
        assert regions == ["天津市 （1 个部门）", "河北省唐山市 （1 个部门）", "河北省张家口市 （1 个部门）"]
        assert page.locator(".directory-list li").count() == 3
        page.click("text=河北省张家口市")
        assert page.locator("h1").inner_text() == "河北省张家口市"
        assert page.locator(".card h2").inner_text() == "张家口市科学技术协会"
    finally:
        context.close()


def test_filter_box_narrows_the_lists(open_page):
    page = open_page("")
    page.fill("#directory-q", "张家口")
    visible = page.eval_on_selector_all(".directory-list li:not([hidden])", "els => els.map(e => e.innerText)")
    assert len(visible) == 1 and "张家口市科学技术协会" in visible[0]
    assert page.locator(".directory-region:not([hidden])").count() == 1
    assert "1" in page.inner_text("#directory-count")
    page.fill("#directory-q", "")
    assert page.locator(".directory-list li:not([hidden])").count() == 3


def test_large_type_switch_is_remembered_from_page_to_page(open_page, site_server):
    page = open_page("")
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 16 and float(page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) / parseFloat(getComputedStyle(document.body).fontSize)")) >= 1.5
    page.click("#type-switch")
    assert page.get_attribute("#type-switch", "aria-pressed") == "true"
    page.goto(site_server + "departments/731/2025/")
    assert page.evaluate("document.documentElement.classList.contains('large-type')")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > size
    small = page.evaluate("""() => [...document.querySelectorAll('header a, header button, header input, .breadcrumbs a, .year-switcher a')]
        .map(el => [el.textContent.trim() || el.id, el.getBoundingClientRect().height]).filter(([, h]) => h < 44)""")
    assert not small, small
