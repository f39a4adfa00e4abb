"""Which pages the site has, and what each one is given. Pure: model in, page list out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from generator import urls
from generator.model import Department, Disclosure, Project, Site
from generator.render import Page


def crumb(title: str, path: str) -> dict:
    return {"title": title, "path": path}


def department_head(dept: Department) -> Department:
    """The department without its disclosures: what a page about one year of it may show."""
    return replace(dept, disclosures=())


def disclosure_for_project(disclosure: Disclosure, project: Project) -> Disclosure:
    """The disclosure as a project page sees it: its year and title, and the notes on that project."""
    notes = tuple(ack for ack in disclosure.acknowledgements if ack.file == project.where.path)
    return replace(disclosure, tables=(), explanation=None, goals=None, glossary=(), projects=(), acknowledgements=notes)


def site_pages(site: Site, strings: dict, search_info: dict) -> list[Page]:
    """Every page with exactly the model values it shows, so that an unchanged context
    (with unchanged templates and globals) means unchanged bytes."""
    home = crumb(strings["home"], urls.HOME)
    pages = [Page(urls.HOME, "home.html", {"departments": site.departments, "crumbs": [home]}, site.config.title)]
    for dept in site.departments:
        dept_crumb = crumb(dept.name, urls.department(dept.code))
        pages.append(Page(dept_crumb["path"], "department.html", {"department": dept, "crumbs": [home, dept_crumb]}, dept.name))
        head = department_head(dept)
        for disclosure in dept.disclosures:
            year_title = f"{disclosure.year}{strings['year_suffix']}"
            year_crumb = crumb(year_title, urls.disclosure(dept.code, disclosure.year))
            context = {"department": head, "disclosure": disclosure, "crumbs": [home, dept_crumb, year_crumb]}
            pages.append(Page(year_crumb["path"], "disclosure.html", context, f"{dept.name} {year_title}"))
            for project in disclosure.projects:
                path = urls.project(dept.code, disclosure.year, project.key)
                project_context = {
                    "department": head,
                    "disclosure": disclosure_for_project(disclosure, project),
                    "project": project,
                    "crumbs": [home, dept_crumb, year_crumb, crumb(project.name, path)],
                }
                pages.append(Page(path, "project.html", project_context, project.name))
    for year in site.years:
        title = strings["year_page_title"].format(year=year)
        year_crumb = crumb(title, urls.year(year))
        pages.append(Page(year_crumb["path"], "year.html", {"year": year, "entries": site.disclosures_in(year), "crumbs": [home, year_crumb]}, title))
    pages.append(
        Page(urls.GLOSSARY, "glossary.html", {"terms": glossary_entries(site), "crumbs": [home, crumb(strings["glossary"], urls.GLOSSARY)]}, strings["glossary"])
    )
    pages.append(
        Page(urls.SEARCH, "search.html", dict(search_info, crumbs=[home, crumb(strings["search"], urls.SEARCH)]), strings["search"])
    )
    pages.append(Page(urls.NOT_FOUND, "404.html", {"crumbs": [home, crumb(strings["not_found_title"], urls.NOT_FOUND)]}, strings["not_found_title"]))
    return pages


def glossary_entries(site: Site) -> list[dict]:
    """Every term of every disclosure; one entry per (term, definition), with its sources."""
    entries: dict[tuple[str, str], list] = defaultdict(list)
    for dept in site.departments:
        for disclosure in dept.disclosures:
            for term in disclosure.glossary:
                entries[(term.term, term.definition)].append({"code": dept.code, "name": dept.name, "year": disclosure.year})
    return [
        {"term": term, "definition": definition, "sources": sources}
        for (term, definition), sources in entries.items()
    ]
