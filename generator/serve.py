"""`disclose serve`: build, serve the built site, rebuild on every change, reload the pages.

The server keeps serving the last good site when a change breaks the build, and every
page shows the error over it (file, line, column, message and the offending lines) until
the editor fixes it. It serves only the built site, on the host it is given.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.build import BuildCache, build
from generator.diagnostics import BuildFailed, Diagnostic

OVERLAY_SCRIPT = Path(__file__).parent / "static" / "overlay.js"
STATUS_PATH = "/__disclose__/status.json"
OVERLAY_PATH = "/__disclose__/overlay.js"
WATCHED = ("content", "templates", "themes", "site.yaml")
SNIPPET_CONTEXT = 2


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every watched file: what a rebuild depends on."""
    found = {}
    pending = [str(Path(root) / name) for name in WATCHED]
    while pending:
        path = pending.pop()
        try:
            if os.path.isdir(path):
                pending.extend(entry.path for entry in os.scandir(path))
            else:
                stat = os.stat(path)
                found[path] = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            continue
    return found


def snippet(root: Path, diagnostic: Diagnostic) -> list[dict]:
    """The offending line of the source with a little context, for the overlay."""
    line = diagnostic.location.line
    if not line:
        return []
    try:
        lines = (root / diagnostic.location.path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    first = max(1, line - SNIPPET_CONTEXT)
    last = min(len(lines), line + SNIPPET_CONTEXT)
    return [{"line": n, "text": lines[n - 1], "here": n == line} for n in range(first, last + 1)]


def _changed_files(now: dict, before: dict) -> int:
    return sum(1 for path in now.keys() | before.keys() if now.get(path) != before.get(path))


@dataclass
class Status:
    ok: bool = True
    generation: int = 0
    errors: list = field(default_factory=list)
    rendered: list = field(default_factory=list)
    seconds: float = 0.0
    timings: list = field(default_factory=list)  # [step, seconds] of the last build
    finished: float = 0.0  # when the last build ended (seconds since the epoch)

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False).encode("utf-8")


class DevSite:
    """The project being previewed: its build cache, its output folder and its status."""

    def __init__(self, root: Path, base_url: str):
        self.root = Path(root).resolve()
        self.base_url = base_url
        self.output = Path(tempfile.mkdtemp(prefix="disclose-serve-")) / "site"
        self.cache = BuildCache()
        self.status = Status()
        self.last_snapshot: dict | None = None
        self.lock = threading.Lock()

    def settle(self) -> dict:
        """Wait until files stop changing (a git checkout, a save of several files), then
        return the snapshot. A change of one file (an editor's save) is taken at once."""
        current = snapshot(self.root)
        if self.last_snapshot is not None and _changed_files(current, self.last_snapshot) <= 1:
            return current
        for _ in range(40):
            time.sleep(0.03)
            again = snapshot(self.root)
            if again == current:
                return current
            current = again
        return current

    def rebuild(self, force: bool = False, known_change: bool = False, changed: set | None = None) -> bool:
        """Build if anything watched changed since the last build; True when a build ran.

        `known_change`: the caller already knows files changed and waited for them to settle
        (inotify), so the watched tree is not walked again; `changed` then names the paths
        (None: unknown), so that the build looks at those files only."""
        with self.lock:
            self.cache.sources.changed = changed if known_change else None
            if not known_change:
                current = self.settle()
                if not force and current == self.last_snapshot:
                    return False
                self.last_snapshot = current
            started = time.perf_counter()
            try:
                result = build(self.root, self.output, cache=self.cache,
                               drafts=True,  # the dev server shows drafts, each page marked
                               base_url=self.base_url, dev_overlay=OVERLAY_PATH)
            except BuildFailed as failed:
                errors = [dict(d.as_json(), text=d.format(), snippet=snippet(self.root, d)) for d in failed.report.sorted()
                          if d.severity.value == "error"]
                self.status = Status(False, self.status.generation + 1, errors, [], time.perf_counter() - started)
                print(failed.report.format_text(), file=sys.stderr)
                print("build failed: still serving the last good site", file=sys.stderr)
                return True
            self.status = Status(True, self.status.generation + 1, [], list(self.cache.render.rendered),
                                 time.perf_counter() - started, [[step, round(seconds, 4)] for step, seconds in result.timings],
                                 time.time())
            print(f"rebuilt {len(self.cache.render.rendered)} page(s), wrote {result.written} file(s) "
                  f"in {self.status.seconds * 1000:.0f} ms", file=sys.stderr)
            return True

    def close(self) -> None:
        shutil.rmtree(self.output.parent, ignore_errors=True)


def poll_interval_ms(root: Path) -> int:
    """Poll often on a small portal, less often where one look at every file takes longer."""
    started = time.perf_counter()
    snapshot(Path(root))
    walk_ms = (time.perf_counter() - started) * 1000
    return int(min(1000, max(100, 5 * walk_ms)))


QUIET_MS = 40  # a change is built once no further change has come for this long (a save, a checkout)


def _start_inotify(site: "DevSite", on_change):
    """Watch with inotify where the system has it; None elsewhere."""
    from tornado.ioloop import IOLoop

    try:
        from generator.inotify import Inotify

        events = Inotify([site.root / name for name in WATCHED])
    except (OSError, AttributeError):
        return None
    loop = IOLoop.current()
    pending = []
    paths: list = [set()]  # what changed since the last build; None: unknown, look at everything

    def fire():
        pending.clear()
        changed, paths[0] = paths[0], set()
        on_change(known_change=True, changed=changed)

    def readable(fd, _events):
        found = events.drain()
        if found is None or found:
            paths[0] = None if found is None or paths[0] is None else paths[0] | found
            for handle in pending:
                loop.remove_timeout(handle)
            pending[:] = [loop.call_later(QUIET_MS / 1000, fire)]

    loop.add_handler(events.fd, readable, IOLoop.READ)
    return events


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler, StaticFileHandler
    from livereload.watcher import Watcher
    from tornado import ioloop, web

    class QuickWatcher(Watcher):
        """livereload's polling watcher, polled every `interval` ms instead of its fixed 800."""

        interval = 800

        def start(self, callback):
            ioloop.PeriodicCallback(callback, self.interval).start()
            return True

    site = DevSite(root, f"http://{host}:{port}/")
    site.rebuild(force=True)
    if not site.status.ok and not (site.output / "index.html").exists():
        site.output.mkdir(parents=True, exist_ok=True)
        (site.output / "index.html").write_text(
            f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>disclose</title>'
            f'<script src="{OVERLAY_PATH}" defer></script></head><body><main></main></body></html>', encoding="utf-8")

    class StatusHandler(web.RequestHandler):
        def get(self):
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.write(site.status.as_json())

    class OverlayHandler(web.RequestHandler):
        def get(self):
            self.set_header("Content-Type", "application/javascript; charset=utf-8")
            self.write(OVERLAY_SCRIPT.read_bytes())

    class SiteFiles(StaticFileHandler):
        """The built site only; an unknown address gets the site's 404 page."""

        def write_error(self, status_code, **kwargs):
            not_found = site.output / "404.html"
            if status_code == 404 and not_found.is_file():
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(not_found.read_bytes())
            else:
                super().write_error(status_code, **kwargs)

    class DevServer(Server):
        SFH = SiteFiles

        def get_web_handlers(self, script):
            return [(STATUS_PATH, StatusHandler), (OVERLAY_PATH, OverlayHandler)] + super().get_web_handlers(script)

    def on_change(known_change: bool = False, changed: set | None = None):
        if site.rebuild(known_change=known_change, changed=changed):
            LiveReloadHandler.reload_waiters()  # at once, not after livereload's 3-second throttle

    watcher = QuickWatcher()
    server = DevServer(watcher=watcher)
    events = _start_inotify(site, on_change)
    if events is None:  # no inotify here: livereload's watcher polls every watched file
        watcher.interval = poll_interval_ms(site.root)
        for name in WATCHED:
            if (site.root / name).exists():
                server.watch(str(site.root / name), on_change)
    else:  # inotify reports changes; livereload only serves and reloads
        watcher.interval = 3_600_000
        server.watch(str(site.root / "site.yaml"), on_change)
    logging.getLogger("livereload").setLevel(logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    print(f"serving {site.root} on http://{host}:{port}/ (Ctrl+C to stop)", file=sys.stderr)
    try:
        server.serve(host=host, port=port, root=str(site.output), restart_delay=0)
    finally:
        site.close()
