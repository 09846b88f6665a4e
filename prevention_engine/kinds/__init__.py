"""Rule kinds, one module each (DESIGN.md section 6). Importing this registers them all."""

from . import (  # noqa: F401
    advice,
    campaign,
    growth,
    monitoring,
    record,
    recurring,
    score,
    series,
    window,
)
from .base import KINDS, Kind, Tables, register

__all__ = ["KINDS", "Kind", "Tables", "register"]
