"""Incremental builds (the dev server's): the same output as a clean build after each kind
of change, and only the pages a change touches are rendered again."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil

import pytest

from generator.build import BUILTIN_THEMES, CACHE_DIR, BuildCache, build
from generator.serve import DevSite

PROJECT = "content/departments/731/2025/projects/13070024P00000410006W.yaml"
OLD_NAME = "name: 2024 开展科技工作者助力乡村振兴经费\n"


@pytest.fixture
def portal(sample_copy):
    """The sample portal with the built-in theme copied into its themes/default/ (which then
    replaces the built-in one), so that a template edit is an edit of the portal's files."""
    shutil.copytree(BUILTIN_THEMES / "default", sample_copy / "themes" / "default")
    return sample_copy


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(root, output):
    """A build that keeps nothing from earlier ones: no record of loads or departments."""
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    return build(root, output)


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def rename_project(root):
    edit(root / PROJECT, OLD_NAME, "name: 改过名的项目\n")


def add_project(root):
    source = root / PROJECT
    target = source.with_name("P-NEW.yaml")
    text = source.read_text(encoding="utf-8").replace("code: 13070024P00000410006W\n", "").replace("seq: 1\n", "seq: 27\n")
    target.write_text(text, encoding="utf-8")
    # keep 项目支出 in agreement: the new project has the same 预算数 as the one it copies
    return target


def remove_project(root):
    (root / "content/departments/569301/2022/projects/p12.yaml").unlink()


def move_project(root):
    old = root / "content/departments/569301/2022/projects/p11.yaml"
    old.rename(old.with_name("p11-renamed.yaml"))


def edit_template(root):
    edit(root / "themes/default/templates/project.html", "<h2>{{ t.purpose }}</h2>", "<h2>{{ t.purpose }}（用途）</h2>")


def edit_site_yaml(root):
    edit(root / "site.yaml", "title: 部门预算公开平台（示例）", "title: 部门预算公开平台")


def turn_precompression_off(root):
    edit(root / "site.yaml", "theme: default\n", "theme: default\nprecompress: false\n")


def change_budget(root):
    # a targets-only disclosure (no 项目支出 to agree with): the home and year pages' headline changes
    edit(root / "content/departments/569301/2022/projects/p01.yaml", "budget: 315.00\nfiscal_funds: 315.00\n",
         "budget: 316.00\nfiscal_funds: 316.00\n")


CHANGES = {
    "project edited": rename_project,
    "project budget edited": change_budget,
    "project removed": remove_project,
    "project renamed (file)": move_project,
    "template edited": edit_template,
    "site.yaml edited": edit_site_yaml,
    "precompressed copies turned off": turn_precompression_off,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_incremental_build_equals_clean_build(portal, tmp_path, change):
    cache = BuildCache()
    incremental = tmp_path / "incremental"
    build(portal, incremental, cache=cache)
    change(portal)
    build(portal, incremental, cache=cache)
    clean = tmp_path / "clean"
    clean_build(portal, clean)
    assert tree(incremental) == tree(clean)


def test_project_added_equals_clean_build(portal, tmp_path):
    # An added project also changes 项目支出's agreement, which the check reports; this test
    # adds one to a targets-only disclosure (no standard tables) to keep the build clean.
    cache = BuildCache()
    incremental = tmp_path / "incremental"
    build(portal, incremental, cache=cache)
    source = portal / "content/departments/569301/2022/projects/p01.yaml"
    text = source.read_text(encoding="utf-8").replace("seq: 1\n", "seq: 13\n").replace(
        "name: 第三批天津市青年人才托举工程第三年度培养经费", "name: 新增项目")
    (source.parent / "p13.yaml").write_text(text, encoding="utf-8")
    build(portal, incremental, cache=cache)
    clean = tmp_path / "clean"
    clean_build(portal, clean)
    assert tree(incremental) == tree(clean)
    assert (incremental / "departments/569301/2022/projects/p13/index.html").is_file()


def test_a_template_change_re_renders_the_pages_that_use_it(portal, tmp_path):
    cache = BuildCache()
    build(portal, tmp_path / "out", cache=cache)
    edit_template(portal)
    result = build(portal, tmp_path / "out", cache=cache)
    assert len(result.rendered) == 58
    assert all("/projects/" in path for path in result.rendered)


def test_the_dev_server_makes_no_compressed_copies(portal):
    """Its own server sends the files as they are, so the .gz and .br copies a published
    site has (site.yaml leaves precompress on) would go unread: it makes none."""
    site = DevSite(portal, "http://127.0.0.1:0/")
    try:
        assert site.rebuild(force=True) and site.status.ok
        files = [p.relative_to(site.output).as_posix() for p in site.output.rglob("*") if p.is_file()]
        assert "index.html" in files and "search/all/meta.json" in files
        assert [path for path in files if path.endswith((".gz", ".br"))] == []
    finally:
        site.close()


def test_changes_that_arrive_together_cause_one_rebuild(portal):
    site = DevSite(portal, "http://127.0.0.1:0/")
    try:
        assert site.rebuild(force=True)
        first = site.status.generation
        rename_project(portal)
        edit(portal / "content/departments/731/department.yaml", "region: 河北省张家口市", "region: 河北省 张家口市")
        assert site.rebuild()  # one build sees both changes
        assert site.status.generation == first + 1 and site.status.ok
        assert not site.rebuild()  # nothing new: no second build
        assert site.status.generation == first + 1
    finally:
        site.close()


def add_targets_only_project(root):
    source = root / "content/departments/569301/2022/projects/p01.yaml"
    text = source.read_text(encoding="utf-8").replace("seq: 1\n", "seq: 13\n").replace(
        "name: 第三批天津市青年人才托举工程第三年度培养经费", "name: 新增项目")
    (source.parent / "p13.yaml").write_text(text, encoding="utf-8")


def edit_department(root):
    edit(root / "content/departments/731/department.yaml", "region: 河北省张家口市", "region: 河北省 张家口市")


WATCHED_CHANGES = dict(CHANGES, **{"project added": add_targets_only_project, "department.yaml edited": edit_department})


def backdate(root):
    """Every file of the portal a minute older. The polling watcher compares modification
    times in whole seconds: an edit in the second the portal was copied would go unseen."""
    for path in root.rglob("*"):
        if path.is_file():
            stamp = path.stat().st_mtime - 60
            os.utime(path, (stamp, stamp))


@pytest.mark.parametrize("polling", [False, True], ids=["system notifications", "polling (no inotify)"])
@pytest.mark.parametrize("change", WATCHED_CHANGES.values(), ids=WATCHED_CHANGES.keys())
def test_dev_server_build_of_the_paths_the_watcher_names_equals_a_fresh_one(portal, change, polling):
    """The dev server looks only at the paths the watcher reports; its site must still be
    the one a fresh dev server builds, whether the system notifies or the watcher polls."""
    from generator.watch import SourceWatcher

    if polling:
        backdate(portal)
    site, fresh = DevSite(portal, "http://127.0.0.1:0"), DevSite(portal, "http://127.0.0.1:0")
    seen: queue.Queue = queue.Queue()
    watcher = SourceWatcher(site.watched_paths(), seen.put, force_polling=polling)
    try:
        assert site.rebuild(force=True)
        watcher.start()
        assert watcher.ready.wait(10)
        change(portal)
        changed = seen.get(timeout=20)
        while True:  # all that one change brings, as the server's queue gathers it
            try:
                more = seen.get(timeout=0.5)
            except queue.Empty:
                break
            changed = None if changed is None or more is None else changed | more
        assert changed is None or changed, "the watcher named no path"
        assert site.rebuild(known_change=True, changed=changed) and site.status.ok
        assert fresh.rebuild(force=True) and fresh.status.ok
        assert tree(site.output) == tree(fresh.output)
    finally:
        watcher.stop()
        site.close()
        fresh.close()


# ---- a fresh process: the per-department record on disk (generator/department_cache.py) ----


def edit_theme_static(root):
    css = root / "themes/default/static/site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* 改 */\n", encoding="utf-8")


def add_department(root):
    shutil.copytree(root / "content/departments/405001", root / "content/departments/405002")
    edit(root / "content/departments/405002/department.yaml", "name: ", "name: 复制的")


def remove_department(root):
    shutil.rmtree(root / "content/departments/405001")


FRESH_CHANGES = dict(WATCHED_CHANGES, **{
    "theme static file edited": edit_theme_static,
    "department added": add_department,
    "department removed": remove_department,
})


@pytest.mark.parametrize("change", FRESH_CHANGES.values(), ids=FRESH_CHANGES.keys())
def test_a_fresh_process_build_after_a_change_equals_a_clean_build(portal, tmp_path, change):
    """A command-line build into the output of the last one keeps the departments whose
    inputs did not change; what it writes is what a clean build writes."""
    build(portal, tmp_path / "out")
    change(portal)
    result = build(portal, tmp_path / "out")
    clean = clean_build(portal, tmp_path / "clean")
    assert tree(tmp_path / "out") == tree(tmp_path / "clean")
    assert [d.format() for d in result.report.sorted()] == [d.format() for d in clean.report.sorted()]


@pytest.fixture
def rendered(monkeypatch):
    """The paths of the pages rendered (the sample renders in one process)."""
    from generator import render

    paths: list[str] = []
    real = render.render_page

    def record(env, page):
        paths.append(page.path)
        return real(env, page)

    monkeypatch.setattr(render, "render_page", record)
    return paths


def test_a_fresh_process_renders_only_the_edited_department(portal, tmp_path, rendered, monkeypatch):
    from generator import downloads

    made: list[str] = []
    real = downloads.job_files

    def job_files(job, *args, **kwargs):
        made.append(job[0].ref)
        return real(job, *args, **kwargs)

    monkeypatch.setattr(downloads, "job_files", job_files)
    from generator.search import static

    scopes: list[str] = []
    real_written = static.ScopeIndex.written
    monkeypatch.setattr(static.ScopeIndex, "written",
                        staticmethod(lambda prefix, *args: scopes.append(prefix) or real_written(prefix, *args)))
    build(portal, tmp_path / "out")
    assert "search/405001-2026/" in scopes
    assert any(path.startswith("departments/405001/") for path in rendered) and "405001" in made
    rendered.clear()
    made.clear()
    scopes.clear()
    rename_project(portal)
    result = build(portal, tmp_path / "out")
    assert sorted(result.rendered) == sorted(rendered)  # what the build says it rendered
    assert any(path.startswith("departments/731/") for path in rendered)
    assert not any(path.startswith(("departments/405001/", "departments/569301/")) for path in rendered)
    assert set(made) == {"731"}  # the downloads too
    assert scopes and {scope for scope in scopes if not scope.startswith(("search/731-", "search/all/"))} == set()
    clean_build(portal, tmp_path / "clean")
    assert tree(tmp_path / "out") == tree(tmp_path / "clean")


def test_a_fresh_process_makes_the_views_of_the_edited_department_only(portal, tmp_path, monkeypatch):
    """The page list names every page, but a page's charts, its comparison with the year
    before and a project's view of its disclosure are made only if the page is rendered."""
    from generator import charts, compare, pages

    made: list[tuple[str, str]] = []

    def counted(name, real):
        def call(*args):
            made.append((name, str(args[-1].folder if name != "project" else args[0].folder)))
            return real(*args)
        return call

    monkeypatch.setattr(charts, "disclosure_charts", counted("charts", charts.disclosure_charts))
    monkeypatch.setattr(compare, "compare", counted("compare", compare.compare))
    monkeypatch.setattr(pages, "disclosure_for_project", counted("project", pages.disclosure_for_project))
    build(portal, tmp_path / "out")
    assert {name for name, _ in made} >= {"charts", "project"}
    assert {folder.split("/")[2] for _, folder in made} >= {"731", "405001"}  # a clean build makes them all
    made.clear()
    rename_project(portal)
    build(portal, tmp_path / "out")
    assert made and {folder.split("/")[2] for _, folder in made} == {"731"}
    clean_build(portal, tmp_path / "clean")
    assert tree(tmp_path / "out") == tree(tmp_path / "clean")


def test_the_departments_kept_by_one_edit_build_are_kept_by_the_next(portal, tmp_path, rendered):
    """The record an edit build writes names the departments it kept with their files'
    fingerprints, so that a second edit, elsewhere, renders only its own department."""
    build(portal, tmp_path / "out")
    rename_project(portal)
    build(portal, tmp_path / "out")
    rendered.clear()
    change_budget(portal)
    build(portal, tmp_path / "out")
    assert any(path.startswith("departments/569301/") for path in rendered)
    assert not any(path.startswith(("departments/405001/", "departments/731/")) for path in rendered)
    clean_build(portal, tmp_path / "clean")
    assert tree(tmp_path / "out") == tree(tmp_path / "clean")


def test_a_page_edited_by_hand_makes_its_department_again(portal, tmp_path, rendered):
    build(portal, tmp_path / "out")
    page = tmp_path / "out/departments/405001/index.html"
    page.write_bytes(page.read_bytes().replace(b"</main>", b"<p>hand</p></main>"))
    rendered.clear()
    build(portal, tmp_path / "out", strict=True)  # another option: the inputs differ, so this is a real build
    assert "departments/405001/" in rendered
    clean_build(portal, tmp_path / "clean")
    assert tree(tmp_path / "out") == tree(tmp_path / "clean")


@pytest.mark.parametrize("damage", ["not json", '{"format": 1, "departments": {"405001": ["x", {"a": 1}]}}',
                                    '{"format": 3, "departments": {"405001": ["x", {"a": 1}]}}', "forged fingerprints",
                                    "a rewritten output"])
def test_a_damaged_or_forged_record_is_never_trusted(portal, tmp_path, rendered, damage):
    from generator import department_cache
    from generator.writer import MARKER, Entry, manifest_bytes, read_manifest

    build(portal, tmp_path / "out")
    record = department_cache.record_path(portal / CACHE_DIR, tmp_path / "out")
    if damage == "forged fingerprints":  # the right keys, but files the output does not hold
        data = json.loads(record.read_text(encoding="utf-8"))
        for files in data["departments"].values():
            files[1] = "0" * 40
        record.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "a rewritten output":  # each department's page changed with its manifest: verified, not what was made
        manifest = read_manifest(tmp_path / "out")
        assert manifest is not None
        for ref in ("405001", "569301", "731"):
            page = tmp_path / f"out/departments/{ref}/index.html"
            page.write_bytes(page.read_bytes().replace(b"</main>", b"<p>other</p></main>"))
            data = page.read_bytes()
            manifest[f"departments/{ref}/index.html"] = Entry(hashlib.sha1(data).hexdigest(), len(data))
        (tmp_path / "out" / MARKER).write_bytes(manifest_bytes(manifest))
    else:
        record.write_text(damage, encoding="utf-8")
    rendered.clear()
    build(portal, tmp_path / "out", strict=True)
    assert {"departments/405001/", "departments/569301/", "departments/731/"} <= set(rendered)
    clean_build(portal, tmp_path / "clean")
    assert tree(tmp_path / "out") == tree(tmp_path / "clean")


def test_the_key_covers_the_generator_and_the_templates(tmp_path, monkeypatch):
    from conftest import ROOT

    from generator import department_cache
    from generator.build import load_site
    from generator.diagnostics import Report
    from generator.render import load_strings

    site = load_site(ROOT, Report())
    strings = load_strings(site.config.language)
    generator = tmp_path / "generator"
    shutil.copytree(department_cache._GENERATOR, generator, ignore=shutil.ignore_patterns("__pycache__"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "footer.html").write_text("<footer></footer>\n", encoding="utf-8")
    monkeypatch.setattr(department_cache, "_GENERATOR", generator)
    first = department_cache.environment_key(site, strings, [templates], tmp_path)
    assert department_cache.environment_key(site, strings, [templates], tmp_path) == first
    (generator / "views.py").write_text((generator / "views.py").read_text(encoding="utf-8") + "\n# a new version\n", encoding="utf-8")
    second = department_cache.environment_key(site, strings, [templates], tmp_path)
    assert second != first
    (templates / "footer.html").write_text("<footer>改</footer>\n", encoding="utf-8")
    assert department_cache.environment_key(site, strings, [templates], tmp_path) != second


def test_a_build_told_which_files_changed_lists_nothing_else(portal, tmp_path, monkeypatch):
    """build(..., changed=paths), the dev server's way in: the content folder is not walked
    again, and the result says which pages were rendered."""
    from generator import loader

    cache = BuildCache()
    build(portal, tmp_path / "out", cache=cache)
    walks: list[str] = []
    real = loader._content_files
    monkeypatch.setattr(loader, "_content_files", lambda folder: walks.append(str(folder)) or real(folder))
    rename_project(portal)
    result = build(portal, tmp_path / "out", cache=cache, changed={str(portal / PROJECT)})
    assert walks == []
    # the other projects of that year keep their pages: each one's view of the disclosure is unchanged
    assert sorted(result.rendered) == ["departments/731/", "departments/731/2025/",
                                       "departments/731/2025/projects/13070024P00000410006W/"]
    build(portal, tmp_path / "out", cache=cache, changed=None)  # not known: everything is looked at
    assert walks
