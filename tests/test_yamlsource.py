import pytest

from generator.messages import set_language
from generator.yamlsource import Mapping, Scalar, YamlSyntaxError, parse, plain


def test_scalars_stay_text_with_their_published_form():
    tree = parse("amount: 1290.10\ncode: 205\nflag: no\nblank:\nzero: 0.00\n")
    assert plain(tree) == {"amount": "1290.10", "code": "205", "flag": "no", "blank": None, "zero": "0.00"}


def test_positions_are_one_based_lines_and_columns():
    tree = parse("a: 1\nrows:\n  - {x: 2}\n")
    assert isinstance(tree, Mapping)
    assert tree.key_marks["rows"].line == 2
    row = tree.values["rows"].items[0]
    assert (row.mark.line, row.mark.column) == (3, 5)
    assert row.values["x"] == Scalar("2", row.values["x"].mark)


def test_quoted_empty_string_is_not_blank():
    assert parse("a: ''\n").values["a"].is_null is False
    assert parse("a: ~\n").values["a"].is_null is True


def test_syntax_error_has_line_and_column():
    with pytest.raises(YamlSyntaxError) as caught:
        parse("a: 1\nrows: [1, 2\nb: 3\n")
    assert caught.value.mark.line == 3


def test_duplicate_key_is_an_error_at_the_second_key():
    with pytest.raises(YamlSyntaxError) as caught:
        parse("name: a\nbudget: 1\nname: b\n")
    assert caught.value.mark.line == 3
    assert "重复的键“name”" in caught.value.message
    set_language("en")
    with pytest.raises(YamlSyntaxError) as caught:
        parse("name: a\nbudget: 1\nname: b\n")
    assert "duplicate key 'name'" in caught.value.message


def test_empty_document_is_none():
    assert parse("") is None
    assert parse("# only a comment\n") is None
