"""Rule kinds, one module each (DESIGN.md section 6). Importing this registers them all."""

from . import campaign, growth, record, recurring, series, window  # noqa: F401
from .base import KINDS, Kind, Tables, register

__all__ = ["KINDS", "Kind", "Tables", "register"]
