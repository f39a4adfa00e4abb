"""Tell the dev server which files changed, on any desktop.

watchfiles (the Rust `notify` crate) uses the system's own notifications: inotify on Linux,
FSEvents on macOS, ReadDirectoryChangesW on Windows. Where those cannot start (no such
service, a full inotify watch table, a network drive), it polls instead. Changes arrive
on a background thread and are handed to `on_change` as a set of paths, or None when only
a full look can tell what changed (a folder came, went or was renamed).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

QUIET_MS = 40  # a change is reported once no further change has come for this long (a save, a checkout)
MAX_WAIT_MS = 1600  # and at the latest after this long, while changes keep coming


class SourceWatcher:
    """Watches `paths` (folders recursively, and single files) on a thread of its own."""

    def __init__(self, paths: Iterable[Path], on_change: Callable[[set[str] | None], None], force_polling: bool = False):
        self.paths = [Path(path) for path in paths]
        self.on_change = on_change
        self.force_polling = force_polling
        self.polling = force_polling  # True once the watcher polls (asked to, or native failed)
        self.ready = threading.Event()  # set once the watcher has started
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="disclose-watch", daemon=True)

    def start(self) -> SourceWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        existing = [str(path) for path in self.paths if path.exists()]
        if not existing:
            self.ready.set()
            return
        try:
            self._watch(existing, self.force_polling)
        except Exception:  # the system's notifications could not start here: poll instead
            if self.force_polling or self._stop.is_set():
                raise
            self.polling = True
            self._watch(existing, True)

    def _watch(self, paths: list[str], polling: bool) -> None:
        changes_seen = watchfiles.watch(
            *paths, debounce=MAX_WAIT_MS, step=QUIET_MS, stop_event=self._stop, rust_timeout=200,
            yield_on_timeout=True, raise_interrupt=False, force_polling=polling, poll_delay_ms=100,
            ignore_permission_denied=True,
        )
        for changes in changes_seen:
            self.ready.set()  # the first (timeout) round means the watches are in place
            if changes:
                self.on_change({path for _, path in changes})


def files_only(changed: set[str] | None, known_files: Iterable[str]) -> set[str] | None:
    """The changed paths when each of them is a file (there, or gone and once known as a
    file); None when any is a folder, or a path that is gone and was never read as a file:
    a folder renamed or deleted, whose files the watcher does not name one by one."""
    if changed is None:
        return None
    known = set(known_files)
    for path in changed:
        if os.path.isdir(path):
            return None
        if not os.path.exists(path) and path not in known:
            return None
    return changed
