"""`disclose serve` from the outside, as an editor's browser (or a hostile page) meets it:
one real server process per case, on a tiny portal published under /portal/."""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from conftest import ROOT, tiny_content, write_yaml

PROJECT_PAGE = "/portal/departments/100/2025/projects/P001/"
YEAR = "content/departments/100/2025"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_portal(root: Path) -> Path:
    for relative, data in tiny_content().items():
        write_yaml(root / relative, data)
    return root


class Server:
    """A `disclose serve` process with its own temp folder, and HTTP requests to it."""

    def __init__(self, root: Path, tmp: Path, *options: str, port: int | None = None, env: dict | None = None,
                 sigint_ignored: bool = False):
        self.port = port or free_port()
        self.temp = tmp / "temp"
        self.temp.mkdir(exist_ok=True)
        environment = dict(os.environ, TMPDIR=str(self.temp), TEMP=str(self.temp), TMP=str(self.temp),
                           PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), **(env or {}))
        self.log = tmp / "serve.log"
        command = [sys.executable, "-m", "generator", "serve", "--source", str(root), "--port", str(self.port), *options]
        if sigint_ignored:  # as a script's background job starts: Ctrl+C ignored, kept so across exec
            command = [sys.executable, "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                       "os.execv(sys.executable, sys.argv[1:])", *command]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL, stderr=open(self.log, "wb"), env=environment,
        )

    def wait_until_up(self) -> Server:
        for _ in range(300):
            if self.process.poll() is not None:
                pytest.fail(f"the dev server stopped: {self.output()}")
            try:
                if self.status()["generation"] >= 1:
                    return self
            except (OSError, ValueError, http.client.HTTPException):
                pass
            time.sleep(0.1)
        pytest.fail("the dev server did not start")

    def request(self, path: str, headers: dict | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.putrequest(method, path, skip_host=bool(headers and "Host" in headers), skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            body = b"" if response.status == 101 else response.read()
            return response.status, dict(response.getheaders()), body
        finally:
            connection.close()

    def status(self) -> dict:
        status, _, body = self.request("/__disclose__/status.json")
        if status != 200:
            raise ValueError(status)
        return json.loads(body)

    def wait_for(self, condition, what: str, seconds: float = 20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = condition()
            if found:
                return found
            time.sleep(0.1)
        pytest.fail(f"{what}: not seen in {seconds} s\n{self.output()}")

    def serve_folders(self) -> list[Path]:
        return sorted(self.temp.glob("disclose-serve-*"))

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, how=signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(how)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server for the cases that only read."""
    tmp = tmp_path_factory.mktemp("served")
    server = Server(write_portal(tmp / "portal"), tmp).wait_until_up()
    yield server
    server.stop()


@pytest.fixture
def fresh(tmp_path):
    """A server of its own, for the cases that change files or stop it."""
    servers = []

    def start(*options: str, **kwargs) -> Server:
        root = tmp_path / "portal"
        if not root.exists():
            write_portal(root)
        server = Server(root, tmp_path, *options, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# --- Host and Origin: a DNS-rebinding page cannot read the preview


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1.evil.example:{port}", "127.0.0.1:1", "localhost:abc"])
@pytest.mark.parametrize("path", ["/portal/", "/__disclose__/status.json", "/livereload.js"])
def test_a_foreign_host_header_is_refused(served, host, path):
    status, _, body = served.request(path, {"Host": host.format(port=served.port)})
    assert status == 421
    assert b"authority" not in body and "测试".encode() not in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}"])
def test_the_served_address_is_answered(served, host):
    status, _, body = served.request("/portal/", {"Host": host.format(port=served.port)})
    assert status == 200 and "测试门户".encode() in body


def websocket_handshake(server: Server, origin: str | None) -> int:
    headers = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}
    if origin is not None:
        headers["Origin"] = origin.format(port=server.port)
    return server.request("/livereload", headers)[0]


@pytest.mark.parametrize("origin", ["http://evil.example", "http://evil.example:{port}", "null", "http://127.0.0.1:1"])
def test_the_livereload_websocket_refuses_a_foreign_origin(served, origin):
    assert websocket_handshake(served, origin) == 403


@pytest.mark.parametrize("origin", ["http://127.0.0.1:{port}", "http://localhost:{port}"])
def test_the_livereload_websocket_opens_for_its_own_pages(served, origin):
    assert websocket_handshake(served, origin) == 101


# --- what is served: the site under its base path, no dotfiles, the site's 404 page, 400 for nonsense


def test_no_dotfiles(served):
    status, _, body = served.request("/portal/.disclose-build")
    assert status == 404
    assert b"disclose build" not in body and b"index.html" not in body  # not the manifest
    assert "测试门户".encode() in body  # the site's own 404 page


def test_unknown_addresses_get_the_sites_404_page(served):
    for path in ("/portal/no/such/page/", "/no/such/page", "/portal/missing.css"):
        status, headers, body = served.request(path)
        assert status == 404, path
        assert headers["Content-Type"].startswith("text/html")
        assert "测试门户".encode() in body and b"<html" in body, path


@pytest.mark.parametrize("path", ["/portal/index.html%00", "/portal/%00/", "/portal/%ff", "/portal/a%00b.css", "/%00"])
def test_malformed_paths_are_400_never_500(served, path):
    status, _, body = served.request(path)
    assert status == 400, (path, body[:200])
    assert b"Traceback" not in body
    assert "Traceback" not in served.output()


def test_the_site_is_served_under_its_base_path_so_links_work_as_published(served):
    status, headers, _ = served.request("/")
    assert status in (301, 302) and headers["Location"] == "/portal/"
    status, _, page = served.request("/portal/")
    assert status == 200
    links = set(re.findall(rb'(?:href|src)="(/[^"#?]*)', page))
    tool = (b"/__disclose__/", b"/livereload.js")  # the overlay and livereload, not the site's
    assert links and all(link.startswith(b"/portal/") for link in links if not link.startswith(tool))
    for link in sorted(links):
        assert served.request(urllib.parse.quote(link.decode(), safe="/%"))[0] == 200, link  # as a browser sends 测试市
    assert served.request(PROJECT_PAGE)[0] == 200
    assert served.request("/departments/100/2025/")[0] == 404  # not at the root


# --- options


def test_base_url_option_moves_the_preview(fresh):
    server = fresh("--base-url", "https://staging.example.org/preview/").wait_until_up()
    status, _, page = server.request("/preview/")
    assert status == 200 and b'href="http://127.0.0.1:%d/preview/' % server.port in page or b'"/preview/' in page
    assert server.request("/preview" + PROJECT_PAGE[len("/portal"):])[0] == 200
    assert server.request(PROJECT_PAGE)[0] == 404


def test_config_option_reads_another_settings_file(fresh, tmp_path):
    write_portal(tmp_path / "portal")
    staging = tmp_path / "staging.yaml"
    staging.write_text("title: 试运行门户\nauthority: 测试财政局\nbase_url: https://example.org/trial/\n", encoding="utf-8")
    server = fresh("--config", str(staging)).wait_until_up()
    status, _, page = server.request("/trial/")
    assert status == 200 and "试运行门户".encode() in page
    # an edit of the settings file is seen
    staging.write_text(staging.read_text(encoding="utf-8").replace("试运行门户", "试运行门户二"), encoding="utf-8")
    server.wait_for(lambda: "试运行门户二".encode() in server.request("/trial/")[2], "the edited --config file")


def test_open_option_opens_the_browser_at_the_preview(fresh, tmp_path):
    record = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text(f"import sys, pathlib\npathlib.Path({str(record)!r}).write_text(sys.argv[1])\n", encoding="utf-8")
    server = fresh("--open", env={"BROWSER": f"{sys.executable} {browser} %s"}).wait_until_up()
    server.wait_for(record.exists, "the browser command")
    assert record.read_text() == f"http://127.0.0.1:{server.port}/portal/"


def test_quiet_prints_nothing_but_problems_and_verbose_logs_requests(fresh, tmp_path):
    quiet = fresh("-q").wait_until_up()
    quiet.request("/portal/")
    quiet.stop()
    assert quiet.output().strip() == ""
    verbose = fresh("-v", port=free_port()).wait_until_up()
    verbose.request("/portal/")
    verbose.wait_for(lambda: "GET /portal/" in verbose.output(), "the request in the log")


# --- following the files


@pytest.mark.parametrize("away", ["content/departments/100/2025-old", "outside"], ids=["renamed in place", "moved out"])
def test_a_year_folder_moved_away_and_back_is_still_watched(fresh, tmp_path, away):
    server = fresh().wait_until_up()
    root = tmp_path / "portal"
    away = root / away if away.startswith("content") else tmp_path / away
    (root / YEAR).rename(away)
    server.wait_for(lambda: server.request(PROJECT_PAGE)[0] == 404, "the year gone")
    away.rename(root / YEAR)
    server.wait_for(lambda: server.request(PROJECT_PAGE)[0] == 200, "the year back")
    project = root / YEAR / "projects" / "P001.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("name: 示例项目", "name: 改名后的项目"), encoding="utf-8")
    server.wait_for(lambda: "改名后的项目".encode() in server.request(PROJECT_PAGE)[2], "the edit after the move back")


def test_a_deleted_output_folder_is_built_again(fresh):
    server = fresh().wait_until_up()
    (folder,) = server.serve_folders()
    before = server.status()["generation"]
    shutil.rmtree(folder / "site")
    server.wait_for(lambda: server.status()["generation"] > before, "a new build")
    status, _, page = server.request(PROJECT_PAGE)
    assert status == 200 and "示例项目".encode() in page
    assert server.status()["ok"]


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_removes_the_temporary_folder(fresh, how):
    server = fresh().wait_until_up()
    assert len(server.serve_folders()) == 1
    assert server.stop(how) == 0, server.output()
    assert server.serve_folders() == []
    assert "Traceback" not in server.output()


def test_ctrl_c_stops_a_server_started_with_it_ignored(fresh):
    """A server started from a script in the background inherits SIGINT ignored; an
    explicit interrupt still stops it and removes its folder."""
    server = fresh(sigint_ignored=True).wait_until_up()
    assert len(server.serve_folders()) == 1
    assert server.stop(signal.SIGINT) == 0, server.output()
    assert server.serve_folders() == []


def test_a_port_in_use_is_refused_before_building(fresh):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = fresh(port=taken.getsockname()[1])
        assert server.process.wait(timeout=30) == 1
    text = server.output()
    assert "Traceback" not in text
    assert str(server.port) in text and "--port" in text
    assert server.serve_folders() == []  # nothing was built


# --- which names the server answers to (no process needed)


@pytest.mark.parametrize("host, netloc, allowed", [
    ("127.0.0.1", "127.0.0.1:8000", True),
    ("127.0.0.1", "localhost:8000", True),
    ("127.0.0.1", "LOCALHOST:8000", True),
    ("127.0.0.1", "[::1]:8000", True),
    ("127.0.0.1", "127.0.0.1:8001", False),
    ("127.0.0.1", "127.0.0.1", False),  # port 80 is not the served one
    ("127.0.0.1", "rebind.evil.example:8000", False),
    ("127.0.0.1", "", False),
    ("127.0.0.1", "127.0.0.1:80x", False),
    ("::1", "[::1]:8000", True),
    ("0.0.0.0", "192.168.1.20:8000", True),  # reached over the LAN by its address
    ("0.0.0.0", f"{socket.gethostname()}:8000", True),
    ("0.0.0.0", "rebind.evil.example:8000", False),
    ("preview.local", "preview.local:8000", True),
])
def test_host_policy(host, netloc, allowed):
    from generator.serve_http import HostPolicy

    assert HostPolicy(host, 8000).allows(netloc) is allowed
    assert HostPolicy(host, 8000).allows_origin(f"http://{netloc}") is allowed
    assert not HostPolicy(host, 8000).allows_origin(f"file://{netloc}")
