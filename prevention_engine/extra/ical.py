"""iCalendar (RFC 5545) export of an agenda, built with the ``icalendar`` package (extra
``[ical]``), imported only when a function here runs.

One all-day event (or, with ``todo=True``, one to-do) per row a person can act on: due, overdue
or upcoming with a recommended date, never an optional item (a shared decision is not an
appointment). Escaping and line folding are the library's. The output is stable: the same
agenda gives the same bytes (UIDs are name-based UUIDs of the person, the row and the calendar
version; the time stamp is the assessment date), so a calendar client that subscribes to it
updates events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from ..agenda import Agenda, AgendaItem

#: Name-based UUIDs of our events (uuid5 of the DNS namespace and the project name).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "prevention-engine")
ACTIONABLE = ("due", "overdue", "upcoming")

#: The French words of the export, together so they are easy to move to the wording module.
WORDS = {
    "calendar": "Agenda de prévention",
    "due": "à faire",
    "overdue": "en retard",
    "source": "Source",
    "mandatory": "Vaccination obligatoire.",
    "review": "Règle à confirmer par un clinicien",
    "vaccination": "Vaccination",
    "screening": "Dépistage",
    "child": "Suivi de l'enfant",
    "pregnancy": "Grossesse",
    "chronic": "Maladie chronique",
}


def _icalendar() -> Any:
    try:
        import icalendar
    except ImportError:
        raise ImportError(
            "the iCalendar export needs the optional extra [ical]: "
            "pip install 'prevention-engine[ical]'"
        ) from None
    return icalendar


def exported(agenda: Agenda) -> list[AgendaItem]:
    """The rows the export holds, in agenda order."""
    return [it for it in agenda.items
            if it.status in ACTIONABLE and it.recommended_date is not None
            and it.strength != "optional"]


def _person(agenda: Agenda) -> str:
    # UIDs must be globally unique: two anonymous children's calendars must not collide.
    return agenda.person_id or "anon-" + hashlib.sha256(agenda.to_json().encode()).hexdigest()[:16]


def uid(person: str, it: AgendaItem) -> str:
    """The stable UID of a row's event: the same person, row and calendar version, the same
    UID."""
    name = f"{person}|{it.id}|{it.calendar.version}"
    return f"{uuid.uuid5(NAMESPACE, name)}@prevention-engine"


def summary(it: AgendaItem) -> str:
    """The French one-line summary: the title, and the status when it asks to act now."""
    if it.status in ("due", "overdue"):
        return f"{it.title} ({WORDS[it.status]})"
    return it.title


def description(it: AgendaItem) -> str:
    lines = [it.reason]
    if it.mandatory and it.domain == "vaccination" and WORDS["mandatory"] not in it.reason:
        lines.append(WORDS["mandatory"])
    if it.review and it.review_reason:
        lines.append(f"{WORDS['review']} : {it.review_reason}")
    lines.append(f"{WORDS['source']} : {it.source.title} — {it.source.url}")
    return "\n".join(lines)


def _component(ical: Any, it: AgendaItem, agenda: Agenda, person: str, todo: bool) -> Any:
    day = max(it.recommended_date or agenda.as_of, agenda.as_of)
    comp = ical.Todo() if todo else ical.Event()
    comp.add("uid", uid(person, it))
    comp.add("dtstamp", dt.datetime.combine(agenda.as_of, dt.time(), dt.UTC))
    comp.add("dtstart", day)
    if todo:
        comp.add("due", max(it.past_due_date or day, day))
        comp.add("status", "NEEDS-ACTION")
    else:
        comp.add("dtend", day + dt.timedelta(days=1))
        comp.add("transp", "TRANSPARENT")
    comp.add("summary", summary(it))
    comp.add("description", description(it))
    comp.add("categories", [WORDS.get(it.domain, it.domain)])
    comp.add("url", it.source.url)
    return comp


def agenda_to_ics(agenda: Agenda, *, todo: bool = False) -> bytes:
    """The agenda as an iCalendar file (UTF-8 bytes, CRLF line ends): one all-day event per
    actionable row, or one to-do (``todo=True``, due on the row's past-due date)."""
    ical = _icalendar()
    cal = ical.Calendar()
    cal.add("prodid", "-//prevention-engine//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", WORDS["calendar"])
    person = _person(agenda)
    for it in exported(agenda):
        cal.add_component(_component(ical, it, agenda, person, todo))
    out: bytes = cal.to_ical()
    return out
