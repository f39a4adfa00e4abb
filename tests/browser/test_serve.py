"""`disclose serve` in Chromium: a saved change shows without a manual reload, a broken
file shows an overlay naming the file and line, and fixing it removes the overlay."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ROOT, copy_portal

PROJECT = "content/departments/731/2025/projects/13070024P00000410006W.yaml"
PROJECT_PAGE = "departments/731/2025/projects/13070024P00000410006W/"
OLD_NAME = "name: 2024 开展科技工作者助力乡村振兴经费\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status(base: str) -> dict:
    root = base.split("/", 3)  # the status is at the server's root, the site under its base path
    with urllib.request.urlopen("/".join(root[:3]) + "/__disclose__/status.json", timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def dev_server(tmp_path):
    site = copy_portal(ROOT, tmp_path / "portal")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--source", str(site), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}/yjsgk/"  # site.yaml's base_url path: served as published
    try:
        for _ in range(600):  # the first build makes every download too: allow for a busy machine
            try:
                if status(base)["generation"] >= 1:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the dev server did not start")
        yield site, base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_edit_break_and_fix_a_project_while_the_page_is_open(chromium, dev_server):
    site, base = dev_server
    project = site / PROJECT
    original = project.read_text(encoding="utf-8")
    assert original.count(OLD_NAME) == 1
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(base + PROJECT_PAGE)
        assert page.inner_text("h1") == "2024 开展科技工作者助力乡村振兴经费"
        page.wait_for_function("() => Array.from(document.scripts).some(s => s.src.includes('livereload.js'))")
        page.wait_for_timeout(500)  # let livereload.js connect its websocket

        # 1. rename the project: the open page shows the new name by itself
        project.write_text(original.replace(OLD_NAME, "name: 实时预览改名测试\n"), encoding="utf-8")
        page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1').textContent === '实时预览改名测试'", timeout=20000)

        # 2. break the YAML: the overlay names the file and the line
        broken = original.replace(OLD_NAME, "name: [实时预览改名测试\n")
        project.write_text(broken, encoding="utf-8")
        overlay = page.wait_for_selector("#disclose-build-error", timeout=20000)
        text = overlay.inner_text()
        assert PROJECT in text
        location = page.inner_text("#disclose-build-error .disclose-error-location")
        path, line, column = location.rsplit(":", 2)
        assert path == PROJECT and int(line) >= 3 and int(column) >= 1
        assert "yaml.syntax" in text
        assert "[实时预览改名测试" in text  # the offending lines are shown
        # the last good site is still served underneath
        assert page.inner_text("h1") == "实时预览改名测试"

        # 3. fix it: the overlay goes away by itself
        project.write_text(original, encoding="utf-8")
        page.wait_for_selector("#disclose-build-error", state="detached", timeout=20000)
        page.wait_for_function("() => document.querySelector('h1').textContent === '2024 开展科技工作者助力乡村振兴经费'", timeout=20000)
    finally:
        context.close()


def test_one_edit_re_renders_only_the_pages_that_show_it(dev_server):
    site, base = dev_server
    project = site / PROJECT
    before = status(base)["generation"]
    project.write_text(project.read_text(encoding="utf-8").replace(OLD_NAME, "name: 只改一个项目\n"), encoding="utf-8")
    for _ in range(100):
        current = status(base)
        if current["generation"] > before:
            break
        time.sleep(0.1)
    assert current["ok"]
    # The home and year pages show each disclosure's headline figures, not project names:
    # they are not rendered again.
    assert sorted(current["rendered"]) == sorted(["departments/731/", "departments/731/2025/", PROJECT_PAGE])


@pytest.mark.parametrize("path", ["/../site.yaml", "/%2e%2e/site.yaml", "/..%2fsite.yaml", "/content/", "/departments/",
                                  "/yjsgk/../site.yaml", "/yjsgk/%2e%2e/%2e%2e/site.yaml", "/yjsgk/..%2f..%2fsite.yaml"])
def test_paths_outside_the_built_site_are_refused(dev_server, path):
    site, base = dev_server
    host, port = base.split("//")[1].split("/")[0].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    assert response.status in (403, 404)
    assert "base_url:" not in body and "authority:" not in body  # nothing of site.yaml (the 404 page is the site's)
