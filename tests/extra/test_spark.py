"""Evaluation inside Spark (extra ``[spark]``): run on a local Spark session, the agendas are
byte-identical to the engine's; skipped, saying why, without pyspark or without Java."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Callable
from types import ModuleType

import pytest

pytest.importorskip("pyarrow", reason="optional extra [spark] not installed "
                    "(pip install '.[spark]')")
pytest.importorskip("pandas", reason="optional extra [spark] not installed "
                    "(pip install '.[spark]')")
pytest.importorskip("pyspark", reason="optional extra [spark] not installed "
                    "(pip install '.[spark]')")


def _java() -> bool:
    if shutil.which("java") is None:
        return False
    return subprocess.run(["java", "-version"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _java(), reason="Spark needs Java: install a JDK "
                                "(e.g. apt-get install openjdk-17-jre-headless)")

from prevention_engine import Engine  # noqa: E402
from prevention_engine.extra.spark import agendas_of_batches, evaluate_dataframe  # noqa: E402

AS_OF = dt.date(2025, 11, 10)
PROFILES = [json.dumps({"id": f"s-{i}", "birth_date": f"{1950 + 7 * i}-0{1 + i}-15"})
            for i in range(6)] + ["{}", "not json"]


def test_batches_give_the_engines_agendas(engine: Engine) -> None:
    import pyarrow as pa

    batch = pa.RecordBatch.from_pydict({"profile": PROFILES})
    out = pa.Table.from_batches(list(agendas_of_batches(iter([batch]), AS_OF))).to_pylist()
    assert [r["agenda"] for r in out[:6]] == [
        engine.evaluate(json.loads(p), AS_OF).to_json() for p in PROFILES[:6]]
    assert all(r["agenda"] is None and r["error"] for r in out[6:])


def test_an_executor_may_load_only_some_jurisdictions(engine: Engine) -> None:
    """``jurisdictions=("FR",)``: the same agendas for French residents, a US resident's
    record rejected with why."""
    import pyarrow as pa

    us = json.dumps({"id": "us", "birth_date": "2020-01-01", "residence": {"country": "US"}})
    batch = pa.RecordBatch.from_pydict({"profile": [*PROFILES[:6], us]})
    out = pa.Table.from_batches(list(agendas_of_batches(
        iter([batch]), AS_OF, jurisdictions=("FR",)))).to_pylist()
    assert [r["agenda"] for r in out[:6]] == [
        engine.evaluate(json.loads(p), AS_OF).to_json() for p in PROFILES[:6]]
    assert out[6]["agenda"] is None and "loaded: FR" in out[6]["error"]


def test_a_record_that_meets_a_bug_gives_an_error_not_a_failed_job(
    bug_on_id: Callable[[ModuleType, str], None],
) -> None:
    """As in the batch: an unexpected exception on one record (the profile conversion made to
    fail on one id, standing for a bug) is that record's error, named 'internal error'."""
    import pyarrow as pa

    import prevention_engine.extra.spark as spark

    bug_on_id(spark, "s-1")
    batch = pa.RecordBatch.from_pydict({"profile": PROFILES[:3]})
    out = pa.Table.from_batches(list(agendas_of_batches(iter([batch]), AS_OF))).to_pylist()
    assert [r["agenda"] is None for r in out] == [False, True, False]
    assert out[1]["error"].startswith("internal error") and "KeyError" in out[1]["error"]


def test_rows_are_those_of_the_agendas(engine: Engine) -> None:
    """The "rows" output: one row per agenda row, with the agenda's values (read from the
    model, not from its JSON); rejected records give no row."""
    import pyarrow as pa

    batch = pa.RecordBatch.from_pydict({"profile": PROFILES})
    out = pa.Table.from_batches(list(agendas_of_batches(iter([batch]), AS_OF,
                                                        output="rows"))).to_pylist()
    expected = [
        {"person_id": a.person_id, "as_of": AS_OF, "id": r.id, "version": r.calendar.version,
         "status": r.status, "dose": r.dose, "earliest_date": r.earliest_date,
         "recommended_date": r.recommended_date, "past_due_date": r.past_due_date,
         "latest_date": r.latest_date, "completed_date": r.completed_date, "reason": r.reason}
        for a in (engine.evaluate(json.loads(p), AS_OF) for p in PROFILES[:6]) for r in a.items]
    assert out == expected and len(out) > 30


def test_on_a_local_spark_session(engine: Engine) -> None:
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[1]").appName("prevention-engine-test")
             .config("spark.ui.enabled", "false").getOrCreate())
    try:
        df = spark.createDataFrame([(p,) for p in PROFILES], ["profile"])
        full = {r["person_id"]: r for r in evaluate_dataframe(df, AS_OF).collect()}
        for p in PROFILES[:6]:
            pid = json.loads(p)["id"]
            assert full[pid]["agenda"] == engine.evaluate(json.loads(p), AS_OF).to_json()
        rows = evaluate_dataframe(df, AS_OF, output="rows").collect()
        expected = sum(len(engine.evaluate(json.loads(p), AS_OF).items) for p in PROFILES[:6])
        assert len(rows) == expected
    finally:
        spark.stop()


@pytest.mark.parametrize(("jurisdictions", "message"), [
    ([], "non-empty list"), ("FR", "not the string 'FR'")])
def test_a_wrong_jurisdiction_list_is_refused_at_once(jurisdictions: object,
                                                      message: str) -> None:
    """As ``Engine.default`` refuses it: ``[]`` loaded every jurisdiction, and ``"FR"`` failed
    in each executor on jurisdictions 'F' and 'R'."""
    from prevention_engine.errors import InputError

    class Frame:
        def mapInArrow(self, fn: object, schema: object) -> object:
            raise AssertionError("not refused before the job")

    with pytest.raises(InputError, match=message):
        evaluate_dataframe(Frame(), AS_OF, jurisdictions=jurisdictions)  # type: ignore[arg-type]
