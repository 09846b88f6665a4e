"""Chronic-disease risk scores as pure functions: SCORE2, SCORE2-OP, SCORE2-Diabetes, FINDRISC.

A leaf package: it imports nothing from the engine, the kinds or the calendar loader (only
``errors``), so the future ``score`` kind can build on it without a cycle. Model numbers are
data (``data/*.yaml``), parsed into frozen objects; see docs/risk-scores.md.
"""

from .bundled import load_findrisc, load_score2_family
from .coefficients import FindriscTable, Score2Family, Score2Model
from .findrisc import findrisc
from .parsing import parse_findrisc, parse_score2_family
from .result import RiskInputError, ScoreResult
from .score2 import score2, score2_diabetes, score2_op
from .units import (
    cholesterol_mg_dl,
    cholesterol_mmol_l,
    glucose_mg_dl,
    glucose_mmol_l,
    hba1c_mmol_mol,
    hba1c_percent,
)

__all__ = [
    "FindriscTable",
    "RiskInputError",
    "Score2Family",
    "Score2Model",
    "ScoreResult",
    "cholesterol_mg_dl",
    "cholesterol_mmol_l",
    "findrisc",
    "glucose_mg_dl",
    "glucose_mmol_l",
    "hba1c_mmol_mol",
    "hba1c_percent",
    "load_findrisc",
    "load_score2_family",
    "parse_findrisc",
    "parse_score2_family",
    "score2",
    "score2_diabetes",
    "score2_op",
]
