"""Safe YAML loading that remembers the line of every mapping key and list entry.

Line numbers are what let a clinician find the faulty rule: every ``CalendarError`` points at
``file:line``. Only the safe loader is used (no tags, no arbitrary objects).
"""

from __future__ import annotations

import pickle
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
        out[key] = _construct(loader, value_node)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct(loader: _Loader, node: yaml.Node) -> Any:
    """Construct one value; a scalar PyYAML cannot build (2020-02-30) names its line."""
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:
        raise CalendarError(f"invalid value: {exc}", line=node.start_mark.line + 1) from None


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocList:
    out = LocList(_construct(loader, child) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _refuse_anchors(text: str, file: str) -> None:
    """Anchors and aliases are refused before anything is built.

    Rule files do not need them (each rule is written out for the clinician who reads it), and
    nested aliases expand exponentially (a 2 KB "alias bomb" takes minutes and gigabytes).
    """
    for token in yaml.scan(text, Loader=_Loader):
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
    memory (``pickle`` of our own in-memory values, never of input bytes)."""
    try:
        _refuse_anchors(text, file)
        packed = _packed(yaml.load(text, Loader=_Loader))
    except CalendarError as exc:
        exc.file = file
        raise CalendarError(exc.message, file=file, line=exc.line, field=exc.field) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise CalendarError(f"YAML syntax: {exc.problem}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise CalendarError(f"YAML error: {exc}", file=file) from None
    except RecursionError:
        raise CalendarError("the YAML is nested too deeply", file=file, line=_deepest_line(text))\
            from None
    return pickle.loads(packed)


def top_level_scalar(text: str, key: str) -> str | None:
    """The text of a top-level key's scalar value, read from the parser's first events (the
    rest of the file is never built), or None: no such key, not a scalar, or not a mapping.

    What lets a run load only some jurisdictions skip a large calendar of another (the US
    calendar: 16 MB kept in every process) without building it. A file the parser cannot read
    gives None: the full load then says what is wrong, with the line."""
    depth, at_key, wanted = 0, True, False
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.ScalarEvent) and depth == 1:
                if not at_key and wanted:
                    return str(event.value)
                wanted = at_key and event.value == key
                at_key = not at_key
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                top_list = depth == 0 and isinstance(event, yaml.SequenceStartEvent)
                if top_list or (depth == 1 and wanted and not at_key):
                    return None  # not a mapping, or the key's value is not a scalar
                depth += 1
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
                if depth == 1:
                    at_key = True  # a collection value ended: a key comes next
                elif depth == 0:
                    return None
    except yaml.YAMLError:
        return None
    return None


def _packed(values: Any) -> bytes:
    return pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)


def _deepest_line(text: str) -> int:
    """The line that opens the most brackets: where a runaway flow-style nesting sits."""
    counts = [line.count("{") + line.count("[") for line in text.splitlines()] or [0]
    return counts.index(max(counts)) + 1
