"""The site a build replaces is kept beside the output (writer.back_buffer) as the next
build's staging folder: that build links again only what changed, never writes through a
file the live site shares, and trusts nothing in the folder it cannot verify."""

from __future__ import annotations

import os
import shutil

import pytest
from test_build import digest_tree

import generator.writer as writer_module
from generator import parallel
from generator.build import CACHE_DIR, build
from generator.diagnostics import BuildFailed

PROJECT = "content/departments/731/2025/projects/13070024P00000410006W.yaml"


def edit(root, old="name: 2024 开展", new="name: 2024年开展"):
    path = root / PROJECT
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def clean(root, output):
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    build(root, output)
    return digest_tree(output)


@pytest.fixture
def twice(sample_copy, tmp_path):
    """The sample built twice into one output: the second build left a back buffer."""
    output = tmp_path / "out"
    build(sample_copy, output)
    edit(sample_copy)
    build(sample_copy, output)
    assert writer_module.back_buffer(output).is_dir()
    return sample_copy, output


def test_a_build_links_only_what_changed(twice, tmp_path, monkeypatch):
    root, output = twice
    edit(root, "name: 2024年开展", "name: 2024 年开展")
    links: list[str] = []
    real = os.link
    monkeypatch.setattr(os, "link", lambda source, target, **kw: links.append(str(target)) or real(source, target, **kw))
    result = build(root, output)
    files = len(list(p for p in output.rglob("*") if p.is_file()))
    assert result.written > 0 and len(links) < files / 10, (len(links), files)
    assert digest_tree(output) == clean(root, tmp_path / "clean")


def test_a_failed_build_never_writes_through_the_live_site(twice, monkeypatch):
    """The adopted folder's files are hard links of the live site's: a page staged there
    is a new file, so the live one keeps its bytes even when the build then fails."""
    root, output = twice
    before = digest_tree(output)
    edit(root, "name: 2024年开展", "name: 改过名的项目")

    def fail(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer_module.OutputWriter, "commit", fail)
    with pytest.raises(BuildFailed):
        build(root, output)
    assert digest_tree(output) == before


def test_nothing_in_the_back_buffer_is_trusted(twice, tmp_path):
    root, output = twice
    back = writer_module.back_buffer(output)
    page = next(p for p in back.rglob("index.html") if "731" in p.as_posix())
    page.unlink()
    page.write_text("<p>planted</p>", encoding="utf-8")  # a new file, not the live one
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine", encoding="utf-8")
    (back / "departments" / "link").symlink_to(outside, target_is_directory=True)
    (back / "stray.html").write_text("stray", encoding="utf-8")
    edit(root, "name: 2024年开展", "name: 2024 年开展")
    build(root, output)
    assert digest_tree(output) == clean(root, tmp_path / "clean")
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_a_folder_in_the_back_buffers_place_that_is_not_the_builders_is_left_alone(sample_copy, tmp_path):
    output = tmp_path / "out"
    build(sample_copy, output)
    theirs = writer_module.back_buffer(output)
    theirs.mkdir()
    (theirs / "notes.txt").write_text("a user's folder", encoding="utf-8")
    edit(sample_copy)
    build(sample_copy, output)
    assert sorted(p.name for p in theirs.iterdir()) == ["notes.txt"]
    assert digest_tree(output) == clean(sample_copy, tmp_path / "clean")


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_an_output_opened_in_a_worker_gives_the_site_a_clean_build_gives(twice, method, tmp_path, monkeypatch):
    """A large output is verified, and the back buffer adopted, in a worker while the
    sources load (writer.start_opening): the same site, under either start method."""
    root, output = twice
    monkeypatch.setattr(writer_module, "OPEN_APART_FROM", 0)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, method)
    opened: list[object] = []
    real = writer_module.OutputOpening.result
    monkeypatch.setattr(writer_module.OutputOpening, "result", lambda self: opened.append(self) or real(self))
    edit(root, "name: 2024年开展", "name: 2024 年开展")
    links: list[str] = []
    real_link = os.link
    monkeypatch.setattr(os, "link", lambda source, target, **kw: links.append(str(target)) or real_link(source, target, **kw))
    build(root, output)
    assert opened, "the output was opened in this process"
    files = len(list(p for p in output.rglob("*") if p.is_file()))
    assert len(links) < files / 10, "the back buffer was not adopted"
    assert digest_tree(output) == clean(root, tmp_path / "clean")


def test_a_build_that_stops_before_writing_keeps_the_back_buffer(twice, tmp_path, monkeypatch):
    """An output opened apart, for a build whose sources then fail their checks: the
    opened staging folder goes back to being the back buffer, and the output is as it was."""
    root, output = twice
    monkeypatch.setattr(writer_module, "OPEN_APART_FROM", 0)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    before = digest_tree(output)
    (root / "site.yaml").write_text((root / "site.yaml").read_text(encoding="utf-8") + "\n: [\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(root, output)
    assert digest_tree(output) == before
    assert writer_module.back_buffer(output).is_dir()
    assert not [p for p in output.parent.iterdir() if ".new-" in p.name], "a staging folder was left"


def test_a_failed_commit_keeps_the_staging_folder_as_the_back_buffer(twice, tmp_path, monkeypatch):
    root, output = twice
    edit(root, "name: 2024年开展", "name: 改过名的项目")
    real = writer_module.OutputWriter.commit
    monkeypatch.setattr(writer_module.OutputWriter, "commit", lambda self: (_ for _ in ()).throw(OSError(28, "full")))
    with pytest.raises(BuildFailed):
        build(root, output)
    assert writer_module.back_buffer(output).is_dir()
    assert not [p for p in output.parent.iterdir() if ".new-" in p.name]
    monkeypatch.setattr(writer_module.OutputWriter, "commit", real)
    build(root, output)
    assert digest_tree(output) == clean(root, tmp_path / "clean")


@pytest.fixture
def opening_slowly(twice, monkeypatch):
    """The sample's output opened apart, by a worker that is never done before the build
    has compiled every template it has."""
    monkeypatch.setattr(writer_module, "OPEN_APART_FROM", 0)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(writer_module.OutputOpening, "done", lambda self: False)
    return twice


def test_templates_compiled_while_the_output_opens_are_not_compiled_again(opening_slowly, tmp_path, monkeypatch):
    import jinja2

    root, output = opening_slowly
    compiled: list[str] = []
    real = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, source, name=None, *rest, **kw:
                        compiled.append(name) or real(self, source, name, *rest, **kw))
    from generator import render

    rendered: list[int] = []
    real_render = render.render_page
    monkeypatch.setattr(render, "render_page", lambda env, page: rendered.append(len(compiled)) or real_render(env, page))
    edit(root, "name: 2024年开展", "name: 2024 年开展")
    build(root, output)
    assert {"home.html", "project.html", "macros.html", "base.html"} <= set(compiled[:rendered[0]]), "compiled as pages render"
    assert sorted(compiled) == sorted(set(compiled)), "a template was compiled twice"
    assert digest_tree(output) == clean(root, tmp_path / "clean")


def test_a_template_that_does_not_compile_is_reported_once_the_output_is_open(opening_slowly):
    root, output = opening_slowly
    before = digest_tree(output)
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "footer.html").write_text("<footer>\n{% if %}</footer>\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(root, output)
    (error,) = failed.value.report.errors
    assert (error.location.path, error.location.line, error.rule) == ("templates/footer.html", 2, "template.error")
    assert digest_tree(output) == before


def test_pages_that_will_be_rendered_are_rendered_while_the_output_opens(opening_slowly, tmp_path, monkeypatch):
    """While the worker opens the old output, the pages the build renders whatever that
    output holds (the site-wide ones and the edited department's) are rendered, each once."""
    from generator import render

    root, output = opening_slowly
    rendered: list[str] = []
    real_render = render.render_page
    monkeypatch.setattr(render, "render_page", lambda env, page: rendered.append(page.path) or real_render(env, page))
    at_opening: list[int] = []
    real_result = writer_module.OutputOpening.result
    monkeypatch.setattr(writer_module.OutputOpening, "result", lambda self: at_opening.append(len(rendered)) or real_result(self))
    edit(root, "name: 2024年开展", "name: 2024 年开展")
    result = build(root, output)
    assert sorted(rendered) == sorted(set(rendered)) == sorted(result.rendered), "a page rendered twice, or not said"
    assert "" in rendered and any(path.startswith("departments/731/") for path in rendered)
    assert not any(path.startswith(("departments/405001/", "departments/569301/")) for path in rendered)
    assert at_opening[0] == len(rendered), "rendered after the output was open"
    assert digest_tree(output) == clean(root, tmp_path / "clean")
