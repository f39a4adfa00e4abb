"""Lighthouse 12 (mobile) on every page type of a built portal, served the way a static
server with gzip_static serves it (the .gz copy beside a file when the browser accepts gzip).

    python benchmarks/lighthouse.py [--site DIR] [--runs 1]

Builds the sample portal unless --site names a built output, serves it on 127.0.0.1 under
the base path of site.yaml, and runs npm's lighthouse@12.2.3 (through npx, on Node 20) with
Debian's Chromium (CHROME_PATH=/usr/bin/chromium) for each page, printing performance,
accessibility, cumulative layout shift and largest contentful paint. Tests never need it.
"""

from __future__ import annotations

import argparse
import http.server
import json
import mimetypes
import os
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import build  # noqa: E402

LIGHTHOUSE = "lighthouse@12.2.3"
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
PAGES = {
    "home": "",
    "region": "regions/" + urllib.parse.quote("河北省张家口市") + "/",
    "department": "departments/731/",
    "department-year": "departments/731/2025/",
    "targets-only year": "departments/405001/2026/",
    "project": "departments/731/2025/projects/13070024P00000410006W/",
    "year": "years/2025/",
    "glossary": "glossary/",
    "search 大篷车": "search/?q=" + urllib.parse.quote("大篷车"),
    "404": "404.html",
}


def handler_for(root: Path, base_path: str):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            relative = path[len(base_path):] if path.startswith(base_path) else None
            target = root / relative if relative is not None else None
            if target is not None and target.is_dir():
                target = target / "index.html"
            status = 200
            if target is None or not target.is_file() or root.resolve() not in target.resolve().parents:
                target, status = root / "404.html", 404
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
                kind += "; charset=utf-8"
            packed = target.with_name(target.name + ".gz")
            gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "") and packed.is_file()
            data = (packed if gzip_ok else target).read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if gzip_ok:
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "max-age=600")
            self.end_headers()
            self.wfile.write(data)

    return Handler


def lighthouse(url: str, out: Path) -> dict:
    env = dict(os.environ, CHROME_PATH=CHROME)
    subprocess.run(
        ["npx", "--yes", LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={out}",
         "--only-categories=performance,accessibility", "--form-factor=mobile", f"--chrome-flags={CHROME_FLAGS}"],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "errors": len(audits.get("errors-in-console", {}).get("details", {}).get("items", [])),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", help="a built output folder (default: build the sample portal)")
    parser.add_argument("--base-path", default="/yjsgk/")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median performance is printed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(args.site) if args.site else Path(tmp) / "site"
        base_path = args.base_path
        if not args.site:
            result = build(ROOT, site)
            base_path = result.site.config.base_path
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(site, base_path))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}{base_path}"
        print(f"{'page':22} {'perf':>5} {'a11y':>5} {'CLS':>7} {'LCP ms':>8} {'console errors':>15}")
        try:
            for name, path in PAGES.items():
                runs = [lighthouse(base + path, Path(tmp) / f"report-{index}.json") for index in range(args.runs)]
                runs.sort(key=lambda r: r["performance"])
                r = runs[len(runs) // 2]
                print(f"{name:22} {r['performance']:>5} {r['accessibility']:>5} {r['cls']:>7.3f} {r['lcp_ms']:>8.0f} {r['errors']:>15}")
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
