"""Put the model together from every file the loader read: which file is which, and order."""

from __future__ import annotations

import re
from collections import defaultdict

from generator.diagnostics import Location, Report
from generator.loader import Sources
from generator.model import Department, Disclosure, Site
from generator.schema import (
    read_acknowledgements,
    read_department_head,
    read_disclosure_head,
    read_explanation,
    read_glossary,
    read_goals,
    read_project,
    read_site_config,
    read_table,
)
from generator.tables import TABLE_KINDS

_DEPT = r"content/departments/(?P<dept>[0-9A-Za-z]+)"
_YEAR = _DEPT + r"/(?P<year>\d{4})"
_PATTERNS = (
    ("department", re.compile(_DEPT + r"/department\.yaml")),
    ("disclosure", re.compile(_YEAR + r"/disclosure\.yaml")),
    ("explanation", re.compile(_YEAR + r"/explanation\.yaml")),
    ("goals", re.compile(_YEAR + r"/goals\.yaml")),
    ("glossary", re.compile(_YEAR + r"/glossary\.yaml")),
    ("acknowledgements", re.compile(_YEAR + r"/acknowledgements\.yaml")),
    ("table", re.compile(_YEAR + r"/tables/(?P<key>[a-z_]+)\.yaml")),
    ("project", re.compile(_YEAR + r"/projects/(?P<key>[0-9A-Za-z][0-9A-Za-z_-]*)\.yaml")),
)


def classify(path: str) -> tuple[str, dict] | None:
    for role, pattern in _PATTERNS:
        match = pattern.fullmatch(path)
        if match:
            return role, match.groupdict()
    return None


class ReadCache:
    """What each file read to, kept between builds of one process (the dev server): a file
    whose text is unchanged is not parsed and converted again."""

    def __init__(self):
        self.entries: dict = {}
        self.fresh: dict = {}

    def read(self, reader, *args, report: Report):
        key = (reader.__name__, args)
        hit = self.entries.get(key)
        if hit is None:
            local = Report()
            hit = (reader(*args, local), tuple(local.diagnostics))
        self.fresh[key] = hit
        report.extend(hit[1])
        return hit[0]

    def finish(self) -> None:
        """Forget files that were not read this time (deleted or changed)."""
        self.entries, self.fresh = self.fresh, {}


def _direct(reader, *args, report: Report):
    return reader(*args, report)


def assemble(sources: Sources, report: Report, cache: ReadCache | None = None) -> Site | None:
    """The whole portal as a model, or None when site.yaml itself cannot be read."""
    read = cache.read if cache is not None else _direct
    try:
        return _assemble(sources, report, read)
    finally:
        if cache is not None:
            cache.finish()


def _assemble(sources: Sources, report: Report, read) -> Site | None:
    if sources.site is None:
        report.error(Location("site.yaml"), "no site.yaml in the project folder", "site.missing")
        return None
    config = read_site_config(sources.site.path, sources.site.text, report)

    heads: dict[str, dict] = {}
    years: dict[tuple[str, str], dict] = defaultdict(lambda: {"tables": {}, "projects": []})
    for source in sources.content:
        found = classify(source.path)
        if found is None:
            report.warning(
                Location(source.path),
                "file not understood: not part of the content layout (see docs/content-format.md)",
                "content.unknown-file",
            )
            continue
        role, keys = found
        if role == "department":
            head = read(read_department_head, keys["dept"], source.path, source.text, report=report)
            if head is not None:
                heads[keys["dept"]] = head
            continue
        parts = years[(keys["dept"], keys["year"])]
        parts.setdefault("where", {})[role] = source.path
        if role == "disclosure":
            parts["head"] = read(read_disclosure_head, source.path, source.text, report=report)
        elif role == "table":
            kind = TABLE_KINDS.get(keys["key"])
            if kind is None:
                report.error(
                    Location(source.path),
                    f"unknown table '{keys['key']}'; expected one of: {', '.join(TABLE_KINDS)}",
                    "content.unknown-table",
                )
            else:
                parts["tables"][kind.key] = read(read_table, kind, source.path, source.text, report=report)
        elif role == "project":
            parts["projects"].append(read(read_project, keys["key"], source.path, source.text, report=report))
        elif role == "acknowledgements":
            folder = f"content/departments/{keys['dept']}/{keys['year']}"
            parts[role] = read(read_acknowledgements, folder, source.path, source.text, report=report)
        else:
            reader = {"explanation": read_explanation, "goals": read_goals, "glossary": read_glossary}[role]
            parts[role] = read(reader, source.path, source.text, report=report)

    disclosures: dict[str, list[Disclosure]] = defaultdict(list)
    for (dept, year), parts in sorted(years.items()):
        disclosure = _make_disclosure(dept, int(year), parts, report)
        if disclosure is not None:
            disclosures[dept].append(disclosure)

    departments = []
    for dept in sorted(set(heads) | set(disclosures)):
        if dept not in heads:
            report.error(
                Location(f"content/departments/{dept}/department.yaml"),
                "department folder without department.yaml",
                "content.missing-department",
            )
            continue
        ordered = tuple(sorted(disclosures[dept], key=lambda d: d.year, reverse=True))
        departments.append(Department(disclosures=ordered, **heads[dept]))
    if config is None:
        return None
    return Site(config, tuple(departments))


def _make_disclosure(dept: str, year: int, parts: dict, report: Report) -> Disclosure | None:
    folder = f"content/departments/{dept}/{year}"
    if "head" not in parts:
        report.error(Location(f"{folder}/disclosure.yaml"), "year folder without disclosure.yaml", "content.missing-disclosure")
        return None
    head = parts["head"]
    if head is None:
        return None
    projects = [p for p in parts["projects"] if p is not None]
    _report_duplicate_projects(projects, report)
    order = {kind: index for index, kind in enumerate(TABLE_KINDS)}
    tables = tuple(
        table for _, table in sorted(parts["tables"].items(), key=lambda item: order[item[0]]) if table is not None
    )
    return Disclosure(
        department_code=dept,
        year=year,
        title=head["title"],
        scope=head["scope"],
        source=head["source"],
        tables=tables,
        explanation=parts.get("explanation"),
        goals=parts.get("goals"),
        glossary=parts.get("glossary") or (),
        projects=tuple(sorted(projects, key=lambda p: (p.seq, p.key))),
        where=head.get("where") or Location(f"{folder}/disclosure.yaml", 1, 1),
        acknowledgements=parts.get("acknowledgements") or (),
    )


def _report_duplicate_projects(projects, report: Report) -> None:
    by_seq: dict[int, str] = {}
    by_code: dict[str, str] = {}
    for project in sorted(projects, key=lambda p: p.where.path):
        if project.seq in by_seq:
            report.error(
                project.at("seq"),
                f"seq {project.seq} is also used by {by_seq[project.seq]}",
                "project.duplicate-seq",
                "seq",
            )
        by_seq.setdefault(project.seq, project.where.path)
        if project.code and project.code in by_code:
            report.error(
                project.at("code"),
                f"project code {project.code} is also used by {by_code[project.code]}",
                "project.duplicate-code",
                "code",
            )
        if project.code:
            by_code.setdefault(project.code, project.where.path)
