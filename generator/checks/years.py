"""Years: a 2025 disclosure that says "完成2024年度…" as this year's goal was copied from
last year's. Every year written in the texts a reader reads is the disclosure's year, or
named as past or next in its sentence (上年, 2024 年结转, 较 2024 年), or the year of the
project it belongs to (a carried-over project keeps its year)."""

from __future__ import annotations

import re

from generator.checks.common import problem
from generator.checks.texts import (
    EXPLANATION,
    GOALS,
    INDICATOR_DESCRIPTION,
    INDICATOR_VALUE,
    PROJECT_GOAL,
    PURPOSE,
    disclosure_texts,
    quote,
    sentences,
)
from generator.diagnostics import Severity
from generator.indicators import DATE, PERIOD, years_in
from generator.messages import message
from generator.model import Disclosure

KINDS = {EXPLANATION, GOALS, PURPOSE, PROJECT_GOAL, INDICATOR_DESCRIPTION, INDICATOR_VALUE}

# a year: 2024年, 2016.2.29, or a name's prefix "2024 科普经费"; not a count (≥2049人次),
# an amount (2095.12万元), a document number 冀财教〔2024〕50号 or a range (2021—2035年)
_YEAR = re.compile(
    r"(?<![\d.〔\[【])(?<![-—–~～至到])(?<![-—–~～至到]\s)(20\d{2})(?![\d〕\]】])(?!\s*[-—–~～至到]\s*20\d{2})"
    r"(?:\s*年|[.．/-](?:1[0-2]|0?[1-9])(?![\d万元])|(?=\s+[\u4e00-\u9fff])(?!\s*(?:万|元|人|次|份|个|场|册|家|项|件|名|天|小时|平)))"
)
_BRACKETED = re.compile(r"《[^》]*》|〔[^〕]*〕|【[^】]*】|\[[^\]]*\]")
_PAST = re.compile(r"上年|上一年|去年|前年|往年|历年|以来|以前|此前|已|曾|结转|结余|较|比(?:上|去|前|\s*20)|同比|相比|截至|截止|成立|创建|建成|始于|自|依据|根据|按照|办法|规定|通知|意见|文件|号")
_NEXT = re.compile(r"下年|下一年|明年|次年|以后|之后|起|到|至|前|跨年|延续")


def check(dept, disclosure: Disclosure, settings, tolerance):
    year = disclosure.year
    for text in disclosure_texts(disclosure):
        if text.kind not in KINDS or "20" not in text.text:
            continue
        own = set(years_in(text.project.name)) if text.project else set()
        floor = _dated_value_floor(text, year)
        for start, sentence in sentences(text.text):
            plain = _BRACKETED.sub(lambda m: " " * len(m.group(0)), sentence)
            stray = sorted({
                found for found in map(int, _YEAR.findall(plain))
                if found != year and found not in own and found >= floor and not _named(found, year, plain)
            })
            if stray:
                yield problem("text.stray-year", text.at(start), text.field,
                              message("check.stray-year", years="、".join(map(str, stray)), year=year, sentence=quote(sentence)),
                              Severity.WARNING, found=str(stray[0]))


def _named(found: int, year: int, sentence: str) -> bool:
    """Whether the sentence names the year as past (上年, 较 2024 年) or next (到 2026 年)."""
    if found < year:
        return bool(_PAST.search(sentence))
    return bool(_NEXT.search(sentence))


def _dated_value_floor(text, year: int) -> int:
    """A date or period 指标值 before the project's year is indicator.year's to report."""
    if text.kind != INDICATOR_VALUE or text.project is None:
        return 0
    index = int(text.field[len("indicators["):text.field.index("]")])
    return year if text.project.indicators[index].parsed.kind in (DATE, PERIOD) else 0
