"""benchmarks/bench_scale.py: its arguments, its measuring of one subprocess, the edit it
makes and the table it prints (the benchmark itself is run by hand; nothing times here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_scale  # noqa: E402


def test_arguments():
    args = bench_scale.parse_args(["--pages", "1000", "--runs", "2", "--json", "out.json", "--no-hugo", "--workdir", "w"])
    assert (args.pages, args.runs, args.json, args.no_hugo, args.workdir) == (1000, 2, "out.json", True, "w")
    defaults = bench_scale.parse_args([])
    assert (defaults.pages, defaults.runs, defaults.no_hugo, defaults.workdir) == (1000, 3, False, None)
    with pytest.raises(SystemExit):
        bench_scale.parse_args(["--runs", "0"])


def _measured_from_a_small_process(command: list[str], log: Path) -> dict:
    """measure() run by a fresh interpreter, as the benchmark runs it. A spawned child's
    ru_maxrss starts at its parent's (the kernel counts the memory it shared until exec),
    and this test's parent, pytest, may by now be larger than the figures compared."""
    script = "import json, sys; import bench_scale; print(json.dumps(bench_scale.measure(json.loads(sys.argv[1]), __import__('pathlib').Path(sys.argv[2]), 0)))"
    done = subprocess.run([sys.executable, "-c", script, json.dumps(command), str(log)], capture_output=True, text=True,
                          check=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "benchmarks")))
    return json.loads(done.stdout)


def test_measure_reports_the_child_alone(tmp_path):
    """ru_maxrss is that of the measured process: a child that allocates 200 MiB shows it,
    and the next, small child does not inherit the figure."""
    big = _measured_from_a_small_process([sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096])"],
                                         tmp_path / "big.log")
    small = _measured_from_a_small_process([sys.executable, "-c", "pass"], tmp_path / "small.log")
    assert big["exit"] == small["exit"] == 0
    assert big["peak_rss_mib"] > 200 > small["peak_rss_mib"]
    assert small["seconds"] > 0
    failed = bench_scale.measure([sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"], tmp_path / "f.log", 0)
    assert failed["exit"] == 3 and "boom" in failed["log"]


@pytest.mark.parametrize("line, renamed", [
    ("name: 科普大篷车项目", "name: 科普大篷车项目（修改1）"),
    ('name: "科普: 大篷车"', 'name: "科普: 大篷车（修改1）"'),
])
def test_rename_project_changes_one_line(tmp_path, line, renamed):
    path = tmp_path / "p.yaml"
    path.write_text(f"seq: 1\ncode: X\n{line}\nunit: 某单位\n", encoding="utf-8")
    bench_scale.rename_project(path, "（修改1）")
    assert path.read_text(encoding="utf-8") == f"seq: 1\ncode: X\n{renamed}\nunit: 某单位\n"


def test_rewritten_counts_changed_new_and_removed_files():
    before = {"a": 1, "b": 2, "c": 3}
    assert bench_scale.rewritten(before, dict(before)) == 0
    assert bench_scale.rewritten(before, {"a": 1, "b": 5, "d": 1}) == 3  # b changed, d new, c removed


def test_table_and_summary():
    run = {"seconds": 2.0, "exit": 0, "peak_rss_mib": 300.0, "tree_pss_mib": 400.0, "user_s": 1.5, "sys_s": 0.5,
           "load_1m_before": 1.0}
    size = {"files": 10, "mib": 1.0, "disk_mib": 1.5}
    figures = {
        "runs_per_step": 2,
        "generated": {"pages": 1000, "departments": 13, "projects": 941, "files": 1540, "bytes": 2**20, "seconds": 0.3},
        "machine": {"cpus": 2},
        "runs": {"full": [run]},
        "summary": {"full": bench_scale.summary([run, dict(run, seconds=4.0)]),
                    "hugo": bench_scale.summary([dict(run, seconds=1.0)] * 2),
                    "noop": bench_scale.summary([dict(run, files_rewritten=0, tree_pss_mib=None)])},
        "ratios": [2.0, 4.0], "ratio_median": 3.0,
        "pages": {"expected": 1000, "ours_html": 1000, "hugo_html": 1000},
        "output": {"ours": size, "hugo": size},
        "search": {"static": size, "whoosh": size},
    }
    assert figures["summary"]["full"]["median_s"] == 3.0
    text = bench_scale.table(figures)
    assert "disclose build, clean" in text and "hugo, clean" in text and "median 3.00×" in text
    assert "disclose check" not in text  # a step that did not run has no line


def test_an_old_output_is_moved_aside_not_deleted_before_a_clean_build(tmp_path):
    """Deleting 140,000 files right before a build slows its file creations (ext4 steps
    over recently freed inodes): the bench moves them aside and deletes them at the end."""
    work = tmp_path / "work"
    bench = bench_scale.Bench(work / "portal", work / "twin", work, None, 0)
    for number in range(2):
        bench.output.mkdir(parents=True)
        (bench.output / "index.html").write_text(str(number), encoding="utf-8")
        inode = (bench.output / "index.html").stat().st_ino
        bench_scale.retire(bench.output, bench.retired)
        assert not bench.output.exists()
        assert (bench.retired / str(number) / "index.html").stat().st_ino == inode  # moved, the very file
    bench_scale.retire(work / "absent", bench.retired)  # nothing to move: no error
    assert sorted(path.name for path in bench.retired.iterdir()) == ["0", "1"]
