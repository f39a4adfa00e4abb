"""The one tokenizer: build time, `disclose search` and the browser (search.js) all cut text
the same way, so they cannot disagree.

- Text is NFKC-normalised and lower-cased (full-width letters and digits become ASCII).
- A run of Chinese characters becomes its overlapping character pairs (科普大篷车 → 科普 普大
  大篷 篷车), so any substring of two or more characters is found as a phrase of pairs;
  a lone character is kept as itself.
- A run of Latin letters and digits is one whole term (a project code such as
  13020026P003LT110033B, a year, a number).
- Everything else separates terms. Positions count terms; a separator leaves a gap of one,
  so that a phrase never spans two runs.
"""

from __future__ import annotations

import re
import unicodedata

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(f"[{HAN}]+|[a-z0-9]+")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


_HAN_FIRST = re.compile(f"[{HAN}]")


def is_han(run: str) -> bool:
    return bool(_HAN_FIRST.match(run))


def runs(text: str) -> list[str]:
    return RUN.findall(normalize(text))


def run_terms(run: str) -> list[str]:
    if not is_han(run) or len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def tokenize(text: str, start: int = 0) -> list[tuple[str, int]]:
    """(term, position) pairs; positions start at `start`."""
    found: list[tuple[str, int]] = []
    position = start
    for run in runs(text):
        if len(run) > 1 and _HAN_FIRST.match(run):
            found.extend(zip([run[i:i + 2] for i in range(len(run) - 1)], range(position, position + len(run) - 1)))
            position += len(run)  # the pairs, then a gap: no phrase spans two runs
        else:
            found.append((run, position))
            position += 2
    return found


def term_positions(text: str) -> dict[str, list[int]]:
    """tokenize(text) grouped by term: each term's positions, in order. The same cut, done
    without the list of pairs (this runs over every document of a large build)."""
    found: dict[str, list[int]] = {}
    get = found.get
    position = 0
    for run in RUN.findall(normalize(text)):
        if len(run) > 1 and _HAN_FIRST.match(run):
            for offset in range(len(run) - 1):
                term = run[offset:offset + 2]
                positions = get(term)
                if positions is None:
                    found[term] = [position + offset]
                else:
                    positions.append(position + offset)
            position += len(run)
        else:
            positions = get(run)
            if positions is None:
                found[run] = [position]
            else:
                positions.append(position)
            position += 2
    return found


def query_parts(query: str) -> list[list[str]]:
    """The query as parts that must all match; each part is a phrase of consecutive terms."""
    return [run_terms(run) for run in runs(query)]
