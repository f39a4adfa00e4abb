"""Which pages the site has, and what each one is given. Pure: model in, page list out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from generator import charts, compare, feeds, urls, views
from generator.model import Department, Disclosure, Project, Site


@dataclass(frozen=True)
class Page:
    """One page: its address, its template, and everything it shows beyond the globals."""

    path: str  # site path relative to the base path, e.g. "departments/731/"
    template: str
    context: dict = field(default_factory=dict)
    title: str = ""

    def render_context(self) -> dict:
        """The context as the template sees it: each `Derived` value made."""
        return {name: value.value() if isinstance(value, Derived) else value for name, value in self.context.items()}


class Derived:
    """A value of a page's context made from others only when the page is rendered or its
    context compared. A build after an edit lists every page but renders only those of the
    departments that changed: the charts, the comparison with the year before and each
    project's view of its disclosure of every other department are never made. Equal when
    the values are equal, so that a kept page is recognised by its context as before."""

    __slots__ = ("make", "args", "_value")
    _value: Any

    def __init__(self, make: Callable[..., Any], *args: Any):
        self.make, self.args = make, args

    def value(self) -> Any:
        try:
            return self._value
        except AttributeError:
            self._value = self.make(*self.args)
            return self._value

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return isinstance(other, Derived) and self.value() == other.value()

    __hash__ = None  # type: ignore[assignment]  # equal by a value that may be unhashable

    def __reduce__(self) -> tuple:  # a spawned worker makes the value itself
        return (Derived, (self.make, *self.args))

    def __repr__(self) -> str:
        return f"Derived({getattr(self.make, '__qualname__', self.make)!r})"


def crumb(title: str, path: str) -> dict:
    return {"title": title, "path": path}


def department_head(dept: Department) -> Department:
    """The department without its disclosures: what a page about one year of it may show."""
    return replace(dept, disclosures=())


def disclosure_for_project(disclosure: Disclosure, project: Project) -> Disclosure:
    """The disclosure as a project page sees it: its year and title, and the notes on that project."""
    notes = tuple(ack for ack in disclosure.acknowledgements if ack.file == project.where.path)
    return replace(disclosure, tables=(), explanation=None, goals=None, glossary=(), projects=(), acknowledgements=notes)


def site_pages(site: Site, strings: dict, search_info: dict, memo: dict | None = None) -> list[Page]:
    """Every page with exactly the model values it shows, so that an unchanged context
    (with unchanged templates and globals) means unchanged bytes. `memo` (the dev
    server's) keeps the very Page objects of a disclosure whose inputs did not change,
    which the render cache then recognises without comparing their contexts."""
    home = crumb(strings["home"], urls.HOME)
    cards = tuple(views.department_card(dept) for dept in site.departments)
    regions = views.region_groups(cards, urls.region)
    home_context = {"regions": regions, "figures": views.portal_figures(site), "crumbs": [home]}
    pages = [Page(urls.HOME, "home.html", home_context, site.config.title)]
    for region in regions:
        if region.path:
            region_crumb = crumb(region.name, region.path)
            pages.append(Page(region.path, "region.html", {"region": region, "crumbs": [home, region_crumb]}, region.name))
    fresh = {}
    for dept in site.departments:
        # a region folder's department sits under its region's page, as its URL does
        trail = [home, crumb(dept.region, urls.region(dept.region_code))] if dept.region_code else [home]
        dept_crumb = crumb(dept.name, urls.department(dept.ref))
        pages.append(Page(dept_crumb["path"], "department.html", {"department": dept, "crumbs": [*trail, dept_crumb]}, dept.name))
        head = department_head(dept)
        years = tuple(d.year for d in dept.disclosures)  # for the year switcher
        for index, disclosure in enumerate(dept.disclosures):
            year_before = dept.disclosures[index + 1] if index + 1 < len(dept.disclosures) else None
            inputs = (head, disclosure, strings, years, year_before)
            previous = memo.get((dept.ref, disclosure.year)) if memo is not None else None
            if previous is not None and previous[0] == inputs:
                found = previous[1]
            else:
                found = _disclosure_pages(head, disclosure, strings, trail, dept_crumb, years, year_before)
            fresh[(dept.ref, disclosure.year)] = (inputs, found)
            pages.extend(found)
    if memo is not None:
        memo.clear()
        memo.update(fresh)
    for year in site.years:
        title = strings["year_page_title"].format(year=year)
        year_crumb = crumb(title, urls.year(year))
        entries = tuple(views.year_entry(d, x) for d, x in site.disclosures_in(year))
        pages.append(Page(year_crumb["path"], "year.html", {"year": year, "entries": entries, "crumbs": [home, year_crumb]}, title))
    glossary_crumbs = [home, crumb(strings["glossary"], urls.GLOSSARY)]
    pages.append(Page(urls.GLOSSARY, "glossary.html", {"terms": glossary_entries(site), "crumbs": glossary_crumbs}, strings["glossary"]))
    pages.append(
        Page(urls.SEARCH, "search.html", dict(search_info, crumbs=[home, crumb(strings["search"], urls.SEARCH)]), strings["search"])
    )
    pages.append(Page(urls.NOT_FOUND, "404.html", {"crumbs": [home, crumb(strings["not_found_title"], urls.NOT_FOUND)]}, strings["not_found_title"]))
    return pages


def _disclosure_pages(head: Department, disclosure: Disclosure, strings: dict, trail: list, dept_crumb: dict,
                      years: tuple[int, ...] = (), year_before: Disclosure | None = None) -> list[Page]:
    """The department-year page (with the department's years, for its year switcher) and its
    project pages. `year_before`: the department's disclosure of the year before this one,
    if any, for the comparison of the two."""
    year_title = f"{disclosure.year}{strings['year_suffix']}"
    year_crumb = crumb(year_title, urls.disclosure(head.ref, disclosure.year))
    context = {
        "department": head,
        "disclosure": disclosure,
        "years": years or (disclosure.year,),
        "crumbs": [*trail, dept_crumb, year_crumb],
        "description": Derived(feeds.description, head.name, disclosure),
        "charts": Derived(charts.disclosure_charts, disclosure),
        "comparison": Derived(compare.compare, year_before, disclosure) if year_before is not None else None,
    }
    pages = [Page(year_crumb["path"], "disclosure.html", context, f"{head.name} {year_title}")]
    for project in disclosure.projects:
        path = urls.project(head.ref, disclosure.year, project.key)
        project_context = {
            "department": head,
            "disclosure": Derived(disclosure_for_project, disclosure, project),
            "project": project,
            "crumbs": [*trail, dept_crumb, year_crumb, crumb(project.name, path)],
            "description": Derived(project_description, head, disclosure, project),
        }
        pages.append(Page(path, "project.html", project_context, project.name))
    return pages


def project_description(head: Department, disclosure: Disclosure, project: Project) -> str:
    budget = f"，预算数{views.figure(project.budget)}万元" if project.budget is not None else ""
    return f"{head.name}{disclosure.year}年项目“{project.name}”的预算及绩效目标{budget}。"


def glossary_entries(site: Site) -> list[dict]:
    """Every term of every disclosure; one entry per (term, definition), with its sources."""
    entries: dict[tuple[str, str], list] = defaultdict(list)
    for dept in site.departments:
        for disclosure in dept.disclosures:
            for term in disclosure.glossary:
                entries[(term.term, term.definition)].append({"code": dept.ref, "name": dept.name, "year": disclosure.year})
    return [
        {"term": term, "definition": definition, "sources": sources}
        for (term, definition), sources in entries.items()
    ]
