"""What an import found: the files it would write and every place it could not use.

Plain data, no I/O. A problem names its place in the source (sheet and cell, table and
row, or line number) so an editor can find it; `error` stops the import (nothing is
written), `skipped` lists something the import left out on purpose (a cover sheet, page
furniture, a line it could not place) so that nothing is dropped silently, and `blank`
says a field the format needs was not in the document and was left blank for the editor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
SKIPPED = "skipped"
BLANK = "blank"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    place: str
    key: str  # a message key of generator/strings/messages (importer.*)
    params: tuple[tuple[str, str], ...] = ()
    severity: str = ERROR

    def text(self) -> str:
        from generator.messages import message

        return f"{self.place}: {self.severity}: {message(self.key, **dict(self.params))}"


@dataclass
class Imported:
    """One department-year read from one document."""

    files: dict[str, dict] = field(default_factory=dict)  # path in the year folder -> data
    department: dict = field(default_factory=dict)  # what the document says of the department
    year: str | None = None  # 预算年度, where the document prints it
    problems: list[Problem] = field(default_factory=list)

    def add(self, place: str, key: str, severity: str = ERROR, **params: object) -> None:
        self.problems.append(Problem(place, key, tuple((k, str(v)) for k, v in params.items()), severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]


class ImportFailed(Exception):
    """The document cannot be read at all (not a workbook, a damaged file)."""

    def __init__(self, place: str, key: str, **params: object):
        super().__init__(key)
        self.problem = Problem(place, key, tuple((k, str(v)) for k, v in params.items()))
