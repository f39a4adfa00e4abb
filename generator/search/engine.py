"""The whoosh index behind `disclose search`: built from the same documents and tokens as
the browser's static index."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from generator.search import rank
from generator.search.documents import SearchDoc
from generator.search.tokens import query_parts, term_positions, tokenize

with warnings.catch_warnings():  # whoosh is frozen upstream and warns on import under new Pythons
    warnings.simplefilter("ignore")
    from whoosh import index as whoosh_index
    from whoosh import query as q
    from whoosh.analysis import Token, Tokenizer
    from whoosh.fields import ID, STORED, TEXT, Schema

SEARCH_FIELDS = ("title", "code", "body")


class PairTokenizer(Tokenizer):
    """whoosh's view of generator.search.tokens.tokenize."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize_=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, position in tokenize(value):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + position
            yield token


def make_schema() -> Schema:
    analyzer = PairTokenizer()
    return Schema(
        path=ID(stored=True, unique=True),
        kind=ID(stored=True),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=5.0),
        code=TEXT(analyzer=analyzer, stored=True, field_boost=5.0),
        body=TEXT(analyzer=analyzer, stored=True),  # stored: the shared ranking counts phrases in it
        order=STORED,  # the document's number in the static index: ties go to the first
        dept_code=ID(stored=True),
        year=ID(stored=True),
        dept_name=STORED,
        budget=STORED,
        summary=STORED,
    )


STAMP = "documents.sha256"
SCHEMA_VERSION = b"2: body and order stored, shared ranking"


def documents_digest(docs: list[SearchDoc]) -> str:
    digest = hashlib.sha256(SCHEMA_VERSION)  # an index of an older schema is made again
    for doc in docs:
        digest.update(repr(doc).encode("utf-8"))
    return digest.hexdigest()


def index_is_current(directory: Path, docs: list[SearchDoc]) -> bool:
    stamp = Path(directory) / STAMP
    return stamp.is_file() and stamp.read_text(encoding="ascii") == documents_digest(docs)


def write_index(directory: Path, docs: list[SearchDoc]) -> None:
    """Write a fresh index into `directory`, replacing the previous one only when complete."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".whoosh-", dir=directory.parent))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ix = whoosh_index.create_in(str(staging), make_schema())
            writer = ix.writer()
            for order, doc in enumerate(docs):
                writer.add_document(
                    order=order,
                    path=doc.path, kind=doc.kind, title=doc.title, code=doc.code, body=doc.body,
                    dept_code=doc.dept_code, year=str(doc.year) if doc.year else "",
                    dept_name=doc.dept_name, budget=doc.budget, summary=doc.summary,
                )
            writer.commit()
        (staging / STAMP).write_text(documents_digest(docs), encoding="ascii")
        if directory.exists():
            shutil.rmtree(directory)
        staging.rename(directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def build_query(text: str, dept: str = "", year: str = ""):
    parts = query_parts(text)
    if not parts:
        return None
    clauses = []
    for terms in parts:
        if len(terms) == 1:
            clauses.append(q.Or([q.Term(field, terms[0]) for field in SEARCH_FIELDS]))
        else:
            clauses.append(q.Or([q.Phrase(field, terms) for field in SEARCH_FIELDS]))
    if dept:
        clauses.append(q.Term("dept_code", dept))
    if year:
        clauses.append(q.Term("year", str(year)))
    return q.And(clauses)


@dataclass(frozen=True)
class Hit:
    path: str
    kind: str
    title: str
    dept_name: str
    year: str
    budget: str
    score: float
    summary: str = ""


def _with_all_terms(searcher, terms: list[str], scope: list) -> int:
    """Documents (of the scope) holding every term of a part in any field, as search.js
    counts them from the postings it fetched."""
    query = q.And([q.Or([q.Term(field, term) for field in SEARCH_FIELDS]) for term in terms] + scope)
    return sum(1 for _ in query.docs(searcher))


def search(directory: Path, text: str, dept: str = "", year: str = "", limit: int | None = 20) -> list[Hit]:
    """Hits found by whoosh, ranked by generator.search.rank exactly as the search page
    ranks them (the same scope: one department-year's own index when both are given)."""
    query = build_query(text, dept, year)
    if query is None:
        return []
    parts = query_parts(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ix = whoosh_index.open_dir(str(directory))
        with ix.searcher() as searcher:
            scope = [q.Term("dept_code", dept), q.Term("year", str(year))] if dept and year else []
            total = sum(1 for _ in q.And(scope).docs(searcher)) if scope else searcher.doc_count()
            with_all = [_with_all_terms(searcher, terms, scope) for terms in parts]
            ranked = []
            for stored in (searcher.stored_fields(number) for number in query.docs(searcher)):
                fields = [rank.capped(term_positions(stored.get(name) or "")) for name in SEARCH_FIELDS]
                score = 0.0
                for terms, found in zip(parts, with_all):
                    counts = rank.phrase_counts([tuple(field.get(term, []) for field in fields) for term in terms])
                    if not any(counts):
                        break  # the phrase is not within the positions the page sees either
                    score += rank.part_score(counts, total, found)
                else:
                    ranked.append((score, stored))
            ranked.sort(key=lambda item: (-item[0], item[1]["order"]))
            words = _part_texts(text)
            return [
                Hit(r["path"], r["kind"], r["title"], r["dept_name"], r["year"], r["budget"], score,
                    rank.snippet(r.get("summary") or "", words))
                for score, r in ranked[:limit]
            ]


def _part_texts(text: str) -> list[str]:
    """The query's words as normalised text, for marking snippets."""
    from generator.search.tokens import is_han, runs

    return [run for run in runs(text) if len(run) > 1 or not is_han(run)]
