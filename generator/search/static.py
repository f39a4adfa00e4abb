"""The static index the browser queries, fetching only what a query needs.

For each scope (the whole site, and each department-year) under search/<scope>/:

    meta.json        {"docs": D, "shards": N, "per": P}
    t/<shard>.json   {term: postings} for the terms whose hash falls in the shard (N: enough
                     shards of about 6 KB, 24 KB in a department-year's scope); a term
                     with long postings is stored alone in b/<hash>.json and marked 1 here
    b/<hash>.json    postings of one frequent term
    d/<k>.json       documents k·P … k·P+P−1: [path, kind, title, code, dept, year, budget, summary]

and search/fold.json: {"pairs": "學学覺觉…"}, the traditional → simplified folding for just
the characters whose simplified form is in the index (search.js folds a query with it).

Postings: [[doc gap, title positions, code positions, body positions], …] with doc numbers
and positions delta-encoded and an empty position list written as 0. The shard of a term
is FNV-1a (32 bit) of its UTF-16 code units modulo N, computed the same way in search.js.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from generator.search.documents import SearchDoc
from generator.search.tokens import fold_table, term_positions

FIELDS = ("title", "code", "body")
SITE_SCOPE = "search/all/"  # the prefix of the whole site's scope
SHARD_TARGET_BYTES = 6000  # aim for shards of about this size before compression
# A department-year's scope is queried only once a reader has narrowed the search to that
# department and year; its shards are fewer and larger (about 6 KB gzip each), which
# makes a quarter of the files of a large site's department-year scopes.
SCOPE_SHARD_TARGET_BYTES = 24000
OWN_FILE_BYTES = 2000  # postings longer than this get a file of their own
DOCS_PER_SHARD = 8
MAX_POSITIONS = 48  # per field and document: enough to verify phrases, bounded for size


@functools.lru_cache(maxsize=1 << 18)  # a term's hash is the same in every scope
def fnv1a(term: str) -> int:
    """32-bit FNV-1a over UTF-16 code units, as search.js computes it."""
    value = 0x811C9DC5
    data = term.encode("utf-16-le")
    for index in range(0, len(data), 2):
        value ^= data[index] | (data[index + 1] << 8)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def _deltas(values: list[int] | None) -> str:
    """Positions as JSON: delta-encoded, at most MAX_POSITIONS, and 0 for none."""
    if not values:
        return "0"
    if len(values) == 1:
        return f"[{values[0]}]"
    values = values[:MAX_POSITIONS]
    return "[" + ",".join(map(str, [values[0], *map(int.__sub__, values[1:], values)])) + "]"


def doc_terms(doc: SearchDoc) -> dict[str, str]:
    """term → its posting row for one document without the doc gap: "title,code,body"
    positions, encoded once however many scopes the document is in."""
    title, code, body = term_positions(doc.title), term_positions(doc.code), term_positions(doc.body)
    rows = {term: f"0,0,{_deltas(positions)}" for term, positions in body.items()}
    for term in title.keys() | code.keys():
        rows[term] = f"{_deltas(title.get(term))},{_deltas(code.get(term))},{_deltas(body.get(term))}"
    return rows


def _rows(per_doc: dict[int, str], numbers: list[int], previous: int) -> str:
    rows = []
    for number in numbers:
        rows.append(f"[{number - previous},{per_doc[number]}]")
        previous = number
    return ",".join(rows)


def encode_term(per_doc: dict[int, str]) -> bytes:
    """[[doc gap, title, code, body], …] as compact JSON (built by hand: this runs once per
    term and is the hot loop of a large build)."""
    return ("[" + _rows(per_doc, sorted(per_doc), 0) + "]").encode("ascii")


BLOCK = 256  # documents per block of a frequent term's postings


class Blocks:
    """A frequent term's postings kept as blocks of BLOCK documents, so that a document
    whose positions change re-encodes one block, not the term's whole list."""

    def __init__(self, per_doc: dict[int, str]):
        self.numbers = sorted(per_doc)
        self.parts = [self._encode(per_doc, start) for start in range(0, len(self.numbers), BLOCK)]

    def _encode(self, per_doc, start: int) -> str:
        previous = self.numbers[start - 1] if start else 0
        return _rows(per_doc, self.numbers[start:start + BLOCK], previous)

    def refresh(self, per_doc, number: int) -> None:
        start = bisect.bisect_left(self.numbers, number) // BLOCK * BLOCK
        self.parts[start // BLOCK] = self._encode(per_doc, start)

    def data(self) -> bytes:
        return ("[" + ",".join(self.parts) + "]").encode("ascii")


def postings(docs: list[SearchDoc]) -> dict[str, list]:
    """term → [[doc gap, title, code, body], …] in document order."""
    return {term: json.loads(data) for term, data in ScopeIndex("", docs).encoded.items()}


def _dump(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _doc_row(doc: SearchDoc) -> list:
    return [doc.path, doc.kind, doc.title, doc.code, doc.dept_name, doc.year, doc.budget, doc.summary]


class ScopeIndex:
    """One scope's index files, kept so that an edited document re-writes only the shards of
    the terms it had or has, and its own document shard."""

    def __init__(self, prefix: str, docs: list[SearchDoc], terms_of=doc_terms):
        self.prefix = prefix
        self.terms_of = terms_of
        self.docs = list(docs)
        self.doc_terms = [terms_of(doc) for doc in self.docs]
        self.by_term: dict[str, dict[int, str]] = defaultdict(dict)
        for number, terms in enumerate(self.doc_terms):
            for term, fields in terms.items():
                self.by_term[term][number] = fields
        self.blocks: dict[str, Blocks] = {}
        self.encoded = {term: self._encode(term) for term in self.by_term}
        self.hashes = {term: fnv1a(term) for term in self.encoded}
        self.files: dict[str, bytes] = {}
        self.emit: Callable[[str, bytes], None] | None = None
        self._write_all()

    @classmethod
    def written(cls, prefix: str, docs: list[SearchDoc], encoded: dict[str, bytes],
                emit: Callable[[str, bytes], None] | None = None) -> dict[str, bytes]:
        """The files of a scope whose postings are already encoded (a fresh export), without
        the per-document data an index kept for updates needs. With `emit`, each file is
        handed to it as it is made instead, and each term's postings are taken out of
        `encoded` once written, so that the scope is never held whole twice."""
        index = cls.__new__(cls)
        index.prefix, index.docs, index.encoded, index.emit = prefix, docs, encoded, emit
        index.hashes = {term: fnv1a(term) for term in encoded}
        index._write_all()
        return index.files

    def _put(self, path: str, data: bytes) -> None:
        if self.emit is None:
            self.files[path] = data
        else:
            self.emit(path, data)

    def _encode(self, term: str) -> bytes:
        per_doc = self.by_term[term]
        if len(per_doc) <= BLOCK:
            self.blocks.pop(term, None)
            return encode_term(per_doc)
        self.blocks[term] = Blocks(per_doc)
        return self.blocks[term].data()

    def _shard_count(self) -> int:
        target = SHARD_TARGET_BYTES if self.prefix == SITE_SCOPE else SCOPE_SHARD_TARGET_BYTES
        shards = 1
        while self.shard_bytes / shards > target:
            shards *= 2
        return shards

    def _write_all(self) -> None:
        self.files = {}
        # the bytes of the postings kept in shards (not in files of their own), kept up to date by update()
        self.shard_bytes = sum(len(data) for data in self.encoded.values() if len(data) <= OWN_FILE_BYTES)
        self.shards = self._shard_count()
        self.shard_terms: dict[int, set[str]] = defaultdict(set)
        for term, hashed in self.hashes.items():
            self.shard_terms[hashed % self.shards].add(term)
        for shard in range(self.shards):
            self._write_shard(shard)
        for chunk in range((len(self.docs) + DOCS_PER_SHARD - 1) // DOCS_PER_SHARD):
            self._write_docs(chunk)
        self._put(f"{self.prefix}meta.json", _dump({"docs": len(self.docs), "shards": self.shards, "per": DOCS_PER_SHARD}))

    def _write_shard(self, shard: int) -> None:
        entries = []
        for term in sorted(self.shard_terms.get(shard, ())):
            data = self.encoded.pop(term) if self.emit is not None else self.encoded[term]
            key = f'"{term}"'.encode()  # terms are Han or [a-z0-9]: nothing to escape
            own = f"{self.prefix}b/{self.hashes[term]:08x}.json"
            if len(data) > OWN_FILE_BYTES:
                entries.append(key + b":1")
                self._put(own, data)
            else:
                entries.append(key + b":" + data)
                self.files.pop(own, None)
        self._put(f"{self.prefix}t/{shard}.json", b"{" + b",".join(entries) + b"}")

    def _write_docs(self, chunk: int) -> None:
        rows = [_doc_row(doc) for doc in self.docs[chunk * DOCS_PER_SHARD:(chunk + 1) * DOCS_PER_SHARD]]
        self._put(f"{self.prefix}d/{chunk}.json", _dump(rows))

    def update(self, docs: list[SearchDoc]) -> bool:
        """Bring the files up to date with `docs`; False when only a fresh export will do
        (documents added, removed or reordered)."""
        if len(docs) != len(self.docs):
            return False
        others = _replaced(self.docs, docs)
        if any(docs[n].path != self.docs[n].path for n in others):
            return False
        changed = [n for n in others if docs[n] != self.docs[n]]
        affected, moved = self._retokenize(docs, changed)
        self.docs = list(docs)
        rewritten = {term for term in affected if self._reencode(term, moved)}  # only their shards are written again
        if self._shard_count() != self.shards:
            self._write_all()
            return True
        for shard in {self.hashes[t] % self.shards for t in rewritten if t in self.hashes} | {
            fnv1a(t) % self.shards for t in rewritten if t not in self.hashes
        }:
            self._write_shard(shard)
        for chunk in {number // DOCS_PER_SHARD for number in changed}:
            self._write_docs(chunk)
        return True

    def _retokenize(self, docs: list[SearchDoc], changed: list[int]) -> tuple[set[str], dict[str, list[int] | None]]:
        """Move the changed documents' postings to their new terms: the terms affected, and
        for each the documents whose positions alone changed (None: encode the term whole)."""
        affected: set[str] = set()
        moved: dict[str, list[int] | None] = {}
        for number in changed:
            old_terms, new_terms = self.doc_terms[number], self.terms_of(docs[number])
            for term in old_terms:
                del self.by_term[term][number]
            for term, fields in new_terms.items():
                self.by_term[term][number] = fields
            self.doc_terms[number] = new_terms
            affected |= old_terms.keys() | new_terms.keys()
            for term in old_terms.keys() & new_terms.keys():
                numbers = moved.setdefault(term, []) if old_terms[term] != new_terms[term] else None
                if numbers is not None:  # None: the term is encoded whole anyway
                    numbers.append(number)
            for term in old_terms.keys() ^ new_terms.keys():
                moved[term] = None  # the term's documents changed: encode it whole
        return affected, moved

    def _reencode(self, term: str, moved: dict[str, list[int] | None]) -> bool:
        """Encode one affected term again (or forget it when no document has it any more);
        whether its postings changed."""
        before = self.encoded.get(term, b"")
        self.shard_bytes -= len(before) if len(before) <= OWN_FILE_BYTES else 0
        if not self.by_term.get(term):
            self._forget(term)
            return True
        blocks = self.blocks.get(term)
        numbers = moved.get(term)
        if blocks is not None and numbers is not None:
            for number in numbers:
                blocks.refresh(self.by_term[term], number)
            self.encoded[term] = blocks.data()
        elif term in moved or term not in self.encoded:
            self.encoded[term] = self._encode(term)
        if term not in self.hashes:
            self.hashes[term] = fnv1a(term)
            self.shard_terms[self.hashes[term] % self.shards].add(term)
        after = self.encoded[term]
        self.shard_bytes += len(after) if len(after) <= OWN_FILE_BYTES else 0
        return after != before

    def _forget(self, term: str) -> None:
        self.by_term.pop(term, None)
        self.blocks.pop(term, None)
        self.encoded.pop(term, None)
        self.files.pop(f"{self.prefix}b/{self.hashes[term]:08x}.json", None)
        self.shard_terms[self.hashes[term] % self.shards].discard(term)
        del self.hashes[term]


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
    """Scope indexes kept between builds of one process: unchanged scopes are reused and an
    edited one is updated in place."""

    def __init__(self):
        self.scopes: dict[str, ScopeIndex] = {}
        self.exported: list[str] = []
        self.terms: dict[str, tuple[SearchDoc, dict]] = {}  # path → (document, its terms)
        self.page_info: tuple[list[SearchDoc], dict] | None = None  # the documents, and the filters made from them


class _Postings:
    """Postings being encoded, each term's rows appended as bytes as its documents come."""

    def __init__(self):
        self.rows: dict[str, bytearray] = {}
        self.last: dict[str, int] = {}

    def add(self, number: int, terms: dict[str, str]) -> None:
        rows, last = self.rows, self.last
        for term, tail in terms.items():
            previous = last.get(term)
            if previous is None:
                rows[term] = bytearray(f"[[{number},{tail}]".encode("ascii"))
            else:
                rows[term] += f",[{number - previous},{tail}]".encode("ascii")
            last[term] = number

    def encoded(self) -> dict[str, bytes]:
        """Every term's postings, closed; the working rows are let go one by one."""
        return {term: bytes(self.rows.pop(term) + b"]") for term in list(self.rows)}


# A department's postings in the site's scope, as they can be kept between builds and
# joined again: (its number of documents, {term: (first doc, last doc, rows after the
# first doc's number)}), numbered from the department's first document; plain tuples,
# dicts, strings and numbers.
DepartmentPostings = tuple[int, dict[str, tuple[int, int, str]]]


def department_postings(terms: list[dict[str, str]]) -> DepartmentPostings:
    """Documents' terms (doc_terms), as postings numbered from 0."""
    local = _Postings()
    for number, doc in enumerate(terms):
        local.add(number, doc)
    first = {}
    for term, rows in local.rows.items():
        head = rows.index(b",", 2)  # rows is "[[N,…": the number ends at the first comma
        first[term] = (int(rows[2:head]), local.last[term], rows[head:].decode("ascii"))
    return len(terms), first


class _Joined:
    """Runs of documents' postings joined one after the other (each numbered from 0, the
    next run's numbers after the last's), as postings of them all or encoded. A term's rows
    grow in one bytearray (amortised appends): one object a term, not a string a run,
    which at 10,000 pages is the difference between 60 and 170 MiB for the site scope."""

    def __init__(self, parts: Iterable[DepartmentPostings]):
        self.first: dict[str, int] = {}
        self.last: dict[str, int] = {}
        self.rows: dict[str, bytearray] = {}
        self.count = 0
        for part in parts:
            self._add(part)

    def _add(self, postings: DepartmentPostings) -> None:
        first, last, rows, offset = self.first, self.last, self.rows, self.count
        count, terms = postings
        for term, (start, final, rest) in terms.items():
            previous = last.get(term)
            if previous is None:
                first[term] = offset + start
                rows[term] = bytearray(rest.encode("ascii"))
            else:
                rows[term] += f",[{offset + start - previous}{rest}".encode("ascii")
            last[term] = offset + final
        self.count += count

    def postings(self) -> DepartmentPostings:
        """The runs' postings as one run's; the rows are let go one by one."""
        return self.count, {term: (self.first[term], self.last[term], self.rows.pop(term).decode("ascii"))
                            for term in list(self.rows)}

    def encoded(self) -> dict[str, bytes]:
        """term → [[doc gap, title, code, body], …] as compact JSON; the rows are let go one by one."""
        encoded = {}
        for term in list(self.rows):
            rows = self.rows.pop(term)
            rows[:0] = f"[[{self.first[term]}".encode("ascii")
            rows += b"]"
            encoded[term] = bytes(rows)
        return encoded


class KeptPostings(Protocol):
    """A department's postings in the site scope that an earlier build kept, read only
    when they are joined: held all at once, they are the largest thing an edit build
    would hold."""

    def load(self) -> DepartmentPostings | None:
        """The postings, or None when they can no longer be read."""


@dataclass(frozen=True)
class DepartmentExport:
    """One department's part of a fresh export: its documents (a run of the site's), the
    scopes of its own whose files are to be made, and its postings in the site scope when
    an earlier build kept them (None: make them)."""

    ref: str
    docs: tuple[SearchDoc, ...]
    scopes: tuple[str, ...]
    kept: KeptPostings | None

    @property
    def needs_work(self) -> bool:
        return self.kept is None or bool(self.scopes)

    def kept_postings(self) -> DepartmentPostings | None:
        """The kept postings, read now; None when there are none, or when they do not
        count this department's documents (made anew then)."""
        postings = self.kept.load() if self.kept is not None else None
        return postings if postings is not None and postings[0] == len(self.docs) else None


def export_plan(docs: list[SearchDoc], wanted: Callable[[str], bool] | None = None,
                kept: Mapping[str, KeptPostings] | None = None) -> list[DepartmentExport]:
    """Every department's part of a fresh export, in the order of the site's documents:
    the scopes `wanted` says yes to (None: all), and the postings `kept` for it (by ref)."""
    plan = []
    for ref, dept_docs in _by_department(docs):
        scopes = tuple(scope for scope in dict.fromkeys(doc.scope for doc in dept_docs)
                       if scope and (wanted is None or wanted(scope)))
        plan.append(DepartmentExport(ref, tuple(dept_docs), scopes, (kept or {}).get(ref)))
    return plan


def export_department(job: DepartmentExport) -> tuple[dict[str, bytes], DepartmentPostings]:
    """The files of the department's wanted scopes, and its postings in the site scope.
    Each document is tokenized once; each run of documents of one scope is encoded once,
    and the department's postings are those runs joined (a scope's files are made from its
    own runs joined), so that no posting row is encoded twice. Plain data in, plain data
    out: this runs on the build's workers."""
    runs: list[tuple[str, list[SearchDoc], DepartmentPostings]] = []
    start = 0
    docs = job.docs
    while start < len(docs):
        stop = start
        while stop < len(docs) and docs[stop].scope == docs[start].scope:
            stop += 1
        run = list(docs[start:stop])
        runs.append((run[0].scope, run, department_postings([doc_terms(doc) for doc in run])))
        start = stop
    files: dict[str, bytes] = {}
    for scope in job.scopes:
        mine = [(run, postings) for run_scope, run, postings in runs if run_scope == scope]
        scope_docs = [doc for run, _ in mine for doc in run]
        files.update(ScopeIndex.written(f"search/{scope}/", scope_docs, _Joined(p for _, p in mine).encoded()))
    postings = job.kept_postings() if job.kept is not None else None
    if postings is None:
        postings = _Joined(p for _, _, p in runs).postings()
    return files, postings


def site_scope_files(docs: list[SearchDoc], parts: Iterable[DepartmentPostings],
                     emit: Callable[[str, bytes], None] | None = None) -> dict[str, bytes]:
    """The site scope's files (search/all/) and fold.json, from every department's postings
    in the order of the site's documents; with `emit`, handed to it one by one as they are
    made (see ScopeIndex.written), and none returned."""
    encoded = _Joined(parts).encoded()
    fold = fold_file(encoded)
    if emit is None:
        return {"search/fold.json": fold, **ScopeIndex.written(SITE_SCOPE, docs, encoded)}
    emit("search/fold.json", fold)
    ScopeIndex.written(SITE_SCOPE, docs, encoded, emit)
    return {}


def _by_department(docs: list[SearchDoc]) -> list[tuple[str, list[SearchDoc]]]:
    """The documents in runs of one department each (site_documents keeps them together)."""
    runs: list[tuple[str, list[SearchDoc]]] = []
    for doc in docs:
        if not runs or runs[-1][0] != doc.dept_code:
            runs.append((doc.dept_code, []))
        runs[-1][1].append(doc)
    return runs


def _export_fresh(docs: list[SearchDoc]) -> dict[str, bytes]:
    """The export without a cache, in this process: every department exported, the site
    scope joined from their postings (build runs the same steps on its workers). Nothing is
    kept per document, so memory follows the size of the index, not of the documents."""
    files: dict[str, bytes] = {}
    parts = []
    for job in export_plan(docs):
        scope_files, postings = export_department(job)
        files.update(scope_files)
        parts.append(postings)
    files.update(site_scope_files(docs, parts))
    return files


def fold_file(terms) -> bytes:
    """The folding pairs whose simplified side is a character of some term of the index: a
    query character folded to anything else could not be found anyway."""
    chars = set("".join(terms))
    pairs = "".join(a + b for a, b in sorted(fold_table().items()) if b in chars)
    return _dump({"pairs": pairs})


def export_site(docs: list[SearchDoc], cache: ExportCache | None = None) -> dict[str, bytes]:
    """The whole site's index under search/all/, and each department-year's under search/<dept>-<year>/.

    With a cache (the dev server), each scope's index is kept and updated in place;
    without one, the files are made in one pass that keeps nothing per document."""
    if cache is None:
        return _export_fresh(docs)
    files: dict[str, bytes] = {}
    for group in export_groups(docs, cache).values():
        files.update(group)
    return files


def export_groups(docs: list[SearchDoc], cache: ExportCache) -> dict[str, dict[str, bytes]]:
    """export_site's files with a cache, by scope ("fold" for search/fold.json): a scope
    the edit did not touch gives its very files again."""
    by_scope: dict[str, list[SearchDoc]] = {"all": docs}
    for scope, run in itertools.groupby(docs, key=_SCOPE):  # a scope's documents come in one run
        if scope:
            by_scope.setdefault(scope, []).extend(run)
    groups: dict[str, dict[str, bytes]] = {}
    fresh, exported = {}, []
    # Each document is tokenized once, however many scopes it belongs to, and once for as
    # long as it is unchanged (site_documents keeps an unchanged disclosure's very objects);
    # only when a scope's index asks for it, which an edit's update does for the changed ones.
    terms = cache.terms

    def terms_of(doc: SearchDoc) -> dict:
        hit = terms.get(doc.path)
        if hit is None or (hit[0] is not doc and hit[0] != doc):
            hit = terms[doc.path] = (doc, doc_terms(doc))
        return hit[1]

    for scope, scope_docs in sorted(by_scope.items()):
        index = cache.scopes.get(scope)
        if index is None or not _same_documents(index.docs, scope_docs):
            if index is not None:
                index.terms_of = terms_of
            if index is None or not index.update(scope_docs):
                index = ScopeIndex(f"search/{scope}/", scope_docs, terms_of)
            exported.append(scope)
        fresh[scope] = index
        groups[scope] = index.files
    if len(terms) > len(docs):  # documents were removed: forget theirs
        cache.terms = {doc.path: terms[doc.path] for doc in docs if doc.path in terms}
    cache.scopes, cache.exported = fresh, exported
    groups["fold"] = {"search/fold.json": fold_file(fresh["all"].encoded)}
    return groups


_SCOPE = operator.attrgetter("scope")
_FILTERED = operator.attrgetter("dept_code", "dept_name", "year", "scope")  # all the search page's filters read


def _same_documents(a: list[SearchDoc], b: list[SearchDoc]) -> bool:
    return a == b  # in C: the very same document objects cost a pointer check each


def search_page_info(docs: list[SearchDoc], cache: ExportCache | None = None) -> dict:
    """What the search page's filters need: each department's and year's ranges in search/all/."""
    if cache is not None:
        last = cache.page_info
        info = last[1] if last is not None and _same_filters(last[0], docs) else _search_page_info(docs)
        cache.page_info = (docs, info)
        return info
    return _search_page_info(docs)


def _same_filters(before: list[SearchDoc], now: list[SearchDoc]) -> bool:
    """Whether the search page's filters read the same from both lists: only the
    documents that are not the very same objects are compared."""
    if len(before) != len(now):
        return False
    return all(_FILTERED(before[index]) == _FILTERED(now[index]) for index in _replaced(before, now))


def _replaced(before: list[SearchDoc], now: list[SearchDoc]) -> list[int]:
    """Where `now` (as long as `before`) holds another object than `before`, found in C:
    after an edit, all but a few documents are the very objects of the last build."""
    return list(itertools.compress(range(len(now)), map(operator.is_not, before, now)))


def _search_page_info(docs: list[SearchDoc]) -> dict:
    by_dept = scope_ranges(docs, lambda d: d.dept_code)
    by_year = scope_ranges(docs, lambda d: str(d.year) if d.year else "")
    names: dict[str, str] = {}
    for doc in docs:
        names.setdefault(doc.dept_code, doc.dept_name)
    return {
        "departments": [{"code": code, "name": names[code], "ranges": by_dept[code]} for code in sorted(by_dept)],
        "years": [{"year": year, "ranges": by_year[year]} for year in sorted(by_year, reverse=True)],
        "scopes": sorted({doc.scope for doc in docs if doc.scope}),
    }
