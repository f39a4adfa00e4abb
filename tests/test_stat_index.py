"""The stat index a command-line build keeps about its output (writer.StatIndex): a file
whose modification time and inode are the ones recorded for this very manifest is
trusted without being read; anything else, or an index that does not fit, is checked by
content, so that a wrong index costs time and never lets a changed file pass."""

from __future__ import annotations

import os
from array import array
from pathlib import Path

import pytest

import generator.writer as writer_module
from generator.build import build, output_stat_index
from generator.writer import MARKER, StatIndex, marker_digest, read_manifest, verified_files


@pytest.fixture
def site(make_site, tmp_path) -> tuple[Path, Path]:
    """A tiny portal built once: (its root, its output)."""
    root = make_site()
    output = tmp_path / "out"
    build(root, output)
    return root, output


@pytest.fixture
def hashed(monkeypatch) -> list[str]:
    """The output files read to check their content, in order (the manifest, whose digest
    names the index, aside)."""
    read: list[str] = []
    real = writer_module._file_digest

    def file_digest(path):
        if Path(path).name != MARKER:
            read.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(writer_module, "_file_digest", file_digest)
    monkeypatch.setattr(writer_module, "RACY_NS", 0)  # the files were written just now: trust them anyway
    return read


def _verify(root: Path, output: Path, index: StatIndex | None = None) -> dict:
    manifest = read_manifest(output)
    assert manifest
    if index is None:
        index = StatIndex.load(output_stat_index(root, output))
    return verified_files(output, manifest, index)


def test_the_index_lists_every_file_in_the_manifest_order(site):
    root, output = site
    index = StatIndex.load(output_stat_index(root, output))
    manifest = read_manifest(output)
    assert index is not None and manifest is not None
    assert index.marker == marker_digest(output)
    assert list(manifest) == sorted(manifest)
    stats = [os.lstat(output / path) for path in manifest]
    assert list(index.mtimes) == [info.st_mtime_ns for info in stats]
    assert list(index.inodes) == [info.st_ino for info in stats]


def test_a_manifest_written_in_many_batches_is_the_whole_manifest(make_site, tmp_path, monkeypatch):
    monkeypatch.setattr(writer_module._HashedFile, "BATCH", 7)  # a large site's manifest goes out a batch at a time
    root, output = make_site(), tmp_path / "out"
    build(root, output)
    manifest = read_manifest(output)
    assert manifest is not None and len(manifest) > 7 * 3
    assert (output / MARKER).read_bytes() == writer_module.manifest_bytes(manifest)
    assert {path for path in manifest} == {p.relative_to(output).as_posix() for p in output.rglob("*")
                                           if p.is_file() and p.name != MARKER}
    index = StatIndex.load(output_stat_index(root, output))
    assert index is not None and index.marker == marker_digest(output)


def test_files_as_recorded_are_trusted_without_being_read(site, hashed):
    root, output = site
    verified = _verify(root, output)
    assert len(verified) == len(read_manifest(output) or {})
    assert hashed == []


def test_a_file_changed_with_its_size_kept_is_read_and_refused(site, hashed):
    root, output = site
    page = output / "index.html"
    data = page.read_bytes()
    page.write_bytes(data.replace(b"<", b"(", 1))
    verified = _verify(root, output)
    assert "index.html" not in verified
    assert hashed == ["index.html"]


def test_an_index_of_another_manifest_is_not_used(site, hashed):
    root, output = site
    index = StatIndex.load(output_stat_index(root, output))
    assert index is not None
    other = StatIndex("0" * 40, index.written_ns, index.mtimes, index.inodes)
    verified = _verify(root, output, other)
    assert len(verified) == len(hashed) == len(read_manifest(output) or {})


def test_an_index_of_another_length_is_not_used(site, hashed):
    root, output = site
    index = StatIndex.load(output_stat_index(root, output))
    assert index is not None
    shorter = StatIndex(index.marker, index.written_ns, index.mtimes[:-1], index.inodes[:-1])
    verified = _verify(root, output, shorter)
    assert len(verified) == len(hashed) == len(read_manifest(output) or {})


@pytest.mark.parametrize("damage", ["truncated", "magic", "marker", "extra"])
def test_a_damaged_index_file_is_no_index(site, damage):
    root, output = site
    path = output_stat_index(root, output)
    data = path.read_bytes()
    damaged = {"truncated": data[:-3], "magic": b"X" + data[1:], "extra": data + b"\0" * 16,
               "marker": data.replace(marker_digest(output).encode(), b"Z" * 40)}[damage]
    path.write_bytes(damaged)
    assert StatIndex.load(path) is None


def test_a_missing_index_means_every_file_is_read(site, hashed):
    root, output = site
    output_stat_index(root, output).unlink()
    verified = _verify(root, output)
    assert len(verified) == len(hashed) == len(read_manifest(output) or {})


def test_an_index_round_trips(tmp_path):
    index = StatIndex("a" * 40, 123, array("q", [1, -5]), array("Q", [2**64 - 1, 7]))
    index.save(tmp_path / "i.stat")
    loaded = StatIndex.load(tmp_path / "i.stat")
    assert loaded is not None
    assert (loaded.marker, loaded.written_ns, list(loaded.mtimes), list(loaded.inodes)) == ("a" * 40, 123, [1, -5], [2**64 - 1, 7])


def test_an_inode_too_large_for_the_index_is_kept_as_zero_and_checked_by_content(make_site, tmp_path, monkeypatch,
                                                                                 hashed):
    """Windows' ReFS has 128-bit file IDs: the build goes on, and those files are read."""
    real = writer_module._stamp
    monkeypatch.setattr(writer_module, "_stamp", lambda info: (2**70 + info.st_ino, *real(info)[1:]))
    root, output = make_site(), tmp_path / "out"
    build(root, output)
    index = StatIndex.load(output_stat_index(root, output))
    assert index is not None and set(index.inodes) == {0}
    monkeypatch.setattr(writer_module, "_stamp", real)
    verified = _verify(root, output)
    assert len(verified) == len(hashed) == len(read_manifest(output) or {})
