"""Read YAML text into a small tree that remembers where every value stood.

Every scalar is kept as text (YAML's implicit typing is off: `1290.10` is not a float,
`205` is not an integer, `no` is not false); the schema decides what a field means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import yaml

from generator.messages import message, translated

_Base: type
try:  # the C parser is much faster; the pure-Python one gives the same tree
    _Base = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Base = yaml.BaseLoader

_DEFAULT_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _Loader(_Base):
    """Every node gets its kind's default tag: no implicit typing, and no resolver work
    per node (the composer asks once for every value of every file)."""

    def resolve(self, kind, value, implicit):
        return _DEFAULT_TAGS[kind]

_NULL_WORDS = {"", "~", "null", "Null", "NULL"}


class Mark(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True, slots=True)
class Scalar:
    text: str
    mark: Mark
    quoted: bool = False

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.text in _NULL_WORDS


@dataclass(frozen=True, slots=True)
class Sequence:
    items: tuple
    mark: Mark


@dataclass(frozen=True, slots=True)
class Mapping:
    values: dict  # str -> node, in document order
    key_marks: dict  # str -> Mark of the key
    mark: Mark

    def get(self, key, default=None):
        return self.values.get(key, default)


Node = Scalar | Sequence | Mapping


class YamlSyntaxError(Exception):
    def __init__(self, message: str, mark: Mark):
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.path: object = ""  # the file, where the caller knows it


def _mark(yaml_mark) -> Mark:
    return Mark(yaml_mark.line + 1, yaml_mark.column + 1)


_QUOTED = frozenset(("'", '"', "|", ">"))


# Content files nest four or five levels; the limit only keeps a pathological file (say
# 50,000 '[' in a row) from overflowing the C stack of the recursive composer.
MAX_DEPTH = 100
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


_DEEP_LINE = re.compile(r"^[ \t?:-]{" + str(MAX_DEPTH) + "}", re.M)


def _may_be_deep(text: str) -> bool:
    """Cheap test: could anything nest deeper than MAX_DEPTH? (Flow nesting needs brackets,
    block nesting needs a long run of indentation or dashes at the start of a line.)"""
    return text.count("[") + text.count("{") > MAX_DEPTH or bool(_DEEP_LINE.search(text))


def _check_depth(text: str) -> None:
    """Raise YamlSyntaxError at the first value nested deeper than MAX_DEPTH.

    The event parser works without recursion, so it can look before the composer does.
    A parser error is left for the composer to report (it meets the same error with the
    same message); every event before it was within the limit, so the composer stops in
    time.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlSyntaxError(message("yaml.too-deep", depth=MAX_DEPTH), _mark(event.start_mark))
            elif isinstance(event, _CLOSE):
                depth -= 1
    except yaml.YAMLError:
        return


def position_mark(text: str, position: int) -> Mark:
    """The line and column of a character offset in text."""
    line_start = text.rfind("\n", 0, position) + 1
    return Mark(text.count("\n", 0, position) + 1, position - line_start + 1)


# The YAML parser's phrases an editor meets most, by the key of the same words in the
# message catalogues; any other phrase is shown as the parser wrote it.
YAML_PHRASES = {
    "mapping values are not allowed in this context": "yaml.phrase.mapping-values",
    "mapping values are not allowed here": "yaml.phrase.mapping-values",
    "while parsing a flow sequence": "yaml.phrase.flow-sequence",
    "while parsing a flow mapping": "yaml.phrase.flow-mapping",
    "while parsing a block collection": "yaml.phrase.block-collection",
    "while parsing a block mapping": "yaml.phrase.block-mapping",
    "did not find expected ',' or ']'": "yaml.phrase.expected-bracket",
    "did not find expected ',' or '}'": "yaml.phrase.expected-brace",
    "did not find expected '-' indicator": "yaml.phrase.expected-dash",
    "did not find expected key": "yaml.phrase.expected-key",
    "while scanning a quoted scalar": "yaml.phrase.quoted",
    "while scanning a plain scalar": "yaml.phrase.plain",
    "while scanning a simple key": "yaml.phrase.simple-key",
    "could not find expected ':'": "yaml.phrase.expected-colon",
    "found unexpected end of stream": "yaml.phrase.end-of-stream",
    "found a tab character that violates indentation": "yaml.phrase.tab",
    "while scanning for the next token": "yaml.phrase.next-token",
    "found character that cannot start any token": "yaml.phrase.bad-character",
    "expected a single document in the stream": "yaml.phrase.single-document",
    "but found another document": "yaml.phrase.another-document",
}


def _phrase(text: str) -> str:
    return translated(YAML_PHRASES, text)


def parse(text: str) -> Node | None:
    """Parse one YAML document; None for an empty file. Raises YamlSyntaxError."""
    try:
        if _may_be_deep(text):
            _check_depth(text)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        text = message("yaml.phrase-join").join(_phrase(part) for part in (exc.context, exc.problem) if part)
        raise YamlSyntaxError(text or message("yaml.invalid"), _mark(mark) if mark else Mark(1, 1)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. NUL
        # libyaml counts bytes: find the character again to report its line and column.
        found = yaml.reader.Reader.NON_PRINTABLE.search(text)
        position = found.start() if found else exc.position
        raise YamlSyntaxError(
            f"character U+{ord(text[position]):04X} is not allowed in YAML: remove it",
            position_mark(text, position),
        ) from None
    except yaml.YAMLError as exc:  # e.g. a second document in the stream
        raise YamlSyntaxError(str(exc).splitlines()[0], Mark(1, 1)) from None
    return None if root is None else _convert(root, {})


def _convert(node, done: dict) -> Node:
    """The node as our tree. An alias (*name) is the very node its anchor composed, so it
    is converted once and shared: a file of nested aliases cannot blow up in size."""
    if id(node) in done:
        return done[id(node)]
    mark = _mark(node.start_mark)
    converted: Node
    if isinstance(node, yaml.ScalarNode):
        converted = Scalar(node.value, mark, quoted=node.style in _QUOTED)
    elif isinstance(node, yaml.SequenceNode):
        converted = Sequence(tuple(_convert(item, done) for item in node.value), mark)
    else:
        values: dict = {}
        key_marks: dict = {}
        for key_node, value_node in node.value:
            key_mark = _mark(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlSyntaxError(message("yaml.key-not-text"), key_mark)
            key = key_node.value
            if key in values:
                first = key_marks[key]
                raise YamlSyntaxError(
                    message("yaml.duplicate-key", key=key, line=first.line), key_mark
                )
            values[key] = _convert(value_node, done)
            key_marks[key] = key_mark
        converted = Mapping(values, key_marks, mark)
    done[id(node)] = converted
    return converted


def plain(node: Node | None):
    """The node as plain Python data (dict / list / str / None), for tests and tools."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        return None if node.is_null else node.text
    if isinstance(node, Sequence):
        return [plain(item) for item in node.items]
    return {key: plain(value) for key, value in node.values.items()}
