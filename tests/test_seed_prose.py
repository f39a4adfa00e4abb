"""Fidelity of the prose: every paragraph and list item of the seed texts' explanation and
goals appears on the built pages (the tables are covered cell by cell elsewhere).

A sentence lost in transcription (张家口 2025's "我部门无其他需要说明的事项。" was once)
fails here with the seed's line number. Text is compared without spaces, markup and the
labels the page shows as labels (绩效目标：, 绩效指标：); a line the PDF or Word wrapped is
found as part of its paragraph.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import SEEDS

TAGS = re.compile(r"<[^>]+>")
LABEL = re.compile(r"^(?:绩效目标|绩效指标)[：:]")
# a glossary entry "7、**部门预算支出**：包括…": the page shows the term and its definition apart
TERM = re.compile(r"^(?:\d+、)?\**([^：*]{2,20})\**：(.+)$")


def normal(text: str) -> str:
    return re.sub(r"\s+|\*", "", text)


def page_text(output: Path, folders: tuple[str, ...]) -> str:
    texts = []
    for folder in folders:
        for page in sorted((output / folder).rglob("index.html")):
            texts.append(html.unescape(TAGS.sub("", page.read_text(encoding="utf-8"))))
    return normal("".join(texts))


def _lines(seed: str, start: str, stops: tuple[str, ...], skip_to: str = ""):
    """(line number, text) of the prose lines from `start` up to the first of `stops`:
    no headings, no table rows (cells are tab-separated), no bookmarks, no blank lines."""
    lines = (SEEDS / seed).read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith(skip_to or start))
    for number, line in enumerate(lines[first + 1:], first + 2):
        if any(line.startswith(stop) for stop in stops):
            return
        text = line.strip()
        if not text or text.startswith(("#", "[bookmark")) or "\t" in line:
            continue
        yield number, re.sub(r"^-\s*", "", text)


def zhangjiakou():
    # 情况说明 up to the project tables (their titles are the projects' names), then from
    # 八、政府采购 to the end
    yield from _lines("zhangjiakou-kexie-2025.txt", "# 张家口市科学技术协会 2025 年部门预算信息公开情况说明", ("## 七、",))
    yield from _lines("zhangjiakou-kexie-2025.txt", "## 七、", ("\0",), skip_to="## 八、")


def tangshan():
    yield from _lines("tangshan-kexie-2026.txt", "部门整体绩效目标", ("第二部分",))


def tianjin():
    """The only goals of the 天津 file: each project table's 绩效目标 cell, which runs
    from the 绩效目标 line to the blank line before the indicator table."""
    lines = (SEEDS / "tianjin-kexie-2022.txt").read_text(encoding="utf-8").split("\n")
    inside = False
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if text.startswith("绩效目标"):
            inside = True
            text = text[len("绩效目标"):].strip()
        elif inside and not text:
            inside = False
        if inside and text:
            yield number, text


# (seed, its prose, the page folders that publish it)
SEEDS_PROSE = (
    ("zhangjiakou-kexie-2025.txt", zhangjiakou, ("departments/731",)),
    ("tangshan-kexie-2026.txt", tangshan, ("departments/405001",)),
    ("tianjin-kexie-2022.txt", tianjin, ("departments/569301",)),
)

# Seed lines that are not prose of the document: the PDF's page-furniture and the
# captions of tables that are checked cell by cell.
NOT_PROSE = {
    "部门机构设置情况",  # the caption of the organization table
    "731 张家口市科学技术协会",  # the assets table's department line
    "截止时间：2024-12-31",  # the assets table's date (shown as 截止时间 beside the table)
}


def shown(text: str, published: str) -> bool:
    if normal(LABEL.sub("", text)) in published:
        return True
    term = TERM.match(text)
    return bool(term) and normal(term.group(1)) in published and normal(term.group(2)) in published


@pytest.mark.parametrize("seed, prose, folders", SEEDS_PROSE, ids=[s[0] for s in SEEDS_PROSE])
def test_every_paragraph_of_the_seed_is_on_the_pages(sample_build, seed, prose, folders):
    _, output = sample_build
    published = page_text(output, folders)
    lines = list(prose())
    assert len(lines) >= 10, f"{seed}: the seed's prose was not found"
    missing = [f"{seed}:{number}: {text}" for number, text in lines if text not in NOT_PROSE and not shown(text, published)]
    assert not missing, "\n".join(missing)

