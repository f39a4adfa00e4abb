"""The search page in Chromium: typing the acceptance queries, filters, scoped search,
accessibility with results showing, and the page without JavaScript."""

from __future__ import annotations

import urllib.parse

import pytest
from search_acceptance import ACCEPTANCE
from test_search import oracle

from generator.search.documents import site_documents

BASE = "/yjsgk/"


def results_of(page) -> list[str]:
    """Every result's path (relative to the base), clicking "more" until all are shown."""
    page.wait_for_selector("#search-form[data-state=done]")
    while page.locator("#search-results button.search-more").count():
        shown = page.locator("#search-results .search-hit").count()
        page.click("#search-results button.search-more")
        page.wait_for_function(f"document.querySelectorAll('#search-results .search-hit').length > {shown}")
    hrefs = page.eval_on_selector_all("#search-results .search-hit a", "links => links.map(a => a.getAttribute('href'))")
    return [href[len(BASE):] for href in hrefs]


def type_query(page, query: str) -> None:
    page.fill("#search-q", "")
    page.type("#search-q", query)
    page.press("#search-q", "Enter")
    page.wait_for_selector("#search-form[data-state=done]")


@pytest.mark.parametrize("query,must,why", ACCEPTANCE, ids=[q for q, _, _ in ACCEPTANCE])
def test_acceptance_query_typed_into_the_search_page(open_page, sample_build, query, must, why):
    page = open_page("search/")
    type_query(page, query)
    paths = results_of(page)
    missing = [p for p in must if p not in paths]
    assert not missing, f"{query} ({why}): missing {missing}; got {paths}"
    assert set(paths) == oracle(site_documents(sample_build[0].site), query)
    status = page.inner_text("#search-status")
    assert f"找到 {len(paths)} 条" in status
    # the query is in the address, so the search can be shared as a link
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["q"] == [query]


def test_query_from_the_address_runs_on_load(open_page):
    page = open_page("search/?q=" + urllib.parse.quote("大篷车"))
    assert page.input_value("#search-q") == "大篷车"
    paths = results_of(page)
    assert "departments/405001/2026/projects/13020026P003LT110033B/" in paths
    first_title = page.inner_text("#search-results .search-hit a >> nth=0")
    assert "大篷车" in first_title  # a title match ranks first
    assert page.locator("#search-results .search-hit mark").count() > 0


def test_filters_by_department_and_year(open_page):
    page = open_page("search/?q=" + urllib.parse.quote("科技馆") + "&dept=569301")
    paths = results_of(page)
    assert paths and all(p.startswith("departments/569301/") for p in paths)
    page = open_page("search/?q=" + urllib.parse.quote("科技馆") + "&year=2026")
    paths = results_of(page)
    assert paths and all(p.startswith("departments/405001/2026/") for p in paths)


def test_department_year_box_searches_only_its_scope_with_one_small_download(open_page):
    page = open_page("departments/731/2025/")
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.fill("#scoped-q", "科普")
    page.press("#scoped-q", "Enter")
    page.wait_for_selector("#search-form[data-state=done]")
    paths = results_of(page)
    assert paths and all(p.startswith("departments/731/2025/") for p in paths)
    index_files = [url for url in fetched if "/search/" in url and url.endswith(".json") and not url.endswith("/search/fold.json")]
    assert index_files and all("/search/731-2025/" in url for url in index_files), index_files


@pytest.mark.parametrize("width", (1280, 320), ids=lambda w: f"{w}px")
def test_search_page_with_results_has_no_axe_violations(open_page, axe, width):
    page = open_page("search/?q=" + urllib.parse.quote("科普"), width=width)
    assert len(results_of(page)) >= 10
    violations = axe.run(page)
    assert not violations, axe.format(violations, f"search page with results at {width}px")


def test_search_page_works_from_the_keyboard(open_page):
    page = open_page("search/")
    page.focus("#search-q")
    page.keyboard.type("科普")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-form[data-state=done]")
    # Tab from the search box through the filters and button reaches the first result
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#search-results') !== null"):
            break
    assert page.evaluate("document.activeElement.matches('#search-results .search-hit a')")
    assert page.get_attribute("#search-status", "aria-live") == "polite"


def test_without_javascript_the_page_says_so_and_links_to_the_lists(chromium, site_server):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_server + "search/?q=" + urllib.parse.quote("大篷车"))
        text = page.inner_text("main")
        assert "需要在浏览器中启用 JavaScript" in text
        links = page.eval_on_selector_all("main noscript ~ *, main a", "els => els.length")
        assert links >= 1
        assert page.locator("main a[href='/yjsgk/']").count() == 1
    finally:
        context.close()


# ---- issue 15: one ranking, one folding, snippets, kinds ----

from search_acceptance import SNIPPETS  # noqa: E402

from generator.search.engine import search as cli_search  # noqa: E402
from generator.search.engine import write_index  # noqa: E402
from generator.search.tokens import normalize  # noqa: E402


@pytest.fixture(scope="module")
def whoosh_index(sample_build, tmp_path_factory):
    directory = tmp_path_factory.mktemp("whoosh-page") / "index"
    write_index(directory, site_documents(sample_build[0].site))
    return directory


def test_page_and_cli_rank_every_acceptance_query_the_same(open_page, whoosh_index):
    page = open_page("search/")
    for query, _, _ in ACCEPTANCE:
        type_query(page, query)
        paths = results_of(page)
        assert paths == [hit.path for hit in cli_search(whoosh_index, query, limit=None)], query


def test_scoped_ranking_is_the_same_too(open_page, whoosh_index):
    page = open_page("search/?q=" + urllib.parse.quote("科普") + "&dept=731&year=2025")
    assert results_of(page) == [hit.path for hit in cli_search(whoosh_index, "科普", dept="731", year="2025", limit=None)]


def test_search_js_folds_and_normalizes_exactly_as_python(open_page, sample_build):
    page = open_page("search/?q=" + urllib.parse.quote("科學"))
    page.wait_for_selector("#search-form[data-state=done]")
    docs = site_documents(sample_build[0].site)
    texts = [text for doc in docs for text in (doc.title, doc.body[:400], doc.summary[:200])]
    texts += ["科學技術協會 預算經費", "科普助力“双减”进校园", "《条例》、【通知】", "ＡＢＣ１２３ 全角", "科普（2024）"]
    in_browser = page.evaluate("texts => texts.map(window.discloseSearch.normalize)", texts)
    mismatched = [(t, b, normalize(t)) for t, b in zip(texts, in_browser) if b != normalize(t)]
    assert not mismatched, mismatched[:3]


@pytest.mark.parametrize("query,path,word", SNIPPETS)
def test_snippet_shows_the_match_far_into_a_long_section(open_page, query, path, word):
    page = open_page("search/?q=" + urllib.parse.quote(query))
    results_of(page)
    excerpt = page.evaluate(
        """path => { const a = [...document.querySelectorAll('.search-hit a')].find(a => a.getAttribute('href').endsWith(path));
                   const item = a.closest('.search-hit');
                   return {text: item.querySelector('.search-hit-excerpt').innerText,
                           marks: [...item.querySelectorAll('.search-hit-excerpt mark')].map(m => m.innerText)}; }""",
        path,
    )
    assert excerpt["marks"], excerpt
    assert normalize(excerpt["marks"][0]) == normalize(word) or word in normalize(excerpt["text"])


def test_each_result_is_labelled_by_kind(open_page):
    page = open_page("search/?q=" + urllib.parse.quote("差旅费"))
    results_of(page)
    kinds = page.eval_on_selector_all(".search-hit .search-kind", "els => els.map(e => e.innerText)")
    assert "表格" in kinds and "项目" in kinds
    row = page.locator(".search-hit", has=page.locator(".search-kind", has_text="表格")).first
    assert "表六" in row.inner_text() and "14.20" in row.inner_text()


@pytest.mark.parametrize("width", (412, 1280), ids=lambda w: f"{w}px")
def test_results_arriving_do_not_shift_the_page(chromium, site_server, width):
    """Cumulative layout shift while a search from the address loads and shows its results."""
    context = chromium.new_context(viewport={"width": width, "height": 823}, locale="zh-CN")
    try:
        page = context.new_page()
        page.add_init_script("""window.__shift = 0;
            new PerformanceObserver(list => { for (const entry of list.getEntries())
                if (!entry.hadRecentInput) window.__shift += entry.value; }).observe({type: 'layout-shift', buffered: true});""")
        page.goto(site_server + "search/?q=" + urllib.parse.quote("大篷车"))
        page.wait_for_selector("#search-form[data-state=done]")
        page.wait_for_timeout(300)  # let the observer report the last frame
        shift = page.evaluate("window.__shift")
        assert shift < 0.1, f"layout shift {shift:.3f} at {width}px"
    finally:
        context.close()
