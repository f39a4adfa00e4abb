"""The static index the browser queries, fetching only what a query needs.

For each scope (the whole site, and each department-year) under search/<scope>/:

    meta.json        {"docs": D, "shards": N, "per": P}
    t/<shard>.json   {term: postings} for the terms whose hash falls in the shard; a term
                     with long postings is stored alone in b/<hash>.json and marked 1 here
    b/<hash>.json    postings of one frequent term
    d/<k>.json       documents k·P … k·P+P−1: [path, kind, title, code, dept, year, budget, summary]

Postings: [[doc gap, title positions, code positions, body positions], …] with doc numbers
and positions delta-encoded and an empty position list written as 0. The shard of a term
is FNV-1a (32 bit) of its UTF-16 code units modulo N, computed the same way in search.js.
"""

from __future__ import annotations

import json
from collections import defaultdict

from generator.search.documents import SearchDoc
from generator.search.tokens import tokenize

FIELDS = ("title", "code", "body")
SHARD_TARGET_BYTES = 6000  # aim for shards of about this size before compression
OWN_FILE_BYTES = 2000  # postings longer than this get a file of their own
DOCS_PER_SHARD = 8
MAX_POSITIONS = 48  # per field and document: enough to verify phrases, bounded for size


def fnv1a(term: str) -> int:
    """32-bit FNV-1a over UTF-16 code units, as search.js computes it."""
    value = 0x811C9DC5
    data = term.encode("utf-16-le")
    for index in range(0, len(data), 2):
        value ^= data[index] | (data[index + 1] << 8)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def _deltas(values: list[int]):
    if not values:
        return 0
    out, previous = [], 0
    for value in values[:MAX_POSITIONS]:
        out.append(value - previous)
        previous = value
    return out


def postings(docs: list[SearchDoc]) -> dict[str, list]:
    """term → [[doc gap, title, code, body], …] in document order."""
    by_term: dict[str, dict[int, list[list[int]]]] = defaultdict(dict)
    for number, doc in enumerate(docs):
        for field_index, field in enumerate(FIELDS):
            for term, position in tokenize(getattr(doc, field)):
                entry = by_term[term].setdefault(number, [[], [], []])
                entry[field_index].append(position)
    encoded = {}
    for term, per_doc in by_term.items():
        rows, previous = [], 0
        for number in sorted(per_doc):
            rows.append([number - previous, *(_deltas(p) for p in per_doc[number])])
            previous = number
        encoded[term] = rows
    return encoded


def _dump(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def export_scope(prefix: str, docs: list[SearchDoc]) -> dict[str, bytes]:
    """Files of one scope's index, by path under the output folder."""
    files: dict[str, bytes] = {}
    encoded = {term: _dump(rows) for term, rows in postings(docs).items()}
    shard_bytes = sum(len(value) for value in encoded.values() if len(value) <= OWN_FILE_BYTES)
    shards = 1
    while shard_bytes / shards > SHARD_TARGET_BYTES:
        shards *= 2
    grouped: dict[int, list[bytes]] = defaultdict(list)
    for term in sorted(encoded):
        data = encoded[term]
        hashed = fnv1a(term)
        key = json.dumps(term, ensure_ascii=False).encode("utf-8")
        if len(data) > OWN_FILE_BYTES:
            grouped[hashed % shards].append(key + b":1")
            files[f"{prefix}b/{hashed:08x}.json"] = data
        else:
            grouped[hashed % shards].append(key + b":" + data)
    for shard in range(shards):
        files[f"{prefix}t/{shard}.json"] = b"{" + b",".join(grouped.get(shard, [])) + b"}"
    for start in range(0, len(docs), DOCS_PER_SHARD):
        chunk = [
            [d.path, d.kind, d.title, d.code, d.dept_name, d.year, d.budget, d.summary]
            for d in docs[start:start + DOCS_PER_SHARD]
        ]
        files[f"{prefix}d/{start // DOCS_PER_SHARD}.json"] = _dump(chunk)
    files[f"{prefix}meta.json"] = _dump({"docs": len(docs), "shards": shards, "per": DOCS_PER_SHARD})
    return files


def scope_ranges(docs: list[SearchDoc], key) -> dict[str, str]:
    """For each value of key(doc), the document ranges "a-b,c-d" it covers in `docs`."""
    ranges: dict[str, list[list[int]]] = defaultdict(list)
    for number, doc in enumerate(docs):
        value = key(doc)
        if value in (None, "", 0):
            continue
        spans = ranges[value]
        if spans and spans[-1][1] == number - 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return {value: ",".join(f"{a}-{b}" for a, b in spans) for value, spans in ranges.items()}


class ExportCache:
    """Exported scopes kept between builds of one process: an unchanged scope is not exported again."""

    def __init__(self):
        self.scopes: dict[str, tuple[list[SearchDoc], dict[str, bytes]]] = {}
        self.exported: list[str] = []


def export_site(docs: list[SearchDoc], cache: ExportCache | None = None) -> dict[str, bytes]:
    """The whole site's index under search/all/, and each department-year's under search/<dept>-<year>/."""
    by_scope: dict[str, list[SearchDoc]] = {"all": docs}
    for doc in docs:
        if doc.scope:
            by_scope.setdefault(doc.scope, []).append(doc)
    files: dict[str, bytes] = {}
    fresh, exported = {}, []
    for scope, scope_docs in sorted(by_scope.items()):
        previous = cache.scopes.get(scope) if cache is not None else None
        if previous is not None and previous[0] == scope_docs:
            scope_files = previous[1]
        else:
            scope_files = export_scope(f"search/{scope}/", scope_docs)
            exported.append(scope)
        fresh[scope] = (scope_docs, scope_files)
        files.update(scope_files)
    if cache is not None:
        cache.scopes, cache.exported = fresh, exported
    return files


def search_page_info(docs: list[SearchDoc]) -> dict:
    """What the search page's filters need: each department's and year's ranges in search/all/."""
    by_dept = scope_ranges(docs, lambda d: d.dept_code)
    by_year = scope_ranges(docs, lambda d: str(d.year) if d.year else "")
    names = {}
    for doc in docs:
        names.setdefault(doc.dept_code, doc.dept_name)
    return {
        "departments": [{"code": code, "name": names[code], "ranges": by_dept[code]} for code in sorted(by_dept)],
        "years": [{"year": year, "ranges": by_year[year]} for year in sorted(by_year, reverse=True)],
        "scopes": sorted({doc.scope for doc in docs if doc.scope}),
    }
