"""Fuzz the loader and the checker: whatever an editor saves, `disclose check` answers with
diagnostics, never with a traceback.

Every input goes into one file of a small, otherwise valid portal (one department, one
year, every kind of file), and the whole portal is loaded with `load_site`, as `disclose
check` does. Every test then asserts that

- load_site returned (no exception), and the report formats as text and as JSON;
- every diagnostic has a rule id, a message, and a location in a file that exists (or,
  for the rules that name a file to be written, such as complete.table-missing, inside
  the portal), with a line no further than the end of that file;
- where the input is known to be invalid (not YAML, not UTF-8, empty, not a mapping, an
  unknown or missing key, a wrong type), there is an error in that very file.

Hypothesis runs derandomized (the same examples on every run) with about 200 examples
per test; the truncations, wrong types and huge values are enumerated, not sampled.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, tiny_content, write_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import load_site
from generator.diagnostics import Report, Severity
from generator.yamlsource import Mapping, YamlSyntaxError, parse

YEAR = "content/departments/100/2025"
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

# Rules whose location is the file the editor has to write: it does not exist (yet).
FILE_TO_WRITE = {
    "complete.table-missing",
    "complete.section-missing",
    "content.missing-department",
    "content.missing-disclosure",
    "site.missing",
}
RULE_ID = re.compile(r"[a-z][a-z-]*\.[a-z][a-z0-9-]*")


def base_files() -> dict:
    """The tiny site of conftest, with one file of every other kind added."""
    files = tiny_content()
    files[f"{YEAR}/explanation.yaml"] = {
        "title": "测试部门2025年部门预算情况说明",
        "preamble": "现将测试部门 2025 年部门预算公开如下：",
        "sections": [
            {"id": "budget_overview", "title": "一、总体情况", "body": "按照预算管理有关规定编制。\n\n### 1、收入说明\n\n无。\n"},
            {"id": "three_public", "title": "二、“三公”经费", "body": "“三公”经费预算安排0.56万元。\n"},
        ],
    }
    files[f"{YEAR}/goals.yaml"] = {
        "overall": "完成测试。",
        "items": [{"title": "1、部门管理", "goal": "职责明确。", "indicator": "职责设定符合规定。"}],
        "measures": ["1、加强制度建设。"],
    }
    files[f"{YEAR}/glossary.yaml"] = {"terms": [{"term": "财政拨款收入", "definition": "指本级财政当年拨付的资金。"}]}
    files[f"{YEAR}/acknowledgements.yaml"] = {"acknowledgements": []}
    return files


# role -> (path in the base site, allowed top-level keys, required top-level keys)
ROLES = {
    "site": ("site.yaml", ("title", "authority", "base_url", "language", "theme", "contact", "footer", "checks"), ("title", "base_url")),
    "department": ("content/departments/100/department.yaml", ("name", "region", "units", "duties", "organization"), ("name",)),
    "disclosure": (f"{YEAR}/disclosure.yaml", ("title", "scope", "source"), ("title", "scope")),
    "table": (f"{YEAR}/tables/three_public.yaml", ("note", "rows"), ()),
    "table-new": (f"{YEAR}/tables/income_summary.yaml", ("note", "rows"), ()),
    "assets": (f"{YEAR}/tables/assets.yaml", ("note", "rows", "as_of"), ()),
    "explanation": (f"{YEAR}/explanation.yaml", ("title", "preamble", "sections"), ()),
    "goals": (f"{YEAR}/goals.yaml", ("overall", "items", "measures"), ()),
    "glossary": (f"{YEAR}/glossary.yaml", ("terms",), ()),
    "acknowledgements": (f"{YEAR}/acknowledgements.yaml", ("acknowledgements",), ()),
    "project": (f"{YEAR}/projects/P001.yaml",
                ("seq", "code", "name", "unit", "budget", "fiscal_funds", "other_funds", "purpose", "spending_plan", "goals", "indicators"),
                ("seq", "name")),
}


class Portal:
    """The base site on disk; `check(…)` puts data into one file, loads, checks, restores."""

    def __init__(self, root: Path):
        self.root = root
        for relative, data in base_files().items():
            write_yaml(root / relative, data)
        self.originals = {path: (root / path).read_bytes() if (root / path).exists() else None for path, _, _ in ROLES.values()}

    def load(self, role: str, data: str | bytes, then=None) -> Report:
        """Load the portal with `data` as the file of `role`; call `then(report)` while the
        file is still in place; restore the file."""
        path = ROLES[role][0]
        file = self.root / path
        file.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        try:
            report = Report()
            load_site(self.root, report)  # the assertion: this returns, whatever the file holds
            if then is not None:
                then(report)
            return report
        finally:
            original = self.originals[path]
            if original is None:
                file.unlink()
            else:
                file.write_bytes(original)


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Portal:
    made = Portal(tmp_path_factory.mktemp("fuzz") / "site")
    assert made.load("project", made.originals[ROLES["project"][0]]).diagnostics == []
    return made


# --- what every report must satisfy ------------------------------------------------------


def assert_well_formed(portal: Portal, report: Report, role: str, data: str | bytes) -> None:
    json.loads(report.format_json())
    report.format_text()
    for d in report.diagnostics:
        shown = d.format()
        assert RULE_ID.fullmatch(d.rule), shown
        assert d.message.strip() and isinstance(d.severity, Severity), shown
        path = d.location.path
        assert path and not path.startswith(("/", "..")) and "\\" not in path, shown
        assert d.location.line >= 0 and d.location.column >= 0, shown
        if d.rule in FILE_TO_WRITE:
            assert (portal.root / path).resolve().is_relative_to(portal.root.resolve()), shown
            continue
        file = portal.root / path
        assert file.is_file(), f"diagnostic names a file that does not exist: {shown}"
        if d.location.line:
            text = data if path == ROLES[role][0] else file.read_bytes()
            text = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text
            assert d.location.line <= len(text.splitlines()) + 1, shown


def errors_in(report: Report, role: str) -> list:
    return [d for d in report.errors if d.location.path == ROLES[role][0]]


def assert_invalid_is_reported(report: Report, role: str, data: str | bytes) -> None:
    """The oracle: what is certainly wrong with the file must be reported in that file."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            assert any(d.rule == "yaml.encoding" for d in errors_in(report, role)), report.format_text()
            return
    try:
        tree = parse(data)
    except YamlSyntaxError:
        assert any(d.rule == "yaml.syntax" for d in errors_in(report, role)), report.format_text()
        return
    if not isinstance(tree, Mapping):
        assert any(d.rule in ("schema.empty", "schema.type") for d in errors_in(report, role)), report.format_text()
        return
    _, allowed, required = ROLES[role]
    found = {(d.rule, d.field) for d in errors_in(report, role)}
    for key in tree.values:
        if key not in allowed:
            assert ("schema.unknown-key", key) in found, report.format_text()
    for key in required:
        value = tree.get(key)
        if value is None or getattr(value, "is_null", False):
            assert ("schema.required", key) in found, report.format_text()


def check(portal: Portal, role: str, data: str | bytes) -> Report:
    def then(report: Report) -> None:
        assert_well_formed(portal, report, role, data)
        assert_invalid_is_reported(report, role, data)

    return portal.load(role, data, then)


# --- random text and random YAML ---------------------------------------------------------

roles = st.sampled_from(sorted(ROLES))
YAMLISH = "abcxyz019.:-[]{}#&*!|>'\"%@`,? \n\t\r~中文万元%≥≤"
texts = st.one_of(st.text(max_size=400), st.text(alphabet=YAMLISH, max_size=400))
ALL_KEYS = sorted({key for _, allowed, _ in ROLES.values() for key in allowed}
                  | {"level1", "level2", "value", "basis", "description", "id", "body", "term", "definition",
                     "rule", "file", "field", "found", "reason", "march", "june", "october", "december",
                     "code", "total", "general_budget", "income_item", "income", "tolerance", "required_tables"})
keys = st.one_of(st.sampled_from(ALL_KEYS), st.text(min_size=1, max_size=12))
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
    st.sampled_from(["1290.10", "0.00", "-0", "1e999", "9" * 400, "≥90%", "2025.12.31", "~", "null", "100%", "空表列示", "XX"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4), max_leaves=10)
documents = st.one_of(st.dictionaries(keys, values, max_size=6), values)


def dump(data) -> str:
    """yaml.safe_dump, with libyaml's emitter where there is one (it is much faster)."""
    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True, sort_keys=False)


@FUZZ
@given(role=roles, text=texts)
def test_random_text_in_any_file(portal, role, text):
    check(portal, role, text)


@FUZZ
@given(role=roles, data=documents)
def test_random_yaml_in_any_file(portal, role, data):
    check(portal, role, dump(data))


@FUZZ
@given(role=roles, data=st.binary(max_size=200))
def test_random_bytes_in_any_file(portal, role, data):
    check(portal, role, data)


def _paths(data, prefix=()):
    """Every path (tuple of keys and indexes) inside nested dicts and lists."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, prefix + (index,))


def _replace(data, path, value):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {k: (_replace(v, rest, value) if k == head else v) for k, v in data.items()}
    return [(_replace(v, rest, value) if i == head else v) for i, v in enumerate(data)]


def _role_data(role: str):
    """The base site's data for a role (a one-row table for the roles it has no file for)."""
    return base_files().get(ROLES[role][0], {"rows": [{"name": "合计", "total": "1.00"}]})


@FUZZ
@given(data=st.data())
def test_random_value_at_any_field_of_any_file(portal, data):
    role = data.draw(st.sampled_from(sorted(ROLES)))
    original = _role_data(role)
    path = data.draw(st.sampled_from(list(_paths(original))))
    check(portal, role, dump(_replace(original, path, data.draw(values))))


# Values that pass the schema, so that the budget rules run on them too.
figures = st.one_of(
    st.from_regex(r"-?[0-9]{1,7}(\.[0-9]{1,2})?", fullmatch=True),
    st.from_regex(r"(≥|≤|<|>|=|不低于|不超过)? ?[0-9]{1,5}(\.[0-9]{1,2})? ?(%|％|万元|万|元|次|百分比|个工作日)?", fullmatch=True),
    st.from_regex(r"20[0-9]{2} ?(年|\.|/|-) ?[0-9]{1,2} ?(月|\.|/|-) ?([0-9]{1,2}日?)?(底|前)?", fullmatch=True),
    st.from_regex(r"20[0-9]{2}年[0-9]{1,2}月(至|-)(20[0-9]{2}年)?[0-9]{1,2}月", fullmatch=True),
    st.sampled_from(["", "XX", "【单位】", "{单位名称}", "空表列示", "合计", "“三公”经费小计", "二、公务用车购置及运维费",
                     "预算收入1.00万元", "基本支出 0.56 万元", "公务接待费为9.99万元", "2030 年", "产出指标", "成本指标"]),
    st.text(max_size=40),
)


def _scalar_paths(data, prefix=()):
    for path in _paths(data, prefix):
        value = data
        for part in path:
            value = value[part]
        if isinstance(value, str):
            yield path


@FUZZ
@given(data=st.data())
def test_random_figures_at_any_scalar_reach_the_checks(portal, data):
    role = data.draw(st.sampled_from(sorted(ROLES)))
    original = _role_data(role)
    paths = list(_scalar_paths(original))
    if paths:
        path = data.draw(st.sampled_from(paths))
        check(portal, role, dump(_replace(original, path, data.draw(figures))))


# --- truncated real files ----------------------------------------------------------------

SAMPLE = "content/departments/731/2025"
TRUNCATED = {
    "site": "site.yaml",
    "department": "content/departments/731/department.yaml",
    "disclosure": f"{SAMPLE}/disclosure.yaml",
    "table-new": f"{SAMPLE}/tables/income_summary.yaml",
    "assets": f"{SAMPLE}/tables/assets.yaml",
    "explanation": f"{SAMPLE}/explanation.yaml",
    "goals": f"{SAMPLE}/goals.yaml",
    "glossary": f"{SAMPLE}/glossary.yaml",
    "acknowledgements": f"{SAMPLE}/acknowledgements.yaml",
    "project": "content/departments/405001/2026/projects/13020026P008888100041.yaml",
}


def cut_points(data: bytes, most: int = 80) -> list[int]:
    """About `most` cuts: half of them at line ends (strided), half at a stride of byte
    offsets (most of those inside a line, many inside a character)."""
    ends = [i for i, byte in enumerate(data) if byte == 0x0A]
    ends = ends[:: max(1, len(ends) // (most // 2))]
    return sorted(set(ends) | set(range(0, len(data), max(1, len(data) // (most // 2)))))


@pytest.mark.parametrize("role", sorted(TRUNCATED))
def test_real_files_truncated_at_every_cut_point(portal, role):
    data = (ROOT / TRUNCATED[role]).read_bytes()
    for cut in cut_points(data) + [len(data)]:
        check(portal, role, data[:cut])


# --- wrong types at each field of a project file -----------------------------------------

A_LIST, A_MAPPING = ["一", "二"], {"a": "b"}
PROJECT_FIELDS = {
    # field path: wrong values (each certainly wrong there)
    ("seq",): [A_LIST, A_MAPPING, "一", "1.5", "-1", "9" * 5000],
    ("code",): [A_LIST, A_MAPPING],
    ("name",): [A_LIST, A_MAPPING],
    ("budget",): [A_LIST, A_MAPPING, "十元", "1e999", "1,290.10", "NaN", "Infinity", ".5"],
    ("fiscal_funds",): [A_LIST, A_MAPPING, "10.00万元"],
    ("purpose",): [A_LIST, A_MAPPING],
    ("spending_plan",): ["50%", A_LIST],
    ("spending_plan", "june"): [A_LIST, A_MAPPING],
    ("goals",): ["1.完成测试。", A_MAPPING],
    ("goals", 0): [A_LIST, A_MAPPING],
    ("indicators",): ["产出指标", A_MAPPING],
    ("indicators", 0): ["产出指标", A_LIST],
    ("indicators", 0, "level1"): [A_LIST, A_MAPPING],
    ("indicators", 0, "level2"): [A_LIST, A_MAPPING],
    ("indicators", 0, "name"): [A_LIST, A_MAPPING],
    ("indicators", 0, "value"): [A_LIST, A_MAPPING],
}
WRONG = [(path, value) for path, wrong in PROJECT_FIELDS.items() for value in wrong]


def _field_name(path) -> str:
    name = ""
    for part in path:
        name = f"{name}[{part}]" if isinstance(part, int) else (f"{name}.{part}" if name else part)
    return name


@pytest.mark.parametrize("path, value", WRONG, ids=[f"{_field_name(p)}={str(v)[:12]}" for p, v in WRONG])
def test_wrong_type_at_each_project_field(portal, path, value):
    project = base_files()[ROLES["project"][0]]
    report = check(portal, "project", dump(_replace(project, path, value)))
    field = _field_name(path)
    found = [d for d in errors_in(report, "project") if d.field == field or d.field.startswith((field + ".", field + "["))]
    assert found, report.format_text()
    assert all(d.location.line > 0 for d in found), report.format_text()


# --- huge and odd values -----------------------------------------------------------------

HUGE = [
    ("project", "budget", "9" * 5000, None),
    ("project", "budget", "-" + "9" * 5000, None),
    ("project", "budget", "1e999", "schema.number"),
    ("project", "budget", "-0", None),
    ("project", "seq", "9" * 5000, "schema.integer"),
    ("project", "purpose", "长" * 100_000, None),
    ("project", "name", "X" * 100_000, None),
    ("site", "checks", {"tolerance": "9" * 5000}, None),
    ("site", "checks", {"tolerance": "-0"}, None),
    ("site", "checks", {"required_tables": ["three_public"] * 2000}, None),
]


@pytest.mark.parametrize("role, key, value, rule", HUGE, ids=[f"{r}.{k}-{str(v)[:10]}" for r, k, v, _ in HUGE])
def test_huge_values(portal, role, key, value, rule):
    data = dict(base_files()[ROLES[role][0]], **{key: value})
    report = check(portal, role, dump(data))
    if rule:
        assert [d.rule for d in errors_in(report, role)] == [rule], report.format_text()


HUGE_TABLE_ROWS = dump({"rows": [{"name": "合计", "total": "9" * 5000, "general_budget": "1e3"}]
                        + [{"code": "205", "name": "教", "total": "-0"}] * 3000})
DEEP = "rows: " + "[" * 50_000 + "]" * 50_000 + "\n"
DEEP_BLOCK = "rows:\n" + "".join(" " * i + "- \n" for i in range(0, 400, 2))
ALIASES = "note: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"n{i}: &n{i} [{', '.join([f'*n{i - 1}' if i > 1 else '*a'] * 10)}]\n" for i in range(1, 10)
)


@pytest.mark.parametrize(
    "role, text, rule",
    [
        ("table", HUGE_TABLE_ROWS, None),
        ("table", DEEP, "yaml.syntax"),
        ("project", "goals: " + "{a: " * 20_000 + "}" * 20_000 + "\n", "yaml.syntax"),
        ("table", DEEP_BLOCK, "yaml.syntax"),
        ("table", ALIASES, "schema.unknown-key"),
        ("explanation", "sections:\n" + "  - {id: other, title: t}\n" * 500, "schema.duplicate"),
    ],
    ids=["many-rows-huge-cells", "deep-flow", "deep-flow-mapping", "deep-block", "alias-bomb", "many-sections"],
)
def test_huge_documents(portal, role, text, rule):
    report = check(portal, role, text)
    if rule:
        assert rule in {d.rule for d in errors_in(report, role)}, report.format_text()


# --- digits that are not ASCII -----------------------------------------------------------

foreign_digits = st.characters(whitelist_categories=("Nd",)).filter(lambda c: not "0" <= c <= "9")
MONEY_FIELDS = [("project", ("budget",)), ("project", ("fiscal_funds",)), ("table", ("rows", 0, "total")),
                ("table", ("rows", 2, "general_budget"))]


@FUZZ
@given(data=st.data())
def test_a_figure_with_any_non_ascii_digit_is_an_error_at_that_file(portal, data):
    role, path = data.draw(st.sampled_from(MONEY_FIELDS))
    digits = data.draw(st.lists(st.one_of(foreign_digits, st.sampled_from("0123456789")), min_size=1, max_size=6)
                       .filter(lambda ds: any(not "0" <= d <= "9" for d in ds)))
    figure = "".join(digits[:3]) + ("." + "".join(digits[3:]) if len(digits) > 3 else "")
    original = _role_data(role)
    report = check(portal, role, dump(_replace(original, path, figure)))
    assert "schema.non-ascii-digit" in [d.rule for d in errors_in(report, role)], report.format_text()


# --- links -------------------------------------------------------------------------------

SECRET = "secret-outside-the-project"


@FUZZ
@given(role=st.sampled_from(sorted(set(ROLES) - {"site"})), kind=st.sampled_from(["outside", "loop", "dangling", "inside"]))
def test_a_link_in_place_of_any_file(portal, tmp_path_factory, role, kind):
    outside = tmp_path_factory.getbasetemp() / "outside.yaml"
    outside.write_text(f"name: {SECRET}\ntitle: {SECRET}\n", encoding="utf-8")
    path = portal.root / ROLES[role][0]
    original = path.read_bytes() if path.exists() else None
    inside = portal.root / "inside-copy.yaml"
    inside.write_bytes(original or b"rows: []\n")
    if path.exists() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    target = {"outside": outside, "loop": path, "dangling": portal.root / "nowhere.yaml", "inside": inside}[kind]
    path.symlink_to(target)
    try:
        report = Report()
        load_site(portal.root, report)
        said = report.format_text() + report.format_json()
        assert SECRET not in said
        expected = {"outside": "link.outside", "loop": "link.loop", "dangling": "link.dangling"}.get(kind)
        rules = [(d.rule, d.location.path) for d in report.errors]
        if expected:
            assert (expected, ROLES[role][0]) in rules, said
        else:
            assert not [r for r in rules if r[0].startswith("link.")], said
    finally:
        path.unlink()
        inside.unlink()
        if original is not None:
            path.write_bytes(original)


# --- crafted manifests -------------------------------------------------------------------

manifest_paths = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["../victim.txt", "/etc/passwd", "a/../../victim.txt", "./index.html", "a//b", "..", ".",
                     "victim.txt/..", "C:\\victim", "index.html", "assets/site.css", "x/" * 30 + "y"]),
    st.lists(st.sampled_from(["..", ".", "", "a", "index.html", "ü", "\x00"]), min_size=1, max_size=5).map("/".join),
)
manifest_lines = st.tuples(st.one_of(st.just("0" * 40), st.text("0123456789abcdefABCDEF", min_size=39, max_size=41)),
                           st.one_of(st.just("7"), st.text("0123456789-x ", max_size=4)), manifest_paths)


@FUZZ
@given(lines=st.lists(manifest_lines, min_size=1, max_size=4))
def test_a_crafted_manifest_never_reaches_outside_the_output(tmp_path_factory, lines):
    from generator.writer import MARKER, MARKER_TEXT_2, OutputError, OutputWriter, valid_output_path

    base = tmp_path_factory.mktemp("manifest")
    victim = base / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    output = base / "out"
    first = OutputWriter(output)
    first.add("index.html", b"<p>home</p>")
    first.add("assets/site.css", b"body{}")
    first.commit()
    marker = output / MARKER
    crafted = "".join(f"{digest} {size} {path}\n" for digest, size, path in lines)
    marker.write_bytes(marker.read_bytes() + crafted.encode("utf-8", errors="surrogatepass"))
    try:
        writer = OutputWriter(output)
    except OutputError:
        assert marker.read_bytes().startswith(MARKER_TEXT_2)  # refused, and nothing touched
    else:
        assert all(valid_output_path(p) for p in [*writer.reusable, *writer.unverified])
        writer.add("index.html", b"<p>new home</p>")
        writer.commit()
    assert victim.read_text(encoding="utf-8") == "keep"
    # beside the output nothing but the victim and, after a second commit, the replaced site (the back buffer)
    assert sorted(p.name for p in base.iterdir()) in (["out", "victim.txt"], [".out.back", "out", "victim.txt"])
