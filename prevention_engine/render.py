"""Agenda renderings for people: a French text table and an iCalendar file."""

from __future__ import annotations

import hashlib
import re

from .agenda import Agenda, AgendaItem

#: Characters that could forge lines or terminal sequences when a profile's text (an id, a
#: product name echoed in a warning) is printed: C0 and C1 controls, DEL, line separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _clean(text: str) -> str:
    """One printable line: each control character is shown as its escape (``\\x0a``)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                        else f"\\u{ord(m.group()):04x}", text)

def printable(text: str) -> str:
    """Multi-line text for a terminal: line ends kept, every other control character escaped."""
    return "\n".join(_clean(line) for line in text.split("\n"))


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


_GROWTH_HEAD = ("mesure", "valeur", "date", "z", "percentile", "-2 ET", "médiane", "+2 ET")
_GROWTH_FR = {"weight": "poids (kg)", "height": "taille (cm)",
              "head_circumference": "périmètre crânien (cm)", "bmi": "IMC (kg/m²)"}


def _fr(x: object) -> str:
    """A number with a decimal comma, as French readers write it."""
    return str(x).replace(".", ",") if isinstance(x, float | int) else str(x)


def growth_table(agenda: Agenda) -> list[str]:
    """The latest growth measurements against the reference lines (-2 SD, median, +2 SD at
    the child's age), from the z-scores a growth row carries; empty without one."""
    rows = [it for it in agenda.items if it.score is not None and it.score.name == "growth_z"]
    if not rows or rows[0].score is None:
        return []
    inputs = rows[0].score.inputs
    out = ["", f"Croissance ({inputs.get('reference', '')}) :",
           "{:<23} {:>7} {:<10} {:>5} {:>10} {:>7} {:>7} {:>7}".format(*_GROWTH_HEAD)]
    for code, name in _GROWTH_FR.items():
        m = inputs.get(code)
        if not isinstance(m, dict):
            continue
        low, mid, high = (_fr(v) for v in m.get("sd_lines") or ("", "", ""))
        out.append(f"{name:<23} {_fr(m['value']):>7} {m['date']:<10} {_fr(m['z']):>5} "
                   f"{_fr(m['percentile']):>10} {low:>7} {mid:>7} {high:>7}")
    return out


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
    lines += growth_table(agenda)
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
    return "\n".join(_clean(line) for line in lines) + "\n"


def _ics_escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _clean(text.replace("\r\n", "\n").replace("\n", "\\n"))


def _uid_part(text: str) -> str:
    """An id made safe for a UID line: letters, digits and ``._-`` kept, the rest %-encoded."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else
                   "".join(f"%{b:02X}" for b in c.encode()) for c in text)


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
            f"UID:{_uid_part(person)}-{_uid_part(it.id)}-{_uid_part(it.calendar.version)}"
            "@prevention-engine",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"SUMMARY:{_ics_escape(it.title)}",
            f"DESCRIPTION:{_ics_escape(it.reason + ' Source : ' + it.source.url)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
