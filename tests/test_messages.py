"""The tool's messages: every key in both catalogues, every key the code uses exists, the
language chosen by --lang or LANG, and the diagnostics' shape the same in both."""

from __future__ import annotations

import json
import re
import string

import pytest
import yaml
from conftest import ROOT, tiny_content

from generator import argparse_text, drafts, yamlsource
from generator.checks import indicator_kinds
from generator.cli import choose_language, main
from generator.messages import MESSAGES_DIR, language_from_environment, message, set_language

GENERATOR = ROOT / "generator"


def catalogue(language: str) -> dict[str, str]:
    return yaml.safe_load((MESSAGES_DIR / f"{language}.yaml").read_text(encoding="utf-8"))


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_is_in_both_catalogues_with_the_same_fields():
    zh, en = catalogue("zh-CN"), catalogue("en")
    assert zh and set(zh) == set(en)
    for key in zh:
        assert fields(zh[key]) == fields(en[key]), key
        assert zh[key].strip() or key in ("todo.separator", "yaml.phrase-join"), key
        for template in (zh[key], en[key]):
            template.format(**{name: 1 for name in fields(template)})  # no stray brace


def keys_used_in_the_code() -> set[str]:
    found = set()
    for source in GENERATOR.rglob("*.py"):
        if source.name == "messages.py":
            continue  # the catalogue itself
        text = source.read_text(encoding="utf-8")
        found |= set(re.findall(r'\bmessage\(\s*"([^"]+)"', text))
        if source.parent.name == "importer":
            # An import's problems carry their key and are worded when reported (report.py).
            found |= set(re.findall(r'"(importer\.[a-z0-9.-]+)"', text))
            text = text.replace("message(self.key", "")
        # a key never comes from a variable, apart from the tables below
        assert not re.search(r"\bmessage\(\s*(?!\")[a-z_]", text.replace("message(label)", "").replace("message(key)", "")), source
    tables = (argparse_text.MSGIDS, drafts.TODO_LABELS, yamlsource.YAML_PHRASES, indicator_kinds.KIND_LABELS)
    return found | {key for table in tables for key in table.values()} | {drafts.BLANK_FIGURE}


def test_every_key_the_code_uses_exists_and_every_key_is_used():
    used = keys_used_in_the_code()
    known = set(catalogue("zh-CN"))
    assert len(used) > 100
    assert used - known == set()
    assert known - used == set()


def test_a_missing_key_is_an_error_not_a_silent_blank():
    with pytest.raises(KeyError):
        message("no.such-key")


@pytest.mark.parametrize("environ, language", [
    ({}, "zh-CN"),
    ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
    ({"LANG": "C.UTF-8"}, "zh-CN"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh-CN"),
])
def test_the_locale_chooses_the_language(environ, language):
    assert language_from_environment(environ) == language
    assert choose_language(["check"], environ) == language


def test_lang_option_wins_over_the_locale():
    english = {"LANG": "en_US.UTF-8"}
    assert choose_language(["--lang", "zh-CN", "check"], english) == "zh-CN"
    assert choose_language(["check", "--lang=zh-CN"], english) == "zh-CN"
    assert choose_language(["check", "--lang", "en"], {}) == "en"


@pytest.fixture
def broken_site(make_site):
    files = tiny_content()
    files["content/departments/100/2025/projects/P001.yaml"]["budget"] = "12,5"
    return make_site(files)


def test_check_speaks_chinese_by_default_and_english_when_asked(broken_site, capsys, monkeypatch):
    path = "content/departments/100/2025/projects/P001.yaml:4:9"
    assert main(["check", "--source", str(broken_site)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: 错误: 应为数字" in out and "（字段 budget） [schema.number]" in out
    assert out.endswith("1 个错误，0 个警告\n")

    assert main(["check", "--lang", "en", "--source", str(broken_site)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: error: expected a number" in out and " (at budget) [schema.number]" in out
    assert out.endswith("1 error(s), 0 warning(s)\n")

    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert main(["check", "--source", str(broken_site)]) == 1
    assert ": error: expected a number" in capsys.readouterr().out
    assert main(["--lang", "zh-CN", "check", "--source", str(broken_site)]) == 1
    assert ": 错误: 应为数字" in capsys.readouterr().out


def test_json_stays_machine_readable_in_chinese(broken_site, capsys):
    assert main(["check", "--format", "json", "--source", str(broken_site)]) == 1
    data = json.loads(capsys.readouterr().out)
    (item,) = data["diagnostics"]
    assert item["severity"] == "error" and item["rule"] == "schema.number" and item["field"] == "budget"
    assert item["message"].startswith("应为数字")
    assert (data["errors"], data["warnings"]) == (1, 0)


def test_help_and_argparse_errors_in_both_languages(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：disclose") and "显示本帮助并退出" in out and "检查内容并生成网站" in out
    with pytest.raises(SystemExit):
        main(["build", "--help", "--lang", "en"])
    out = capsys.readouterr().out
    assert out.startswith("usage: disclose build") and "show this help message and exit" in out and "treat warnings as errors" in out
    with pytest.raises(SystemExit):
        main(["chek"])
    assert "disclose：错误：参数 command：无效的选择：'chek'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--lang", "en", "chek"])
    assert "disclose: error: argument command: invalid choice: 'chek'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--lang", "fr", "check"])
    assert "无效的选择：'fr'" in capsys.readouterr().err


def test_argparse_is_left_as_it_was():
    import argparse

    before = argparse._
    with pytest.raises(SystemExit):
        main(["--lang", "en", "chek"])
    assert argparse._ is before


def test_set_language_refuses_an_unknown_language():
    with pytest.raises(ValueError):
        set_language("fr")


def test_the_yaml_parsers_phrases_in_both_languages():
    from generator.yamlsource import YamlSyntaxError, parse

    with pytest.raises(YamlSyntaxError) as caught:
        parse("a: [1, 2\nb: 3\n")
    assert caught.value.message == "在 [...] 列表中，找不到应有的“,”或“]”"
    set_language("en")
    with pytest.raises(YamlSyntaxError) as caught:
        parse("a: [1, 2\nb: 3\n")
    assert caught.value.message == "while parsing a flow sequence did not find expected ',' or ']'"


@pytest.mark.parametrize("lang, expected", [("en_US.UTF-8", "1 error(s), 0 warning(s)"), ("zh_CN.UTF-8", "1 个错误，0 个警告")])
def test_a_real_process_follows_lang(broken_site, lang, expected):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")} | {"LANG": lang}
    done = subprocess.run([sys.executable, "-m", "generator", "check", "--source", str(broken_site)],
                          capture_output=True, text=True, encoding="utf-8", env=env)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == expected
