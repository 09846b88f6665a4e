"""The guard of refactors: the agendas of three corpora are byte-identical to the recorded ones.

``digests.json`` holds one SHA-256 (and a count) per corpus, recorded by ``record.py`` with the
code as it was. A refactor must leave them unchanged. A deliberate behaviour change (asked by an
issue, with its own tests) re-records them in its own commit, never mixed into a refactor:

    python -m tests.snapshot.record
"""

from __future__ import annotations

import json

from prevention_engine import Engine

from .record import DIGESTS, compute


def test_agendas_match_the_recorded_snapshot(engine: Engine) -> None:
    recorded = json.loads(DIGESTS.read_text(encoding="utf-8"))
    now = compute(engine)
    changed = sorted(k for k in set(recorded) | set(now) if recorded.get(k) != now.get(k))
    assert not changed, (
        f"agendas changed in corpora {changed}: {now} != {recorded}. If the change is deliberate, "
        "re-record in its own commit: python -m tests.snapshot.record"
    )
