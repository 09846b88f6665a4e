"""Properties of the screening agenda on generated profiles (fr-screening calendar only).

The programme ages and sexes below come from the fact sheet (screening-child-pregnancy-fr.md
sections 1 and 2, read with DESIGN.md section 4), not from the YAML.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from prevention_engine import Engine, Profile
from prevention_engine.dates import Duration

RULES = Path(__file__).resolve().parents[2] / "rules" / "screening"
ENGINE = Engine.from_paths([RULES])
SETTINGS = settings(max_examples=150, deadline=None)

# item -> (start age, stop age exclusive, sex or None)
PROGRAMMES: dict[str, tuple[int, int, str | None]] = {
    "breast_screening": (50, 75, "female"),
    "colorectal_screening": (50, 75, None),
    "cervical_screening": (25, 66, "female"),
    "lung_screening_pilot": (50, 75, None),
    "hiv_screening": (15, 71, None),
    "chlamydia_screening": (15, 26, "female"),
}
TARGET = {
    "breast_screening": "breast_cancer",
    "colorectal_screening": "colorectal_cancer",
    "cervical_screening": "cervical_cancer",
    "lung_screening_pilot": "lung_cancer",
    "hiv_screening": "hiv",
    "chlamydia_screening": "chlamydia",
}
METHODS: dict[str, set[str | None]] = {
    "breast_screening": {"mammography", None},
    "colorectal_screening": {"fit", "colonoscopy", None},
    "cervical_screening": {"cytology", "hpv_test", None},
    "lung_screening_pilot": {"low_dose_ct", None},
}
CAMPAIGN_MONTH = {"octobre_rose": 10, "mars_bleu": 3, "mois_sans_tabac": 11}
CONDITIONS = [
    "hysterectomy",
    "breast_cancer_history",
    "breast_high_risk",
    "colorectal_cancer_history",
    "inflammatory_bowel_disease",
    "lynch_syndrome",
    "type_2_diabetes",
]


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], dt.date]:
    as_of = draw(st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)))
    birth = draw(st.dates(as_of - dt.timedelta(days=365 * 90), as_of))
    span = (as_of - birth).days

    def when() -> str:
        return (birth + dt.timedelta(days=draw(st.integers(0, span)))).isoformat()

    procs = [
        {
            "target": draw(st.sampled_from(sorted(set(TARGET.values()) | {"prevention_checkup"}))),
            "date": when(),
            "method": draw(
                st.sampled_from(
                    [
                        None,
                        "mammography",
                        "fit",
                        "colonoscopy",
                        "cytology",
                        "hpv_test",
                        "low_dose_ct",
                    ]
                )
            ),
            "result": draw(st.sampled_from([None, "normal", "negative", "abnormal", "positive"])),
        }
        for _ in range(draw(st.integers(0, 5)))
    ]
    lifestyle = draw(
        st.sampled_from(
            [{}, {"smoker": True, "pack_years": 30}, {"smoker": True}, {"smoker": False}]
        )
    )
    profile: dict[str, Any] = {
        "id": "prop",
        "birth_date": birth.isoformat(),
        "sex": draw(st.sampled_from(["female", "male", None])),
        "procedures": procs,
        "conditions": [
            {"code": c}
            for c in draw(st.lists(st.sampled_from(CONDITIONS), max_size=2, unique=True))
        ],
        "lifestyle": lifestyle,
        "consent": {"opt_out_domains": draw(st.sampled_from([[], ["screening"]]))},
    }
    return profile, as_of


def _age_date(birth: dt.date, years: int) -> dt.date:
    return Duration(years=years).add_to(birth)


@SETTINGS
@given(cases())
def test_next_date_never_precedes_the_last_test(case: tuple[dict[str, Any], dt.date]) -> None:
    data, as_of = case
    profile = Profile.model_validate(data)
    for it in ENGINE.evaluate(profile, as_of).items:
        if it.item not in TARGET or it.recommended_date is None:
            continue
        if it.completed_date is not None:
            assert it.recommended_date >= it.completed_date, it
        allowed = METHODS.get(it.item)
        for p in profile.procedures:
            if (
                p.target == TARGET[it.item]
                and p.date <= as_of
                and (allowed is None or p.method in allowed)
            ):
                assert it.recommended_date >= p.date, (it, p)


@SETTINGS
@given(cases())
def test_no_organised_screening_outside_its_ages(case: tuple[dict[str, Any], dt.date]) -> None:
    data, as_of = case
    profile = Profile.model_validate(data)
    birth = profile.birth_date
    for it in ENGINE.evaluate(profile, as_of).items:
        if it.item in PROGRAMMES:
            start, stop, sex = PROGRAMMES[it.item]
            assert _age_date(birth, start) <= as_of < _age_date(birth, stop), it
            if sex is not None:
                assert profile.sex != ("male" if sex == "female" else "female"), it
            if it.latest_date is not None:
                assert it.latest_date < _age_date(birth, stop), it
        if it.item in CAMPAIGN_MONTH:
            assert as_of.month == CAMPAIGN_MONTH[it.item], it
            assert "screening" not in profile.consent.opt_out_domains, it


@SETTINGS
@given(cases())
def test_exit_never_schedules_the_routine_test(case: tuple[dict[str, Any], dt.date]) -> None:
    data, as_of = case
    for it in ENGINE.evaluate(data, as_of).items:
        if it.status in ("not_recommended", "needs_data", "completed"):
            assert it.recommended_date is None or it.item in CAMPAIGN_MONTH, it


@SETTINGS
@given(cases())
def test_opted_out_domain_gets_no_notification(case: tuple[dict[str, Any], dt.date]) -> None:
    data, as_of = case
    agenda = ENGINE.evaluate(data, as_of)
    if data["consent"]["opt_out_domains"]:
        assert agenda.notifications == []


@SETTINGS
@given(cases())
def test_one_checkup_window_at_a_time(case: tuple[dict[str, Any], dt.date]) -> None:
    data, as_of = case
    rows = [i for i in ENGINE.evaluate(data, as_of).items if i.item == "prevention_checkup"]
    # the windows do not overlap: current, next or last; none when the last window closed
    # before the check-ups existed (2024), which is never "missed"
    assert len(rows) <= 1, rows
    if not rows:
        birth = dt.date.fromisoformat(data["birth_date"])
        start = dt.date(2024, 6, 1)  # recommended_from of prevention_checkup
        # the window in question (the current one, or the last one) closed before `start`
        assert as_of < start or Duration(years=76).add_to(birth) <= start, (birth, as_of)
        return
    row = rows[0]
    if row.status in ("due", "overdue"):
        assert row.recommended_date is not None and row.latest_date is not None
        assert row.recommended_date <= as_of <= row.latest_date, row
    if row.status == "upcoming":
        assert row.recommended_date is not None and row.recommended_date > as_of, row
    if row.status == "missed":
        assert row.latest_date is not None and row.latest_date < as_of, row


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_deterministic(case: tuple[dict[str, Any], dt.date], rnd: Any) -> None:
    data, as_of = case
    first = ENGINE.evaluate(data, as_of).to_json()
    assert ENGINE.evaluate(data, as_of).to_json() == first
    shuffled = dict(data, procedures=list(data["procedures"]))
    rnd.shuffle(shuffled["procedures"])
    assert ENGINE.evaluate(shuffled, as_of).to_json() == first
