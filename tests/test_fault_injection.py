"""A build killed at any moment of its commit leaves exactly the old site or exactly the
new one, and the next build equals a clean build.

The incremental build of an edited synthetic portal (about 3,000 pages) renders once; its
commit is then run again and again in forked children, each killed (SIGKILL, no clean-up
of any kind) at one of the file-system operations the commit makes, spread over all of
them. Between trials the old output and the staging folder are put back as hard links, so
every trial starts from the very same files (inodes and times included)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from test_build import digest_tree

import generator.build as build_module
import generator.writer as writer_module
from generator.build import build

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

PAGES = int(os.environ.get("DISCLOSE_FAULT_PAGES", "3000"))
POINTS = int(os.environ.get("DISCLOSE_FAULT_POINTS", "24"))
COUNTED = ("link", "rename", "replace", "unlink", "rmdir", "mkdir", "symlink")

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="kills forked builds")


def _count_operations(kill_at: int | None, tally: Path) -> None:
    """In a child: count the commit's file-system operations; SIGKILL before number kill_at."""
    done = [0]

    def counted(function):
        def run(*args, **kwargs):
            done[0] += 1
            if kill_at is not None and done[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            result = function(*args, **kwargs)
            tally.write_text(str(done[0]))
            return result

        return run

    for name in COUNTED:
        setattr(os, name, counted(getattr(os, name)))
    if writer_module._renameat2 is not None:
        writer_module._renameat2 = counted(writer_module._renameat2)


def _hard_link_copy(source: Path, target: Path) -> None:
    shutil.copytree(source, target, copy_function=os.link, symlinks=True)


def _clear_beside(output: Path) -> None:
    for path in output.parent.iterdir():
        if path == output or path.name.startswith(f".{output.name}."):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def _in_child(run) -> int:
    """Run `run()` in a forked child; its exit code, or minus the signal that ended it."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = run()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize("adopted", [False, True], ids=["fresh staging", "back buffer adopted"])
def test_a_build_killed_during_its_commit_leaves_the_old_site_or_the_new(tmp_path, monkeypatch, adopted):
    """Both commits: into a fresh staging folder (every unchanged file linked), and into
    the back buffer the build before left (only what changed written)."""
    root = tmp_path / "portal"
    synthetic.generate(PAGES, root, seed=3)
    with open(root / "site.yaml", "a", encoding="utf-8") as settings:  # the commit is under test, not the workbooks
        settings.write("downloads:\n  xlsx: false\n  bundles: false\n  bulk: false\n")
    output = tmp_path / "site" / "out"
    build(root, output)
    if adopted:
        build(root, output, strict=True)  # another option: a real build, which leaves a back buffer
        assert writer_module.back_buffer(output).is_dir()
    old = digest_tree(output)
    project = sorted((root / "content").rglob("projects/*.yaml"))[7]
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace("name: ", "name: 改", 1), encoding="utf-8")
    build(root, tmp_path / "reference")
    new = digest_tree(tmp_path / "reference")
    assert new != old

    saved = tmp_path / "saved"
    saved.mkdir()
    _hard_link_copy(output, saved / "out")
    outcomes: list[tuple[int, str]] = []
    counts: list[int] = []
    real_commit = writer_module.OutputWriter.commit

    def commit_killed_again_and_again(writer):
        _hard_link_copy(writer.staging, saved / "staging")
        tally = tmp_path / "tally"

        def restore() -> None:
            _clear_beside(output)
            _hard_link_copy(saved / "out", output)
            _hard_link_copy(saved / "staging", writer.staging)

        assert _in_child(lambda: (_count_operations(None, tally), real_commit(writer), 0)[-1]) == 0
        total = int(tally.read_text())
        # the commit of about 3,000 pages: links, an exchange, removals; adopting the back
        # buffer: the removal of what is gone, the stat index, the exchange, the retirement
        assert total > (3 if adopted else 1000)
        counts.append(total)
        points = sorted({1 + round(i * (total - 1) / (POINTS - 1)) for i in range(POINTS)})
        for kill_at in points:
            restore()
            code = _in_child(lambda kill_at=kill_at: (_count_operations(kill_at, tally), real_commit(writer), 0)[-1])
            assert code == -signal.SIGKILL, f"not killed at operation {kill_at} of {total}"
            state = digest_tree(output) if output.exists() else {}
            outcomes.append((kill_at, "old" if state == old else "new" if state == new else "neither"))
            # The next build, in a fresh child (a new process would hold no state either).
            monkeypatch.setattr(writer_module.OutputWriter, "commit", real_commit)
            with monkeypatch.context() as m:
                m.setattr(build_module, "output_lock", real_lock)
                next_ok = _in_child(lambda: 0 if (build(root, output), digest_tree(output) == new)[1] else 3)
            monkeypatch.setattr(writer_module.OutputWriter, "commit", commit_killed_again_and_again)
            leftovers = [p.name for p in output.parent.iterdir() if p not in (output, writer_module.back_buffer(output))]
            assert next_ok == 0 and leftovers == [], f"after a kill at {kill_at}: next build {next_ok}, left {leftovers}"
        restore()
        return real_commit(writer)

    real_lock = build_module.output_lock
    # The build under test holds no lock, so that the next builds (in children) can take it.
    monkeypatch.setattr(build_module, "output_lock", lambda output: contextlib.nullcontext())
    monkeypatch.setattr(writer_module.OutputWriter, "commit", commit_killed_again_and_again)
    build(root, output)
    monkeypatch.undo()

    assert len(outcomes) >= min(20, POINTS, *counts)
    assert [point for point, outcome in outcomes if outcome == "neither"] == []
    assert {outcome for _, outcome in outcomes} == {"old", "new"}  # the kills fell on both sides
    assert digest_tree(output) == new
