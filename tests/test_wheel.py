"""Install anywhere: the wheel built from this repository, installed into a fresh virtual
environment (its dependencies from the package index), starts a portal with `disclose
init` in an empty folder and builds it there. The sdist carries everything too."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.wheel


def run(*command, cwd=None, timeout=600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def source_files() -> list[str]:
    """The repository's own files (what a clone or the sdist holds): no outputs, caches or
    build folders of this checkout."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]
    except (OSError, subprocess.CalledProcessError):  # an unpacked sdist: no git
        skip = {"build", "dist", "_site", ".disclose-cache", "node_modules", ".git", "__pycache__", ".pytest_cache", ".hypothesis"}
        return [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
                if p.is_file() and not skip & set(p.relative_to(ROOT).parts) and ".egg-info" not in str(p)]


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of the sources: building writes build/ and *.egg-info beside them."""
    copy = tmp_path_factory.mktemp("src")
    for name in source_files():
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ROOT / name).read_bytes())
    return copy


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, source) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source)
    (found,) = dist.glob("*.whl")
    return found


def test_the_wheel_carries_the_theme_the_starter_and_the_license(wheel):
    assert wheel.name.startswith("disclose_portal-")
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (ROOT / "generator/themes/default/templates").iterdir():
        assert f"generator/themes/default/templates/{template.name}" in names
    for asset in (ROOT / "generator/themes/default/static").iterdir():
        assert f"generator/themes/default/static/{asset.name}" in names
    assert {"generator/starter/site.yaml", "generator/starter/gitignore", "generator/starter/编辑指南.md",
            "generator/starter/templates/README.md", "generator/starter/content/departments/569301/2022/projects/p12.yaml",
            "generator/strings/zh-CN.yaml", "generator/static/overlay.js"} <= names
    assert not any(name.startswith("generator/inotify") for name in names)
    metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode("utf-8")
    assert "Name: disclose-portal" in text and "License: MIT" in text and "Requires-Dist: watchfiles" in text
    assert any(name.endswith("LICENSE") and ".dist-info/" in name for name in names)


def test_installed_in_a_fresh_environment_init_then_build(wheel, tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    run(python, "-m", "pip", "install", "--quiet", wheel, timeout=900)
    where = run(python, "-c", "import generator; print(generator.__file__)", cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the installed package, not this checkout
    portal = tmp_path / "empty"
    portal.mkdir()
    disclose = bin_dir / ("disclose.exe" if os.name == "nt" else "disclose")
    run(disclose, "init", cwd=portal)
    assert not (portal / "themes").exists()  # the theme comes from the package
    run(disclose, "check", "--strict", cwd=portal)
    done = run(disclose, "--lang", "en", "build", cwd=portal)
    assert "built" in done.stdout
    assert (portal / "_site/index.html").is_file() and (portal / "_site/assets/site.css").is_file()
    assert (portal / "_site/departments/569301/2022/index.html").is_file()


def test_the_sdist_carries_the_theme_docs_tests_and_sample(tmp_path, source):
    dist = tmp_path / "dist"
    run(sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_sdist({str(dist)!r})", cwd=source)
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "site.yaml", "docs/content-format.md", "generator/themes/default/templates/base.html",
            "generator/starter/gitignore", "tests/seeds/tianjin-kexie-2022.txt", "tests/conftest.py",
            "content/departments/569301/department.yaml", "templates/README.md"} <= names
