"""The options every site generator user expects: --base-url and --config on build, check
and serve (serve's in test_serve.py); -q and -v on every command; and `disclose init`."""

from __future__ import annotations

import pytest
from conftest import ROOT

from generator.cli import main
from generator.portal_init import STARTER, starter_files


@pytest.fixture
def site(make_site):
    return make_site()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """The command, in English (these tests read its words; test_messages covers Chinese)."""
    capsys.readouterr()
    status = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def index(output) -> str:
    return (output / "index.html").read_text(encoding="utf-8")


# --- --base-url


def test_build_base_url_publishes_under_another_address(site, tmp_path, capsys):
    output = tmp_path / "out"
    status, _, err = run(capsys, "build", "--source", str(site), "--output", str(output), "--base-url", "https://staging.example.org/preview")
    assert status == 0, err
    page = index(output)
    assert 'href="/preview/departments/100/' in page and "/portal/" not in page
    # site.yaml is unchanged: the next build without the option publishes at its base_url again
    assert run(capsys, "build", "--source", str(site), "--output", str(output))[0] == 0
    assert 'href="/portal/departments/100/' in index(output) and "/preview/" not in index(output)


def test_build_base_url_may_be_a_path(site, tmp_path, capsys):
    output = tmp_path / "out"
    assert run(capsys, "build", "--source", str(site), "--output", str(output), "--base-url", "/")[0] == 0
    assert 'href="/departments/100/' in index(output)


@pytest.mark.parametrize("command", ["build", "check", "serve"])
@pytest.mark.parametrize("bad", ["//evil.example/", "evil.example/x/", "javascript:alert(1)", "https:///x/", "ftp://host/"])
def test_a_base_url_that_is_not_http_or_a_path_is_refused(site, capsys, monkeypatch, command, bad):
    import generator.serve

    monkeypatch.setattr(generator.serve, "serve", lambda *args, **kwargs: 0)  # never start serving here
    with pytest.raises(SystemExit) as stopped:
        main([command, "--source", str(site), "--base-url", bad])
    assert stopped.value.code == 2
    assert "--base-url" in capsys.readouterr().err


def test_check_base_url_is_shown_with_verbose(site, capsys):
    status, out, _ = run(capsys, "check", "--source", str(site), "--base-url", "https://staging.example.org/preview/", "-v")
    assert status == 0 and "https://staging.example.org/preview/" in out


# --- --config


def write_config(path, title="试运行门户", extra="") -> None:
    path.write_text(f"title: {title}\nauthority: 测试财政局\nbase_url: https://example.org/trial/\n{extra}", encoding="utf-8")


def test_build_config_reads_another_settings_file(site, tmp_path, capsys):
    config = tmp_path / "staging.yaml"
    write_config(config)
    output = tmp_path / "out"
    status, _, err = run(capsys, "build", "--source", str(site), "--output", str(output), "--config", str(config))
    assert status == 0, err
    assert "试运行门户" in index(output) and 'href="/trial/' in index(output) and "测试门户" not in index(output)
    # an edit of the --config file is a change: the next build is not "nothing changed"
    write_config(config, "试运行门户二")
    assert run(capsys, "build", "--source", str(site), "--output", str(output), "--config", str(config))[0] == 0
    assert "试运行门户二" in index(output)


def test_check_config_reports_problems_at_that_file(site, tmp_path, capsys):
    config = site / "staging.yaml"
    write_config(config, extra="colour: blue\n")
    status, out, _ = run(capsys, "check", "--source", str(site), "--config", str(config))
    assert status == 1
    assert out.startswith("staging.yaml:4:1: error") and "colour" in out
    status, out, _ = run(capsys, "check", "--source", str(site))  # site.yaml itself is fine
    assert status == 0


def test_a_config_file_that_does_not_exist_is_refused(site, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["build", "--source", str(site), "--config", str(site / "nope.yaml")])
    assert stopped.value.code == 2 and "nope.yaml" in capsys.readouterr().err


# --- -q and -v


def test_build_quiet_and_verbose(site, tmp_path, capsys):
    status, out, _ = run(capsys, "build", "--source", str(site), "--output", str(tmp_path / "a"), "-q")
    assert status == 0 and out == ""
    status, out, _ = run(capsys, "-q", "build", "--source", str(site), "--output", str(tmp_path / "b"))
    assert status == 0 and out == ""  # before the command as well
    status, out, _ = run(capsys, "build", "--source", str(site), "--output", str(tmp_path / "c"), "-v")
    assert status == 0 and "built" in out and "pages rendered" in out  # the timings


def test_check_quiet_and_verbose(site, capsys):
    status, out, err = run(capsys, "check", "--source", str(site), "-q")
    assert (status, out, err) == (0, "", "")
    status, out, _ = run(capsys, "check", "--source", str(site), "--verbose")
    assert status == 0 and "0 error(s)" in out and "1 " in out.splitlines()[-1]


def test_search_quiet_and_verbose(site, capsys):
    status, out, err = run(capsys, "search", "示例项目", "--source", str(site), "-v")
    assert status == 0 and "示例项目" in out and "result(s)" in err and "whoosh" in err  # the index was built
    status, out, err = run(capsys, "search", "示例项目", "--source", str(site), "-q")
    assert status == 0 and "示例项目" in out and err == ""


def test_new_quiet_and_verbose(site, capsys):
    status, out, _ = run(capsys, "new", "department", "200", "第二部门", "--source", str(site), "-q")
    assert status == 0 and out == "" and (site / "content/departments/200/department.yaml").is_file()
    status, out, _ = run(capsys, "new", "year", "100", "2026", "--source", str(site), "-v")
    assert status == 0 and "created content/departments/100/2026/disclosure.yaml" in out


def test_quiet_and_verbose_together_are_refused(site, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--source", str(site), "-q", "-v"])
    assert stopped.value.code == 2


# --- disclose new outside a portal


def test_new_department_in_a_folder_without_site_yaml_is_refused(tmp_path, capsys):
    status, out, err = run(capsys, "new", "department", "100", "测试部门", "--source", str(tmp_path))
    assert status == 1 and "site.yaml" in err and "disclose init" in err
    assert list(tmp_path.iterdir()) == []


def test_new_year_in_a_folder_without_site_yaml_is_refused(tmp_path, capsys):
    (tmp_path / "content/departments/100").mkdir(parents=True)
    status, _, err = run(capsys, "new", "year", "100", "2026", "--source", str(tmp_path))
    assert status == 1 and "site.yaml" in err


# --- disclose init


def test_init_starts_a_portal_that_passes_check_and_builds(tmp_path, capsys):
    target = tmp_path / "new-portal"
    status, out, _ = run(capsys, "init", str(target))
    assert status == 0 and "disclose serve --open" in out
    names = {p.relative_to(target).as_posix() for p in target.rglob("*")}
    assert {"site.yaml", ".gitignore", "编辑指南.md", "templates", "templates/README.md",
            "content/departments/569301/department.yaml", "content/departments/569301/2022/disclosure.yaml"} <= names
    assert set((target / ".gitignore").read_text(encoding="utf-8").split()) >= {"_site/", ".disclose-cache/"}
    assert "#" in (target / "site.yaml").read_text(encoding="utf-8")  # commented
    status, out, _ = run(capsys, "check", "--source", str(target), "--strict")
    assert status == 0 and out.startswith("0 error(s), 0 warning(s)")
    assert run(capsys, "build", "--source", str(target))[0] == 0
    assert (target / "_site/departments/569301/2022/index.html").is_file()


def test_the_example_department_is_the_sample_portals_own(tmp_path):
    """Taken from a real seed, never invented: byte for byte the sample portal's files."""
    example = STARTER / "content" / "departments" / "569301"
    files = sorted(p for p in example.rglob("*") if p.is_file())
    sample = ROOT / "content/departments/569301"
    assert [p.relative_to(example) for p in files] == sorted(p.relative_to(sample) for p in sample.rglob("*") if p.is_file())
    for path in files:
        assert path.read_bytes() == (ROOT / "content/departments/569301" / path.relative_to(example)).read_bytes(), path


def test_init_in_the_current_folder_and_verbose_lists_every_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # a fresh `git init` still counts as empty
    status, out, _ = run(capsys, "init", "-v")
    assert status == 0
    assert out.count("created ") == len(starter_files()) and "created .gitignore" in out
    assert (tmp_path / "site.yaml").is_file()


def test_init_quiet_prints_nothing(tmp_path, capsys):
    assert run(capsys, "init", str(tmp_path / "p"), "-q")[1] == ""


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    status, out, err = run(capsys, "init", str(tmp_path))
    assert status == 1 and "notes.txt" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_refuses_a_file(tmp_path, capsys):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert run(capsys, "init", str(tmp_path / "file"))[0] == 1
