"""Agenda renderings for people: a French text table and an iCalendar file."""

from __future__ import annotations

import hashlib

from .agenda import Agenda, AgendaItem

STATUS_FR = {
    "completed": "fait",
    "due": "à faire",
    "overdue": "en retard",
    "upcoming": "à venir",
    "missed": "manqué",
    "contraindicated": "contre-indiqué",
    "immune": "immunisé",
    "declined": "refusé",
    "not_recommended": "non recommandé",
    "needs_data": "info. manquante",
}


def status_fr(it: AgendaItem) -> str:
    """The French status of a row; an optional item (shared decision) is "à discuter"."""
    return "à discuter" if it.strength == "optional" else STATUS_FR[it.status]


def _d(it: AgendaItem) -> str:
    d = it.recommended_date or it.completed_date
    return d.isoformat() if d else ""


def to_text(agenda: Agenda) -> str:
    """A readable French table, one line per item, then the reasons."""
    lines = [
        f"Agenda de prévention — personne {agenda.person_id or '(sans identifiant)'} — "
        f"au {agenda.as_of.isoformat()}",
        "Calendriers : " + ", ".join(f"{c.id} {c.version}" for c in agenda.calendars),
        "",
    ]
    header = f"{'statut':<16} {'date':<10}  {'oblig.':<6} intitulé"
    lines += [header, "-" * len(header)]
    for it in agenda.items:
        flag = "oui" if it.mandatory else ""
        review = "  [à revoir]" if it.review else ""
        lines.append(f"{status_fr(it):<16} {_d(it):<10}  {flag:<6} {it.title}{review}")
    lines.append("")
    lines.append("Pourquoi :")
    for it in agenda.items:
        if it.status == "completed":
            continue
        lines.append(f"- {it.title} : {it.reason}")
        lines.append(f"  Source : {it.source.title} — {it.source.url}")
    if agenda.warnings:
        lines.append("")
        lines.append("Avertissements :")
        lines += [f"- {w}" for w in agenda.warnings]
    return "\n".join(lines) + "\n"


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    out = []
    raw = line.encode("utf-8")
    while len(raw) > 75:
        cut = 75
        while cut > 0 and (raw[cut] & 0xC0) == 0x80:
            cut -= 1
        out.append(raw[:cut].decode("utf-8"))
        raw = b" " + raw[cut:]
    out.append(raw.decode("utf-8"))
    return "\r\n".join(out)


def to_ics(agenda: Agenda) -> str:
    """An iCalendar (RFC 5545) file with one all-day event per actionable item."""
    stamp = agenda.as_of.strftime("%Y%m%d") + "T000000Z"
    # UIDs must be globally unique (RFC 5545): two children's calendars must not collide.
    person = agenda.person_id or "anon-" + hashlib.sha256(agenda.to_json().encode()).hexdigest()[
        :16
    ]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//prevention-engine//FR",
        "CALSCALE:GREGORIAN",
    ]
    for it in agenda.items:
        if it.status not in ("due", "overdue", "upcoming") or it.recommended_date is None:
            continue
        if it.strength == "optional":
            continue  # a shared decision is not an appointment
        day = max(it.recommended_date, agenda.as_of)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{person}-{it.id}-{it.calendar.version}@prevention-engine",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"SUMMARY:{_ics_escape(it.title)}",
            f"DESCRIPTION:{_ics_escape(it.reason + ' Source : ' + it.source.url)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
