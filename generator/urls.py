"""Permanent addresses, built from codes. Paths are relative to the site's base path."""

from __future__ import annotations

HOME = ""
GLOSSARY = "glossary/"
SEARCH = "search/"
SEARCH_SCRIPT = "assets/search.js"
NOT_FOUND = "404.html"
STYLESHEET = "assets/site.css"
DIRECTORY_SCRIPT = "assets/directory.js"
PRINT_STYLESHEET = "assets/print.css"
FAVICON = "assets/favicon.svg"
LARGE_TYPE_SCRIPT = "assets/large-type.js"


def department(code: str) -> str:
    return f"departments/{code}/"


def disclosure(code: str, year: int) -> str:
    return f"departments/{code}/{year}/"


def project(code: str, year: int, key: str) -> str:
    return f"departments/{code}/{year}/projects/{key}/"


def region(name: str) -> str:
    """A region's page, named by the region as the departments' files write it."""
    return f"regions/{name}/"


def year(value: int) -> str:
    return f"years/{value}/"


def output_file(path: str) -> str:
    """The file that serves a path: directories get an index.html."""
    return path + "index.html" if path == "" or path.endswith("/") else path
