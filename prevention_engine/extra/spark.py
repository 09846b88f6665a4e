"""Evaluate profiles inside PySpark with ``mapInArrow`` (extra ``[spark]``; Spark needs Java).

The engine is compiled once per Python worker of an executor (Spark reuses its Python workers)
and kept for every partition that worker evaluates; records travel as Arrow batches, never row
by row. Two outputs:

- ``"full"``: one row per profile, ``person_id``, ``agenda`` (the agenda JSON, as
  ``Agenda.to_json`` writes it) and ``error`` (why a record was rejected, else null);
- ``"rows"``: one row per agenda row, the columns of the Parquet output
  (``prevention_engine.extra.parquet.SCHEMA``); rejected records give no row.

Example (``examples/spark_agendas.py``)::

    from pyspark.sql import SparkSession
    from prevention_engine.extra.spark import evaluate_dataframe

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    people = spark.read.text("people.jsonl").withColumnRenamed("value", "profile")
    agendas = evaluate_dataframe(people, date(2025, 11, 10))
    agendas.write.mode("overwrite").parquet("agendas.parquet")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, TypeVar

import pyarrow as pa

from ..agenda import Agenda
from ..agenda_parts import Parts, Splitter
from ..engine import Engine
from ..errors import PreventionError
from ..records import RECORD_ERRORS, internal_error, parsed, record_id, to_profile
from ..registry import jurisdiction_codes
from .parquet import SCHEMA, append_parts

#: Engines compiled in this Python worker, by rule paths (none: the bundled rules) and the
#: jurisdictions loaded (none: all).
_ENGINES: dict[tuple[tuple[str, ...], tuple[str, ...] | None], Engine] = {}

FULL = pa.schema([("person_id", pa.string()), ("agenda", pa.string()), ("error", pa.string())])


def _engine(rule_paths: tuple[str, ...], only: tuple[str, ...] | None = None) -> Engine:
    key = (rule_paths, only)
    if key not in _ENGINES:
        _ENGINES[key] = Engine.from_paths(list(rule_paths), only) if rule_paths \
            else Engine.default(only)
    return _ENGINES[key]


#: what ``_one`` makes of an agenda (its JSON text, or its pieces)
Shaped = TypeVar("Shaped")


def _one(engine: Engine, text: str | None, as_of: dt.date, shape: Callable[[Agenda], Shaped]
         ) -> tuple[str | None, Shaped | None, str | None]:
    """(person id, agenda as ``shape`` makes it, error) of one record; a bad record is
    reported, never raised."""
    pid = None
    try:
        if text is None:
            raise PreventionError("the record is empty (null)")
        data = parsed(text)
        pid = record_id(data)
        agenda = engine.evaluate(to_profile(data), as_of)
        return agenda.person_id, shape(agenda), None
    except RECORD_ERRORS as exc:
        return _storable(pid), None, _storable(str(exc))
    except MemoryError:
        raise
    except Exception as exc:  # a bug met by one record must not fail the whole job
        return _storable(pid), None, _storable(internal_error(exc))


def _storable(text: str | None) -> str | None:
    """Text Arrow can store as UTF-8: a lone surrogate (escaped "\\ud800" in the record's
    JSON, then in its id or a key named by the error) is written as its escape; raw, it
    failed the whole batch, and the Spark job, instead of that record."""
    if text is None:
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _rows(agendas: list[Parts | None]) -> pa.RecordBatch:
    """The Parquet output's columns of the agendas read (``agenda_parts``; no JSON)."""
    cols: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
    for parts in agendas:
        if parts is not None:
            append_parts(cols, parts)
    return pa.RecordBatch.from_pydict(cols, schema=SCHEMA)


def agendas_of_batches(
    batches: Iterator[pa.RecordBatch], as_of: dt.date, column: str = "profile",
    rule_paths: tuple[str, ...] = (), output: str = "full",
    jurisdictions: tuple[str, ...] | None = None,
) -> Iterator[pa.RecordBatch]:
    """The function ``mapInArrow`` runs: profile JSON text in ``column``, agendas out."""
    engine = _engine(rule_paths, jurisdictions)
    splitter = Splitter()
    for batch in batches:
        texts = batch.column(batch.schema.get_field_index(column)).to_pylist()
        if output == "rows":
            yield _rows([_one(engine, t, as_of, splitter.parts)[1] for t in texts])
            continue
        results = [_one(engine, t, as_of, Agenda.to_json) for t in texts]
        pids, agendas, errors = zip(*results, strict=True) if results else ((), (), ())
        yield pa.RecordBatch.from_arrays(
            [pa.array(pids, pa.string()), pa.array(agendas, pa.string()),
             pa.array(errors, pa.string())], schema=FULL)


def evaluate_dataframe(
    df: Any, as_of: dt.date, *, column: str = "profile", rule_paths: list[str] | None = None,
    output: str = "full", jurisdictions: list[str] | None = None,
) -> Any:
    """A Spark DataFrame of agendas from one of profiles (JSON text in ``column``).
    ``jurisdictions`` (e.g. ``["FR"]``): each executor loads only their calendars (see
    ``Engine.from_paths``); a record whose residence falls under another is rejected."""
    from pyspark.sql.pandas.types import from_arrow_schema

    if output not in ("full", "rows"):
        raise ValueError(f"unknown output {output!r}: full or rows")
    only = jurisdiction_codes(jurisdictions)  # refused here, not in every executor
    schema = from_arrow_schema(FULL if output == "full" else SCHEMA)
    fn = partial(agendas_of_batches, as_of=as_of, column=column,
                 rule_paths=tuple(rule_paths or ()), output=output,
                 jurisdictions=tuple(sorted(only)) if only is not None else None)
    return df.mapInArrow(fn, schema)
