"""The one tokenizer: build time, `disclose search` and the browser (search.js) all cut text
the same way, so they cannot disagree.

- Text is NFKC-normalised and lower-cased (full-width letters and digits become ASCII),
  traditional characters are folded to simplified ones (科學 → 科学, a character-for-character
  table derived from OpenCC's t2s; the browser gets the part of it whose simplified side
  is in the index), and quotes, brackets and 、 between two Chinese characters are
  dropped, so that 科普助力“双减”进校园 pairs as 科普助力双减进校园.
- A run of Chinese characters becomes its overlapping character pairs (科普大篷车 → 科普 普大
  大篷 篷车), so any substring of two or more characters is found as a phrase of pairs;
  a lone character is kept as itself.
- A run of Latin letters and digits is one whole term (a project code such as
  13020026P003LT110033B, a year, a number).
- Everything else separates terms. Positions count terms; a separator leaves a gap of one,
  so that a phrase never spans two runs.
"""

from __future__ import annotations

import functools
import re
import unicodedata

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(f"[{HAN}]+|[a-z0-9]+")


# Punctuation that joins, rather than separates, the Chinese characters on either side
# (as NFKC leaves it: full-width brackets are ASCII by then). search.js keeps the same list.
JOINERS = "\"'“”‘’「」『』〝〞()[]{}【】〔〕〖〗《》〈〉<>、·・•‧"
_INNER = re.compile(f"(?<=[{HAN}])[{re.escape(JOINERS)}]+(?=[{HAN}])")
_FOLD_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000))
_HAN_CHAR = re.compile(f"^[{HAN}]$")


@functools.lru_cache(maxsize=1)
def fold_table() -> dict[str, str]:
    """Traditional → simplified, one character for one, from OpenCC's t2s conversion of
    every character by itself. Only targets that are themselves Chinese characters of the
    basic plane are kept, so that a folded text has the same length in Python and in
    JavaScript (UTF-16)."""
    import opencc  # the build's dependency; only the table it gives is shipped to the browser

    chars = [chr(code) for low, high in _FOLD_RANGES for code in range(low, high)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    table = {a: b for a, b in zip(chars, converted) if a != b and _HAN_CHAR.match(b)}
    # a fixed point: folding twice changes nothing
    return {a: table.get(b, b) for a, b in table.items() if table.get(b, b) != a}


@functools.lru_cache(maxsize=1)
def _translation() -> dict[int, str]:
    return str.maketrans(fold_table())


@functools.lru_cache(maxsize=1)
def _traditional():
    # Most text has no traditional character at all: finding none is a fast scan in C, where
    # str.translate would look every character up.
    return re.compile("[" + re.escape("".join(sorted(fold_table()))) + "]")


def fold(text: str) -> str:
    """NFKC, lower case and traditional → simplified, character for character (same length
    as the NFKC text)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _traditional().sub(lambda found: fold_table()[found.group()], text) if _traditional().search(text) else text


def normalize(text: str) -> str:
    return _INNER.sub("", fold(text))


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


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """normalize(text), character by character, with the index in `text` of each character
    of the result (for cutting and marking excerpts in the original text)."""
    table = _translation()
    chars: list[tuple[str, int]] = []
    for index, char in enumerate(text or ""):
        for folded in unicodedata.normalize("NFKC", char).lower().translate(table):
            chars.append((folded, index))
    kept: list[tuple[str, int]] = []
    for position, (char, index) in enumerate(chars):
        if char in JOINERS and kept and is_han(kept[-1][0]):
            after = position + 1
            while after < len(chars) and chars[after][0] in JOINERS:
                after += 1
            if after < len(chars) and is_han(chars[after][0]):
                continue
        kept.append((char, index))
    return "".join(char for char, _ in kept), [index for _, index in kept]
