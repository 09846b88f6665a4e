"""The agenda's JSON bytes: ``Agenda.to_json`` against the bytes pinned here and against
``model_dump_json`` / ``model_dump`` (issue 15: the extension fields are left out by a field-level
``exclude_if``, no longer by a Python serializer per row).

An extension field (``review_reason`` ... ``strength``; a trace entry's ``immunization``,
``reason``, ``target_dose``) is left out when None, whichever way the row was built; a contract
field is always written, null or at its default (``section``, ``unit``, ``inputs``) included.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from prevention_engine import Agenda, AgendaItem, Engine, Notification
from prevention_engine.agenda import (
    _OPTIONAL_KEYS,
    _TRACE_OPTIONAL_KEYS,
    CalendarRef,
    Score,
    SourceRef,
    TraceEntry,
)
from tests.snapshot.record import golden

#: a pydantic warning while writing fails the test
pytestmark = pytest.mark.filterwarnings("error")

CONTRACT_ROW = (
    '"id":"fr-vaccination/menb/2","item":"menb","domain":"vaccination",'
    '"targets":["meningococcus_b"],"dose":2,"status":"overdue","earliest_date":"2024-08-15",'
    '"recommended_date":"2024-08-15","past_due_date":"2024-09-14","latest_date":null,'
    '"mandatory":true,"title":"Méningocoque B (2e dose)","reason":"En retard.",'
    '"source":{"title":"Calendrier","url":"https://sante.gouv.fr/c","section":null},'
    '"calendar":{"id":"fr-vaccination","version":"2025.1"},"review":false'
)
HEAD = ('{"person_id":"p-001","as_of":"2025-11-10",'
        '"calendars":[{"id":"fr-vaccination","version":"2025.1"}],"items":[')
TAIL = ('],"notifications":[{"key":"k","item_id":"fr-vaccination/menb/2",'
        '"send_date":"2025-11-10","recipient":"p-001","channel":"app"}],"warnings":["w"]}')

SCORE = Score(name="FINDRISC", value=12.0, band="moderate")  # unit and inputs at their defaults
TRACE = [
    TraceEntry(date=dt.date(2024, 6, 1), event="Bexsero", outcome="counted", detail="valide"),
    TraceEntry(date=None, event="e", outcome="ignored", detail="d", immunization=0,
               reason="too_soon", target_dose=2),
]
#: Each extension field with a value, and its JSON text.
EXTENSIONS: dict[str, tuple[Any, str]] = {
    "review_reason": ("À relire.", '"À relire."'),
    "occurrence": ("2025", '"2025"'),
    "completed_date": (dt.date(2024, 9, 1), '"2024-09-01"'),
    "series": ("standard", '"standard"'),
    "missing_data": ([], "[]"),
    "score": (SCORE, '{"name":"FINDRISC","value":12.0,"unit":null,"band":"moderate","inputs":{}}'),
    "method": ("hpv_test", '"hpv_test"'),
    "vaccine_group": ("MenB", '"MenB"'),
    "trace": (TRACE, '[{"date":"2024-06-01","event":"Bexsero","outcome":"counted",'
                     '"detail":"valide"},{"date":null,"event":"e","outcome":"ignored",'
                     '"detail":"d","immunization":0,"reason":"too_soon","target_dose":2}]'),
    "strength": ("optional", '"optional"'),
}


def _contract() -> dict[str, Any]:
    return dict(
        id="fr-vaccination/menb/2", item="menb", domain="vaccination",
        targets=["meningococcus_b"], dose=2, status="overdue",
        earliest_date=dt.date(2024, 8, 15), recommended_date=dt.date(2024, 8, 15),
        past_due_date=dt.date(2024, 9, 14), latest_date=None, mandatory=True,
        title="Méningocoque B (2e dose)", reason="En retard.",
        source=SourceRef(title="Calendrier", url="https://sante.gouv.fr/c"),
        calendar=CalendarRef(id="fr-vaccination", version="2025.1"), review=False,
    )


def _agenda(*rows: AgendaItem) -> Agenda:
    return Agenda(
        person_id="p-001", as_of=dt.date(2025, 11, 10),
        calendars=[CalendarRef(id="fr-vaccination", version="2025.1")], items=list(rows),
        notifications=[Notification(key="k", item_id="fr-vaccination/menb/2",
                                    send_date=dt.date(2025, 11, 10), recipient="p-001",
                                    channel="app")],
        warnings=["w"],
    )


def _same_everywhere(agenda: Agenda, expected: str) -> None:
    """``to_json``, ``model_dump_json``, ``model_dump(mode="json")`` and a round trip agree."""
    assert agenda.to_json() == expected
    assert agenda.model_dump_json() == expected
    assert agenda.model_dump(mode="json") == json.loads(expected)
    assert Agenda.model_validate_json(expected).to_json() == expected


def test_a_row_with_every_extension_field_none_writes_the_contract_fields_only() -> None:
    built = [
        AgendaItem(**_contract()),
        AgendaItem(**_contract(), **dict.fromkeys(_OPTIONAL_KEYS)),  # explicit None
        AgendaItem.model_construct(**_contract(), **dict.fromkeys(_OPTIONAL_KEYS)),
        AgendaItem(**_contract(), review_reason="x").model_copy(update={"review_reason": None}),
    ]
    for row in built:
        _same_everywhere(_agenda(row), HEAD + "{" + CONTRACT_ROW + "}" + TAIL)
        assert set(row.model_dump()) == set(_contract())


def test_a_user_built_row_with_explicit_none_extensions() -> None:
    row = AgendaItem(**_contract(), review_reason=None, trace=None)
    assert "review_reason" in row.model_fields_set  # set, yet not written
    _same_everywhere(_agenda(row), HEAD + "{" + CONTRACT_ROW + "}" + TAIL)
    assert row.model_dump_json() == "{" + CONTRACT_ROW + "}"


@pytest.mark.parametrize("key", _OPTIONAL_KEYS)
def test_each_extension_field_with_a_value_is_written_in_its_place(key: str) -> None:
    value, text = EXTENSIONS[key]
    expected = HEAD + "{" + CONTRACT_ROW + f',"{key}":{text}' + "}" + TAIL
    _same_everywhere(_agenda(AgendaItem(**_contract(), **{key: value})), expected)


def test_every_extension_field_set_in_field_order() -> None:
    row = AgendaItem(**_contract(), **{k: v for k, (v, _) in EXTENSIONS.items()})
    texts = "".join(f',"{k}":{EXTENSIONS[k][1]}' for k in _OPTIONAL_KEYS)
    _same_everywhere(_agenda(row, row), HEAD + ",".join(["{" + CONTRACT_ROW + texts + "}"] * 2)
                     + TAIL)


def test_contract_fields_at_their_default_are_written() -> None:
    # section None, unit None and inputs {} are the models' defaults: still written
    row = AgendaItem(**_contract(), score=Score.model_construct(name="s", value=1.0, band="b"))
    text = json.loads(_agenda(row).to_json())["items"][0]
    assert text["source"] == {"title": "Calendrier", "url": "https://sante.gouv.fr/c",
                              "section": None}
    assert text["score"] == {"name": "s", "value": 1.0, "unit": None, "band": "b", "inputs": {}}
    assert _agenda(row).to_json() == _agenda(row).model_dump_json()


def test_a_trace_entry_leaves_out_its_empty_extension_fields() -> None:
    for entry in (TRACE[0], TraceEntry(**TRACE[0].model_dump(), **dict.fromkeys(
            _TRACE_OPTIONAL_KEYS))):
        assert entry.model_dump_json() == (
            '{"date":"2024-06-01","event":"Bexsero","outcome":"counted","detail":"valide"}')


def test_model_dump_leaves_out_the_empty_extension_fields_as_before() -> None:
    # CONTRACT.md section 1: agenda.model_dump(mode="json") is the JSON of section 4
    row = AgendaItem(**_contract(), vaccine_group="MenB", trace=TRACE[:1])
    dumped = row.model_dump()
    assert list(dumped) == [*_contract(), "vaccine_group", "trace"]
    assert dumped["trace"] == [{"date": dt.date(2024, 6, 1), "event": "Bexsero",
                                "outcome": "counted", "detail": "valide"}]
    assert dumped["source"]["section"] is None and dumped["latest_date"] is None
    assert _agenda(row).model_dump()["items"] == [dumped]


def test_a_subclass_of_agenda_writes_its_own_fields() -> None:
    class Tagged(Agenda):
        tag: str = "t"

    agenda = Tagged(**dict(_agenda(AgendaItem(**_contract()))), tag="x")
    assert agenda.to_json() == agenda.model_dump_json()
    assert agenda.to_json().endswith(',"warnings":["w"],"tag":"x"}')
    assert agenda.to_json_bytes() == agenda.to_json().encode()


def test_engine_agendas_round_trip_and_match_model_dump_json(engine: Engine) -> None:
    agendas = list(golden(engine))  # every golden situation, trace on
    assert len(agendas) > 50 and any(i.trace for a in agendas for i in a.items)
    for agenda in agendas:
        text = agenda.to_json()
        assert text == agenda.model_dump_json()
        assert agenda.to_json_bytes() == text.encode("utf-8")  # the batch's full output
        assert json.loads(text) == agenda.model_dump(mode="json")
        assert Agenda.model_validate_json(text).to_json() == text


def test_only_the_extension_fields_are_left_out_when_empty() -> None:
    # a contract field (null or at its default) is always written: only the extension fields
    # carry the exclusion, and each of them does
    for model, keys in ((AgendaItem, _OPTIONAL_KEYS), (TraceEntry, _TRACE_OPTIONAL_KEYS)):
        excluded = {n for n, f in model.model_fields.items() if f.exclude_if is not None}
        assert excluded == set(keys), model.__name__
    for model in (Agenda, Score, SourceRef, CalendarRef, Notification):
        assert all(f.exclude_if is None for f in model.model_fields.values()), model.__name__


def test_status_type_and_vocabulary_list_the_same_statuses() -> None:
    """The agenda's ``Status`` type (what the JSON may hold) and the vocabulary's ``STATUSES``
    (what callers and documents list) are written twice, a type and a tuple: they must agree,
    in the same order (CONTRACT's status table)."""
    from typing import get_args

    from prevention_engine.agenda import Status
    from prevention_engine.vocabulary import STATUSES

    assert get_args(Status) == STATUSES
