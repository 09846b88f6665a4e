"""The agenda's pieces read from the model (``agenda_parts``) are those of its JSON, and the
compact output written from them is the one written from the JSON, byte for byte."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import pickle
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prevention_engine import Agenda, Engine, agenda_parts, compact
from prevention_engine.agenda import Score
from prevention_engine.agenda_parts import PER_PERSON, Splitter
from prevention_engine.compact import CompactWriter
from prevention_engine.strategies import AS_OF, assessment_dates, profiles
from tests.snapshot.record import CORPORA


def _agendas(engine: Engine) -> Iterator[Agenda]:
    """Every agenda of the snapshot corpora (golden cases, benchmark population, CDSi cases,
    with trace), so every row shape the engine writes is met."""
    for corpus in CORPORA.values():
        yield from corpus(engine)


def _expected(agenda: Agenda) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """The pieces as a reader of ``to_json`` finds them (in their order)."""
    data = json.loads(agenda.to_json())
    head = {k: v for k, v in data.items() if k != "items"}
    rows = [((r["id"], r["calendar"]["version"]),
             {k: v for k, v in r.items() if k not in PER_PERSON},
             {k: v for k, v in r.items() if k in PER_PERSON and k != "id"})
            for r in data["items"]]
    return head, rows


def _ordered(value: Any) -> Any:
    """A JSON value with its mappings as lists of pairs: equality then checks key order."""
    if isinstance(value, dict):
        return [(k, _ordered(v)) for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [_ordered(v) for v in value]
    return value


@pytest.fixture(scope="module")
def corpus(engine: Engine) -> list[Agenda]:
    return list(_agendas(engine))


def test_the_pieces_are_those_of_the_json_in_its_order(corpus: list[Agenda]) -> None:
    splitter = Splitter()
    rows_seen = 0
    for agenda in corpus:
        head, rows = splitter.parts(agenda)
        want_head, want_rows = _expected(agenda)
        assert _ordered(head) == _ordered(want_head)
        assert _ordered([(k, f, p) for k, f, _, p in rows]) == _ordered(want_rows)
        assert all(json.loads(text) == fixed and list(json.loads(text)) == list(fixed)
                   for _, fixed, text, _ in rows)
        rows_seen += len(rows)
    assert rows_seen > 5000  # the corpora met every kind's rows, with trace


def test_rows_of_one_rule_share_one_fixed_mapping(corpus: list[Agenda]) -> None:
    """Rows alike share one mapping object (built once); a row id has a few when its title,
    series or obligation differ between people (a booster "fait à 31 ans")."""
    splitter = Splitter()
    mappings: set[int] = set()
    kept: list[dict[str, Any]] = []  # keeps the mappings alive, so their ids stay theirs
    rows = 0
    for agenda in corpus:
        for _, fixed, _, _ in splitter.parts(agenda)[1]:
            rows += 1
            if id(fixed) not in mappings:
                mappings.add(id(fixed))
                kept.append(fixed)
    assert len(mappings) * 10 < rows


def _both_ways(agendas: list[Agenda], splitter: Splitter | None = None) -> tuple[str, str]:
    """(compact lines, catalogue) written from the JSON and from the pieces, side by side."""
    splitter = splitter or Splitter()
    out_json, cat_json, out_parts, cat_parts = (io.StringIO() for _ in range(4))
    from_json, from_parts = CompactWriter(out_json, cat_json), CompactWriter(out_parts, cat_parts)
    for agenda in agendas:
        from_json.write(agenda.to_json())
        from_parts.write(compact.prepare(splitter.parts(agenda)))
    assert out_parts.getvalue() == out_json.getvalue()
    assert cat_parts.getvalue() == cat_json.getvalue()
    return out_parts.getvalue(), cat_parts.getvalue()


def test_compact_from_the_pieces_is_compact_from_the_json(corpus: list[Agenda]) -> None:
    lines, catalogue = _both_ways(corpus)
    assert lines.count("\n") == len(corpus)
    full = "".join(a.to_json() + "\n" for a in corpus)
    expanded = compact.expand(lines.splitlines(), compact.read_catalogue(catalogue.splitlines()))
    assert "".join(x + "\n" for x in expanded) == full


def test_pieces_sent_by_a_worker_give_the_same_compact_output(corpus: list[Agenda]) -> None:
    """A batch worker pickles the pieces of a chunk: the unpickled copies (new objects, shared
    within the chunk only) give the same lines and catalogue."""
    splitter = Splitter()
    parts = [splitter.parts(a) for a in corpus[:300]]
    direct, copied = (io.StringIO(), io.StringIO()), (io.StringIO(), io.StringIO())
    w1, w2 = CompactWriter(*direct), CompactWriter(*copied)
    for i in range(0, len(parts), 16):
        chunk = parts[i:i + 16]
        for p in chunk:
            w1.write(compact.prepare(p))
        ready = [compact.prepare(p) for p in chunk]
        for p in pickle.loads(pickle.dumps(ready, protocol=pickle.HIGHEST_PROTOCOL)):
            w2.write(p)  # made ready in the worker, as the batch does
    assert [f.getvalue() for f in copied] == [f.getvalue() for f in direct]


def test_the_memories_of_splitter_and_writer_stay_bounded(
    corpus: list[Agenda], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agenda_parts, "MAX_FIXED", 3)
    monkeypatch.setattr(compact, "MAX_KNOWN", 5)
    splitter = Splitter()
    _both_ways(corpus[:150], splitter)  # still the same output while forgetting
    assert len(splitter._fixed) <= 3


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(profiles(), min_size=1, max_size=4), assessment_dates(min_value=AS_OF))
def test_any_profiles_compact_the_same_either_way(
    engine: Engine, people: list[Any], as_of: dt.date
) -> None:
    agendas = [engine.evaluate(p, as_of, trace=bool(i % 2)) for i, p in enumerate(people)]
    lines, _ = _both_ways(agendas)
    assert lines.count("\n") == len(agendas)


def test_a_score_json_has_no_number_for_is_written_as_to_json_writes_it(engine: Engine) -> None:
    """``to_json`` writes an infinite or NaN float as ``null`` (JSON has no such number); the
    pieces must too, or the compact line differs from the JSON path and is not JSON. (The
    growth curve gave a z-score of ``inf`` for a weight of 1e300 kg at a length of 1e-5 cm.)"""
    agenda = engine.evaluate({"birth_date": "2024-11-01", "sex": "male"}, AS_OF)
    odd = Score(name="growth_z", value=math.inf, unit="z", band="high",
                inputs={"weight": {"z": -math.inf, "percentile": math.nan}})
    first = agenda.items[0].model_copy(update={"score": odd})
    agenda = agenda.model_copy(update={"items": [first, *agenda.items[1:]]})
    lines, _ = _both_ways([agenda])
    strict = json.loads(lines, parse_constant=lambda name: pytest.fail(f"{name} written"))
    assert strict["items"][0]["score"]["value"] is None
