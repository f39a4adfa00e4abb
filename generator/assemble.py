"""Put the model together from every file the loader read: which file is which, and order."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict

from generator.diagnostics import Location, Report
from generator.loader import SourceFile, Sources
from generator.messages import message
from generator.model import Department, Disclosure, Site, department_folder, department_ref
from generator.schema import (
    read_acknowledgements,
    read_department_head,
    read_disclosure_head,
    read_explanation,
    read_glossary,
    read_goals,
    read_project,
    read_region,
    read_site_config,
    read_table,
)
from generator.tables import TABLE_KINDS

# A department lies in content/departments/, or in a region folder named by its 行政区划代码
# (six ASCII digits): department codes are unique only within one region.
_REGION = r"content/regions/(?P<region>[0-9]{6})"
_DEPT = r"content/(?:regions/(?P<region>[0-9]{6})/)?departments/(?P<dept>[0-9A-Za-z]+)"
_YEAR = _DEPT + r"/(?P<year>[0-9]{4})"  # ASCII: ２０２２ is not 2022
_PATTERNS = (
    ("region", re.compile(_REGION + r"/region\.yaml")),
    ("department", re.compile(_DEPT + r"/department\.yaml")),
    ("disclosure", re.compile(_YEAR + r"/disclosure\.yaml")),
    ("explanation", re.compile(_YEAR + r"/explanation\.yaml")),
    ("goals", re.compile(_YEAR + r"/goals\.yaml")),
    ("glossary", re.compile(_YEAR + r"/glossary\.yaml")),
    ("acknowledgements", re.compile(_YEAR + r"/acknowledgements\.yaml")),
    ("table", re.compile(_YEAR + r"/tables/(?P<key>[a-z_]+)\.yaml")),
    ("project", re.compile(_YEAR + r"/projects/(?P<key>[0-9A-Za-z][0-9A-Za-z_-]*)\.yaml")),
    # any other file beside disclosure.yaml: a source document disclosure.yaml may name
    ("attachment", re.compile(_YEAR + r"/(?P<name>[^/.][^/]*\.(?!yaml$)[A-Za-z0-9]+)")),
)


def _report_foreign_digit(path: str, report: Report) -> bool:
    """A folder or file named with digits that are not ASCII (２０２２) is an error, not a
    file the layout does not know."""
    for name in path.split("/"):
        for char in name:
            if char.isdigit() and not "0" <= char <= "9":
                ascii_form = "".join(str(unicodedata.digit(c, 0)) if c.isdigit() else c for c in name)
                report.error(Location(path), message("dir.non-ascii-digit", name=name, char=char,
                                                     code=f"U+{ord(char):04X}", ascii=ascii_form),
                             "content.non-ascii-digit")
                return True
    return False


_REGION_FOLDER = re.compile(r"content/regions/(?P<name>[^/]+)/.+")


def _report_region_folder(path: str, report: Report, seen: set[str]) -> bool:
    """A file in a region folder whose name is not a 行政区划代码 (six ASCII digits) is an
    error, once per folder, not a file the layout does not know."""
    match = _REGION_FOLDER.fullmatch(path)
    if match is None or re.fullmatch(r"[0-9]{6}", match["name"]):
        return False
    if match["name"] not in seen:
        seen.add(match["name"])
        report.error(Location(path), message("dir.region-code", name=match["name"]), "content.region-code")
    return True


@functools.lru_cache(maxsize=1 << 17)  # the dev server classifies every path on every build
def classify(path: str) -> tuple[str, dict] | None:
    for role, pattern in _PATTERNS:
        match = pattern.fullmatch(path)
        if match:
            keys = match.groupdict()
            region = keys.get("region") or ""
            keys["region"] = region
            if "dept" in keys:
                keys["ref"] = department_ref(keys["dept"], region)
            return role, keys
    return None


class ReadCache:
    """What each file read to, kept between builds of one process (the dev server): a file
    whose text is unchanged is not parsed and converted again."""

    def __init__(self):
        self.entries: dict = {}
        self.fresh: dict = {}
        self.years: dict = {}  # (dept, year) → (its files, its disclosure, its diagnostics)
        self.layouts: list = []  # the last Layout
        self.live_paths: set[str] = set()

    def read(self, reader, source: SourceFile, *args, report: Report):
        key = (reader.__name__, source.path, args)
        hit = self.entries.get(key)
        if hit is None or (hit[0] is not source and hit[0].text != source.text):
            local = Report()
            hit = (source, reader(*args, source.path, source.text_or_why(), local), tuple(local.diagnostics))
        self.fresh[key] = hit
        report.extend(hit[2])
        return hit[1]

    def finish(self, live_paths: set[str]) -> None:
        """Keep what was read this time, and what was read before of files still there (a
        year none of whose files changed is reused whole, without reading its files)."""
        self.entries.update(self.fresh)
        self.fresh = {}
        if live_paths != self.live_paths:  # files came or went: forget the ones that went
            self.entries = {key: hit for key, hit in self.entries.items() if key[1] in live_paths}
            self.live_paths = live_paths


def _direct(reader, source: SourceFile, *args, report: Report):
    return reader(*args, source.path, source.text_or_why(), report)


def assemble(sources: Sources, report: Report, cache: ReadCache | None = None) -> Site | None:
    """The whole portal as a model, or None when site.yaml itself cannot be read."""
    read = cache.read if cache is not None else _direct
    try:
        return _assemble(sources, report, read, cache)
    finally:
        if cache is not None:
            cache.finish({source.path for source in sources.content} | {"site.yaml"})


def _assemble(sources: Sources, report: Report, read, cache: ReadCache | None = None) -> Site | None:
    if sources.site is None:
        report.error(Location("site.yaml"), message("site.missing"), "site.missing")
        return None
    config = read_site_config(sources.site.path, sources.site.text_or_why(), report)
    heads, disclosures, regions = assemble_content(sources.content, report, read, cache.years if cache else None,
                                                   cache.layouts if cache else None)
    departments = make_departments(heads, disclosures, report, regions)
    if config is None:
        return None
    return Site(config, departments)


class Layout:
    """Which file is which: the department files, each year's files in order, and the files
    not understood. The dev server keeps it and patches it where files changed."""

    def __init__(self, content):
        self.content = tuple(content)
        self.unknown: list[str] = []
        self.heads: dict[str, SourceFile] = {}  # by department ref
        self.regions: dict[str, SourceFile] = {}  # region.yaml by region code
        self.years: dict[tuple[str, str], list] = defaultdict(list)
        self.where: dict[int, tuple] = {}  # index in content → ("head", dept) or (year key, index in its list)
        for index, source in enumerate(self.content):
            found = classify(source.path)
            if found is None:
                self.unknown.append(source.path)
                continue
            role, keys = found
            if role == "region":
                self.regions[keys["region"]] = source
                self.where[index] = ("region", keys["region"])
            elif role == "department":
                self.heads[keys["ref"]] = source
                self.where[index] = ("head", keys["ref"])
            else:
                files = self.years[(keys["ref"], keys["year"])]
                self.where[index] = ((keys["ref"], keys["year"]), len(files))
                files.append((role, keys, source))

    def patched(self, content) -> tuple[Layout, set] | None:
        """The layout of `content`, which has the same paths as this one's: the files that
        changed are put in place; with the years they belong to. None when paths differ."""
        content = tuple(content)
        if len(content) != len(self.content):
            return None
        changed = [index for index, (new, old) in enumerate(zip(content, self.content)) if new is not old]
        if any(content[index].path != self.content[index].path for index in changed):
            return None
        touched = set()
        for index in changed:
            where = self.where.get(index)
            if where is None:
                continue
            if where[0] == "head":
                self.heads[where[1]] = content[index]
            elif where[0] == "region":
                self.regions[where[1]] = content[index]
            else:
                key, position = where
                role, keys, _ = self.years[key][position]
                self.years[key][position] = (role, keys, content[index])
                touched.add(key)
        self.content = content
        return self, touched


def assemble_content(content, report: Report, read=_direct, groups: dict | None = None,
                     layouts: list | None = None) -> tuple[dict, dict, dict]:
    """The department heads and the disclosures of these content files, by department ref
    (every file of a department must be among them), and the region folders' region.yaml
    by region code. `groups` and `layouts` (the dev server's) keep each year's disclosure,
    and which file is which, between builds."""
    patched = layouts[0].patched(content) if layouts else None
    layout, touched = patched if patched is not None else (Layout(content), None)
    if layouts is not None:
        layouts[:] = [layout]
    _report_unknown_files(layout, report)
    regions: dict[str, dict | None] = {}  # None: the file is there but could not be read (reported)
    for code, source in layout.regions.items():
        regions[code] = read(read_region, source, report=report)
    heads: dict[str, dict] = {}
    for ref, source in layout.heads.items():
        region_code, _, code = ref.rpartition("-")
        head = read(read_department_head, source, code, report=report)
        if head is not None:
            heads[ref] = dict(head, region_code=region_code)
    return heads, _disclosures(layout, touched, read, report, groups), regions


def _report_unknown_files(layout: Layout, report: Report) -> None:
    bad_regions: set[str] = set()
    for path in layout.unknown:
        if _report_foreign_digit(path, report) or _report_region_folder(path, report, bad_regions):
            continue
        report.warning(Location(path), message("content.unknown-file"), "content.unknown-file")


def _disclosures(layout: Layout, touched, read, report: Report, groups: dict | None) -> dict[str, list[Disclosure]]:
    """Each department's disclosures by ref. A year none of whose files changed (the dev
    server's `groups`: named by the watcher in `touched`, or the very same file objects)
    keeps its disclosure and its diagnostics."""
    disclosures: dict[str, list[Disclosure]] = defaultdict(list)
    fresh_groups = {}
    for (ref, year), files in sorted(layout.years.items()):
        key = (ref, year)
        previous = groups.get(key) if groups is not None else None
        if previous is not None and (
            key not in touched if touched is not None
            else len(previous[0]) == len(files) and all(a is b[2] for a, b in zip(previous[0], files))
        ):
            disclosure, found = previous[1], previous[2]  # not one of its files changed
        else:
            local = Report()
            disclosure = _make_disclosure(ref, int(year), _read_year(files, read, local), local)
            found = tuple(local.diagnostics)
        fresh_groups[key] = (tuple(source for _, _, source in files), disclosure, found)
        report.extend(found)
        if disclosure is not None:
            disclosures[ref].append(disclosure)
    if groups is not None:
        groups.clear()
        groups.update(fresh_groups)
    return dict(disclosures)


def make_departments(heads: dict, disclosures: dict, report: Report, regions: dict | None = None) -> tuple[Department, ...]:
    """The departments, by ref. With `regions` (every region.yaml read), a department in a
    region folder takes the region's name, and a folder without its region.yaml or a
    department.yaml naming another region is reported; without it (a worker seeing part of
    the portal) nothing is said of regions."""
    departments = []
    missing_regions: set[str] = set()
    for ref in sorted(set(heads) | set(disclosures)):
        region_code, _, code = ref.rpartition("-")
        if ref not in heads:
            report.error(
                Location(f"{department_folder(code, region_code)}/department.yaml"),
                message("content.missing-department"),
                "content.missing-department",
            )
            continue
        head = {key: value for key, value in heads[ref].items() if key != "region_where"}
        if region_code and regions is not None:
            head["region"] = _region_name(heads[ref], regions, region_code, missing_regions, report)
        ordered = tuple(sorted(disclosures.get(ref, ()), key=lambda d: d.year, reverse=True))
        departments.append(Department(disclosures=ordered, **head))
    return tuple(departments)


def _region_name(head: dict, regions: dict, code: str, missing: set[str], report: Report) -> str:
    """The name a region folder's department goes by: its region.yaml's. department.yaml
    may repeat it under `region:`, but not name another region."""
    if code not in regions and code not in missing:
        missing.add(code)
        report.error(Location(f"content/regions/{code}/region.yaml"), message("content.missing-region"), "content.missing-region")
    region = regions.get(code)
    if region is None:  # missing, or unreadable (reported where it is read)
        return head["region"]
    if head["region"] and head["region"] != region["name"]:
        report.error(head["region_where"], message("department.region-mismatch", found=head["region"], name=region["name"], code=code),
                     "department.region", "region")
    return region["name"]


def _read_year(files: list, read, report: Report) -> dict:
    """The parts of one department-year, each file read by its role."""
    parts: dict = {"tables": {}, "projects": []}
    for role, keys, source in files:
        parts.setdefault("where", {})[role] = source.path
        if role == "disclosure":
            parts["head"] = read(read_disclosure_head, source, report=report)
        elif role == "table":
            kind = TABLE_KINDS.get(keys["key"])
            if kind is None:
                report.error(
                    Location(source.path),
                    message("content.unknown-table", key=keys["key"], names=", ".join(TABLE_KINDS)),
                    "content.unknown-table",
                )
            else:
                parts["tables"][kind.key] = read(read_table, source, kind, report=report)
        elif role == "project":
            parts["projects"].append(read(read_project, source, keys["key"], report=report))
        elif role == "attachment":
            parts.setdefault("attachments", set()).add(keys["name"])
        elif role == "acknowledgements":
            folder = f"{department_folder(keys['dept'], keys['region'])}/{keys['year']}"
            parts[role] = read(read_acknowledgements, source, folder, report=report)
        else:
            reader = {"explanation": read_explanation, "goals": read_goals, "glossary": read_glossary}[role]
            parts[role] = read(reader, source, report=report)
    return parts


def _make_disclosure(ref: str, year: int, parts: dict, report: Report) -> Disclosure | None:
    region_code, _, dept = ref.rpartition("-")
    folder = f"{department_folder(dept, region_code)}/{year}"
    if "head" not in parts:
        report.error(Location(f"{folder}/disclosure.yaml"), message("content.missing-disclosure"), "content.missing-disclosure")
        return None
    head = parts["head"]
    if head is None:
        return None
    projects = [p for p in parts["projects"] if p is not None]
    _report_duplicate_projects(projects, report)
    original = head.get("original", "")
    for name in sorted(parts.get("attachments", ())):
        if name != original:  # a file beside disclosure.yaml that it does not name as its source
            report.warning(Location(f"{folder}/{name}"), message("content.unknown-file"), "content.unknown-file")
    if original and "://" not in original and original not in parts.get("attachments", ()):
        where = head.get("where") or Location(f"{folder}/disclosure.yaml", 1, 1)
        report.error(where, message("disclosure.original-missing", name=original, folder=folder), "disclosure.original")
        original = ""
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
        draft=head.get("draft", False),
        original=original,
        region_code=region_code,
    )


def _report_duplicate_projects(projects, report: Report) -> None:
    by_seq: dict[int, str] = {}
    by_code: dict[str, str] = {}
    for project in sorted(projects, key=lambda p: p.where.path):
        if project.seq in by_seq:
            report.error(
                project.at("seq"),
                message("project.duplicate-seq", seq=project.seq, other=by_seq[project.seq]),
                "project.duplicate-seq",
                "seq",
            )
        by_seq.setdefault(project.seq, project.where.path)
        if project.code and project.code in by_code:
            report.error(
                project.at("code"),
                message("project.duplicate-code", code=project.code, other=by_code[project.code]),
                "project.duplicate-code",
                "code",
            )
        if project.code:
            by_code.setdefault(project.code, project.where.path)
