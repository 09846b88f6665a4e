"""Kinds write no sentence: every word a person reads comes from ``prevention_engine.wording``.

Read with ``ast``: a string literal of a kind (docstrings aside) that carries French words
would be a sentence written outside the wording tables; every ``Reason.of("code", ...)`` a kind
writes must have a text in ``wording.TEXTS``.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from prevention_engine.dates import parse_duration
from prevention_engine.schedule import Reason, Step
from prevention_engine.wording import TEXTS, render, trace_entry

PACKAGE = Path(__file__).resolve().parents[2] / "prevention_engine"
KIND_FILES = sorted((PACKAGE / "kinds").rglob("*.py"))
#: Letters and words that only a French sentence would hold.
FRENCH = re.compile(r"[éèêàùçôî]|\b(le|la|les|du|des|une|depuis|avant|après)\b", re.I)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def _reason_codes(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.args[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "of"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "Reason"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


@pytest.mark.parametrize("path", KIND_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_kind_writes_no_french(path: Path) -> None:
    found = [(line, text) for line, text in _literals(path) if FRENCH.search(text)]
    assert not found, f"{path.name}: sentences outside wording: {found}"


@pytest.mark.parametrize("path", KIND_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_reason_code_a_kind_writes_has_words(path: Path) -> None:
    missing = [(line, code) for line, code in _reason_codes(path) if code not in TEXTS]
    assert not missing, f"{path.name}: reason codes without a text: {missing}"


def test_the_detector_sees_a_sentence() -> None:
    assert FRENCH.search("faite avant l'âge minimal")
    assert not FRENCH.search("trace.too_young")


def test_a_trace_step_is_worded_by_the_tables() -> None:
    step = Step(
        date=dt.date(2025, 3, 10),
        event="Hexyon",
        outcome="not_valid",
        why=Reason.of("trace.too_soon", interval=parse_duration("4 weeks"),
                      since=dt.date(2025, 3, 1)),
        immunization=1,
        reason="too_soon",
    )
    entry = trace_entry(step)
    assert entry.event == "Hexyon"
    assert entry.detail == "intervalle trop court (4 semaines minimum depuis le 1er mars 2025)"
    assert entry.reason == "too_soon" and entry.immunization == 1


def test_a_named_test_event_says_its_result() -> None:
    event = Reason.of("trace.test", test="frottis", date=dt.date(2024, 3, 3), result="negative")
    assert render(event) == "frottis le 3 mars 2024 (résultat : négatif)"
