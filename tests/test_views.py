"""Table shaping: captions, two-level headers with id/headers, published figures."""

from decimal import Decimal

from generator.diagnostics import Location
from generator.model import Indicator, Project, Row, Table
from generator.render import _markdown_renderer, markdown_filter
from generator.tables import INCOME_SUMMARY, THREE_PUBLIC
from generator.views import figure, indicator_rows, table_view

HERE = Location("t.yaml", 1, 1)


def row(kind, **values):
    return Row(tuple(values.get(key) for key in kind.keys), HERE)


def test_figure_keeps_the_published_digits():
    assert figure(Decimal("1290.10")) == "1290.10"
    assert figure(Decimal("0.00")) == "0.00"
    assert figure(Decimal("12000")) == "12000"
    assert figure(None) == ""


def test_two_level_header_has_ids_and_every_data_cell_names_its_headers():
    table = Table(
        INCOME_SUMMARY,
        (row(INCOME_SUMMARY, name="合计", total=Decimal("1454.54"), subtotal=Decimal("1290.10")),
         row(INCOME_SUMMARY, code="205", name="教育支出", total=Decimal("67.90"))),
        "", "", HERE,
    )
    view = table_view(table, "t2", "detail")
    top, leaves = view.header_rows
    assert [(c.text, c.scope, c.colspan, c.rowspan) for c in top] == [
        ("序号", "col", 1, 2), ("功能分类科目", "colgroup", 2, 1), ("合计", "col", 1, 2),
        ("本年收入", "colgroup", 8, 1), ("上年结转", "col", 1, 2),
    ]
    assert [c.text for c in leaves][:3] == ["科目编码", "科目名称", "小计"]
    first = view.rows[0]
    name_cell = first[2]
    assert name_cell.header and name_cell.id == "t2-r1-c2" and name_cell.text == "合计"
    subtotal = first[4]
    assert subtotal.text == "1290.10" and subtotal.numeric
    assert subtotal.headers.split() == ["t2-c4", "t2-g4", "t2-r1-c2"]
    assert view.rows[1][2].level == 1  # a 类 row
    assert view.title == "表二 部门预算收入总表"


def test_single_level_table_uses_scope_only():
    from generator.tables import ASSETS

    table = Table(ASSETS, (row(ASSETS, name="资产总额", value=Decimal("1067.22")),), "", "2024-12-31", HERE)
    view = table_view(table, "a", "")
    assert len(view.header_rows) == 1
    assert all(cell.headers == "" for cell in view.rows[0])


def test_empty_table_keeps_its_note():
    table = Table(THREE_PUBLIC, (), "注：空表列示。", "", HERE)
    view = table_view(table, "t9", "")
    assert view.empty and view.note == "注：空表列示。"


def test_indicator_rows_span_merged_levels():
    def ind(l1, l2, name):
        return Indicator(l1, l2, name, "d", "v", "", HERE)

    project = Project("k", 1, "", "n", "", None, None, None, "", (), (),
                      (ind("产出指标", "数量指标", "a"), ind("产出指标", "数量指标", "b"),
                       ind("产出指标", "质量指标", "c"), ind("效益指标", "社会效益指标", "d")), HERE)
    rows = indicator_rows(project, "i", ("description", "value"))
    assert [(c.kind, c.text, c.rowspan) for c in rows[0][:2]] == [("level1", "产出指标", 3), ("level2", "数量指标", 2)]
    assert [c.kind for c in rows[1]] == ["name", "data", "data"]
    assert [(c.kind, c.rowspan) for c in rows[2][:1]] == [("level2", 1)]
    assert rows[1][1].headers.split() == ["i-h-description", "i-l1-1", "i-l2-1", "i-n-2"]


def test_markdown_disables_html_and_shifts_headings():
    render = markdown_filter(_markdown_renderer())
    html = str(render("### 小节\n\n<b>x</b> [a](javascript:alert(1))", 4))
    assert "<h4>小节</h4>" in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert 'href="javascript' not in html
