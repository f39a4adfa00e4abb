"""How much of the sample's content/ `disclose import` reproduces from the seed texts.

Each seed text is imported into an empty portal (so department.yaml is made from the
document too) and every field of every file is compared with the sample's transcription
of the same department-year. Prints the share of fields identical and every difference
with its reason; a difference without a known reason is printed as UNEXPLAINED.

    PYTHONPATH=$PWD python tests/import_fidelity.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.importer import import_document  # noqa: E402
from generator.importer.emit import normalised  # noqa: E402
from generator.yamlsource import parse, plain  # noqa: E402

SEEDS = (
    ("tangshan-kexie-2026.txt", "405001", "2026"),
    ("zhangjiakou-kexie-2025.txt", "731", "2025"),
    ("tianjin-kexie-2022.txt", "569301", "2022"),
)

# (file, field) -> why the import and the sample differ. Only what the document itself
# does not settle: a title it does not print, words the transcriber chose.
REASONS = {
    ("disclosure.yaml", "title"): "the document prints no title: the import leaves a marked blank (`title: ~  # 待填`); the sample's title was composed by its transcriber",
    ("disclosure.yaml", "source"): "the sample describes its source in words; the import names the file it read",
    ("department.yaml", "region"): "the document does not name the region: the import leaves a marked blank; the sample's region was added by its transcriber",
    ("explanation.yaml", "sections[10].body"): "the document prints 我部门无其他需要说明的事项。 under 十一; the sample leaves the sentence out",
}
UNIT_CODE = "the document's 单位 line carries the unit's code ({have}); the sample's list of units drops it"


def reason(key: tuple[str, str], want, have) -> str:
    if key[0] == "department.yaml" and key[1].startswith("units[") and want and have and have.endswith(want) and have[: -len(want)].isdigit():
        return UNIT_CODE.format(have=have)
    return REASONS.get(key, "UNEXPLAINED")
NOT_IN_DOCUMENT = {"acknowledgements.yaml"}  # the editor's notes on known errors, not the document's


def flatten(data, prefix: str = ""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from flatten(value, f"{prefix}.{key}" if prefix else key)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from flatten(value, f"{prefix}[{i}]")
    else:
        yield prefix, data


def _fields(folder: Path, dept: str, year: str) -> dict[tuple[str, str], str]:
    fields: dict[tuple[str, str], str] = {}
    files = [folder / dept / "department.yaml"] + sorted((folder / dept / year).rglob("*.yaml"))
    for path in files:
        rel = "department.yaml" if path.name == "department.yaml" and path.parent.name == dept else str(path.relative_to(folder / dept / year))
        if rel in NOT_IN_DOCUMENT or not path.is_file():
            continue
        for field, value in flatten(normalised(plain(parse(path.read_text(encoding="utf-8"))))):
            fields[(rel, field)] = value
    return fields


def compare(seed: str | Path, dept: str, year: str) -> dict:
    site = Path(tempfile.mkdtemp(prefix="fidelity-"))
    try:
        shutil.copy(ROOT / "site.yaml", site / "site.yaml")
        outcome = import_document(ROOT / "tests" / "seeds" / seed, site, dept, year)  # an absolute seed stays
        assert outcome.ok, [p.text() for p in outcome.imported.errors]
        got = _fields(site / "content" / "departments", dept, year)
    finally:
        shutil.rmtree(site, ignore_errors=True)
    expected = _fields(ROOT / "content" / "departments", dept, year)
    keys = sorted(expected.keys() | got.keys())
    differences = [
        (key, expected.get(key), got.get(key), reason(key, expected.get(key), got.get(key)))
        for key in keys
        if expected.get(key) != got.get(key)
    ]
    skipped = [p for p in outcome.imported.problems if p.severity != "error"]
    return {"fields": len(keys), "identical": len(keys) - len(differences), "differences": differences, "listed": skipped}


def main() -> int:
    worst = 1.0
    for seed, dept, year in SEEDS:
        result = compare(seed, dept, year)
        share = result["identical"] / result["fields"]
        worst = min(worst, share)
        print(f"{seed}: {result['identical']}/{result['fields']} fields identical ({share:.2%}); "
              f"{len(result['listed'])} source lines/cells listed as skipped or blank in the report")
        for (file, field), want, have, why in result["differences"]:
            print(f"  {file} {field}: sample {want!r:.60} / import {have!r:.60}\n      {why}")
    print(f"lowest share: {worst:.2%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
