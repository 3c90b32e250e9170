"""The position-keeping YAML reader: values, marks, and everything it refuses."""

from __future__ import annotations

import math

import pytest

from backroutine.core.errors import MAX_PROBLEMS
from backroutine.core.yamldoc import INVALID, MAX_DEPTH, MAX_NODES, Map, Seq, field_path, read


def test_values_and_marks() -> None:
    doc = read("name: Walk\nsteps:\n  - {hold: 30, sets: 2}\n  - 'x'\n")
    assert not doc.problems
    root = doc.root
    assert isinstance(root, Map)
    assert root.key_marks["steps"] == (2, 1)
    assert root.value_marks["name"] == (1, 7)
    steps = root["steps"]
    assert isinstance(steps, Seq)
    assert steps.marks == [(3, 5), (4, 5)]
    assert steps[0] == {"hold": 30, "sets": 2}
    assert steps[0].value_marks["sets"] == (3, 22)
    assert steps[1] == "x"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1", 1),
        ("-3", -3),
        ("0x1f", 31),
        ("0o17", 15),
        ("1.5", 1.5),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        # YAML 1.2 core schema, like editors: these stay text
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("2-1-2", "2-1-2"),
        ("30s", "30s"),
        ("'5'", "5"),
        ('"true"', "true"),
    ],
)
def test_scalar_resolution(text: str, value: object) -> None:
    doc = read(f"k: {text}\n")
    assert doc.root["k"] == value
    assert type(doc.root["k"]) is type(value)


def test_special_floats() -> None:
    doc = read("a: .inf\nb: -.inf\nc: .nan\n")
    assert doc.root["a"] == math.inf and doc.root["b"] == -math.inf
    assert math.isnan(doc.root["c"])


def test_duplicate_keys_are_refused_at_the_second() -> None:
    doc = read("a: 1\nb: 2\na: 3\n")
    (problem,) = doc.problems
    assert problem.mark == (3, 1)
    assert 'duplicate key "a"' in problem.message and "line 1" in problem.message
    assert doc.root["a"] == 1  # the first one is kept; the file is refused anyway


def test_anchor_and_alias_are_refused_and_never_expanded() -> None:
    doc = read("a: &x [1, 2]\nb: *x\n")
    assert [p.mark for p in doc.problems] == [(1, 4), (2, 4)]
    assert "anchors" in doc.problems[0].message
    assert "aliases" in doc.problems[1].message
    assert doc.root["b"] is INVALID


def test_billion_laughs_is_cheap() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}] " for i in range(1, 30)]
    doc = read("\n".join(lines) + "\n")
    # each anchor and alias found, nothing expanded; the first 20 described, the rest counted
    assert len(doc.problems) == MAX_PROBLEMS and doc.more == 30 + 29 - MAX_PROBLEMS


@pytest.mark.parametrize("tag", ["!!python/object:os.system", "!!str", "!custom", "!!int"])
def test_tags_are_refused(tag: str) -> None:
    doc = read(f"a: {tag} 5\n")
    (problem,) = doc.problems
    assert problem.mark == (1, 4)
    assert "tags" in problem.message
    assert doc.root["a"] is INVALID


def test_deep_nesting_is_refused_without_recursion() -> None:
    doc = read("[" * 100_000 + "]" * 100_000)
    assert doc.fatal
    assert f"more than {MAX_DEPTH} levels" in doc.problems[0].message


def test_deep_block_nesting_is_refused() -> None:
    doc = read("- " * 5000 + "x\n")
    assert doc.fatal and "levels" in doc.problems[0].message


def test_syntax_error_has_a_position() -> None:
    doc = read("name: Walk\nsteps: [a, b\n")
    assert doc.fatal
    (problem,) = doc.problems
    assert problem.mark[0] == 3  # libyaml notices at the end of the file
    assert "not valid YAML" in problem.message


def test_second_document_is_refused() -> None:
    doc = read("a: 1\n---\nb: 2\n")
    assert doc.fatal and doc.problems[0].mark == (2, 1)


def test_complex_keys_are_refused() -> None:
    doc = read("? [a, b]\n: 1\nc: 2\n")
    assert doc.problems[0].mark == (1, 3)
    assert "plain text" in doc.problems[0].message
    assert doc.root == {"c": 2}


def test_empty_document() -> None:
    doc = read("# only a comment\n")
    assert doc.root is None and not doc.problems


def test_an_alias_as_the_whole_document() -> None:
    doc = read("*a\n")
    assert doc.root is INVALID
    assert "aliases" in doc.problems[0].message and doc.problems[0].mark == (1, 1)


@pytest.mark.parametrize(
    ("text", "mark", "path", "message"),
    [
        (
            'a: "x\\e]0;t\\a"\n',
            (1, 6),
            "a",
            "contains a control character U+001B (ESC) at character 2",
        ),
        (
            "a: [ok, 'b\u202e']\n",
            (1, 11),
            "a[1]",
            "contains a control character U+202E at character 2",
        ),
        ('a:\n  "k\\x9b": 1\n', (2, 5), "a", "a key contains a control character U+009B (CSI)"),
        ('a: "one\\\n  two\\e"\n', (2, 6), "a", "U+001B (ESC) at character 7"),
        ('a: "\\\\e \\u2066"\n', (1, 9), "a", "U+2066 at character 4"),  # \\e is a backslash and e
    ],
)
def test_control_characters_are_refused_where_they_are_written(
    text: str, mark: tuple[int, int], path: str, message: str
) -> None:
    doc = read(text)
    (problem,) = doc.problems
    assert (problem.mark, problem.path) == (mark, path)
    assert message in problem.message and problem.message.endswith("; remove it")
    assert not doc.fatal


def test_a_refused_value_is_invalid_not_kept() -> None:
    doc = read('a: "\\e[2J"\nb: fine\n')
    assert doc.root["a"] is INVALID and doc.root["b"] == "fine"


def test_tab_and_newline_are_text() -> None:
    doc = read('a: "x\\ty\\nz"\n')
    assert not doc.problems and doc.root["a"] == "x\ty\nz"


def test_keys_in_field_paths_and_messages_are_short_and_escaped() -> None:
    # Only names are quoted in a path: anything else may be text from another file.
    assert field_path("steps[0]", "k" * 100) == "steps[0].(a key that is not a name)"
    assert field_path("", "a\x1bb") == "(a key that is not a name)"
    assert field_path("steps[0]", "hold") == "steps[0].hold"
    doc = read(f"{'d' * 100}: 1\n{'d' * 100}: 2\n")
    (problem,) = doc.problems
    assert problem.message.startswith('duplicate key "' + "d" * 40 + '…" (first given on line 1)')


def test_a_long_tag_is_quoted_short() -> None:
    doc = read(f"a: !{'t' * 500} 5\n")
    (problem,) = doc.problems
    assert "t" * 61 not in problem.message and "…" in problem.message


def test_huge_numbers_stay_text() -> None:
    doc = read("a: " + "9" * 5000 + "\nb: 0x" + "f" * 5000 + "\nc: 12\n")
    assert doc.root["a"] == "9" * 5000 and doc.root["b"] == "0x" + "f" * 5000
    assert doc.root["c"] == 12


def test_too_many_values_stop_the_reading() -> None:
    doc = read("[" + "1, " * MAX_NODES + "1]\n")
    assert doc.fatal
    (problem,) = doc.problems
    assert problem.mark == (1, 1) and f"more than {MAX_NODES}" in problem.message
    assert not read("[" + "1, " * (MAX_NODES - 2) + "1]\n").problems  # the list is a value too
