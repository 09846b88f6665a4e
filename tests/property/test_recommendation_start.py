"""No agenda row is dated before its recommendation existed (rule key ``recommended_from``).

Checked on generated people and assessment dates against the bundled calendars: whatever the
age, an open row of an item with ``recommended_from`` is never recommended (nor due, overdue or
missed) before that day, and an optional item is never overdue nor notified.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from prevention_engine import Engine

ENGINE = Engine.default()
# the start of each item that concerns everyone (entries with `when` concern only some people:
# they are checked by golden situations)
STARTS = {
    (c.id, c.version, i.id): max(e.date for e in i.recommended_from if e.when is None)
    for c in ENGINE.registry.calendars
    for i in c.items
    if any(e.when is None for e in i.recommended_from)
}
OPTIONAL = {
    (c.id, c.version, i.id) for c in ENGINE.registry.calendars for i in c.items
    if i.strength == "optional"
}
OPEN = ("due", "overdue", "upcoming", "missed")


@st.composite
def people(draw: st.DrawFn) -> tuple[dict[str, object], dt.date]:
    as_of = draw(st.dates(dt.date(2024, 5, 1), dt.date(2027, 12, 31)))
    birth = draw(st.dates(dt.date(1930, 1, 1), as_of))
    person: dict[str, object] = {
        "id": "p",
        "birth_date": birth.isoformat(),
        "sex": draw(st.sampled_from(["female", "male"])),
        "lifestyle": {
            "smoker": draw(st.booleans()),
            "pack_years": draw(st.integers(0, 60)),
            "sexually_active": draw(st.booleans()),
        },
    }
    return person, as_of


def test_the_rules_use_the_keys() -> None:
    assert len(STARTS) >= 8 and len(OPTIONAL) >= 3


@settings(max_examples=120, deadline=None)
@given(people())
def test_nothing_before_the_recommendation(case: tuple[dict[str, object], dt.date]) -> None:
    person, as_of = case
    agenda = ENGINE.evaluate(person, as_of)
    for it in agenda.items:
        start = STARTS.get((it.calendar.id, it.calendar.version, it.item))
        if start is None or it.status not in OPEN:
            continue
        if it.status == "missed":  # a missed row keeps only its limit date
            assert it.latest_date is not None and it.latest_date >= start, it
            continue
        assert it.recommended_date is not None and it.recommended_date >= start, it
        assert it.earliest_date is None or it.earliest_date >= start, it
        assert it.latest_date is None or it.latest_date >= start, it
        if it.status == "upcoming":
            assert it.recommended_date > as_of, it


@settings(max_examples=120, deadline=None)
@given(people())
def test_optional_items_are_never_overdue_nor_notified(
    case: tuple[dict[str, object], dt.date],
) -> None:
    person, as_of = case
    agenda = ENGINE.evaluate(person, as_of)
    optional_ids = set()
    for it in agenda.items:
        if (it.calendar.id, it.calendar.version, it.item) in OPTIONAL:
            optional_ids.add(it.id)
            assert it.status != "overdue" and it.past_due_date is None, it
            assert it.strength == "optional" or it.status not in OPEN, it
        else:
            assert it.strength is None, it
    assert not optional_ids & {n.item_id for n in agenda.notifications}
