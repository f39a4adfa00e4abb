"""argparse's own words (usage:, options, error: …) from the tool's message catalogue.

argparse looks each of its phrases up through its module-level `_` (gettext) when it
formats help or an error; while a command line is parsed, `_` answers from
generator/strings/messages instead, and afterwards it is put back.
"""

from __future__ import annotations

import argparse
import contextlib

from generator.messages import translated

# argparse's English phrase → the key of the same phrase in the catalogues.
MSGIDS = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positional",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "the following arguments are required: %s": "argparse.required",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid-choice",
    "invalid %(type)s value: %(value)r": "argparse.invalid-value",
    "expected one argument": "argparse.expected-one",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
}


def translate(text: str) -> str:
    return translated(MSGIDS, text)


@contextlib.contextmanager
def localized():
    """argparse speaks the current language inside the block."""
    before = argparse._
    argparse._ = translate
    try:
        yield
    finally:
        argparse._ = before
