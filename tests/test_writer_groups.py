"""The dev server's writer keeps groups of files (a department-year's downloads, a search
scope) whole between builds: unchanged groups are recorded without staging, an edited
group stages only the files whose bytes changed, and the output always equals the files
given."""

from __future__ import annotations

from pathlib import Path

from generator.writer import MARKER, OutputWriter, WriteMemo, read_manifest


def _build(output: Path, memo: WriteMemo, groups: dict[str, dict[str, bytes]]) -> OutputWriter:
    writer = OutputWriter(output, memo)
    for key, files in groups.items():
        if not writer.keep_group(key, files):
            writer.add_group(key, files)
    writer.commit()
    return writer


def _published(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes()
            for path in output.rglob("*") if path.is_file() and path.name != MARKER}


def _site(output: Path, groups: dict[str, dict[str, bytes]]) -> None:
    """The output holds exactly the files given and their compressed copies, all in its manifest."""
    published = _published(output)
    given = {path: data for files in groups.values() for path, data in files.items()}
    assert {path: published[path] for path in given} == given
    copies = {path for path in published if path.endswith((".gz", ".br"))}
    assert published.keys() == given.keys() | copies
    assert set(read_manifest(output) or {}) == published.keys()


def test_an_unchanged_group_is_kept_whole(tmp_path):
    output, memo = tmp_path / "site", WriteMemo()
    groups = {"a": {"a/index.html": b"<p>a</p>", "a/data.csv": b"x,y\n"}, "b": {"b/index.html": b"<p>b</p>"}}
    _build(output, memo, groups)
    again = _build(output, memo, groups)
    assert again.changed == []
    assert set(again.manifest) == set(read_manifest(output) or {})
    _site(output, groups)


def test_an_edited_group_stages_only_its_changed_file(tmp_path):
    output, memo = tmp_path / "site", WriteMemo()
    page, other = b"<p>a</p>", b"<p>other</p>"
    _build(output, memo, {"a": {"a/index.html": page, "a/other.html": other}})
    edited = {"a/index.html": b"<p>a, edited</p>", "a/other.html": other}
    writer = _build(output, memo, {"a": edited})
    assert sorted(writer.changed) == ["a/index.html", "a/index.html.br", "a/index.html.gz"]
    _site(output, {"a": edited})


def test_a_group_changed_in_place_is_not_taken_for_the_last_one(tmp_path):
    output, memo = tmp_path / "site", WriteMemo()
    files = {"a/index.html": b"<p>a</p>"}
    _build(output, memo, {"a": files})
    files["a/index.html"] = b"<p>changed in the same dict</p>"
    files["a/new.html"] = b"<p>new</p>"
    writer = _build(output, memo, {"a": files})
    assert "a/index.html" in writer.changed and "a/new.html" in writer.changed
    _site(output, {"a": files})


def test_equal_bytes_in_another_object_are_still_kept(tmp_path):
    output, memo = tmp_path / "site", WriteMemo()
    _build(output, memo, {"a": {"a/index.html": b"<p>a</p>"}})
    writer = _build(output, memo, {"a": {"a/index.html": bytes(bytearray(b"<p>a</p>"))}})
    assert writer.changed == []


def test_a_group_no_longer_given_leaves_the_output(tmp_path):
    output, memo = tmp_path / "site", WriteMemo()
    _build(output, memo, {"a": {"a/index.html": b"<p>a</p>"}, "b": {"b/index.html": b"<p>b</p>"}})
    _build(output, memo, {"a": {"a/index.html": b"<p>a</p>"}})
    assert not (output / "b").exists()
    _site(output, {"a": {"a/index.html": b"<p>a</p>"}})


def test_a_file_that_moves_to_another_group_stays(tmp_path):
    output, memo = tmp_path / "site", WriteMemo()
    data = b"<p>shared</p>"
    _build(output, memo, {"a": {"x.html": data}, "b": {}})
    _build(output, memo, {"a": {}, "b": {"x.html": data}})
    _site(output, {"b": {"x.html": data}})


def test_a_file_added_in_parts_is_the_parts_joined(tmp_path):
    """add_parts (the bulk downloads of a command-line build): written without joining, its
    digest that of the whole, and unchanged at the next build when the parts join the same."""
    import hashlib

    output = tmp_path / "site"
    parts = [b"a,b\n", b"1,2\n" * 1000, b"", b"3,4\n"]
    for memo in (None, WriteMemo()):
        writer = OutputWriter(output, memo)
        writer.add_parts("data/all.csv", parts)
        writer.add_parts("index.html", [b"<p>", b"x</p>"])  # a page: joined, for its compressed copies
        writer.commit()
        whole = b"".join(parts)
        assert (output / "data/all.csv").read_bytes() == whole
        assert read_manifest(output)["data/all.csv"] == (hashlib.sha1(whole).hexdigest(), len(whole))
        assert (output / "index.html.gz").is_file() and (output / "index.html").read_bytes() == b"<p>x</p>"
    again = OutputWriter(output)
    again.add_parts("data/all.csv", [b"".join(parts[:2]), parts[3]])
    again.add_parts("index.html", [b"<p>x</p>"])
    assert again.changed == []
    again.add_parts("data/other.csv", [b"z\n"])
    assert again.changed == ["data/other.csv"]
    again.commit()


def test_a_page_added_in_parts_by_a_writer_without_copies_is_written_whole(tmp_path):
    output = tmp_path / "site"
    writer = OutputWriter(output, compress=False)
    writer.add_parts("index.html", [b"<p>", b"x</p>"])
    writer.commit()
    assert (output / "index.html").read_bytes() == b"<p>x</p>" and not (output / "index.html.gz").exists()
