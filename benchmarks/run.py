"""Benchmark: the engine end to end against the I/O floor and against durable-rules.

One run, one generated population (fixed seed), three measurements:
- engine: JSONL in -> validated profiles -> agendas -> JSONL out (one process);
- I/O floor: the same JSONL parsed into profiles and serialised again, no evaluation;
- eligibility: the same translatable ``applies_when`` predicates evaluated by our compiled
  closures and by durable-rules (``pip install '.[oracle]'``; null when absent).
The last line printed is one JSON object (CONTRACT.md section 5).

    python benchmarks/run.py            # 5,000 profiles
    python benchmarks/run.py --quick    # 500 profiles, for CI
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import resource
import sys
import time
from typing import Any

from prevention_engine import Engine, Profile
from prevention_engine.batch import run_batch

AS_OF = dt.date(2025, 11, 10)
PRODUCTS = ["Hexyon", "Vaxelis", "Vaxneuvance", "Bexsero", "Nimenrix", "M-M-RVaxPro",
            "Rotarix", "Gardasil 9", "Repevax", "Boostrix Tetra", "Shingrix", "Prevenar 20",
            "Efluelda", "Comirnaty"]
CONDITIONS = ["type_2_diabetes", "asthma", "copd", "chronic_heart_disease", "hypertension",
              "obesity", "chronic_kidney_disease"]


def population(n: int, seed: int = 20251110) -> list[str]:
    """``n`` profiles as JSON lines: ages 0-95, a realistic spread of doses and tests."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        birth = AS_OF - dt.timedelta(days=rnd.randint(0, 95 * 365))
        span = (AS_OF - birth).days
        imms = [{"date": (birth + dt.timedelta(days=rnd.randint(0, span))).isoformat(),
                 "product": rnd.choice(PRODUCTS)} for _ in range(rnd.randint(0, 10))]
        procs = []
        if span > 25 * 365 and rnd.random() < 0.5:
            procs.append({"target": "cervical_cancer", "method": "hpv_test",
                          "result": "negative",
                          "date": (AS_OF - dt.timedelta(days=rnd.randint(30, 2500))).isoformat()})
        p: dict[str, Any] = {
            "id": f"b-{i}", "birth_date": birth.isoformat(),
            "sex": rnd.choice(["female", "male"]),
            "residence": {"country": "FR", "department": rnd.choice(["75", "69", "973", "13"])},
            "immunizations": imms, "procedures": procs,
            "conditions": [{"code": c} for c in rnd.sample(CONDITIONS, rnd.randint(0, 2))],
            "lifestyle": {"smoker": rnd.random() < 0.25},
        }
        out.append(json.dumps(p))
    return out


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="500 profiles instead of 5,000")
    ap.add_argument("-n", type=int, default=None)
    args = ap.parse_args()
    n = args.n or (500 if args.quick else 5000)
    lines = population(n)
    text = "\n".join(lines) + "\n"
    engine = Engine.default()

    def engine_run() -> None:
        out, rej = io.StringIO(), io.StringIO()
        summary = run_batch(io.StringIO(text), out, rej, AS_OF, engine=engine)
        assert summary.read == n and summary.written + summary.rejected == n

    def io_floor() -> None:
        out = io.StringIO()
        for line in lines:
            out.write(Profile.model_validate_json(line).model_dump_json() + "\n")

    engine_run()  # warm-up (imports, caches of the interpreter)
    t_engine = timed(engine_run)
    t_io = timed(io_floor)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    speedup: float | None = None
    ours_pps = durable_pps = None
    try:
        from prevention_engine.extra.durable import DurableOracle, our_eligibility

        cals = engine.registry.in_force(AS_OF, "FR")
        oracle = DurableOracle(cals, AS_OF)
        kept = {item for _, item in oracle.translated}
        profiles = [Profile.model_validate_json(x) for x in lines]
        t_durable = timed(lambda: [oracle.eligible(p) for p in profiles])
        t_ours = timed(lambda: [our_eligibility([i for i in c.items if i.id in kept], p, AS_OF, c)
                                for p in profiles for c in cals])
        speedup = round(t_durable / t_ours, 2)
        ours_pps, durable_pps = round(n / t_ours), round(n / t_durable)
    except ImportError:
        print("durable-rules not installed: pip install '.[oracle]'", file=sys.stderr)

    result = {
        "profiles": n,
        "engine_profiles_per_s": round(n / t_engine, 1),
        "io_floor_profiles_per_s": round(n / t_io, 1),
        "ratio_to_io_floor": round(t_engine / t_io, 2),
        "speedup_vs_durable_rules": speedup,
        "eligibility_ours_profiles_per_s": ours_pps,
        "eligibility_durable_profiles_per_s": durable_pps,
        "batch_peak_rss_mb": round(rss_mb, 1),
    }
    print(f"engine {result['engine_profiles_per_s']} profiles/s, I/O floor "
          f"{result['io_floor_profiles_per_s']} profiles/s (engine takes "
          f"{result['ratio_to_io_floor']}x the I/O time), durable-rules speedup {speedup}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
