"""Write imported data as YAML in the style of the sample's content files.

The data is plain: dicts in key order, lists, and text (a Decimal or an int is written
as its text, so `Decimal("67.90")` is `67.90`). None and "" are blanks and are left out,
as the content format asks. Style follows content/: block mappings, table rows one flow
mapping per line, `purpose` folded (`>-`), Markdown bodies literal (`|`), digits-only
codes quoted, anything YAML would misread double-quoted. Every file is parsed back with
the portal's own reader before it is returned, so a style slip cannot change a value.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from generator.yamlsource import parse, plain

FOLDED = frozenset({"purpose"})  # long prose on one line
LITERAL = frozenset({"overall", "preamble", "body"})  # Markdown
FLOW_ROWS = frozenset({"rows"})  # table rows, one per line
QUOTED_DIGITS = frozenset({"code"})  # a classification code is text, not a number

_INDICATORS = tuple("*&!|>%@`[{\"'#,?:-")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}]")
_NULLISH = {"~", "null", "Null", "NULL", "true", "false", "True", "False", "yes", "no", "on", "off"}


class EmitError(Exception):
    pass


class Blank:
    """A field the format needs that the document does not give: written as `~` with a
    comment saying so, for the editor to fill in (never an invented value)."""

    def __init__(self, why: str):
        self.why = why

    def __repr__(self) -> str:
        return f"Blank({self.why!r})"


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _blank(value: Any) -> bool:
    """A blank cell is left out; an empty list (an empty table's rows) is kept."""
    if isinstance(value, Blank):
        return False
    if isinstance(value, dict):
        return not any(not _blank(v) for v in value.values())
    return value is None or (isinstance(value, str) and value == "")


def _needs_quotes(text: str, flow: bool) -> bool:
    if text == "" or text != text.strip() or "\n" in text or text in _NULLISH:
        return True
    if text.startswith(_INDICATORS) and not (text.startswith(("-", "?", ":")) and len(text) > 1 and text[1] not in " \t"):
        return True
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text:
        return True
    return bool(flow and _FLOW_UNSAFE.search(text))


def scalar(value: Any, key: str = "", flow: bool = False) -> str:
    text = _text(value)
    if key in QUOTED_DIGITS and text.isdigit():
        return f'"{text}"'
    if _needs_quotes(text, flow):
        return json.dumps(text, ensure_ascii=False)
    return text


def _flow_row(row: dict) -> str:
    parts = [f"{key}: {scalar(value, key, flow=True)}" for key, value in row.items() if not _blank(value)]
    return "{" + ", ".join(parts) + "}"


def _block_text(key: str, text: str, indent: str) -> str:
    inner = indent + "  "
    if key in FOLDED and "\n" not in text and text == text.strip():
        return f"{indent}{key}: >-\n{inner}{text}\n"
    body = text if text.endswith("\n") else text + "\n"
    chomp = "" if text.endswith("\n") else "-"
    lines = "".join((inner + line if line else "") + "\n" for line in body[:-1].split("\n"))
    return f"{indent}{key}: |{chomp}\n{lines}"


def _mapping(data: dict, indent: str, first_prefix: str | None = None) -> str:
    out: list[str] = []
    for key, value in data.items():
        if _blank(value):
            continue
        lead = indent
        if first_prefix is not None and not out:
            lead = first_prefix
        if isinstance(value, Blank):
            out.append(f"{lead}{key}: ~  # {value.why}\n")
        elif isinstance(value, dict):
            out.append(f"{lead}{key}:\n" + _mapping(value, indent + "  "))
        elif isinstance(value, list):
            out.append(_sequence(key, value, lead, indent))
        elif (key in FOLDED or key in LITERAL) and isinstance(value, str):
            out.append(_block_text(key, value, indent).replace(indent, lead, 1))
        else:
            out.append(f"{lead}{key}: {scalar(value, key)}\n")
    return "".join(out)


def _sequence(key: str, items: list, lead: str, indent: str) -> str:
    if not items:
        return f"{lead}{key}: []\n"
    out = [f"{lead}{key}:\n"]
    for item in items:
        if isinstance(item, dict) and key in FLOW_ROWS:
            out.append(f"{indent}  - {_flow_row(item)}\n")
        elif isinstance(item, dict):
            out.append(_mapping(item, indent + "    ", first_prefix=indent + "  - "))
        else:
            out.append(f"{indent}  - {scalar(item)}\n")
    return "".join(out)


def emit(data: dict) -> str:
    """The YAML text of one content file; raises EmitError if it would not read back."""
    text = _mapping(data, "")
    if normalised(plain(parse(text))) != normalised(data):
        raise EmitError("the YAML written does not read back as the data given")
    return text


def normalised(data: Any) -> Any:
    """The data as the portal's reader sees it: text leaves, blanks gone."""
    if isinstance(data, dict):
        return {k: normalised(v) for k, v in data.items() if not _blank(v) and not isinstance(v, Blank)}
    if isinstance(data, list):
        return [normalised(v) for v in data]
    return _text(data)
