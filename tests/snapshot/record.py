"""The snapshot corpus: one SHA-256 per corpus of agendas, recorded with the code as it is.

A refactor must not change a single byte of output. Three corpora are evaluated with trace on
(the trace shows the reasoning, so a change that keeps the statuses but reasons differently is
seen too):

- ``golden``: every situation of ``tests/calendars/golden`` on its own assessment date;
- ``benchmark``: the benchmark population (``benchmarks/run.py``, its fixed seed), ``SIZE``
  profiles on the benchmark's date;
- ``cdsi``: the CDC CDSi healthy cases, evaluated as ``prevention_engine.conformance`` does.

Each agenda's ``to_json()`` is hashed, one per line, in a stable order. Re-record after a
deliberate behaviour change, in its own commit:

    python -m tests.snapshot.record
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from prevention_engine import Agenda, Engine, Profile
from prevention_engine.conformance import _us_rules, case_profile, load_cases

ROOT = Path(__file__).resolve().parents[2]
DIGESTS = Path(__file__).resolve().parent / "digests.json"
GOLDEN = ROOT / "tests" / "calendars" / "golden"
CDSI = ROOT / "tests" / "data" / "cdsi" / "test-cases"
CDSI_CASES = CDSI / "cdsi-healthy-childhood-and-adult-test-cases-v4.45.json"
SIZE = 300
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(v: Any) -> dt.date:
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and ISO.match(v):
        return dt.date.fromisoformat(v)
    raise ValueError(f"not a date: {v!r}")


def golden(engine: Engine) -> Iterator[Agenda]:
    for f in sorted(GOLDEN.rglob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            profile = Profile.model_validate(case["profile"])
            yield engine.evaluate(profile, _date(case["as_of"]), trace=True)


def _benchmark_module() -> Any:
    spec = importlib.util.spec_from_file_location("_bench_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def benchmark(engine: Engine) -> Iterator[Agenda]:
    bench = _benchmark_module()
    for line in bench.population(SIZE):
        yield engine.evaluate(json.loads(line), bench.AS_OF, trace=True)


def cdsi(engine: Engine) -> Iterator[Agenda]:
    start = _us_rules(engine).rules_from
    for case in load_cases(CDSI_CASES):
        as_of = _date(case["assessment_date"])
        rules_date = start if start is not None and as_of < start else None
        yield engine.evaluate(
            case_profile(case), as_of=as_of, jurisdiction="US", trace=True,
            rules_date=rules_date,
        )


CORPORA = {"golden": golden, "benchmark": benchmark, "cdsi": cdsi}


def compute(engine: Engine | None = None) -> dict[str, dict[str, Any]]:
    """``{corpus: {"count": n, "sha256": hex}}`` for the code as it is now."""
    engine = engine or Engine.default()
    out: dict[str, dict[str, Any]] = {}
    for name, corpus in CORPORA.items():
        digest = hashlib.sha256()
        count = 0
        for agenda in corpus(engine):
            digest.update(agenda.to_json().encode("utf-8") + b"\n")
            count += 1
        out[name] = {"count": count, "sha256": digest.hexdigest()}
    return out


def main() -> None:
    DIGESTS.write_text(json.dumps(compute(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"recorded {DIGESTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
