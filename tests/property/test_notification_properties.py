"""Consent rules of notifications on generated people (DESIGN.md sections 7 and 9), read from
the agenda alone: whatever the profile, a notification is about an actionable row the person
did not decline, in a domain they did not opt out of, on a channel they allow, to the right
recipient, under a key the notify mode never emits twice."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prevention_engine import Duration, Engine, Profile
from prevention_engine.notifications import new_notifications

ITEMS = ["menb", "hpv", "influenza", "covid19", "dtp", "mmr", "colorectal_screening",
         "breast_screening", "pneumococcus_child", "zoster"]
DOMAINS = ["vaccination", "screening", "child", "pregnancy", "chronic"]
CHANNELS = ["app", "email", "sms", "push", "post"]


@lru_cache(maxsize=1)
def engine() -> Engine:
    return Engine.default()


@st.composite
def people(draw: st.DrawFn) -> tuple[dict[str, Any], dt.date]:
    as_of = draw(st.dates(dt.date(2024, 6, 1), dt.date(2026, 12, 31)))
    birth = draw(st.dates(dt.date(1940, 1, 1), as_of))
    profile: dict[str, Any] = {
        "id": "p-" + draw(st.text("abc123", min_size=1, max_size=4)),
        "birth_date": birth.isoformat(),
        "sex": draw(st.sampled_from(["female", "male"])),
        "residence": {"country": "FR", "department": "75"},
        "declined": [{"item": i} for i in draw(st.lists(st.sampled_from(ITEMS), max_size=3,
                                                        unique=True))],
        "consent": {
            "opt_out_domains": draw(st.lists(st.sampled_from(DOMAINS), max_size=2, unique=True)),
            "channels": draw(st.dictionaries(st.sampled_from(CHANNELS), st.booleans(),
                                             max_size=3)),
        },
        "caregivers": [{"id": f"cg-{n}"} for n in range(draw(st.integers(0, 2)))],
    }
    dependent = draw(st.sampled_from([None, True, False]))
    if dependent is not None:
        profile["dependent"] = dependent
    return profile, as_of


def _expected_channels(choices: dict[str, bool]) -> set[str]:
    on = {c for c, ok in choices.items() if ok}
    return on or ({"app"} if choices.get("app", True) else set())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people())
def test_notifications_respect_consent(case: tuple[dict[str, Any], dt.date]) -> None:
    data, as_of = case
    agenda = engine().evaluate(Profile.model_validate(data), as_of)
    rows = {r.id: r for r in agenda.items}
    declined = {d["item"] for d in data["declined"]}
    opted = set(data["consent"]["opt_out_domains"])
    allowed = _expected_channels(data["consent"]["channels"])
    adult = Duration(years=18).add_to(dt.date.fromisoformat(data["birth_date"])) <= as_of
    carer = data["caregivers"][0]["id"] if data["caregivers"] else None
    for n in agenda.notifications:
        row = rows[n.item_id]
        assert row.status in ("due", "overdue", "upcoming", "needs_data"), row.status
        assert row.item not in declined and row.domain not in opted
        assert row.strength is None
        assert n.channel in allowed
        if carer and (data.get("dependent") or not adult):
            assert n.recipient == carer
        elif adult and not data.get("dependent"):
            assert n.recipient == data["id"]
    for item in declined:
        assert all(r.status in ("declined", "completed") for r in agenda.item(item))
    keys = [n.key for n in agenda.notifications]
    assert len(keys) == len(set(keys))
    if not allowed:
        assert keys == []
    # the notify mode: nothing is new once every key is sent; "today" means send_date <= as_of
    last = max((n.send_date for n in agenda.notifications), default=as_of)
    assert new_notifications(agenda, keys, until=last) == []
    assert new_notifications(agenda, []) == [n for n in agenda.notifications
                                             if n.send_date <= as_of]
