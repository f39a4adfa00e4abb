"""What an indicator measures decides what its value may be.

The name (else the description) says the kind: …率, …比例, 满意度 are percentages;
…次数, …场次, …人数, …个数, 数量 are counts; 成本, 费用, 资金 are money; 时限, 完成时间
are dates. A value of another kind is usually the row above pasted down.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from generator.checks.common import problem
from generator.diagnostics import Severity
from generator.indicators import DATE, NUMBER, PERIOD, TEXT
from generator.messages import message
from generator.model import Disclosure, Indicator, Project

PERCENT = "percent"
COUNT = "count"
MONEY = "money"
TIME = "time"
BARE = "bare"  # a number without a unit
DURATION = "duration"  # 10个工作日, 3天

_PERCENT_NAME = re.compile(r"(?:率|比例|比率|比重|占比|满意度|百分比)(?:指标)?$|满意度")
_COUNT_NAME = re.compile(r"(?:次数|场次|人数|个数|数量|人次|件数|册数|户数|家数|项数|篇数|期数|台数)(?:指标)?$")
_MONEY_NAME = re.compile(r"(?:成本|费用|资金|经费|金额|费)(?:指标)?$")
_TIME_NAME = re.compile(r"(?:时限|时间|完成时限|完成日期|期限)(?:指标)?$")

MONEY_UNITS = {"元", "万元", "万", "亿元"}
TIME_UNITS = {"天", "日", "个工作日", "工作日", "个月", "月", "年", "小时", "周", "季度", "个季度"}
# a count's unit: 次, 场, 人, 个 … alone or with a classifier (人次, 场次, 个单位)
_COUNT_UNIT = re.compile(r"^(?:个|次|场|人|名|家|件|册|份|项|篇|期|批|所|台|辆|套|本|张|部|处|座|户|本|支|类|门|条|节|堂|课|场次|人次|万人次|万人|万册|万份|余人|余次|个单位|个村|个县|个基地|个项目)")

# a target that cannot be measured, in a quantity, quality, time or cost indicator
WEAK = re.compile(r"^(?:是|否|是/否|是否|有|无|长期|长期有效|显著|有效|明显|良好|较好|较高|提高|提升|显著提升|明显提升|有所提升|有效提升|逐步提高|逐年提高|逐年提升|持续提升)$")
WEAK_LEVEL2 = {"数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"}

WARNING = Severity.WARNING


def name_kind(indicator: Indicator) -> str:
    return _name_kind(indicator.name, indicator.description)


@lru_cache(maxsize=65536)  # names repeat across thousands of projects
def _name_kind(name: str, description: str) -> str:
    for text in (name, description):
        text = "".join(text.split()).rstrip("。")
        if not text:
            continue
        if _PERCENT_NAME.search(text):
            return PERCENT
        if _TIME_NAME.search(text):
            return TIME
        if _COUNT_NAME.search(text):
            return COUNT
        if _MONEY_NAME.search(text):
            return MONEY
        return ""  # a name that says nothing: the description is not asked
    return ""


def value_kind(indicator: Indicator) -> str:
    parsed = indicator.parsed
    if parsed.kind in (DATE, PERIOD):
        return TIME
    if parsed.kind != NUMBER:
        return ""
    unit = parsed.unit
    if parsed.is_percent:
        return PERCENT
    if not unit:
        return BARE
    if unit in MONEY_UNITS:
        return MONEY
    if unit in TIME_UNITS:
        return DURATION
    if _COUNT_UNIT.match(unit):
        return COUNT
    return ""


# (what the name says, what the value is) that cannot both be right
MISMATCH = {
    (PERCENT, COUNT), (PERCENT, MONEY), (PERCENT, TIME),
    (COUNT, PERCENT), (COUNT, MONEY), (COUNT, TIME),
    (MONEY, COUNT), (MONEY, TIME),
    (TIME, PERCENT), (TIME, COUNT), (TIME, MONEY),
}


# How each kind is named in a message, by its key in the catalogues.
KIND_LABELS = {"percent": "kind.percent", "count": "kind.count", "money": "kind.money", "time": "kind.time",
               "duration": "kind.duration", "bare": "kind.bare"}


def _kind_label(kind: str) -> str:
    label = KIND_LABELS[kind]
    return message(label)


def check(dept, disclosure: Disclosure, settings, tolerance):
    for project in disclosure.projects:
        yield from _project(project)


def _project(project: Project):
    locations = project.field_locations
    for index, indicator in enumerate(project.indicators):
        if not indicator.value:
            continue
        field = f"indicators[{index}].value"
        at = locations.get(field, indicator.where) if locations else indicator.where
        said, written = name_kind(indicator), value_kind(indicator)
        if (said, written) in MISMATCH:
            yield problem("indicator.kind-mismatch", at, field,
                          message("check.indicator-kind-mismatch", name=indicator.name, value=indicator.value,
                                  said=_kind_label(said), written=_kind_label(written)),
                          found=indicator.value)
        elif said == PERCENT and written == BARE:
            yield problem("indicator.percent-unit", at, field,
                          message("check.indicator-percent-unit", name=indicator.name, value=indicator.value),
                          WARNING, found=indicator.value)
        if indicator.level2 in WEAK_LEVEL2 and indicator.parsed.kind == TEXT and WEAK.match("".join(indicator.value.split())):
            yield problem("indicator.weak-target", at, field,
                          message("check.indicator-weak-target", name=indicator.name, value=indicator.value, level2=indicator.level2),
                          WARNING, found=indicator.value)


def nearest_level2(level2: str, allowed) -> str:
    """A hint naming the valid 二级指标 a misspelt one is close to ('数量 指标': a line wrap), else ""."""
    squeezed = "".join(level2.split())
    if squeezed in allowed:
        return message("check.taxonomy-hint", name=squeezed)
    close = difflib.get_close_matches(squeezed, sorted(allowed), n=1, cutoff=0.8)  # a slip, not another name
    return message("check.taxonomy-hint", name=close[0]) if close else ""
