"""Mutation tests: plant one violation into a copy of the sample portal, see exactly its rule fire.

The sample portal checks clean (its published errors are acknowledged). Each case below
makes one small, deliberate change to a copy of it and asserts that

- the set of rule ids reported is exactly {the rule} (or, where a rule cannot be isolated,
  the smallest exact set, with the reason written beside the case), and
- a diagnostic of that rule stands at the expected file and line. The line is computed by
  finding an anchor text in the mutated file, never written down as a number.

Table cells take part in a row identity (合计 = the parts) and a column identity (类 = Σ 款,
合计 = Σ 类) at once, and many figures are cited again in other tables or in the prose; the
arithmetic cases therefore move an amount between two cells, or change a cell that no
other identity reads, so that only the rule under test sees the change.

Every rule could be isolated; one case (the issue's own example of a wrong amount in a
list of projects) uses the `rules` escape hatch of `Case` on purpose, because two rules
must see it. No case touches an acknowledged figure, so none has to tolerate `ack.unused`. The rules about
files (a missing table, an unknown file, a file in another encoding) are planted by
deleting, adding or re-encoding a file instead of editing text.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from generator.build import load_site
from generator.diagnostics import Report

ZJK = "content/departments/731/2025"  # 张家口 2025: the complete disclosure
TS = "content/departments/405001/2026"  # 唐山 2026: performance targets
TJ = "content/departments/569301/2022"  # 天津 2022: project tables without codes


# --- what a mutation does to the copied portal ------------------------------------------
# The copies share their files with one pristine copy through hard links (fast); a file is
# therefore never written in place: it is unlinked first and written anew.


def rewrite(file: Path, data: bytes) -> None:
    file.unlink()
    file.write_bytes(data)


@dataclass(frozen=True)
class Replace:
    """Replace `old` by `new` in one file; `old` must occur exactly once."""

    path: str
    old: str
    new: str

    def apply(self, root: Path) -> None:
        file = root / self.path
        text = file.read_text(encoding="utf-8")
        assert text.count(self.old) == 1, f"{self.old!r} occurs {text.count(self.old)} times in {self.path}"
        rewrite(file, text.replace(self.old, self.new).encode("utf-8"))


@dataclass(frozen=True)
class Delete:
    path: str

    def apply(self, root: Path) -> None:
        (root / self.path).unlink()


@dataclass(frozen=True)
class Write:
    """Write a new file (it must not exist yet)."""

    path: str
    text: str

    def apply(self, root: Path) -> None:
        file = root / self.path
        assert not file.exists(), self.path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(self.text, encoding="utf-8")


@dataclass(frozen=True)
class Copy:
    """Copy a file to a new name, replacing `old` by `new` (exactly once) in the copy."""

    path: str
    to: str
    old: str
    new: str

    def apply(self, root: Path) -> None:
        text = (root / self.path).read_text(encoding="utf-8")
        assert text.count(self.old) == 1
        assert not (root / self.to).exists()
        (root / self.to).write_text(text.replace(self.old, self.new), encoding="utf-8")


@dataclass(frozen=True)
class Reencode:
    """Save a file in another encoding, as an editor set to GBK would."""

    path: str
    encoding: str

    def apply(self, root: Path) -> None:
        file = root / self.path
        rewrite(file, file.read_text(encoding="utf-8").encode(self.encoding))


@dataclass(frozen=True)
class At:
    """Where the diagnostic must stand: the line on which `anchor` starts in the mutated
    file (the anchor must occur there exactly once), or line 0 (the whole file) when
    `anchor` is None."""

    path: str
    anchor: str | None = None

    def line(self, root: Path) -> int:
        if self.anchor is None:
            return 0
        text = (root / self.path).read_bytes().decode("utf-8", errors="replace")
        assert text.count(self.anchor) == 1, f"anchor {self.anchor!r} occurs {text.count(self.anchor)} times"
        return text[: text.index(self.anchor)].count("\n") + 1


@dataclass(frozen=True)
class Case:
    rule: str
    edits: tuple
    at: At
    # the exact set of rules reported, when it is not just {rule}; say why beside the case
    rules: frozenset = field(default=frozenset())

    @property
    def expected_rules(self) -> set[str]:
        return set(self.rules) or {self.rule}


def case(rule: str, path: str, old: str, new: str, at: At | None = None, **kwargs) -> Case:
    """The common case: one replacement; by default the diagnostic stands on the line where
    the new text starts (its first non-blank line)."""
    first = next(line for line in new.split("\n") if line.strip()) if new.strip() else None
    return Case(rule, (Replace(path, old, new),), at or At(path, first), **kwargs)


# --- the cases ---------------------------------------------------------------------------

P_TS = f"{TS}/projects/13020026P008888100041.yaml"  # 其他商品和服务支出, 0.36 万元, no acknowledgements
P_ZJK = f"{ZJK}/projects/13070024P00000410006W.yaml"  # 2024 开展科技工作者助力乡村振兴经费
P_ZJK26 = f"{ZJK}/projects/13070024P00088710001K.yaml"  # seq 26, 7.00 万元
P_TJ = f"{TJ}/projects/p01.yaml"  # 青年人才托举工程, 315.00 万元, no code

CASES = [
    # ---- arithmetic inside one table -----------------------------------------------------
    # 一般公共服务支出 of table 4 has blank cells; 政府性基金 is not summed down the column
    # by any rule (the summary sums only 合计), so only the row identity sees it.
    case("table.row-sum", f"{ZJK}/tables/fiscal_summary.yaml",
         "expenditure_item: 一、一般公共服务支出}",
         "expenditure_item: 一、一般公共服务支出, government_fund: 1.00}"),
    # Move 1.00 from 基本支出 to 项目支出 in one 项 row: the row still adds up, its 款 does not.
    Case("table.hierarchy-sum",
         (Replace(f"{ZJK}/tables/expenditure_summary.yaml",
                  "total: 359.32, basic: 356.24, project: 3.08", "total: 359.32, basic: 355.24, project: 4.08"),),
         At(f"{ZJK}/tables/expenditure_summary.yaml", '{code: "20607"')),
    # The same move in a 类, its 款 and its 项 row: rows and hierarchy hold, 合计 = Σ 类 does not.
    Case("table.total-row",
         tuple(Replace(f"{ZJK}/tables/expenditure_summary.yaml", old, new) for old, new in (
             ('"206", name: 科学技术支出, total: 991.95, basic: 482.31, project: 509.64',
              '"206", name: 科学技术支出, total: 991.95, basic: 481.31, project: 510.64'),
             ('"20607", name: 科学技术普及, total: 991.95, basic: 482.31, project: 509.64',
              '"20607", name: 科学技术普及, total: 991.95, basic: 481.31, project: 510.64'),
             ("total: 359.32, basic: 356.24, project: 3.08", "total: 359.32, basic: 355.24, project: 4.08"),
         )),
         At(f"{ZJK}/tables/expenditure_summary.yaml", "{name: 合计")),
    # An income line that 本年收入合计 does not include.
    Case("summary.lines-sum",
         (Replace(f"{ZJK}/tables/income_expenditure_summary.yaml",
                  "{income_item: 二、政府性基金预算拨款收入, expenditure_item",
                  "{income_item: 二、政府性基金预算拨款收入, income: 1.00, expenditure_item"),
          # the prose cites that line (基金预算收入): it moves along
          Replace(f"{ZJK}/explanation.yaml", "基金预算收入0.00万元", "基金预算收入1.00万元")),
         At(f"{ZJK}/tables/income_expenditure_summary.yaml", "{income_item: 本年收入合计")),
    # 年终结转结余 was blank; 支出总计 no longer equals 本年支出合计 + 年终结转结余.
    Case("summary.grand-total",
         (Replace(f"{ZJK}/tables/income_expenditure_summary.yaml",
                  "expenditure_item: 年终结转结余}", "expenditure_item: 年终结转结余, expenditure: 1.00}"),),
         At(f"{ZJK}/tables/income_expenditure_summary.yaml", "expenditure_item: 支出总计")),
    # In table 4 (no prose cites it) 年末结转 and 支出总计 both rise by 1.00, across the row too:
    # the expenditure side adds up, but it no longer balances the income side.
    Case("summary.balance",
         (Replace(f"{ZJK}/tables/fiscal_summary.yaml",
                  "expenditure_item: 年末财政拨款结转和结余}",
                  "expenditure_item: 年末财政拨款结转和结余, total: 1.00, general_budget: 1.00}"),
          Replace(f"{ZJK}/tables/fiscal_summary.yaml",
                  "expenditure_item: 支出总计, total: 1454.54, general_budget: 1454.54}",
                  "expenditure_item: 支出总计, total: 1455.54, general_budget: 1455.54}")),
         At(f"{ZJK}/tables/fiscal_summary.yaml", "expenditure_item: 支出总计")),
    # Every 合计 of the 三公 table is cited in the prose; the fund columns are not.
    case("three-public.sum", f"{ZJK}/tables/three_public.yaml",
         "{name: “三公”经费小计, total: 2.92, general_budget: 2.92}",
         "{name: “三公”经费小计, total: 2.92, general_budget: 1.92, government_fund: 1.00}"),
    # ---- the same figure across tables ---------------------------------------------------
    # Two function lines of table 1 change in opposite directions: 本年支出合计 still adds up.
    Case("cross.function-total",
         (Replace(f"{ZJK}/tables/income_expenditure_summary.yaml",
                  "五、教育支出, expenditure: 67.90}", "五、教育支出, expenditure: 68.90}"),
          Replace(f"{ZJK}/tables/income_expenditure_summary.yaml",
                  "十、卫生健康支出, expenditure: 58.86}", "十、卫生健康支出, expenditure: 57.86}")),
         At(f"{ZJK}/tables/income_expenditure_summary.yaml", "五、教育支出")),
    # Table 5: move 1.00 from 项目支出 to 基本支出 in 合计, 206, 20607 and 2060701, so every
    # identity inside table 5 holds; its 基本支出 no longer matches table 6's 合计.
    Case("cross.basic-total",
         tuple(Replace(f"{ZJK}/tables/general_budget_expenditure.yaml", old, new) for old, new in (
             ("{name: 合计, total: 1454.54, basic: 944.91, project: 509.64}",
              "{name: 合计, total: 1454.54, basic: 945.91, project: 508.64}"),
             ('"206", name: 科学技术支出, total: 991.95, basic: 482.31, project: 509.64',
              '"206", name: 科学技术支出, total: 991.95, basic: 483.31, project: 508.64'),
             ('"20607", name: 科学技术普及, total: 991.95, basic: 482.31, project: 509.64',
              '"20607", name: 科学技术普及, total: 991.95, basic: 483.31, project: 508.64'),
             ("total: 359.32, basic: 356.24, project: 3.08", "total: 359.32, basic: 357.24, project: 2.08"),
         )),
         At(f"{ZJK}/tables/general_budget_basic.yaml", "{name: 合计")),
    # Table 6: 1.00 moves from 福利费 to 公务接待费 (302 still adds up); the 三公 table disagrees.
    Case("cross.three-public",
         (Replace(f"{ZJK}/tables/general_budget_basic.yaml",
                  "name: 公务接待费, total: 0.56, public: 0.56", "name: 公务接待费, total: 1.56, public: 1.56"),
          Replace(f"{ZJK}/tables/general_budget_basic.yaml",
                  "name: 福利费, total: 9.10, public: 9.10", "name: 福利费, total: 8.10, public: 8.10")),
         At(f"{ZJK}/tables/three_public.yaml", "三、公务接待费")),
    # One project grows by 1.00 (预算数 and 财政资金 together): Σ 预算数 ≠ 项目支出.
    Case("cross.project-total",
         (Replace(P_ZJK26, "budget: 7.00\nfiscal_funds: 7.00", "budget: 8.00\nfiscal_funds: 8.00"),),
         At(f"{ZJK}/tables/expenditure_summary.yaml", "{name: 合计")),
    # ---- project tables ------------------------------------------------------------------
    Case("project.funds-sum", (Replace(P_ZJK26, "fiscal_funds: 7.00", "fiscal_funds: 6.00"),), At(P_ZJK26, "budget: 7.00")),
    case("plan.not-percent", P_TS, "  december: 100%", "  december: 全部"),
    case("plan.out-of-range", P_ZJK, "  december: 100%", "  december: 120%"),
    case("plan.falls", P_ZJK, "  october: 75%", "  october: 40%"),
    case("plan.incomplete", P_ZJK, "  december: 100%", "  december: 90%"),
    case("indicator.taxonomy", P_TS, "    level2: 社会效益指标", "    level2: 社会效益"),
    case("indicator.cost-over-budget", P_TS, "    value: ≤0.36万元", "    value: ≤0.40万元"),
    case("indicator.percent-over-100", P_TS, "    value: 100%", "    value: 120%"),
    case("indicator.satisfaction-upper-bound", P_ZJK, "    name: 群众满意度\n    description: 参与活动群众满意度\n    value: ≥95%",
         "    name: 群众满意度\n    description: 参与活动群众满意度\n    value: ≤95%",
         at=At(P_ZJK, "    value: ≤95%")),
    case("indicator.value-missing", P_ZJK, "    value: 2024 年 1 月-12 月\n", "    value: ~\n", at=At(P_ZJK, "    value: ~")),
    case("project.purpose-missing", P_TS, "purpose: >-\n  用于学院的其他正常运转支出。\n", "purpose: ~\n", at=At(P_TS, "purpose: ~")),
    case("project.goals-missing", P_TS, "goals:\n  - 1.用于学院的其他正常运转支出。\n", "goals: []\n", at=At(P_TS, "goals: []")),
    # The project's own year is 2024 (from its name); the period now lies before it.
    case("indicator.year", P_ZJK, "    value: 2024 年 1 月-12 月", "    value: 2023 年 1 月-12 月"),
    # Remove the four 产出指标 rows; what is left is 效益指标 only.
    Case("project.no-output-indicator",
         (Replace(P_TS,
                  "  - level1: 产出指标\n    level2: 数量指标\n    name: 使用次数\n    description: 使用次数\n"
                  "    value: ≥1次\n    basis: 单位工作计划\n"
                  "  - level1: 产出指标\n    level2: 质量指标\n    name: 工作合格率\n    description: 工作合格率\n"
                  "    value: 100%\n    basis: 单位工作计划\n"
                  "  - level1: 产出指标\n    level2: 成本指标\n    name: 平均成本\n    description: 平均成本\n"
                  "    value: ≤0.36万元\n    basis: 单位工作计划\n"
                  "  - level1: 产出指标\n    level2: 时效指标\n    name: 完成时限\n    description: 完成时限\n"
                  "    value: 2026.12.31\n    basis: 单位工作计划\n",
                  ""),),
         At(P_TS, "indicators:")),
    Case("project.no-effect-indicator",
         (Replace(P_TS,
                  "  - level1: 效益指标\n    level2: 社会效益指标\n    name: 日常办公需求满足率\n"
                  "    description: 日常办公需求满足率\n    value: ≥90%\n    basis: 单位工作计划\n",
                  ""),),
         At(P_TS, "indicators:")),
    # ---- completeness and text -----------------------------------------------------------
    # A full disclosure without one of the nine tables: reported at the missing file.
    Case("complete.table-missing", (Delete(f"{ZJK}/tables/government_fund_expenditure.yaml"),),
         At(f"{ZJK}/tables/government_fund_expenditure.yaml")),
    # The glossary section goes; the diagnostic belongs to the whole explanation file.
    Case("complete.section-missing",
         (Replace(f"{ZJK}/explanation.yaml", "  - id: glossary\n    title: 十、名词解释\n", ""),),
         At(f"{ZJK}/explanation.yaml")),
    case("table.empty-without-note", f"{ZJK}/tables/government_fund_expenditure.yaml",
         "note: 注：无政府性基金预算财政拨款预算，空表列示。", "note: 注：见说明。"),
    # A table carried forward without its figures (what `disclose new year` writes).
    # (The 国有资产 section, which cites the total, is carried forward blank too.)
    Case("table.no-figures",
         (Replace(f"{ZJK}/tables/assets.yaml",
                  "rows:\n  - {name: 资产总额, value: 1067.22}\n  - {name: 1、房屋(平方米), quantity: 3972, value: 300.03}\n"
                  "  - {name: 其中：办公用房(平方米), quantity: 382.60, value: 28.90}\n  - {name: 2、车辆(台、辆), quantity: 3, value: 69.31}\n"
                  "  - {name: 3、单价在20万元以上的设备}\n  - {name: 4、其他固定资产, quantity: 768, value: 697.88}\n",
                  "rows:\n  - {name: 资产总额}\n  - {name: 1、房屋(平方米)}\n"),
          Replace(f"{ZJK}/explanation.yaml", "固定资产金额为 1067.22 万元", "固定资产金额为 0.00 万元")),
         At(f"{ZJK}/tables/assets.yaml", "  - {name: 资产总额}")),
    case("project.budget-missing", P_TS, "budget: 0.36\nfiscal_funds: 0.36\n", "budget: ~\n", at=At(P_TS, "budget: ~")),
    # ... reported on the note's line, wherever it stands.
    case("table.empty-without-note", f"{ZJK}/tables/government_fund_expenditure.yaml",
         "note: 注：无政府性基金预算财政拨款预算，空表列示。\nrows: []", "rows: []\nnote: 注：见说明。",
         at=At(f"{ZJK}/tables/government_fund_expenditure.yaml", "note:")),
    # A template leftover in the middle of a list of goals: reported on the goal's own line.
    case("text.placeholder", P_TJ, "  - 2.加强我市高层次科技创新后备人才队伍建设",
         "  - 2.加强我市XX科技创新后备人才队伍建设"),
    # ... and deep inside a Markdown body of the explanation: on its own line too.
    Case("text.placeholder",
         (Replace(f"{ZJK}/explanation.yaml", "主要用于日常维修、办公用房水电费", "主要用于【单位】日常维修、办公用房水电费"),),
         At(f"{ZJK}/explanation.yaml", "主要用于【单位】日常维修")),
    case("text.year", f"{ZJK}/disclosure.yaml", "title: 张家口市科学技术协会2025年", "title: 张家口市科学技术协会2024年"),
    # ... on the title's own line, wherever it stands in the file.
    case("text.year", f"{ZJK}/disclosure.yaml", "title: 张家口市科学技术协会2025年",
         "# 原文标题\ntitle: 张家口市科学技术协会2024年", at=At(f"{ZJK}/disclosure.yaml", "title:")),
    case("project.name-year", P_TJ, "name: 第三批天津市青年人才托举工程第三年度培养经费",
         "name: 2030第三批天津市青年人才托举工程第三年度培养经费"),
    case("prose.figure", f"{ZJK}/explanation.yaml", "机关运行经费共计安排82.95万元", "机关运行经费共计安排83.95万元"),
    # ... and the assets the 国有资产 section totals, against the assets table.
    case("prose.figure", f"{ZJK}/explanation.yaml", "固定资产金额为 1067.22 万元", "固定资产金额为 1068.22 万元",
         at=At(f"{ZJK}/explanation.yaml", "  张家口市科学技术协会（含所属单位）上年末")),
    # An acknowledgement that matches nothing (appended after the real ones).
    Case("ack.unused",
         (Replace(f"{TS}/acknowledgements.yaml", "344.93 万元。\n",
                  "344.93 万元。\n  - rule: text.year\n    file: disclosure.yaml\n    field: title\n    reason: 原文如此。\n"),),
         At(f"{TS}/acknowledgements.yaml", "- rule: text.year")),
    # ---- structure: the loader and the schema --------------------------------------------
    case("yaml.syntax", P_TS, "seq: 16\n", "seq: 16: 17\n"),
    # An unclosed [ : the parser notices at the next key, and says so there.
    case("yaml.syntax", P_TS, "name: 其他商品和服务支出\n", "name: [其他商品和服务支出\n", at=At(P_TS, "unit: 405004")),
    # A key written twice is a syntax error at the second one.
    case("yaml.syntax", P_TS, "fiscal_funds: 0.36\n", "fiscal_funds: 0.36\nbudget: 0.36\n", at=At(P_TS, "budget: 0.36\npurpose")),
    # At the first byte that is not UTF-8: the name on line 3.
    Case("yaml.encoding", (Reencode(P_TS, "gbk"),),
         At(P_TS, "name: " + "其他商品和服务支出".encode("gbk").decode("utf-8", errors="replace"))),
    # A figure typed with a full-width digit, and a year folder named in full-width digits.
    case("schema.non-ascii-digit", P_TS, "fiscal_funds: 0.36", "fiscal_funds: 0.３6"),
    Case("content.non-ascii-digit", (Write("content/departments/731/２０２６/disclosure.yaml", "title: x\nscope: targets\n"),),
         At("content/departments/731/２０２６/disclosure.yaml")),
    # A file with only a comment in it.
    Case("schema.empty", (Delete(f"{ZJK}/glossary.yaml"), Write(f"{ZJK}/glossary.yaml", "# 待补充\n")),
         At(f"{ZJK}/glossary.yaml")),
    case("schema.type", P_TS, "fiscal_funds: 0.36", "fiscal_funds: [0.36]"),
    case("schema.type", P_TS, "spending_plan:\n  december: 100%", "spending_plan: 100%"),
    case("schema.type", "content/departments/731/department.yaml", "  - 张家口市科技馆\n", "  - [张家口市科技馆]\n"),
    case("schema.unknown-key", P_TS, "fiscal_funds: 0.36", "fiscal_fund: 0.36"),
    case("schema.unknown-key", "site.yaml", "theme: default", "theme: default\ncheck:\n  tolerance: 0.01",
         at=At("site.yaml", "check:")),
    # An indicator row without its 三级指标: reported at the row.
    case("schema.required", P_TS, "    name: 使用次数\n", "", at=At(P_TS, "- level1: 产出指标\n    level2: 数量指标")),
    case("schema.number", P_TS, "budget: 0.36", "budget: 0,36"),
    case("schema.number", "site.yaml", "theme: default", "theme: default\nchecks:\n  tolerance: 一分",
         at=At("site.yaml", "  tolerance: 一分")),
    case("schema.integer", P_TS, "seq: 16", "seq: 十六"),
    case("schema.boolean", f"{TS}/disclosure.yaml", "scope: targets", "scope: targets\ndraft: 是", at=At(f"{TS}/disclosure.yaml", "draft:")),
    case("schema.boolean", "site.yaml", "theme: default", "theme: default\nrelative_urls: yes", at=At("site.yaml", "relative_urls:")),
    case("schema.boolean", "site.yaml", "theme: default", "theme: default\nprecompress: 否", at=At("site.yaml", "precompress:")),
    # A draft's blanks are one to-do line for their file, not an error each.
    Case("draft.todo", (Replace(f"{TS}/disclosure.yaml", "scope: targets", "scope: targets\ndraft: true"),
                        Replace(P_TS, "    value: ≥1次\n", "")), At(P_TS)),
    case("schema.choice", f"{TS}/disclosure.yaml", "scope: targets", "scope: partial"),
    case("schema.choice", "site.yaml", "theme: default", "theme: default\ndownloads:\n  xlsx: maybe", at=At("site.yaml", "  xlsx: maybe")),
    case("disclosure.original", f"{TS}/disclosure.yaml", "scope: targets", "scope: targets\noriginal: 原文.pdf", at=At(f"{TS}/disclosure.yaml", "title: ")),
    case("disclosure.original", f"{TS}/disclosure.yaml", "scope: targets", "scope: targets\noriginal: ../原文.pdf", at=At(f"{TS}/disclosure.yaml", "original: ")),
    case("schema.choice", f"{ZJK}/explanation.yaml", "  - id: other", "  - id: others"),
    case("schema.choice", "site.yaml", "theme: default", "theme: default\nchecks:\n  required_tables: [three_public, projects]",
         at=At("site.yaml", "  required_tables:")),
    case("schema.duplicate", f"{ZJK}/explanation.yaml", "  - id: other", "  - id: glossary",
         at=At(f"{ZJK}/explanation.yaml", "  - id: glossary\n    title: 十一、")),
    case("site.base-url", "site.yaml", "base_url: https://example.gov.cn/yjsgk/", "base_url: example.gov.cn/yjsgk/"),
    # Reported for site.yaml as a whole (build.load_site checks the folder after the schema).
    case("site.theme", "site.yaml", "theme: default", "theme: plain", at=At("site.yaml")),
    Case("site.missing", (Delete("site.yaml"),), At("site.yaml")),
    Case("content.unknown-file", (Write(f"{ZJK}/tables/notes.txt", "草稿\n"),), At(f"{ZJK}/tables/notes.txt")),
    Case("content.unknown-table", (Write(f"{ZJK}/tables/income_expenditure.yaml", "rows: []\n"),),
         At(f"{ZJK}/tables/income_expenditure.yaml")),
    Case("content.missing-department", (Delete("content/departments/569301/department.yaml"),),
         At("content/departments/569301/department.yaml")),
    Case("content.missing-disclosure", (Delete(f"{TJ}/disclosure.yaml"),), At(f"{TJ}/disclosure.yaml")),
    # Region folders (content/regions/<行政区划代码>/): a name that is not six ASCII digits, a
    # folder without its region.yaml, a department.yaml naming another region.
    Case("content.region-code", (Write("content/regions/13070/region.yaml", "name: 张家口市\n"),),
         At("content/regions/13070/region.yaml")),
    Case("content.missing-region", (Write("content/regions/130700/departments/731/department.yaml", "name: 张家口市科学技术协会\n"),),
         At("content/regions/130700/region.yaml")),
    Case("department.region", (Write("content/regions/130700/region.yaml", "name: 张家口市\n"),
                               Write("content/regions/130700/departments/731/department.yaml", "name: 张家口市科学技术协会\nregion: 唐山市\n")),
         At("content/regions/130700/departments/731/department.yaml", "region: 唐山市")),
    case("project.file-name", P_TS, "code: 13020026P008888100041", "code: 13020026P008888100042"),
    # Tianjin's p02 takes p01's number; the later file (by path) is reported.
    case("project.duplicate-seq", f"{TJ}/projects/p02.yaml", "seq: 2\n", "seq: 1\n"),
    # A second file for the same project code (named code-suffix, as the format allows).
    Case("project.duplicate-code",
         (Copy(P_TS, P_TS.replace(".yaml", "-2.yaml"), "seq: 16\n", "seq: 99\n"),),
         At(P_TS, "code: 13020026P008888100041")),
    # ---- what a careful reader catches (issue 13) ----------------------------------------
    # A count pasted into a rate: 工作合格率 given as a number of times.
    case("indicator.kind-mismatch", P_TS, "    description: 工作合格率\n    value: 100%", "    description: 工作合格率\n    value: ≥1次",
         at=At(P_TS, "    value: ≥1次\n    basis: 单位工作计划\n  - level1: 产出指标\n    level2: 成本指标")),
    case("indicator.percent-unit", P_TS, "    value: ≥90%", "    value: ≥90"),
    case("indicator.weak-target", P_TS, "    value: ≥1次", "    value: 有效"),
    # Last year's goal copied: a year neither this one nor named as past, on the goal's line.
    case("text.stray-year", P_TS, "  - 1.用于学院的其他正常运转支出。", "  - 1.用于学院2024年度的其他正常运转支出。"),
    case("project.purpose-amount", P_TS, "  用于学院的其他正常运转支出。", "  项目预算总额 0.46 万元，用于学院的其他正常运转支出。",
         at=At(P_TS, "purpose: >-")),
    # One project's amount in the list of carried-over projects, with the totals moved along
    # so that every list still adds up: only the project's own 预算数 disagrees.
    Case("prose.project-amount",
         tuple(Replace(f"{ZJK}/explanation.yaml", old, new) for old, new in (
             ("2024 科普经费 40.48 万元", "2024 科普经费 41.48 万元"),
             ("结转共计 71.88 万元", "结转共计 72.88 万元"),
             ("项目支出增加 94.89 万元", "项目支出增加 95.89 万元"),
         )),
         At(f"{ZJK}/explanation.yaml", "其中市科学技术协会本级项目支出增加 95.89")),
    # A "共计" that its parts do not add up to: the list "共计 71.88 万元，分别为 …" and the
    # "包括" list above it, whose parts are the 共计 of each list.
    Case("prose.list-sum",
         (Replace(f"{ZJK}/explanation.yaml", "结转共计 71.88 万元", "结转共计 72.88 万元"),),
         At(f"{ZJK}/explanation.yaml", "其中市科学技术协会本级项目支出增加 94.89")),
    # The issue's own example: one project's amount in the list of carried-over projects
    # changed. The list no longer adds up to its 共计, and the amount is no longer the
    # project's 预算数: two rules, by design.
    Case("prose.list-sum",
         (Replace(f"{ZJK}/explanation.yaml", "冀财教〔2024〕25 号-下达 2024 年支持市县科技创新和科学普及专项资金（科技工作者之家）5.6 万元",
                  "冀财教〔2024〕25 号-下达 2024 年支持市县科技创新和科学普及专项资金（科技工作者之家）6.6 万元"),),
         At(f"{ZJK}/explanation.yaml", "其中市科学技术协会本级项目支出增加 94.89"),
         rules=frozenset({"prose.list-sum", "prose.project-amount"})),
    # 2024 is on the portal now with its “三公”经费 of 5.00: 2.92 - 5.00 is not "减少2.54".
    Case("prose.change",
         (Write("content/departments/731/2024/disclosure.yaml", "title: 张家口市科学技术协会2024年部门预算信息公开\nscope: targets\n"),
          Write("content/departments/731/2024/tables/three_public.yaml",
                "rows:\n  - {name: “三公”经费小计, total: 5.00, general_budget: 5.00}\n"
                "  - {name: 三、公务接待费, total: 5.00, general_budget: 5.00}\n")),
         At(f"{ZJK}/explanation.yaml", "2025年，我部门财政拨款“三公”经费")),
    case("goal.indicator-mismatch", f"{TS}/goals.yaml", "召开会议次数不少于7次", "召开会议次数不少于8次",
         at=At(f"{TS}/goals.yaml", "    indicator: 召开会议次数不少于8次")),
    # The lost sentence lost again: the section has its title and nothing under it.
    Case("complete.section-empty",
         (Replace(f"{ZJK}/explanation.yaml", "\n    body: |\n      我部门无其他需要说明的事项。", ""),),
         At(f"{ZJK}/explanation.yaml", "  - id: other")),
    # A template leftover in the department goals, which text.placeholder now reads too.
    case("text.placeholder", f"{TS}/goals.yaml", "召开会议次数不少于7次", "召开XX次数不少于7次",
         at=At(f"{TS}/goals.yaml", "    indicator: 召开XX次数")),
    case("text.empty-brackets", P_TS, "  - 1.用于学院的其他正常运转支出。", "  - 1.用于学院【】的其他正常运转支出。"),
    case("text.code-space", P_TS, "  - 1.用于学院的其他正常运转支出。", "  - 1.用于学院的其他正常运转支出（项目编码 13020026P0088881 00041）。"),
    case("plan.percent-sign", P_TS, "  december: 100%", "  december: 100"),
    case("procurement.sum", f"{ZJK}/tables/procurement.yaml", "total: 0.48, general_budget: 0.48}", "total: 0.48, general_budget: 1.48}",
         at=At(f"{ZJK}/tables/procurement.yaml", "  - {project: 公用经费一, project_budget: 6.40, item: 财产保险服务")),
    # The line's reserved share above its total; the sums above it moved along.
    Case("procurement.sme-over-total",
         tuple(Replace(f"{ZJK}/tables/procurement.yaml", old, new) for old, new in (
             ("{project: 合计, total: 2.08, general_budget: 2.08, sme_reserved: 0.11}", "{project: 合计, total: 2.08, general_budget: 2.08, sme_reserved: 0.12}"),
             ("小计, total: 2.08, general_budget: 2.08, sme_reserved: 0.11}", "小计, total: 2.08, general_budget: 2.08, sme_reserved: 0.12}"),
             ("general_budget: 0.11, sme_reserved: 0.11}", "general_budget: 0.11, sme_reserved: 0.12}"),
         )),
         At(f"{ZJK}/tables/procurement.yaml", "item: 车辆维修和保养服务")),
    Case("text.change-without-reason",
         (Replace(f"{ZJK}/explanation.yaml",
                  "与2024年相比减少2.54万元，增减变化的主要原因是下属单位减少一辆公车，公车运维费减少了2.36万元；计提基数减少，公务接待费减少了0.18万元。",
                  "与2024年相比减少2.54万元。"),),
         At(f"{ZJK}/explanation.yaml", "2025年，我部门财政拨款“三公”经费")),
    Case("text.mixed-units",
         (Replace(f"{ZJK}/explanation.yaml", "机关运行经费共计安排82.95万元，", "机关运行经费共计安排82.95万元（829500元），"),),
         At(f"{ZJK}/explanation.yaml", "2025年，我部门机关运行经费")),
    Case("text.department-name",
         (Replace(f"{ZJK}/explanation.yaml", "现将张家口市科学技术协会 2025 年", "现将张家口科学技术协会 2025 年"),),
         At(f"{ZJK}/explanation.yaml", "  按照《中华人民共和国预算法》")),
    # A department without its list of units, whose explanation names none either.
    Case("complete.units-missing",
         (Delete("content/departments/731/department.yaml"),
          Write("content/departments/731/department.yaml", "name: 张家口市科学技术协会\nregion: 河北省张家口市\nduties:\n  - (一) 组织、开展学术交流。\n"),
          Replace(f"{ZJK}/explanation.yaml", "机关及所属事业单位的收支", "的收支"),
          Replace(f"{ZJK}/explanation.yaml", "张家口市科学技术协会（含所属单位）上年末", "张家口市科学技术协会上年末")),
         At(f"{ZJK}/explanation.yaml", "title: 张家口市科学技术协会")),
]


def _id(c: Case) -> str:
    same = [other for other in CASES if other.rule == c.rule]
    return c.rule if len(same) == 1 else f"{c.rule}-{same.index(c) + 1}"


def copy_sample(root: Path) -> Path:
    """Copy the sample portal: site.yaml, content/ and templates/ (the theme is built in)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "site.yaml", root / "site.yaml")
    for folder in ("content", "templates"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("pristine") / "site")


def link_copy(pristine: Path, root: Path) -> Path:
    shutil.copytree(pristine, root, copy_function=os.link)
    return root


def check(root: Path) -> Report:
    report = Report()
    load_site(root, report)
    return report


def test_the_unmutated_copy_is_clean(pristine):
    report = check(pristine)
    assert report.diagnostics == []


@pytest.mark.parametrize("mutation", CASES, ids=[_id(c) for c in CASES])
def test_a_planted_violation_fires_exactly_its_rule_at_its_line(pristine, tmp_path, mutation: Case):
    root = link_copy(pristine, tmp_path / "site")
    for edit in mutation.edits:
        edit.apply(root)
    report = check(root)
    shown = "\n" + report.format_text()
    assert {d.rule for d in report.diagnostics} == mutation.expected_rules, shown
    expected = (mutation.at.path, mutation.at.line(root))
    found = [(d.location.path, d.location.line) for d in report.diagnostics if d.rule == mutation.rule]
    assert expected in found, shown


def test_every_rule_the_checker_and_schema_emit_has_a_mutation():
    """A new rule id in generator/ must get a case here (build-only rules aside)."""
    import re

    emitted = set()
    for source in (ROOT / "generator").rglob("*.py"):
        emitted |= set(re.findall(r'"((?:[a-z]+)\.[a-z0-9-]+)"', source.read_text(encoding="utf-8")))
    emitted -= set(yaml.safe_load((ROOT / "generator/strings/messages/en.yaml").read_text(encoding="utf-8")))  # message keys
    rules = {r for r in emitted if not r.endswith((".yaml", ".py", ".html", ".txt", ".json", ".md")) and r.split(".")[0] in {
        "table", "summary", "three-public", "cross", "project", "plan", "indicator", "complete",
        "text", "prose", "ack", "yaml", "schema", "site", "content", "draft", "goal", "procurement"}}
    build_only = {"output.unsafe", "template.error"}
    assert rules - build_only - {c.rule for c in CASES} == set()


def test_the_mutations_left_the_pristine_copy_alone(pristine):
    """The copies are hard links to the pristine one: no edit may have written through."""
    for file in sorted((ROOT / "content").rglob("*")):
        if file.is_file():
            assert (pristine / file.relative_to(ROOT)).read_bytes() == file.read_bytes(), file
