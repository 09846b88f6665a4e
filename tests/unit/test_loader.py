"""Rule-file errors name the file, the line, the item and the field, with a suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from prevention_engine import CalendarError, Engine

HEADER = """calendar: t
version: "1"
in_force: {from: 2020-01-01}
source: {title: t, url: "https://example.org"}
items:
"""

ITEM = """  - id: menb
    domain: vaccination
    title: M
    targets: [meningococcus_b]
    source: {title: t, url: "https://example.org"}
    series:
      - name: s
        doses:
          - ages: {min: "2 months"}
"""


def load(tmp_path: Path, text: str) -> Engine:
    f = tmp_path / "cal.yaml"
    f.write_text(text, encoding="utf-8")
    return Engine.from_paths([f])


def test_valid_file_loads(tmp_path: Path) -> None:
    engine = load(tmp_path, HEADER + ITEM)
    assert [i.id for i in engine.registry.calendars[0].items] == ["menb"]


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "suggestion"),
    [
        ("    domain: vaccination", "    domian: vaccination", 7, "domian", "domain"),
        ("[meningococcus_b]", "[meningococus_b]", 9, "targets", "meningococcus_b"),
        ('{min: "2 months"}', '{mni: "2 months"}', 14, "series[0].doses[0].ages.mni", "min"),
        ('{min: "2 months"}', '{min: "2 moons"}', 14, "series[0].doses[0].ages.min", None),
    ],
)
def test_errors_point_at_the_line(
    tmp_path: Path, old: str, new: str, line: int, field: str, suggestion: str | None
) -> None:
    with pytest.raises(CalendarError) as exc:
        load(tmp_path, HEADER + ITEM.replace(old, new))
    err = exc.value
    assert err.file is not None and err.file.endswith("cal.yaml")
    assert err.line == line
    assert err.item == "menb"
    assert err.field == field
    assert err.suggestion == suggestion


def test_missing_source_is_an_error(tmp_path: Path) -> None:
    text = HEADER + ITEM.replace('    source: {title: t, url: "https://example.org"}\n', "")
    with pytest.raises(CalendarError, match="source"):
        load(tmp_path, text)


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    with pytest.raises(CalendarError) as exc:
        load(tmp_path, HEADER + ITEM + "  - id: [unclosed\n")
    assert exc.value.line is not None


def test_unknown_product_reference_is_caught(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    f = tmp_path / "cal.yaml"
    f.write_text(HEADER + ITEM.replace('ages: {min: "2 months"}',
                                       'ages: {min: "2 months"}\n            products: [Bexero]'))
    with pytest.raises(CalendarError) as exc:
        Engine.from_paths([f, root / "rules" / "products"])
    assert exc.value.suggestion == "Bexsero"


def test_overlapping_versions_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(HEADER + ITEM)
    (tmp_path / "b.yaml").write_text((HEADER + ITEM).replace('version: "1"', 'version: "2"')
                                     .replace("from: 2020-01-01", "from: 2021-01-01"))
    with pytest.raises(CalendarError, match="still in force"):
        Engine.from_paths([tmp_path])
