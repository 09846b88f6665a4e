"""An agenda as the pieces the compact and Parquet outputs write, read from the model itself.

The compact output used to write each agenda to JSON, read it back and split every row into
its fixed fields (one catalogue entry per row id and calendar version) and its per-person
ones: three fifths of its time went to that round trip. Here the pieces are read from the
``Agenda`` directly, already in their JSON form (dates as ISO text, references as mappings),
and the fixed fields of a row are built once per distinct set and shared: rows of one rule
carry the same mapping and the same JSON text (``pickle`` sends each once per chunk from a
batch worker), and the compact writer looks its entry up by that text.

``tests/unit/test_agenda_parts.py`` checks that the pieces are exactly those of
``json.loads(agenda.to_json())``.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any

from .agenda import Agenda, AgendaItem

#: Row fields that belong to the person (never in the catalogue), in row order; ``id`` is the
#: row's key.
PER_PERSON = (
    "id", "dose", "status", "earliest_date", "recommended_date", "past_due_date", "latest_date",
    "reason", "occurrence", "completed_date", "missing_data", "score", "trace",
)
_FIXED = set(AgendaItem.model_fields) - set(PER_PERSON)
#: Distinct fixed sets kept at most (373 over 5,000 benchmark profiles, about 4 KB each with
#: their text): past this the cache starts again, so no input can grow it without bound.
MAX_FIXED = 1024


#: One agenda row: its key (row id, calendar version), its fixed fields, their JSON text (what
#: the compact output's parent compares: one string, the same from every worker) and the
#: person's fields. Plain tuples, not named ones: a batch worker pickles about 18 per person,
#: and a named tuple or a dataclass takes several times as long to pickle and unpickle.
Row = tuple[tuple[str, str], dict[str, Any], str, dict[str, Any]]
#: An agenda's top-level fields (JSON form, without ``items``) and its rows.
Parts = tuple[dict[str, Any], list[Row]]


def _iso(day: Any) -> Any:
    return None if day is None else day.isoformat()


class Splitter:
    """Reads agendas into ``Parts``; keeps the fixed sets met so far (bounded)."""

    def __init__(self) -> None:
        self._fixed: dict[Hashable, tuple[dict[str, Any], str]] = {}

    def parts(self, agenda: Agenda) -> Parts:
        head = {
            "person_id": agenda.person_id,
            "as_of": agenda.as_of.isoformat(),
            "calendars": [{"id": c.id, "version": c.version} for c in agenda.calendars],
            "notifications": [{"key": n.key, "item_id": n.item_id,
                               "send_date": n.send_date.isoformat(),
                               "recipient": n.recipient, "channel": n.channel}
                              for n in agenda.notifications],
            "warnings": list(agenda.warnings),
        }
        return head, [self._row(it) for it in agenda.items]

    def _row(self, it: AgendaItem) -> Row:
        fixed, text = self._fixed_of(it)
        return (it.id, it.calendar.version), fixed, text, _person(it)

    def _fixed_of(self, it: AgendaItem) -> tuple[dict[str, Any], str]:
        src, cal = it.source, it.calendar
        signature = (it.item, it.domain, tuple(it.targets), it.mandatory, it.title, src.title,
                     src.url, src.section, cal.id, cal.version, it.review, it.review_reason,
                     it.series, it.method, it.vaccine_group, it.strength)
        fixed = self._fixed.get(signature)
        if fixed is None:
            if len(self._fixed) >= MAX_FIXED:
                self._fixed.clear()
            fields = it.model_dump(mode="json", include=_FIXED)
            text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
            fixed = self._fixed[signature] = (fields, text)
        return fixed


def _person(it: AgendaItem) -> dict[str, Any]:
    """The person's fields of a row, as ``to_json`` writes them (extensions only when set)."""
    out: dict[str, Any] = {
        "dose": it.dose, "status": it.status, "earliest_date": _iso(it.earliest_date),
        "recommended_date": _iso(it.recommended_date), "past_due_date": _iso(it.past_due_date),
        "latest_date": _iso(it.latest_date), "reason": it.reason,
    }
    if it.occurrence is not None:
        out["occurrence"] = it.occurrence
    if it.completed_date is not None:
        out["completed_date"] = it.completed_date.isoformat()
    if it.missing_data is not None:
        out["missing_data"] = list(it.missing_data)
    if it.score is not None:
        # through its JSON: ``to_json`` writes an infinite or NaN float as null, where
        # ``model_dump(mode="json")`` keeps the float (written ``Infinity``, not JSON)
        out["score"] = json.loads(it.score.model_dump_json())
    if it.trace is not None:
        out["trace"] = [t.model_dump(mode="json") for t in it.trace]
    return out
