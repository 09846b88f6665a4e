"""Every word a person reads, in French: the sentences of the agenda rows, titles, the age line,
obligations and warnings (``sentences``), the chronic domain's reasons (``chronic``) and the
``--trace`` lines (``trace``), all reading a reason's parameters through ``params``.

Kinds and the core give a ``Reason`` (a code and its parameters); only this package writes
words. The texts live in submodules rather than here so that the optional compiled build
(mypyc, which compiles modules but not a package's ``__init__``) compiles them too; this module
names what the rest of the engine uses.
"""

from __future__ import annotations

from .params import Text
from .sentences import (
    GROWTH_NAMES,
    OPTIONAL_TEXT,
    TEXTS,
    WARNINGS,
    age,
    growth_line,
    item_reason,
    render,
    title,
    trace_entry,
    warning,
)

__all__ = [
    "GROWTH_NAMES",
    "OPTIONAL_TEXT",
    "TEXTS",
    "WARNINGS",
    "Text",
    "age",
    "growth_line",
    "item_reason",
    "render",
    "title",
    "trace_entry",
    "warning",
]
