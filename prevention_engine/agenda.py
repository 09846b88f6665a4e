"""The agenda: the only output of an evaluation (CONTRACT.md section 4).

Field order is the JSON order, so the serialised agenda is byte-stable.

The contract's fields are always written (null when empty). An extension field
(``_OPTIONAL_KEYS``, ``_TRACE_OPTIONAL_KEYS``) appears only when it carries something, to keep
nightly output small: each is declared with ``exclude_if=_absent`` (pydantic >= 2.12), which
``model_dump``, ``model_dump_json`` and ``to_json`` all apply, with no model serializer written
in Python (a wrap serializer per row was a fifth of the writing).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal[
    "completed",
    "due",
    "overdue",
    "upcoming",
    "missed",
    "contraindicated",
    "immune",
    "declined",
    "not_recommended",
    "needs_data",
]

STATUS_ORDER: dict[str, int] = {
    "overdue": 0,
    "due": 1,
    "upcoming": 2,
    "needs_data": 3,
    "missed": 4,
    "contraindicated": 5,
    "declined": 6,
    "immune": 7,
    "not_recommended": 8,
    "completed": 9,
}


_OPTIONAL_KEYS = (
    "review_reason",
    "occurrence",
    "completed_date",
    "series",
    "missing_data",
    "score",
    "method",
    "vaccine_group",
    "trace",
    "strength",
)
#: TraceEntry's extension fields (the recorded dose's index, reason code and target dose).
_TRACE_OPTIONAL_KEYS = ("immunization", "reason", "target_dose")


def _absent(value: object) -> bool:
    """An extension field is written only when it carries something."""
    return value is None


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceRef(_Out):
    title: str
    url: str
    section: str | None = None


class CalendarRef(_Out):
    id: str
    version: str


class Score(_Out):
    name: str
    value: float
    unit: str | None = None
    band: str
    inputs: dict[str, Any] = {}


class TraceEntry(_Out):
    """One history event the rule looked at, and what it did with it."""

    date: dt.date | None
    event: str
    outcome: str
    detail: str
    #: For a recorded dose: its index in the profile's ``immunizations``, the reason code of
    #: its evaluation (too_young, too_soon, grace_period, ...) and the target dose it satisfied.
    immunization: int | None = Field(default=None, exclude_if=_absent)
    reason: str | None = Field(default=None, exclude_if=_absent)
    target_dose: int | None = Field(default=None, exclude_if=_absent)



class AgendaItem(_Out):
    id: str
    item: str
    domain: str
    targets: list[str]
    dose: int | None
    status: Status
    earliest_date: dt.date | None
    recommended_date: dt.date | None
    past_due_date: dt.date | None
    latest_date: dt.date | None
    mandatory: bool
    title: str
    reason: str
    source: SourceRef
    calendar: CalendarRef
    review: bool
    review_reason: str | None = Field(default=None, exclude_if=_absent)
    occurrence: str | None = Field(default=None, exclude_if=_absent)
    completed_date: dt.date | None = Field(default=None, exclude_if=_absent)
    series: str | None = Field(default=None, exclude_if=_absent)
    missing_data: list[str] | None = Field(default=None, exclude_if=_absent)
    score: Score | None = Field(default=None, exclude_if=_absent)
    method: str | None = Field(default=None, exclude_if=_absent)
    #: the item's vaccine group (``vaccine_group.name`` in the rule): rows of items sharing it
    #: are reported together, e.g. the CDSi groups MMR and DTaP/Tdap/Td
    vaccine_group: str | None = Field(default=None, exclude_if=_absent)
    trace: list[TraceEntry] | None = Field(default=None, exclude_if=_absent)
    #: "optional" for a shared decision ("à discuter avec votre médecin", never notified);
    #: absent (None) for an ordinary recommendation
    strength: Literal["optional"] | None = Field(default=None, exclude_if=_absent)



class Notification(_Out):
    key: str
    item_id: str
    send_date: dt.date
    recipient: str
    channel: str


class Agenda(_Out):
    person_id: str | None
    as_of: dt.date
    calendars: list[CalendarRef]
    items: list[AgendaItem]
    notifications: list[Notification]
    warnings: list[str]

    def item(self, item_id: str) -> list[AgendaItem]:
        """Rows of one rule (``"menb"``) or one row by full id (``"fr-vaccination/menb/2"``)."""
        return [i for i in self.items if i.item == item_id or i.id == item_id]

    def to_json(self) -> str:
        """Byte-stable JSON (the same input always gives the same bytes)."""
        return self.model_dump_json()

    def to_json_bytes(self) -> bytes:
        """``to_json`` as UTF-8 bytes, never decoded: what a file or another process takes
        (an agenda is about 40 KB: decoding it, then encoding it again to write it, or to send
        it from a batch worker, cost more than half of writing it)."""
        return self.__pydantic_serializer__.to_json(self)
