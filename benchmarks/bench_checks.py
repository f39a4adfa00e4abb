"""What each rule module costs: the disclosure rules timed over a loaded portal.

    python benchmarks/bench_checks.py [--source DIR] [--repeat N]

Loads the portal once (its CPU time, workers included, is the cost of `disclose check`
with every rule), then runs every rule module over every disclosure N times and
prints the fastest run of the modules that check the arithmetic and structure of the
tables (arithmetic … prose) and of those that read the meaning of the words
(indicator_kinds … wording) in ms, each module alone, and the ratios. Loading and
parsing the YAML (most of `disclose check`'s time) is not in these figures.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import load_site  # noqa: E402
from generator.checks import READER_MODULES, RULE_MODULES  # noqa: E402
from generator.diagnostics import Report  # noqa: E402


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the loader's workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def time_group(modules, site, repeat: int) -> float:
    """The fastest of `repeat` runs of the modules over every disclosure, in CPU ms, one
    disclosure at a time as `disclose check` runs them (they share its texts)."""
    settings = site.config.checks
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()  # CPU time: the figure holds on a busy machine
        for dept in site.departments:
            for disclosure in dept.disclosures:
                for module in modules:
                    for _ in module.check(dept, disclosure, settings, settings.tolerance):
                        pass
        best = min(best, time.process_time() - started)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(ROOT))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    report = Report()
    started, cpu = time.perf_counter(), _cpu()
    site = load_site(Path(args.source), report)
    loaded = (time.perf_counter() - started) * 1000
    loaded_cpu = (_cpu() - cpu) * 1000  # with the parallel loader's workers
    if site is None:
        sys.exit(report.format_text())
    count = sum(len(d.disclosures) for d in site.departments)
    projects = sum(len(x.projects) for d in site.departments for x in d.disclosures)
    print(f"{args.source}: {count} disclosures, {projects} projects; load and check {loaded:.0f} ms, {loaded_cpu:.0f} CPU ms")
    totals = {}
    for group, modules in (("tables", RULE_MODULES), ("reader", READER_MODULES)):
        totals[group] = time_group(modules, site, args.repeat)
        print(f"  {group + ' rules':<14} {totals[group]:9.1f} ms")
        for module in modules:
            # alone, a module of the reader group also pays for reading the texts
            print(f"    {module.__name__.rsplit('.', 1)[-1]:<20} {time_group((module,), site, args.repeat):9.1f} ms")
    print(f"reader rules add {100 * totals['reader'] / totals['tables']:.1f}% to the table rules, "
          f"{100 * totals['reader'] / (loaded_cpu - totals['reader']):.1f}% to the CPU time of load and check without them")


if __name__ == "__main__":
    main()
