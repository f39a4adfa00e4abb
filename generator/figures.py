"""A number as it is published: the one formatting rule the pages and the search index share."""

from __future__ import annotations

from decimal import Decimal


def figure(value: object) -> str:
    """A number exactly as published: Decimal keeps its digits (1290.10 stays 1290.10)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
