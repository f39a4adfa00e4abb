"""政府采购预算 consistent within itself: each line's 合计 is the sum of its funds, a 小计 or
合计 line the sum of the lines it covers (goods, works and services alike: 目录 A, B, C),
and the share reserved for small and medium enterprises is not more than the total."""

from __future__ import annotations

from decimal import Decimal

from generator.checks.common import problem, show, total
from generator.diagnostics import Severity
from generator.messages import message
from generator.model import Disclosure, Table

FUNDS = ("general_budget", "government_fund", "state_capital", "special_account", "unit_funds")


def check(dept, disclosure: Disclosure, settings, tolerance):
    table = disclosure.table("procurement")
    if table is None or not table.rows:
        return
    yield from _rows(table, tolerance)
    yield from _subtotals(table, tolerance)


def _mismatch(table: Table, index: int, key: str, what: str, stated, computed: Decimal, how: str, tolerance):
    difference = abs((stated or Decimal(0)) - computed)
    if not difference:
        return None
    severity = Severity.WARNING if difference <= tolerance else Severity.ERROR
    row = table.rows[index]
    return problem("procurement.sum", row.where, f"rows[{index}].{key}",
                   message("check.procurement-sum", table=table.kind.title, what=what, stated=show(stated),
                           how=how, computed=format(computed, "f"), difference=format(difference, "f")),
                   severity, found=show(stated))


def _label(table: Table, row) -> str:
    return " ".join(str(table.value(row, key)) for key in ("project", "item") if table.value(row, key)) or "—"


def _rows(table: Table, tolerance):
    for index, row in enumerate(table.rows):
        funds = [table.value(row, key) for key in FUNDS]
        line_total = table.value(row, "total")
        if any(f is not None for f in funds):
            found = _mismatch(table, index, "total", f"{_label(table, row)} 合计", line_total, total(funds),
                              message("check.procurement-funds"), tolerance)
            if found:
                yield found
        reserved = table.value(row, "sme_reserved")
        if reserved is not None and reserved > (line_total or Decimal(0)):
            yield problem("procurement.sme-over-total", row.where, f"rows[{index}].sme_reserved",
                          message("check.procurement-sme", what=_label(table, row), reserved=show(reserved), total=show(line_total)),
                          found=show(reserved))


def _is_sum(table: Table, row, word: str) -> bool:
    return not table.value(row, "item") and (table.value(row, "project") or "").replace(" ", "").endswith(word)


def _subtotals(table: Table, tolerance):
    """合计 covers every line of goods, works and services; a 小计 the lines up to the next 小计."""
    rows = table.rows
    items = [i for i, row in enumerate(rows) if table.value(row, "item")]
    for index, row in enumerate(rows):
        if _is_sum(table, row, "合计"):
            covered = items
        elif _is_sum(table, row, "小计"):
            following = [i for i in range(index + 1, len(rows)) if _is_sum(table, rows[i], "小计") or _is_sum(table, rows[i], "合计")]
            end = following[0] if following else len(rows)
            covered = [i for i in items if index < i < end]
        else:
            continue
        if not covered:
            continue
        for key in ("total", "sme_reserved"):
            found = _mismatch(table, index, key, f"{_label(table, row)} {'合计' if key == 'total' else '预留中小微企业份额'}",
                              table.value(row, key), total(table.value(rows[i], key) for i in covered),
                              message("check.procurement-lines", count=len(covered)), tolerance)
            if found:
                yield found
