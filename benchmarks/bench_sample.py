"""Time `disclose check` and `disclose build` on a portal (default: the sample portal).

    python benchmarks/bench_sample.py [--source DIR] [--runs N]

Prints the figures; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import build, load_site  # noqa: E402
from generator.diagnostics import Report  # noqa: E402


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def line(name: str, times: list[float]) -> str:
    return f"{name:<28} median {statistics.median(times) * 1000:8.1f} ms   min {min(times) * 1000:8.1f} ms   runs {len(times)}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", default=str(ROOT))
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    source = Path(args.source)

    def check():
        report = Report()
        load_site(source, report)
        return report

    report = check()
    print(f"portal: {source}  ({len(report.errors)} error(s), {len(report.warnings)} warning(s))")
    print(line("disclose check", timed(check, args.runs)))
    with tempfile.TemporaryDirectory() as tmp:
        result = build(source, Path(tmp) / "out")
        print(f"pages: {result.pages}, files: {result.files}")
        print(line("disclose build (full)", timed(lambda: build(source, Path(tmp) / "out"), max(3, args.runs // 2))))
        tracemalloc.start()
        build(source, Path(tmp) / "out")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{'build peak Python memory':<28} {peak / 2**20:8.1f} MiB (tracemalloc)")


if __name__ == "__main__":
    main()
