"""Years: a 2025 disclosure that says "完成2024年度…" as this year's goal was copied from
last year's. Every year written in the texts a reader reads is the disclosure's year, or
named as past or next in its sentence (上年, 2024 年结转, 较 2024 年), or the year of the
project it belongs to (a carried-over project keeps its year)."""

from __future__ import annotations

import re

from generator.checks.common import problem
from generator.checks.texts import (
    EXPLANATION, GOALS, INDICATOR_DESCRIPTION, INDICATOR_VALUE, PROJECT_GOAL, PURPOSE,
    disclosure_texts, quote, sentences,
)
from generator.diagnostics import Severity
from generator.indicators import years_in
from generator.messages import message
from generator.model import Disclosure

KINDS = {EXPLANATION, GOALS, PURPOSE, PROJECT_GOAL, INDICATOR_DESCRIPTION, INDICATOR_VALUE}

# a year that is not a year of the text: in a document number 冀财教〔2024〕50号, a title
# 《…（2021—2035年）》, or a range of years (a plan's span)
_YEAR = re.compile(r"(?<![\d〔\[【])(20\d{2})(?![\d〕\]】])(?!\s*[-—–~～至到]\s*20\d{2})")
_BRACKETED = re.compile(r"《[^》]*》|〔[^〕]*〕|【[^】]*】|\[[^\]]*\]")
_PAST = re.compile(r"上年|上一年|去年|前年|往年|历年|以来|以前|此前|已|曾|结转|结余|较|比(?:上|去|前|\s*20)|同比|相比|截至|截止|成立|创建|建成|始于|自|依据|根据|按照|办法|规定|通知|意见|文件|号")
_NEXT = re.compile(r"下年|下一年|明年|次年|以后|之后|起|到|至|前|跨年|延续")


def check(dept, disclosure: Disclosure, settings, tolerance):
    year = disclosure.year
    for text in disclosure_texts(disclosure):
        if text.kind not in KINDS or "20" not in text.text:
            continue
        own = set(years_in(text.project.name)) if text.project else set()
        for start, sentence in sentences(text.text):
            plain = _BRACKETED.sub(lambda m: " " * len(m.group(0)), sentence)
            stray = sorted({
                found for found in map(int, _YEAR.findall(plain))
                if found != year and found not in own and not _named(found, year, plain)
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
