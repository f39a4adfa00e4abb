"""What a public checker of budget disclosures reads in the wording: a change on last year
given without its reason, one sentence mixing 元, 万元 and 亿元, the department's name
written differently, and a full disclosure that does not say which units it covers."""

from __future__ import annotations

import re

from generator.checks.common import problem
from generator.checks.texts import AMOUNT, EXPLANATION, GOALS, TITLE, disclosure_texts, quote
from generator.diagnostics import Location, Severity
from generator.messages import message
from generator.model import Disclosure

WARNING = Severity.WARNING

# a change on last year: 较 2024 年增加, 比上年减少, 与上年相比下降
# the changes the rules ask a reason for: of the whole budget, of 三公 and 机关运行经费;
# the change itself is often the next sentence ("…0.56万元。与2024年相比减少2.54万元，…")
_SUBJECT = re.compile(r"预算收支|收支预算|预算收入|收入预算|支出预算|预算支出|“三公”经费|三公经费|机关运行经费")
_CHANGE_ON_LAST_YEAR = re.compile(r"(?:较|比|与)\s*(?:上年|去年|上一年度?|20\d{2}\s*年)[^。，；]{0,12}?(?:增加|减少|上升|下降)\s*(?:了)?\s*\d")
_REASON = re.compile(r"原因|由于|因为|主要为|主要是|主要用于|系|用于|因")
_PER_UNIT = re.compile(r"(?:每|人均|单价|标准|平均|/)")
# a statement of the units a department's budget covers (not a passing 下属单位)
_SUB_UNITS = re.compile(r"(?:机关|本级)(?:及|和)(?:其)?(?:所属|下属)|(?:包括|含|包含)[^。，]{0,30}(?:本级|所属单位|下属单位|二级单位|中心|馆|院|站)|(?:纳入|编制范围)[^。]{0,20}单位|所属(?:事业)?单位(?:有|包括|共)")


def check(dept, disclosure: Disclosure, settings, tolerance):
    texts = list(disclosure_texts(disclosure))
    for text in texts:
        if text.kind == EXPLANATION:
            yield from _reasons(text)
        if text.kind in (EXPLANATION, GOALS) and "元" in text.text:
            yield from _units(text)
    yield from _names(dept, disclosure, texts)
    if disclosure.scope == "full" and not dept.units and not dept.organization:
        if not any(_SUB_UNITS.search(t.text) for t in texts if t.kind == EXPLANATION):
            yield problem("complete.units-missing", Location(f"{disclosure.folder}/explanation.yaml", 1, 1), "",
                          message("check.units-missing"), WARNING)


def _reasons(text):
    """A change on last year of the budget, 三公 or 机关运行经费 is followed by its reason
    before the paragraph ends (the changes of single projects listed after it are not)."""
    start = 0
    for paragraph in text.text.split("\n"):
        for subject in _SUBJECT.finditer(paragraph):
            # the change of that subject: soon after it, in its sentence or the next
            change = _CHANGE_ON_LAST_YEAR.search(paragraph, subject.end(), subject.end() + 200)
            if change and paragraph.count("。", subject.end(), change.start()) <= 1:
                if not _REASON.search(paragraph, change.start()):
                    sentence_start = max(paragraph.rfind(mark, 0, change.start()) for mark in "。；") + 1
                    end = paragraph.find("。", change.start())
                    sentence = paragraph[sentence_start: end + 1 if end >= 0 else len(paragraph)]
                    yield problem("text.change-without-reason", text.at(start + change.start()), text.field,
                                  message("check.change-without-reason", sentence=quote(sentence)), WARNING)
        start += len(paragraph) + 1


def _units(text):
    for match in re.finditer(r"[^。；;\n]+", text.text):
        sentence = match.group(0)
        units = {m.group(2).replace("万", "万元") if m.group(2) == "万" else m.group(2)
                 for m in AMOUNT.finditer(sentence) if not _PER_UNIT.search(sentence[max(0, m.start() - 6): m.start()])}
        if len(units) >= 2:
            yield problem("text.mixed-units", text.at(match.start()), text.field,
                          message("check.mixed-units", units="、".join(sorted(units)), sentence=quote(sentence)), WARNING)


def _base_name(name: str) -> str:
    return name[:-2] if name.endswith("本级") else name


def _names(dept, disclosure: Disclosure, texts):
    """The department's name as the titles and the text write it, against department.yaml."""
    base = _base_name(dept.name)
    if len(base) < 4:
        return
    allowed = {base, dept.name} | {_base_name(u.lstrip("0123456789")) for u in dept.units} | {o.name for o in dept.organization}
    pattern = re.compile(re.escape(base[:2]) + r"[\u4e00-\u9fff]{0,10}?" + re.escape(base[-4:]))
    for text in texts:
        if text.kind not in (TITLE, EXPLANATION, GOALS) or base[:2] not in text.text:
            continue
        for match in pattern.finditer(text.text):
            written = match.group(0)
            if written not in allowed and _base_name(written) not in allowed:
                yield problem("text.department-name", text.at(match.start()), text.field,
                              message("check.department-name", written=written, name=dept.name), WARNING, found=written)
                break
