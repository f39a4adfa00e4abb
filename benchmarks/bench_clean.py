"""Where a clean build's time goes: wall and CPU of clean builds of a synthetic portal, and
optionally a cProfile of one in a single process.

    python benchmarks/bench_clean.py [--pages N] [--runs R] [--one-core] [--profile FILE] [--top K]

Each run removes the output and .disclose-cache/ and runs `python -m generator build` in a
child process. CPU is the child's user+sys (its workers included: a pool's processes are
waited for). --one-core pins the child to one core, so the build runs without workers
(usable_cores() is 1) and the CPU figure is the whole work; --profile runs it under
cProfile (one core) and prints the top entries by cumulative and by own time.

Prints figures; asserts nothing. On a shared machine compare CPU, which other
processes disturb less than wall time.
"""

from __future__ import annotations

import argparse
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402


def one_clean_build(portal: Path, output: Path, one_core: bool, profile: Path | None) -> dict:
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(portal / ".disclose-cache", ignore_errors=True)
    command = [sys.executable]
    if profile:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "generator", "build", "--source", str(portal), "--output", str(output), "--quiet"]
    pin = (lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})) if one_core or profile else None
    environment = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, preexec_fn=pin, env=environment, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    files = sum(len(names) for _, _, names in os.walk(output))
    return {
        "wall": wall,
        "user": after.ru_utime - before.ru_utime,
        "sys": after.ru_stime - before.ru_stime,
        "files": files,
        "peak_rss_mib": after.ru_maxrss / 1024,
    }


def show_profile(path: Path, top: int) -> None:
    for order in ("cumulative", "tottime"):
        print(f"\n--- profile, by {order} ---")
        pstats.Stats(str(path)).sort_stats(order).print_stats(top)


def summarise(runs: list[dict], args: argparse.Namespace) -> None:
    for key in ("wall", "user", "sys"):
        values = [run[key] for run in runs]
        print(f"{key:<5} median {statistics.median(values):7.2f} s   min {min(values):7.2f} s   runs {len(values)}")
    cpu = [run["user"] + run["sys"] for run in runs]
    print(f"cpu   median {statistics.median(cpu):7.2f} s   (user+sys)")
    print(f"files {runs[-1]['files']}   peak RSS of a process {max(r['peak_rss_mib'] for r in runs):.0f} MiB"
          f"   pages {args.pages}   one core {args.one_core}   cores {len(os.sched_getaffinity(0))}")



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time clean builds of a synthetic portal.")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one-core", action="store_true", help="pin the build to one core (no workers)")
    parser.add_argument("--profile", help="also profile one build on one core into this file")
    parser.add_argument("--top", type=int, default=25, help="profile entries to print (default 25)")
    parser.add_argument("--workdir", help="keep the portal and output here (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-clean-") as tmp:
        work = Path(args.workdir or tmp).resolve()
        portal, output = work / "portal", work / "out"
        if not (portal / "site.yaml").is_file():
            synthetic.generate(args.pages, portal, args.seed, None)
        runs = [one_clean_build(portal, output, args.one_core, None) for _ in range(args.runs)]
        if runs:
            summarise(runs, args)
        if args.profile:
            profiled = one_clean_build(portal, output, True, Path(args.profile))
            print(f"\nprofiled run: wall {profiled['wall']:.2f} s, cpu {profiled['user'] + profiled['sys']:.2f} s")
            show_profile(Path(args.profile), args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
