"""What machines read: sitemap.xml (every page), robots.txt (pointing to it) and an Atom
feed of the disclosures, newest year first. Pure: the model and the page list in, bytes out.

No build time goes into these files (a rebuild of the same content writes nothing), so an
entry's date is the start of its budget year: the only date the content carries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from generator import urls, views
from generator.model import Site

if TYPE_CHECKING:  # pages.py imports this module: the type only, to keep the imports one way
    from generator.pages import Page


def site_feeds(site: Site, pages: list[Page]) -> dict[str, bytes]:
    base = site.config.base_url
    return {
        urls.SITEMAP: sitemap(base, pages),
        urls.ROBOTS: robots(base),
        urls.FEED: atom(site),
    }


def sitemap(base: str, pages: list[Page]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in pages:
        if page.path == urls.NOT_FOUND:
            continue
        lines.append(f"<url><loc>{escape(base + page.path)}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(base: str) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {base}{urls.SITEMAP}\n".encode()


def _date(year: int) -> str:
    return f"{year:04d}-01-01T00:00:00Z"


def atom(site: Site) -> bytes:
    config = site.config
    entries = sorted(
        ((dept, disclosure) for dept in site.departments for disclosure in dept.disclosures),
        key=lambda item: (-item[1].year, item[0].code, item[0].region_code),
    )
    updated = _date(entries[0][1].year) if entries else _date(1970)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language)}>',
        f"<title>{escape(config.title)}</title>",
        f"<id>{escape(config.base_url)}</id>",
        f"<link rel=\"self\" href={quoteattr(config.base_url + urls.FEED)}/>",
        f"<link rel=\"alternate\" href={quoteattr(config.base_url)}/>",
        f"<updated>{updated}</updated>",
        f"<author><name>{escape(config.authority or config.title)}</name></author>",
    ]
    for dept, disclosure in entries:
        link = config.base_url + urls.disclosure(dept.ref, disclosure.year)
        lines += [
            "<entry>",
            f"<title>{escape(f'{dept.name} {disclosure.year}年 {disclosure.title}')}</title>",
            f"<id>{escape(link)}</id>",
            f"<link rel=\"alternate\" href={quoteattr(link)}/>",
            f"<updated>{_date(disclosure.year)}</updated>",
            f"<summary>{escape(description(dept.name, disclosure))}</summary>",
            "</entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def description(name: str, disclosure) -> str:
    """One sentence on a department-year, from its published figures: the meta description
    of its page and its feed entry."""
    headline = views.headline(disclosure)
    parts = [f"{name}{disclosure.year}年部门预算公开"]
    if headline.income_total:
        parts.append(f"收入总计{headline.income_total}万元")
    if headline.expenditure_total:
        parts.append(f"支出总计{headline.expenditure_total}万元")
    if headline.project_count:
        parts.append(f"项目{headline.project_count}个")
    return "，".join(parts) + "。"
