"""Notifications (DESIGN.md sections 7 and 9): who is told about which item, when, on which
channel, under which idempotency key.

Kept out of the engine so consent rules live in one place, whatever the kind of an item. The
rules, in order:

- an item is notified only while actionable (due, overdue, upcoming within the horizon, or
  ``needs_data`` when its rule asks for the data), never when declined, completed, immune,
  contraindicated, missed or not recommended, never when optional (a shared decision);
- a domain the person opted out of (``consent.opt_out_domains``) is never notified, whatever
  the kind of its items;
- channels: those ``consent.channels`` switches on; with none switched on, the default ``app``
  unless it is switched off too (``{"sms": false}`` only refuses SMS);
- recipient: the person, or the first recorded caregiver for a minor or for an adult recorded
  as ``dependent`` (tutelle, curatelle, dependency); a minor who is pregnant or whose
  pregnancy ended less than a year ago is told herself, never through a parent;
- the key is a digest of (person, row id (item and dose), calendar version, data request or
  not, channel, and the cycle of a repeating item), so a nightly run never sends one twice:
  ``new_notifications`` keeps those whose key was not sent yet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from .agenda import Agenda, AgendaItem, Notification
from .dates import Duration
from .gestation import in_maternity
from .profile import Profile

#: Statuses that never call for a notification.
NON_ACTIONABLE = frozenset(
    {"completed", "declined", "immune", "not_recommended", "missed", "contraindicated"}
)
DEFAULT_CHANNEL = "app"
ADULT_AGE = Duration(years=18)


def channels(channel_choices: Mapping[str, bool]) -> list[str]:
    """The channels to use, sorted: the chosen ones, else the default one if not refused."""
    chosen = sorted(c for c, ok in channel_choices.items() if ok)
    if chosen:
        return chosen
    return [DEFAULT_CHANNEL] if channel_choices.get(DEFAULT_CHANNEL, True) else []


def person_key(profile: Profile) -> str:
    """The person's id; without one, a digest of the profile, so two anonymous people never
    share an idempotency key."""
    if profile.id:
        return profile.id
    # Fields added to the profile after the key was defined are left out while unset, so the
    # keys of existing anonymous profiles do not change (they would be sent again).
    later: dict[str, Any] = {}
    if profile.dependent is None:
        later["dependent"] = True
    if profile.rhesus is None:
        later["rhesus"] = True
    for name in ("conditions_absent", "medications_absent"):  # chronic domain, issue 13
        if not getattr(profile, name):
            later[name] = True
    added = ("dating_date", "multiple", "parity")
    if all(getattr(p, f) is None for p in profile.pregnancies for f in added):
        later["pregnancies"] = {"__all__": set(added)}
    if profile.perinatal.mother_vaccinations is None:
        # "not known" (ninth session) was the empty list before: digested as it was
        perinatal = profile.perinatal.model_copy(update={"mother_vaccinations": ()})
        profile = profile.model_copy(update={"perinatal": perinatal})
    return "anon-" + hashlib.sha256(
        profile.model_dump_json(exclude=later or None).encode()
    ).hexdigest()[:16]


def recipient(profile: Profile, as_of: dt.date, person: str) -> str:
    """Who receives the notifications: the recorded caregiver of a minor or of a dependent
    adult, else the person (also when no caregiver is recorded)."""
    minor = ADULT_AGE.add_to(profile.birth_date) > as_of
    if minor and not profile.dependent and in_maternity(profile, as_of):
        return person  # a pregnant (or recently delivered) minor's follow-up is hers
    if (minor or profile.dependent) and profile.caregivers:
        return profile.caregivers[0].id
    return person


def _send_date(it: AgendaItem, as_of: dt.date, limit: dt.date) -> dt.date | None:
    if it.status in ("needs_data", "due", "overdue"):
        return as_of
    if it.recommended_date is not None and it.recommended_date <= limit:
        return it.recommended_date
    return None


def _key(person: str, it: AgendaItem, channel: str) -> str:
    raw = f"{person}|{it.id}|{it.calendar.version}|{it.status == 'needs_data'}|{channel}"
    # A repeating item (recurring screening) is one cycle per last test: the cycle is part of
    # the key, so the reminder after the next test is sent again.
    if it.completed_date is not None:
        raw += f"|{it.completed_date.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def _notifiable(
    items: Iterable[AgendaItem], opted_out: set[str], quiet_needs_data: frozenset[tuple[str, ...]]
) -> Iterable[AgendaItem]:
    """The rows that may be notified, in agenda order: only the next open dose of a series."""
    first_open: set[tuple[str, str]] = set()
    for it in items:
        if it.status in NON_ACTIONABLE or it.domain in opted_out or it.strength:
            continue
        if it.status == "needs_data" and (
            (it.calendar.id, it.calendar.version, it.item) in quiet_needs_data
        ):
            continue
        if it.dose is not None:
            # Only the next dose of a series is actionable; later ones depend on it.
            if (it.calendar.id, it.item) in first_open:
                continue
            first_open.add((it.calendar.id, it.item))
        yield it


def plan_notifications(
    items: list[AgendaItem],
    profile: Profile,
    as_of: dt.date,
    horizon: Duration,
    quiet_needs_data: frozenset[tuple[str, ...]] = frozenset(),
) -> list[Notification]:
    """The notifications of an agenda's rows (``quiet_needs_data``: (calendar, version, item)
    whose data requests are never notified)."""
    chans = channels(profile.consent.channels)
    if not chans:
        return []  # every channel switched off: the person asked for no notification
    person = person_key(profile)
    to = recipient(profile, as_of, person)
    limit = horizon.add_to(as_of)
    out: list[Notification] = []
    for it in _notifiable(items, set(profile.consent.opt_out_domains), quiet_needs_data):
        send = _send_date(it, as_of, limit)
        if send is None:
            continue
        out += [Notification(key=_key(person, it, ch), item_id=it.id, send_date=send,
                             recipient=to, channel=ch) for ch in chans]
    return out


def new_notifications(
    agenda: Agenda, sent: Iterable[str], *, until: dt.date | None = None
) -> list[Notification]:
    """The notify mode: the agenda's notifications whose key is not in ``sent`` and whose send
    date is on or before ``until`` (default: the agenda's assessment date, i.e. "send today").

    Pass ``until`` later than ``as_of`` (within the evaluation horizon) to schedule ahead.
    """
    done = sent if isinstance(sent, set | frozenset) else set(sent)
    last = until or agenda.as_of
    return [n for n in agenda.notifications if n.key not in done and n.send_date <= last]
