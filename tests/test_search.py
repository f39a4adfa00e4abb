"""Search: the tokenizer, the whoosh index behind `disclose search`, and the static index."""

from __future__ import annotations

import json

import pytest
from search_acceptance import ACCEPTANCE

from generator.cli import main
from generator.search.documents import site_documents
from generator.search.engine import search, write_index
from generator.search.static import (
    SCOPE_SHARD_TARGET_BYTES,
    SHARD_TARGET_BYTES,
    SITE_SCOPE,
    ExportCache,
    ScopeIndex,
    export_site,
    fnv1a,
    postings,
)
from generator.search.tokens import is_han, normalize, query_parts, runs, term_positions, tokenize


def test_tokenizer_makes_pairs_of_chinese_and_keeps_codes_whole():
    assert tokenize("科普大篷车 13020026P003LT110033B") == [
        ("科普", 0), ("普大", 1), ("大篷", 2), ("篷车", 3), ("13020026p003lt110033b", 5)
    ]
    assert query_parts("大篷车 老科协") == [["大篷", "篷车"], ["老科", "科协"]]
    assert query_parts("ＡＢＣ１２３") == [["abc123"]]  # full-width letters and digits
    assert query_parts("科") == [["科"]]
    assert query_parts("，。！") == []


def test_fnv1a_matches_the_browser():
    # the same values search.js computes (checked with node: h ^= code unit; h = imul(h, 16777619))
    assert fnv1a("科普") == 273462102
    assert fnv1a("abc") == 440920331


def oracle(docs, query):
    """Ground truth by brute force: every Chinese run is a substring, every code a whole term."""
    found = set()
    for doc in docs:
        text = normalize(" ".join((doc.title, doc.code, doc.body)))
        words = set(runs(text))
        if all((run in text) if is_han(run) else (run in words) for run in runs(query)):
            found.add(doc.path)
    return found


@pytest.fixture(scope="module")
def index(sample_build, tmp_path_factory):
    result, _ = sample_build
    docs = site_documents(result.site)
    directory = tmp_path_factory.mktemp("whoosh") / "index"
    write_index(directory, docs)
    return directory, docs


@pytest.mark.parametrize("query,must,why", ACCEPTANCE, ids=[q for q, _, _ in ACCEPTANCE])
def test_acceptance_query_through_whoosh(index, query, must, why):
    directory, docs = index
    paths = [hit.path for hit in search(directory, query, limit=None)]
    assert len(paths) == len(set(paths))
    missing = [page for page in must if page not in paths]
    assert not missing, f"{query} ({why}): missing {missing}; got {paths}"
    assert set(paths) == oracle(docs, query), query


def test_title_and_code_matches_rank_first(index):
    directory, _ = index
    hits = search(directory, "大篷车", limit=None)
    kinds = [("大篷车" in hit.title) for hit in hits]
    assert kinds == sorted(kinds, reverse=True), [hit.title for hit in hits]
    (first,) = search(directory, "13020026P003LT110033B", limit=1)
    assert first.path.endswith("13020026P003LT110033B/")


def test_filters_by_department_and_year(index):
    directory, _ = index
    hits = search(directory, "科技馆", dept="569301", limit=None)
    assert hits and all(hit.path.startswith("departments/569301/") for hit in hits)
    hits = search(directory, "科技馆", year="2026", limit=None)
    assert hits and all(hit.year == "2026" for hit in hits)


def test_disclose_search_prints_results(sample_build, capsys):
    assert main(["search", "老科协", "--source", str(__import__("conftest").ROOT)]) == 0
    out = capsys.readouterr()
    assert "/yjsgk/departments/405001/2026/projects/13020026P00TPXR10005F/" in out.out
    assert "唐山市老科协经费" in out.out
    assert "“老科协”共 4 条结果" in out.err
    assert "Warning" not in out.err and "warning" not in out.err


def decode(rows):
    docs, doc = {}, 0
    for row in rows:
        doc += row[0]
        fields = []
        for values in row[1:]:
            absolute, position = [], 0
            for delta in values or []:
                position += delta
                absolute.append(position)
            fields.append(absolute)
        docs[doc] = fields
    return docs


def test_static_postings_round_trip_every_position(sample_build):
    result, _ = sample_build
    docs = site_documents(result.site)[:40]
    encoded = postings(docs)
    for number, doc in enumerate(docs):
        for field_index, field in enumerate(("title", "code", "body")):
            for term, position in tokenize(getattr(doc, field))[:40]:
                assert position in decode(encoded[term])[number][field_index]


def test_static_export_has_a_scope_per_department_year(sample_build):
    result, _ = sample_build
    files = export_site(site_documents(result.site))
    scopes = {path.split("/")[1] for path in files if path != "search/fold.json"}
    assert scopes == {"all", "405001-2026", "731-2025", "569301-2022"}
    meta = json.loads(files["search/731-2025/meta.json"])
    assert meta["docs"] > 26 and meta["shards"] >= 1


def test_a_department_year_scope_has_fewer_larger_shards_than_the_site_scope(sample_build):
    result, _ = sample_build
    docs = [doc for doc in site_documents(result.site) if doc.scope == "731-2025"]
    site_scope, department_scope = ScopeIndex(SITE_SCOPE, docs), ScopeIndex("search/731-2025/", docs)
    assert site_scope.shard_bytes == department_scope.shard_bytes > 2 * SHARD_TARGET_BYTES
    assert site_scope.shards >= 4 * department_scope.shards
    assert department_scope.shard_bytes / department_scope.shards <= SCOPE_SHARD_TARGET_BYTES


def test_fresh_export_writes_the_same_files_as_the_updatable_indexes(sample_build):
    result, _ = sample_build
    docs = site_documents(result.site)
    assert export_site(docs) == export_site(docs, ExportCache())


def test_term_positions_is_tokenize_grouped_by_term(sample_build):
    result, _ = sample_build
    texts = [text for doc in site_documents(result.site) for text in (doc.title, doc.code, doc.body)]
    texts += ["", "a", "科", "ＡＢＣ１２３ 全角", "老科协·科普大篷车 2024年 13020026P003LT110033B", "x科y普z", "科-普"]
    for text in texts:
        grouped: dict[str, list[int]] = {}
        for term, position in tokenize(text):
            grouped.setdefault(term, []).append(position)
        assert term_positions(text) == grouped, text


# ---- issue 15: what people type ----

from search_acceptance import SNIPPETS  # noqa: E402

from generator.search import rank  # noqa: E402
from generator.search.documents import table_line_items  # noqa: E402,F401
from generator.search.static import fold_file  # noqa: E402
from generator.search.tokens import fold, fold_table, normalize_with_map  # noqa: E402


def test_punctuation_between_han_characters_does_not_cut_pairs():
    assert query_parts("科普助力“双减”进校园") == query_parts("科普助力双减进校园")
    assert query_parts("《条例》、【通知】") == [["条例", "例通", "通知"]]
    assert query_parts("科普（2024）") == [["科普"], ["2024"]]  # not between two Chinese characters
    assert query_parts("科普 进校园") == [["科普"], ["进校", "校园"]]  # a space still separates words


def test_traditional_characters_fold_to_simplified_and_the_table_is_a_fixed_point():
    assert normalize("科學技術協會 預算經費") == "科学技术协会 预算经费"
    table = fold_table()
    assert len(table) > 2000
    assert all(b not in table for b in table.values())  # folding twice changes nothing
    assert all(len(fold(a)) == 1 for a in table)  # one character for one: the same in UTF-16


def test_the_browser_gets_only_the_folding_of_characters_in_the_index():
    pairs = json.loads(fold_file(["科学", "预算"]))["pairs"]
    assert "學学" in pairs and "預预" in pairs
    assert all(pairs[i + 1] in "科学预算" for i in range(0, len(pairs), 2))


def test_normalize_with_map_points_back_into_the_original_text():
    text = "科普助力“双减”進校园"
    norm, origin = normalize_with_map(text)
    assert norm == normalize(text) == "科普助力双减进校园"
    assert [text[i] for i in origin] == list("科普助力双减進校园")


def test_table_line_items_point_to_their_row_with_the_figure_and_table(sample_build):
    docs = [d for d in site_documents(sample_build[0].site) if d.kind == "table"]
    travel = next(d for d in docs if d.title == "差旅费")
    assert travel.path == "departments/731/2025/#table-general_budget_basic-r20-c2"
    assert "表六" in travel.summary and "14.20" in travel.summary and travel.code == "30211"
    html = (sample_build[1] / "departments/731/2025/index.html").read_text(encoding="utf-8")
    for doc in docs:  # every line item's anchor is a row header on its page
        page, anchor = doc.path.split("#")
        assert page == "departments/731/2025/" and f'<th scope="row" id="{anchor}"' in html, doc.path


@pytest.mark.parametrize("query,path,word", SNIPPETS)
def test_snippet_is_centred_on_a_match_far_into_the_text(index, query, path, word):
    directory, _ = index
    hit = next(hit for hit in search(directory, query, limit=None) if hit.path == path)
    assert word in hit.summary and hit.summary.startswith("…")


def test_snippet_cut():
    text = "甲" * 300 + "科普助力“双减”进校园" + "乙" * 300
    cut = rank.snippet(text, ["双减进校园"], 40)
    assert "“双减”进校园" in cut and cut.startswith("…") and cut.endswith("…") and len(cut) == 42
    assert rank.snippet("短文本", ["无"], 40) == "短文本"


def test_ranking_is_the_shared_formula(index):
    directory, docs = index
    hits = search(directory, "科普", limit=None)
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    first = next(d for d in docs if d.path == hits[0].path)
    counts = rank.phrase_counts([tuple(rank.capped(term_positions(getattr(first, f))).get("科普", []) for f in ("title", "code", "body"))])
    with_all = sum(1 for d in docs if "科普" in term_positions(" ".join((d.title, d.code, d.body))))
    assert hits[0].score == rank.part_score(counts, len(docs), with_all)


def test_the_search_pages_filters_are_made_again_only_when_what_they_read_changed(sample_build):
    """The dev server's cache keeps the filters while the documents they read (department,
    year, scope) are the same; an edit elsewhere in a document keeps them, one that
    changes a department's name or removes a document does not."""
    from generator.search.static import search_page_info

    result, _ = sample_build
    docs = site_documents(result.site)
    cache = ExportCache()
    first = search_page_info(docs, cache)
    assert search_page_info(list(docs), cache) is first
    retitled = list(docs)
    retitled[5] = retitled[5]._replace(title="改过的标题", body="改过的正文")
    assert search_page_info(retitled, cache) is first
    renamed = list(retitled)
    renamed[5] = renamed[5]._replace(dept_name="改过的部门")
    changed = search_page_info(renamed, cache)
    assert changed is not first and changed == search_page_info(renamed)
    assert search_page_info(renamed[:-1], cache) == search_page_info(renamed[:-1])
