"""Shared fixtures: the sample portal built once, and tiny sites written from dicts."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from generator.build import build

ROOT = Path(__file__).resolve().parent.parent
# REGENERATE=1 rewrites the expected files (tests/golden, tests/invalid/*/expected*.txt)
# from what the code now gives; review the diff before committing it.
REGENERATE = os.environ.get("REGENERATE") == "1"
SEEDS = ROOT / "tests" / "seeds"  # copies of ../shared/seeds, so a lone clone tests itself


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The sample portal of this repository, built once for the whole session."""
    output = tmp_path_factory.mktemp("sample") / "_site"
    result = build(ROOT, output)
    return result, output


PORTAL_PARTS = ("site.yaml", "content", "templates", "themes")


def copy_portal(source: Path, target: Path) -> Path:
    """A copy of a portal's sources (not its output or caches), to change freely."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PORTAL_PARTS:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
        elif (source / name).is_file():
            shutil.copy(source / name, target / name)
    return target


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A fresh copy of the sample portal."""
    return copy_portal(ROOT, tmp_path / "portal")


def write_yaml(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def tiny_content() -> dict:
    """A one-department, one-year site with one table and two projects."""
    year = "content/departments/100/2025"
    return {
        "site.yaml": {"title": "测试门户", "authority": "测试财政局", "base_url": "https://example.org/portal/"},
        "content/departments/100/department.yaml": {
            "name": "测试部门",
            "region": "测试市",
            "duties": ["（一）负责测试。"],
        },
        f"{year}/disclosure.yaml": {"title": "测试部门2025年部门预算", "scope": "targets"},
        f"{year}/tables/three_public.yaml": {
            "rows": [
                {"name": "“三公”经费小计", "total": "0.56", "general_budget": "0.56"},
                {"name": "一、因公出国（境）费"},
                {"name": "三、公务接待费", "total": "0.56", "general_budget": "0.56"},
            ]
        },
        f"{year}/projects/P001.yaml": {
            "seq": "1",
            "code": "P001",
            "name": "示例项目",
            "budget": "10.00",
            "fiscal_funds": "10.00",
            "purpose": "用于测试。",
            "spending_plan": {"june": "50%", "december": "100%"},
            "goals": ["1.完成测试。"],
            "indicators": [
                {"level1": "产出指标", "level2": "数量指标", "name": "次数", "description": "测试次数", "value": "≥7次"},
                {"level1": "产出指标", "level2": "质量指标", "name": "合格率", "description": "合格率", "value": "100%"},
                {"level1": "效益指标", "level2": "社会效益指标", "name": "效果", "description": "效果", "value": "进一步提升"},
                {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "description": "满意度", "value": "≥90%"},
            ],
        },
        f"{year}/projects/p-nocode.yaml": {
            "seq": "2",
            "name": "示例项目",
            "budget": "5.50",
            "purpose": "用于测试。",
            "goals": ["1.完成测试。"],
            "indicators": [
                {"level1": "产出指标", "level2": "数量指标", "name": "次数", "description": "次数", "value": "≥1次"},
                {"level1": "效益指标", "level2": "社会效益指标", "name": "效果", "description": "效果", "value": "进一步提升"},
            ],
        },
    }


@pytest.fixture
def make_site(tmp_path):
    """Write a site from {relative path: data} into a fresh folder (the theme is built in)."""

    def make(files: dict | None = None, root: Path | None = None) -> Path:
        root = root or tmp_path / "site"
        root.mkdir(parents=True, exist_ok=True)
        for relative, data in (tiny_content() if files is None else files).items():
            write_yaml(root / relative, data)
        return root

    return make


@pytest.fixture(autouse=True)
def chinese_messages(monkeypatch):
    """Every test starts in the default language with a neutral locale, whatever the
    machine's LANG, and leaves no language set behind (main() sets it per process)."""
    from generator import messages

    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    messages.set_language(messages.DEFAULT_LANGUAGE)
    yield
    messages.set_language(messages.DEFAULT_LANGUAGE)
