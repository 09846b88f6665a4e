"""Agenda writing alone and evaluation end to end, for a before/after comparison (issue 15).

The benchmark population (``run.py``, its seed), each profile evaluated once; then, best of 3:
``to_json`` over the agendas built beforehand, and ``Profile.model_validate_json`` +
``evaluate`` + ``to_json`` per line. ``evaluate`` alone over validated profiles is a control
(a change to the writing leaves it alone). The digest is of every agenda's bytes: equal digests
mean the same output.

    PYTHONPATH=$PWD python benchmarks/serialise.py [N]
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench

from prevention_engine import Engine, Profile


def best(fn: Callable[[], object], n: int = 3) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(n: int) -> None:
    lines = bench.population(n)
    engine = Engine.default()
    profiles = [Profile.model_validate_json(line) for line in lines]
    agendas = [engine.evaluate(p, bench.AS_OF) for p in profiles]
    digest = hashlib.sha256("\n".join(a.to_json() for a in agendas).encode()).hexdigest()
    rows = sum(len(a.items) for a in agendas)
    write = best(lambda: [a.to_json() for a in agendas])
    e2e = best(lambda: [engine.evaluate(Profile.model_validate_json(line), bench.AS_OF).to_json()
                        for line in lines])
    alone = best(lambda: [engine.evaluate(p, bench.AS_OF) for p in profiles])
    print(f"digest {digest[:16]}, {n} agendas, {rows} rows")
    print(f"to_json: {write * 1e3:.1f} ms, {n / write:.0f} agendas/s, "
          f"{write / n * 1e6:.1f} us each")
    print(f"validate + evaluate + to_json: {e2e * 1e3:.1f} ms, {n / e2e:.0f} profiles/s")
    print(f"evaluate alone (control): {alone * 1e3:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
