"""The home page at scale: its size and render time with the department directory of a
portal of N pages (the departments benchmarks/synthetic.py would make for N pages, with
their names, codes and regions; the directory shows no figures, so none are made up).

    python benchmarks/bench_home.py [--pages 10000 100000] [--regions N]

--regions N lays the departments of the first N cities out in region folders, as
`synthetic.py --regions N` does: their groups are the region folders' (named by area code).
"""

from __future__ import annotations

import argparse
import gzip
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402

from generator import urls, views  # noqa: E402
from generator.model import Site, SiteConfig  # noqa: E402
from generator.pages import Page  # noqa: E402
from generator.render import make_environment, render_page  # noqa: E402


def cards_for(pages: int, regions: int = 0) -> tuple[views.DepartmentCard, ...]:
    count, _ = synthetic.plan(pages, random.Random(0))  # the rng only shuffles project counts
    cards = []
    in_folders: set[str] = set()
    for p, c, b in synthetic.choose_departments(count, 1):
        dept = synthetic.make_dept(p, c, b, 1)
        years = tuple(sorted(synthetic.YEARS, reverse=True))
        code, region_code = dept.code, ""
        if dept.area in in_folders or len(in_folders) < regions:  # as synthetic.generate lays them out
            in_folders.add(dept.area)
            code, region_code = synthetic.region_folder(dept, b).rsplit("/", 1)[-1], dept.area
        cards.append(views.DepartmentCard(code, dept.name, f"{dept.province}{dept.city}市", years, "", None, region_code))
    return tuple(cards)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--regions", type=int, default=0, help="region folders, as synthetic.py --regions N")
    args = parser.parse_args()
    config = SiteConfig(title="部门预算公开平台", authority="", base_url="https://example.gov.cn/yjsgk/")
    site = Site(config, ())
    env = make_environment([ROOT / "generator" / "themes" / "default" / "templates"], site)
    env.globals["site_years"] = tuple(sorted(synthetic.YEARS, reverse=True))
    print(f"{'pages':>8} {'departments':>11} {'regions':>7} {'home bytes':>11} {'gzip':>8} {'render ms':>9}")
    for pages in args.pages:
        cards = cards_for(pages, args.regions)
        regions = views.region_groups(cards, urls.region)
        figures = views.PortalFigures(len(regions), len(cards), len(cards) * len(synthetic.YEARS), 0, max(synthetic.YEARS))
        page = Page(urls.HOME, "home.html", {"regions": regions, "figures": figures, "crumbs": []}, config.title)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            data = render_page(env, page)
            times.append((time.perf_counter() - started) * 1000)
        print(f"{pages:>8} {len(cards):>11} {len(regions):>7} {len(data):>11} {len(gzip.compress(data, 6)):>8} {statistics.median(times):>9.1f}")


if __name__ == "__main__":
    main()
