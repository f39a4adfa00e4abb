"""The one ranking: `disclose search` orders its hits with these functions and search.js
computes the same sums (its `matchPart`), so the terminal and the page agree.

A query is parts (words) that must all match; a part is a phrase of terms. For a document,
each field (title, code, body) that holds the phrase adds

    WEIGHTS[field] · (1 + ln(occurrences in the field)) · ln(1 + documents / documents with all its terms)

where occurrences are counted over the first MAX_POSITIONS positions of each term, as the
static index stores them. Ties go to the document that comes first in the index.
"""

from __future__ import annotations

import math

WEIGHTS = (10, 10, 1)  # title, code, body
MAX_POSITIONS = 48  # per term, field and document: what the static index keeps


def phrase_counts(term_fields: list[tuple[list[int], ...]]) -> list[int]:
    """How often the phrase occurs in each field, given each term's positions per field."""
    counts = [0] * len(WEIGHTS)
    for field in range(len(WEIGHTS)):
        later = [set(fields[field]) for fields in term_fields[1:]]
        for start in term_fields[0][field]:
            if all(start + offset + 1 in positions for offset, positions in enumerate(later)):
                counts[field] += 1
    return counts


def part_score(counts: list[int], total: int, with_all_terms: int) -> float:
    idf = math.log(1 + total / max(1, with_all_terms))
    score = 0.0
    for field, count in enumerate(counts):
        if count:
            score += WEIGHTS[field] * (1 + math.log(count)) * idf
    return score


def capped(positions: dict[str, list[int]]) -> dict[str, list[int]]:
    return {term: values[:MAX_POSITIONS] for term, values in positions.items()}


def snippet(text: str, words: list[str], limit: int = 120) -> str:
    """About `limit` characters of `text` centred on the first match of a word, with "…"
    where it was cut (search.js cuts its excerpts the same way)."""
    from generator.search.tokens import normalize_with_map

    norm, origin = normalize_with_map(text)
    first = min((at for at in (norm.find(word) for word in words if word) if at >= 0), default=-1)
    if first < 0 or len(text) <= limit:
        start = 0
    else:
        centre = origin[first]
        start = max(0, min(centre - limit // 2, len(text) - limit))
    piece = text[start:start + limit]
    return ("…" if start > 0 else "") + piece + ("…" if start + limit < len(text) else "")
