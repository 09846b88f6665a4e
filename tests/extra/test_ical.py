"""The iCalendar export (extra [ical]): built with the icalendar package, checked by parsing the
output back with it."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from prevention_engine import Agenda, Engine, Profile
from prevention_engine.cli import main

icalendar = pytest.importorskip("icalendar", reason="optional extra [ical] not installed")

from prevention_engine.extra.ical import agenda_to_ics, exported, summary  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "infant-2024.json"
AS_OF = dt.date(2025, 11, 10)


def _agenda(engine: Engine, **changes: Any) -> Agenda:
    data = {**json.loads(EXAMPLE.read_text(encoding="utf-8")), **changes}
    return engine.evaluate(Profile.model_validate(data), AS_OF)


def _parse(data: bytes) -> Any:
    return icalendar.Calendar.from_ical(data)


def test_one_event_per_actionable_row_parsed_back(engine: Engine) -> None:
    a = _agenda(engine)
    rows = exported(a)
    assert rows and {r.status for r in rows} <= {"due", "overdue", "upcoming"}
    assert len(rows) == len([i for i in a.items if i.status in ("due", "overdue", "upcoming")
                             and i.recommended_date and i.strength != "optional"])
    events = _parse(agenda_to_ics(a)).walk("VEVENT")
    assert len(events) == len(rows)
    for ev, row in zip(events, rows, strict=True):
        assert str(ev["SUMMARY"]) == summary(row)
        assert row.title in str(ev["SUMMARY"])
        start = ev.decoded("DTSTART")
        assert start == max(row.recommended_date, AS_OF)  # type: ignore[type-var]
        assert ev.decoded("DTEND") == start + dt.timedelta(days=1)
        assert row.source.url in str(ev["DESCRIPTION"])
        assert str(ev["URL"]) == row.source.url
    overdue = [ev for ev, r in zip(events, rows, strict=True) if r.status == "overdue"]
    assert overdue and all("(en retard)" in str(ev["SUMMARY"]) for ev in overdue)


def test_same_agenda_same_bytes_and_stable_uids(engine: Engine) -> None:
    one, two = agenda_to_ics(_agenda(engine)), agenda_to_ics(_agenda(engine))
    assert one == two
    uids = [str(e["UID"]) for e in _parse(one).walk("VEVENT")]
    assert len(uids) == len(set(uids))
    # a later assessment keeps the UID of a row still open (clients update, not duplicate)
    later = engine.evaluate(Profile.model_validate(json.loads(EXAMPLE.read_text())),
                            AS_OF + dt.timedelta(days=7))
    assert set(uids) & {str(e["UID"]) for e in _parse(agenda_to_ics(later)).walk("VEVENT")}
    other = {str(e["UID"]) for e in _parse(agenda_to_ics(_agenda(engine, id="p-002")))
             .walk("VEVENT")}
    assert other and not (other & set(uids))


def test_text_is_escaped_by_the_library(engine: Engine) -> None:
    a = _agenda(engine, id="p-1\r\nATTENDEE:mailto:x@example.org")
    nasty = "Rappel ; dose, « spéciale »\nligne 2\\fin"
    first = exported(a)[0]
    a = a.model_copy(update={"items": [first.model_copy(update={"title": nasty}),
                                       *a.items[1:]]})
    data = agenda_to_ics(a)
    assert b"\r\nATTENDEE" not in data
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded by the library
    ev = _parse(data).walk("VEVENT")[0]
    assert str(ev["SUMMARY"]) == f"{nasty} (en retard)"
    assert not _parse(data).walk("VEVENT")[0].get("ATTENDEE")


def test_todo_mode_is_due_on_the_past_due_date(engine: Engine) -> None:
    a = _agenda(engine)
    todos = _parse(agenda_to_ics(a, todo=True)).walk("VTODO")
    assert len(todos) == len(exported(a))
    for td, row in zip(todos, exported(a), strict=True):
        assert td.decoded("DUE") >= td.decoded("DTSTART")
        if row.status == "upcoming" and row.past_due_date:
            assert td.decoded("DUE") == row.past_due_date
        assert str(td["STATUS"]) == "NEEDS-ACTION"


def test_cli_ics_uses_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agenda", str(EXAMPLE), "--as-of", "2025-11-10", "--format", "ics"]) == 0
    out = capsys.readouterr().out
    assert "X-WR-CALNAME:Agenda de prévention" in out
    assert _parse(out.encode()).walk("VEVENT")


def test_without_the_extra_a_clear_error_and_the_cli_falls_back(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "icalendar", None)
    with pytest.raises(ImportError, match=r"\[ical\]"):
        agenda_to_ics(_agenda(engine))
    assert main(["agenda", str(EXAMPLE), "--as-of", "2025-11-10", "--format", "ics"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in out
