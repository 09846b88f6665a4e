"""The Spark adapter's batches as a fuzzing pass fed them: a profile whose id or key is an
escaped lone surrogate ("\\ud800") gave a person id or an error Arrow cannot store as UTF-8,
which failed the whole batch (and the Spark job) instead of that record."""

from __future__ import annotations

import datetime as dt
import json

import pytest

pa = pytest.importorskip("pyarrow", reason="optional extra [spark] not installed "
                         "(pip install '.[spark]')")

from prevention_engine.extra.spark import agendas_of_batches  # noqa: E402

AS_OF = dt.date(2025, 11, 10)
GOOD = json.dumps({"id": "ok", "birth_date": "2020-01-01"})


@pytest.mark.parametrize("bad", [
    '{"id": "\\ud800", "birth_date": "2020-01-01"}',
    '{"id": "x", "\\udc80": 1, "birth_date": "2020-01-01"}',
])
def test_a_lone_surrogate_is_that_records_error(bad: str) -> None:
    batch = pa.RecordBatch.from_pydict({"profile": [GOOD, bad, GOOD]})
    out = pa.Table.from_batches(list(agendas_of_batches(iter([batch]), AS_OF))).to_pylist()
    assert [r["agenda"] is not None for r in out] == [True, False, True]
    assert out[1]["error"]
