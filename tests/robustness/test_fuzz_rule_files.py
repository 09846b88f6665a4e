"""Rule files as a fuzzing pass mutated them: each mistake a CalendarError naming the file
and the line, never another exception or a message in Python's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import assert_bad_input, cli

MINI = (Path(__file__).resolve().parents[1] / "fixtures" / "mini-calendar.yaml").read_text(
    encoding="utf-8")
AGES = '- ages: {min: "2 months", earliest_rec: "3 months", max: "2 years"}'


@pytest.mark.parametrize("tagged", ["!!omap [a: 1]", "!!pairs [a: 1]", "!!set {a, b}",
                                    "!!binary aGVsbG8=", "!<tag:yaml.org,2002:omap> [a: 1]"])
def test_a_yaml_collection_tag_in_a_rule_file_is_refused_with_its_line(
    tmp_path: Path, tagged: str
) -> None:
    # !!omap made a list of Python tuples: "expected a mapping, got tuple", with no line
    assert AGES in MINI
    text = MINI.replace(AGES, f"- ages: {tagged}", 1)
    line = next(n for n, x in enumerate(text.splitlines(), 1) if tagged in x)
    f = tmp_path / "cal.yaml"
    f.write_text(text, encoding="utf-8")
    r = cli("validate", str(f))
    assert_bad_input(r, f"cal.yaml:{line}:", "tag")
    assert "tuple" not in r.err


@pytest.mark.parametrize(("line_text", "broken", "started"), [
    # a missing space after the colon
    ("    title: DTP\n", '    title:"DTP"\n', "while scanning a simple key"),
    # an unclosed bracket
    ("    targets: [diphtheria, tetanus, poliomyelitis]\n",
     "    targets: [diphtheria, tetanus, poliomyelitis\n", "while parsing a flow sequence"),
])
def test_a_yaml_syntax_error_names_the_line_where_the_mistake_starts(
    tmp_path: Path, line_text: str, broken: str, started: str
) -> None:
    # the parser's line is the one after the mistake ("could not find expected ':'" on the
    # next key): the message also names the line where the faulty value starts
    assert line_text in MINI
    text = MINI.replace(line_text, broken, 1)
    line = text.splitlines().index(broken.rstrip("\n")) + 1
    f = tmp_path / "cal.yaml"
    f.write_text(text, encoding="utf-8")
    r = cli("validate", str(f))
    assert_bad_input(r, "cal.yaml:", f"{started}, line {line}")
