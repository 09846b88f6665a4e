"""Shared runner of golden agendas (``golden/<domain>/*.yaml``), written from the sources.

A case gives a profile, an assessment date, the rows the sources imply (``expect``), the
items that must not appear (``absent``) and, optionally, the rows that must be notified
(``notifications``: exact set of item ids). A case may name its ``calendar`` (domains made
of several calendars) and the ``version`` it expects in force on ``as_of``. Only the fields a
case states are compared; rows are matched by item id and, when given, ``dose`` or
``season``/``occurrence``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from prevention_engine import AgendaItem, Engine, Profile

FIELDS = (
    "status",
    "earliest_date",
    "recommended_date",
    "past_due_date",
    "latest_date",
    "completed_date",
    "method",
    "mandatory",
    "review",
    "strength",
)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CASE_KEYS = {"name", "source", "as_of", "profile", "expect", "absent", "notifications", "note",
             "review", "calendar", "version"}
EXPECT_KEYS = {"item", "dose", "season", "occurrence", "reason_contains", *FIELDS}


def load_cases(folder: Path) -> list[Any]:
    cases = []
    for f in sorted(folder.glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            cases.append(pytest.param(case, id=f"{f.stem}: {case['name']}"))
    return cases


def _date(v: Any) -> Any:
    return dt.date.fromisoformat(v) if isinstance(v, str) and ISO.match(v) else v


def _rows(items: list[AgendaItem], exp: dict[str, Any], calendar: str) -> list[AgendaItem]:
    out = [i for i in items if i.calendar.id == calendar and i.item == exp["item"]]
    if "dose" in exp:
        out = [i for i in out if i.dose == exp["dose"]]
    occurrence = exp.get("occurrence", exp.get("season"))
    if occurrence is not None:
        out = [i for i in out if i.occurrence == str(occurrence)]
    return out[:1] if "dose" not in exp and occurrence is None and out else out


def check_case(engine: Engine, case: dict[str, Any], calendar: str) -> None:
    assert set(case) <= CASE_KEYS, set(case) - CASE_KEYS
    calendar = case.get("calendar", calendar)  # a domain of several calendars names one
    as_of = _date(case["as_of"])
    profile = Profile.model_validate(case["profile"])
    agenda = engine.evaluate(profile, as_of)
    shown = "\n".join(
        f"  {i.id} {i.status} rec={i.recommended_date} pd={i.past_due_date} "
        f"latest={i.latest_date}"
        for i in agenda.items
        if i.calendar.id == calendar
    )
    if "version" in case:  # the calendar version in force on as_of
        versions = [c.version for c in agenda.calendars if c.id == calendar]
        assert versions == [str(case["version"])], versions
    for exp in case.get("expect", []):
        assert set(exp) <= EXPECT_KEYS, set(exp) - EXPECT_KEYS
        rows = _rows(agenda.items, exp, calendar)
        assert len(rows) == 1, f"expected one row for {exp}, got {len(rows)} in:\n{shown}"
        row = rows[0]
        for field in FIELDS:
            if field in exp:
                want = _date(exp[field])
                got = getattr(row, field)
                assert got == want, (
                    f"{row.id}: {field} is {got}, the source says {want}\n"
                    f"reason: {row.reason}\n{shown}"
                )
        if "reason_contains" in exp:
            assert exp["reason_contains"] in row.reason, row.reason
        # Every row cites its source and calendar version.
        assert row.source.url.startswith("http") and row.calendar.version
    for absent in case.get("absent", []):
        rows = [i.id for i in agenda.items if i.calendar.id == calendar and i.item == absent]
        assert not rows, f"{absent} should not be in the agenda, found {rows}\n{shown}"
    if "notifications" in case:
        ids = {i.id: i.item for i in agenda.items if i.calendar.id == calendar}
        notified = sorted({ids[n.item_id] for n in agenda.notifications if n.item_id in ids})
        assert notified == sorted(case["notifications"]), notified
