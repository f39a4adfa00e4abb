"""Small HTML readers for tests (stdlib only)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class ElementCollector(HTMLParser):
    """Collects every start tag with its attributes, and every element id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.text_parts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if "id" in attributes:
            self.ids.add(attributes["id"])
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        self.text_parts.append(data)


def collect(path: Path) -> ElementCollector:
    collector = ElementCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))
