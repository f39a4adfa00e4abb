"""Diagnostics are values: collected during a run, all reported, then the exit code is set."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import Enum

from generator.messages import message
from generator.pickling import tuple_state


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@tuple_state
@dataclass(frozen=True, order=True, slots=True)
class Location:
    path: str  # relative to the project root, with forward slashes
    line: int = 0  # 1-based; 0 when the problem belongs to the whole file
    column: int = 0  # 1-based

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column or 1}"
        return self.path


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    severity: Severity
    message: str
    rule: str
    field: str = ""  # the field's path in the document, e.g. rows[12].total
    expected: str = ""  # for a figure: what the rule computes
    found: str = ""  # for a figure: what the source says

    def format(self) -> str:
        where = message("diagnostic.at-field", field=self.field) if self.field else ""
        severity = message("severity.error") if self.severity is Severity.ERROR else message("severity.warning")
        return f"{self.location}: {severity}: {self.message}{where} [{self.rule}]"

    def as_json(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


@dataclass
class Report:
    """Collects diagnostics from every step of a run."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def error(self, location: Location, message: str, rule: str, field: str = "") -> None:
        self.add(Diagnostic(location, Severity.ERROR, message, rule, field))

    def warning(self, location: Location, message: str, rule: str, field: str = "") -> None:
        self.add(Diagnostic(location, Severity.WARNING, message, rule, field))

    def extend(self, diagnostics) -> None:
        self.diagnostics.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.diagnostics, key=lambda d: (d.location, d.rule, d.field, d.message))  # the same order in every language

    def format_text(self) -> str:
        lines = [d.format() for d in self.sorted()]
        lines.append(message("report.summary", errors=len(self.errors), warnings=len(self.warnings)))
        return "\n".join(lines)

    def format_json(self) -> str:
        return json.dumps(
            {
                "diagnostics": [d.as_json() for d in self.sorted()],
                "errors": len(self.errors),
                "warnings": len(self.warnings),
            },
            ensure_ascii=False,
            indent=2,
        )


class BuildFailed(Exception):
    """Raised to stop a build; the report says why."""

    def __init__(self, report: Report):
        super().__init__(f"build failed with {len(report.errors)} error(s)")
        self.report = report
