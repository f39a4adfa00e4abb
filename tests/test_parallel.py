"""Rendering and loading on several cores, under fork and under spawn, give the same bytes
as one process; and the parallel path really runs in other processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, copy_portal

from generator import load_parallel, parallel, produce, render
from generator.build import CACHE_DIR, build
from generator.diagnostics import BuildFailed

METHODS = ("fork", "spawn")
PROJECT = "content/departments/731/2025/projects/13070024P00000410006W.yaml"


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic") / "portal"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synthetic.py"), "--pages", "450", "--out", str(root)],
                   check=True, stdout=subprocess.DEVNULL)
    return root


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def workers_seen(monkeypatch):
    """The pids of the processes that rendered pages and loaded runs in the last builds."""
    seen: dict[str, set[int]] = {"render": set(), "load": set(), "downloads": set(), "export": set()}
    real_collect = render.ParallelRender.collect

    def collect(self, progress=None):
        try:
            real_collect(self, progress)
        finally:
            seen["render"] |= self.worker_pids

    real_exported = render.ParallelRender.exported

    def exported(self):
        seen["export"] |= {id(future) for future in self.exports}  # departments handed to the workers
        return real_exported(self)

    real_load = load_parallel._load_on_workers

    def load(*args, **kwargs):
        seen["load"].add(os.getpid())  # the parent takes the parallel load path
        return real_load(*args, **kwargs)

    real_produce = produce._parallel

    def produce_in_parallel(*args, **kwargs):
        seen["downloads"].add(os.getpid())  # the parent takes the parallel downloads path
        return real_produce(*args, **kwargs)

    monkeypatch.setattr(render.ParallelRender, "collect", collect)
    monkeypatch.setattr(render.ParallelRender, "exported", exported)
    monkeypatch.setattr(produce, "_parallel", produce_in_parallel)
    monkeypatch.setattr(produce, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(load_parallel, "_load_on_workers", load)
    monkeypatch.setattr(render, "worker_count", lambda pages: 2)  # a 1-core machine still tests both paths
    monkeypatch.setattr(load_parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(load_parallel, "PARALLEL_LOAD_FROM", 1)
    return seen


def _one_process(monkeypatch):
    monkeypatch.setattr(render, "worker_count", lambda pages: 1)
    monkeypatch.setattr(load_parallel, "PARALLEL_LOAD_FROM", 10**9)
    monkeypatch.setattr(produce, "PARALLEL_FROM", 10**9)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("source", ["sample", "synthetic"])
def test_fork_spawn_and_one_process_give_the_same_site(method, source, portal, workers_seen, tmp_path, monkeypatch):
    root = copy_portal(ROOT, tmp_path / "sample") if source == "sample" else portal
    seen = workers_seen
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, method)
    assert parallel.start_method() == method
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)  # nothing kept from an earlier build: every department is loaded
    build(root, tmp_path / method)
    assert seen["load"], "the content was not loaded by workers"
    assert seen["render"], "the pages were not rendered by workers"
    assert seen["downloads"], "the downloads were not made by workers"
    assert seen["export"], "the departments' search scopes were not exported by workers"
    assert os.getpid() not in seen["render"]
    _one_process(monkeypatch)
    shutil.rmtree(root / CACHE_DIR)
    build(root, tmp_path / "serial")
    assert tree(tmp_path / method) == tree(tmp_path / "serial")


def test_the_start_method_is_fork_on_linux_and_spawn_elsewhere(monkeypatch):
    monkeypatch.delenv(parallel.START_METHOD_VARIABLE, raising=False)
    monkeypatch.setattr(parallel.multiprocessing, "get_all_start_methods", lambda: ["fork", "spawn", "forkserver"])
    monkeypatch.setattr(parallel.sys, "platform", "linux")
    assert parallel.start_method() == "fork"
    for platform in ("darwin", "win32"):
        monkeypatch.setattr(parallel.sys, "platform", platform)
        assert parallel.start_method() == "spawn"
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, "fork")
    assert parallel.start_method() == "fork"  # forced, where the platform has it
    monkeypatch.setattr(parallel.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert parallel.start_method() == "spawn"  # not where it has not


@pytest.mark.parametrize("method", METHODS)
def test_a_template_error_in_a_worker_is_reported_with_its_place(method, portal, tmp_path, monkeypatch):
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, method)
    monkeypatch.setattr(render, "worker_count", lambda pages: 2)
    broken = tmp_path / "broken"
    shutil.copytree(portal, broken)
    (broken / "templates").mkdir(exist_ok=True)
    (broken / "templates" / "footer.html").write_text("<footer>\n{{ nothing.here }}</footer>\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(broken, tmp_path / "out")
    (error,) = failed.value.report.errors
    assert (error.location.path, error.location.line, error.rule) == ("templates/footer.html", 2, "template.error")
    assert not (tmp_path / "out").exists()


def test_python_m_generator_builds_with_spawned_workers(portal, tmp_path, monkeypatch):
    """The command itself, its render workers spawned (as on macOS and Windows), writes
    what one process writes."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), **{parallel.START_METHOD_VARIABLE: "spawn"})
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--source", str(portal), "--output", str(tmp_path / "spawned")],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    _one_process(monkeypatch)
    build(portal, tmp_path / "serial")
    assert tree(tmp_path / "spawned") == tree(tmp_path / "serial")


def _modules() -> list[str]:
    package = ROOT / "generator"
    skipped = {"themes", "starter", "__pycache__", "__main__"}  # __main__ runs the command
    found = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if not skipped & set(parts):
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def test_every_module_imports_first_in_a_fresh_interpreter():
    """A spawned worker's first import is the module of the function it runs: a cycle that
    an import order elsewhere hides would stop every spawned worker (the pool then waits)."""
    from concurrent.futures import ThreadPoolExecutor

    def imports(module: str) -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        return module, done.stderr.strip().splitlines()[-1] if done.returncode else ""

    with ThreadPoolExecutor(4) as pool:
        failed = {module: error for module, error in pool.map(imports, _modules()) if error}
    assert not failed


WORKER_DIES = """
import os, sys
from pathlib import Path
from generator import load_parallel, produce, render
from generator.build import build
from generator.diagnostics import BuildFailed

step = sys.argv[3]
die = lambda *args: os._exit(3)
if step == "render":
    render._start_worker, render.PARALLEL_FROM = die, 1
    render.worker_count = lambda pages: 2
elif step == "downloads":
    produce._start_worker, produce.PARALLEL_FROM = die, 1
elif step == "load":
    load_parallel.PARALLEL_LOAD_FROM = 1
    load_parallel.usable_cores = lambda: 2
    load_parallel.set_language = die
try:
    build(Path(sys.argv[1]), Path(sys.argv[2]))
except BuildFailed as failed:
    print("\\n".join(d.rule for d in failed.report.errors))
    sys.exit(1)
"""


@pytest.mark.parametrize("step", ["load", "render", "downloads"])
def test_a_worker_that_dies_fails_the_build_instead_of_hanging(step, tmp_path):
    """A worker that dies at start-up (as one the system kills) breaks its pool: the build
    stops with an error, and the last good site is left as it was. (Forked workers: they
    inherit the start-up patched to die; the pool is the same under spawn.)"""
    root = copy_portal(ROOT, tmp_path / "portal")
    output = tmp_path / "out"
    build(root, output)
    before = tree(output)
    (root / PROJECT).write_text((root / PROJECT).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    shutil.rmtree(root / CACHE_DIR)  # every department to load, on the workers
    env = dict(os.environ, PYTHONPATH=str(ROOT), **{parallel.START_METHOD_VARIABLE: "fork"})
    done = subprocess.run([sys.executable, "-c", WORKER_DIES, str(root), str(output), step], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.split() == ["system.worker"], done.stdout + done.stderr
    assert tree(output) == before
