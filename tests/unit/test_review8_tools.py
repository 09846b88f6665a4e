"""Adversarial review of the eighth session (review8): clinician tools. Each test failed before its
fix; expected values come from the predicate language (docs/rules-format.md, conditions.py) and
the repository's files, not from the code under test."""

from __future__ import annotations

from pathlib import Path

import pytest

from prevention_engine import CalendarError, Engine
from prevention_engine.clinician.text import predicate


# -- calendar documents: numeric ranges of nested facts (min/max, the language's only form) --
def test_nested_numeric_ranges_read_as_comparisons() -> None:
    """`perinatal` and `lifestyle` ranges are written `{min, max}` (max excluded); the
    documents showed "poids de naissance : < : 2000" and "paquets-années) : ≥ : 20"."""
    assert predicate({"perinatal": {"birth_weight_g": {"max": 2000}}}) \
        == "naissance : poids de naissance < 2000"
    assert predicate({"lifestyle": {"pack_years": {"min": 20}}}) \
        == "mode de vie : consommation cumulée de tabac (paquets-années) ≥ 20"
    assert predicate({"lifestyle": {"alcohol_units_per_week": {"min": 1, "max": 10}}}) \
        == "mode de vie : consommation d'alcool ≥ 1, < 10"


def test_family_histories_are_alternatives() -> None:
    """`family_history` holds when any of its histories matches (an empty list: any
    degree); the documents joined them with ";" and showed "diabète ()"."""
    assert predicate({"family_history": {"diabetes": ["first_degree"],
                                         "colorectal_cancer": ["first_degree"]}}) \
        == "antécédents familiaux : diabète (1er degré) ou cancer colorectal (1er degré)"
    assert predicate({"family_history": {"diabetes": []}}) \
        == "antécédents familiaux : diabète"


def test_residence_country_is_said_in_french() -> None:
    assert predicate({"residence": {"country": ["FR"], "department": ["973"]}}) \
        == "résidence : pays : FR; département de résidence : 973"


# -- a rule folder without its product table: the message names a file that exists ---------
def test_missing_us_product_table_names_no_file_that_does_not_exist() -> None:
    """The US table is rules/products/us-cvx-4.64.yaml: the message said
    "rules/products/us-products-*.yaml", a file nobody can find."""
    with pytest.raises(CalendarError) as exc:
        Engine.from_paths([Path(__file__).resolve().parents[2] / "rules" / "us-cdsi"])
    assert "us-products" not in exc.value.message
    assert "no US product table" in exc.value.message
    assert "rules/products/" in exc.value.message
