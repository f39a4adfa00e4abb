"""Department goals against project indicators: a 分项目标 that quantifies the same measure
as a project indicator of the same disclosure (the same activity, the same unit) with a
different number is a warning naming both places."""

from __future__ import annotations

import re
from decimal import Decimal

from generator.checks.common import problem
from generator.checks.texts import GOALS, disclosure_texts, quote
from generator.diagnostics import Severity
from generator.indicators import NUMBER
from generator.messages import message
from generator.model import Disclosure

# what is measured: a keyword, and the units it is counted in
MEASURES = (
    ("满意", ("%",)),
    ("活动|巡展|讲座|竞赛|大赛|论坛|展览|会议", ("场次", "场", "次", "期")),
    ("培训", ("人次", "人", "期", "次", "场")),
    ("印刷|印制|发放|编印", ("册", "份", "本", "套")),
    ("参观|参与|受众|服务", ("万人次", "人次", "人")),
)
_COMPILED = tuple((re.compile(words), units) for words, units in MEASURES)
_PERCENT = {"%": "%", "％": "%", "百分比": "%"}
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(万人次|人次|场次|百分比|[%％场次期人册份本套])")
_CLAUSE = re.compile(r"[^，、；。,;]+")
SHARED = 4  # characters the goal and the indicator name must share beyond the number


def _stated(clause: str):
    """(the keyword of the measure, number, unit) of each figure of a goal's clause: the
    indicator that quantifies the same measure names the same keyword (大赛, not 活动)."""
    for match in _FIGURE.finditer(clause):
        unit = _PERCENT.get(match.group(2), match.group(2))
        for words, units in _COMPILED:
            keyword = words.search(clause)
            if unit in units and keyword:
                yield keyword.group(0), Decimal(match.group(1)), unit
                break


def _shares(goal: str, name: str) -> bool:
    """Whether the goal's words and the indicator's name share SHARED characters in a row."""
    return any(name[i:i + SHARED] in goal for i in range(len(name) - SHARED + 1))


def check(dept, disclosure: Disclosure, settings, tolerance):
    if disclosure.goals is None or not disclosure.projects:
        return
    indicators = [
        (project, index, indicator)
        for project in disclosure.projects
        for index, indicator in enumerate(project.indicators)
        if indicator.parsed.kind == NUMBER and indicator.parsed.number is not None
    ]
    for text in disclosure_texts(disclosure):
        if text.kind != GOALS:
            continue
        for clause in _CLAUSE.finditer(text.text):
            words = clause.group(0)
            for keyword, number, unit in _stated(words):
                plain = re.sub(r"\d+(?:\.\d+)?", "", words)
                same = [
                    (project, index, indicator) for project, index, indicator in indicators
                    if indicator.parsed.unit == unit
                    and keyword in indicator.name
                    and _shares(plain, indicator.name)
                ]
                if not same or any(indicator.parsed.number == number for _, _, indicator in same):
                    continue
                project, index, indicator = same[0]
                yield problem("goal.indicator-mismatch", text.at(clause.start()), text.field,
                              message("check.goal-indicator-mismatch", goal=quote(words.strip()), name=indicator.name,
                                      value=indicator.value, project=project.name,
                                      file=project.where.path.rsplit("/", 1)[-1], field=f"indicators[{index}].value"),
                              Severity.WARNING, found=f"{format(number, 'f')}{unit}")
