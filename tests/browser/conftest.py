"""Browser fixtures: the sample portal served over HTTP, Debian's Chromium driven by Playwright, axe-core.

Every test in tests/browser is marked ``browser``. Nothing here downloads a browser:
Chromium comes from Debian (/usr/bin/chromium) and axe-core from node_modules, both set up by
scripts/test.sh. When either is missing the tests fail with a message saying so; they never skip.
"""

from __future__ import annotations

import contextlib
import http.server
import mimetypes
import posixpath
import threading
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BASE_PATH = "/yjsgk/"  # the path of site.yaml's base_url
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SETUP_HINT = "run scripts/test.sh, which installs Chromium (apt), fonts-noto-cjk and axe-core (npm)"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# ---- the sample portal over HTTP ----


def _handler_for(root: Path):
    root = root.resolve()
    not_found = root / "404.html"

    class Handler(http.server.BaseHTTPRequestHandler):
        """Serves <root>/<path> for /yjsgk/<path>; directories get index.html; anything else 404.html."""

        protocol_version = "HTTP/1.0"

        def do_GET(self):
            self._serve(body=True)

        def do_HEAD(self):
            self._serve(body=False)

        def log_message(self, format, *args):  # keep pytest output quiet
            pass

        def _serve(self, body: bool) -> None:
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            if path + "/" == BASE_PATH:
                return self._redirect(BASE_PATH)
            if not path.startswith(BASE_PATH):
                return self._send(not_found, 404, body)
            relative = posixpath.normpath(path[len(BASE_PATH):]) if path != BASE_PATH else ""
            if relative in (".", ""):
                relative = ""
            target = (root / relative).resolve() if relative else root
            if target != root and root not in target.parents:
                return self._send(not_found, 404, body)
            if target.is_dir():
                if not path.endswith("/"):
                    return self._redirect(path + "/")
                target = target / "index.html"
            if not target.is_file():
                return self._send(not_found, 404, body)
            return self._send(target, 200, body)

        def _redirect(self, location: str) -> None:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, file: Path, status: int, body: bool) -> None:
            data = file.read_bytes()
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
                kind += "; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(data)

    return Handler


@contextlib.contextmanager
def serving(output: Path, name: str = "site"):
    """A built site on 127.0.0.1 at a free port, for the duration; the base URL ending in /yjsgk/."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(Path(output)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}{BASE_PATH}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def built_from(files: dict, folder: Path) -> Path:
    """A tiny site written from dicts (path → YAML data) into folder/site and built for the
    address serving() gives; the output folder."""
    from conftest import write_yaml

    from generator.build import build

    for relative, data in files.items():
        write_yaml(folder / "site" / relative, data)
    build(folder / "site", folder / "out", base_url="http://127.0.0.1" + BASE_PATH)
    return folder / "out"


def load_page(chromium, url: str, width: int):
    """A new context at this width and the page loaded in it; (context, page): close the context."""
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", reduced_motion="reduce")
    page = context.new_page()
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200
    return context, page


@pytest.fixture(scope="session")
def site_server(sample_build):
    """The built sample portal on 127.0.0.1 at a free port; yields the base URL ending in /yjsgk/."""
    _, output = sample_build
    with serving(Path(output), "sample-site") as url:
        yield url


# ---- Chromium ----


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, through Playwright. Never `playwright install`."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: {SETUP_HINT}", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - depends on the machine
        pytest.fail(f"Python Playwright is not installed ({error}): {SETUP_HINT}", pytrace=False)
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Exception as error:  # noqa: BLE001 - any launch failure is a setup problem
            pytest.fail(f"could not launch {CHROMIUM} ({error}): {SETUP_HINT}", pytrace=False)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_page(chromium, site_server):
    """open_page(path, width=1280) -> a loaded Playwright page for /yjsgk/<path>; closed after the test."""
    contexts = []

    def open_(path: str, width: int = 1280, height: int = 900):
        context = chromium.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            reduced_motion="reduce",
            service_workers="block",
        )
        contexts.append(context)
        page = context.new_page()
        response = page.goto(site_server + path, wait_until="load")
        assert response is not None, f"no response for {path}"
        assert response.status == 200, f"{path}: HTTP {response.status}"
        page.evaluate("document.fonts.ready.then(() => true)")
        return page

    yield open_
    for context in contexts:
        context.close()


# ---- axe-core ----


def run_axe(page) -> list[dict]:
    """Inject axe-core into the page and return its WCAG 2.0/2.1/2.2 A and AA violations."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: {SETUP_HINT}", pytrace=False)
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )
    return result


def format_violations(violations: list[dict], where: str = "", limit: int = 3) -> str:
    """One paragraph per violation: id, impact, help, and the first few targets with their HTML."""
    lines = [f"{len(violations)} axe violation(s){' on ' + where if where else ''}:"]
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(f"- {violation['id']} [{violation['impact']}] {violation['help']} ({len(nodes)} node(s)) {violation.get('helpUrl', '')}")
        for node in nodes[:limit]:
            html = " ".join(node["html"].split())
            if len(html) > 200:
                html = html[:200] + "…"
            lines.append(f"    target: {', '.join(map(str, node['target']))}")
            lines.append(f"    html:   {html}")
            summary = " ".join((node.get("summary") or "").split())
            if summary:
                lines.append(f"    why:    {summary[:300]}")
        if len(nodes) > limit:
            lines.append(f"    … and {len(nodes) - limit} more")
    return "\n".join(lines)


class Axe:
    """axe.run(page) -> violations; axe.format(violations, where) -> the assertion message."""

    run = staticmethod(run_axe)
    format = staticmethod(format_violations)


@pytest.fixture
def axe():
    return Axe
