"""Reading a ``Reason``'s parameters for the text tables of ``wording``: each table writes
words, these say what a parameter is and fail loudly when a kind gave the wrong type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..dates import Duration, french_date
from ..schedule import Reason

#: A text of a reason code: a sentence, or how to write one from the reason's parameters.
Text = Callable[[Reason], str]


def date_param(r: Reason, key: str) -> str:
    """The parameter as a French date ("1er mars 2025")."""
    value = r.get(key)
    if not isinstance(value, dt.date):
        raise TypeError(f"reason {r.code}: {key} is not a date: {value!r}")
    return french_date(value)


def duration_param(r: Reason, key: str) -> str:
    """The parameter as a French duration ("4 semaines")."""
    value = r.get(key)
    if not isinstance(value, Duration):
        raise TypeError(f"reason {r.code}: {key} is not a duration: {value!r}")
    return value.french()


def text_param(r: Reason, key: str) -> str:
    return str(r.get(key, ""))


def number_param(r: Reason, key: str) -> float:
    value = r.get(key)
    if not isinstance(value, int | float):
        raise TypeError(f"reason {r.code}: {key} is not a number: {value!r}")
    return value
