"""Search at scale: index size on disk, and what a browser downloads for a cold query.

    python benchmarks/bench_search.py [--pages 10000] [--portal DIR]

Generates a synthetic portal of about --pages pages (benchmarks/synthetic.py) unless
--portal names a built-or-buildable one, builds it, serves the output on 127.0.0.1 and
opens the search page in Debian's Chromium for each query in a fresh browser context
(a cold cache). It prints, per query, the index files fetched, their bytes as served and
gzip-compressed (what a server with compression sends), the number of results, and the
time from the last index byte arriving to the results being on screen.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import build  # noqa: E402

QUERIES = [("one word", "大篷车"), ("one word", "科普"), ("two words", "科普 乡村振兴"), ("a code", None)]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def size_of(folder: Path) -> tuple[int, int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    raw = sum(p.stat().st_size for p in files)
    zipped = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    return len(files), raw, zipped


def serve(output: Path, base_path: str):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            path = urllib.parse.urlsplit(path).path
            if path.startswith(base_path):
                path = "/" + path[len(base_path):]
            return super().translate_path(path)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--portal", help="an existing portal folder (default: generate one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        portal = Path(args.portal) if args.portal else Path(tmp) / "portal"
        if not args.portal:
            started = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synthetic.py"), "--pages", str(args.pages),
                            "--out", str(portal)], check=True, stdout=subprocess.DEVNULL)
            print(f"generated {portal} in {time.perf_counter() - started:.1f} s")
        output = Path(tmp) / "site"
        started = time.perf_counter()
        result = build(portal, output)
        print(f"built {result.pages} pages in {time.perf_counter() - started:.1f} s")
        files, raw, zipped = size_of(output / "search")
        print(f"static search index, all scopes: {files} files, {raw / 2**20:.1f} MiB ({zipped / 2**20:.1f} MiB gzip)")
        files, raw, zipped = size_of(output / "search" / "all")
        print(f"static search index, whole-site scope: {files} files, {raw / 2**20:.1f} MiB ({zipped / 2**20:.1f} MiB gzip)")
        base_path = result.site.config.base_path
        code = next(p.code for d in result.site.departments for y in d.disclosures for p in y.projects if p.code)
        server = serve(output, base_path)
        port = server.server_address[1]
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            print(f"{'query':<24}{'files':>6}{'bytes':>10}{'gzip':>9}{'results':>9}{'last byte → on screen':>24}")
            for label, query in QUERIES:
                query = query or code
                context = browser.new_context()
                page = context.new_page()
                fetched: list[str] = []
                page.on("requestfinished", lambda request, fetched=fetched: fetched.append(request.url))
                page.goto(f"http://127.0.0.1:{port}{base_path}search/")
                page.wait_for_selector("#search-form[data-state=done]")
                fetched.clear()
                page.fill("#search-q", query)
                page.press("#search-q", "Enter")
                page.wait_for_selector("#search-form[data-state=done]")
                timing = page.evaluate("""() => {
                    const ends = performance.getEntriesByType('resource')
                        .filter(e => e.name.includes('/search/') && e.name.endsWith('.json')).map(e => e.responseEnd);
                    return [Math.max(...ends), Number(document.querySelector('#search-form').dataset.renderedAt)];
                }""")
                index_files = [u for u in fetched if "/search/" in u and u.endswith(".json")]
                paths = [output / urllib.parse.unquote(urllib.parse.urlsplit(u).path)[len(base_path):] for u in index_files]
                raw = sum(p.stat().st_size for p in paths)
                zipped = sum(len(gzip.compress(p.read_bytes(), 6)) for p in paths)
                results = page.locator("#search-status").inner_text()
                count = "".join(ch for ch in results.split("条")[0] if ch.isdigit()) or "0"
                print(f"{label + ' ' + query:<24}{len(paths):>6}{raw:>10}{zipped:>9}{count:>9}{timing[1] - timing[0]:>20.1f} ms")
                context.close()
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
