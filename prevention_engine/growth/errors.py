"""Growth errors: a bad measurement names its field, a bad LMS file names its line."""

from __future__ import annotations

from prevention_engine.errors import FieldInputError, PreventionError


class GrowthInputError(FieldInputError):
    """A measurement, age or sex cannot be scored; names the field and the value."""


class GrowthTableError(PreventionError, ValueError):
    """An LMS table file is malformed or incomplete; names the file and the line."""

    def __init__(self, message: str, *, file: str, line: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {message}")
