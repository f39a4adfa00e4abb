"""`disclose import`: read one document an office already has into the content format.

    .xlsx  the nine tables as a budget system exports them        (xlsx.py)
    .docx  the performance targets: goals and project tables       (docx.py)
    .txt   text of a published document, from Word or from a PDF  (text.py)

Each reader returns an `Imported` (files as data, the department as the document names
it, and every problem with its place in the source); this module adds what every import
needs (disclosure.yaml, department.yaml for a new department, marked blanks), turns the
data into YAML (emit.py) and writes it all or nothing (place.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.importer.emit import Blank, emit
from generator.importer.place import Refused, write_all
from generator.importer.report import BLANK, ERROR, Imported, ImportFailed, Problem
from generator.messages import message
from generator.yamlsource import YamlSyntaxError, parse, plain

READERS = (".xlsx", ".zip", ".docx", ".txt")


@dataclass
class Outcome:
    imported: Imported
    written: list[Path] = field(default_factory=list)
    refused: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.imported.errors and not self.refused


def read_document(path: Path) -> Imported:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportFailed(str(path), "importer.no-file")
    if suffix == ".xlsx":
        from generator.importer.xlsx import read_workbook

        return read_workbook(path)
    if suffix == ".zip":
        from generator.importer.xlsx import read_bundle

        return read_bundle(path)
    if suffix == ".docx":
        from generator.importer.docx import read_docx

        return read_docx(path)
    if suffix == ".txt":
        from generator.importer.text import read_text

        return read_text(path)
    raise ImportFailed(str(path), "importer.unknown-kind", suffix=suffix or "-", kinds=" ".join(READERS))


def content_files(imported: Imported, path: Path, dept: str, year: str, new_department: bool, existing: dict | None = None,
                  in_region: bool = False) -> dict[str, dict]:
    """Files relative to the department folder, with disclosure.yaml and (for a new
    department) department.yaml added from what the document says. A title the editor
    already gave (existing disclosure.yaml) is kept where the document prints none. A
    department in a region folder (`in_region`) has no region field to fill: the folder's
    region.yaml names it."""
    files = {f"{year}/{rel}": data for rel, data in imported.files.items()}
    disclosure = dict(imported.files.get("disclosure.yaml") or {})
    given = (existing or {}).get("title")
    if not disclosure.get("title") and given:
        disclosure["title"] = given
    if not disclosure.get("title"):
        disclosure["title"] = Blank(message("importer.blank-comment", field="title"))
        imported.add(f"{path.name}", "importer.no-title", BLANK)
    disclosure.setdefault("scope", "full" if any(r.startswith("tables/") or r == "explanation.yaml" for r in imported.files) else "targets")
    disclosure.setdefault("source", message("importer.source", name=path.name))
    files[f"{year}/disclosure.yaml"] = {k: disclosure[k] for k in ("title", "scope", "source") if k in disclosure}
    if new_department:
        department = {"name": imported.department.get("name") or Blank(message("importer.blank-comment", field="name"))}
        if not in_region:
            department["region"] = Blank(message("importer.blank-comment", field="region"))
        for key in ("units", "duties", "organization"):
            if imported.department.get(key):
                department[key] = imported.department[key]
        if not imported.department.get("name"):
            imported.add(path.name, "importer.no-department-name", BLANK)
        if not in_region:
            imported.add(path.name, "importer.no-region", BLANK)
        files["department.yaml"] = department
    return files


KEY = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]*")
REGION = re.compile(r"[0-9]{6}")  # a region folder's 行政区划代码, ASCII digits only


def _existing(path: Path) -> dict | None:
    try:
        data = plain(parse(path.read_text(encoding="utf-8"))) if path.is_file() else None
    except YamlSyntaxError:
        return None
    return data if isinstance(data, dict) else None


def import_document(path: Path, source: Path, dept: str, year: str, force: bool = False, region: str = "") -> Outcome:
    """`region`: the 行政区划代码 of the region folder the department lies in ("" for
    content/departments/)."""
    if not KEY.fullmatch(dept) or not re.fullmatch(r"\d{4}", year):
        return Outcome(Imported(problems=[Problem("--department/--year", "importer.bad-arguments", (("dept", dept), ("year", year)))]))
    if region and not REGION.fullmatch(region):
        return Outcome(Imported(problems=[Problem("--region", "importer.bad-region", (("region", region),))]))
    try:
        imported = read_document(path)
    except ImportFailed as failed:
        imported = Imported(problems=[failed.problem])
        return Outcome(imported)
    code = imported.department.get("code")
    if code and code != dept:
        imported.add(path.name, "importer.other-department", ERROR, found=code, given=dept)
    if imported.year and imported.year != year:
        imported.add(path.name, "importer.other-year", ERROR, found=imported.year, given=year)
    if imported.errors:
        return Outcome(imported)
    departments = source / (f"content/regions/{region}/departments" if region else "content/departments")
    new_department = not (departments / dept / "department.yaml").exists()
    existing = _existing(departments / dept / year / "disclosure.yaml")
    files = content_files(imported, path, dept, year, new_department, existing, in_region=bool(region))
    texts = {rel: emit(data) for rel, data in files.items()}
    try:
        written = write_all(departments, dept, year, texts, force)
    except Refused as refused:
        for taken in refused.existing:
            imported.add(str(taken), "importer.exists")
        return Outcome(imported, refused=refused.existing)
    return Outcome(imported, written=written)


__all__ = ["Outcome", "Problem", "import_document", "read_document", "content_files"]
