"""The controlled vocabularies of CONTRACT.md section 3, in one place.

Rule files and profiles are checked against these sets so that a misspelt target or condition
fails loudly (with a suggestion) instead of silently matching nothing.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

VACCINE_TARGETS = frozenset(
    [
        "diphtheria",
        "tetanus",
        "pertussis",
        "poliomyelitis",
        "haemophilus_influenzae_b",
        "hepatitis_b",
        "pneumococcus",
        "meningococcus_b",
        "meningococcus_acwy",
        "meningococcus_c",
        "measles",
        "mumps",
        "rubella",
        "rotavirus",
        "rsv",
        "hpv",
        "varicella",
        "hepatitis_a",
        "influenza",
        "covid19",
        "zoster",
        "tuberculosis",
        "yellow_fever",
        "dengue",
        "typhoid",
        "rabies",
        "japanese_encephalitis",
        "tick_borne_encephalitis",
        "cholera",
        "chikungunya",
        "mpox",
        "ebola",
    ]
)
SCREENING_TARGETS = frozenset(
    [
        "breast_cancer",
        "colorectal_cancer",
        "cervical_cancer",
        "lung_cancer",
        "hiv",
        "chlamydia",
        "prevention_checkup",
        "child_health_exam",
        "health_certificate",
        "dental_checkup",
        "growth_review",
        "neonatal_blood_spot",
        "neonatal_hearing_screening",
        "health_advice",
        "hepatitis_c",
        "smoking_cessation",
    ]
)
PREGNANCY_TARGETS = frozenset(
    [
        "prenatal_exam",
        "ultrasound",
        "early_prenatal_interview",
        "postnatal_exam",
        "gestational_diabetes_screening",
        "gbs_screening",
        "pregnancy_declaration",
        "blood_group_typing",
        "irregular_antibodies",
        "toxoplasmosis",
        "syphilis",
        "anaesthesia_consultation",
        "early_postnatal_interview",
        "anti_d_prophylaxis",
    ]
)
CHRONIC_TARGETS = frozenset(
    [
        "hba1c",
        "retinopathy_screening",
        "kidney_function",
        "lipid_panel",
        "foot_exam",
        "ecg",
        "dental_checkup",
        "cardiovascular_risk",
        "diabetes_risk",
        # added for issue 13 (diabetes follow-up, habits advice)
        "podiatry_care",
        "alcohol_use",
        "physical_activity",
        "diet",
        "sleep",
        "screen_time",
    ]
)
TARGETS = VACCINE_TARGETS | SCREENING_TARGETS | PREGNANCY_TARGETS | CHRONIC_TARGETS

#: Notification channels a sender handles (consent.channels keys).
CHANNELS = frozenset({"app", "email", "sms", "push", "post"})

DOMAINS = frozenset({"vaccination", "screening", "child", "pregnancy", "chronic"})

CONDITIONS = frozenset(
    [
        "type_1_diabetes",
        "type_2_diabetes",
        "gestational_diabetes",
        "chronic_respiratory_disease",
        "asthma",
        "copd",
        "chronic_heart_disease",
        "heart_failure",
        "chronic_kidney_disease",
        "chronic_liver_disease",
        "immunodeficiency",
        "hiv_infection",
        "asplenia",
        "sickle_cell_disease",
        "cancer_under_treatment",
        "organ_transplant",
        "obesity",
        "hypertension",
        "hysterectomy",
        "subtotal_hysterectomy",
        "breast_cancer_history",
        "colorectal_cancer_history",
        "colorectal_adenoma_history",
        "inflammatory_bowel_disease",
        "cervical_lesion_treated",
        "diethylstilbestrol_exposure",
        "breast_high_risk",
        "lynch_syndrome",
        "familial_adenomatous_polyposis",
        "neuromuscular_disease",
        "chronic_neurological_disease",
        "cystic_fibrosis",
        "bronchopulmonary_dysplasia",
        "congenital_heart_disease",
        "trisomy_21",
        "dementia",
        "psychiatric_disorder",
        "cochlear_implant",
        "csf_leak",
        "nephrotic_syndrome",
        "immunosuppressive_therapy",
        "history_of_high_glucose",
        "zoster_history",
        "pertussis_history",
        "hepatitis_b_carrier",
        "macrosomia_history",
        # added for issue 13 (chronic risk)
        "diabetic_retinopathy",
        "atherosclerotic_cvd",
        "familial_hypercholesterolaemia",
    ]
)

OBSERVATIONS = frozenset(
    [
        "systolic_bp",
        "diastolic_bp",
        "total_cholesterol",
        "hdl_cholesterol",
        "ldl_cholesterol",
        "hba1c",
        "fasting_glucose",
        "egfr",
        "uacr",
        "weight",
        "height",
        "head_circumference",
        "bmi",
        "waist_circumference",
        # added for issue 13: any-time glucose (a connected sensor sends many), foot risk grade
        "glucose",
        "foot_risk_grade",
    ]
)

#: The medication classes the bundled rules read (``medication:`` predicates): any other name
#: in ``medications`` changes nothing, and is said (``notices.dated_after``), never dropped
#: silently (methotrexate recorded by name would not hold a live vaccine).
MEDICATIONS = frozenset({"antihypertensive", "immunosuppressant", "insulin"})

OUTCOMES = frozenset({"live_birth", "stillbirth", "miscarriage", "termination"})

#: Results of a recorded procedure (``procedures[].result``), the words rules compare with
#: (``unknown`` is the same as no result; ``refer`` and ``not_done`` are the newborn
#: screenings' words). Any other word used to be read by a screening programme as a normal
#: test ("positif" on a faecal test: next test in two years): it is a ``ProfileError`` instead.
RESULTS = frozenset({"normal", "negative", "abnormal", "positive", "inconclusive", "refer",
                     "not_done", "unknown"})

#: Methods of a recorded procedure (``procedures[].method``) rules may name; a programme that
#: names its methods ignores a test of another one, so an unknown method is said (a warning).
METHODS = frozenset({
    "serology", "fit", "colonoscopy", "cytology", "hpv_test", "low_dose_ct", "hbsag",
    "fasting_glucose", "ogtt", "mammography", "consultation", "unknown",
})

#: Degrees of a family history (``family_history.<disease>``): any other value used to be read
#: as no history at all.
FAMILY_DEGREES = frozenset({"none", "first_degree", "second_degree"})

#: The family histories the bundled rules read; another one is said (a warning), never
#: silently dropped.
FAMILY_HISTORIES = frozenset({"diabetes", "colorectal_cancer"})

#: Observations for which 0 is a measurement (an albuminuria below detection, a foot risk
#: grade 0); for every other code a 0 is a missing value written as a number.
ZERO_MEASURABLE = frozenset({"uacr", "foot_risk_grade"})

STATUSES = (
    "completed",
    "due",
    "overdue",
    "upcoming",
    "missed",
    "contraindicated",
    "immune",
    "declined",
    "not_recommended",
    "needs_data",
)

# ICD-10 (WHO) prefixes accepted for conditions; longest prefix wins.
ICD10_PREFIXES: dict[str, str] = {
    "E10": "type_1_diabetes",
    "E11": "type_2_diabetes",
    "O24.4": "gestational_diabetes",
    "J44": "copd",
    "J45": "asthma",
    "J43": "copd",
    "J84": "chronic_respiratory_disease",
    "J96.1": "chronic_respiratory_disease",
    "I10": "hypertension",
    "I11": "hypertension",
    "I50": "heart_failure",
    "I25": "chronic_heart_disease",
    "N18": "chronic_kidney_disease",
    "K70": "chronic_liver_disease",
    "K74": "chronic_liver_disease",
    "K73": "chronic_liver_disease",
    "E66": "obesity",
    "D80": "immunodeficiency",
    "D81": "immunodeficiency",
    "D82": "immunodeficiency",
    "D83": "immunodeficiency",
    "D84": "immunodeficiency",
    "B20": "hiv_infection",
    "B21": "hiv_infection",
    "B22": "hiv_infection",
    "B23": "hiv_infection",
    "B24": "hiv_infection",
    "D57": "sickle_cell_disease",
    "D73.0": "asplenia",
    "Q89.0": "asplenia",
    "Z90.7": "hysterectomy",
    "Z85.3": "breast_cancer_history",
    "Z85.0": "colorectal_cancer_history",
    "K50": "inflammatory_bowel_disease",
    "K51": "inflammatory_bowel_disease",
    "E84": "cystic_fibrosis",
    "Q90": "trisomy_21",
    "Z94": "organ_transplant",
    "N04": "nephrotic_syndrome",
    "R73": "history_of_high_glucose",
}


@lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """Lower case, no accents, no spaces/hyphens/dots/underscores/slashes: for product matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in no_accents.lower() if c.isalnum() or c == "+")


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest valid name, for 'did you mean' messages."""
    options = list(choices)
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if match:
        return match[0]
    lowered = {normalise_name(o): o for o in options}
    match = difflib.get_close_matches(normalise_name(word), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def icd10_to_condition(code: str) -> str | None:
    """Map an ICD-10 code to our condition vocabulary (longest prefix), or None."""
    c = code.strip().upper()
    best: str | None = None
    best_len = 0
    for prefix, cond in ICD10_PREFIXES.items():
        if c.startswith(prefix) and len(prefix) > best_len:
            best, best_len = cond, len(prefix)
    return best


SITUATIONS = frozenset(
    [
        "health_professional",
        "early_childhood_professional",
        "care_home_resident",
        "msm",
        "injecting_drug_use",
        "sex_worker",
        "multiple_sexual_partners",
        "born_in_high_tb_country",
        "parent_from_high_tb_country",
        "stay_in_high_tb_country",
        "tb_case_in_family",
        "precarious_housing",
        "contact_of_immunocompromised",
        "contact_of_infant_under_6_months",
        "traveller",
        "institution_for_disabled",
        "detainee",
        "high_hiv_prevalence_origin",
        "lung_screening_volunteer",
        "sexually_active",
        "symptoms_colorectal",
        "symptoms_breast",
        "symptoms_cervical",
        "breastfeeding",
    ]
)

#: CDSi observation codes (ScheduleSupportingData ``observations``) that have a meaning in our
#: vocabulary, as the predicate they mean. A profile may state a fact either way (a condition
#: coded ``{"system": "cdsi", "value": "160"}`` or the condition ``asplenia``); the ``cdsi``
#: predicate of a rule accepts both. Codes finer than our vocabulary (154/155, HIV with or
#: without severe immunosuppression) are left out rather than approximated.
CDSI_MEANINGS: dict[str, dict[str, object]] = {
    "007": {"pregnant": True},
    "010": {"condition": ["csf_leak"]},
    "011": {"condition": ["cochlear_implant"]},
    "014": {"condition": ["type_1_diabetes", "type_2_diabetes"]},
    "015": {"condition": ["chronic_liver_disease"]},
    "016": {"condition": ["chronic_heart_disease"]},
    "017": {"condition": ["chronic_respiratory_disease"]},
    "036": {"situation": ["msm"]},
    "041": {"situation": ["injecting_drug_use"]},
    "048": {"situation": ["traveller"]},
    "055": {"situation": ["health_professional"]},
    "065": {"situation": ["institution_for_disabled"]},
    "069": {"situation": ["detainee"]},
    "121": {"situation": ["precarious_housing"]},
    "157": {"condition": ["organ_transplant"]},
    "158": {"condition": ["immunosuppressive_therapy"]},
    "160": {"condition": ["asplenia"]},
    "161": {"condition": ["chronic_kidney_disease"]},
    "167": {"condition": ["nephrotic_syndrome"]},
    "186": {"condition": ["hiv_infection"]},
    "200": {"condition": ["cystic_fibrosis"]},
    "202": {"condition": ["dementia"]},
    "203": {"condition": ["trisomy_21"]},
    "214": {"condition": ["copd"]},
    "215": {"condition": ["copd"]},
    "216": {"condition": ["immunosuppressive_therapy"]},
    "253": {"condition": ["asthma"]},
    "259": {"condition": ["sickle_cell_disease"]},
}

#: CDSi codes that name one condition of our vocabulary: a condition coded so in a profile
#: counts as that condition for every rule (French calendars included).
CDSI_CONDITIONS: dict[str, str] = {
    code: str(names[0])
    for code, pred in CDSI_MEANINGS.items()
    if isinstance(names := pred.get("condition"), list) and len(names) == 1
}

#: CDSi observation codes that date something our anchors know (interval references):
#: 170 "Onset of pregnancy" is the start of the current pregnancy.
CDSI_ANCHORS: dict[str, str] = {"170": "lmp"}


#: Overseas departments (and collectivities with a department code) by ISO 3166-1 code: a
#: residence given by one of these country codes means France with this department.
OVERSEAS_DEPARTMENTS = {
    "GP": "971",
    "MQ": "972",
    "GF": "973",
    "RE": "974",
    "PM": "975",
    "YT": "976",
    "BL": "977",
    "MF": "978",
}
