"""Errors raised on bad input, so callers can tell a bad profile from a bad rule file."""

from __future__ import annotations

from typing import Any


class PreventionError(Exception):
    """Base class of every error raised on purpose by prevention-engine."""


class CalendarError(PreventionError):
    """A rule file is wrong. Carries where (file, line, item, field) and a suggestion if any."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        item: str | None = None,
        field: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.item = item
        self.field = field
        self.suggestion = suggestion
        super().__init__(self.render())

    def render(self) -> str:
        where = self.file or "<rules>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where + ":"]
        if self.item:
            parts.append(f"{self.item}:")
        if self.field:
            parts.append(f"{self.field}:")
        text = " ".join(parts) + " " + self.message
        if self.suggestion:
            text += f" (did you mean '{self.suggestion}'?)"
        return text


class FieldInputError(PreventionError, ValueError):
    """A value given to a numerical core (growth, risk scores) cannot be used: the message
    names the field and the value, for the caller to tell which input to fix."""

    def __init__(self, message: str, *, field: str, value: Any = None) -> None:
        self.message = message
        self.field = field
        self.value = value
        text = f"{field}: {message}"
        if value is not None:
            text += f" (value: {value!r})"
        super().__init__(text)


class ProfileError(PreventionError, ValueError):
    """A patient profile is malformed. Names the field path and the offending value."""

    def __init__(self, message: str, *, field: str | None = None, value: Any = None) -> None:
        self.message = message
        self.field = field
        self.value = value
        text = message
        if field:
            text = f"{field}: {message}"
            if value is not None:
                text += f" (value: {value!r})"
        super().__init__(text)


class InputError(PreventionError, ValueError):
    """A call's argument is unusable (an assessment date out of range, an unknown calendar)."""
