"""The value a risk score returns, and the error a caller gets for unusable inputs.

Results are frozen and carry the inputs actually used, so an agenda item can show a clinician
exactly what the number was computed from (CONTRACT.md section 4, the ``score`` object).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..errors import FieldInputError

InputValue = float | int | bool | str


class RiskInputError(FieldInputError):
    """An input cannot be scored (out of the model's range, not a finite number...)."""


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """One computed score: ``value`` is what is shown (0.1 % or points); ``exact`` is unrounded."""

    name: str
    value: float
    unit: str
    band: str
    inputs: tuple[tuple[str, InputValue], ...]
    exact: float
    review: bool = False

    def as_score(self) -> dict[str, Any]:
        """The ``score`` object of the agenda JSON (CONTRACT.md section 4)."""
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "band": self.band,
            "inputs": dict(self.inputs),
        }


def round_half_up(value: float, places: int = 1) -> float:
    """Round as a clinician reads a printed value (4.25 -> 4.3), not banker's rounding."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def require_finite(field: str, value: float, *, positive: bool = True) -> float:
    """Reject NaN, infinities, booleans passed as numbers and (by default) values <= 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RiskInputError("must be a number", field=field, value=value)
    if not math.isfinite(value):
        raise RiskInputError("must be a finite number", field=field, value=value)
    if positive and value <= 0:
        raise RiskInputError("must be greater than 0", field=field, value=value)
    return float(value)


def require_bool(field: str, value: object) -> bool:
    """A yes/no fact must be a real boolean: 'no' or 0 are refused, never read as a guess."""
    if not isinstance(value, bool):
        raise RiskInputError("must be true or false", field=field, value=value)
    return value
