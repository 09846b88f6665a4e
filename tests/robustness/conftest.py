"""Shared helpers for the robustness suite (contract: docs/contract.md).

The CLI is driven in-process through ``prevention_engine.cli.main`` so that an uncaught exception
(what a user sees as a traceback) is caught here and reported, and ``Engine.default()`` is
served from one compiled engine to keep the suite fast.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from prevention_engine import Engine
from prevention_engine import engine as engine_mod

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "infant-2024.json"
MINI_CAL = ROOT / "tests" / "fixtures" / "mini-calendar.yaml"
FR_PRODUCTS = ROOT / "rules" / "products" / "fr-products-2025.yaml"
AS_OF = dt.date(2025, 11, 10)

_DEFAULT: Engine | None = None


def default_engine() -> Engine:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Engine.from_paths([engine_mod.bundled_rules_dir()])  # default() is patched
    return _DEFAULT


@pytest.fixture(scope="session")
def engine() -> Engine:
    return default_engine()


_BY_JURISDICTIONS: dict[frozenset[str], Engine] = {}


def _default(cls: type[Engine], jurisdictions: list[str] | None = None) -> Engine:
    """``Engine.default`` served from engines compiled once per set of jurisdictions."""
    if jurisdictions is None:
        return default_engine()
    key = frozenset(jurisdictions)
    if key not in _BY_JURISDICTIONS:
        _BY_JURISDICTIONS[key] = Engine.from_paths([engine_mod.bundled_rules_dir()],
                                                   jurisdictions)
    return _BY_JURISDICTIONS[key]


@pytest.fixture(autouse=True)
def _cached_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_mod.Engine, "default", classmethod(_default))


@dataclass
class CliResult:
    code: int | None
    out: str
    err: str
    exc: BaseException | None  # an uncaught exception = a traceback for the user

    @property
    def traceback(self) -> bool:
        return self.exc is not None


def cli(*argv: str, stdin: str | None = None) -> CliResult:
    """Run ``prevention-engine ARGV`` in-process; never raises."""
    from prevention_engine.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    code: int | None = None
    exc: BaseException | None = None
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(argv))
    except SystemExit as e:  # argparse usage errors
        code = e.code if isinstance(e.code, int) else 1
    except BaseException as e:
        exc = e
    finally:
        sys.stdin = old_stdin
    return CliResult(code, out.getvalue(), err.getvalue(), exc)


def cli_subprocess(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real installed entry point (exit code and stderr exactly as a user sees them)."""
    return subprocess.run(
        [sys.executable, "-m", "prevention_engine", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def assert_bad_input(r: CliResult, *needles: str) -> None:
    """Exit 1, a one-paragraph message on stderr naming what is wrong, no traceback."""
    assert r.exc is None, f"uncaught {type(r.exc).__name__}: {r.exc}"
    assert r.code == 1, (r.code, r.err)
    assert "Traceback" not in r.err
    msg = r.err.strip()
    assert msg, "no message on stderr"
    assert "\n\n" not in msg, "more than one paragraph"
    assert len(msg) < 2000, f"message of {len(msg)} characters"
    for n in needles:
        assert n in msg, (n, msg)


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
