"""Strict JSON reading for inputs: duplicated keys, deep nesting and huge numbers are errors.

``json.loads`` keeps the last of two equal keys (a second "immunizations" would silently drop
the doses of the first), recurses without limit and raises ``ValueError`` on a 5,000-digit
integer; every adapter that reads profiles goes through here instead.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import ProfileError


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ProfileError("the key appears twice in the same object", field=key)
        out[key] = value
    return out


def loads(text: str | bytes, *, where: str | None = None) -> Any:
    """Parse JSON text; every problem is a ``ProfileError`` (``where`` names the source)."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ProfileError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", field=where
        ) from None
    except ProfileError:
        raise  # a duplicated key, already naming its field
    except RecursionError:
        raise ProfileError("JSON nested too deeply", field=where) from None
    except UnicodeDecodeError:  # bytes neither UTF-8 nor the UTF-16/32 json detects
        raise ProfileError(f"the text is not UTF-8 (byte {_first_bad_byte(text)})",
                           field=where) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ProfileError(f"invalid JSON: {exc}", field=where) from None


def _first_bad_byte(text: str | bytes) -> int:
    try:
        (text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")).decode()
    except UnicodeDecodeError as exc:
        return exc.start
    return 0
