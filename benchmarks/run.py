"""Benchmark: the engine end to end against the I/O floor and against durable-rules.

One run, one generated population (fixed seed), these measurements:
- engine: JSONL in -> validated profiles -> agendas -> JSONL out (one process, ``run_batch``);
- fair I/O floor: the same lines read into profiles the same way **and** the same agendas,
  built beforehand, written with the same serialiser; ``ratio_to_io_floor`` is the engine's
  throughput divided by the floor's (at most 1, higher is better);
- input-only floor: the lines read into profiles and the profiles written back;
- ``agenda_bytes_mean``: bytes of one agenda line;
- eligibility: the same translatable ``applies_when`` predicates evaluated by our compiled
  closures and by durable-rules (``pip install '.[oracle]'``; null when absent);
- ``batch_peak_rss_mb``: peak resident memory of ``prevention-engine batch --workers N`` and
  all its worker processes, summed (Linux; null elsewhere): pages the forked workers share
  with the parent count once per process; ``batch_peak_pss_mb`` counts them once (PSS);
  ``batch_peak_rss_mb_only_fr`` / ``batch_peak_pss_mb_only_fr``: the same batch run with
  ``--only-jurisdiction FR`` (a French national run: the US calendar is not loaded).
The last line printed is one JSON object (CONTRACT.md section 5).

    python benchmarks/run.py                      # 5,000 profiles
    python benchmarks/run.py --quick              # 500 profiles, for CI
    python benchmarks/run.py --memory-only 200000 --workers 2   # batch peak memory only
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from typing import Any

from prevention_engine import Engine, Profile
from prevention_engine.batch import run_batch
from prevention_engine.jsonin import loads

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


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """Resident (RSS) and proportional (PSS: shared pages divided among their users) memory of
    ``root`` and all its descendants, summed (Linux ``/proc``), in KiB."""
    rss = pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
                for x in f:
                    if x.startswith(("Rss:", "Pss:")):
                        size = int(x.split()[1])
                        rss, pss = (rss + size, pss) if x[0:3] == "Rss" else (rss, pss + size)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return rss, pss


def batch_peak_memory_mb(
    lines: list[str], workers: int, only: str | None = None
) -> tuple[float, float] | None:
    """Peak memory of ``prevention-engine batch`` and its workers, summed and sampled every
    20 ms on ``lines``: (RSS, PSS) in MB; None where ``/proc`` cannot tell. ``only``: with
    ``--only-jurisdiction`` (the calendars of that jurisdiction alone)."""
    if not os.path.exists("/proc/self/smaps_rollup"):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "in.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            f.writelines(line + "\n" for line in lines)
        cmd = [sys.executable, "-m", "prevention_engine", "batch", inp, "--out",
               os.path.join(tmp, "out.jsonl"), "--rejects", os.path.join(tmp, "rej.jsonl"),
               "--as-of", AS_OF.isoformat(), "--workers", str(workers),
               *(["--only-jurisdiction", only] if only else [])]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak_rss = peak_pss = 0
        while proc.poll() is None:
            rss, pss = _tree_memory_kb(proc.pid)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.02)
        if proc.returncode != 0:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"batch exited with {proc.returncode}: {err}")
    return round(peak_rss / 1024, 1), round(peak_pss / 1024, 1)


def measure(lines: list[str], engine: Engine) -> dict[str, float]:
    """Throughputs of the engine path, the fair I/O floor and the input-only floor, one run.

    The fair floor does the I/O the engine path cannot avoid: it reads each line as the batch
    does (strict JSON, profile validation) and writes the same agendas, built beforehand, with
    the same serialiser to the same kind of file (``Agenda.to_json_bytes`` to a binary one, as
    ``batch`` writes its full output); only the evaluation is left out."""
    n = len(lines)
    text = "\n".join(lines) + "\n"
    agendas = [engine.evaluate(Profile.model_validate(loads(x)), AS_OF) for x in lines]

    def engine_run(output: str = "full") -> io.BytesIO | io.StringIO:
        out = io.BytesIO() if output == "full" else io.StringIO()
        rej, cat = io.StringIO(), io.StringIO()
        summary = run_batch(io.StringIO(text), out, rej, AS_OF, engine=engine, output=output,
                            catalogue=cat if output == "compact" else None)
        assert summary.read == n and summary.written + summary.rejected == n
        return out

    def io_floor() -> None:
        out = io.BytesIO()
        for line, agenda in zip(lines, agendas, strict=True):
            Profile.model_validate(loads(line))
            out.write(agenda.to_json_bytes() + b"\n")

    def input_floor() -> None:
        out = io.StringIO()
        for line in lines:
            out.write(Profile.model_validate(loads(line)).model_dump_json() + "\n")

    engine_run()  # warm-up (imports, caches of the interpreter)
    t_engine, t_io, t_in = timed(engine_run), timed(io_floor), timed(input_floor)
    t_compact = timed(lambda: engine_run("compact"))
    size = sum(len(a.to_json_bytes()) + 1 for a in agendas)
    compact = engine_run("compact").getvalue()
    compact_size = len(compact.encode("utf-8") if isinstance(compact, str) else compact)
    return {
        "engine_profiles_per_s": round(n / t_engine, 1),
        "io_floor_profiles_per_s": round(n / t_io, 1),
        "ratio_to_io_floor": round(t_io / t_engine, 3),
        "input_floor_profiles_per_s": round(n / t_in, 1),
        "agenda_bytes_mean": round(size / n),
        "compact_profiles_per_s": round(n / t_compact, 1),
        "compact_bytes_mean": round(compact_size / n),
    }


def durable(lines: list[str], engine: Engine) -> dict[str, float | None]:
    """Our compiled eligibility predicates against durable-rules on the same profiles."""
    n = len(lines)
    from prevention_engine.extra.durable import DurableOracle, our_eligibility

    cals = engine.registry.in_force(AS_OF, "FR")
    try:
        oracle = DurableOracle(cals, AS_OF)
    except ImportError:
        print("durable-rules not installed: pip install '.[oracle]'", file=sys.stderr)
        return {"speedup_vs_durable_rules": None, "eligibility_ours_profiles_per_s": None,
                "eligibility_durable_profiles_per_s": None}
    kept = {item for _, item in oracle.translated}
    profiles = [Profile.model_validate_json(x) for x in lines]
    t_durable = timed(lambda: [oracle.eligible(p) for p in profiles])
    t_ours = timed(lambda: [our_eligibility([i for i in c.items if i.id in kept], p, AS_OF, c)
                            for p in profiles for c in cals])
    return {"speedup_vs_durable_rules": round(t_durable / t_ours, 2),
            "eligibility_ours_profiles_per_s": round(n / t_ours),
            "eligibility_durable_profiles_per_s": round(n / t_durable)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="500 profiles instead of 5,000")
    ap.add_argument("-n", type=int, default=None, help="profiles in the population")
    ap.add_argument("--workers", type=int, default=2,
                    help="batch workers for the peak memory measurement (default 2)")
    ap.add_argument("--memory-only", type=int, default=None, metavar="LINES",
                    help="only measure batch peak memory on LINES generated profiles")
    ap.add_argument("--only-jurisdiction", metavar="CODE", default=None,
                    help="with --memory-only: run the batch with --only-jurisdiction CODE")
    args = ap.parse_args()
    if args.memory_only is not None:
        lines = population(args.memory_only)
        peak = batch_peak_memory_mb(lines, args.workers, args.only_jurisdiction)
        print(json.dumps({"profiles": len(lines), "batch_workers": args.workers,
                          "only_jurisdiction": args.only_jurisdiction,
                          "batch_peak_rss_mb": peak and peak[0],
                          "batch_peak_pss_mb": peak and peak[1]}))
        return
    n = args.n or (500 if args.quick else 5000)
    lines = population(n)
    engine = Engine.default()
    result: dict[str, Any] = {"profiles": n, **measure(lines, engine), **durable(lines, engine)}
    peak = batch_peak_memory_mb(lines, args.workers)
    result["batch_peak_rss_mb"] = peak and peak[0]
    result["batch_peak_pss_mb"] = peak and peak[1]
    result["batch_workers"] = args.workers
    peak_fr = batch_peak_memory_mb(lines, args.workers, "FR")  # a French national run
    result["batch_peak_rss_mb_only_fr"] = peak_fr and peak_fr[0]
    result["batch_peak_pss_mb_only_fr"] = peak_fr and peak_fr[1]
    print(f"engine {result['engine_profiles_per_s']} profiles/s, fair I/O floor "
          f"{result['io_floor_profiles_per_s']} profiles/s (ratio {result['ratio_to_io_floor']}, "
          f"1 = as fast as the floor), input-only floor {result['input_floor_profiles_per_s']}, "
          f"{result['agenda_bytes_mean']} bytes per agenda, compact output "
          f"{result['compact_profiles_per_s']} profiles/s ({result['compact_bytes_mean']} "
          f"bytes per agenda, catalogue apart), durable-rules speedup "
          f"{result['speedup_vs_durable_rules']}, batch peak {result['batch_peak_rss_mb']} MB "
          f"({result['batch_peak_rss_mb_only_fr']} MB with --only-jurisdiction FR)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
