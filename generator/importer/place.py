"""Put imported files into the content tree: all of them or none.

Every file is written into a staging folder beside the content first; only when all are
written is the new year (or new department) folder renamed into place, or, with --force
into an existing year, each file replaced in turn. An existing file is never overwritten
without `force`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class Refused(Exception):
    def __init__(self, existing: list[Path]):
        super().__init__(f"{len(existing)} file(s) exist")
        self.existing = existing


def write_all(departments: Path, dept: str, year: str, texts: dict[str, str], force: bool) -> list[Path]:
    """texts: path relative to the department folder ("2025/tables/x.yaml") -> YAML text."""
    dept_dir = departments / dept
    targets = {dept_dir / rel: text for rel, text in texts.items()}
    existing = sorted(path for path in targets if path.exists())
    if existing and not force:
        raise Refused(existing)
    departments.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".import-", dir=departments))
    try:
        for path, text in targets.items():
            staged = stage / path.relative_to(departments)
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_text(text, encoding="utf-8")
        _move_into_place(stage, departments, dept, year)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return sorted(targets)


def _move_into_place(stage: Path, departments: Path, dept: str, year: str) -> None:
    if not (departments / dept).exists():
        os.replace(stage / dept, departments / dept)
        return
    if not (departments / dept / year).exists():
        os.replace(stage / dept / year, departments / dept / year)
        for staged in sorted((stage / dept).glob("*.yaml")):
            os.replace(staged, departments / dept / staged.name)
        return
    for staged in sorted(p for p in (stage / dept).rglob("*") if p.is_file()):
        target = departments / staged.relative_to(stage)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
