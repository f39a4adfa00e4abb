"""Turn parsed source files into the model, reporting every field that does not fit.

Pure: takes the texts the loader read, returns model values and diagnostics.
"""

from __future__ import annotations

import difflib
import re
import sys
import unicodedata
from array import array
from decimal import Decimal

from generator.diagnostics import Location, Report
from generator.indicators import parse_value
from generator.loader import Undecodable
from generator.messages import message
from generator.model import (
    Acknowledgement,
    CheckSettings,
    DownloadSettings,
    Explanation,
    FieldLocations,
    GoalItem,
    Goals,
    Indicator,
    OrgUnit,
    PlanPoint,
    Project,
    Row,
    Section,
    SiteConfig,
    Table,
    Term,
)
from generator.tables import CODE, NUMBER, TEXT, TableKind
from generator.yamlsource import Mapping, Mark, Scalar, Sequence, YamlSyntaxError, parse

_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # ASCII digits only: ２ and ٢ are not 2
_INTEGER = re.compile(r"[0-9]+")
_MAX_DIGITS = 9
_MAX_WHOLE_DIGITS = 15  # 10^15 万元: far beyond any budget, and exact in Decimal's 28 digits
MONEY_PLACES = 2

SECTION_IDS = (
    "duties_and_organization",
    "budget_overview",
    "operating_costs",
    "three_public",
    "performance_goals",
    "special_funds",
    "projects",
    "procurement",
    "assets",
    "glossary",
    "other",
)
SCOPES = ("full", "targets")
# The source document: an http(s) address, or the name of a file beside disclosure.yaml
# (no folder, not hidden), which keeps it inside the project.
_ORIGINAL = re.compile(r"https?://\S+|[^/\\.\s][^/\\]*\.[A-Za-z0-9]+")
PLAN_MONTHS = (("march", "3月底"), ("june", "6月底"), ("october", "10月底"), ("december", "12月底"))


def describe(node) -> str:
    if node is None:
        return message("describe.nothing")
    if isinstance(node, Mapping):
        return message("describe.mapping")
    if isinstance(node, Sequence):
        return message("describe.list")
    if node.is_null:
        return message("describe.blank")
    text = node.text if len(node.text) <= 30 else node.text[:29] + "…"
    return message("describe.text", text=text)


def join(field: str, key) -> str:
    if isinstance(key, int):
        return f"{field}[{key}]"
    return f"{field}.{key}" if field else key


SHARED_TEXT = 24  # characters


class FileReader:
    """Reads the fields of one file; every problem becomes a diagnostic, never an exception."""

    def __init__(self, path: str, report: Report):
        self.path = path
        self.report = report
        self.unreadable = False

    def at(self, mark: Mark | None) -> Location:
        return Location(self.path, mark.line, mark.column) if mark else Location(self.path)

    def error(self, mark, message: str, rule: str, field: str = "") -> None:
        self.report.error(self.at(mark), message, rule, field)

    def warning(self, mark, message: str, rule: str, field: str = "") -> None:
        self.report.warning(self.at(mark), message, rule, field)

    def parse(self, text: str | Undecodable | None):
        """The file's root node, or None after reporting why it cannot be read."""
        if isinstance(text, Undecodable):
            hint = message("encoding.gb18030-hint") if text.gb18030 else ""
            self.error(Mark(text.line, text.column),
                       message("encoding.not-utf8", byte=f"0x{text.byte:02X}", hint=hint), "yaml.encoding")
            self.unreadable = True
            return None
        if text is None:
            self.error(None, message("schema.not-utf8"), "yaml.encoding")
            self.unreadable = True
            return None
        try:
            return parse(text)
        except YamlSyntaxError as exc:
            self.error(exc.mark, message("schema.yaml-syntax", detail=exc.message), "yaml.syntax")
            self.unreadable = True
            return None

    def root(self, text: str | Undecodable | None, allowed, required=()) -> Mapping | None:
        """The file's top-level mapping; None (reported once) when it cannot be read."""
        node = self.parse(text)
        if node is None and self.unreadable:
            return None
        if node is None:
            self.error(None, message("schema.empty"), "schema.empty")
            return None
        return self.mapping(node, "", allowed, required)

    def mapping(self, node, field: str, allowed, required=()) -> Mapping | None:
        if not isinstance(node, Mapping):
            mark = getattr(node, "mark", None)
            self.error(mark, message("schema.expected-mapping", found=describe(node)), "schema.type", field)
            return None
        for key, key_mark in node.key_marks.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, list(allowed), n=1)
                hint = message("schema.did-you-mean", name=close[0]) if close else message("schema.expected-one-of", names=", ".join(allowed))
                if re.fullmatch(r"\d+(?:\.\d+)?", key):
                    hint += message("schema.comma-in-flow")
                self.error(key_mark, message("schema.unknown-key", key=key, hint=hint), "schema.unknown-key", join(field, key))
        for key in required:
            value = node.get(key)
            if value is None or (isinstance(value, Scalar) and value.is_null):
                self.error(node.mark, message("schema.required", key=key), "schema.required", join(field, key))
        return node

    def scalar(self, parent: Mapping, key: str, field: str) -> Scalar | None:
        node = parent.get(key)
        if node is None:
            return None
        if not isinstance(node, Scalar):
            self.error(node.mark, message("schema.expected-text", found=describe(node)), "schema.type", join(field, key))
            return None
        return None if node.is_null else node

    def text(self, parent: Mapping, key: str, field: str) -> str:
        node = self.scalar(parent, key, field)
        if not node:
            return ""
        text = node.text.strip()
        # Short values repeat across thousands of files (产出指标, ≥, 万元, 100%): one copy each.
        return sys.intern(text) if len(text) <= SHARED_TEXT else text

    def number(self, parent: Mapping, key: str, field: str, places: int | None = MONEY_PLACES) -> Decimal | None:
        node = self.scalar(parent, key, field)
        if node is None:
            return None
        return self.decimal(node, join(field, key), places)

    def decimal(self, node: Scalar, field: str, places: int | None = MONEY_PLACES, signed: bool = False) -> Decimal | None:
        """An exact decimal as written: ASCII digits, at most `places` decimals (None: any),
        negative only when `signed`, never -0, never so long that Decimal would round it."""
        text = node.text.strip()
        if self.foreign_digit(node, field):
            return None
        if not _DECIMAL.fullmatch(text):
            self.error(
                node.mark,
                message("schema.number", found=describe(node)),
                "schema.number",
                field,
            )
            return None
        problem = _number_problem(text, places, signed)
        if problem is not None:
            self.error(node.mark, problem, "schema.number", field)
            return None
        return Decimal(text)

    def foreign_digit(self, node: Scalar, field: str) -> bool:
        """Report a digit that is not ASCII (１２３, ١٢٣) at its own column; whether there was one."""
        for offset, char in enumerate(node.text):
            if char.isdigit() and not "0" <= char <= "9":
                column = node.mark.column + offset + (1 if node.quoted else 0)
                where = Mark(node.mark.line, column) if "\n" not in node.text[:offset] else node.mark
                ascii_form = str(unicodedata.digit(char, "")) if unicodedata.digit(char, None) is not None else "?"
                self.error(where, message("number.non-ascii-digit", char=char, code=f"U+{ord(char):04X}",
                                          ascii=ascii_form, found=node.text), "schema.non-ascii-digit", field)
                return True
        return False

    def boolean(self, parent: Mapping, key: str, field: str, default: bool = False) -> bool:
        """true or false; a blank is `default`."""
        node = self.scalar(parent, key, field)
        if node is None:
            return default
        text = node.text.strip()
        if text not in ("true", "false"):
            self.error(node.mark, message("schema.boolean", found=describe(node)), "schema.boolean", join(field, key))
        return text == "true"

    def integer(self, parent: Mapping, key: str, field: str) -> int | None:
        node = self.scalar(parent, key, field)
        if node is None:
            return None
        text = node.text.strip()
        if self.foreign_digit(node, join(field, key)):
            return None
        if not _INTEGER.fullmatch(text):
            self.error(node.mark, message("schema.integer", found=describe(node)), "schema.integer", join(field, key))
            return None
        if len(text) > _MAX_DIGITS:  # int() refuses very long digit strings, and no list is that long
            self.error(node.mark, message("schema.integer-too-long", digits=_MAX_DIGITS, found=describe(node)), "schema.integer", join(field, key))
            return None
        return int(text)

    def sequence(self, parent: Mapping, key: str, field: str) -> tuple:
        node = parent.get(key)
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return ()
        if not isinstance(node, Sequence):
            self.error(node.mark, message("schema.expected-list", found=describe(node)), "schema.type", join(field, key))
            return ()
        return node.items

    def text_list(self, parent: Mapping, key: str, field: str) -> tuple[str, ...]:
        texts = []
        for index, item in enumerate(self.sequence(parent, key, field)):
            item_field = join(join(field, key), index)
            if not isinstance(item, Scalar):
                self.error(item.mark, message("schema.expected-text", found=describe(item)), "schema.type", item_field)
            elif not item.is_null:
                texts.append(item.text.strip())
        return tuple(texts)


def _number_problem(text: str, places: int | None, signed: bool) -> str | None:
    """Why an amount written in ASCII digits still cannot be published as written."""
    whole, _, fraction = text.lstrip("-").partition(".")
    if len(whole.lstrip("0")) > _MAX_WHOLE_DIGITS:
        return message("number.too-long", found=text, digits=_MAX_WHOLE_DIGITS)
    if places is not None and len(fraction) > places:
        return message("number.too-many-decimals", found=text, places=places)
    if text.startswith("-") and Decimal(text) == 0:
        return message("number.negative-zero", found=text)
    if text.startswith("-") and not signed:
        return message("number.negative", found=text)
    return None


def read_site_config(path: str, text: str | Undecodable | None, report: Report) -> SiteConfig | None:
    reader = FileReader(path, report)
    allowed = ("title", "authority", "base_url", "language", "theme", "contact", "footer", "checks", "relative_urls",
               "intro", "sponsor", "site_code", "icp", "police_record", "government_mark", "downloads",
               "precompress")
    root = reader.root(text, allowed, required=("title", "base_url"))
    if root is None:
        return None
    base_url = reader.text(root, "base_url", "")
    # A path must not start with // : the browser reads //host/ as another site.
    if base_url and not re.fullmatch(r"https?://[^/\s?#@]+(/[^\s?#]*)?|/(?!/)[^\s?#]*", base_url):
        reader.error(
            root.values["base_url"].mark,
            message("site.base-url", found=base_url),
            "site.base-url",
            "base_url",
        )
    if not base_url.endswith("/"):
        base_url += "/"
    return SiteConfig(
        checks=_read_check_settings(reader, root),
        downloads=_read_download_settings(reader, root),
        title=reader.text(root, "title", ""),
        authority=reader.text(root, "authority", ""),
        base_url=base_url,
        language=reader.text(root, "language", "") or "zh-CN",
        theme=reader.text(root, "theme", "") or "default",
        contact=reader.text(root, "contact", ""),
        footer=reader.text(root, "footer", ""),
        relative_urls=reader.boolean(root, "relative_urls", ""),
        intro=reader.text(root, "intro", ""),
        sponsor=reader.text(root, "sponsor", ""),
        site_code=reader.text(root, "site_code", ""),
        icp=reader.text(root, "icp", ""),
        police_record=reader.text(root, "police_record", ""),
        government_mark=reader.text(root, "government_mark", ""),
        precompress=reader.boolean(root, "precompress", "", default=True),
    )


_YES = ("true", "yes", "on")
_NO = ("false", "no", "off")


def _read_download_settings(reader: FileReader, root: Mapping) -> DownloadSettings:
    node = root.get("downloads")
    if node is None:
        return DownloadSettings()
    keys = ("xlsx", "bundles", "bulk")
    settings = reader.mapping(node, "downloads", keys)
    if settings is None:
        return DownloadSettings()
    values = {}
    for key in keys:
        scalar = reader.scalar(settings, key, "downloads")
        if scalar is None or scalar.is_null:
            continue
        text = scalar.text.strip().lower()
        if text in _YES + _NO:
            values[key] = text in _YES
        else:
            reader.error(scalar.mark, message("config.downloads-flag", key=key, found=scalar.text.strip()), "schema.choice", f"downloads.{key}")
    return DownloadSettings(**values)


def _read_check_settings(reader: FileReader, root: Mapping) -> CheckSettings:
    from generator.tables import TABLE_KINDS

    node = root.get("checks")
    if node is None:
        return CheckSettings()
    checks = reader.mapping(node, "checks", ("tolerance", "required_tables", "required_sections", "rules"))
    if checks is None:
        return CheckSettings()
    tolerance = reader.number(checks, "tolerance", "checks")
    tables = reader.text_list(checks, "required_tables", "checks")
    sections = reader.text_list(checks, "required_sections", "checks")
    lists = (("required_tables", TABLE_KINDS, message("schema.what-table")), ("required_sections", SECTION_IDS, message("schema.what-section")))
    for key, known, what in lists:
        for index, item in enumerate(reader.sequence(checks, key, "checks")):
            if isinstance(item, Scalar) and not item.is_null and item.text.strip() not in known:
                problem = message("schema.unknown-in-list", what=what, name=item.text.strip(), key=key)
                reader.error(item.mark, problem, "schema.choice", f"checks.{key}[{index}]")
    defaults = CheckSettings()
    return CheckSettings(
        tolerance=tolerance if tolerance is not None else defaults.tolerance,
        required_tables=tables or defaults.required_tables,
        required_sections=sections or defaults.required_sections,
        rules=_read_rule_settings(reader, checks),
    )


def _read_rule_settings(reader: FileReader, checks: Mapping) -> tuple[tuple[str, str], ...]:
    """checks.rules: rule id → off | warning | error; an unknown id or setting is reported."""
    from generator.checks.rules import RULE_IDS, SETTINGS
    from generator.messages import message

    node = checks.get("rules")
    if node is None or (isinstance(node, Scalar) and node.is_null):
        return ()
    if not isinstance(node, Mapping):
        reader.error(getattr(node, "mark", None), f"expected a mapping of fields, found {describe(node)}", "schema.type", "checks.rules")
        return ()
    rules = node  # its keys are rule ids, checked below
    found = []
    for key, key_mark in rules.key_marks.items():
        field = f"checks.rules.{key}"
        if key not in RULE_IDS:
            close = difflib.get_close_matches(key, RULE_IDS, n=1)
            hint = message("settings.rule-hint", rule=close[0]) if close else ""
            reader.error(key_mark, message("settings.unknown-rule", rule=key, hint=hint), "schema.choice", field)
            continue
        value = rules.get(key)
        setting = value.text.strip() if isinstance(value, Scalar) else ""
        if setting not in SETTINGS:
            problem = message("settings.rule-setting", rule=key, found=setting, allowed=", ".join(SETTINGS))
            reader.error(getattr(value, "mark", key_mark), problem, "schema.choice", field)
            continue
        found.append((key, setting))
    return tuple(found)




def read_acknowledgements(folder: str, path: str, text: str | None, report: Report) -> tuple[Acknowledgement, ...]:
    reader = FileReader(path, report)
    root = reader.root(text, ("acknowledgements",))
    if root is None:
        return ()
    found = []
    for index, node in enumerate(reader.sequence(root, "acknowledgements", "")):
        field = join("acknowledgements", index)
        ack = reader.mapping(node, field, ("rule", "file", "field", "found", "expected", "reason"), required=("rule", "file", "reason"))
        if ack is None:
            continue
        found.append(
            Acknowledgement(
                rule=reader.text(ack, "rule", field),
                file=f"{folder}/{reader.text(ack, 'file', field)}",
                field=reader.text(ack, "field", field),
                reason=reader.text(ack, "reason", field),
                where=reader.at(ack.mark),
                found=reader.text(ack, "found", field),
                expected=reader.text(ack, "expected", field),
            )
        )
    return tuple(found)


def read_department_head(code: str, path: str, text: str | None, report: Report) -> dict | None:
    """The department's own fields; its disclosures are attached by the assembler."""
    reader = FileReader(path, report)
    allowed = ("name", "region", "units", "duties", "organization")
    root = reader.root(text, allowed, required=("name",))
    if root is None:
        return None
    organization = []
    for index, node in enumerate(reader.sequence(root, "organization", "")):
        field = join("organization", index)
        unit = reader.mapping(node, field, ("name", "nature", "level", "funding"), required=("name",))
        if unit is not None:
            organization.append(
                OrgUnit(*(reader.text(unit, key, field) for key in ("name", "nature", "level", "funding")))
            )
    region_node = root.get("region")
    return dict(
        code=code,
        name=reader.text(root, "name", ""),
        region=reader.text(root, "region", ""),
        # where `region:` is written, for the assembler to compare with the region folder's name
        region_where=reader.at(getattr(region_node, "mark", None)) if region_node is not None else Location(path, 1, 1),
        units=reader.text_list(root, "units", ""),
        duties=reader.text_list(root, "duties", ""),
        organization=tuple(organization),
        where=Location(path, 1, 1),
    )


def read_region(path: str, text: str | None, report: Report) -> dict | None:
    """A region folder's region.yaml: the region's name (张家口市), which its departments'
    pages and the home page's directory show."""
    reader = FileReader(path, report)
    root = reader.root(text, ("name",), required=("name",))
    if root is None:
        return None
    name = reader.text(root, "name", "")
    return dict(name=name, where=Location(path, 1, 1)) if name else None


def read_disclosure_head(path: str, text: str | None, report: Report) -> dict | None:
    reader = FileReader(path, report)
    root = reader.root(text, ("title", "scope", "source", "draft", "original"), required=("title", "scope"))
    if root is None:
        return None
    scope = reader.text(root, "scope", "")
    if scope and scope not in SCOPES:
        reader.error(
            root.values["scope"].mark,
            message("schema.scope", names=", ".join(SCOPES), found=scope),
            "schema.choice",
            "scope",
        )
    title_mark = root.key_marks.get("title")
    original = reader.text(root, "original", "")
    if original and not _ORIGINAL.fullmatch(original):
        reader.error(root.values["original"].mark, message("disclosure.original-invalid", found=original), "disclosure.original", "original")
        original = ""
    return dict(
        title=reader.text(root, "title", ""),
        scope=scope,
        source=reader.text(root, "source", ""),
        draft=reader.boolean(root, "draft", ""),
        original=original,
        where=Location(path, title_mark.line, 1) if title_mark else Location(path, 1, 1),  # rules on the title point here
    )


def read_table(kind: TableKind, path: str, text: str | None, report: Report) -> Table | None:
    reader = FileReader(path, report)
    allowed = ("note", "rows", "as_of") if kind.key == "assets" else ("note", "rows")
    root = reader.root(text, allowed)
    if root is None:
        return None
    rows = []
    if root is not None:
        for index, row_node in enumerate(reader.sequence(root, "rows", "")):
            field = join("rows", index)
            row = reader.mapping(row_node, field, kind.keys)
            if row is None:
                continue
            cells: list[str | Decimal | None] = []
            for column in kind.columns:
                if column.kind in (TEXT, CODE):
                    cells.append(reader.text(row, column.key, field) or None)
                else:
                    cells.append(reader.number(row, column.key, field, None if column.kind == NUMBER else MONEY_PLACES))
            rows.append(Row(tuple(cells), reader.at(row.mark)))
    # The rules about a table as a whole (an empty table's note) point at its note, else its rows.
    mark = root.key_marks.get("note") or root.key_marks.get("rows")
    return Table(
        kind=kind,
        rows=tuple(rows),
        note=reader.text(root, "note", "") if root else "",
        as_of=reader.text(root, "as_of", "") if root else "",
        where=Location(path, mark.line, 1) if mark else Location(path, 1, 1),
    )


def read_explanation(path: str, text: str | None, report: Report) -> Explanation | None:
    reader = FileReader(path, report)
    root = reader.root(text, ("title", "preamble", "sections"))
    if root is None:
        return None
    sections = []
    seen: dict[str, int] = {}
    for index, node in enumerate(reader.sequence(root, "sections", "")):
        field = join("sections", index)
        section = reader.mapping(node, field, ("id", "title", "body"), required=("id", "title"))
        if section is None:
            continue
        section_id = reader.text(section, "id", field)
        if section_id and section_id not in SECTION_IDS:
            close = difflib.get_close_matches(section_id, SECTION_IDS, n=1)
            hint = message("schema.did-you-mean", name=close[0]) if close else ""
            reader.error(section.values["id"].mark, message("schema.unknown-section", id=section_id, hint=hint), "schema.choice", join(field, "id"))
        if section_id in seen:
            reader.error(section.mark, message("schema.duplicate-section", id=section_id, first=seen[section_id]), "schema.duplicate", field)
        seen[section_id] = index
        body = section.get("body")
        body_line = body.mark.line + (1 if isinstance(body, Scalar) and body.quoted and body.text.count("\n") else 0) if body else section.mark.line
        sections.append(
            Section(section_id, reader.text(section, "title", field), reader.text(section, "body", field), Location(path, body_line, 1))
        )
    return Explanation(
        title=reader.text(root, "title", ""),
        preamble=reader.text(root, "preamble", ""),
        sections=tuple(sections),
        preamble_where=Location(path, _text_line(root.get("preamble")) or 1, 1),
    )


def read_goals(path: str, text: str | None, report: Report) -> Goals | None:
    reader = FileReader(path, report)
    root = reader.root(text, ("overall", "items", "measures"))
    if root is None:
        return None
    items = []
    for index, node in enumerate(reader.sequence(root, "items", "")):
        field = join("items", index)
        item = reader.mapping(node, field, ("title", "goal", "indicator"), required=("title",))
        if item is not None:
            texts = (reader.text(item, key, field) for key in ("title", "goal", "indicator"))
            lines = (_text_line(item.get("goal")), _text_line(item.get("indicator")))
            items.append(GoalItem(*texts, where=reader.at(item.mark), lines=lines))  # type: ignore[misc, arg-type]  # three texts
    measures = [item for item in reader.sequence(root, "measures", "") if isinstance(item, Scalar) and not item.is_null]
    return Goals(
        overall=reader.text(root, "overall", ""),
        items=tuple(items),
        measures=reader.text_list(root, "measures", ""),
        overall_where=Location(path, _text_line(root.get("overall")) or 1, 1),
        measure_lines=tuple(item.mark.line for item in measures),
    )


def _text_line(node) -> int:
    """The line a text value starts on (a quoted text spanning lines starts on the next); 0 when absent."""
    if not isinstance(node, Scalar):
        return 0
    return node.mark.line + (1 if node.quoted and node.text.count("\n") else 0)


def read_glossary(path: str, text: str | None, report: Report) -> tuple[Term, ...]:
    reader = FileReader(path, report)
    root = reader.root(text, ("terms",))
    if root is None:
        return ()
    terms = []
    for index, node in enumerate(reader.sequence(root, "terms", "")):
        field = join("terms", index)
        term = reader.mapping(node, field, ("term", "definition"), required=("term", "definition"))
        if term is not None:
            terms.append(Term(reader.text(term, "term", field), reader.text(term, "definition", field)))
    return tuple(terms)


_PROJECT_KEYS = (
    "seq", "code", "name", "unit", "budget", "fiscal_funds", "other_funds",
    "purpose", "spending_plan", "goals", "indicators",
)
_INDICATOR_KEYS = ("level1", "level2", "name", "description", "value", "basis")


def read_project(key: str, path: str, text: str | None, report: Report) -> Project | None:
    reader = FileReader(path, report)
    root = reader.root(text, _PROJECT_KEYS, required=("seq", "name"))
    if root is None:
        return None
    code = reader.text(root, "code", "")
    if code and key != code and not key.startswith(code + "-"):
        reader.error(
            root.values["code"].mark,
            message("project.file-name", code=code, key=key),
            "project.file-name",
            "code",
        )
    return Project(
        key=key,
        seq=reader.integer(root, "seq", "") or 0,
        code=code,
        name=reader.text(root, "name", ""),
        unit=reader.text(root, "unit", ""),
        budget=reader.number(root, "budget", ""),
        fiscal_funds=reader.number(root, "fiscal_funds", ""),
        other_funds=reader.number(root, "other_funds", ""),
        purpose=reader.text(root, "purpose", ""),
        spending_plan=_read_plan(reader, root),
        goals=reader.text_list(root, "goals", ""),
        indicators=_read_indicators(reader, root),
        where=Location(path, 1, 1),
        field_locations=_field_locations(reader, root),
    )


_SHAPES: dict[tuple[str, ...], tuple[tuple[str, ...], dict[str, int]]] = {}  # one copy of each list of names


def _field_locations(reader: FileReader, root: Mapping) -> FieldLocations:
    """Where each field stands, so that a rule can name the line of the very value it
    judges: top-level keys, spending_plan.<month>, goals[i], indicators[i] and
    indicators[i].<key>."""
    found = [(key, mark) for key, mark in root.key_marks.items()]
    plan = root.get("spending_plan")
    if isinstance(plan, Mapping):
        found += [(f"spending_plan.{key}", mark) for key, mark in plan.key_marks.items()]
    goals = root.get("goals")
    if isinstance(goals, Sequence):
        kept = [item for item in goals.items if not (isinstance(item, Scalar) and item.is_null)]  # as text_list
        found += [(f"goals[{index}]", item.mark) for index, item in enumerate(kept)]
    indicators = root.get("indicators")
    if isinstance(indicators, Sequence):
        for index, row in enumerate(indicators.items):
            found.append((f"indicators[{index}]", row.mark))
            if isinstance(row, Mapping):
                found += [(f"indicators[{index}].{key}", mark) for key, mark in row.key_marks.items()]
    names = tuple(name for name, _ in found)
    shape = _SHAPES.get(names)
    if shape is None:
        shape = _SHAPES[names] = (names, {name: index for index, name in enumerate(names)})  # a repeated key: the last, as YAML reads it
    packed = array("I", [number for _, mark in found for number in (mark.line, mark.column)]).tobytes()
    return FieldLocations(reader.path, shape[0], packed, shape[1])


def _read_plan(reader: FileReader, root: Mapping) -> tuple[PlanPoint, ...]:
    node = root.get("spending_plan")
    if node is None or (isinstance(node, Scalar) and node.is_null):
        return ()
    plan = reader.mapping(node, "spending_plan", [month for month, _ in PLAN_MONTHS])
    if plan is None:
        return ()
    return tuple(
        PlanPoint(month, label, reader.text(plan, month, "spending_plan")) for month, label in PLAN_MONTHS
    )


def _read_indicators(reader: FileReader, root: Mapping) -> tuple[Indicator, ...]:
    indicators = []
    for index, node in enumerate(reader.sequence(root, "indicators", "")):
        field = join("indicators", index)
        row = reader.mapping(node, field, _INDICATOR_KEYS, required=("level1", "level2", "name"))
        if row is not None:
            values = [reader.text(row, key, field) for key in _INDICATOR_KEYS]
            indicators.append(Indicator(*values, where=reader.at(row.mark), parsed=parse_value(values[4])))  # type: ignore[misc, arg-type]
    return tuple(indicators)
