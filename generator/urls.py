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


# ---- open data: the files of a department-year and of the whole site ----

DATA = "data/"  # the site-wide bulk download and its data package
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
FEED = "feed.xml"


def data_dir(code: str, year: int) -> str:
    return f"departments/{code}/{year}/data/"


def data_stem(code: str, year: int, key: str) -> str:
    """A file's name without extension: department, year and table, so a saved file says what it is."""
    return f"{code}-{year}-{key}"


def table_data(code: str, year: int, key: str, extension: str) -> str:
    return f"{data_dir(code, year)}{data_stem(code, year, key)}.{extension}"


def project_data(code: str, year: int, project_key: str, extension: str) -> str:
    return table_data(code, year, f"targets-{project_key}", extension)


def data_bundle(code: str, year: int) -> str:
    return f"{data_dir(code, year)}{code}-{year}.zip"


def data_package(code: str, year: int) -> str:
    return f"{data_dir(code, year)}datapackage.json"


def original(code: str, year: int, name: str) -> str:
    """A source document kept beside disclosure.yaml, published with the page."""
    return f"departments/{code}/{year}/{name}"
