"""The agenda: the only output of an evaluation (CONTRACT.md section 4).

Field order is the JSON order, so the serialised agenda is byte-stable.

An extension field (``_OPTIONAL_KEYS``, ``_TRACE_OPTIONAL_KEYS``) appears only when it carries
something: the rows' wrap serializers drop it when None, for ``model_dump``, ``model_dump_json``
and any model or adapter that embeds a row. ``Agenda.to_json`` (every batch line) writes the same
bytes without them: those serializers are a Python call per row with an intermediate dict (a
fifth of the writing), so it serialises with twins of the models whose only defaults are the
extension fields (None), with ``exclude_defaults``, entirely in pydantic-core.
"""

from __future__ import annotations

import datetime as dt
import operator
from functools import reduce
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializerFunctionWrapHandler,
    create_model,
    model_serializer,
)
from pydantic_core import SchemaSerializer

Status = Literal[
    "completed",
    "due",
    "overdue",
    "upcoming",
    "missed",
    "contraindicated",
    "immune",
    "declined",
    "not_recommended",
    "needs_data",
]

STATUS_ORDER: dict[str, int] = {
    "overdue": 0,
    "due": 1,
    "upcoming": 2,
    "needs_data": 3,
    "missed": 4,
    "contraindicated": 5,
    "declined": 6,
    "immune": 7,
    "not_recommended": 8,
    "completed": 9,
}


_OPTIONAL_KEYS = (
    "review_reason",
    "occurrence",
    "completed_date",
    "series",
    "missing_data",
    "score",
    "method",
    "vaccine_group",
    "trace",
    "strength",
)
#: TraceEntry's extension fields (the recorded dose's index, reason code and target dose).
_TRACE_OPTIONAL_KEYS = ("immunization", "reason", "target_dose")


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceRef(_Out):
    title: str
    url: str
    section: str | None = None


class CalendarRef(_Out):
    id: str
    version: str


class Score(_Out):
    name: str
    value: float
    unit: str | None = None
    band: str
    inputs: dict[str, Any] = {}


class TraceEntry(_Out):
    """One history event the rule looked at, and what it did with it."""

    date: dt.date | None
    event: str
    outcome: str
    detail: str
    #: For a recorded dose: its index in the profile's ``immunizations``, the reason code of
    #: its evaluation (too_young, too_soon, grace_period, ...) and the target dose it satisfied.
    immunization: int | None = None
    reason: str | None = None
    target_dose: int | None = None

    @model_serializer(mode="wrap")
    def _drop_empty(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for key in _TRACE_OPTIONAL_KEYS:
            if data.get(key) is None:
                data.pop(key, None)
        return data


class AgendaItem(_Out):
    id: str
    item: str
    domain: str
    targets: list[str]
    dose: int | None
    status: Status
    earliest_date: dt.date | None
    recommended_date: dt.date | None
    past_due_date: dt.date | None
    latest_date: dt.date | None
    mandatory: bool
    title: str
    reason: str
    source: SourceRef
    calendar: CalendarRef
    review: bool
    review_reason: str | None = None
    occurrence: str | None = None
    completed_date: dt.date | None = None
    series: str | None = None
    missing_data: list[str] | None = None
    score: Score | None = None
    method: str | None = None
    #: the item's vaccine group (``vaccine_group.name`` in the rule): rows of items sharing it
    #: are reported together, e.g. the CDSi groups MMR and DTaP/Tdap/Td
    vaccine_group: str | None = None
    trace: list[TraceEntry] | None = None
    #: "optional" for a shared decision ("à discuter avec votre médecin", never notified);
    #: absent (None) for an ordinary recommendation
    strength: Literal["optional"] | None = None

    @model_serializer(mode="wrap")
    def _drop_empty_extensions(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # The contract's fields are always present (null when absent); the extension fields
        # appear only when they carry something, to keep nightly output small.
        data: dict[str, Any] = handler(self)
        for key in _OPTIONAL_KEYS:
            if data.get(key) is None:
                data.pop(key, None)
        return data


class Notification(_Out):
    key: str
    item_id: str
    send_date: dt.date
    recipient: str
    channel: str


class Agenda(_Out):
    person_id: str | None
    as_of: dt.date
    calendars: list[CalendarRef]
    items: list[AgendaItem]
    notifications: list[Notification]
    warnings: list[str]

    def item(self, item_id: str) -> list[AgendaItem]:
        """Rows of one rule (``"menb"``) or one row by full id (``"fr-vaccination/menb/2"``)."""
        return [i for i in self.items if i.item == item_id or i.id == item_id]

    def to_json(self) -> str:
        """Byte-stable JSON (the same input always gives the same bytes): the bytes of
        ``model_dump_json()``, written without the rows' Python serializers (module docstring)."""
        if type(self) is not Agenda:  # a subclass may add fields: its own serializer
            return self.model_dump_json()
        return _JSON.to_json(self, exclude_defaults=True).decode()


#: The models whose fields with a default are extension fields (None: not written).
_EXTENSIONS: dict[type[BaseModel], tuple[str, ...]] = {
    AgendaItem: _OPTIONAL_KEYS,
    TraceEntry: _TRACE_OPTIONAL_KEYS,
}


def _twin(tp: Any, twins: dict[Any, Any]) -> Any:
    """``tp`` with every model in it replaced by its JSON twin, built on first meeting: the
    same fields in the same order, no serializer, a default (None) on the extension fields
    only, so ``exclude_defaults`` leaves out exactly the empty extension fields and keeps every
    contract field (a ``section``, ``unit`` or ``inputs`` at its default included). Values of
    type ``Any`` (``Score.inputs``) are plain JSON values: a model put there would be written by
    its own serializer, with ``exclude_defaults``."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp not in twins:
            _check_twinnable(tp)
            optional = _EXTENSIONS.get(tp, ())
            fields: dict[str, Any] = {
                name: (_twin(f.annotation, twins), None if name in optional else ...)
                for name, f in tp.model_fields.items()
            }
            twins[tp] = create_model(f"_{tp.__name__}JSON", __base__=_Out, **fields)
        return twins[tp]
    origin, args = get_origin(tp), get_args(tp)
    if origin is Literal or not args:
        return tp
    if origin is list:
        return list[_twin(args[0], twins)]  # type: ignore[misc]
    if origin is dict:
        return dict[_twin(args[0], twins), _twin(args[1], twins)]  # type: ignore[misc]
    if origin in (Union, UnionType):
        return reduce(operator.or_, (_twin(a, twins) for a in args))
    raise TypeError(f"agenda field type {tp!r}: no JSON twin for it")  # a new shape: add it


#: The serializers a twin leaves out: the extension fields' wrap serializers (the twin's
#: defaults do their work). Anything else on an agenda model would be lost from ``to_json``.
_KNOWN_SERIALIZERS = {"_drop_empty", "_drop_empty_extensions"}


def _check_twinnable(model: type[BaseModel]) -> None:
    """A twin copies the fields' types only: a model that gains an alias, an exclusion, a
    field or computed serializer, or another model serializer must be written otherwise."""
    decorators = model.__pydantic_decorators__
    extra = set(decorators.model_serializers) - _KNOWN_SERIALIZERS
    if extra or decorators.field_serializers or decorators.computed_fields:
        raise TypeError(f"{model.__name__}: a serializer the JSON twin cannot copy")
    for name, f in model.model_fields.items():
        if f.alias or f.serialization_alias or f.exclude:
            raise TypeError(f"{model.__name__}.{name}: an alias or exclusion the twin cannot copy")


#: The serializer of ``Agenda.to_json``: the twins read the real instances (pydantic-core
#: serialises a model from its ``__dict__``); ``tests/unit/test_agenda_json.py`` checks that
#: the bytes are those of ``model_dump_json``.
_JSON: SchemaSerializer = _twin(Agenda, {}).__pydantic_serializer__
