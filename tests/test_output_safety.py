"""The output folder is not trusted: its manifest is validated, its files verified, and
nothing outside it (or inside it that the builder did not write) is ever deleted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_build import digest_tree

import generator.writer as writer_module
from generator.build import build
from generator.diagnostics import BuildFailed
from generator.writer import MARKER, OutputError, parse_manifest, valid_output_path


def _append_to_manifest(output: Path, line: str) -> None:
    marker = output / MARKER
    marker.write_bytes(marker.read_bytes() + line.encode("utf-8") + b"\n")


@pytest.fixture
def built(make_site, tmp_path):
    root = make_site()
    output = tmp_path / "out"
    build(root, output)
    return root, output


@pytest.mark.parametrize("path", ["../victim/file.txt", "/tmp/victim/file.txt", "a/../../victim.txt", "./index.html",
                                  "a//b.html", "a\\..\\b", "C:/x", "x\x00y"])
def test_a_manifest_path_outside_the_output_stops_the_build_naming_the_line(built, tmp_path, path):
    root, output = built
    victim = tmp_path / "victim" / "file.txt"
    victim.parent.mkdir()
    victim.write_text("not the builder's", encoding="utf-8")
    _append_to_manifest(output, f"{'0' * 40} 17 {path}")
    before = digest_tree(output)
    (root / "content/departments/100/department.yaml").write_text(
        (root / "content/departments/100/department.yaml").read_text(encoding="utf-8").replace("测试部门", "测试部门甲"),
        encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(root, output)
    [error] = failed.value.report.errors
    assert error.rule == "output.unsafe" and ".disclose-build" in error.message
    lines = (output / MARKER).read_text(encoding="utf-8").count("\n")
    assert f" {lines} " in error.message or f"第 {lines} 行" in error.message
    assert victim.read_text(encoding="utf-8") == "not the builder's"
    assert digest_tree(output) == before


def test_an_unreadable_manifest_stops_the_build_and_wipes_nothing(built):
    root, output = built
    (output / "docs").mkdir()
    (output / "docs" / "important.txt").write_text("keep me", encoding="utf-8")
    (output / MARKER).write_bytes(b"\xff\xfe garbage\n")
    before = digest_tree(output)
    with pytest.raises(BuildFailed) as failed:
        build(root, output)
    assert [e.rule for e in failed.value.report.errors] == ["output.unsafe"]
    assert digest_tree(output) == before


def test_files_the_builder_did_not_write_are_kept_and_reported(built):
    root, output = built
    (output / "docs").mkdir()
    (output / "docs" / "important.txt").write_text("keep me", encoding="utf-8")
    page = output / "departments" / "100" / "index.html"
    result = build(root, output)  # the inputs did not change, but the output did
    assert result.site is None  # a foreign file alone is no reason to rebuild
    (root / "content/departments/100/department.yaml").write_text(
        (root / "content/departments/100/department.yaml").read_text(encoding="utf-8").replace("测试部门", "测试部门乙"),
        encoding="utf-8")
    result = build(root, output)
    assert result.site is not None
    assert (output / "docs" / "important.txt").read_text(encoding="utf-8") == "keep me"
    assert [(k.path, k.reason) for k in result.kept] == [("docs/important.txt", "foreign")]
    assert "测试部门乙" in page.read_text(encoding="utf-8")


def test_a_file_of_the_old_site_edited_by_hand_is_kept_when_the_site_drops_it(built):
    root, output = built
    project_page = output / "departments/100/2025/projects/P001/index.html"
    relative = project_page.relative_to(output).as_posix()
    project_page.write_text("edited by hand", encoding="utf-8")
    (root / "content/departments/100/2025/projects/P001.yaml").unlink()
    result = build(root, output)
    assert (relative, "changed") in [(k.path, k.reason) for k in result.kept]
    assert project_page.read_text(encoding="utf-8") == "edited by hand"


def test_nothing_changed_covers_the_output(built, make_site, tmp_path):
    root, output = built
    clean = digest_tree(output)
    page = output / "departments" / "100" / "index.html"
    page.unlink()
    result = build(root, output)
    assert result.site is not None and digest_tree(output) == clean  # a page deleted by hand comes back
    page.write_text("defaced", encoding="utf-8")
    result = build(root, output)
    assert result.site is not None and digest_tree(output) == clean
    # An older copy of the output restored: the same bytes in new files is still our site,
    # but a copy from before an edit is not.
    saved = tmp_path / "saved"
    shutil.copytree(output, saved)
    department = root / "content/departments/100/department.yaml"
    department.write_text(department.read_text(encoding="utf-8").replace("测试部门", "测试部门丙"), encoding="utf-8")
    build(root, output)
    edited = digest_tree(output)
    shutil.rmtree(output)
    shutil.copytree(saved, output)
    result = build(root, output)
    assert result.site is not None and digest_tree(output) == edited


def test_a_build_of_another_portal_into_the_same_output_is_recognised(built, make_site, tmp_path):
    root, output = built
    mine = digest_tree(output)
    other = make_site(root=tmp_path / "other")
    department = other / "content/departments/100/department.yaml"
    department.write_text(department.read_text(encoding="utf-8").replace("测试部门", "别的部门"), encoding="utf-8")
    build(other, output)
    assert digest_tree(output) != mine
    result = build(root, output)
    assert result.site is not None and digest_tree(output) == mine


def test_leftovers_of_a_killed_build_are_removed_and_foreign_folders_are_not(built):
    root, output = built
    staging = output.parent / f".{output.name}.new-abc123"
    staging.mkdir()
    (staging / writer_module.STAGING_STAMP).touch()
    (staging / "big.html").write_bytes(b"x" * 1000)
    retired = output.parent / f".{output.name}.old-def456"
    shutil.copytree(output, retired)
    lookalike = output.parent / f".{output.name}.new-mine"
    lookalike.mkdir()
    (lookalike / "notes.txt").write_text("a user's folder", encoding="utf-8")
    department = root / "content/departments/100/department.yaml"
    department.write_text(department.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(root, output)
    assert not staging.exists() and not retired.exists()
    assert (lookalike / "notes.txt").is_file()
    # beside the output: the user's folder, and the site the build replaced (the next one's staging)
    assert sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}.")) == [
        writer_module.back_buffer(output).name, lookalike.name]


def test_a_second_build_into_the_same_output_is_refused_while_one_runs(built):
    root, output = built
    lock = output.parent / f".{output.name}.disclose-lock"
    with writer_module.output_lock(output):
        assert lock.exists()
        department = root / "content/departments/100/department.yaml"
        department.write_text(department.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        with pytest.raises(BuildFailed) as failed:
            build(root, output)
        assert [e.rule for e in failed.value.report.errors] == ["output.unsafe"]
    assert not lock.exists()
    assert build(root, output).site is not None


def test_last_build_record_is_replaced_atomically(built):
    root, output = built
    cache = root / ".disclose-cache"
    assert (cache / "last-build.json").is_file()
    assert [p.name for p in cache.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="kills a forked build")
def test_an_interrupted_two_rename_swap_is_completed_by_the_next_build(built, monkeypatch):
    root, output = built
    monkeypatch.setattr(writer_module, "_renameat2", None)  # a system without an atomic exchange
    department = root / "content/departments/100/department.yaml"
    department.write_text(department.read_text(encoding="utf-8").replace("测试部门", "测试部门丁"), encoding="utf-8")
    pid = os.fork()
    if pid == 0:  # the build, killed once the old site is moved aside and before the new is in place
        real_rename = os.rename

        def rename_then_die(source, target):
            real_rename(source, target)
            os._exit(9)

        writer_module.os.rename = rename_then_die
        try:
            build(root, output)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9
    assert not output.exists()  # as a kill at that moment leaves it
    writer_module.recover(output)  # what the next build does first
    assert "测试部门丁" in (output / "departments/100/index.html").read_text(encoding="utf-8")
    assert [p for p in output.parent.iterdir() if ".new-" in p.name or ".old-" in p.name or "swap" in p.name] == []


def test_the_output_is_not_a_link_and_not_inside_an_input(make_site, tmp_path):
    root = make_site()
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(BuildFailed):
        build(root, link)
    for inside in ("themes/default/static/site", "content/site", "templates/site", "static/site"):
        with pytest.raises(BuildFailed) as failed:
            build(root, root / inside)
        assert [e.rule for e in failed.value.report.errors] == ["output.unsafe"]
        assert not (root / inside).exists()


def test_valid_output_paths():
    assert valid_output_path("index.html") and valid_output_path("departments/100/2025/index.html")
    for bad in ("", "/x", "../x", "a/./b", "a/", "a\\b", "C:x", "a\nb"):
        assert not valid_output_path(bad), bad


def test_a_manifest_of_the_first_format_is_read():
    text = "This folder is written by `disclose build`; the lines below list its files.\n" + f"{'a' * 40} index.html\n"
    assert parse_manifest(text, "m")["index.html"].digest == "a" * 40
    with pytest.raises(OutputError):
        parse_manifest(text + f"{'a' * 40} index.html\n", "m")  # a path twice


HEADER_2 = "This folder is written by `disclose build`; each line below: sha1 size path.\n"


def test_a_manifest_is_read_line_for_line():
    lines = [f"{'a' * 40} 12 index.html", f"{'b' * 40} 0 departments/100/2025/index.html", f"{'c' * 40} 7 a b/c.json"]
    manifest = parse_manifest(HEADER_2 + "".join(line + "\n" for line in lines), "m")
    assert list(manifest) == ["index.html", "departments/100/2025/index.html", "a b/c.json"]
    assert manifest["a b/c.json"] == ("c" * 40, 7)
    assert parse_manifest(HEADER_2, "m") == {}


@pytest.mark.parametrize("bad", [
    "", f"{'a' * 40} 1 ../x", f"{'a' * 40} 1 /x", f"{'A' * 40} 1 x", f"{'a' * 40} x", f"{'a' * 39} 1 x",
    f"{'a' * 40} 1 x\r", f"{'a' * 40} 1 a//b", f"{'a' * 40}  1 x", f"{'a' * 40} 1 x ", f"{'a' * 40} 1 index.html",
])
@pytest.mark.parametrize("where", [0, 1, 2])
def test_any_line_a_build_does_not_write_is_named(bad, where):
    lines = [f"{'a' * 40} 12 index.html", f"{'b' * 40} 3 b.txt"]
    lines.insert(where, bad)
    text = HEADER_2 + "".join(line + "\n" for line in lines)
    if bad == f"{'a' * 40} 1 x ":  # a name may end in a space: a file of that name, not a bad line
        assert "x " in parse_manifest(text, "m")
        return
    named = [number for number, line in enumerate(lines, start=2) if line == bad or line.endswith(" index.html")][-1] \
        if bad.endswith(" index.html") else where + 2  # a path listed twice: its second line
    with pytest.raises(OutputError) as refused:
        parse_manifest(text, "m")
    assert f"第 {named} 行" in str(refused.value) or f"line {named} " in str(refused.value)


def test_the_command_line_says_which_files_it_kept(built, capsys):
    from generator.cli import main

    root, output = built
    (output / "notes.txt").write_text("mine", encoding="utf-8")
    department = root / "content/departments/100/department.yaml"
    department.write_text(department.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert main(["build", "--quiet", "--source", str(root), "--output", str(output)]) == 0
    assert str(output / "notes.txt") in capsys.readouterr().err
