"""No raw vocabulary code in a sentence a person reads (GP review: « zoster_history » in a
French reason). Every code has a French name, and the reasons of many agendas (every golden
situation, plus profiles built to make the engine ask for facts) never show one."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from prevention_engine import Engine, Profile
from prevention_engine.vocabulary import CONDITIONS, OBSERVATIONS, SITUATIONS, VACCINE_TARGETS
from prevention_engine.vocabulary_fr import (
    CONDITION_NAMES,
    FACT_NAMES,
    OBSERVATION_NAMES,
    SITUATION_NAMES,
    TARGET_NAMES,
    fact_name,
)

GOLDEN = Path(__file__).resolve().parents[1] / "calendars" / "golden"
CODES = {c for c in CONDITIONS | SITUATIONS | OBSERVATIONS | VACCINE_TARGETS if "_" in c}
SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
DOTTED = re.compile(r"\b(?:condition|situation|immunity|observation|lifestyle|perinatal)\.[a-z]")

#: Profiles that make the engine ask for a fact or cite a condition in a reason.
ASKING: list[dict[str, Any]] = [
    {"birth_date": "1955-01-01", "conditions": [{"code": "zoster_history"}]},
    {"birth_date": "1990-01-01", "conditions": [{"code": "pertussis_history"}]},
    {"birth_date": "1996-03-01", "sex": "female",
     "pregnancies": [{"lmp": "2025-08-20", "end_date": "2026-05-25", "outcome": "live_birth"}]},
    {"birth_date": "2010-03-01"},
    {"birth_date": "1960-03-01", "immunity": [{"target": "varicella", "evidence": "serology"}]},
]


def _profiles() -> list[Any]:
    out = []
    for f in sorted(GOLDEN.glob("*/*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            out.append(pytest.param(case["profile"], dt.date.fromisoformat(str(case["as_of"])),
                                    id=f"{f.stem}: {case['name']}"))
    out += [pytest.param(p, dt.date(2026, 11, 29), id=f"asking {i}")
            for i, p in enumerate(ASKING)]
    return out


@pytest.mark.parametrize(("names", "codes"), [
    (CONDITION_NAMES, CONDITIONS), (SITUATION_NAMES, SITUATIONS),
    (OBSERVATION_NAMES, OBSERVATIONS), (TARGET_NAMES, VACCINE_TARGETS),
])
def test_every_code_has_a_french_name(names: dict[str, str], codes: frozenset[str]) -> None:
    assert set(names) == set(codes)


def test_fact_names_never_show_a_code() -> None:
    facts = [*FACT_NAMES, *(f"condition.{c}.since" for c in CONDITIONS),
             *(f"situation.{s}" for s in SITUATIONS), *(f"immunity.{t}" for t in VACCINE_TARGETS),
             *(f"observation.{o}" for o in OBSERVATIONS)]
    for fact in facts:
        text = fact_name(fact)
        assert not SNAKE.search(text) and not DOTTED.search(text), (fact, text)
    assert fact_name("condition.zoster_history.since") == "la date de début (zona)"


@pytest.mark.parametrize(("profile", "as_of"), _profiles())
def test_no_reason_shows_a_vocabulary_code(engine: Engine, profile: dict[str, Any],
                                           as_of: dt.date) -> None:
    agenda = engine.evaluate(Profile.model_validate(profile), as_of)
    for item in agenda.items:
        words = set(SNAKE.findall(item.reason)) & CODES
        assert not words, f"{item.id}: {sorted(words)} in « {item.reason} »"
        assert not DOTTED.search(item.reason), f"{item.id}: « {item.reason} »"


def test_every_target_and_method_has_a_french_name_in_trace_lines() -> None:
    """A --trace line names what was done in French ("sérologie (la rubéole)", "examen
    prénatal"), never a code such as "rubella serology"."""
    from prevention_engine.vocabulary import TARGETS
    from prevention_engine.vocabulary_fr import METHOD_NAMES, procedure_name

    for target in TARGETS:
        assert "_" not in procedure_name(target) and procedure_name(target) != target, target
    for method, name in METHOD_NAMES.items():
        assert "_" not in name, method
