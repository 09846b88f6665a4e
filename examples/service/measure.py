"""Cost per request of the service example, in process (TestClient: no network, no server).

    python examples/service/measure.py [N]

Prints the median and 95th percentile time of ``POST /agenda`` for the example infant profile
and for a FHIR Bundle, next to the time of ``Engine.evaluate`` alone on the same profile, so
the HTTP and JSON overhead is visible.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx`")
    from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from app import app, engine

from prevention_engine import Profile

ROOT = Path(__file__).resolve().parents[2]
PROFILE = (ROOT / "examples" / "infant-2024.json").read_bytes()
BUNDLE = (ROOT / "tests" / "extra" / "fhir_bundles" / "infant.json").read_bytes()
AS_OF = dt.date(2025, 11, 10)


def timed(n: int, call: Callable[[], object]) -> tuple[float, float]:
    call()  # warm up (first use builds the engine)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        call()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    client = TestClient(app)
    t = time.perf_counter()
    engine.cache_clear()
    engine()
    print(f"engine built once per process: {(time.perf_counter() - t) * 1000:.0f} ms")
    profile = Profile.model_validate_json(PROFILE)
    rows = [
        ("Engine.evaluate alone (infant)", lambda: engine().evaluate(profile, AS_OF).to_json()),
        ("POST /agenda profile -> JSON", lambda: client.post(
            "/agenda", params={"as_of": "2025-11-10"}, content=PROFILE)),
        ("POST /agenda Bundle -> FHIR", lambda: client.post(
            "/agenda", params={"as_of": "2025-11-10", "format": "fhir"}, content=BUNDLE)),
    ]
    for label, call in rows:
        p50, p95 = timed(n, call)
        print(f"{label:<34} median {p50:6.2f} ms   p95 {p95:6.2f} ms   ({n} requests)")


if __name__ == "__main__":
    main()
