"""Time from saving a file to the dev server having rebuilt the page, end to end.

    python benchmarks/bench_serve.py [--source DIR] [--edits N]

Copies the portal (default: the sample portal), starts `disclose serve` on it, then
repeatedly renames one project in its YAML and polls the server's status until the
rebuild is done. The figure is from the save to the end of the build, by the server's own
clock (the status says when the build ended), so the poll can be gentle: a client
polling in a tight loop takes a core from the server. Prints each figure and the
median; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def status(base: str) -> dict:
    with urllib.request.urlopen(base + "__disclose__/status.json", timeout=30) as response:
        return json.loads(response.read())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def first_project(root: Path) -> Path:
    return sorted((root / "content" / "departments").glob("*/*/projects/*.yaml"))[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", default=str(ROOT))
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "portal"
        root.mkdir()
        for name in ("site.yaml", "content", "templates", "themes"):  # themes/: where a portal has its own
            source = Path(args.source) / name
            if source.is_dir():
                shutil.copytree(source, root / name)
            elif source.is_file():
                shutil.copy(source, root / name)
        pages = sum(1 for _ in (root / "content").rglob("*.yaml"))
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--source", str(root), "--port", str(port)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            started = time.perf_counter()
            while True:
                try:
                    first = status(base)
                    break
                except OSError:
                    time.sleep(0.05)
            print(f"portal: {args.source} ({pages} YAML files); first build and server start: {time.perf_counter() - started:.2f} s")
            project = first_project(root)
            original = project.read_text(encoding="utf-8")
            name_line = next(line for line in original.splitlines() if line.startswith("name: "))
            generation = first["generation"]
            figures, builds = [], []
            for edit in range(args.edits):
                time.sleep(0.3)
                saved = time.time()
                project.write_text(original.replace(name_line, f"{name_line}（第{edit + 1}次修改）", 1), encoding="utf-8")
                while True:
                    current = status(base)
                    if current["generation"] > generation:
                        break
                    time.sleep(0.05)  # a gentle poll: a busy client would slow the server down on a 2-core machine
                figures.append(current["finished"] - saved)
                builds.append(current["seconds"])
                generation = current["generation"]
                steps = " · ".join(f"{seconds * 1000:.0f}" for _, seconds in current.get("timings", []))
                print(f"edit {edit + 1}: page rebuilt {figures[-1] * 1000:.0f} ms after the save "
                      f"(build {current['seconds'] * 1000:.0f} ms [{steps}], {len(current['rendered'])} page(s) rendered)")
            print(f"median save → rebuilt: {statistics.median(figures) * 1000:.0f} ms over {len(figures)} edits; "
                  f"median build: {statistics.median(builds) * 1000:.0f} ms (the rest is the 40 ms quiet period and the file watcher)")
            if current.get("timings"):
                print("build steps, in order: " + " · ".join(step for step, _ in current["timings"]))
        finally:
            process.terminate()
            process.wait(timeout=120)  # it removes its output folder first: 192,000 files at 10,000 pages


if __name__ == "__main__":
    main()
