"""The load records a command-line build keeps (department_cache): a department whose
files did not change is neither read nor checked again, and gives the very model and
diagnostics a fresh load gives; a record is never trusted to run code."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, copy_portal

from generator import department_cache, load_parallel
from generator.build import CACHE_DIR, build, load_site
from generator.diagnostics import Report
from generator.messages import current_language, set_language

INVALID = Path(__file__).parent / "invalid"
PROJECT = "content/departments/731/2025/projects/13070024P00000410006W.yaml"


@pytest.fixture
def loaded_runs(monkeypatch):
    """The department folder of every run of files read (in this process: the sample is small)."""
    folders: list[str] = []
    real = load_parallel._load_group

    def load_group(root, group, config, *rest):
        folders.append(load_parallel._department_of(group[0][0], str(root)))
        return real(root, group, config, *rest)

    monkeypatch.setattr(load_parallel, "_load_group", load_group)
    return folders


def _load(root: Path, records=None):
    report, keys = Report(), {}
    site = load_site(root, report, records=records, load_keys=keys)
    return site, [d.format() for d in report.sorted()], keys


def _records(root: Path) -> department_cache.Records:
    return department_cache.Records(root / CACHE_DIR / "loads")


@pytest.mark.parametrize("source", [ROOT, *sorted(p for p in INVALID.iterdir() if (p / "site.yaml").is_file())],
                         ids=lambda path: path.name)
def test_a_load_from_records_equals_a_fresh_load(source, tmp_path, loaded_runs):
    root = copy_portal(source, tmp_path / "portal")
    expected_site, expected, _ = _load(root)
    loaded_runs.clear()
    first_site, first, keys = _load(root, _records(root))
    assert loaded_runs, "nothing was read"
    loaded_runs.clear()
    site, found, again = _load(root, _records(root))
    assert loaded_runs == [], "a run was read again although none of its files changed"
    assert (site, found) == (first_site, first) == (expected_site, expected)
    assert again == keys and (site is None or set(keys) >= {dept.ref for dept in site.departments})


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("edit", ["a project renamed", "a figure that breaks a sum"])
def test_check_reads_the_kept_loads_and_writes_nothing(sample_copy, tmp_path, loaded_runs, capsys, edit):
    """disclose check after a build reads again only the edited department, reports what a
    check with nothing kept reports, and leaves the project as it found it (no record
    written, none removed, keys.json as it was)."""
    from generator.cli import main

    build(sample_copy, tmp_path / "out")
    path = sample_copy / PROJECT
    old, new = ("name: 2024 开展", "name: 2024年开展") if edit == "a project renamed" else ("budget: ", "budget: 1")
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    (sample_copy / CACHE_DIR / "loads" / "unused.pickle").write_bytes(b"not a record")  # not removed by a check
    before = _snapshot(sample_copy)
    loaded_runs.clear()
    code = main(["check", "--source", str(sample_copy), "--format", "json"])
    kept = capsys.readouterr().out
    assert loaded_runs == ["731"]
    assert _snapshot(sample_copy) == before
    shutil.rmtree(sample_copy / CACHE_DIR)
    assert main(["check", "--source", str(sample_copy), "--format", "json"]) == code
    assert capsys.readouterr().out == kept
    assert (code == 0) == (edit == "a project renamed")


def test_only_the_edited_department_is_read_again(sample_copy, tmp_path, loaded_runs):
    build(sample_copy, tmp_path / "out")
    loaded_runs.clear()
    path = sample_copy / PROJECT
    path.write_text(path.read_text(encoding="utf-8").replace("name: 2024 开展", "name: 2024年开展", 1), encoding="utf-8")
    build(sample_copy, tmp_path / "out")
    assert loaded_runs == ["731"]


def test_a_file_changed_within_its_time_stamp_is_recognised_by_content(tmp_path):
    """The same size, times and inode (a second change within one tick of a coarse clock):
    a file that recent has no stat key, so it is read and known by its content; an older
    one has a stat key, which the content does not change."""
    path = tmp_path / "p.yaml"
    path.write_text("name: 一\n", encoding="utf-8")
    now = 10**18

    def stat(changed_ns: int) -> os.stat_result:  # mode, ino, dev, nlink, uid, gid, size, 3 times in s, in float, in ns
        return os.stat_result((0o100644, 7, 1, 1, 0, 0, path.stat().st_size, 0, 0, 0, 0.0, 0.0, 0.0, 0, changed_ns, changed_ns))

    recent, old = stat(now - 10**9), stat(now - 10**10)
    assert (recent.st_mtime_ns, recent.st_ctime_ns) == (now - 10**9, now - 10**9)
    assert department_cache.stat_key("shared", [(str(path), recent)], now) is None
    before_old = department_cache.stat_key("shared", [(str(path), old)], now)
    before_content = department_cache.content_key("shared", [(str(path), path.read_bytes())])
    path.write_text("name: 二\n", encoding="utf-8")
    assert department_cache.stat_key("shared", [(str(path), old)], now) == before_old  # not read: trusted by its stat
    assert department_cache.content_key("shared", [(str(path), path.read_bytes())]) != before_content


def test_a_checkout_that_touches_unchanged_files_reads_them_but_loads_none(sample_copy, loaded_runs, monkeypatch):
    """Files rewritten with the same bytes (a branch switched and back): their stat is new,
    so they are read and hashed, and their loads are taken from the records all the same;
    after that build, the stat is known again and they are not even read."""
    monkeypatch.setattr(department_cache, "TRUST_AFTER_NS", 0)  # a copy this fresh would be too recent to index
    _, expected, keys = _load(sample_copy, _records(sample_copy))
    index = department_cache.KeyIndex(_records(sample_copy)).read()
    assert index and set(index.values()) == set(keys.values())
    for path in (sample_copy / "content").rglob("*.yaml"):
        path.write_bytes(path.read_bytes())
    loaded_runs.clear()
    reads = _count_reads(sample_copy)
    _, found, again = _load(sample_copy, _records(sample_copy))
    assert loaded_runs == [] and found == expected and again == keys
    assert reads() > 0, "the touched files were not read"
    reads = _count_reads(sample_copy)
    _load(sample_copy, _records(sample_copy))
    assert loaded_runs == [] and reads() == 0, "files known by their stat were read"


def _count_reads(root: Path):
    """How many content files are read as bytes from now on."""
    real, count = Path.read_bytes, []

    def read_bytes(self):
        if str(self).startswith(str(root / "content")):
            count.append(self)
        return real(self)

    patch = pytest.MonkeyPatch()
    patch.setattr(Path, "read_bytes", read_bytes)

    def reads() -> int:
        patch.undo()
        return len(count)
    return reads


class _Planted:
    def __reduce__(self):
        return (os.mkdir, (self.target,))

    def __init__(self, target: str):
        self.target = target


def test_a_planted_record_cannot_run_code(sample_copy, tmp_path, loaded_runs):
    build(sample_copy, tmp_path / "out")
    planted = tmp_path / "planted"
    records = list((sample_copy / CACHE_DIR / "loads").glob("*.pickle"))
    assert records
    for record in records:  # under the right names and checksums: only the unpickler stands in the way
        _records(sample_copy).put(record.stem, pickle.dumps(({}, {}, {}, [_Planted(str(planted))], [])))
    loaded_runs.clear()
    build(sample_copy, tmp_path / "again")
    assert not planted.exists()
    assert len(loaded_runs) == len(records), "a planted record was taken for a load"
    assert tree(tmp_path / "again") == tree(tmp_path / "out")


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_damaged_record_is_read_again(sample_copy, loaded_runs):
    _, expected, _ = _load(sample_copy, _records(sample_copy))
    for number, record in enumerate((sample_copy / CACHE_DIR / "loads").glob("*.pickle")):
        data = bytearray(record.read_bytes())
        if number % 2:
            data[-40] ^= 1  # one bit: the checksum no longer matches
        else:
            data = data[:100]  # cut short
        record.write_bytes(bytes(data))
    loaded_runs.clear()
    site, found, _ = _load(sample_copy, _records(sample_copy))
    assert sorted(loaded_runs) == ["405001", "569301", "731"] and found == expected


def test_records_no_load_used_are_removed(sample_copy):
    _load(sample_copy, _records(sample_copy))
    folder = sample_copy / CACHE_DIR / "loads"
    before = set(folder.iterdir())
    (sample_copy / PROJECT).write_text((sample_copy / PROJECT).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _load(sample_copy, _records(sample_copy))
    after = set(folder.iterdir())
    assert len(after) == len(before) and len(after - before) == 1


def test_the_load_key_covers_the_generator_the_settings_and_the_language(tmp_path, monkeypatch):
    site, _, _ = _load(ROOT)
    generator = tmp_path / "generator"
    shutil.copytree(department_cache._GENERATOR, generator, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(department_cache, "_GENERATOR", generator)
    first = department_cache.loading_key(site.config, department_cache.generator_digest())
    assert department_cache.loading_key(site.config, department_cache.generator_digest()) == first
    (generator / "schema.py").write_text((generator / "schema.py").read_text(encoding="utf-8") + "\n# a new version\n",
                                         encoding="utf-8")
    newer = department_cache.generator_digest()
    assert department_cache.loading_key(site.config, newer) != first
    other = dataclasses.replace(site.config, title="另一个标题")
    assert department_cache.loading_key(other, newer) != department_cache.loading_key(site.config, newer)
    language = current_language()
    try:
        set_language("zh-CN")
        chinese = department_cache.loading_key(site.config, newer)
        set_language("en")
        assert department_cache.loading_key(site.config, newer) != chinese
    finally:
        set_language(language)


def test_the_site_search_scope_is_joined_from_kept_postings(sample_copy, tmp_path, monkeypatch):
    """After one edit, only the edited department's documents are tokenized; the site's
    scope joined from the others' kept postings is the one a clean build makes."""
    from generator.search import static

    def watch() -> list[str]:
        tokenized: list[str] = []
        real = static.doc_terms
        monkeypatch.setattr(static, "doc_terms", lambda doc: tokenized.append(doc.dept_code) or real(doc))
        return tokenized

    assert set(_one_edit_then_clean(sample_copy, tmp_path, "postings", watch)) == {"731"}


def _one_edit_then_clean(root: Path, tmp_path: Path, records: str, watch) -> list[str]:
    """Build (three records kept in `records`), edit one project of department 731, build
    into the same output, and check it against a clean build's. What `watch()`'s list
    gathered during the build after the edit."""
    build(root, tmp_path / "out")
    assert len(list((root / CACHE_DIR / records).glob("*.pickle"))) == 3
    seen = watch()
    path = root / PROJECT
    path.write_text(path.read_text(encoding="utf-8").replace("name: 2024 开展", "name: 2024年开展", 1), encoding="utf-8")
    build(root, tmp_path / "out")
    during = list(seen)
    shutil.rmtree(root / CACHE_DIR)
    build(root, tmp_path / "clean")
    assert tree(tmp_path / "out") == tree(tmp_path / "clean")
    return during


@pytest.mark.parametrize("pages_in_parallel_from", [1, 10**9], ids=["parallel", "serial"])
@pytest.mark.parametrize("damage", ["bytes", "count"])
def test_kept_postings_that_cannot_serve_are_made_again(sample_copy, tmp_path, monkeypatch, damage,
                                                        pages_in_parallel_from):
    """Kept postings are read only when they are joined. A record found damaged then, or
    counting other documents than its department has, is made again, and the site's
    scope is still the one a clean build makes."""
    from generator import render
    from generator.search import static

    monkeypatch.setattr(render, "PARALLEL_FROM", pages_in_parallel_from)
    folder = sample_copy / CACHE_DIR / "postings"
    records = department_cache.Records(folder)

    def damage_then_watch() -> list[str]:
        for path in folder.glob("*.pickle"):
            if damage == "bytes":
                data = path.read_bytes()
                path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
            else:
                count, terms = department_cache.unpickle_postings(records.get(path.stem))
                records.put(path.stem, department_cache.pickle_postings((count + 1, terms)))
        tokenized: list[str] = []
        real = static.doc_terms
        monkeypatch.setattr(static, "doc_terms", lambda doc: tokenized.append(doc.dept_code) or real(doc))
        return tokenized

    made = _one_edit_then_clean(sample_copy, tmp_path, "postings", damage_then_watch)
    # the two unedited departments' postings made again here (the edited one's, on a worker
    # when the pages render in parallel, are out of this process's sight)
    assert {"405001", "569301"} <= set(made)


def test_kept_postings_are_not_read_before_they_are_joined(sample_copy, tmp_path, monkeypatch):
    build(sample_copy, tmp_path / "out")
    read: list[str] = []
    real = department_cache.Records.get
    monkeypatch.setattr(department_cache.Records, "get", lambda self, key: read.append(key) or real(self, key))
    keys = {path.stem: path.stem for path in (sample_copy / CACHE_DIR / "postings").glob("*.pickle")}
    kept = department_cache.SitePostings(department_cache.Records(sample_copy / CACHE_DIR / "postings"), keys).kept()
    assert set(kept) == set(keys) and read == []
    assert all(kept[key].load() is not None for key in keys) and sorted(read) == sorted(keys)


def test_a_postings_record_of_anything_but_plain_data_is_a_miss(tmp_path):
    target = str(tmp_path / "planted")
    assert department_cache.unpickle_postings(pickle.dumps((1, {"项目": _Planted(target)}))) is None
    assert department_cache.unpickle_postings(pickle.dumps((_Planted(target), {}))) is None
    assert not (tmp_path / "planted").exists()
    assert department_cache.unpickle_postings(pickle.dumps((1, {"项目": (0, 0, 5)}))) is None
    good = (1, {"项目": (0, 0, ",0,0,[1]]")})
    assert department_cache.unpickle_postings(pickle.dumps(good)) == good


def _made_by(monkeypatch, module, name: str) -> list[str]:
    """The refs of the departments `module.name(dept, …)` is called for: those whose part is
    made, not taken as kept."""
    made: list[str] = []
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda dept, *rest: made.append(dept.ref) or real(dept, *rest))
    return made


def _bulk_made(monkeypatch) -> list[str]:
    """The departments whose rows of the bulk CSV files are made."""
    from generator import downloads

    return _made_by(monkeypatch, downloads, "_bulk_parts")


def test_the_bulk_files_are_joined_from_kept_lines(sample_copy, tmp_path, monkeypatch):
    """After one edit, only the edited department's rows of the bulk CSV files are made
    again; the bulk files and their zip joined from the others' kept lines are the ones a
    clean build makes."""
    assert set(_one_edit_then_clean(sample_copy, tmp_path, "bulk", lambda: _bulk_made(monkeypatch))) == {"731"}


def _forged_then_built(root: Path, tmp_path: Path, folder: str, forged, watch) -> list[str]:
    """Build; then in place of every record in `folder`, the bytes `forged()` gives, under the
    record's name and with a checksum that matches (None: the record's own bytes, damaged);
    then build into another output, which must be the first's, nothing planted having run.
    The departments `watch()`'s list gathered during the second build."""
    build(root, tmp_path / "out")
    records = department_cache.Records(root / CACHE_DIR / folder)
    for record in sorted((root / CACHE_DIR / folder).glob("*.pickle")):
        data = forged()
        if data is None:
            record.write_bytes(record.read_bytes()[:-1] + b"x")
        else:
            records.put(record.stem, data)
    made = watch()
    build(root, tmp_path / "again")
    assert not (tmp_path / "planted").exists()
    assert tree(tmp_path / "again") == tree(tmp_path / "out")
    return made


@pytest.mark.parametrize("planted", ["code", "shape", "damaged"])
def test_a_bulk_record_that_is_not_one_is_a_miss(sample_copy, tmp_path, monkeypatch, planted):
    target = str(tmp_path / "planted")
    forged = {"code": lambda: pickle.dumps({2025: {"income_summary": _Planted(target)}}),
              "shape": lambda: pickle.dumps({2025: {"income_summary": (None, b"1,2\r\n", b"")}}),
              "damaged": lambda: None}[planted]
    made = _forged_then_built(sample_copy, tmp_path, "bulk", forged, lambda: _bulk_made(monkeypatch))
    assert sorted(made) == ["405001", "569301", "731"]


def _documents_made(monkeypatch) -> list[str]:
    """The departments whose search documents are made."""
    from generator.search import documents

    return _made_by(monkeypatch, documents, "_department_documents")


def test_the_site_documents_are_listed_from_kept_records(sample_copy, tmp_path, monkeypatch):
    """After one edit, only the edited department's search documents are made again; the
    search index and pages listed from the others' kept documents are a clean build's."""
    assert _one_edit_then_clean(sample_copy, tmp_path, "documents", lambda: _documents_made(monkeypatch)) == ["731"]


@pytest.mark.parametrize("planted", ["code", "shape", "damaged", "a field of another type"])
def test_a_documents_record_that_is_not_one_is_a_miss(sample_copy, tmp_path, monkeypatch, planted):
    row = ("departments/731/", "department", "名称", "731", "正文", "731", "名称", 0, "", "摘要", "")
    target = str(tmp_path / "planted")
    forged = {"code": lambda: pickle.dumps([(_Planted(target),)]),
              "shape": lambda: pickle.dumps([row[:-1]]),
              "a field of another type": lambda: pickle.dumps([(*row[:7], "0", *row[8:])]),
              "damaged": lambda: None}[planted]
    made = _forged_then_built(sample_copy, tmp_path, "documents", forged, lambda: _documents_made(monkeypatch))
    assert sorted(made) == ["405001", "569301", "731"]


def test_a_documents_record_gives_back_the_documents_it_was_made_from(sample_copy):
    from generator.search.documents import site_documents

    site, _, _ = _load(sample_copy)
    docs = site_documents(site)
    assert department_cache.unpickle_documents(department_cache.pickle_documents(docs)) == docs
    assert department_cache.unpickle_documents(pickle.dumps(tuple(department_cache.pickle_documents(docs)))) is None
    year_as_flag = [(*row[:7], True, *row[8:]) for row in pickle.loads(department_cache.pickle_documents(docs))]
    assert department_cache.unpickle_documents(pickle.dumps(year_as_flag)) is None


def test_the_documents_records_of_keys_gone_are_removed(sample_copy, tmp_path):
    build(sample_copy, tmp_path / "out")
    folder = sample_copy / CACHE_DIR / "documents"
    before = set(folder.iterdir())
    path = sample_copy / PROJECT
    path.write_text(path.read_text(encoding="utf-8").replace("name: 2024 开展", "name: 2024年开展", 1), encoding="utf-8")
    build(sample_copy, tmp_path / "out")
    after = set(folder.iterdir())
    assert len(before) == len(after) == 3 and len(after - before) == 1
