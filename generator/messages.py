"""The tool's own messages (diagnostics, progress, summaries), Chinese first.

Each message is a key in `generator/strings/messages/<language>.yaml` with `str.format`
fields; `zh-CN` is the default and the fallback for a key another language lacks. The
language is chosen once per process by the command line (`--lang`, or `LANG`).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import yaml

MESSAGES_DIR = Path(__file__).parent / "strings" / "messages"
DEFAULT_LANGUAGE = "zh-CN"
_language = DEFAULT_LANGUAGE


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    """English when the locale says English (LANG=en_US.UTF-8), otherwise Chinese."""
    env = os.environ if environ is None else environ
    locale = env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG") or ""
    return "en" if locale.lower().startswith("en") else DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    global _language
    if language not in available_languages():
        raise ValueError(f"no messages for language {language!r}")
    _language = language


def current_language() -> str:
    return _language


def available_languages() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in MESSAGES_DIR.glob("*.yaml")))


@cache
def _catalog(language: str) -> dict[str, str]:
    path = MESSAGES_DIR / f"{language}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}


def message(key: str, /, **params: object) -> str:
    """The message `key` in the current language, its `{fields}` filled from params."""
    template = _catalog(_language).get(key) or _catalog(DEFAULT_LANGUAGE).get(key)
    if template is None:
        raise KeyError(f"no message {key!r} in {MESSAGES_DIR}")
    return template.format(**params)


def translated(table: dict[str, str], text: str) -> str:
    """A foreign library's phrase in the current language, where `table` maps it to a key;
    any other phrase as it was written."""
    key = table.get(text)
    return message(key) if key else text
