"""Safe YAML loading that remembers the line of every mapping key and list entry.

Line numbers are what let a clinician find the faulty rule: every ``CalendarError`` points at
``file:line``. Only the safe loader is used (no tags, no arbitrary objects).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import threading
from collections import OrderedDict
from typing import Any

import yaml

from ..errors import CalendarError


class LocDict(dict[str, Any]):
    """A mapping from YAML with the line of the mapping and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LocList(list[Any]):
    """A sequence from YAML with the line of the sequence and of each entry (1-based)."""

    line: int = 0
    item_lines: list[int]


# libyaml's safe loader when available: same nodes and line marks, about 5 times faster
# (the generated US calendar is 15,000 lines).
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocDict:
    out = LocDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in out:
            raise CalendarError(
                f"duplicate key '{key}'", line=key_node.start_mark.line + 1, field=key
            )
        out[key] = _construct(loader, value_node, key)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct(loader: _Loader, node: yaml.Node, step: str) -> Any:
    """Construct one value; a scalar PyYAML cannot build (2020-02-30) names its line, and
    each mapping or list it sits in adds its ``step`` (a key, ``[i]``) to the error's field."""
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:
        if node.tag == "tag:yaml.org,2002:timestamp":
            message = f"the date {node.value} does not exist ({exc})"
        else:
            message = f"invalid value {node.value!r}: {exc}"
        raise CalendarError(message, line=node.start_mark.line + 1, field=step) from None
    except CalendarError as exc:
        if exc.field is not None:
            sep = "" if exc.field.startswith("[") else "."
            exc.field = f"{step}{sep}{exc.field}"
        raise


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocList:
    out = LocList(_construct(loader, child, f"[{i}]") for i, child in enumerate(node.value))
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


#: Tags whose values no rule reads (ordered pairs as tuples, sets, bytes): refused with their
#: line, where they made "expected a mapping, got tuple" with none.
_REFUSED_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("omap", "pairs", "set", "binary"))


def _tag(token: yaml.TagToken) -> str:
    """The full tag of a token: ``!!omap`` and ``!<tag:yaml.org,2002:omap>`` alike."""
    handle, suffix = token.value
    return f"tag:yaml.org,2002:{suffix}" if handle == "!!" else str(suffix)


def _written(token: yaml.TagToken) -> str:
    handle, suffix = token.value
    return f"{handle}{suffix}" if handle else f"!<{suffix}>"


#: Where an anchor (``&a``), an alias (``*a``) or a tag (``!!set``) could start: a token
#: begins a node, so after a line start, a blank, a flow or block indicator or a quote (the
#: scanner reads ``""!`` as a scalar then a tag). A file without any such place (the
#: 15,000-line US calendar) needs no token scan (about 0.3 s of its load).
_MAYBE_TOKEN = re.compile(r"(?:^|[\s\[\]{},:?\-\ufeff\"'|>])[&*!]", re.MULTILINE)


def _refuse_anchors(text: str, file: str) -> None:
    """Anchors and aliases (and the tags of ``_REFUSED_TAGS``) are refused before anything is
    built.

    Rule files do not need them (each rule is written out for the clinician who reads it), and
    nested aliases expand exponentially (a 2 KB "alias bomb" takes minutes and gigabytes).
    """
    if _MAYBE_TOKEN.search(text) is None:
        return
    for token in yaml.scan(text, Loader=_Loader):
        if isinstance(token, yaml.TagToken) and _tag(token) in _REFUSED_TAGS:
            raise CalendarError(
                f"YAML tag {_written(token)} is not allowed in rule files: write a plain "
                "mapping, a list or text", file=file, line=token.start_mark.line + 1)
        if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
            kind = "anchor &" if isinstance(token, yaml.AnchorToken) else "alias *"
            raise CalendarError(
                f"YAML {kind}{token.value} is not allowed in rule files: write the value out",
                file=file,
                line=token.start_mark.line + 1,
            )


def load_yaml(text: str, file: str) -> Any:
    """Parse YAML text; syntax errors become ``CalendarError`` with the file and line.

    The values come back packed: building them from YAML leaves the parser's nodes freed in
    holes between them, which the calendar compiled next fills and then holds for good, so the
    memory of a large file (the US calendar: about 16 MB) could never be given back and every
    forked batch worker would carry it too. The values are written to bytes as soon as they
    are built (the nodes and first values freed at once) and read back into fresh, dense
    memory (``pickle`` of our own in-memory values, never of input bytes).

    A text already parsed in this process is not parsed again (``_PARSED``): each load
    still builds fresh values from the packed bytes, so two engines never share one."""
    key = _digest(text)
    packed = _PARSED.get(key)
    if packed is None:
        packed = _parse(text, file)
        _PARSED.put(key, packed)
    return pickle.loads(packed)


def _digest(text: str) -> bytes:
    """What ``_PARSED`` knows a text by."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest()


def _parse(text: str, file: str) -> bytes:
    """The text's values, packed; its faults as ``CalendarError`` with the file and line."""
    try:
        _refuse_anchors(text, file)
        return _packed(yaml.load(text, Loader=_Loader))
    except CalendarError as exc:
        exc.file = file
        raise CalendarError(exc.message, file=file, line=exc.line, field=exc.field) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise CalendarError(f"YAML syntax: {exc.problem}{_started(exc, line)}", file=file,
                            line=line) from None
    except yaml.YAMLError as exc:
        raise CalendarError(f"YAML error: {exc}", file=file) from None
    except RecursionError:
        raise CalendarError("the YAML is nested too deeply", file=file, line=_deepest_line(text))\
            from None


class _ParsedTexts:
    """The packed values of the rule texts parsed last, by the digest of their text, within a
    byte budget (oldest out first). Building an engine parses every rule file, the 15,000-line
    US calendar alone in about 0.7 s; a process that builds several (a service reloading its
    rules, a notebook, the test suite: about 800 builds) parses each text once. Only texts that
    parsed are kept (a faulty one is parsed, and refused with its line, every time). The lock
    is made anew in a forked child: one held by another thread at the fork would never be let
    go there."""

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._size = 0
        self._packed: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = threading.Lock()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._new_lock)

    def _new_lock(self) -> None:
        self._lock = threading.Lock()

    def get(self, key: bytes) -> bytes | None:
        with self._lock:
            packed = self._packed.get(key)
            if packed is not None:
                self._packed.move_to_end(key)
            return packed

    def put(self, key: bytes, packed: bytes) -> None:
        if len(packed) > self._budget:
            return
        with self._lock:
            if key in self._packed:
                return
            self._packed[key] = packed
            self._size += len(packed)
            while self._size > self._budget:
                _, old = self._packed.popitem(last=False)
                self._size -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._packed.clear()
            self._size = 0


#: The bundled rules pack into about 1.4 MB (the US calendar 1 MB).
_PARSED = _ParsedTexts(budget=16 * 2**20)


def forget_parsed() -> None:
    """Let go of the texts kept: a process about to fork workers around one engine (a batch)
    builds no other, and each worker would count them again (about 3 MB per process)."""
    _PARSED.clear()


def _started(exc: yaml.MarkedYAMLError, line: int | None) -> str:
    """Where the faulty construct starts, when the parser noticed it on a later line
    (``title:"DTP"`` is reported on the next key): the line an author must fix."""
    ctx = exc.context_mark
    if ctx is None or not exc.context or ctx.line + 1 == line:
        return ""
    return f" ({exc.context}, line {ctx.line + 1})"


#: Resolves a plain scalar's type as the safe loader does (``null``, ``NO``: not text).
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"


def _text(event: yaml.ScalarEvent) -> str | None:
    """The scalar's value if the safe loader builds it as text, else None."""
    tag = event.tag
    if tag is None:
        tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    return str(event.value) if tag in (_STR, "!") else None


def top_level_scalars(text: str) -> dict[str, str | None] | None:
    """Each top-level key of a one-document mapping with its value's text (None: not text),
    read from the parser's events; None for a file the full load must judge: not a mapping,
    more than one document, a key given twice or not text, an anchor or alias, or a YAML
    error (the full load then says what is wrong, with the line). Reading every event costs a
    few hundredths of a second for the 15,000-line US calendar, and builds none of it."""
    keys = _TopKeys()
    try:
        if not all(keys.feed(event) for event in yaml.parse(text, Loader=_Loader)):
            return None
    except yaml.YAMLError:
        return None
    return keys.out if keys.docs == 1 else None


class _TopKeys:
    """The top-level keys and text values of a document, fed its parser's events."""

    def __init__(self) -> None:
        self.out: dict[str, str | None] = {}
        self.docs = 0
        self._depth = 0  # 1: in the top-level mapping; more: in one of its values
        self._key: str | None = None  # the key whose value comes next

    def feed(self, event: yaml.Event) -> bool:
        """False once the file is one the full load must judge."""
        if isinstance(event, yaml.DocumentStartEvent):
            self.docs += 1
            return self.docs == 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            return False  # refused by the loader
        if isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent):
            return True
        if self._depth == 0:  # the document itself
            self._depth = 1
            return isinstance(event, yaml.MappingStartEvent) and not self.out
        if self._depth == 1:
            return self._top(event)
        if isinstance(event, yaml.CollectionStartEvent):
            self._depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            self._depth -= 1
        return True

    def _top(self, event: yaml.Event) -> bool:
        """A key, a value, or the end of the top-level mapping."""
        if isinstance(event, yaml.MappingEndEvent):
            self._depth = 0
            return True
        text = _text(event) if isinstance(event, yaml.ScalarEvent) else None
        if self._key is None:  # a key
            if text is None or text in self.out:
                return False  # not text, or given twice
            self._key = text
            return True
        self.out[self._key] = text
        self._key = None
        if isinstance(event, yaml.CollectionStartEvent):
            self._depth = 2
        return True


def _packed(values: Any) -> bytes:
    return pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)


def _deepest_line(text: str) -> int:
    """The line that opens the most brackets: where a runaway flow-style nesting sits."""
    counts = [line.count("{") + line.count("[") for line in text.splitlines()] or [0]
    return counts.index(max(counts)) + 1
