"""The shortcuts of the hot path give what the slow, obvious code gives (issue 15).

Each shortcut is checked against the plain computation it replaces, over the benchmark-like
profiles of the snapshot too (``tests/snapshot``); these tests say which shortcut broke.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from prevention_engine import Engine
from prevention_engine.agenda import AgendaItem
from prevention_engine.calendar.yamlsrc import LocDict, LocList, load_yaml
from prevention_engine.compact import _common_suffix
from prevention_engine.dates import Duration
from prevention_engine.errors import InputError

AS_OF = dt.date(2025, 11, 10)


def _profile() -> dict[str, object]:
    return {"id": "p", "birth_date": "2024-03-15", "sex": "female",
            "immunizations": [{"date": "2024-05-15", "product": "Hexyon"}]}


def test_rows_are_the_instances_model_construct_builds(engine: Engine) -> None:
    agenda = engine.evaluate(_profile(), AS_OF, trace=True)
    assert agenda.items
    for row in agenda.items:
        values = {k: getattr(row, k) for k in AgendaItem.model_fields}
        plain = AgendaItem.model_construct(**values)
        assert row == plain
        assert row.model_fields_set == plain.model_fields_set
        assert row.model_extra is None and row.__pydantic_private__ is None
        assert row.model_dump_json() == plain.model_dump_json()
        assert AgendaItem.model_validate_json(row.model_dump_json()) == row


@given(
    st.dates(),
    st.integers(-300, 300), st.integers(-3600, 3600), st.integers(-110_000, 110_000),
)
def test_adding_a_duration_is_calcdt(start: dt.date, years: int, months: int, days: int) -> None:
    """``Duration.add_to`` (straight computation first) against CALCDT step by step."""
    duration = Duration(years, months, days)
    try:
        expected: dt.date | None = duration._add_to(start)
    except InputError:
        expected = None
    try:
        got: dt.date | None = duration.add_to(start)
    except InputError:
        got = None
    assert got == expected


def test_yaml_values_come_back_packed_with_their_lines() -> None:
    """``load_yaml`` copies the values it built into dense memory: same values, same types,
    same lines (every ``CalendarError`` points at one)."""
    text = "calendar:\n  id: x\n  items:\n    - id: a\n      due: 2025-01-02\n    - [1, 2]\n"
    data = load_yaml(text, "x.yaml")
    assert isinstance(data, LocDict) and data.line == 1 and data.key_lines == {"calendar": 1}
    cal = data["calendar"]
    assert isinstance(cal, LocDict) and cal.key_lines == {"id": 2, "items": 3}
    items = cal["items"]
    assert isinstance(items, LocList) and items.line == 4 and items.item_lines == [4, 6]
    assert items[0] == {"id": "a", "due": dt.date(2025, 1, 2)} and items[0].line == 4
    assert isinstance(items[1], LocList) and items[1] == [1, 2]


@given(st.text("ab é", max_size=40), st.text("ab é", max_size=40), st.text("ab", max_size=40),
       st.lists(st.integers(-1, 90), max_size=4))
def test_common_suffix_of_reasons(a: str, b: str, end: str, hints: list[int]) -> None:
    """The compact output's common end of two reasons, against the plain character loop,
    whatever the hints (previous answers) tried first."""
    a, b = a + end, b + end
    plain = 0
    while plain < min(len(a), len(b)) and a[-1 - plain] == b[-1 - plain]:
        plain += 1
    assert _common_suffix(a, b) == plain
    assert _common_suffix(a, b, hints) == plain
    assert _common_suffix(a, b, [*hints, plain]) == plain
