"""Charts drawn at build time as inline SVG: no script, readable without colour.

Each chart is a list of labelled bars; every bar carries its label and its figure as text,
so colour is never the only cue, and the chart prints as it shows. The SVG has role="img",
a <title>, and a <desc> that states every figure in words; the page keeps the data table
next to it. Pure: the model in, plain data and SVG text out (the template marks it safe).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from generator.model import Disclosure
from generator.views import figure, table_title

WIDTH = 360  # viewBox units; small, so the text stays legible when a phone scales it down
FONT = 13
LINE = 17  # a label line
BAR = 14
GAP = 10  # between items
VALUE_ROOM = 96  # right of the longest bar: its figure
LABEL_CHARS = (WIDTH - 8) // FONT  # CJK characters are about one em wide
BAR_FILL = "#1f5fa8"  # 6.3:1 against white: above 3:1 for graphics (WCAG 1.4.11)
TEXT_FILL = "#1b1b1b"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: Decimal | None  # None: blank in the source, shown as such, no bar


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    bars: tuple[Bar, ...]
    unit: str
    table_id: str  # the data table on the page that holds these figures
    table_title: str
    svg: str

    @property
    def description(self) -> str:
        return describe(self.title, self.bars, self.unit)


def describe(title: str, bars, unit: str) -> str:
    """The figures in words: what a screen reader says for the chart."""
    parts = [f"{bar.label} {figure(bar.value)}{unit}" if bar.value is not None else f"{bar.label} 原表空白" for bar in bars]
    return f"{title}（单位：{unit}）：" + "；".join(parts) + "。"


def _wrap(text: str) -> list[str]:
    return [text[i:i + LABEL_CHARS] for i in range(0, len(text), LABEL_CHARS)] or [""]


def svg(chart_id: str, title: str, bars: tuple[Bar, ...], unit: str) -> str:
    top = max((bar.value for bar in bars if bar.value is not None), default=Decimal(0))
    span = WIDTH - VALUE_ROOM
    parts = []
    y = 4
    for bar in bars:
        for line in _wrap(bar.label):
            y += LINE
            parts.append(f'<text x="0" y="{y - 4}" class="chart-label">{escape(line)}</text>')
        if bar.value is None:
            text, length = "原表空白", 0
        else:
            text = f"{figure(bar.value)} {unit}"
            length = 0 if top <= 0 or bar.value <= 0 else max(1, round(float(bar.value / top) * span))
        if length:
            parts.append(f'<rect x="0" y="{y}" width="{length}" height="{BAR}" fill="{BAR_FILL}"/>')
        parts.append(f'<text x="{length + 6}" y="{y + BAR - 2}" class="chart-value">{escape(text)}</text>')
        y += BAR + GAP
    height = y + 2
    desc = describe(title, bars, unit)
    return (
        f'<svg class="chart-svg" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-size="{FONT}" fill="{TEXT_FILL}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


def _chart(chart_id: str, title: str, bars: list[Bar], table_id: str, table_label: str, unit: str = "万元") -> Chart | None:
    if not bars or all(bar.value is None for bar in bars):
        return None
    bars_t = tuple(bars)
    return Chart(chart_id, title, bars_t, unit, table_id, table_label, svg(chart_id, title, bars_t, unit))


def _money(value) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def by_function(disclosure: Disclosure) -> Chart | None:
    """Expenditure by function 类 (3-digit codes), from 表三, else 表五."""
    for key in ("expenditure_summary", "general_budget_expenditure"):
        table = disclosure.table(key)
        if table is None or table.is_empty:
            continue
        bars = [
            Bar(f"{table.value(row, 'code')} {table.value(row, 'name') or ''}".strip(), _money(table.value(row, "total")))
            for row in table.rows
            if len(str(table.value(row, "code") or "")) == 3
        ]
        chart = _chart("chart-function", "支出按功能分类（类）", bars, f"table-{key}", table_title(table.kind))
        if chart:
            return chart
    return None


def basic_and_project(disclosure: Disclosure) -> Chart | None:
    """基本支出 against 项目支出, from the 合计 row of 表三."""
    table = disclosure.table("expenditure_summary")
    if table is None or not table.rows or table.value(table.rows[0], "name") != "合计":
        return None
    row = table.rows[0]
    bars = [Bar("基本支出", _money(table.value(row, "basic"))), Bar("项目支出", _money(table.value(row, "project")))]
    return _chart("chart-basic-project", "基本支出与项目支出", bars, f"table-{table.kind.key}", table_title(table.kind))


def three_public(disclosure: Disclosure) -> Chart | None:
    """The 三公 lines as published (the 小计 row left out: it is their sum)."""
    table = disclosure.table("three_public")
    if table is None or table.is_empty:
        return None
    bars = [
        Bar(str(table.value(row, "name") or ""), _money(table.value(row, "total")))
        for row in table.rows
        if "小计" not in str(table.value(row, "name") or "")
    ]
    return _chart("chart-three-public", "“三公”经费", bars, f"table-{table.kind.key}", table_title(table.kind))


def project_budgets(disclosure: Disclosure) -> Chart | None:
    """Every project's 预算数, largest first (a project with a blank 预算数 is left out)."""
    projects = sorted((p for p in disclosure.projects if p.budget is not None), key=lambda p: (-(p.budget or 0), p.seq))
    bars = [Bar(p.name, p.budget) for p in projects]
    return _chart("chart-projects", "项目预算数（从大到小）", bars, "projects-caption", "项目预算及绩效目标")


def disclosure_charts(disclosure: Disclosure) -> tuple[Chart, ...]:
    found = (by_function(disclosure), basic_and_project(disclosure), three_public(disclosure), project_budgets(disclosure))
    return tuple(chart for chart in found if chart is not None)
