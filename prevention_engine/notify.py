"""The notify mode: for each person, the notifications not sent yet, ready for a sender.

A nightly job keeps the keys it has sent; given them, ``notify_many`` evaluates each record and
yields only the notifications whose key is new and whose send date has come (or comes by
``until``). Each carries the person it is about and the item's French title, so the sender
needs nothing else from the agenda.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict

from .agenda import Agenda, Status
from .dates import Duration
from .engine import DEFAULT_HORIZON, Engine, Rejected
from .errors import InputError
from .notifications import new_notifications
from .records import Record


class Outgoing(BaseModel):
    """One notification to send: the ``Notification`` fields, who it is about, and what."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: str | None
    key: str
    item_id: str
    send_date: dt.date
    recipient: str
    channel: str
    title: str
    status: Status

    def to_json(self) -> str:
        return self.model_dump_json()


def outgoing(agenda: Agenda, sent: Iterable[str], *, until: dt.date | None = None
             ) -> list[Outgoing]:
    """The new notifications of one agenda (see ``new_notifications``), with their item."""
    rows = {it.id: it for it in agenda.items}
    return [
        Outgoing(person_id=agenda.person_id, key=n.key, item_id=n.item_id,
                 send_date=n.send_date, recipient=n.recipient, channel=n.channel,
                 title=rows[n.item_id].title, status=rows[n.item_id].status)
        for n in new_notifications(agenda, sent, until=until)
    ]


def notify_many(
    engine: Engine,
    records: Iterable[Record],
    as_of: dt.date,
    sent: Iterable[str] = (),
    *,
    until: dt.date | None = None,
    **kwargs: Any,
) -> Iterator[Outgoing | Rejected]:
    """Evaluate each record on ``as_of`` and yield its new notifications, in input order; a bad
    record yields ``Rejected`` and the rest go on. ``kwargs`` go to ``Engine.evaluate`` (a
    ``horizon``; by default it reaches ``until``)."""
    if until is not None:
        if until < as_of:
            raise InputError(f"until {until.isoformat()} is before as_of {as_of.isoformat()}")
        # look at least as far ahead as asked
        kwargs.setdefault("horizon", Duration(days=max(DEFAULT_HORIZON.days,
                                                      (until - as_of).days)))
    done = frozenset(sent)
    for result in engine.evaluate_many(records, as_of, **kwargs):
        if isinstance(result, Rejected):
            yield result
        else:
            yield from outgoing(result, done, until=until)
