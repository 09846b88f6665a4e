"""The common statuses: one precedence table (status.py), decided the same way for every kind."""

from __future__ import annotations

import datetime as dt

from prevention_engine.schedule import Due, Occurrence, Reason
from prevention_engine.status import PRECEDENCE, Finding, decide
from prevention_engine.wording import TEXTS, render

DONE = Occurrence(status="completed", reason=Reason("series.skipped", (("number", 1),)), dose=1)
OPEN = Occurrence(status="due", reason=Reason.of("series.projected", number=2,
                  recommended=dt.date(2026, 1, 1)), dose=2, due=Due())


def _finds(*holding: str) -> dict[str, Finding]:
    return {s: Finding(s, Reason.of("status.not_recommended", text=s)) for s in holding}


def _decide(holding: dict[str, Finding], applies_known: bool = True) -> list[Occurrence]:
    return decide(holding.get, lambda: [DONE, OPEN], lambda rows: [*rows, OPEN], applies_known)


def test_the_table_is_the_documented_order() -> None:
    assert [s for s, _ in PRECEDENCE] == [
        "declined", "needs_data", "contraindicated", "immune", "not_recommended"]


def test_no_finding_gives_the_plan_after_the_precautions() -> None:
    assert _decide({}) == [DONE, OPEN, OPEN]


def test_declined_wins_and_keeps_what_was_done() -> None:
    rows = _decide(_finds("declined", "contraindicated", "immune"))
    assert [r.status for r in rows] == ["completed", "declined"]
    assert rows[1].reason.code == "status.declined_over"
    assert render(rows[1].reason).startswith("Vous avez indiqué refuser cette recommandation. ")


def test_declined_with_unknown_applicability_is_one_row_and_asks_nothing() -> None:
    rows = _decide(_finds("declined", "needs_data"), applies_known=False)
    assert [r.status for r in rows] == ["declined"]


def test_unknown_applicability_asks_before_a_contraindication_is_judged() -> None:
    rows = _decide(_finds("needs_data", "contraindicated"), applies_known=False)
    assert [r.status for r in rows] == ["needs_data"]


def test_contraindicated_over_the_plan_and_single_ones_replace_it() -> None:
    assert [r.status for r in _decide(_finds("contraindicated", "immune"))] == [
        "completed", "contraindicated"]
    assert [r.status for r in _decide(_finds("immune", "not_recommended"))] == ["immune"]
    assert [r.status for r in _decide(_finds("not_recommended"))] == ["not_recommended"]


def test_an_empty_plan_under_an_over_plan_finding_still_says_it() -> None:
    rows = decide(_finds("contraindicated").get, list, lambda rows: rows, True)
    assert [r.status for r in rows] == ["contraindicated"]


def test_every_reason_code_of_the_core_has_words() -> None:
    for code in ("status.declined", "status.needs_data", "status.contraindicated",
                 "status.immune_evidence", "status.immune_born_before",
                 "status.not_recommended", "status.declined_over", "started.since",
                 "precaution.postponed", "precaution.ask"):
        assert code in TEXTS
