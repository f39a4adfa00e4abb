"""What every rule module shares: comparing figures with the rounding tolerance."""

from __future__ import annotations

from decimal import Decimal

from generator.diagnostics import Diagnostic, Location, Severity
from generator.messages import message


def total(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def show(value) -> str:
    """A figure as a message shows it (a blank cell in words)."""
    return message("describe.blank") if value is None else format(value, "f")


def machine(value) -> str:
    """A figure as a diagnostic's `found` keeps it, in every language ("blank" for a blank)."""
    return "blank" if value is None else format(value, "f")


def compare(rule: str, where: Location, field: str, what: str, stated, computed: Decimal, tolerance: Decimal, how: str):
    """A diagnostic when the stated figure differs from the computed one, else None.

    A difference up to the tolerance (0.01 万元 by default) is a rounding warning; more is an error.
    """
    difference = abs((stated or Decimal(0)) - computed)
    if difference == 0:
        return None
    rounding = difference <= tolerance
    text = message("check.compare", what=what, stated=show(stated), how=how, computed=format(computed, "f"),
                   difference=format(difference, "f"), rounding=message("check.within-rounding") if rounding else "")
    severity = Severity.WARNING if rounding else Severity.ERROR
    return Diagnostic(where, severity, text, rule, field, expected=format(computed, "f"), found=machine(stated))


def problem(rule: str, where: Location, field: str, message: str, severity: Severity = Severity.ERROR, found: str = "") -> Diagnostic:
    return Diagnostic(where, severity, message, rule, field, found=found)
