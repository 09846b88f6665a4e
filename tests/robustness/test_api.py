"""The Python API exactly as CONTRACT.md section 1."""

from __future__ import annotations

import datetime as dt
import inspect
import json

import pytest

import prevention_engine
from prevention_engine import (
    Agenda,
    CalendarError,
    Engine,
    PreventionError,
    Profile,
    ProfileError,
    Rejected,
)

from .conftest import AS_OF, EXAMPLE, FR_PRODUCTS, MINI_CAL, ROOT


def test_contract_section_1_snippet() -> None:
    raw = EXAMPLE.read_text(encoding="utf-8")
    engine = Engine.default()
    profile = Profile.model_validate_json(raw)
    assert Profile.model_validate(json.loads(raw)) == profile
    agenda = engine.evaluate(profile, as_of=dt.date(2025, 11, 10))
    assert isinstance(agenda, Agenda) and agenda.items
    assert isinstance(agenda.model_dump(mode="json"), dict)
    custom = Engine.from_paths([str(ROOT / "rules") + "/", MINI_CAL])
    assert {c.id for c in custom.registry.calendars} >= {"fr-vaccination", "test-vacc"}
    it = engine.evaluate_many([profile], as_of=AS_OF)
    assert inspect.isgenerator(it) or hasattr(it, "__next__")


def test_as_of_is_required_and_must_be_a_date(engine: Engine) -> None:
    p = Profile.model_validate({"birth_date": "2020-01-01"})
    with pytest.raises(TypeError):
        engine.evaluate(p)  # type: ignore[call-arg]
    for bad in ("2025-11-10", dt.datetime(2025, 11, 10), None, 20251110):
        with pytest.raises(TypeError):
            engine.evaluate(p, as_of=bad)  # type: ignore[arg-type]


def test_error_hierarchy() -> None:
    assert issubclass(CalendarError, PreventionError)
    assert issubclass(ProfileError, PreventionError)
    e = ProfileError("bad", field="a.b", value=3)
    assert (e.field, e.value) == ("a.b", 3)
    c = CalendarError("bad", file="f.yaml", line=3, item="x", field="y", suggestion="z")
    assert (c.file, c.line, c.item, c.field, c.suggestion) == ("f.yaml", 3, "x", "y", "z")
    assert str(c).startswith("f.yaml:3: x: y:")
    for name in ("Engine", "Profile", "Agenda", "AgendaItem", "ProfileError", "CalendarError",
                 "PreventionError"):
        assert hasattr(prevention_engine, name)


def test_from_paths_bad_paths_are_calendar_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CalendarError):
        Engine.from_paths([tmp_path / "missing"])
    with pytest.raises(CalendarError):
        Engine.from_paths([EXAMPLE])  # JSON is not a rule file
    Engine.from_paths([MINI_CAL, FR_PRODUCTS])


def test_evaluate_many_order_and_per_record_errors(engine: Engine) -> None:
    records = [
        {"id": "a", "birth_date": "2024-01-01"},
        '{"id": "b", "birth_date": "x"}',
        b'{"id": "c", "birth_date": "2024-01-01"}',
        42,
        None,
        {"id": "e", "birth_date": "2030-01-01"},
        "not json",
        Profile.model_validate({"id": "g", "birth_date": "2020-01-01"}),
        {"id": "h", "birth_date": "2024-01-01", "oops": 1},
    ]
    out = list(engine.evaluate_many(records, as_of=AS_OF))
    assert len(out) == len(records)
    kinds = [type(o).__name__ for o in out]
    assert kinds == ["Agenda", "Rejected", "Agenda", "Rejected", "Rejected", "Rejected",
                     "Rejected", "Agenda", "Rejected"]
    assert [o.index for o in out if isinstance(o, Rejected)] == [1, 3, 4, 5, 6, 8]
    assert [o.person_id for o in out if isinstance(o, Agenda)] == ["a", "c", "g"]
    assert {o.index: o.id for o in out if isinstance(o, Rejected)}[5] == "e"
    assert all(o.error for o in out if isinstance(o, Rejected))


def test_evaluate_accepts_a_mapping_and_gives_the_same_bytes(engine: Engine) -> None:
    raw = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert engine.evaluate(raw, as_of=AS_OF).to_json() == engine.evaluate(
        Profile.model_validate(raw), as_of=AS_OF).to_json()
    assert raw == json.loads(EXAMPLE.read_text(encoding="utf-8"))  # input dict not mutated


# ---------------------------------------- problems found (xfail: open; "Regression test": fixed)
# Regression test: failed at HEAD 34e17a9 (evaluate_many only catches PreventionError: a record
# whose dates overflow raises ValueError, which ends the iterator and loses every record after
# it); fixed by e79f70d.
def test_evaluate_many_survives_any_bad_record(engine: Engine) -> None:
    records = [{"id": "a", "birth_date": "2024-01-01"}, {"id": "b", "birth_date": "9990-01-01"},
               {"id": "c", "birth_date": "2024-01-01"}]
    out = list(engine.evaluate_many(records, as_of=dt.date(9999, 12, 31)))
    assert len(out) == 3


# Regression test: failed before this session's robustness fixes.
def test_evaluate_many_reports_id_of_json_text_records(engine: Engine) -> None:
    (r,) = engine.evaluate_many(['{"id": "b", "birth_date": "x"}'], as_of=AS_OF)
    assert isinstance(r, Rejected) and r.id == "b"
