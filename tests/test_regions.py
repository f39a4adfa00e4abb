"""A portal that spans regions: departments in region folders (content/regions/<行政区划代码>/),
identified by (region code, code), so that two counties' 306001 are two departments with
their own pages, search results, downloads and rebuilds."""

from __future__ import annotations

import copy
import csv
import io
import re

import pytest
from conftest import tiny_content

from generator.build import BuildCache, build, load_site
from generator.diagnostics import Report
from generator.load_parallel import _department_of
from generator.loader import content_listing
from generator.search.documents import site_documents
from generator.search.engine import search, write_index
from generator.search.static import search_page_info

ZJK, TS = "130700", "130200"
NAMES = {ZJK: "张家口市", TS: "唐山市"}
ONE = "content/departments/100"


def two_regions() -> dict:
    """The tiny site's department as 306001 in two region folders: 张家口's with both
    projects, 唐山's without P001 (so the two pages differ in their figures)."""
    files = {}
    for path, data in tiny_content().items():
        if not path.startswith(ONE):
            files[path] = data
            continue
        rest = path[len(ONE):]
        for region, name in NAMES.items():
            if region == TS and rest.endswith("/P001.yaml"):
                continue
            if rest == "/department.yaml":
                data = {key: value for key, value in data.items() if key != "region"}
                data = dict(data, name=f"{name}测试部门")
            files[f"content/regions/{region}/departments/306001{rest}"] = copy.deepcopy(data)
    for region, name in NAMES.items():
        files[f"content/regions/{region}/region.yaml"] = {"name": name}
    return files


def page(output, path: str) -> str:
    return (output / path / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def built(make_site, tmp_path):
    root = make_site(two_regions())
    output = tmp_path / "out"
    result = build(root, output)
    return root, output, result


def test_two_regions_306001_are_two_departments_with_their_own_pages(built):
    _, output, result = built
    assert [(d.region_code, d.code, d.region) for d in result.site.departments] == [(TS, "306001", "唐山市"), (ZJK, "306001", "张家口市")]
    zjk = text_of(page(output, f"regions/{ZJK}/departments/306001/2025"))
    ts = text_of(page(output, f"regions/{TS}/departments/306001/2025"))
    assert "张家口市测试部门" in zjk and "唐山市测试部门" in ts
    assert "10.00" in zjk and "5.50" in zjk and "15.50" in zjk  # both projects and their sum
    assert "10.00" not in ts and "5.50" in ts
    assert (output / f"regions/{ZJK}/departments/306001/2025/projects/P001/index.html").is_file()
    assert not (output / f"regions/{TS}/departments/306001/2025/projects/P001").exists()
    assert not (output / "departments").exists()
    # the breadcrumb passes through the region's page
    assert f'href="/portal/regions/{ZJK}/"' in page(output, f"regions/{ZJK}/departments/306001/2025/projects/P001")


def test_home_directory_groups_by_region_folder_and_region_pages_list_their_departments(built):
    _, output, _ = built
    home = page(output, "")
    groups = re.findall(r'<h3 id="region-\d+"><a href="/portal/regions/(\d+)/">(.+?)</a> <span class="meta">（(\d+) 个部门）', home)
    assert groups == [(TS, "唐山市", "1"), (ZJK, "张家口市", "1")]
    for region, name in NAMES.items():
        listed = page(output, f"regions/{region}")
        assert f"<h1>{name}</h1>" in listed
        links = set(re.findall(r'href="/portal/(regions/\d+/departments/\d+/)"', listed))
        assert links == {f"regions/{region}/departments/306001/"}


def test_search_finds_both_with_distinct_urls_and_filters_by_region_and_code(built, tmp_path):
    _, output, result = built
    docs = site_documents(result.site)
    directory = tmp_path / "index"
    write_index(directory, docs)
    paths = {hit.path for hit in search(directory, "示例项目", limit=None)}
    assert {f"regions/{ZJK}/departments/306001/2025/projects/P001/", f"regions/{ZJK}/departments/306001/2025/projects/p-nocode/",
            f"regions/{TS}/departments/306001/2025/projects/p-nocode/"} <= paths
    only = {hit.path for hit in search(directory, "示例项目", dept=f"{TS}-306001", limit=None)}
    assert only and all(path.startswith(f"regions/{TS}/") for path in only)
    info = search_page_info(docs)
    assert [d["code"] for d in info["departments"]] == [f"{TS}-306001", f"{ZJK}-306001"]
    assert (output / f"search/{ZJK}-306001-2025").is_dir() and (output / f"search/{TS}-306001-2025").is_dir()


def test_downloads_never_collide(built):
    _, output, _ = built
    for region in NAMES:
        folder = output / f"regions/{region}/departments/306001/2025/data"
        names = {p.name for p in folder.iterdir() if p.suffix in (".csv", ".zip")}
        assert f"{region}-306001-2025-three_public.csv" in names and f"{region}-306001-2025.zip" in names
    rows = list(csv.reader(io.StringIO((output / "data/three_public.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["行政区划代码", "部门编码", "部门名称"]
    assert {(row[0], row[1]) for row in rows[1:]} == {(TS, "306001"), (ZJK, "306001")}


def test_a_one_region_portal_keeps_its_bulk_columns(make_site, tmp_path):
    output = tmp_path / "out"
    build(make_site(tiny_content()), output)
    header = (output / "data/three_public.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("部门编码,部门名称,预算年度,")


def test_both_layouts_together(make_site, tmp_path):
    files = dict(two_regions(), **{path: data for path, data in tiny_content().items() if path.startswith(ONE)})
    output = tmp_path / "out"
    result = build(make_site(files), output)
    assert {d.ref for d in result.site.departments} == {"100", f"{TS}-306001", f"{ZJK}-306001"}
    assert (output / "departments/100/2025/index.html").is_file()
    home = page(output, "")
    assert 'href="/portal/regions/测试市/"' in home and f'href="/portal/regions/{ZJK}/"' in home


def test_an_edit_in_one_region_rebuilds_only_that_department(built, tmp_path):
    root, _, _ = built
    cache = BuildCache()
    output = tmp_path / "incremental"
    build(root, output, cache=cache)
    # what the caches keep, one entry per department-year: the other region's is reused as is
    kept = {name: dict(getattr(cache, name)) for name in ("pages", "checks", "downloads")}
    assert all(len(memo) == 2 for memo in kept.values()), {name: list(memo) for name, memo in kept.items()}
    project = root / f"content/regions/{ZJK}/departments/306001/2025/projects/p-nocode.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("name: 示例项目", "name: 改过名的项目"), encoding="utf-8")
    rendered = build(root, output, cache=cache).rendered
    assert f"regions/{ZJK}/departments/306001/2025/projects/p-nocode/" in rendered
    assert not [path for path in rendered if path.startswith(f"regions/{TS}/")], rendered
    assert set(cache.search.exported) == {"all", f"{ZJK}-306001-2025"}
    for name, memo in kept.items():
        now = getattr(cache, name)
        # (inputs, what was made from them): the very objects made at the last build
        assert now[(f"{TS}-306001", 2025)][1] is memo[(f"{TS}-306001", 2025)][1], name
        assert now[(f"{ZJK}-306001", 2025)][0] != memo[(f"{ZJK}-306001", 2025)][0], name
    clean = tmp_path / "clean"
    build(root, clean)
    assert tree(output) == tree(clean)


def test_the_dev_server_rebuilds_the_named_path_of_one_region(built):
    from generator.serve import DevSite

    root, _, _ = built
    site, fresh = DevSite(root, "http://127.0.0.1:0"), DevSite(root, "http://127.0.0.1:0")
    try:
        assert site.rebuild(force=True)
        project = root / f"content/regions/{TS}/departments/306001/2025/projects/p-nocode.yaml"
        project.write_text(project.read_text(encoding="utf-8").replace("name: 示例项目", "name: 改过名的项目"), encoding="utf-8")
        assert site.rebuild(known_change=True, changed={str(project)}) and site.status.ok
        assert "改过名的项目" in page(site.output, f"regions/{TS}/departments/306001/2025/projects/p-nocode")
        assert "改过名的项目" not in page(site.output, f"regions/{ZJK}/departments/306001/2025/projects/p-nocode")
        assert fresh.rebuild(force=True)
        assert tree(site.output) == tree(fresh.output)
    finally:
        site.close()
        fresh.close()


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def diagnostics(make_site, files: dict) -> Report:
    report = Report()
    load_site(make_site(files), report)
    return report


@pytest.mark.parametrize("name", ["13070", "1307000", "zjk", "张家口市", "13070a"])
def test_a_region_folder_not_named_by_six_ascii_digits_is_an_error(make_site, name):
    files = {path.replace(f"regions/{ZJK}/", f"regions/{name}/"): data for path, data in two_regions().items()}
    report = diagnostics(make_site, files)
    errors = [e for e in report.errors if e.rule == "content.region-code"]
    assert len(errors) == 1, report.format_text()  # once for the folder, not once per file
    assert errors[0].location.path.startswith(f"content/regions/{name}/") and name in errors[0].message
    # like the other folder-name errors (content.non-ascii-digit): at a file of the folder, as a whole
    assert errors[0].format().startswith(f"content/regions/{name}/departments/306001/2025/disclosure.yaml: 错误: ")


def test_a_region_folder_in_full_width_digits_is_the_non_ascii_digit_error(make_site):
    files = {path.replace(f"regions/{ZJK}/", "regions/１３０７００/"): data for path, data in two_regions().items()}
    report = diagnostics(make_site, files)
    assert "content.non-ascii-digit" in {e.rule for e in report.errors}
    assert "content.region-code" not in {e.rule for e in report.errors}


def test_a_region_folder_without_region_yaml_is_an_error(make_site):
    files = two_regions()
    del files[f"content/regions/{ZJK}/region.yaml"]
    report = diagnostics(make_site, files)
    errors = [e for e in report.errors if e.rule == "content.missing-region"]
    assert [e.location.path for e in errors] == [f"content/regions/{ZJK}/region.yaml"]


def test_a_region_yaml_without_a_name_is_an_error(make_site):
    files = dict(two_regions(), **{f"content/regions/{ZJK}/region.yaml": {"title": "张家口市"}})
    report = diagnostics(make_site, files)
    assert {e.rule for e in report.errors} == {"schema.required", "schema.unknown-key"}, report.format_text()
    assert {e.location.path for e in report.errors} == {f"content/regions/{ZJK}/region.yaml"}


def test_department_yaml_may_repeat_its_regions_name_but_not_name_another(make_site):
    files = two_regions()
    head = f"content/regions/{ZJK}/departments/306001/department.yaml"
    files[head] = dict(files[head], region="张家口市")
    assert not diagnostics(make_site, files).errors
    files[head] = dict(files[head], region="唐山市")
    root = make_site(files)
    report = Report()
    load_site(root, report)
    [error] = report.errors
    assert error.rule == "department.region" and error.location.path == head
    lines = (root / head).read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, start=1) if text.startswith("region: 唐山市"))
    assert (error.location.line, error.location.column) == (line, len("region: ") + 1)
    assert "唐山市" in error.message and "张家口市" in error.message


def test_a_parallel_load_never_splits_a_region_department():
    root = "/p"
    assert _department_of(f"{root}/content/regions/{ZJK}/departments/306001/2025/disclosure.yaml", root) == f"{ZJK}-306001"
    assert _department_of(f"{root}/content/departments/306001/2025/disclosure.yaml", root) == "306001"
    assert _department_of(f"{root}/content/regions/{ZJK}/region.yaml", root) == ""


# ---- the commands: new department / new year / import / search, with a region folder ----


def test_new_department_in_a_region_folder_writes_its_region_yaml(make_site, capsys):
    from generator.cli import main

    root = make_site({"site.yaml": tiny_content()["site.yaml"]})
    assert main(["new", "department", "306001", "张家口市测试部门", "--region-code", ZJK, "--region", "张家口市", "--source", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"content/regions/{ZJK}/region.yaml" in out and f"content/regions/{ZJK}/departments/306001/department.yaml" in out
    assert (root / f"content/regions/{ZJK}/region.yaml").read_text(encoding="utf-8") == "name: 张家口市\n"
    assert "region" not in (root / f"content/regions/{ZJK}/departments/306001/department.yaml").read_text(encoding="utf-8")
    # the same code in another region is another department
    assert main(["new", "department", "306001", "唐山市测试部门", "--region-code", TS, "--region", "唐山市", "--source", str(root)]) == 0
    assert main(["new", "department", "306001", "again", "--region-code", ZJK, "--source", str(root)]) == 1
    report = Report()
    site = load_site(root, report)
    assert not report.errors, report.format_text()
    assert [d.ref for d in site.departments] == [f"{TS}-306001", f"{ZJK}-306001"]


@pytest.mark.parametrize("code", ["13070", "１３０７００", "../130", "1307001"])
def test_new_department_refuses_a_region_code_that_is_not_six_ascii_digits(make_site, capsys, code):
    from generator.cli import main

    root = make_site({"site.yaml": tiny_content()["site.yaml"]})
    assert main(["new", "department", "306001", "测试部门", "--region-code", code, "--source", str(root)]) == 1
    assert "行政区划代码" in capsys.readouterr().err
    assert not (root / "content").exists()


def test_new_year_of_a_region_folders_department(built, capsys):
    from generator.cli import main

    root, _, _ = built
    capsys.readouterr()
    assert main(["new", "year", "306001", "2026", "--region-code", TS, "--source", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"已在 content/regions/{TS}/departments/306001/2026/ 创建 ")
    assert any(line.startswith("待填写 ") for line in out[1:])
    assert (root / f"content/regions/{TS}/departments/306001/2026/disclosure.yaml").is_file()
    assert not (root / f"content/regions/{ZJK}/departments/306001/2026").exists()


def test_import_into_a_region_folder(make_site, capsys):
    from conftest import SEEDS

    from generator.cli import main

    root = make_site({"site.yaml": tiny_content()["site.yaml"], f"content/regions/{ZJK}/region.yaml": {"name": "张家口市"}})
    seed = SEEDS / "tianjin-kexie-2022.txt"
    assert main(["import", str(seed), "--department", "569301", "--year", "2022", "--region", ZJK, "--source", str(root)]) == 0
    department = (root / f"content/regions/{ZJK}/departments/569301/department.yaml").read_text(encoding="utf-8")
    assert "name: 天津市科学技术协会\n" in department and "region:" not in department
    assert (root / f"content/regions/{ZJK}/departments/569301/2022/disclosure.yaml").is_file()
    assert not (root / "content/departments").exists()
    capsys.readouterr()
    assert main(["import", str(seed), "--department", "569301", "--year", "2022", "--region", "1307", "--source", str(root)]) == 1
    assert "1307" in capsys.readouterr().err


def test_disclose_search_filters_by_a_region_departments_ref(built, capsys):
    from generator.cli import main

    root, _, _ = built
    capsys.readouterr()
    assert main(["search", "示例项目", "--dept", f"{TS}-306001", "--source", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"regions/{TS}/departments/306001/2025/projects/p-nocode/" in out
    assert f"regions/{ZJK}/" not in out


def test_the_dev_server_follows_a_renamed_region(built):
    from generator.serve import DevSite

    root, _, _ = built
    site = DevSite(root, "http://127.0.0.1:0")
    try:
        assert site.rebuild(force=True)
        region = root / f"content/regions/{TS}/region.yaml"
        region.write_text("name: 唐山市（改）\n", encoding="utf-8")
        assert site.rebuild(known_change=True, changed={str(region)}) and site.status.ok
        assert "<h1>唐山市（改）</h1>" in page(site.output, f"regions/{TS}")
        assert "唐山市（改）" in page(site.output, f"regions/{TS}/departments/306001/2025")
        assert "唐山市（改）" in page(site.output, "")
    finally:
        site.close()


@pytest.mark.parametrize("broken", [False, True], ids=["clean", "with region errors"])
def test_a_parallel_load_of_a_region_portal_equals_one_process(make_site, monkeypatch, broken):
    import generator.load_parallel as load_parallel

    files = two_regions()
    if broken:  # the region.yaml and the departments fall in different runs: still one verdict
        del files[f"content/regions/{TS}/region.yaml"]
        head = f"content/regions/{ZJK}/departments/306001/department.yaml"
        files[head] = dict(files[head], region="唐山市")
    root = make_site(files)
    results = []
    for threshold in (10**9, 1):
        monkeypatch.setattr(load_parallel, "PARALLEL_LOAD_FROM", threshold)
        report = Report()
        results.append((load_site(root, report), [d.format() for d in report.sorted()]))
    assert load_parallel.worth_workers(len(content_listing(root))), "the parallel path was not taken"
    assert results[0] == results[1]
    assert bool(results[0][1]) == broken


def test_acknowledgements_in_a_region_folder_name_their_files_there(make_site, tmp_path):
    """acknowledgements.yaml names files relative to its year folder, which for a region's
    department is under content/regions/: the note lands on that department's page only."""
    files = two_regions()
    year = f"content/regions/{ZJK}/departments/306001/2025"
    del files[f"{year}/tables/three_public.yaml"]["rows"][0]["general_budget"]  # a blank cell, no new figure
    files[f"{year}/acknowledgements.yaml"] = {"acknowledgements": [
        {"rule": rule, "file": "tables/three_public.yaml", "field": field, "reason": "原文如此：测试。"}
        for rule, field in (("table.row-sum", "rows[0].total"), ("three-public.sum", "rows[0].general_budget"))
    ]}
    output = tmp_path / "out"
    result = build(make_site(files), output)
    assert result.report.diagnostics == [], result.report.format_text()
    assert "原文如此：测试。" in page(output, f"regions/{ZJK}/departments/306001/2025")
    assert "原文如此：测试。" not in page(output, f"regions/{TS}/departments/306001/2025")


def test_the_dev_server_takes_in_a_new_region_folder(built):
    import shutil

    from generator.serve import DevSite

    root, _, _ = built
    site, fresh = DevSite(root, "http://127.0.0.1:0"), DevSite(root, "http://127.0.0.1:0")
    try:
        assert site.rebuild(force=True)
        shutil.copytree(root / f"content/regions/{TS}", root / "content/regions/130300")
        (root / "content/regions/130300/region.yaml").write_text("name: 秦皇岛市\n", encoding="utf-8")
        changed = {str(path) for path in (root / "content/regions/130300").rglob("*")}
        assert site.rebuild(known_change=True, changed=changed) and site.status.ok
        assert "<h1>秦皇岛市</h1>" in page(site.output, "regions/130300")
        assert fresh.rebuild(force=True)
        assert tree(site.output) == tree(fresh.output)
    finally:
        site.close()
        fresh.close()
