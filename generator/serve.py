"""`disclose serve`: build, serve the built site, rebuild on every change, reload the pages.

The server keeps serving the last good site when a change breaks the build, and every
page shows the error over it (file, line, column, message and the offending lines) until
the editor fixes it. It serves only the built site, under the base path the site is
published at, to pages of its own address.

Three parts, one job each:
- `DevSite` (here): the project being previewed, its build cache, its output and status;
- `generator.watch.SourceWatcher`: which files changed (watchfiles, any desktop);
- `generator.serve_http`: what is answered over HTTP and on the livereload websocket.
`serve()` wires them together on tornado's loop.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from generator.build import BUILTIN_THEMES, BuildCache, build
from generator.diagnostics import BuildFailed, Diagnostic, Report
from generator.loader import site_file_path
from generator.messages import message
from generator.schema import read_site_config
from generator.serve_http import OVERLAY_PATH, HostPolicy, make_application, reload_browsers
from generator.watch import SourceWatcher, files_only
from generator.writer import MARKER

OVERLAY_SCRIPT = Path(__file__).parent / "static" / "overlay.js"
WATCHED = ("content", "templates", "themes", "static", "site.yaml")
SNIPPET_CONTEXT = 2
QUIET, NORMAL, VERBOSE = 0, 1, 2  # as the command line's -q and -v
HOUSEKEEPING_MS = 500  # how often the server looks for a deleted output or a new watched folder


def snapshot(root: Path, extra: tuple[Path, ...] = ()) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every watched file: what a rebuild depends on."""
    found = {}
    pending = [str(Path(root) / name) for name in WATCHED] + [str(path) for path in extra]
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


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class DevSite:
    """The project being previewed: its build cache, its output folder and its status.

    `address`: where the server is reached (http://127.0.0.1:8000); the site is built with
    that address and the path of the base URL (`base_url`, else site.yaml's), so that its
    links work in the preview as they will when published."""

    def __init__(self, root: Path, address: str, base_url: str = "", config: Path | None = None,
                 verbosity: int = NORMAL, say=_say):
        self.root = Path(root).resolve()
        self.address = address.rstrip("/")
        self.base_url_override = base_url
        self.config = Path(config).resolve() if config is not None else None
        self.verbosity = verbosity
        self.say = say
        self.output = Path(tempfile.mkdtemp(prefix="disclose-serve-")) / "site"
        self.cache = BuildCache()
        self.status = Status()
        self.base_path = "/"
        self.built = False  # a build has succeeded: the output folder should be there
        self.building = False  # a build is running (a stop signal then interrupts it)
        self.last_snapshot: dict | None = None
        self.lock = threading.RLock()
        self.on_rebuilt = lambda: None  # the server reloads the browsers

    # --- what the HTTP side asks for

    def status_json(self) -> bytes:
        return self.status.as_json()

    def overlay_script(self) -> bytes:
        return OVERLAY_SCRIPT.read_bytes()

    def make_sure_output_exists(self) -> None:
        """A deleted output folder is built again in full before anything is served."""
        if self.output_lost():
            self.recover()

    # --- building

    def site_file(self) -> Path:
        return site_file_path(self.root, self.config)

    def watched_paths(self) -> list[Path]:
        """Everything a build reads: the portal's folders, its settings, the built-in themes."""
        return [self.root / name for name in WATCHED if name != "site.yaml"] + [self.site_file(), BUILTIN_THEMES]

    def _read_base_path(self) -> str:
        """The path part of the base URL the site is published at ("/" when unknown)."""
        if self.base_url_override:
            return urlsplit(self.base_url_override).path or "/"
        try:
            text = self.site_file().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return self.base_path
        config = read_site_config("site.yaml", text, Report())
        return config.base_path if config is not None else self.base_path

    def settle(self) -> dict:
        """Wait until files stop changing (a git checkout, a save of several files), then
        return the snapshot. A change of one file (an editor's save) is taken at once."""
        extra = (self.site_file(),)
        current = snapshot(self.root, extra)
        if self.last_snapshot is not None and _changed_files(current, self.last_snapshot) <= 1:
            return current
        for _ in range(40):
            time.sleep(0.03)
            again = snapshot(self.root, extra)
            if again == current:
                return current
            current = again
        return current

    def rebuild(self, force: bool = False, known_change: bool = False, changed: set | None = None) -> bool:
        """Build if anything watched changed since the last build; True when a build ran.

        `known_change`: the caller already knows files changed and waited for them to settle
        (the watcher), so the watched tree is not walked again; `changed` then names the
        paths (None: unknown), so that the build looks at those files only."""
        with self.lock:
            changed = files_only(changed, self.cache.sources.files) if known_change else None
            if not known_change:
                current = self.settle()
                if not force and current == self.last_snapshot:
                    return False
                self.last_snapshot = current
            self.base_path = self._read_base_path()
            started = time.perf_counter()
            self.building = True
            try:
                result = build(self.root, self.output, cache=self.cache, base_url=self.address + self.base_path,
                               drafts=True,  # the dev server shows drafts, each page marked
                               dev_overlay=OVERLAY_PATH, config=self.config, changed=changed,
                               precompress=False)  # this server sends the files as they are: copies would go unread
            except BuildFailed as failed:
                self._failed(failed, time.perf_counter() - started)
                return True
            finally:
                self.building = False
            self.built = True
            self.status = Status(True, self.status.generation + 1, [], list(result.rendered),
                                 time.perf_counter() - started, [[step, round(seconds, 4)] for step, seconds in result.timings],
                                 time.time())
            if self.verbosity > QUIET:
                self.say(message("serve.rebuilt", pages=len(result.rendered), files=result.written,
                                 ms=round(self.status.seconds * 1000)))
            if self.verbosity == VERBOSE and changed:
                self.say("  " + "\n  ".join(sorted(changed)))
            return True

    def _failed(self, failed: BuildFailed, seconds: float) -> None:
        errors = [dict(d.as_json(), text=d.format(), snippet=snippet(self.root, d)) for d in failed.report.sorted()
                  if d.severity.value == "error"]
        self.status = Status(False, self.status.generation + 1, errors, [], seconds)
        self.say(failed.report.format_text())
        self.say(message("serve.build_failed"))
        self.placeholder_page()

    def placeholder_page(self) -> None:
        """Before any good build, a bare page that carries the overlay (which shows the errors)."""
        if (self.output / "index.html").exists():
            return
        self.output.mkdir(parents=True, exist_ok=True)
        (self.output / "index.html").write_text(
            f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>disclose</title>'
            f'<script src="{OVERLAY_PATH}" defer></script></head><body><main></main></body></html>', encoding="utf-8")

    def output_lost(self) -> bool:
        """The output folder was deleted (or emptied) behind the server's back."""
        return self.built and not (self.output / MARKER).is_file()

    def recover(self) -> None:
        """Build everything again from nothing: the writer's memory of the output is void."""
        with self.lock:
            if not self.output_lost():
                return
            if self.verbosity > QUIET:
                self.say(message("serve.output_lost", path=self.output))
            self.cache = BuildCache()
            self.built = False
            self.rebuild(force=True)
        self.on_rebuilt()

    def close(self) -> None:
        shutil.rmtree(self.output.parent, ignore_errors=True)


class Rebuilds:
    """Changes reported on the watcher's thread, built on the server's loop: all that came
    in while a build ran are taken together by the next one."""

    def __init__(self, site: DevSite, loop):
        self.site, self.loop = site, loop
        self.pending: set[str] | None = set()
        self.scheduled = False
        self.lock = threading.Lock()

    def report(self, changed: set[str] | None) -> None:  # on the watcher's thread
        with self.lock:
            self.pending = None if changed is None or self.pending is None else self.pending | changed
            if self.scheduled:
                return
            self.scheduled = True
        self.loop.add_callback(self.run)

    def run(self) -> None:  # on the loop
        with self.lock:
            changed, self.pending, self.scheduled = self.pending, set(), False
        if self.site.rebuild(known_change=True, changed=changed):
            reload_browsers()


class Housekeeping:
    """Now and then: a deleted output is rebuilt, and a watched folder that came or went
    (templates/ made after the start, content/ moved away and back) is watched anew."""

    def __init__(self, site: DevSite, rebuilds: Rebuilds, force_polling: bool = False):
        self.site, self.rebuilds, self.force_polling = site, rebuilds, force_polling
        self.present: tuple = ()
        self.watcher: SourceWatcher | None = None

    def start_watching(self) -> SourceWatcher:
        self.present = tuple(path.exists() for path in self.site.watched_paths())
        self.watcher = SourceWatcher(self.site.watched_paths(), self.rebuilds.report, self.force_polling).start()
        return self.watcher

    def tick(self) -> None:
        self.site.make_sure_output_exists()
        if tuple(path.exists() for path in self.site.watched_paths()) != self.present:
            if self.watcher is not None:
                self.watcher.stop()
            self.start_watching()
            self.rebuilds.report(None)

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()


def listen(host: str, port: int):
    """The server's sockets, bound before anything is built; None (and a message) when the
    port is taken or the address cannot be used."""
    from tornado.netutil import bind_sockets

    try:
        return bind_sockets(port, address=host)
    except OSError as error:
        reason = error.strerror or error
        if error.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
            said = message("serve.port_busy", host=host, port=port, reason=reason)
        else:
            said = message("serve.cannot_listen", host=host, port=port, reason=reason)
        _say(f"disclose serve: {said}")
        return None


STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGBREAK")


def _stop_on_signals() -> None:
    """Ctrl+C, SIGTERM (and Ctrl+Break on Windows) stop the server, so that the temporary
    output folder is removed on the way out; until it serves, by KeyboardInterrupt (the
    first build can be long). SIGINT is set too: a server started as a
    background job of a script inherits it ignored, and would then outlive every Ctrl+C
    and `kill -INT` and leave its folder behind (Hugo's server does the same)."""
    _set_stop_signals(signal.default_int_handler)


def _stop_loop_on_signals(loop, site: DevSite) -> None:
    """Once serving, a stop signal asks the loop to stop instead of raising KeyboardInterrupt
    wherever the main thread happens to be: raised inside a weakref callback or a __del__,
    that exception is printed and dropped, and the server would run on. During a rebuild,
    which can be long, it interrupts the build as before."""
    wake = loop.asyncio_loop.call_soon_threadsafe  # wakes a loop that waits in select()

    def stop(signum, frame) -> None:
        if site.building:
            raise KeyboardInterrupt
        wake(loop.stop)
    _set_stop_signals(stop)


def _ignore_stop_signals() -> None:
    """While the server cleans up, a second Ctrl+C must not cut the removal short."""
    _set_stop_signals(signal.SIG_IGN)


def _set_stop_signals(handler) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for name in STOP_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handler)


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, base_url: str = "", config: Path | None = None,
          open_browser: bool = False, verbosity: int = NORMAL, force_polling: bool = False) -> int:
    """Serve until interrupted; the exit status."""
    from tornado.httpserver import HTTPServer
    from tornado.ioloop import IOLoop, PeriodicCallback

    sockets = listen(host, port)
    if sockets is None:
        return 1
    port = sockets[0].getsockname()[1]  # the one chosen, when asked for port 0
    shown_host = f"[{host}]" if ":" in host else host
    _stop_on_signals()
    site = DevSite(root, f"http://{shown_host}:{port}", base_url, config, verbosity)
    housekeeping = None
    try:
        site.rebuild(force=True)
        site.placeholder_page()
        _quiet_logs(verbosity)
        server = HTTPServer(make_application(site, HostPolicy(host, port)))
        server.add_sockets(sockets)
        loop = IOLoop.current()
        rebuilds = Rebuilds(site, loop)
        site.on_rebuilt = reload_browsers
        housekeeping = Housekeeping(site, rebuilds, force_polling)
        watcher = housekeeping.start_watching()
        watcher.ready.wait(5)  # the watches are in place (and it is known whether it polls)
        PeriodicCallback(housekeeping.tick, HOUSEKEEPING_MS).start()
        url = site.address + site.base_path
        if verbosity > QUIET:
            loop.add_callback(lambda: _say(message("serve.serving", root=site.root, url=url,
                                                   watch=message("serve.watch_polling") if watcher.polling else message("serve.watch_native"))))
        if open_browser:
            loop.add_callback(lambda: threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start())
        _stop_loop_on_signals(loop, site)
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        _ignore_stop_signals()
        for sock in sockets:
            sock.close()
        site.close()
        if housekeeping is not None:
            housekeeping.stop()
    return 0


def _quiet_logs(verbosity: int) -> None:
    logging.getLogger("livereload").setLevel(logging.WARNING)
    access = logging.getLogger("tornado.access")
    if verbosity == VERBOSE:  # -v: every request
        access.setLevel(logging.INFO)
        if not access.handlers:
            access.addHandler(logging.StreamHandler(sys.stderr))
    else:
        access.setLevel(logging.ERROR)
