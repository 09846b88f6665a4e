"""Typed access to a YAML mapping that reports errors with file, line, item and field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..dates import Duration, parse_duration
from ..errors import CalendarError
from ..vocabulary import suggest
from .model import SourceInfo
from .yamlsrc import LocDict, LocList

#: Every duration in a rule is measured from this date: a negative one reaches a date before it,
#: an absurd one a date beyond ``_LONGEST`` (no age or interval in a calendar exceeds a lifetime).
_PROBE = dt.date(2000, 1, 1)
_LONGEST = dt.date(2150, 1, 1)


def yaml_type(value: Any) -> str:
    """The YAML word for a value's type, for messages: the loader's lists and mappings are
    subclasses that carry line numbers, and their class names mean nothing to a rule author."""
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


class Reader:
    """Wraps one YAML mapping; every accessor raises ``CalendarError`` pointing at the line."""

    def __init__(self, data: Any, file: str, item: str | None = None, path: str = "") -> None:
        self.file = file
        self.item = item
        self.path = path
        if not isinstance(data, dict):
            raise CalendarError(
                f"expected a mapping, got {yaml_type(data)}",
                file=file,
                line=getattr(data, "line", None),
                item=item,
                field=path or None,
            )
        self.data: dict[str, Any] = data

    # -- locations -------------------------------------------------------------------------
    def line_of(self, key: str | None = None) -> int | None:
        if isinstance(self.data, LocDict):
            if key is not None and key in self.data.key_lines:
                return self.data.key_lines[key]
            return self.data.line
        return None

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(
        self, message: str, key: str | None = None, suggestion: str | None = None
    ) -> CalendarError:
        return CalendarError(
            message,
            file=self.file,
            line=self.line_of(key),
            item=self.item,
            field=self.field(key) if key else (self.path or None),
            suggestion=suggestion,
        )

    def child(self, key: str, value: Any | None = None) -> Reader:
        v = self.data[key] if value is None else value
        if not isinstance(v, dict):
            raise self.error(f"expected a mapping, got {yaml_type(v)}", key)
        return Reader(v, self.file, self.item, self.field(key))

    def children(self, key: str) -> list[Reader]:
        v = self.data.get(key)
        if v is None:
            return []
        if not isinstance(v, list):
            raise self.error("expected a list", key)
        out = []
        for i, entry in enumerate(v):
            path = f"{self.field(key)}[{i}]"
            if not isinstance(entry, dict):
                line = v.item_lines[i] if isinstance(v, LocList) else None
                raise CalendarError(
                    f"expected a mapping, got {yaml_type(entry)}",
                    file=self.file,
                    line=line,
                    item=self.item,
                    field=path,
                )
            out.append(Reader(entry, self.file, self.item, path))
        return out

    # -- checks ----------------------------------------------------------------------------
    def check_keys(self, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        allowed_set = set(allowed)
        for key in self.data:
            if key not in allowed_set:
                raise self.error(
                    f"unknown key '{key}'", key, suggestion=suggest(key, sorted(allowed_set))
                )
        for key in required:
            if key not in self.data:
                raise self.error(f"missing required key '{key}'")

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def get_str(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        v = self.data.get(key)
        if v is None:
            if required:
                raise self.error(f"missing required key '{key}'")
            return default
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise self.error(f"expected text, got {yaml_type(v)}", key)
        return str(v)

    def req_str(self, key: str) -> str:
        v = self.get_str(key)
        if v is None:
            raise self.error(f"missing required key '{key}'")
        return v

    def req_date(self, key: str) -> dt.date:
        v = self.get_date(key)
        if v is None:
            raise self.error(f"missing required key '{key}'")
        return v

    def req_duration(self, key: str, positive: bool = False) -> Duration:
        d = self._raw_duration(key, True)
        if d is None:
            raise self.error(f"missing required key '{key}'")
        return self._checked(d, key, positive)

    def get_bool(self, key: str, default: bool = False) -> bool:
        v = self.data.get(key)
        if v is None:
            return default
        if not isinstance(v, bool):
            raise self.error(f"expected true or false, got {v!r}", key)
        return v

    def get_int(self, key: str, default: int | None = None) -> int | None:
        v = self.data.get(key)
        if v is None:
            return default
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.error(f"expected a whole number, got {v!r}", key)
        return v

    def number(self, key: str) -> float | None:
        v = self.data.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise self.error(f"expected a number, got {v!r}", key)
        return float(v)

    def get_date(self, key: str, required: bool = False) -> dt.date | None:
        v = self.data.get(key)
        if v is None:
            if required:
                raise self.error(f"missing required key '{key}'")
            return None
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                pass
        raise self.error(f"expected a date YYYY-MM-DD, got {v!r}", key)

    def duration(
        self, key: str, required: bool = False, positive: bool = False
    ) -> Duration | None:
        """A duration checked for sign and range: never negative, at most 150 years, and longer
        than zero where ``positive`` (a repeat interval of zero would never end)."""
        d = self._raw_duration(key, required)
        return None if d is None else self._checked(d, key, positive)

    def duration_list(self, key: str) -> tuple[Duration, ...]:
        """A list of durations (booster ages), each checked like ``duration``."""
        out = []
        for text in self.str_list(key):
            try:
                out.append(self._checked(parse_duration(text), key, False))
            except ValueError as exc:
                raise self.error(str(exc), key) from None
        return tuple(out)

    def _checked(self, d: Duration, key: str, positive: bool) -> Duration:
        reached = d.add_to(_PROBE)
        if reached < _PROBE:
            raise self.error(f"the duration '{d}' is negative; durations count forward", key)
        if positive and reached == _PROBE:
            raise self.error(f"the duration '{d}' must be longer than 0 days", key)
        if reached > _LONGEST:
            raise self.error(f"the duration '{d}' is longer than 150 years", key)
        return d

    def _raw_duration(self, key: str, required: bool) -> Duration | None:
        v = self.data.get(key)
        if v is None:
            if required:
                raise self.error(f"missing required key '{key}'")
            return None
        if not isinstance(v, str):
            raise self.error(f"expected a duration such as '2 months', got {v!r}", key)
        try:
            return parse_duration(v)
        except ValueError as exc:
            raise self.error(str(exc), key) from None

    def str_list(self, key: str, vocabulary: Iterable[str] | None = None) -> tuple[str, ...]:
        v = self.data.get(key)
        if v is None:
            return ()
        if isinstance(v, str | int) and not isinstance(v, bool):
            v = [v]
        if not isinstance(v, list):
            raise self.error("expected a list", key)
        out = []
        vocab = set(vocabulary) if vocabulary is not None else None
        for entry in v:
            if isinstance(entry, bool) or not isinstance(entry, str | int):
                raise self.error(f"expected text in the list, got {entry!r}", key)
            s = str(entry)
            if vocab is not None and s not in vocab:
                raise self.error(f"unknown value '{s}'", key, suggestion=suggest(s, sorted(vocab)))
            out.append(s)
        return tuple(out)


def req_source(r: Reader, key: str = "source") -> SourceInfo:
    """The cited source a rule must have (every rule cites its source)."""
    source = read_source(r, key)
    if source is None:
        raise r.error(f"missing required key '{key}' (every rule cites its source)")
    return source


def read_source(r: Reader, key: str = "source", required: bool = True) -> SourceInfo | None:
    """The cited source of a rule, an exclusion or a season: here, below the loader and the
    kinds, because both read sources and kinds must not import the loader."""
    if not r.has(key):
        if required:
            raise r.error(f"missing required key '{key}' (every rule cites its source)")
        return None
    s = r.child(key)
    s.check_keys(["title", "url", "section", "published"], required=["title", "url"])
    s.get_date("published")
    url = s.req_str("url")
    if not url.startswith(("http://", "https://")):
        raise s.error(f"url must start with http:// or https://, got {url!r}", "url")
    return SourceInfo(s.req_str("title"), url, s.get_str("section"))
