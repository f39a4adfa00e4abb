"""A build on unchanged inputs into its own output writes nothing; any change builds."""

from __future__ import annotations

from generator.build import build


def test_unchanged_inputs_are_recognised_and_any_change_builds(sample_copy, tmp_path):
    output = tmp_path / "out"
    first = build(sample_copy, output)
    assert first.site is not None and first.written == first.files
    again = build(sample_copy, output)
    assert again.site is None and again.written == 0 and again.pages == first.pages
    footer = sample_copy / "templates" / "footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = build(sample_copy, output)
    assert changed.site is not None and changed.written > 0
    elsewhere = build(sample_copy, tmp_path / "elsewhere")  # another output is another build
    assert elsewhere.site is not None
