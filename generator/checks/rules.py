"""The ids of the rules `disclose check` runs over a disclosure: the ones site.yaml may
switch off or give another severity (checks.rules). The structure rules (yaml.*, schema.*,
site.*, content.*) always run: without them the model cannot be read."""

from __future__ import annotations

RULE_IDS = (
    # arithmetic, crosstable, prose
    "table.row-sum", "table.hierarchy-sum", "table.total-row", "summary.lines-sum", "summary.grand-total",
    "summary.balance", "three-public.sum", "cross.function-total", "cross.basic-total", "cross.three-public",
    "cross.project-total", "prose.figure",
    # projects
    "project.funds-sum", "project.budget-missing", "project.purpose-missing", "project.goals-missing",
    "indicator.value-missing", "plan.not-percent", "plan.out-of-range", "plan.falls", "plan.incomplete",
    "project.no-output-indicator", "project.no-effect-indicator", "indicator.taxonomy", "indicator.cost-over-budget",
    "indicator.percent-over-100", "indicator.satisfaction-upper-bound", "indicator.year", "project.name-year",
    # completeness
    "complete.table-missing", "complete.section-missing", "table.empty-without-note", "table.no-figures",
    "text.placeholder", "text.year",
    # what a careful reader catches (issue 13)
    "indicator.kind-mismatch", "indicator.percent-unit", "indicator.weak-target",
    "text.stray-year",
    "project.purpose-amount", "prose.project-amount", "prose.list-sum", "prose.change",
    "goal.indicator-mismatch",
    "complete.section-empty", "text.empty-brackets", "text.code-space", "plan.percent-sign",
    "procurement.sum", "procurement.sme-over-total", "text.change-without-reason", "text.mixed-units",
    "text.department-name", "complete.units-missing",
)
SETTINGS = ("off", "warning", "error")
