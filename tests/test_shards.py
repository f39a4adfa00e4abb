"""`build --shard K/N` and `build --merge DIR...`: the slices joined are, byte for byte, the
whole build; a merge refuses slices it cannot trust and leaves the output as it was."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT

from generator.build import build
from generator.cli import main
from generator.shards import SHARD_FILE, Ownership, Shard, merge_slices
from generator.writer import OutputError


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / "site"
    build(ROOT, out)
    return tree(out)


@pytest.fixture(scope="module")
def slices(tmp_path_factory):
    """The sample in 2 and in 4 slices (4 > its 3 departments: one slice has none)."""
    base = tmp_path_factory.mktemp("slices")
    made = {}
    for count in (2, 4):
        made[count] = []
        for number in range(1, count + 1):
            folder = base / f"{count}-{number}"
            build(ROOT, folder, shard=Shard(number, count))
            made[count].append(folder)
    return made


@pytest.mark.parametrize("count", [2, 4])
def test_the_slices_merged_are_the_whole_build(count, slices, whole, tmp_path):
    merge_slices(slices[count], tmp_path / "merged")
    merged = tree(tmp_path / "merged")
    assert merged.keys() == whole.keys()
    assert [path for path in merged if merged[path] != whole[path]] == []


def test_slices_of_a_site_without_precompressed_copies_merge_into_its_whole_build(tmp_path):
    """The merge makes the compressed copies again only for a site that has them: the
    slices' record says which."""
    root = tmp_path / "portal"
    shutil.copytree(ROOT / "content", root / "content")
    (root / "site.yaml").write_text((ROOT / "site.yaml").read_text(encoding="utf-8") + "precompress: false\n", encoding="utf-8")
    build(root, tmp_path / "whole")
    for number in (1, 2):
        build(root, tmp_path / f"s{number}", shard=Shard(number, 2))
    merge_slices([tmp_path / "s1", tmp_path / "s2"], tmp_path / "merged")
    merged = tree(tmp_path / "merged")
    assert merged == tree(tmp_path / "whole")
    assert not [path for path in merged if path.endswith((".gz", ".br"))]


def test_every_file_is_made_by_exactly_one_slice(slices, whole):
    made: dict[str, int] = {}
    for folder in slices[2]:
        for path in tree(folder):
            if path not in (SHARD_FILE, ".disclose-build"):
                made[path] = made.get(path, 0) + 1
    assert set(made) == set(whole) - {".disclose-build"}
    assert {path for path, times in made.items() if times > 1} == set()
    second = tree(slices[2][1])
    assert any(path.startswith("departments/") for path in second)
    assert not any(path.startswith(("search/", "assets/")) or path == "index.html" for path in second)  # site-wide: slice 1


def test_departments_are_divided_in_order_and_completely():
    class Dept:
        def __init__(self, ref):
            self.ref = ref

    class Site:
        departments = [Dept(str(n)) for n in range(7)]

    owned = [Ownership(Site(), Shard(k, 3)).refs for k in (1, 2, 3)]  # type: ignore[arg-type]
    assert owned == [{"0", "1", "2"}, {"3", "4"}, {"5", "6"}]
    part = Ownership(Site(), Shard(2, 3))  # type: ignore[arg-type]
    assert part.owns("departments/3/2025/index.html") and not part.owns("departments/0/index.html")
    assert not part.owns("index.html") and not part.owns("departments/index.html")


@pytest.mark.parametrize("text", ["0/2", "3/2", "2", "a/b", "1/0", "１/２", "-1/2", "1/2/3"])
def test_a_shard_spec_is_k_of_n(text):
    with pytest.raises(ValueError):
        Shard.parse(text)


def _output_with_a_site(tmp_path, slices):
    out = tmp_path / "out"
    merge_slices(slices[2], out)
    return out, tree(out)


def test_a_missing_or_repeated_slice_is_refused_and_the_output_kept(slices, tmp_path):
    out, before = _output_with_a_site(tmp_path, slices)
    for chosen in ([slices[2][0]], [slices[2][0], slices[2][0]], [slices[2][0], slices[4][1]], slices[4][:3]):
        with pytest.raises(OutputError):
            merge_slices(chosen, out)
        assert tree(out) == before


def test_slices_of_other_sources_are_refused(slices, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns("_site", ".disclose-cache", ".git", "node_modules", "tests"))
    page = next((project / "content").rglob("projects/*.yaml"))
    page.write_text(page.read_text(encoding="utf-8").replace("\nname: ", "\nname: 改", 1), encoding="utf-8")
    build(project, tmp_path / "edited-2", shard=Shard(2, 2))
    with pytest.raises(OutputError, match="同一份源文件"):
        merge_slices([slices[2][0], tmp_path / "edited-2"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_file_changed_in_a_slice_is_refused(slices, tmp_path):
    copy = tmp_path / "slice-2"
    shutil.copytree(slices[2][1], copy)
    page = next(copy.rglob("projects/*/index.html"))
    page.write_bytes(page.read_bytes().replace("预算".encode(), "预箅".encode(), 1))
    with pytest.raises(OutputError, match="清单"):
        merge_slices([slices[2][0], copy], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_folder_that_is_not_a_slice_is_refused(slices, tmp_path):
    plain = tmp_path / "plain"
    build(ROOT, plain)
    with pytest.raises(OutputError, match="分片"):
        merge_slices([slices[2][0], plain], tmp_path / "out")


def test_the_command_line_builds_slices_and_merges_them(whole, tmp_path, capsys):
    for number in (1, 2):
        assert main(["build", "--source", str(ROOT), "--output", str(tmp_path / f"s{number}"), "--shard", f"{number}/2", "-q"]) == 0
    assert main(["build", "--source", str(ROOT), "--output", str(tmp_path / "site"), "--merge", str(tmp_path / "s1"), str(tmp_path / "s2")]) == 0
    assert tree(tmp_path / "site") == whole
    assert "已合并 2 个分片" in capsys.readouterr().out
    assert main(["build", "--source", str(ROOT), "--output", str(tmp_path / "x"), "--shard", "3/2"]) == 2
    assert "--shard 应为 K/N" in capsys.readouterr().err
    assert main(["build", "--source", str(ROOT), "--output", str(tmp_path / "x"), "--shard", "1/2", "--merge", str(tmp_path / "s1")]) == 2
    assert main(["build", "--source", str(ROOT), "--output", str(tmp_path / "s1" / "inside"), "--merge", str(tmp_path / "s1"), str(tmp_path / "s2")]) == 1
