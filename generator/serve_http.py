"""The dev server's HTTP side: the built site under its base path, the status the overlay
reads, and the livereload websocket. Nothing here builds or watches; it asks the
`DevSite` (generator/serve.py) what to serve.

What it refuses, and why:
- a Host header that names another machine (a DNS-rebinding page would otherwise read the
  preview, unpublished drafts included): 421 for every address;
- a livereload websocket opened from a page of another origin: 403;
- dotfiles (`/.disclose-build`, anything under a folder whose name starts with a dot);
- malformed paths (a NUL byte, bytes that are not UTF-8): 400, never a 500;
- unknown addresses: the site's own 404.html, with status 404.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from tornado import web
from tornado.routing import Matcher, PathMatches, Rule

STATUS_PATH = "/__disclose__/status.json"
OVERLAY_PATH = "/__disclose__/overlay.js"
LIVE_SCRIPT = (  # livereload's loader: fetches livereload.js from the address the page came from
    b'<script>(function(){var s=document.createElement("script");'
    b's.src="/livereload.js?port="+(window.location.port||(window.location.protocol=="https:"?443:80));'
    b'document.head.appendChild(s);})();</script>'
)


class Previewed(Protocol):
    """What the HTTP side needs of the site being previewed (generator.serve.DevSite)."""

    output: Path  # the built site
    base_path: str  # "/" or "/yjsgk/"

    def status_json(self) -> bytes: ...
    def overlay_script(self) -> bytes: ...
    def make_sure_output_exists(self) -> None: ...


class HostPolicy:
    """Which Host headers (and websocket Origins) name this server.

    An IP address or `localhost` cannot be rebound by a foreign DNS name, so those are
    accepted; so is the name the server was started on, and, when it listens on every
    address, this machine's own names. The port must be the served one."""

    def __init__(self, host: str, port: int):
        self.port = port
        self.names = {"localhost", host.strip("[]").lower()}
        if host in ("", "0.0.0.0", "::"):
            self.names |= {socket.gethostname().lower(), socket.getfqdn().lower()}

    def allows(self, netloc: str) -> bool:
        try:
            parts = urlsplit("//" + netloc)
            name, port = (parts.hostname or "").lower(), parts.port or 80
        except ValueError:  # a port that is not a number, brackets that do not close
            return False
        if port != self.port or not name:
            return False
        return name in self.names or _is_ip_address(name)

    def allows_origin(self, origin: str) -> bool:
        try:
            parts = urlsplit(origin)
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and self.allows(parts.netloc)


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class ForeignHost(Matcher):
    """Matches every request whose Host header does not name this server."""

    def __init__(self, policy: HostPolicy):
        self.policy = policy

    def match(self, request):
        return None if self.policy.allows(request.host or "") else {}


class MisdirectedHandler(web.RequestHandler):
    def prepare(self):
        raise web.HTTPError(421, reason="Misdirected Request")


class StatusHandler(web.RequestHandler):
    def initialize(self, site: Previewed):
        self.site = site

    def get(self):
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.write(self.site.status_json())


class OverlayHandler(web.RequestHandler):
    def initialize(self, site: Previewed):
        self.site = site

    def get(self):
        self.set_header("Content-Type", "application/javascript; charset=utf-8")
        self.write(self.site.overlay_script())


class ReloadSocket(LiveReloadHandler):
    """livereload's websocket, opened only from pages of this server."""

    policy: HostPolicy | None = None

    def initialize(self, policy: HostPolicy):
        self.policy = policy

    def check_origin(self, origin: str) -> bool:
        return self.policy is not None and self.policy.allows_origin(origin)


def reload_browsers() -> None:
    """Tell every open page to reload (at once, not after livereload's own throttle)."""
    message = {"command": "reload", "path": "*", "liveCSS": True, "liveImg": True}
    for waiter in list(LiveReloadHandler.waiters):
        try:
            waiter.write_message(message)
        except Exception:  # a page that went away meanwhile
            LiveReloadHandler.waiters.discard(waiter)


class SiteFiles(web.StaticFileHandler):
    """The built site under its base path; the site's 404 page for anything else."""

    def initialize(self, site: Previewed):  # type: ignore[override]  # tornado passes the route's keywords
        self.site = site
        super().initialize(path=str(site.output), default_filename="index.html")

    async def get(self, path: str, include_body: bool = True) -> None:
        if "\0" in path:
            raise web.HTTPError(400, reason="Malformed path")
        base = self.site.base_path
        address = "/" + path
        if address == "/" and base != "/":
            self.redirect(base)
            return
        if not address.startswith(base) or any(part.startswith(".") for part in address.split("/")):
            raise web.HTTPError(404)
        self.site.make_sure_output_exists()
        try:
            await super().get(address[len(base):], include_body)
        except (ValueError, UnicodeError) as error:  # what the file system cannot name
            raise web.HTTPError(400, reason="Malformed path") from error

    def should_return_304(self) -> bool:
        return False  # a preview is never stale

    def compute_etag(self) -> None:
        return None  # tornado keeps static files' hashes for the life of the process

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs) -> None:
        not_found = self.site.output / "404.html"
        if status_code == 404 and not_found.is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(not_found.read_bytes())
        else:
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(f"{status_code} {self._reason}\n")


class _Injector(LiveScriptInjector):
    script = LIVE_SCRIPT


def make_application(site: Previewed, policy: HostPolicy) -> web.Application:
    """The routes: anything for a foreign Host is refused first."""
    return web.Application([
        Rule(ForeignHost(policy), MisdirectedHandler),
        Rule(PathMatches(STATUS_PATH), StatusHandler, {"site": site}),
        Rule(PathMatches(OVERLAY_PATH), OverlayHandler, {"site": site}),
        Rule(PathMatches("/livereload"), ReloadSocket, {"policy": policy}),
        Rule(PathMatches("/livereload.js"), LiveReloadJSHandler),
        Rule(PathMatches("/(.*)"), SiteFiles, {"site": site}),
    ], transforms=[_Injector])
