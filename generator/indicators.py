"""Understand a published 指标值 while keeping its text: comparator, number, unit, date,
period, or qualitative text. Pure functions, used when the model is built."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from generator.pickling import tuple_state

NUMBER = "number"  # ≥7次, 100%, ≤3.1万, 4172.22 平米
DATE = "date"  # 2026.12.31, 2026年12月31日, 2025年11月底, 2024年度
PERIOD = "period"  # 2025年1月至11月, 2024 年 1 月-12 月
TEXT = "text"  # 进一步提升, 是否按时完成

_COMPARATORS = {
    "≥": "≥", ">=": "≥", "≧": "≥", "不低于": "≥", "不少于": "≥", "不小于": "≥",
    "≤": "≤", "<=": "≤", "≦": "≤", "不超过": "≤", "不高于": "≤", "不大于": "≤",
    ">": ">", "＞": ">", "›": ">", "大于": ">", "高于": ">", "超过": ">",
    "<": "<", "＜": "<", "‹": "<", "小于": "<", "低于": "<",
    "=": "=", "＝": "=",
}
_CMP = "|".join(sorted(map(re.escape, _COMPARATORS), key=len, reverse=True))
_NUMBER_RE = re.compile(rf"^(?P<cmp>{_CMP})?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d]*)$")
_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*[.年/-]\s*(?P<m>\d{1,2})\s*(?:[.月/-]\s*(?P<d>\d{1,2})\s*日?|月\s*(?P<end>底|末)?)\s*(?P<qual>前|之前|以前|底|末)?$"
)
_YEAR_RE = re.compile(r"^(?P<y>\d{4})\s*年度?\s*(?P<qual>前|之前|以前|底|末|内)?$")
_PERIOD_RE = re.compile(
    r"^(?P<y1>\d{4})\s*年\s*(?P<m1>\d{1,2})\s*月\s*(?:-|—|–|－|至|~|～|到)\s*(?:(?P<y2>\d{4})\s*年\s*)?(?P<m2>\d{1,2})\s*月(?:底|末)?$"
)
_PERCENT_UNITS = {"%", "％", "百分比"}


@tuple_state
@dataclass(frozen=True, slots=True)
class ParsedValue:
    kind: str
    comparator: str = ""  # ≥ ≤ > < = or "" when none is written
    number: Decimal | None = None
    unit: str = ""  # as written, trimmed; "%" for 百分比
    year: int | None = None  # for dates, and the start of a period
    month: int | None = None
    day: int | None = None
    end_year: int | None = None  # the end of a period

    @property
    def is_percent(self) -> bool:
        return self.kind == NUMBER and self.unit == "%"

    @property
    def amount_in_wan(self) -> Decimal | None:
        """The number in 万元 when the unit is money (万元, 万, 元), else None."""
        if self.kind != NUMBER or self.number is None:
            return None
        if self.unit in ("万元", "万"):
            return self.number
        if self.unit == "元":
            return self.number / Decimal(10000)
        return None

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(y for y in (self.year, self.end_year) if y is not None)


def parse_value(text: str) -> ParsedValue:
    value = " ".join(text.split())
    for match_date in (_DATE_RE.match(value), _YEAR_RE.match(value)):
        if match_date:
            parts = match_date.groupdict()
            return ParsedValue(
                DATE,
                year=int(parts["y"]),
                month=int(parts["m"]) if parts.get("m") else None,
                day=int(parts["d"]) if parts.get("d") else None,
            )
    period = _PERIOD_RE.match(value)
    if period:
        start = int(period["y1"])
        return ParsedValue(PERIOD, year=start, month=int(period["m1"]), end_year=int(period["y2"] or start))
    number = _NUMBER_RE.match(value)
    if number:
        unit = number["unit"].strip()
        return ParsedValue(
            NUMBER,
            comparator=_COMPARATORS.get(number["cmp"] or "", ""),
            number=Decimal(number["num"]),
            unit="%" if unit in _PERCENT_UNITS else unit,
        )
    return ParsedValue(TEXT)


def parse_percent(text: str) -> Decimal | None:
    """A spending-plan cell such as "25%" as a number; None when blank or not a percentage."""
    parsed = parse_value(text) if text else None
    if parsed is None or parsed.kind != NUMBER or parsed.comparator or parsed.unit not in ("%", ""):
        return None
    return parsed.number


YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def years_in(text: str) -> list[int]:
    return [int(y) for y in YEAR_IN_TEXT.findall(text)]
