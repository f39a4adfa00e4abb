"""Nothing in build or serve assumes Linux: on a platform without fork (Windows; macOS's
default), without inotify and without os.sched_getaffinity, builds are the same (their
workers spawned) and the dev server starts, watches and rebuilds."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import ROOT, copy_portal, tiny_content, write_yaml

from generator import load_parallel, parallel, render
from generator.build import build
from generator.loader import content_listing

# What a platform without fork and inotify looks like to Python, put in place before the
# generator is imported: the subprocess tests run `disclose` under it.
NO_FORK_NO_INOTIFY = textwrap.dedent("""
    import ctypes, multiprocessing, os, sys
    def _no_libc(*args, **kwargs):
        raise TypeError("LoadLibrary() argument 1 must be str, not None")  # ctypes.CDLL(None) on Windows
    ctypes.CDLL = _no_libc
    multiprocessing.get_all_start_methods = lambda: ["spawn"]
    _get_context = multiprocessing.get_context
    def _context(method=None):
        if method == "fork":
            raise ValueError("cannot find context for 'fork'")
        return _get_context(method)
    multiprocessing.get_context = _context
    for name in ("fork", "sched_getaffinity"):
        if hasattr(os, name):
            delattr(os, name)
    from generator import load_parallel, render
    render.PARALLEL_FROM = 1  # a large portal, as far as the generator can tell
    load_parallel.PARALLEL_LOAD_FROM = 1
    from generator.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def digest_tree(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".disclose-build"}


@pytest.fixture
def without_fork(monkeypatch):
    """multiprocessing as on Windows: no fork start method, and asking for it fails."""
    real = multiprocessing.get_context

    def context(method=None):
        if method == "fork":
            raise ValueError("cannot find context for 'fork'")
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(multiprocessing, "get_context", context)
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)  # every portal counts as large
    monkeypatch.setattr(load_parallel, "PARALLEL_LOAD_FROM", 1)


def test_without_fork_the_build_spawns_its_workers_and_is_the_same(without_fork, sample_build, tmp_path, monkeypatch):
    monkeypatch.delenv(parallel.START_METHOD_VARIABLE, raising=False)
    monkeypatch.setattr(load_parallel, "usable_cores", lambda: 2)  # as on any machine with two cores
    monkeypatch.setattr(render, "worker_count", lambda pages: 2)
    assert parallel.start_method() == "spawn"
    assert load_parallel.worth_workers(len(content_listing(ROOT)))
    build(ROOT, tmp_path / "site")
    assert digest_tree(tmp_path / "site") == digest_tree(sample_build[1])


def run_disclose(*args: str, cwd=None, timeout=300) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", NO_FORK_NO_INOTIFY, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_build_and_check_on_a_platform_without_fork_or_inotify(sample_build, tmp_path):
    portal = copy_portal(ROOT, tmp_path / "portal")
    done = run_disclose("check", "--source", str(portal))
    assert done.returncode == 0, done.stdout + done.stderr
    done = run_disclose("build", "--source", str(portal), "--output", str(tmp_path / "site"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert digest_tree(tmp_path / "site") == digest_tree(sample_build[1])


def test_serve_on_a_platform_without_fork_or_inotify_starts_and_follows_edits(tmp_path):
    from test_serve import Server, free_port

    root = tmp_path / "portal"
    for relative, data in tiny_content().items():
        write_yaml(root / relative, data)
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    log = tmp_path / "serve.log"
    process = subprocess.Popen([sys.executable, "-c", NO_FORK_NO_INOTIFY, "serve", "--source", str(root), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=open(log, "wb"), env=env)
    server = Server.__new__(Server)
    server.port, server.process, server.log, server.temp = port, process, log, tmp_path
    try:
        server.wait_until_up()
        project = root / "content/departments/100/2025/projects/P001.yaml"
        project.write_text(project.read_text(encoding="utf-8").replace("name: 示例项目", "name: 无fork改名"), encoding="utf-8")
        page = "/portal/departments/100/2025/projects/P001/"
        server.wait_for(lambda: "无fork改名".encode() in server.request(page)[2], "the edit")
    finally:
        server.stop()
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


def test_the_watcher_polls_where_the_systems_notifications_cannot_start(tmp_path, monkeypatch):
    """inotify missing or its watch table full: watchfiles' native watcher fails to start,
    and the watcher polls instead."""
    import queue

    import watchfiles

    from generator import watch

    real = watchfiles.watch

    def native_fails(*paths, force_polling=None, **kwargs):
        if not force_polling:
            raise OSError(28, "inotify watch limit reached")
        return real(*paths, force_polling=force_polling, **kwargs)

    monkeypatch.setattr(watch.watchfiles, "watch", native_fails)
    (tmp_path / "content").mkdir()
    seen: queue.Queue = queue.Queue()
    watcher = watch.SourceWatcher([tmp_path / "content"], seen.put).start()
    try:
        assert watcher.ready.wait(10)
        time.sleep(0.2)
        (tmp_path / "content" / "a.yaml").write_text("x: 1\n", encoding="utf-8")
        changed = seen.get(timeout=10)
        assert str(tmp_path / "content" / "a.yaml") in changed
        assert watcher.polling
    finally:
        watcher.stop()


def test_no_hand_written_inotify_binding_is_left():
    assert not (ROOT / "generator" / "inotify.py").exists()
    for path in (ROOT / "generator").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        # ctypes only for renameat2 in the writer (the atomic exchange), never for watching files
        assert ("ctypes" not in text or path.name == "writer.py") and "os.fork" not in text, path
