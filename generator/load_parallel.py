"""Read, assemble and check a portal department by department, on every core when it is large.

The content files are cut into runs, one a department (and one for the files between
departments, such as region.yaml). Each run's load is a pure function of its files and
the site configuration, so a command-line build keeps it on disk (department_cache's
load records) and the next build reads and checks again only the runs whose files
changed. The runs to read are shared among worker processes (fork or spawn, see
generator/parallel.py), each given its runs' explicit inputs (the project root, the
runs' part of the listing, the site configuration, the messages' language), which send
back each run's heads, disclosures and diagnostics. The main process puts the
departments together exactly as `assemble` does, so the model, the diagnostics and
their order are the same as in one process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from generator import department_cache
from generator.assemble import assemble_content, make_departments
from generator.checks import run_checks
from generator.diagnostics import Report
from generator.drafts import blocking_errors, draft_folders
from generator.loader import read_file, readable, site_file_path, source_file
from generator.messages import current_language, set_language
from generator.model import Site, SiteConfig
from generator.parallel import usable_cores, worker_pool
from generator.schema import read_site_config

PARALLEL_LOAD_FROM = 2000  # content files; below this, more processes cost more than they save
RUNS_PER_WORKER = 4  # several runs each, so that a worker with heavy departments is not last alone


def worth_workers(files: int) -> bool:
    """Whether loading this many content files on workers saves more than it costs."""
    return usable_cores() >= 2 and files >= PARALLEL_LOAD_FROM


def _department_of(path: str, root: str) -> str:
    """The department folder a content file is in ("" for none): content/departments/CODE
    or content/regions/REGION/departments/CODE."""
    parts = path[len(root) + 1:].split("/")
    if len(parts) > 3 and parts[1] == "departments":
        return parts[2]
    if len(parts) > 5 and parts[1] == "regions" and parts[3] == "departments":
        return f"{parts[2]}-{parts[4]}"
    return ""


def _groups(listing: list, root: Path) -> list[list]:
    """The listing cut where the department changes: each department's files, and the
    files between departments, as consecutive runs in listing order."""
    groups: list[list] = []
    base, last = str(root), None
    for item in listing:
        folder = _department_of(item[0], base)
        if not groups or folder != last:
            groups.append([])
        groups[-1].append(item)
        last = folder
    return groups


def _load_group(root: Path, group: list, config: SiteConfig, data: list[bytes] | None = None) -> tuple:
    """Read, assemble and check one run of content files: (heads, disclosures, regions,
    structure diagnostics, budget rules' diagnostics). `data`: their bytes, when read already."""
    report = Report()
    if data is None:
        content = [read_file(root, path) for path, _ in group]
    else:
        content = [source_file(root, path, raw) for (path, _), raw in zip(group, data)]
    heads, disclosures, regions = assemble_content(content, report)
    found = []
    folders = draft_folders(d for items in disclosures.values() for d in items)
    if not blocking_errors(report.diagnostics, folders):  # the budget rules run only on files that all loaded (a draft's blanks aside)
        # (a department without its head is reported by the main process, which sees them all)
        found = run_checks(Site(config, make_departments(heads, disclosures, Report())))
    return heads, disclosures, regions, report.diagnostics, found


def _load_groups(root: Path, groups: list[list], config: SiteConfig, records: department_cache.Records | None,
                 shared: str | None) -> list[tuple[str | None, tuple | None]]:
    """Each run's content key and load; with `records`, the key is made from the bytes read,
    a run with a record under it is not loaded here (None: the caller reads the record),
    and a run loaded is kept under it."""
    results: list[tuple[str | None, tuple | None]] = []
    for group in groups:
        if records is None or shared is None:
            results.append((None, _load_group(root, group, config)))
            continue
        data = [Path(path).read_bytes() for path, _ in group]
        key = department_cache.content_key(shared, [(path, raw) for (path, _), raw in zip(group, data)])
        if records.has(key):
            results.append((key, None))
            continue
        result = _load_group(root, group, config, data)
        records.put(key, department_cache.pickle_load(result))
        results.append((key, result))
    return results


def _load_task(task: tuple[Path, list, SiteConfig, str, department_cache.Records | None, str | None]) -> list[tuple]:
    """Some runs, in a worker, from their explicit inputs (the project root, the runs' part
    of the listing, the site configuration, the messages' language, where to keep the
    records and what their keys share)."""
    root, groups, config, language, records, shared = task
    set_language(language)
    return _load_groups(root, groups, config, records, shared)


def _load_missing(root: Path, groups: list[list], config: SiteConfig, records, shared: str | None) -> list[tuple]:
    """The content keys and loads of `groups`, on every core when they are many files."""
    if len(groups) < 2 or not worth_workers(sum(len(group) for group in groups)):
        return _load_groups(root, groups, config, records, shared)
    workers = usable_cores()
    tasks = [(root, groups[start:end], config, current_language(), records, shared)
             for start, end in _group_runs(groups, workers * RUNS_PER_WORKER)]
    return _load_on_workers(tasks, workers)


def _load_on_workers(tasks: list, workers: int) -> list[tuple]:
    with worker_pool(workers) as pool:
        return [result for results in pool.map(_load_task, tasks) for result in results]


def _group_runs(groups: list[list], count: int) -> list[tuple[int, int]]:
    """Index ranges of the groups, of about equal numbers of files."""
    size = max(1, sum(len(group) for group in groups) // count)
    runs, start, files = [], 0, 0
    for index, group in enumerate(groups):
        files += len(group)
        if files >= size:
            runs.append((start, index + 1))
            start, files = index + 1, 0
    if start < len(groups):
        runs.append((start, len(groups)))
    return runs


@dataclass
class Loaded:
    """A loaded portal: the site (None when site.yaml is broken), the budget rules'
    diagnostics (to be acknowledged by the caller), and each department's load key (see
    department_cache; empty without records)."""

    site: Site | None
    checked: list
    load_keys: dict[str, str]


def load_departments(root: Path, listing: list, report: Report, config: Path | None = None,
                     records: department_cache.Records | None = None) -> Loaded:
    """Every department read and checked on its own (on every core when there are many),
    or taken from its load record when its files are unchanged; structure problems go to
    `report`, in the order one process finds them."""
    root = Path(root)
    site_path = site_file_path(root, config)
    if config is None and not readable(root, site_path):
        return Loaded(None, [], {})  # the one-process path reports it
    site_file = read_file(root, str(site_path))
    settings = read_site_config(site_file.path, site_file.text_or_why(), report)
    if settings is None:
        return Loaded(None, [], {})
    groups = _groups(listing, root)
    shared = department_cache.loading_key(settings, department_cache.generator_digest()) if records is not None else None
    stats, keys, found = _known_loads(records, shared, groups)
    missing = [i for i, result in enumerate(found) if result is None]
    for i, (key, result) in zip(missing, _load_missing(root, [groups[i] for i in missing], settings, records, shared)):
        keys[i] = key
        found[i] = result if result is not None else _recorded(records, key)
    again = [i for i, result in enumerate(found) if result is None]  # its record is damaged, or not a load
    for i, (_, result) in zip(again, _load_missing(root, [groups[i] for i in again], settings, None, None)):
        found[i] = result
        if records is not None and keys[i] is not None:
            records.put(keys[i], department_cache.pickle_load(result))
    if records is not None:
        records.keep_only({key for key in keys if key is not None})
        department_cache.KeyIndex(records).write({stat: key for stat, key in zip(stats, keys) if stat and key})
    return _merge(settings, found, keys, report)


def _known_loads(records: department_cache.Records | None, shared: str | None, groups: list[list]) -> tuple[list, list, list]:
    """Each run's stat key, its content key when the index knows that stat, and the load
    recorded under it (None for each that is not known)."""
    if records is None or shared is None:
        return [None] * len(groups), [None] * len(groups), [None] * len(groups)
    index = department_cache.KeyIndex(records).read()
    now = time.time_ns()
    stats = [department_cache.stat_key(shared, group, now) for group in groups]
    keys = [index.get(stat) if stat is not None else None for stat in stats]
    return stats, keys, [_recorded(records, key) for key in keys]


def _recorded(records: department_cache.Records | None, key: str | None) -> tuple | None:
    data = records.get(key) if records is not None and key is not None else None
    return None if data is None else department_cache.unpickle_load(data)


def _merge(settings: SiteConfig, results: list, keys: list, report: Report) -> Loaded:
    heads: dict = {}
    disclosures: dict[str, list] = {}
    regions: dict = {}
    checked: list = []
    load_keys: dict[str, str] = {}
    for (run_heads, run_disclosures, run_regions, diagnostics, found), key in zip(results, keys):
        heads.update(run_heads)
        regions.update(run_regions)
        for code, items in run_disclosures.items():
            disclosures.setdefault(code, []).extend(items)
        if key is not None:
            load_keys.update((ref, key) for ref in (*run_heads, *run_disclosures))
        report.extend(diagnostics)
        checked.extend(found)
    return Loaded(Site(settings, make_departments(heads, disclosures, report, regions)), checked, load_keys)
