"""Rule mistakes that would hang or crash evaluation are refused at load time (issue 9).

A zero or negative repeat interval made the booster loop run forever or raise ``ValueError``
mid-evaluation; nested YAML aliases expanded exponentially. Each is now a ``CalendarError``
naming the file and line.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from prevention_engine import CalendarError, Engine

HEADER = """calendar: t
version: "1"
in_force: {from: 2020-01-01}
source: {title: t, url: "https://example.org"}
items:
  - id: dtp
    domain: vaccination
    title: DTP
    targets: [diphtheria]
    source: {title: t, url: "https://example.org"}
    series:
      - name: adult
        doses: []
        boosters:
          at_ages: ["25 years"]
          then_every: "20 years"
"""


def load(tmp_path: Path, text: str) -> Engine:
    f = tmp_path / "cal.yaml"
    f.write_text(text, encoding="utf-8")
    return Engine.from_paths([f])


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ('then_every: "0 days"', "longer than 0 days"),
        ('then_every: "-10 years"', "negative"),
        ('then_every: "1 year - 12 months"', "longer than 0 days"),
        ('then_every: "200 years"', "150 years"),
        ('at_ages: ["-1 years"]', "negative"),
    ],
)
def test_bad_booster_durations_name_file_and_line(tmp_path: Path, bad: str, words: str) -> None:
    key = bad.split(":")[0]
    old = next(line.strip() for line in HEADER.splitlines() if line.strip().startswith(key))
    with pytest.raises(CalendarError) as exc:
        load(tmp_path, HEADER.replace(old, bad))
    err = exc.value
    assert words in err.message
    assert err.file is not None and err.file.endswith("cal.yaml")
    assert err.line == (16 if key == "then_every" else 15)
    assert err.item == "dtp"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('at_ages: ["25 years"]', 'at_ages: ["25 years"]\n          min_gap: "-5 years"'),
        ("    title: DTP", '    title: DTP\n    mandatory_before_age: "-2 years"'),
    ],
)
def test_every_rule_duration_is_checked_for_sign(tmp_path: Path, old: str, new: str) -> None:
    with pytest.raises(CalendarError, match="negative"):
        load(tmp_path, HEADER.replace(old, new))


def test_valid_booster_rule_still_loads_and_ends(tmp_path: Path) -> None:
    import datetime as dt

    from prevention_engine import Profile

    engine = load(tmp_path, HEADER.replace('"20 years"', '"1 day"'))
    agenda = engine.evaluate(
        Profile.model_validate({"birth_date": "1950-01-01"}), as_of=dt.date(2025, 1, 1)
    )
    assert agenda.items


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    start = time.perf_counter()
    with pytest.raises(CalendarError) as exc:
        load(tmp_path, ALIAS_BOMB)
    assert time.perf_counter() - start < 5
    assert "anchor &a" in exc.value.message and exc.value.line == 1


def test_yaml_alias_is_refused_with_its_line(tmp_path: Path) -> None:
    text = HEADER.replace('at_ages: ["25 years"]', "at_ages: *ages")
    with pytest.raises(CalendarError) as exc:
        load(tmp_path, text)
    assert "alias *ages" in exc.value.message and exc.value.line == 15
