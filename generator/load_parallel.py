"""Read, assemble and check a large portal on every core.

The content files are cut into runs of whole departments; worker processes (fork or
spawn, see generator/parallel.py) are each given a run (the project root, the site
configuration and the run's part of the listing), read, parse and assemble it and check
the disclosures in it, and send back the department heads, the disclosures and the
diagnostics. The main process puts the departments together exactly as `assemble` does,
so the model, the diagnostics and their order are the same as in one process.
"""

from __future__ import annotations

from pathlib import Path

from generator.assemble import assemble_content, make_departments
from generator.checks import run_checks
from generator.diagnostics import Report
from generator.drafts import blocking_errors, draft_folders
from generator.loader import content_listing, read_file, readable, site_file_path
from generator.model import Site, SiteConfig
from generator.parallel import context, usable_cores
from generator.schema import read_site_config

PARALLEL_LOAD_FROM = 2000  # content files; below this, more processes cost more than they save
RUNS_PER_WORKER = 4  # several runs each, so that a worker with heavy departments is not last alone


def can_load_in_parallel(root: Path, config: Path | None = None) -> list | None:
    """The content listing, when the portal is large enough and there are cores to use."""
    if not site_file_path(root, config).is_file() or usable_cores() < 2:
        return None
    listing = content_listing(root)
    return listing if len(listing) >= PARALLEL_LOAD_FROM else None


def _department_of(path: str, root: str) -> str:
    """The department folder a content file is in ("" for none): content/departments/CODE
    or content/regions/REGION/departments/CODE."""
    parts = path[len(root) + 1:].split("/")
    if len(parts) > 3 and parts[1] == "departments":
        return parts[2]
    if len(parts) > 5 and parts[1] == "regions" and parts[3] == "departments":
        return f"{parts[2]}-{parts[4]}"
    return ""


def _runs(listing: list, root: Path, count: int) -> list[tuple[int, int]]:
    """Index ranges of about equal size that never split a department."""
    size = max(1, len(listing) // count)
    runs, start = [], 0
    base = str(root)
    while start < len(listing):
        end = min(len(listing), start + size)
        while end < len(listing) and _department_of(listing[end][0], base) == _department_of(listing[end - 1][0], base) != "":
            end += 1
        runs.append((start, end))
        start = end
    return runs


def _load_run(task: tuple[Path, list, SiteConfig]):
    """One run, from its explicit inputs: the project root, its part of the listing, the
    site configuration."""
    root, run, config = task
    report = Report()
    content = [read_file(root, path) for path, _ in run]
    heads, disclosures, regions = assemble_content(content, report)
    found = []
    folders = draft_folders(d for items in disclosures.values() for d in items)
    if not blocking_errors(report.diagnostics, folders):  # the budget rules run only on files that all loaded (a draft's blanks aside)
        # (a department without its head is reported by the main process, which sees them all)
        found = run_checks(Site(config, make_departments(heads, disclosures, Report())))
    return heads, disclosures, regions, report.diagnostics, found


def load_in_parallel(root: Path, listing: list, report: Report, config: Path | None = None) -> tuple[Site | None, list]:
    """The site and the diagnostics of the budget rules (to be acknowledged by the caller);
    structure problems go to `report`."""
    root = Path(root)
    site_path = site_file_path(root, config)
    if config is None and not readable(root, site_path):
        return None, []  # the one-process path reports it
    site_file = read_file(root, str(site_path))
    settings = read_site_config(site_file.path, site_file.text_or_why(), report)
    if settings is None:
        return None, []
    workers = usable_cores()
    tasks = [(root, listing[start:end], settings) for start, end in _runs(listing, root, workers * RUNS_PER_WORKER)]
    with context().Pool(workers) as pool:
        results = pool.map(_load_run, tasks, chunksize=1)
    heads: dict = {}
    disclosures: dict[str, list] = {}
    regions: dict = {}
    checked: list = []
    for run_heads, run_disclosures, run_regions, diagnostics, found in results:
        heads.update(run_heads)
        regions.update(run_regions)
        for code, items in run_disclosures.items():
            disclosures.setdefault(code, []).extend(items)
        report.extend(diagnostics)
        checked.extend(found)
    return Site(settings, make_departments(heads, disclosures, report, regions)), checked
