"""Whole builds: output safety, determinism, links, escaping, and the command line."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, tiny_content, write_yaml
from htmltools import collect, html_files

from generator.build import build
from generator.cli import main
from generator.diagnostics import BuildFailed


def digest_tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_sample_portal_builds_every_page(sample_build):
    result, output = sample_build
    assert result.report.errors == []
    site = result.site
    projects = sum(len(d.projects) for dept in site.departments for d in dept.disclosures)
    assert projects == 20 + 26 + 12
    # home, regions, departments, department-years, projects, years, glossary, search, 404
    assert result.pages == 1 + 3 + 3 + 3 + projects + 3 + 1 + 1 + 1
    assert (output / "regions/河北省张家口市/index.html").is_file()
    assert (output / "index.html").is_file()
    assert (output / "404.html").is_file()
    assert (output / "departments/731/2025/projects/13070024P00000410006W/index.html").is_file()
    assert (output / "departments/569301/2022/projects/p01/index.html").is_file()


def test_two_builds_give_identical_bytes(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    build(ROOT, first)
    build(ROOT, second)
    assert digest_tree(first) == digest_tree(second)


def test_failed_build_leaves_previous_output_untouched(make_site, tmp_path):
    root = make_site()
    output = tmp_path / "out"
    build(root, output)
    before = digest_tree(output)
    project = root / "content/departments/100/2025/projects/P001.yaml"
    project.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(root, output)
    assert [d.rule for d in failed.value.report.errors] == ["yaml.syntax"]
    assert digest_tree(output) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out", "site"] or sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def test_template_error_leaves_previous_output_untouched(make_site, tmp_path):
    root = make_site()
    output = tmp_path / "out"
    build(root, output)
    before = digest_tree(output)
    write_yaml(root / "templates/footer.html", "<footer>{{ no_such_variable.attribute }}</footer>\n")
    with pytest.raises(BuildFailed) as failed:
        build(root, output)
    (error,) = failed.value.report.errors
    assert error.rule == "template.error"
    assert error.location.path == "templates/footer.html"
    assert error.location.line == 1
    assert "no_such_variable" in error.message
    assert digest_tree(output) == before


def test_site_templates_override_the_theme(make_site, tmp_path):
    files = tiny_content()
    files["templates/footer.html"] = "<footer>本站自己的页脚</footer>\n"
    output = tmp_path / "out"
    build(make_site(files), output)
    assert "<footer>本站自己的页脚</footer>" in (output / "index.html").read_text(encoding="utf-8")


def test_footer_sources_come_from_the_content(sample_build):
    _, output = sample_build
    page = (output / "departments/731/2025/index.html").read_text(encoding="utf-8")
    assert "数据来源：张家口市科学技术协会 2025年部门预算公开文件（张家口市科学技术协会 2025 年部门预算信息公开（PDF 文本））" in page
    project = (output / "departments/405001/2026/projects/13020026P003LT110032P/index.html").read_text(encoding="utf-8")
    assert "数据来源：唐山市科学技术协会本级 2026年" in project and "张家口" not in project.split("footer-sources")[1]
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "数据来源：各部门已公开的部门预算公开文件" in home


def test_footer_carries_what_a_government_website_shows(make_site, tmp_path):
    files = tiny_content()
    files["site.yaml"] = dict(files["site.yaml"], sponsor="测试市财政局", site_code="1307000001", icp="冀ICP备12345678号",
                              police_record="冀公网安备 13070202000001号", government_mark="https://bszs.conac.cn/sitename?method=show&id=1")
    output = tmp_path / "out"
    build(make_site(files), output)
    footer = (output / "index.html").read_text(encoding="utf-8").split("<footer")[1]
    assert "主办单位：测试市财政局" in footer and "网站标识码：1307000001" in footer
    assert '<a href="https://beian.miit.gov.cn/">冀ICP备12345678号</a>' in footer
    assert "recordcode=13070202000001" in footer and "冀公网安备 13070202000001号</a>" in footer
    assert 'class="government-mark" href="https://bszs.conac.cn/sitename?method=show&amp;id=1"' in footer
    plain = make_site(tiny_content(), tmp_path / "plain")
    build(plain, tmp_path / "plain-out")
    assert "footer-ids" not in (tmp_path / "plain-out" / "index.html").read_text(encoding="utf-8")


def test_text_files_have_precompressed_copies(sample_build):
    import gzip

    _, output = sample_build
    for path in ("index.html", "assets/site.css", "assets/search.js", "search/all/meta.json"):
        data = (output / path).read_bytes()
        assert gzip.decompress((output / (path + ".gz")).read_bytes()) == data, path
        brotli = pytest.importorskip("brotli")
        assert brotli.decompress((output / (path + ".br")).read_bytes()) == data, path


def test_a_site_can_go_without_precompressed_copies(make_site, tmp_path):
    """precompress: false (a server that compresses on the fly): no .gz or .br anywhere,
    in the folder or its manifest, and every other file as a site with them has it."""
    root = make_site()
    build(root, tmp_path / "with")
    site_yaml = root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "precompress: false\n", encoding="utf-8")
    build(root, tmp_path / "without")
    with_copies, without = digest_tree(tmp_path / "with"), digest_tree(tmp_path / "without")
    copies = [path for path in with_copies if path.endswith((".gz", ".br"))]
    assert copies and not [path for path in without if path.endswith((".gz", ".br"))]
    assert b".gz" not in (tmp_path / "without" / ".disclose-build").read_bytes()
    assert {path: digest for path, digest in with_copies.items() if path not in copies and path != ".disclose-build"} == {
        path: digest for path, digest in without.items() if path != ".disclose-build"}


def test_open_data_downloads_have_no_precompressed_copies(sample_build):
    _, output = sample_build
    downloads = [p for p in output.rglob("*.json") if p.parent.name == "data"]
    assert any(p.parent.parent == output for p in downloads) and any(p.parent.parent != output for p in downloads)
    for path in downloads:
        assert not path.with_name(path.name + ".gz").exists() and not path.with_name(path.name + ".br").exists(), path
    assert (output / "search" / "all" / "meta.json.gz").is_file()  # the search index's JSON keeps its copies


def test_build_refuses_to_replace_a_folder_it_did_not_write(make_site, tmp_path):
    root = make_site()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(root, precious)
    assert [d.rule for d in failed.value.report.errors] == ["output.unsafe"]
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "mine"
    with pytest.raises(BuildFailed):
        build(root, root)


def internal_targets(output: Path, base_path: str):
    """(page, url) for every link and asset reference on every page."""
    for page in html_files(output):
        for _tag, attributes in collect(page).elements:
            for name in ("href", "src"):
                value = attributes.get(name)
                if value and not value.startswith(("http://", "https://", "mailto:")):
                    yield page, value


def resolve(output: Path, base_path: str, page: Path, url: str) -> tuple[Path, str]:
    parts = urlsplit(url)
    if not parts.path:  # a fragment on the same page
        return page, parts.fragment
    assert parts.path.startswith(base_path), f"{page}: link {url} is outside the base path {base_path}"
    target = output / parts.path[len(base_path):]
    if parts.path.endswith("/"):
        target = target / "index.html"
    return target, parts.fragment


def assert_links_resolve(output: Path, base_path: str) -> int:
    checked = 0
    ids_cache: dict[Path, set] = {}
    for page, url in internal_targets(output, base_path):
        target, fragment = resolve(output, base_path, page, url)
        assert target.is_file(), f"{page.relative_to(output)}: broken link {url}"
        if fragment:
            ids = ids_cache.setdefault(target, collect(target).ids if target.suffix == ".html" else set())
            assert fragment in ids, f"{page.relative_to(output)}: link {url} names a missing anchor"
        checked += 1
    return checked


def test_every_internal_link_and_asset_resolves_under_a_sub_path(sample_build):
    result, output = sample_build
    assert result.site.config.base_path == "/yjsgk/"
    assert assert_links_resolve(output, "/yjsgk/") > 500


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/a/b/", "/disclosure/"])
def test_links_resolve_for_any_base_url(make_site, tmp_path, base_url):
    files = tiny_content()
    files["site.yaml"]["base_url"] = base_url
    root = make_site(files)
    result = build(root, tmp_path / "out")
    assert assert_links_resolve(tmp_path / "out", result.site.config.base_path) > 10


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>javascript:alert(1)'
MD_PAYLOAD = PAYLOAD + ' [点我](javascript:alert(1)) <a href="javascript:alert(2)">a</a> ![i](javascript:alert(3))'


def injected_site() -> dict:
    files = tiny_content()
    year = "content/departments/100/2025"
    files["site.yaml"].update(title=PAYLOAD, authority=PAYLOAD, contact=PAYLOAD, footer=PAYLOAD)
    files["content/departments/100/department.yaml"] = {
        "name": PAYLOAD,
        "region": PAYLOAD,
        "units": [PAYLOAD],
        "duties": [PAYLOAD],
        "organization": [{"name": PAYLOAD, "nature": PAYLOAD, "level": PAYLOAD, "funding": PAYLOAD}],
    }
    files[f"{year}/disclosure.yaml"] = {"title": PAYLOAD, "scope": "targets", "source": PAYLOAD}
    files[f"{year}/tables/three_public.yaml"] = {
        "note": PAYLOAD,
        "rows": [{"name": PAYLOAD, "total": "1.00", "general_budget": "1.00"}],
    }
    files[f"{year}/tables/procurement.yaml"] = {
        "note": PAYLOAD,
        "rows": [{"project": PAYLOAD, "item": PAYLOAD, "catalogue_code": PAYLOAD, "unit": PAYLOAD}],
    }
    files[f"{year}/explanation.yaml"] = {
        "title": PAYLOAD,
        "preamble": MD_PAYLOAD,
        "sections": [{"id": "other", "title": PAYLOAD, "body": MD_PAYLOAD}],
    }
    files[f"{year}/goals.yaml"] = {
        "overall": MD_PAYLOAD,
        "items": [{"title": PAYLOAD, "goal": PAYLOAD, "indicator": PAYLOAD}],
        "measures": [PAYLOAD],
    }
    files[f"{year}/glossary.yaml"] = {"terms": [{"term": PAYLOAD, "definition": PAYLOAD}]}
    project = files[f"{year}/projects/P001.yaml"]
    project.update(name=PAYLOAD, unit=PAYLOAD, purpose=PAYLOAD, goals=[PAYLOAD])
    project["spending_plan"] = {"march": PAYLOAD}
    project["indicators"] = [
        {key: PAYLOAD for key in ("level1", "level2", "name", "description", "value", "basis")},
        {"level1": "产出指标", "level2": "数量指标", "name": PAYLOAD, "value": PAYLOAD},
        {"level1": "效益指标", "level2": "社会效益指标", "name": PAYLOAD, "value": PAYLOAD},
    ]
    # an acknowledged problem: its reason is shown on the page, escaped like any text
    files[f"{year}/acknowledgements.yaml"] = {
        "acknowledgements": [
            {"rule": "plan.not-percent", "file": "projects/P001.yaml", "field": "spending_plan.march", "reason": PAYLOAD}
        ]
    }
    return files


def test_script_and_javascript_urls_in_yaml_come_out_inert(make_site, tmp_path):
    root = make_site(injected_site())
    output = tmp_path / "out"
    build(root, output)
    pages = html_files(output)
    assert len(pages) >= 7
    seen_payload = 0
    head_line = re.search(r"<script>.*?</script>", (ROOT / "generator/themes/default/templates/large_type_head.html").read_text(encoding="utf-8")).group()
    for page in pages:
        inline = re.findall(r"<script>.*?</script>", page.read_text(encoding="utf-8"), re.S)
        assert all(script == head_line for script in inline), f"{page}: an inline script that is not the theme's: {inline}"
        collector = collect(page)
        text = "".join(collector.text_parts)
        seen_payload += text.count('<script>alert("x")</script>')
        for tag, attributes in collector.elements:
            if tag == "script":  # the only scripts are the theme's own: by src, or its one line in <head>
                assert attributes.get("src") in ("/portal/assets/search.js", "/portal/assets/large-type.js", "/portal/assets/directory.js", None), f"{page}: injected <script {attributes}>"
                continue
            assert tag not in ("img", "iframe", "object"), f"{page}: injected <{tag}>"
            for name, value in attributes.items():
                assert not name.startswith("on"), f"{page}: event handler attribute {name}"
                assert not value.strip().lower().startswith("javascript:"), f"{page}: {name}={value}"
    # the text itself is shown, escaped, not dropped
    assert seen_payload >= 20


def test_command_line_build_prints_a_summary(make_site, tmp_path, capsys):
    root = make_site()
    assert main(["build", "--source", str(root), "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("已生成 ") and " 个页面" in out and str(tmp_path / "out") in out
    assert main(["build", "--lang", "en", "--source", str(root), "--output", str(tmp_path / "out2")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("built ") and " pages " in out and str(tmp_path / "out2") in out


def test_command_line_build_reports_errors_and_exits_non_zero(make_site, tmp_path, capsys):
    files = tiny_content()
    files["content/departments/100/2025/projects/P001.yaml"]["budget"] = "12,5"
    root = make_site(files)
    assert main(["build", "--source", str(root), "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "content/departments/100/2025/projects/P001.yaml:4:9: 错误: 应为数字" in err
    assert "[schema.number]" in err and "（字段 budget）" in err and "生成失败" in err
    assert main(["--lang", "en", "build", "--source", str(root), "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "content/departments/100/2025/projects/P001.yaml:4:9: error: expected a number" in err
    assert "[schema.number]" in err and "(at budget)" in err
    assert not (tmp_path / "out").exists()


def test_the_command_leaves_with_its_output_written_and_its_code(make_site, tmp_path):
    """cli.run skips the interpreter's teardown: what was printed to a pipe (block-buffered
    when Python is not told otherwise) must still arrive, and the exit code be main()'s."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    root = make_site()
    command = [sys.executable, "-m", "generator", "build", "--timings", "--source", str(root), "--output", str(tmp_path / "o")]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("已生成") and len(lines) > 5 and "写入输出" in lines[-1]
    (root / "site.yaml").write_text("title: [\n", encoding="utf-8")
    failed = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env)
    assert failed.returncode == 1 and "site.yaml:" in failed.stderr and failed.stderr.endswith("\n")


def test_python_dash_m_runs_the_command(make_site, tmp_path):
    root = make_site()
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--quiet", "--source", str(root), "--output", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert (tmp_path / "o" / "index.html").is_file()


def test_department_year_page_links_the_departments_other_years_and_lists_its_contents(make_site, tmp_path):
    files = tiny_content()
    for relative in list(files):
        if "/2025/" in relative:
            files[relative.replace("/2025/", "/2024/")] = files[relative]
    files["content/departments/100/2024/disclosure.yaml"] = {"title": "测试部门2024年部门预算", "scope": "targets"}
    output = tmp_path / "out"
    build(make_site(files), output)
    page = (output / "departments/100/2025/index.html").read_text(encoding="utf-8")
    switcher = page.split('class="year-switcher"')[1].split("</nav>")[0]
    assert '<span aria-current="page">2025年</span>' in switcher
    assert '<a href="/portal/departments/100/2024/">2024年</a>' in switcher
    toc = page.split('class="toc"')[1].split("</nav>")[0]
    assert "项目（2 个）" in toc and "/portal/departments/100/2025/projects/P001/" in toc
    assert "不含部门预算九张表" in page  # a targets-only disclosure says so
    assert 'class="back-to-top"' in page
