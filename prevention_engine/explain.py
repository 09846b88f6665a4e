"""``explain``: why one item has its status, in French, with the doses counted or rejected."""

from __future__ import annotations

import datetime as dt

from .engine import Engine
from .profile import Profile
from .render import status_fr

_OPEN = frozenset({"due", "overdue", "upcoming", "missed"})


def explain(
    engine: Engine, profile: Profile, as_of: dt.date, item: str, jurisdiction: str | None = None
) -> str | None:
    agenda = engine.evaluate(profile, as_of, trace=True, jurisdiction=jurisdiction)
    rows = agenda.item(item)
    if not rows:
        return None
    rows.sort(key=lambda r: (r.dose or 0, r.occurrence or ""))
    first = rows[0]
    cal = next(
        c
        for c in engine.registry.calendars
        if c.id == first.calendar.id and c.version == first.calendar.version
    )
    rule = next(i for i in cal.items if i.id == first.item)
    out = [
        f"{rule.title} — règle « {rule.id} » du calendrier {cal.id} version {cal.version}",
        f"Fichier : {cal.file}" + (f", ligne {rule.line}" if rule.line else ""),
        f"Source : {rule.source.title} — {rule.source.url}"
        + (f" ({rule.source.section})" if rule.source.section else ""),
    ]
    if rule.review:
        out.append(f"À revoir par un clinicien : {rule.review_reason}")
    out.append("")
    for r in rows:
        dates = ", ".join(
            f"{label} {d.isoformat()}"
            for label, d in (
                ("au plus tôt", r.earliest_date),
                ("recommandée", r.recommended_date),
                ("en retard après", r.past_due_date),
                ("au plus tard", r.latest_date),
                # an open row's date done is the previous time (a renewed advice, a
                # screening's last test), not "faite" next to "à faire"
                ("dernière fois" if r.status in _OPEN else "faite", r.completed_date),
            )
            if d is not None
        )
        out.append(f"* {r.title} : {status_fr(r)}" + (f" ({dates})" if dates else ""))
        out.append(f"  {r.reason}")
        for t in r.trace or []:
            when = t.date.isoformat() if t.date else ""
            out.append(f"    - {when} {t.event} : {t.outcome} — {t.detail}")
    return "\n".join(out) + "\n"
