"""One input record (a ``Profile``, a mapping, or JSON text) read into a ``Profile``.

Services hand ``evaluate_many`` and the batch adapter records in whichever of these shapes they
hold; reading them is done here, once, with the strict JSON reader (duplicate keys refused),
so the engine only ever evaluates profiles.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import PreventionError
from .jsonin import loads
from .profile import Profile

Record = Profile | Mapping[str, Any] | str | bytes


def record_id(raw: object) -> str | None:
    """The ``id`` a record gives itself, to name it in an error even when it is invalid."""
    if isinstance(raw, Profile):
        return raw.id
    if isinstance(raw, Mapping):
        pid = raw.get("id")
        return pid if isinstance(pid, str) else None
    return None


def parsed(raw: Record) -> Profile | Mapping[str, Any]:
    """JSON text parsed strictly (a ``ProfileError`` names the problem); other shapes as given."""
    if isinstance(raw, str | bytes):
        data = loads(raw)
        if not isinstance(data, Mapping):
            return Profile.model_validate(data)  # the model says what is wrong with it
        return data
    return raw


def to_profile(data: Profile | Mapping[str, Any]) -> Profile:
    return data if isinstance(data, Profile) else Profile.model_validate(data)


#: What one bad record raises (invalid input, or numbers that break the date or growth
#: arithmetic): it is that record's error, and a batch or a Spark job goes on.
RECORD_ERRORS = (PreventionError, ValueError, ArithmeticError, RecursionError)


def internal_error(exc: Exception) -> str:
    """The error of a record on which the engine failed otherwise: a bug, not bad input, said
    so, so that one record never stops a whole night (``MemoryError`` aside)."""
    return f"internal error, please report it with this record: {type(exc).__name__}: {exc}"
