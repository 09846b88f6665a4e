"""Read the score data shipped in ``risk/data/`` (an adapter: file I/O at the edge).

Call once at start-up and pass the frozen result to the pure score functions; nothing here
runs during an evaluation. A future ``score`` kind will instead read the same mappings from
its rule file and call the same parsers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import CalendarError
from .coefficients import FindriscTable, Score2Family
from .parsing import parse_findrisc, parse_score2_family

DATA_DIR = Path(__file__).resolve().parent / "data"
SCORE2_FILE = DATA_DIR / "esc-score2-family.yaml"
FINDRISC_FILE = DATA_DIR / "findrisc.yaml"


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CalendarError(f"cannot read file: {exc}", file=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise CalendarError(f"invalid YAML: {exc}", file=str(path), line=line) from None


def load_score2_family(path: Path = SCORE2_FILE) -> Score2Family:
    """The SCORE2 / SCORE2-OP / SCORE2-Diabetes data (bundled file by default)."""
    return parse_score2_family(_read(path), str(path))


def load_findrisc(path: Path = FINDRISC_FILE) -> FindriscTable:
    """The FINDRISC points and bands (bundled file by default)."""
    return parse_findrisc(_read(path), str(path))
