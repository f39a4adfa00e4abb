"""`disclose check`: every rule over the model, as diagnostics; acknowledged ones set apart.

Each rule has its own id; each module checks one kind of thing:

- arithmetic: sums inside each standard table (rows, 类/款/项 hierarchy, totals)
- crosstable: the same figure in different tables, and the projects against 项目支出
- projects: project tables and their performance indicators
- completeness: required tables and sections, empty-table statements, leftovers, years
- prose: figures cited in the explanation against the tables
- indicator_kinds: what an indicator measures against the kind of its value
- years: years in the texts that are not the disclosure's
- amounts_in_words: amounts in 资金用途 and the explanation against the figures
- goals_vs_indicators: department goals against the matching project indicators
- placeholders: empty sections, empty brackets, codes cut by a space, plan cells without %
- procurement: 政府采购预算 consistent within itself
- wording: reasons for changes, mixed units, the department's name, the units covered

site.yaml's checks.rules switches a rule off or gives it another severity.
"""

from __future__ import annotations

from dataclasses import replace

from generator.checks import (
    amounts_in_words,
    arithmetic,
    completeness,
    crosstable,
    goals_vs_indicators,
    indicator_kinds,
    placeholders,
    procurement,
    projects,
    prose,
    wording,
    years,
)
from generator.diagnostics import Diagnostic, Report, Severity
from generator.messages import message
from generator.model import Site

RULE_MODULES = (arithmetic, crosstable, projects, completeness, prose)
READER_MODULES = (indicator_kinds, years, amounts_in_words, goals_vs_indicators, placeholders, procurement, wording)


def check_disclosure(dept, disclosure, settings) -> tuple[Diagnostic, ...]:
    found: list[Diagnostic] = []
    for module in RULE_MODULES + READER_MODULES:
        found.extend(module.check(dept, disclosure, settings, settings.tolerance))
    return tuple(_as_set(found, settings.rules)) if settings.rules else tuple(found)


def _as_set(found: list[Diagnostic], rules: tuple[tuple[str, str], ...]):
    """The diagnostics as site.yaml's checks.rules has them: a rule switched off drops out,
    a rule given a severity reports with it."""
    chosen = dict(rules)
    for diagnostic in found:
        setting = chosen.get(diagnostic.rule)
        if setting == "off":
            continue
        if setting and setting != diagnostic.severity.value:
            diagnostic = replace(diagnostic, severity=Severity(setting))
        yield diagnostic


def run_checks(site: Site, cache: dict | None = None) -> list[Diagnostic]:
    """Every rule over every disclosure. With a cache (the dev server), a disclosure whose
    department, content and settings are unchanged is not checked again."""
    found: list[Diagnostic] = []
    fresh = {}
    for dept in site.departments:
        head = replace(dept, disclosures=())
        for disclosure in dept.disclosures:
            key = (head.ref, disclosure.year)
            previous = cache.get(key) if cache is not None else None
            if previous is not None and previous[0] == (head, disclosure, site.config.checks):
                diagnostics = previous[1]
            else:
                diagnostics = check_disclosure(dept, disclosure, site.config.checks)
            fresh[key] = ((head, disclosure, site.config.checks), diagnostics)
            found.extend(diagnostics)
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    return found


def apply_acknowledgements(site: Site, found: list[Diagnostic], report: Report) -> list[Diagnostic]:
    """Add unacknowledged diagnostics to the report; return the acknowledged ones.

    An acknowledgement that matches nothing is itself reported, so a fixed figure or a
    moved field does not leave a stale note on the page.
    """
    acknowledgements = [ack for dept in site.departments for d in dept.disclosures for ack in d.acknowledgements]
    used = set()
    acknowledged = []
    for diagnostic in found:
        match = next(
            (
                index
                for index, ack in enumerate(acknowledgements)
                if ack.rule == diagnostic.rule
                and ack.file == diagnostic.location.path
                and ack.field == diagnostic.field
                and (not ack.found or ack.found == diagnostic.found)
                and (not ack.expected or ack.expected == diagnostic.expected)
            ),
            None,
        )
        if match is None:
            report.add(diagnostic)
        else:
            used.add(match)
            acknowledged.append(diagnostic)
    switched_off = {rule for rule, setting in site.config.checks.rules if setting == "off"}
    for index, ack in enumerate(acknowledgements):
        if index not in used and ack.rule not in switched_off:  # a rule switched off matches nothing
            report.warning(
                ack.where,
                message("ack.unused", rule=ack.rule, file=ack.file, field=ack.field),
                "ack.unused",
                f"acknowledgements[{index}]",
            )
    return acknowledged
