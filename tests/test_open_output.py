"""writer.open_output: what a build finds of the output it replaces, handed from a worker
in a compact form, and the back buffer's files kept only when they are the very files of
the verified output."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import generator.writer as writer_module
from generator.writer import OldOutput


def old_output(tmp_path: Path, count: int = 50) -> OldOutput:
    listed = {f"d{i % 7}/page{i}.html": (f"{i:040x}", i * 10) for i in range(count)}
    verified = {path: (1000 + i, size, 1_700_000_000_000_000_000 + i)
                for i, (path, (_, size)) in enumerate(listed.items()) if i % 5}
    digests = {path: listed[path][0] for path in verified}
    adopted = {path for i, path in enumerate(verified) if i % 3}
    return OldOutput(digests, verified, listed.keys() - verified.keys(), tmp_path / "staging", adopted)


def test_an_opened_output_survives_the_hand_over(tmp_path):
    old = old_output(tmp_path)
    assert old.unverified and old.adopted and old.verified.keys() - old.adopted
    again = pickle.loads(pickle.dumps(old))
    assert again.digests == old.digests and list(again.digests) == list(old.digests)
    assert again.verified == old.verified and list(again.verified) == list(old.verified)
    assert again.adopted == old.adopted and again.unverified == old.unverified and again.staging == old.staging


def test_an_empty_output_survives_the_hand_over(tmp_path):
    old = OldOutput({}, {}, set(), tmp_path, set())
    again = pickle.loads(pickle.dumps(old))
    assert (again.digests, again.verified, again.unverified, again.adopted) == ({}, {}, set(), set())


def test_a_stamp_no_array_holds_is_handed_over_as_it_is(tmp_path):
    old = old_output(tmp_path)
    path = next(iter(old.verified))
    old.verified[path] = (2**100, 1, 2)  # a 128-bit file ID
    again = pickle.loads(pickle.dumps(old))
    assert again.verified == old.verified and again.digests == old.digests and again.unverified == old.unverified


class Listed:
    """A listing entry that gives `inode` as its inode, and may refuse to be stat'ed."""

    def __init__(self, entry: os.DirEntry, inode: int, stat_allowed: bool):
        self._entry, self._inode, self._stat_allowed = entry, inode, stat_allowed
        self.name, self.path = entry.name, entry.path

    def inode(self) -> int:
        return self._inode

    def is_dir(self, follow_symlinks: bool = True) -> bool:
        return self._entry.is_dir(follow_symlinks=follow_symlinks)

    def is_file(self, follow_symlinks: bool = True) -> bool:
        return self._entry.is_file(follow_symlinks=follow_symlinks)

    def stat(self, follow_symlinks: bool = True) -> os.stat_result:
        assert self._stat_allowed, "a listed inode should have vouched for this file"
        return self._entry.stat(follow_symlinks=follow_symlinks)


def adopt(tmp_path: Path, monkeypatch, filesystem: str, listed_inode) -> tuple[set[str], Path]:
    """A back buffer holding, at each of three paths, the live file (a hard link) or a
    planted one, adopted on a filesystem of this type whose listing gives
    listed_inode(entry, verified stamp) as each file's inode; returns what it keeps."""
    output, back, staging = tmp_path / "out", tmp_path / ".out.back", tmp_path / "staging"
    for folder in (output / "d", back / "d"):
        folder.mkdir(parents=True)
    verified = {}
    for name in ("a.html", "b.html", "c.html"):
        (output / "d" / name).write_text(name, encoding="utf-8")
        verified[f"d/{name}"] = writer_module._stamp(os.lstat(output / "d" / name))
    os.link(output / "d" / "a.html", back / "d" / "a.html")
    (back / "d" / "b.html").write_text("planted", encoding="utf-8")
    os.link(output / "d" / "c.html", back / "d" / "c.html")
    (back / writer_module.STAGING_STAMP).touch()
    staging.mkdir()
    monkeypatch.setattr(writer_module, "_filesystem_type", lambda device: filesystem)
    monkeypatch.setattr(writer_module.sys, "platform", "linux")
    real = os.scandir
    trusted = filesystem in writer_module._LISTED_INODES_TRUE

    class Listing:
        def __init__(self, folder):
            self._listing = real(folder)

        def __enter__(self):
            return [Listed(e, listed_inode(e, verified[f"d/{e.name}"]), not trusted) if e.name.endswith(".html") else e
                    for e in self._listing]

        def __exit__(self, *exc):
            self._listing.close()

    monkeypatch.setattr(writer_module.os, "scandir", Listing)
    return writer_module._adopt(back, staging, verified), staging


def test_where_the_listing_gives_inodes_it_vouches_for_the_live_files_without_a_stat(tmp_path, monkeypatch):
    kept, staging = adopt(tmp_path, monkeypatch, "ext4", lambda entry, stamp: entry.inode())
    assert kept == {"d/a.html", "d/c.html"}
    assert sorted(p.name for p in (staging / "d").iterdir()) == ["a.html", "c.html"]


def test_elsewhere_a_listed_inode_vouches_for_nothing(tmp_path, monkeypatch):
    """On overlayfs a listing may give another number than the file's stat: a planted file
    listed with the live file's inode is still found out, by its stat."""
    kept, staging = adopt(tmp_path, monkeypatch, "overlay", lambda entry, stamp: stamp[0])
    assert kept == {"d/a.html", "d/c.html"}
    assert sorted(p.name for p in (staging / "d").iterdir()) == ["a.html", "c.html"]


def test_the_type_of_this_machines_filesystems_is_known(tmp_path):
    if not writer_module.sys.platform.startswith("linux"):
        pytest.skip("the listing is trusted only on Linux")
    assert writer_module._filesystem_type(os.lstat("/proc").st_dev) == "proc"
    assert writer_module._filesystem_type(os.lstat(tmp_path).st_dev) != ""


def test_files_outside_the_manifest_are_found_in_the_order_of_a_walk_by_sorted_names(tmp_path):
    """The files carried over are reported in the order a walk by sorted names meets them
    ("a/x" before "a-b"), links included and not followed, real folders left out."""
    for name in ("a/x", "a/known", "a-b", "a.b/c/d", "z"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, encoding="utf-8")
    (tmp_path / "a" / "link").symlink_to(tmp_path / "a.b", target_is_directory=True)
    found = writer_module._files_under(str(tmp_path), {"a/known", "z"}.__contains__)
    assert found == ["a/link", "a/x", "a-b", "a.b/c/d"]
