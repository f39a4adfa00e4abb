"""A build on unchanged inputs into its own output writes nothing; any change builds."""

from __future__ import annotations

import os
from pathlib import Path

import generator
import generator.build as build_module
from generator.build import build


def test_unchanged_inputs_are_recognised_and_any_change_builds(sample_copy, tmp_path):
    output = tmp_path / "out"
    first = build(sample_copy, output)
    assert first.site is not None and first.written == first.files
    again = build(sample_copy, output)
    assert again.site is None and again.written == 0 and again.pages == first.pages
    built_in = Path(generator.__file__).parent / "themes" / "default" / "templates" / "footer.html"
    footer = sample_copy / "templates" / "footer.html"  # the portal overrides a template
    footer.write_text(built_in.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = build(sample_copy, output)
    assert changed.site is not None and changed.written > 0
    elsewhere = build(sample_copy, tmp_path / "elsewhere")  # another output is another build
    assert elsewhere.site is not None


def _same_size_edit_keeping_mtime(path):
    """An edit a size-and-mtime check alone would miss: same length, old mtime put back."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace("1", "2", 1) if "1" in text else text.replace("2", "1", 1)
    assert changed != text and len(changed.encode()) == len(text.encode())
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _a_project_file(root):
    return sorted((root / "content").rglob("projects/*.yaml"))[0]


def test_trusted_stat_still_sees_an_edit_that_kept_its_mtime(sample_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "TRUST_AFTER", 0)  # every file old enough to be trusted by its stat
    output = tmp_path / "out"
    build(sample_copy, output)
    assert build(sample_copy, output).site is None
    _same_size_edit_keeping_mtime(_a_project_file(sample_copy))
    assert build(sample_copy, output).site is not None  # the change time moved


def test_recently_changed_files_are_recognised_by_content(sample_copy, tmp_path):
    output = tmp_path / "out"
    build(sample_copy, output)  # every file was just copied: all are recent
    _same_size_edit_keeping_mtime(_a_project_file(sample_copy))
    assert build(sample_copy, output).site is not None
    assert build(sample_copy, output).site is None


def test_a_file_recent_at_the_last_build_and_unchanged_since_is_no_change(sample_copy, tmp_path, monkeypatch):
    output = tmp_path / "out"
    build(sample_copy, output)  # every file recent: recorded by content
    monkeypatch.setattr(build_module, "TRUST_AFTER", 0)  # later: none is recent any more
    assert build(sample_copy, output).site is None
