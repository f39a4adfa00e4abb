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


# A department is named by its ref (model.department_ref): its code, or "REGION-CODE" for
# one in a region folder, whose pages live under the region: regions/REGION/departments/CODE/.


def department(ref: str) -> str:
    region_code, _, code = ref.rpartition("-")
    return f"regions/{region_code}/departments/{code}/" if region_code else f"departments/{code}/"


def department_of(path: str) -> str | None:
    """The department URL (department()) a site path lies under, if any."""
    parts = path.split("/")
    if parts[0] == "departments" and len(parts) > 2:
        return f"departments/{parts[1]}/"
    if parts[0] == "regions" and len(parts) > 4 and parts[2] == "departments":
        return "/".join(parts[:4]) + "/"
    return None


def search_scope_department(path: str) -> str | None:
    """The ref of the department whose department-year search scope (search/<ref>-<year>/,
    see search.documents.scope_key) a site path lies in, if any."""
    parts = path.split("/")
    if parts[0] != "search" or len(parts) < 3:
        return None
    ref, _, year = parts[1].rpartition("-")
    return ref if ref and len(year) == 4 and year.isascii() and year.isdigit() else None


def disclosure(ref: str, year: int) -> str:
    return f"{department(ref)}{year}/"


def project(ref: str, year: int, key: str) -> str:
    return f"{department(ref)}{year}/projects/{key}/"


def region(name: str) -> str:
    """A region's page, named by the region as the departments' files write it, or by the
    行政区划代码 of its region folder."""
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


def is_download(path: str) -> bool:
    """A file of a data folder (a department-year's or the site's): an open-data download."""
    return path.startswith(DATA) or path.rpartition("/")[0].endswith("/data")


def data_dir(ref: str, year: int) -> str:
    return f"{disclosure(ref, year)}data/"


def data_stem(ref: str, year: int, key: str) -> str:
    """A file's name without extension: department (its ref, with the region code in front
    inside a region folder: two regions' 306001 never share a name), year and table, so a
    saved file says what it is."""
    return f"{ref}-{year}-{key}"


def table_data(ref: str, year: int, key: str, extension: str) -> str:
    return f"{data_dir(ref, year)}{data_stem(ref, year, key)}.{extension}"


def project_data(ref: str, year: int, project_key: str, extension: str) -> str:
    return table_data(ref, year, f"targets-{project_key}", extension)


def data_bundle(ref: str, year: int) -> str:
    return f"{data_dir(ref, year)}{ref}-{year}.zip"


def data_package(ref: str, year: int) -> str:
    return f"{data_dir(ref, year)}datapackage.json"


def original(ref: str, year: int, name: str) -> str:
    """A source document kept beside disclosure.yaml, published with the page."""
    return f"{disclosure(ref, year)}{name}"
