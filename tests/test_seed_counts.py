"""Counts and totals of the three seed documents against the loaded model.

Every expectation is read from the seed text in tests/seeds (copies of
../shared/seeds kept in the repository), never from the YAML under content/: the model built from that YAML is what is checked.

Two extraction formats:

* .docx text (Tangshan 2026, Tianjin 2022): one cell per line, each cell line starting with a
  tab; a line without a tab continues the cell above (a numbered list inside a cell); blank
  lines separate rows but also occur inside a row, so rows are not read from blank lines: the
  indicator table is read as a stream of cells cut into rows of the header's width (5 or 6
  cells). The merged 一级/二级 cells are empty cells on continuation rows.
* PDF text (Zhangjiakou 2025): tab-separated lines; see the project tables' `项目编码` and
  `预算数` lines below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from conftest import SEEDS

INDICATOR_HEADER = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")


@dataclass
class SeedIndicator:
    level1: str  # filled down over merged cells
    level2: str
    name: str
    description: str
    value: str
    basis: str | None  # None when the table has no 指标值确定依据 column


@dataclass
class SeedProject:
    seq: int
    code: str  # "" when the source has none
    name: str
    budget: str
    fiscal_funds: str
    other_funds: str  # "" when blank
    spending_plan: list[str] | None  # 3月底, 6月底, 10月底, 12月底 ("" blank); None: no plan
    unit: str | None = None  # the 单位 line, where the source has one
    purpose: str | None = None  # 资金用途 (docx only)
    goals: list[str] | None = None  # 绩效目标, one numbered sentence a line (docx only)
    indicators: list[SeedIndicator] | None = None  # None where not parsed (PDF)


@dataclass
class SeedDoc:
    key: str
    department_code: str
    department_name: str
    year: int
    projects: list[SeedProject] = field(default_factory=list)
    project_spending: str | None = None  # 项目支出, 合计 row of the 支出总表 (full disclosures)


def read_seed(filename: str) -> str:
    if not SEEDS.is_dir():
        pytest.fail(
            f"seed documents not found: {SEEDS} does not exist (see tests/conftest.py)."
        )
    path = SEEDS / filename
    if not path.is_file():
        pytest.fail(f"seed document not found: {path}")
    return path.read_text(encoding="utf-8")


def after(cells: list[str], label: str, where: str) -> str:
    """The cell that follows the (first) cell whose text starts with `label`."""
    for i, cell in enumerate(cells[:-1]):
        if cell.strip().startswith(label):
            return cells[i + 1].strip()
    raise AssertionError(f"{where}: no cell {label!r}")


# ---------------------------------------------------------------------------------------------
# .docx text: Tangshan 2026, Tianjin 2022

DOCX_HEADING = re.compile(r"^\s*(?:\[bookmark: [^\]]*\])?(\d+)\.(.+)绩效目标表\s*$")
UNIT_LINE = re.compile(r"^(\d+)(\S.*)$")  # 405001唐山市科学技术协会本级


def docx_cells(lines: list[str]) -> list[str]:
    cells: list[str] = []
    for line in lines:
        if line.startswith("\t"):
            cells.append(line[1:])
        elif line.strip():
            assert cells, f"text before the first cell: {line!r}"
            cells[-1] += "\n" + line
    return cells


def docx_indicators(cells: list[str], where: str) -> list[SeedIndicator]:
    start = next((i for i, cell in enumerate(cells) if cell.strip() == "一级指标"), None)
    assert start is not None, f"{where}: no indicator table"
    width = 0
    while start + width < len(cells) and width < len(INDICATOR_HEADER) and cells[start + width].strip() == INDICATOR_HEADER[width]:
        width += 1
    assert width in (5, 6), f"{where}: indicator header of {width} cells"
    body = cells[start + width :]
    assert len(body) % width == 0, f"{where}: {len(body)} indicator cells is not a whole number of rows of {width}"
    rows: list[SeedIndicator] = []
    level1 = level2 = ""
    for i in range(0, len(body), width):
        row = [cell.strip() for cell in body[i : i + width]]
        level1 = row[0] or level1
        level2 = row[1] or level2
        # Guards against cells cut into the wrong rows.
        assert level1.endswith("指标") and level2.endswith("指标"), f"{where}: indicator row {i // width + 1} misaligned: {row}"
        assert row[2] and row[4], f"{where}: indicator row {i // width + 1} without a name or value: {row}"
        rows.append(SeedIndicator(level1, level2, row[2], row[3], row[4], row[5] if width == 6 else None))
    return rows


PLAN_MONTHS = ["3月底", "6月底", "10月底", "12月底"]


def docx_money_and_text(cells: list[str], where: str) -> dict:
    """资金用途, 资金支出计划 and 绩效目标 of one docx table."""
    c = [cell.strip() for cell in cells]
    other = c.index("其他资金")
    # …其他资金 | <blank value> || <blank label> | 资金用途
    assert c[other + 2] == "", f"{where}: expected the unlabelled 资金用途 row after 其他资金: {c[other:other + 4]}"
    plan = None
    if "资金支出计划（%）" in c:
        at = c.index("资金支出计划（%）")
        assert c[at + 1 : at + 5] == PLAN_MONTHS and c[at + 5] == "", f"{where}: unexpected plan header {c[at:at + 6]}"
        plan = c[at + 6 : at + 10]
    goals = [line.strip() for line in c[c.index("绩效目标") + 1].split("\n") if line.strip()]
    return {"purpose": c[other + 3], "spending_plan": plan, "goals": goals}


def parse_docx_seed(key: str, filename: str, year: int) -> SeedDoc:
    lines = read_seed(filename).splitlines()
    headings = [(i, DOCX_HEADING.match(line)) for i, line in enumerate(lines)]
    headings = [(i, m) for i, m in headings if m]
    projects: list[SeedProject] = []
    for n, (start, heading) in enumerate(headings):
        end = headings[n + 1][0] if n + 1 < len(headings) else len(lines)
        where = f"{filename} line {start + 1}"
        cells = docx_cells(lines[start + 1 : end])
        assert cells[1].strip() == "单位：万元", f"{where}: expected the 单位 line first, found {cells[:2]}"
        projects.append(
            SeedProject(
                seq=int(heading.group(1)),
                code=after(cells, "项目编码", where) if any(c.strip() == "项目编码" for c in cells) else "",
                name=after(cells, "项目名称", where),
                budget=after(cells, "预算数", where),
                fiscal_funds=after(cells, "其中：财政", where),
                other_funds=after(cells, "其他资金", where),
                unit=cells[0].strip(),
                indicators=docx_indicators(cells, where),
                **docx_money_and_text(cells, where),
            )
        )
    assert [p.seq for p in projects] == list(range(1, len(projects) + 1)), f"{filename}: headings not numbered 1…n"
    # The department is the unit of the first table (its 本级); later tables may name sub-units.
    unit = UNIT_LINE.match(projects[0].unit or "")
    assert unit, f"{filename}: first 单位 line without a code: {projects[0].unit!r}"
    return SeedDoc(key, unit.group(1), unit.group(2), year, projects)


# ---------------------------------------------------------------------------------------------
# PDF text: Zhangjiakou 2025
#
# What is read: the `项目编码` line (code and name), the `预算规模及资金用途\t预算数\t…` line
# after it (预算数, 财政资金, 其他资金) and the 资金支出计划 row under its header (read by the
# header's tab positions). The indicator rows of this PDF extraction cannot be cut into cells
# robustly (header rows repeated at every page break, columns shifted by one, the 指标值 and 依据
# cells run together, wrapped tails such as `作安排` or `度调查` on lines of their own, 二级指标
# in the first column after a page break), so their cells are NOT compared one by one: only the
# number of rows and the presence of each name and value in the project's text are checked
# (test_zhangjiakou_indicators_as_far_as_the_pdf_text_allows). 资金用途 and 绩效目标 are not
# checked for this seed either (the numbered sentences run together on one line). Its nine
# standard tables are checked figure by figure in test_seed_figures.py.

PDF_HEADING_NUMBER = re.compile(r"^(?:#+\s*)?(\d+)、")
# The 二级指标 categories (domain.md §4): a line of the indicator table carries one of them in
# its first or second cell, whatever else the extraction did to the line.
LEVEL2 = {"数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"}


def pdf_spending_plan(lines: list[str], where: str) -> list[str]:
    """The plan row under its header row, read by the header's tab positions (3月底 spans two)."""
    at = next((n for n, line in enumerate(lines) if line.startswith("资金支出计划")), None)
    assert at is not None, f"{where}: no 资金支出计划 line"
    header = [cell.strip() for cell in lines[at].split("\t")]
    values = [cell.strip() for cell in lines[at + 1].split("\t")]
    assert [cell for cell in header if cell in PLAN_MONTHS] == PLAN_MONTHS, f"{where}: plan header {header}"
    stray = [v for n, v in enumerate(values[1:], 1) if v and (n >= len(header) or header[n] not in PLAN_MONTHS)]
    assert not stray, f"{where}: plan values outside the month columns: {values}"
    return [values[header.index(month)] if header.index(month) < len(values) else "" for month in PLAN_MONTHS]


def pdf_project_sections(lines: list[str]) -> list[list[str]]:
    """Each project table's lines, from its numbered heading to the next one (or section 八)."""
    code_lines = [i for i, line in enumerate(lines) if line.startswith("项目编码\t")]
    starts = [next(k for k in range(i - 1, i - 7, -1) if PDF_HEADING_NUMBER.match(lines[k])) for i in code_lines]
    end = next(i for i, line in enumerate(lines) if line.startswith("## 八、"))
    return [lines[a:b] for a, b in zip(starts, starts[1:] + [end])]


def parse_pdf_seed(key: str, filename: str) -> SeedDoc:
    text = read_seed(filename)
    lines = text.splitlines()
    department = {m.groups() for m in re.finditer(r"^(\d+) (\S+)$", text, re.M)}
    assert len(department) == 1, f"{filename}: department lines disagree: {department}"
    ((code, name),) = department
    years = set(re.findall(r"预算年度\s*[:：]\s*(\d{4})", text))
    assert len(years) == 1, f"{filename}: 预算年度 lines disagree: {years}"
    doc = SeedDoc(key, code, name, int(years.pop()))

    code_lines = [i for i, line in enumerate(lines) if line.startswith("项目编码\t")]
    for n, i in enumerate(code_lines):
        where = f"{filename} line {i + 1}"
        head = lines[i].split("\t")
        # The heading (`## 5、…绩效目标表`, or without `#`, or wrapped) stands a few lines above.
        number = next((m for line in reversed(lines[max(0, i - 6) : i]) if (m := PDF_HEADING_NUMBER.match(line))), None)
        assert number, f"{where}: no numbered heading above the table"
        nxt = code_lines[n + 1] if n + 1 < len(code_lines) else len(lines)
        budget_lines = [line.split("\t") for line in lines[i + 1 : nxt] if line.startswith("预算规模及资金用途\t预算数\t")]
        assert len(budget_lines) == 1, f"{where}: expected one 预算数 line, found {len(budget_lines)}"
        (money,) = budget_lines
        doc.projects.append(
            SeedProject(
                seq=int(number.group(1)),
                code=head[1].strip(),
                name=next(cell.strip() for cell in head[head.index("项目名称") + 1 :] if cell.strip()),
                budget=after(money, "预算数", where),
                fiscal_funds=after(money, "其中：财政资金", where),
                other_funds=after(money, "其他资金", where) if money[-1].strip() != "其他资金" else "",
                spending_plan=pdf_spending_plan(lines[i + 1 : nxt], where),
            )
        )
    assert [p.seq for p in doc.projects] == list(range(1, len(doc.projects) + 1)), f"{filename}: tables not numbered 1…n"

    # 项目支出 of the 合计 row of the 部门预算支出总表.
    section = text.split("\n## 部门预算支出总表\n", 1)[1].split("\n#", 1)[0].splitlines()
    header = next(line.split("\t") for line in section if line.startswith("序号\t"))
    total = next(line.split("\t") for line in section if line.startswith("1\t"))
    assert total[2] == "合计", f"{filename}: 支出总表 row 1 is not 合计: {total}"
    doc.project_spending = total[header.index("项目支出")]
    return doc


# ---------------------------------------------------------------------------------------------
# The three seeds, and what was counted by hand

# key: (file, expected number of project tables). Tangshan and Tianjin print no year in their
# text (the file gives it, as does domain.md); Zhangjiakou's is read from its 预算年度 lines.
SEED_FILES = {
    "tangshan": ("tangshan-kexie-2026.txt", 20),
    "zhangjiakou": ("zhangjiakou-kexie-2025.txt", 26),
    "tianjin": ("tianjin-kexie-2022.txt", 12),
}
# Indicator rows per project, counted by hand in the seed text (for Tangshan and Tianjin; the
# Zhangjiakou counts are those of lines carrying a 二级指标, spot-checked by eye: projects 1, 3, 26).
HAND_INDICATOR_ROWS = {
    "tangshan": [7, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 5, 6, 6, 6],  # 119
    "tianjin": [9, 6, 6, 6, 8, 15, 10, 11, 10, 6, 6, 25],  # 118
    "zhangjiakou": [13, 18, 6, 9, 19, 11, 8, 6, 6, 6, 6, 6, 6, 6, 8, 6, 6, 6, 6, 6, 6, 9, 7, 6, 6, 5],  # 203
}
EXPECTED = {  # (department code, year), as domain.md lists the seeds
    "tangshan": ("405001", 2026),
    "zhangjiakou": ("731", 2025),
    "tianjin": ("569301", 2022),
}


@pytest.fixture(scope="module")
def seeds() -> dict[str, SeedDoc]:
    docs = {}
    for key, (filename, _) in SEED_FILES.items():
        if key == "zhangjiakou":  # the PDF text
            docs[key] = parse_pdf_seed(key, filename)
        else:
            year = int(re.search(r"-(\d{4})\.txt$", filename).group(1))
            docs[key] = parse_docx_seed(key, filename, year)
    return docs


def model_of(site, doc: SeedDoc):
    departments = [d for d in site.departments if d.code == doc.department_code]
    assert departments, f"no department {doc.department_code} in the model (have {[d.code for d in site.departments]})"
    (department,) = departments
    disclosures = [d for d in department.disclosures if d.year == doc.year]
    assert disclosures, f"department {doc.department_code} has no {doc.year} disclosure (has {[d.year for d in department.disclosures]})"
    (disclosure,) = disclosures
    return department, disclosure


def by_seq(disclosure) -> dict[int, object]:
    projects = {p.seq: p for p in disclosure.projects}
    assert len(projects) == len(disclosure.projects), "two projects with the same seq"
    return projects


def report(problems: list[str], what: str) -> None:
    assert not problems, f"{what}: seed and model disagree:\n" + "\n".join(problems)


SEED_KEYS = list(SEED_FILES)


# ---------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("key", SEED_KEYS)
def test_seed_parse_matches_hand_count(seeds, key):
    """Guards the parsers: they find what was counted by hand."""
    doc = seeds[key]
    assert (doc.department_code, doc.year) == EXPECTED[key]
    assert len(doc.projects) == SEED_FILES[key][1]
    if doc.projects[0].indicators is not None:
        assert [len(p.indicators) for p in doc.projects] == HAND_INDICATOR_ROWS[key]


@pytest.mark.parametrize("key", SEED_KEYS)
def test_department_year_and_number_of_projects(sample_build, seeds, key):
    doc = seeds[key]
    department, disclosure = model_of(sample_build[0].site, doc)
    assert department.name == doc.department_name
    assert len(disclosure.projects) == len(doc.projects)
    assert sorted(p.seq for p in disclosure.projects) == [p.seq for p in doc.projects]
    assert [p.seq for p in disclosure.projects] == [p.seq for p in doc.projects], "projects not in published order"


@pytest.mark.parametrize("key", SEED_KEYS)
def test_each_project_code_name_and_budget(sample_build, seeds, key):
    doc = seeds[key]
    _, disclosure = model_of(sample_build[0].site, doc)
    projects = by_seq(disclosure)
    problems = []
    for sp in doc.projects:
        mp = projects.get(sp.seq)
        if mp is None:
            problems.append(f"{key} project {sp.seq}: missing in the model")
            continue
        budget = "" if mp.budget is None else str(mp.budget)
        for what, seed_value, model_value in (
            ("项目编码", sp.code, mp.code or ""),
            ("项目名称", sp.name, mp.name),
            ("预算数", sp.budget, budget),
        ):
            if seed_value != model_value:
                problems.append(f"{key} project {sp.seq} ({sp.name}) {what}: seed {seed_value!r}, model {model_value!r}")
        if mp.budget is not None and Decimal(sp.budget) != mp.budget:
            problems.append(f"{key} project {sp.seq} 预算数: seed {sp.budget}, model {mp.budget}")
    report(problems, key)


@pytest.mark.parametrize("key", SEED_KEYS)
def test_each_project_funds_and_unit(sample_build, seeds, key):
    doc = seeds[key]
    _, disclosure = model_of(sample_build[0].site, doc)
    projects = by_seq(disclosure)
    problems = []
    for sp in doc.projects:
        mp = projects[sp.seq]
        fiscal = "" if mp.fiscal_funds is None else str(mp.fiscal_funds)
        other = "" if mp.other_funds is None else str(mp.other_funds)
        if (sp.fiscal_funds, sp.other_funds) != (fiscal, other):
            problems.append(f"{key} project {sp.seq} 财政资金/其他资金: seed {(sp.fiscal_funds, sp.other_funds)}, model {(fiscal, other)}")
        if sp.unit is not None and sp.unit != mp.unit:
            problems.append(f"{key} project {sp.seq} 单位: seed {sp.unit!r}, model {mp.unit!r}")
    report(problems, key)


@pytest.mark.parametrize("key", SEED_KEYS)
def test_sum_of_project_budgets(sample_build, seeds, key):
    doc = seeds[key]
    _, disclosure = model_of(sample_build[0].site, doc)
    seed_sum = sum((Decimal(p.budget) for p in doc.projects), Decimal(0))
    assert disclosure.project_total == seed_sum
    if key == "zhangjiakou":
        assert seed_sum == Decimal("509.64")
        assert doc.project_spending == "509.64"
        assert seed_sum == Decimal(doc.project_spending), "the project tables do not add up to 项目支出"


@pytest.mark.parametrize("key", ["tangshan", "tianjin"])
def test_indicator_rows_and_values(sample_build, seeds, key):
    doc = seeds[key]
    _, disclosure = model_of(sample_build[0].site, doc)
    projects = by_seq(disclosure)
    problems = []
    checked = 0
    for sp in doc.projects:
        mp = projects[sp.seq]
        if len(sp.indicators) != len(mp.indicators):
            problems.append(f"{key} project {sp.seq} ({sp.name}): {len(sp.indicators)} indicator rows in the seed, {len(mp.indicators)} in the model")
        for row, (si, mi) in enumerate(zip(sp.indicators, mp.indicators), start=1):
            checked += 1
            if si.value != mi.value:
                problems.append(f"{key} project {sp.seq} row {row} ({si.name}) 指标值: seed {si.value!r}, model {mi.value!r}")
    report(problems, key)
    assert checked == sum(HAND_INDICATOR_ROWS[key])


@pytest.mark.parametrize("key", ["tangshan", "tianjin"])
def test_indicator_levels_names_descriptions_and_basis(sample_build, seeds, key):
    doc = seeds[key]
    _, disclosure = model_of(sample_build[0].site, doc)
    projects = by_seq(disclosure)
    problems = []
    for sp in doc.projects:
        for row, (si, mi) in enumerate(zip(sp.indicators, projects[sp.seq].indicators), start=1):
            for what, seed_value, model_value in (
                ("一级指标", si.level1, mi.level1),
                ("二级指标", si.level2, mi.level2),
                ("三级指标", si.name, mi.name),
                ("绩效指标描述", si.description, mi.description),
                ("指标值确定依据", si.basis or "", mi.basis or ""),
            ):
                if seed_value != model_value:
                    problems.append(f"{key} project {sp.seq} row {row} {what}: seed {seed_value!r}, model {model_value!r}")
    report(problems, key)


@pytest.mark.parametrize("key", SEED_KEYS)
def test_each_project_spending_plan(sample_build, seeds, key):
    doc = seeds[key]
    _, disclosure = model_of(sample_build[0].site, doc)
    projects = by_seq(disclosure)
    problems = []
    for sp in doc.projects:
        model_plan = [point.text for point in projects[sp.seq].spending_plan]
        seed_plan = sp.spending_plan if sp.spending_plan and any(sp.spending_plan) else []
        if model_plan and not any(model_plan):
            model_plan = []
        if seed_plan != model_plan:
            problems.append(f"{key} project {sp.seq} 资金支出计划 (3/6/10/12月底): seed {seed_plan}, model {model_plan}")
    report(problems, key)


@pytest.mark.parametrize("key", ["tangshan", "tianjin"])
def test_each_project_purpose_and_goals(sample_build, seeds, key):
    doc = seeds[key]
    _, disclosure = model_of(sample_build[0].site, doc)
    projects = by_seq(disclosure)
    problems = []
    for sp in doc.projects:
        mp = projects[sp.seq]
        if sp.purpose != mp.purpose:
            problems.append(f"{key} project {sp.seq} 资金用途: seed {sp.purpose!r}, model {mp.purpose!r}")
        if sp.goals != list(mp.goals):
            problems.append(f"{key} project {sp.seq} 绩效目标: seed {sp.goals}, model {list(mp.goals)}")
    report(problems, key)


def test_zhangjiakou_indicators_as_far_as_the_pdf_text_allows(sample_build, seeds):
    """Weaker checks for the PDF seed, whose indicator rows cannot be cut into cells robustly.

    The number of rows is the number of lines carrying a 二级指标 category in their first two
    cells; and every 三级指标 name and 指标值 of the model must occur in that project's part of
    the seed text (white space ignored, as the PDF extraction wraps and spaces words freely).
    Neither proves the order or which row a value belongs to.
    """
    doc = seeds["zhangjiakou"]
    _, disclosure = model_of(sample_build[0].site, doc)
    projects = by_seq(disclosure)
    sections = pdf_project_sections(read_seed(SEED_FILES["zhangjiakou"][0]).splitlines())
    assert len(sections) == len(doc.projects)
    problems = []
    counted = []
    for seq, section in enumerate(sections, start=1):
        rows = [line for line in section if LEVEL2 & {cell.strip() for cell in line.split("\t")[:2]}]
        counted.append(len(rows))
        mp = projects[seq]
        if len(rows) != len(mp.indicators):
            problems.append(f"zhangjiakou project {seq}: {len(rows)} indicator rows in the seed, {len(mp.indicators)} in the model")
        squeezed = re.sub(r"\s+", "", "\n".join(section))
        for row, indicator in enumerate(mp.indicators, start=1):
            for what, text in (("三级指标", indicator.name), ("指标值", indicator.value)):
                if re.sub(r"\s+", "", text) not in squeezed:
                    problems.append(f"zhangjiakou project {seq} row {row} {what} {text!r}: not in the seed's table")
    report(problems, "zhangjiakou")
    assert counted == HAND_INDICATOR_ROWS["zhangjiakou"]
