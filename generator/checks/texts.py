"""The free texts of a disclosure as a reader meets them, each with the line it starts on,
and the helpers the rules that read meaning share: sentences, the line of a match inside a
text, amounts written in words and a short quotation for the message."""

from __future__ import annotations

import re
from decimal import Decimal

from generator.diagnostics import Location
from generator.model import Disclosure, Project

# kinds of text, so that a rule reads only the texts it is about
TITLE = "title"
EXPLANATION = "explanation"
GOALS = "goals"
PURPOSE = "purpose"
PROJECT_GOAL = "project-goal"
INDICATOR_NAME = "indicator-name"
INDICATOR_DESCRIPTION = "indicator-description"
INDICATOR_VALUE = "indicator-value"
INDICATOR_BASIS = "indicator-basis"
PROJECT_NAME = "project-name"
NOTE = "note"


class Text:
    """One text with where it is written. The line of a project's field is looked up only
    when a rule reports on it: a portal has millions of fields and few problems."""

    __slots__ = ("_where", "field", "text", "kind", "project", "section")

    def __init__(self, where: Location | None, field: str, text: str, kind: str, project: Project | None = None, section: str = ""):
        self._where = where
        self.field = field
        self.text = text
        self.kind = kind
        self.project = project
        self.section = section  # the explanation section id

    @property
    def where(self) -> Location:
        """The line the text starts on."""
        if self._where is not None:
            return self._where
        project = self.project
        found = project.field_locations.get(self.field) if project.field_locations else None
        if found is not None:
            return found
        if self.field.startswith("indicators["):
            return project.indicators[int(self.field[11:self.field.index("]")])].where
        return project.at(self.field.split("[", 1)[0])

    def at(self, position: int) -> Location:
        """The line of a character of a text that spans lines (a Markdown body, a block)."""
        where = self.where
        lines = self.text.count("\n", 0, position)
        if not where.line or not lines:
            return where
        return Location(where.path, where.line + lines, 1)


_LAST: list = [None, ()]  # the disclosure last read, and its texts: the rule modules run one after another on it


def disclosure_texts(disclosure: Disclosure) -> tuple[Text, ...]:
    """Every text a reader of the disclosure reads, in the order of the document."""
    if _LAST[0] is not disclosure:
        _LAST[1] = tuple(_texts(disclosure))
        _LAST[0] = disclosure
    return _LAST[1]


def _texts(disclosure: Disclosure):
    folder = disclosure.folder
    yield Text(disclosure.where, "title", disclosure.title, TITLE)
    if disclosure.explanation:
        path = f"{folder}/explanation.yaml"
        yield Text(Location(path, 1, 1), "title", disclosure.explanation.title, TITLE)
        yield Text(disclosure.explanation.preamble_where, "preamble", disclosure.explanation.preamble, EXPLANATION)
        for index, section in enumerate(disclosure.explanation.sections):
            if section.body:
                yield Text(section.where, f"sections[{index}].body", section.body, EXPLANATION, section=section.id)
    goals = disclosure.goals
    if goals:
        yield Text(goals.overall_where, "overall", goals.overall, GOALS)
        path = goals.overall_where.path
        for index, item in enumerate(goals.items):
            for key, text, line in (("goal", item.goal, item.lines[0]), ("indicator", item.indicator, item.lines[1])):
                if text:
                    yield Text(Location(path, line, 1) if line else item.where, f"items[{index}].{key}", text, GOALS)
        for index, measure in enumerate(goals.measures):
            line = goals.measure_lines[index] if index < len(goals.measure_lines) else 0
            yield Text(Location(path, line, 1), f"measures[{index}]", measure, GOALS)
    for project in disclosure.projects:
        yield from project_texts(project)


_INDICATOR_FIELDS = tuple(
    tuple((key, kind, f"indicators[{index}].{key}") for key, kind in (("name", INDICATOR_NAME), ("description", INDICATOR_DESCRIPTION), ("value", INDICATOR_VALUE)))
    for index in range(200)
)


def project_texts(project: Project):
    yield Text(None, "name", project.name, PROJECT_NAME, project)
    if project.purpose:
        yield Text(None, "purpose", project.purpose, PURPOSE, project)
    for index, goal in enumerate(project.goals):
        yield Text(None, f"goals[{index}]", goal, PROJECT_GOAL, project)
    for index, indicator in enumerate(project.indicators):
        fields = _INDICATOR_FIELDS[index] if index < 200 else tuple(
            (key, kind, f"indicators[{index}].{key}") for key, kind, _ in _INDICATOR_FIELDS[0])
        for key, kind, field in fields:
            text = getattr(indicator, key)
            if text:
                yield Text(None, field, text, kind, project)


SENTENCE = re.compile(r"[^。！？；;\n]+[。！？；;]?")


def sentences(text: str):
    """(start, sentence) for each sentence of a text: up to 。！？；or a line break."""
    for match in SENTENCE.finditer(text):
        if match.group(0).strip():
            yield match.start(), match.group(0)


def quote(sentence: str, limit: int = 80) -> str:
    """The sentence as the message quotes it: its own words, cut short when long."""
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def sentence_around(text: str, position: int) -> tuple[int, str]:
    """(start, sentence) of the sentence that holds the character at position."""
    for start, sentence in sentences(text):
        if start <= position < start + len(sentence):
            return start, sentence
    return position, text[position:position + 40]


# An amount in words: "15.75 万元", "4 万", "1800元", "1.2亿元".
AMOUNT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(亿元|万元|万(?!人|册|份|次|名|个|平|户|件)|元)")
_TO_WAN = {"亿元": Decimal(10000), "万元": Decimal(1), "万": Decimal(1), "元": Decimal("0.0001")}


def in_wan(number: str, unit: str) -> Decimal:
    return Decimal(number) * _TO_WAN[unit]


def normal_name(name: str) -> str:
    """A project name as the prose may cite it: no year, no spaces, no 号 numbers' brackets kept apart."""
    name = re.sub(r"(?<!\d)20\d{2}\s*年?度?", "", name)
    return re.sub(r"\s+", "", name).translate(_BRACKETS)


_BRACKETS = str.maketrans({"(": "（", ")": "）", "【": "〔", "[": "〔", "】": "〕", "]": "〕"})
