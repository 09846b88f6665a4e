"""The patient profile: the only input of an evaluation (CONTRACT.md section 3).

Models are frozen and reject unknown fields, so a typo in a service's payload is an error
naming the field instead of a silently ignored fact. Units are converted here, once, so rules
compare like with like.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from datetime import timedelta
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .errors import ProfileError
from .jsonin import loads
from .vocabulary import (
    CDSI_CONDITIONS,
    CHANNELS,
    CONDITIONS,
    DOMAINS,
    FAMILY_DEGREES,
    OBSERVATIONS,
    OUTCOMES,
    OVERSEAS_DEPARTMENTS,
    RESULTS,
    SITUATIONS,
    TARGETS,
    ZERO_MEASURABLE,
    icd10_to_condition,
    suggest,
)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def known(what: str, vocabulary: Collection[str], value: str, list_them: bool = False) -> str:
    """``value`` if the vocabulary has it; else an error naming it, with the nearest word
    (and the whole vocabulary when it is short)."""
    if value in vocabulary:
        return value
    hint = suggest(value, vocabulary)
    if list_them:
        raise ValueError(f"unknown {what} {value!r} (one of {', '.join(sorted(vocabulary))})"
                         + (f"; did you mean {hint!r}?" if hint else ""))
    raise ValueError(f"unknown {what} {value!r}" + (f" (did you mean {hint!r}?)" if hint else ""))


def known_all(
    what: str, vocabulary: Collection[str], values: tuple[str, ...], list_them: bool = False
) -> tuple[str, ...]:
    for v in values:
        known(what, vocabulary, v, list_them)
    return values


def _iso_date(v: Any) -> Any:
    """Dates are ISO 8601 ``YYYY-MM-DD``: a number is not a date (no Unix timestamps)."""
    if isinstance(v, dt.datetime):
        raise ValueError("a date without time is expected (YYYY-MM-DD)")
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and _ISO_DATE.match(v.strip()):
        return v.strip()
    raise ValueError("a date is written YYYY-MM-DD (ISO 8601)")


#: Profile dates live in these bounds: rules add up to 150 years to a date and subtract a few
#: weeks (conception - 14 days), so any date inside stays computable; a date outside (0001-01-01,
#: 9999-12-31) is a typing mistake, reported as a ProfileError instead of an OverflowError.
MIN_DATE = dt.date(1800, 1, 1)
MAX_DATE = dt.date(2300, 12, 31)


def _in_range(v: dt.date) -> dt.date:
    if not MIN_DATE <= v <= MAX_DATE:
        raise ValueError(
            f"date {v.isoformat()} is outside {MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}"
        )
    return v


Date = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(_in_range)]


def _not_bool(v: Any) -> Any:
    """``true`` is not a number: read as 1, it made a systolic pressure of 1 mmHg."""
    if isinstance(v, bool):
        raise ValueError("a number is expected, not true or false")
    return v


NotBool = BeforeValidator(_not_bool)
Number = Annotated[float, Field(allow_inf_nan=False), NotBool]
#: A number of zero or more (habits): finite, never a boolean.
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False), NotBool]
Hours = Annotated[float, Field(ge=0, le=24, allow_inf_nan=False), NotBool]


#: Beyond this since the last menstrual period a pregnancy without an end date is taken as
#: unrecorded-ended (a plausibility bound on the data, not a clinical rule: 45 weeks).
PREGNANCY_LIMIT = timedelta(weeks=45)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Code(_Model):
    """A coded value: ``{"system": "cis"|"atc"|"cvx"|"icd10"|"cdsi", "value": "..."}``."""

    system: Literal["cis", "atc", "cvx", "icd10", "cdsi"]
    value: str = Field(min_length=1)


class Immunization(_Model):
    """One administered dose, named by product, code or targets (at least one)."""

    date: Date
    product: str | None = None
    code: Code | None = None
    targets: tuple[str, ...] | None = None
    lot: str | None = None
    mvx: str | None = None
    sub_standard: bool = False

    @field_validator("targets")
    @classmethod
    def _known_targets(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return v if v is None else known_all("target", TARGETS, v)

    @model_validator(mode="after")
    def _named(self) -> Self:
        if not (self.product or self.code or self.targets):
            raise ValueError("an immunization needs a product, a code or targets")
        return self


class Procedure(_Model):
    """A screening test, exam or consultation that was done."""

    target: str
    date: Date
    method: str | None = None
    result: str | None = None

    @field_validator("target")
    @classmethod
    def _known(cls, v: str) -> str:
        return known("target", TARGETS, v)

    @field_validator("result")
    @classmethod
    def _known_result(cls, v: str | None) -> str | None:
        return v if v is None else known("result", RESULTS, v, list_them=True)


class Condition(_Model):
    """A condition from our vocabulary, or a coded one: ICD-10 (mapped onto our vocabulary) or
    a CDC CDSi observation code (``{"system": "cdsi", "value": "160"}``, 3 digits; mapped
    where the code has a meaning in our vocabulary, and read as such by CDSi rules)."""

    code: str | Code
    since: Date | None = None
    until: Date | None = None

    @field_validator("code")
    @classmethod
    def _known(cls, v: str | Code) -> str | Code:
        if isinstance(v, Code):
            if v.system not in ("icd10", "cdsi"):
                raise ValueError("a condition code must use the system 'icd10' or 'cdsi'")
            if v.system == "cdsi" and not re.fullmatch(r"\d{3}", v.value):
                raise ValueError("a CDSi observation code has 3 digits, e.g. '042'")
            return v
        return known("condition", CONDITIONS, v)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.since is not None and self.until is not None and self.until < self.since:
            raise ValueError("'until' is before 'since'")
        return self

    @property
    def cdsi(self) -> bool:
        """Coded in CDSi: read by the rules that name the code even without a meaning here."""
        return isinstance(self.code, Code) and self.code.system == "cdsi"

    @property
    def name(self) -> str | None:
        """Our vocabulary name (None for an ICD-10 code we do not map)."""
        if isinstance(self.code, Code):
            if self.code.system == "cdsi":
                return CDSI_CONDITIONS.get(self.code.value)
            return icd10_to_condition(self.code.value)
        return self.code


_CHOLESTEROL = {"total_cholesterol", "hdl_cholesterol", "ldl_cholesterol"}
_GLUCOSE = {"fasting_glucose", "glucose"}

#: Units accepted per observation code (lower case, spaces removed), the first one canonical;
#: the others are converted below. A unit outside this list is an error, never a silent
#: misreading (a weight in pounds compared to a threshold in kilograms).
UNITS: dict[str, tuple[str, ...]] = {
    "systolic_bp": ("mmhg",),
    "diastolic_bp": ("mmhg",),
    **{c: ("mmol/l", "mg/dl", "mg/dl.", "g/l") for c in _CHOLESTEROL},
    "hba1c": ("%", "mmol/mol"),
    "fasting_glucose": ("mmol/l", "mg/dl", "g/l"),
    "egfr": ("ml/min/1.73m2", "ml/min/1.73m²", "ml/min/1,73m2", "ml/min/1,73m²", "ml/min"),
    "uacr": ("mg/mmol",),
    "weight": ("kg",),
    "height": ("cm",),
    "head_circumference": ("cm",),
    "waist_circumference": ("cm",),
    "bmi": ("kg/m2", "kg/m²", "kg/m^2"),
    "glucose": ("mmol/l", "mg/dl", "g/l"),
}


class Observation(_Model):
    """A measurement; stored in canonical units (mmol/L, %, kg, cm, mmHg)."""

    code: str
    value: Number
    unit: str | None = None
    date: Date
    #: length (lying, ``recumbent``) or height (``standing``), for ``height`` only: the growth
    #: references expect a length before 2 years; unknown, the expected position is assumed
    position: Literal["recumbent", "standing"] | None = None

    @field_validator("code")
    @classmethod
    def _known(cls, v: str) -> str:
        return known("observation", OBSERVATIONS, v)

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, v: str | None, info: ValidationInfo) -> str | None:
        allowed = UNITS.get(info.data.get("code") or "")
        norm = (v or "").strip().lower().replace(" ", "")
        if allowed is not None and norm and norm not in allowed:
            raise ValueError(
                f"unit {v!r} is not known for {info.data['code']} "
                f"(one of: {', '.join(allowed)}; or no unit for {allowed[0]})"
            )
        return v

    @field_validator("value")
    @classmethod
    def _non_negative(cls, v: float, info: ValidationInfo) -> float:
        if v < 0:
            raise ValueError("a measurement cannot be negative")
        code = info.data.get("code")
        if v == 0 and code is not None and code not in ZERO_MEASURABLE:
            # read as a measurement, a 0 failed the risk scores later, naming no observation
            raise ValueError(f"a {code} of 0 is not a measurement (leave the observation out "
                             "when the value is not known)")
        return v

    @model_validator(mode="after")
    def _position_of_height(self) -> Self:
        if self.position is not None and self.code != "height":
            raise ValueError(f"position is given for a height only, not for {self.code}")
        return self

    @model_validator(mode="wrap")
    @classmethod
    def _canonical(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """The measurement in its canonical unit (a copy: the model is frozen)."""
        return handler(data)._converted()

    def _converted(self) -> Self:
        unit = (self.unit or "").strip().lower().replace(" ", "")
        value = self.value
        if self.code in _CHOLESTEROL and unit in {"mg/dl", "mg/dl."}:
            value, unit = round(value / 38.67, 4), "mmol/l"
        elif self.code in _CHOLESTEROL and unit == "g/l":
            value, unit = round(value * 100 / 38.67, 4), "mmol/l"
        elif self.code in _GLUCOSE and unit == "mg/dl":
            value, unit = round(value / 18.016, 4), "mmol/l"
        elif self.code in _GLUCOSE and unit == "g/l":
            value, unit = round(value * 100 / 18.016, 4), "mmol/l"
        elif self.code == "hba1c" and unit == "mmol/mol":
            value, unit = round(value / 10.929 + 2.15, 3), "%"
        if self.code == "hba1c" and unit in {"", "%"} and value > 25:
            raise ValueError(f"HbA1c of {value}% is impossible (mmol/mol? give the unit)")
        if self.code == "hba1c" and unit in {"", "%"} and value <= 2.15:
            # 2.15 % is 0 mmol/mol (the IFCC conversion): below it the value cannot exist
            raise ValueError(f"HbA1c of {value}% is impossible (at most 0 mmol/mol)")
        return self.model_copy(update={"value": value, "unit": unit or self.unit})


class Pregnancy(_Model):
    """A pregnancy, dated by its last menstrual period, its dating ultrasound or its conception.

    Gestational age (weeks of amenorrhoea, SA) counts from ``start``, computed here and only
    here: a known conception date (assisted reproduction) wins, then the start of pregnancy
    fixed by the dating ultrasound (``dating_date``, the start of pregnancy it gives, i.e.
    LMP + 14 days), then the LMP. ``multiple`` (true: twins or more) and ``parity`` (births
    before this pregnancy; 0 = first child) are optional facts; missing is unknown.
    """

    lmp: Date | None = None
    conception_date: Date | None = None
    #: start of pregnancy (DDG) fixed by the dating ultrasound; LMP = dating_date - 14 days
    dating_date: Date | None = None
    end_date: Date | None = None
    outcome: str | None = None
    #: True for a multiple pregnancy (twins or more), False for a singleton; None: unknown
    multiple: bool | None = None
    #: births (live or stillborn) before this pregnancy; 0 = primiparous; None: unknown
    parity: Annotated[int, Field(ge=0, le=30), NotBool] | None = None

    @field_validator("outcome")
    @classmethod
    def _known(cls, v: str | None) -> str | None:
        if v is not None and v not in OUTCOMES:
            raise ValueError(f"unknown outcome {v!r} (one of {', '.join(sorted(OUTCOMES))})")
        return v

    @model_validator(mode="after")
    def _dated(self) -> Self:
        if self.lmp is None and self.conception_date is None and self.dating_date is None:
            raise ValueError("a pregnancy needs 'lmp', 'dating_date' or 'conception_date'")
        if self.end_date is not None and self.end_date < self.start:
            raise ValueError("the pregnancy ends before it starts")
        return self

    @property
    def start(self) -> dt.date:
        """First day of the (dated) last menstrual period, from which SA count: conception
        date, else dating-ultrasound start of pregnancy, each minus 14 days; else the LMP."""
        known = self.conception_date or self.dating_date
        if known is not None:
            return known - timedelta(days=14)
        if self.lmp is None:  # the model refuses a pregnancy with no date at all
            raise ValueError("a pregnancy needs 'lmp', 'dating_date' or 'conception_date'")
        return self.lmp

    def gestational_age(self, on: dt.date) -> tuple[int, int]:
        """Completed weeks and days of amenorrhoea on ``on`` (SA + days)."""
        return divmod((on - self.start).days, 7)


class Lifestyle(_Model):
    """Habits; every field optional, a missing one is unknown (never assumed)."""

    smoker: bool | None = None
    former_smoker: bool | None = None
    years_since_quit: Amount | None = None
    pack_years: Amount | None = None
    daily_physical_activity: bool | None = None
    daily_fruit_vegetables: bool | None = None
    alcohol_units_per_week: Amount | None = None
    sleep_hours: Hours | None = None
    screen_hours_per_day: Hours | None = None
    sexually_active: bool | None = None


_COUNTRY = re.compile(r"^[A-Z]{2}$")
#: A French department code: 01 to 95, 2A, 2B, or 971 to 989 (overseas). Others are typing
#: mistakes ("9733" for French Guiana was read as a metropolitan department).
_FR_DEPARTMENT = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2[AB]|9[78]\d)$")


class Residence(_Model):
    """Where the person lives: an ISO 3166-1 alpha-2 country (FR, US, GF...), a department.

    An overseas department given by its own country code (GF, GP, MQ, RE, YT...) is read as
    France with that department code (GF = FR + 973), once, here: rules then test a single
    fact, the department, whichever way the service wrote the address.
    """

    country: str = "FR"
    department: str | None = None

    @field_validator("country")
    @classmethod
    def _iso_country(cls, v: str) -> str:
        if not _COUNTRY.match(v):
            raise ValueError(
                f"country is an ISO 3166-1 alpha-2 code in capitals (FR, US), not {v!r}"
            )
        return v

    @model_validator(mode="before")
    @classmethod
    def _overseas(cls, data: Any) -> Any:
        """An overseas department given as a country (GF) is France with its department."""
        if not isinstance(data, dict):
            return data
        country = data.get("country")
        code = OVERSEAS_DEPARTMENTS.get(country) if isinstance(country, str) else None
        if code is None:
            return data
        department = data.get("department")
        if department is not None and department != code:
            raise ValueError(f"country {country} is the department {code}, not {department!r}")
        return {**data, "country": "FR", "department": code}

    @model_validator(mode="after")
    def _french_department(self) -> Self:
        if self.country == "FR" and self.department is not None and not _FR_DEPARTMENT.match(
            self.department
        ):
            raise _PathError(
                "residence.department", self.department,
                "a French department is 01 to 95, 2A, 2B, or 971 to 989 (overseas)")
        return self


def _known_target(v: str) -> str:
    return known("target", TARGETS, v)


def _known_degree(v: str) -> str:
    return known("family history", FAMILY_DEGREES, v, list_them=True)


KnownTarget = Annotated[str, AfterValidator(_known_target)]


class Contraindication(_Model):
    target: KnownTarget
    reason: str | None = None
    since: Date | None = None


class Immunity(_Model):
    """What is known of a person's immunity to a target: ``immune: false`` records a checked
    negative (no history of the disease, negative serology), which is not the same as nothing
    recorded (unknown)."""

    target: KnownTarget
    evidence: str = "history"
    date: Date | None = None
    immune: bool = True


class Declined(_Model):
    item: str
    date: Date | None = None


class Consent(_Model):
    opt_out_domains: tuple[str, ...] = ()
    channels: dict[str, bool] = Field(default_factory=dict)

    @field_validator("channels")
    @classmethod
    def _known_channels(cls, v: dict[str, bool]) -> dict[str, bool]:
        known_all("channel", CHANNELS, tuple(v), list_them=True)
        return v

    @field_validator("opt_out_domains")
    @classmethod
    def _known_domains(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return known_all("domain", DOMAINS, v)


class Caregiver(_Model):
    id: str
    relation: str | None = None


class MotherDose(_Model):
    target: KnownTarget
    date: Date


class Perinatal(_Model):
    """The infant's birth record: what a newborn's rules need (prematurity, birth weight, the
    mother's vaccinations during the pregnancy, e.g. the RSV vaccine that makes nirsevimab
    unnecessary). ``prevention_engine.gestation.birth_record`` derives it from the mother's
    profile."""

    gestational_age_weeks: Annotated[int, Field(ge=20, le=45), NotBool] | None = None
    birth_weight_g: Annotated[int, Field(ge=200, le=7000), NotBool] | None = None
    #: None: not known (asked where a rule needs it); empty: the mother received none
    mother_vaccinations: tuple[MotherDose, ...] | None = None
    mother_hbsag_positive: bool | None = None


class Profile(_Model):
    """A person's health profile. Only ``birth_date`` is required. ``rhesus`` (RhD blood
    group, ``positive`` or ``negative``) is optional; the pregnancy pathway asks for it."""

    id: str | None = None
    birth_date: Date
    sex: Literal["female", "male"] | None = None
    residence: Residence = Field(default_factory=Residence)
    immunizations: tuple[Immunization, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    conditions: tuple[Condition, ...] = ()
    observations: tuple[Observation, ...] = ()
    pregnancies: tuple[Pregnancy, ...] = ()
    lifestyle: Lifestyle = Field(default_factory=Lifestyle)
    #: degree of each family history (``FAMILY_DEGREES``); ``none`` is a known absence
    family_history: dict[str, Annotated[str, AfterValidator(_known_degree)]] = Field(
        default_factory=dict)
    medications: tuple[str, ...] = ()
    contraindications: tuple[Contraindication, ...] = ()
    immunity: tuple[Immunity, ...] = ()
    declined: tuple[Declined, ...] = ()
    consent: Consent = Field(default_factory=Consent)
    caregivers: tuple[Caregiver, ...] = ()
    #: an adult who does not manage their own care (tutelle, curatelle, dependency): their
    #: notifications go to the first recorded caregiver, as a minor's do
    dependent: bool | None = None
    situations: tuple[str, ...] = ()
    #: situations known NOT to apply (e.g. not breastfeeding), for rules that must not assume it
    situations_absent: tuple[str, ...] = ()
    #: conditions and medications known to be absent (a questionnaire answered "no"): a fact
    #: missing from ``conditions`` / ``medications`` is unknown, never read as "no", for the
    #: rules that need the answer (FINDRISC questions, the 2-year eye examination)
    conditions_absent: tuple[str, ...] = ()
    medications_absent: tuple[str, ...] = ()
    perinatal: Perinatal = Field(default_factory=Perinatal)
    #: RhD blood group (from a complete blood-group card); None: unknown
    rhesus: Literal["positive", "negative"] | None = None

    @field_validator("birth_date")
    @classmethod
    def _plausible_birth(cls, v: dt.date) -> dt.date:
        if v.year < 1890:
            raise ValueError("a birth date before 1890 is not plausible")
        return v

    @field_validator("situations", "situations_absent")
    @classmethod
    def _known_situations(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return known_all("situation", SITUATIONS, v)

    @model_validator(mode="after")
    def _situations_consistent(self) -> Self:
        both = sorted(set(self.situations) & set(self.situations_absent))
        if both:
            raise _PathError(
                "situations_absent", both[0], f"situation {both[0]!r} is both present and absent"
            )
        return self

    @field_validator("conditions_absent")
    @classmethod
    def _known_absent(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return known_all("condition", CONDITIONS, v)

    @model_validator(mode="after")
    def _absent_consistent(self) -> Self:
        named = {c.name for c in self.conditions if c.name is not None}
        for field, present, absent in (
            ("conditions_absent", named, self.conditions_absent),
            ("medications_absent", set(self.medications), self.medications_absent),
        ):
            both = sorted(present & set(absent))
            if both:
                raise _PathError(field, both[0], f"{both[0]!r} is both recorded and absent")
        return self

    @model_validator(mode="after")
    def _not_before_birth(self) -> Self:
        dob = self.birth_date
        checks: list[tuple[str, dt.date | None]] = []
        checks += [(f"immunizations[{i}].date", x.date) for i, x in enumerate(self.immunizations)]
        checks += [(f"procedures[{i}].date", x.date) for i, x in enumerate(self.procedures)]
        checks += [(f"observations[{i}].date", x.date) for i, x in enumerate(self.observations)]
        checks += [(f"conditions[{i}].since", x.since) for i, x in enumerate(self.conditions)]
        checks += [(f"conditions[{i}].until", x.until) for i, x in enumerate(self.conditions)]
        checks += [
            (f"pregnancies[{i}].{_dated_by(x)}", x.start)
            for i, x in enumerate(self.pregnancies)
        ]
        checks += [
            (f"contraindications[{i}].since", x.since)
            for i, x in enumerate(self.contraindications)
        ]
        checks += [(f"immunity[{i}].date", x.date) for i, x in enumerate(self.immunity)]
        checks += [(f"declined[{i}].date", x.date) for i, x in enumerate(self.declined)]
        for path, d in checks:
            if d is not None and d < dob:
                raise _PathError(
                    path, d, f"date {d.isoformat()} is before the birth date {dob.isoformat()}"
                )
        return self

    # Public constructors raise ProfileError (a ValueError) naming the field.
    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise _to_profile_error(exc) from None

    @classmethod
    def model_validate_json(
        cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any
    ) -> Self:
        """Parse strictly (a key given twice is an error, as in the CLI), then validate."""
        try:
            text = bytes(json_data) if isinstance(json_data, bytearray) else json_data
            return super().model_validate(loads(text), *args, **kwargs)
        except ValidationError as exc:
            raise _to_profile_error(exc) from None

    # Derived facts, computed on demand.
    def condition_names(self, on: dt.date) -> frozenset[str]:
        """Conditions active on ``on`` (recorded since then or undated, not ended before)."""
        out: set[str] = set()
        for c in self.conditions:
            name = c.name
            if name is None:
                continue
            if c.since is not None and c.since > on:
                continue
            if c.until is not None and c.until < on:
                continue
            out.add(name)
        return frozenset(out)

    def coded_conditions(self, system: str, on: dt.date) -> dict[str, dt.date | None]:
        """Codes of ``system`` active on ``on`` (as ``condition_names``), with their ``since``."""
        out: dict[str, dt.date | None] = {}
        for c in self.conditions:
            code = c.code
            if not isinstance(code, Code) or code.system != system:
                continue
            if (c.since is not None and c.since > on) or (c.until is not None and c.until < on):
                continue
            out[code.value] = c.since
        return out

    def current_pregnancy(self, on: dt.date) -> Pregnancy | None:
        """The pregnancy ongoing on ``on`` (started, not ended), latest first.

        A pregnancy recorded without an end date is not taken as ongoing beyond
        ``PREGNANCY_LIMIT`` after its start: an unrecorded end must not contraindicate live
        vaccines years later (the engine warns about it).
        """
        for p in sorted(self.pregnancies, key=lambda p: p.start, reverse=True):
            if p.start <= on and (p.end_date is None or p.end_date > on):
                if p.end_date is None and on >= p.start + PREGNANCY_LIMIT:
                    continue
                return p
        return None


def _dated_by(p: Pregnancy) -> str:
    """The field a pregnancy's start comes from (named in errors)."""
    if p.conception_date:
        return "conception_date"
    return "dating_date" if p.dating_date else "lmp"


class _PathError(ValueError):
    def __init__(self, path: str, value: Any, message: str) -> None:
        self.path = path
        self.value = value
        super().__init__(message)


def _to_profile_error(exc: ValidationError) -> ProfileError:
    err = exc.errors(include_url=False)[0]
    ctx_err = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_err, _PathError):
        return ProfileError(str(ctx_err), field=ctx_err.path, value=str(ctx_err.value))
    loc = err.get("loc", ())
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    msg = err.get("msg", "invalid value")
    if err.get("type") == "extra_forbidden":
        msg = "unknown field"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    value = err.get("input")
    if isinstance(value, dict | list | tuple):
        value = None
    elif isinstance(value, str) and len(value) > 80:
        value = value[:77] + "..."  # never echo a huge payload into logs or rejects
    more = len(exc.errors()) - 1
    if more > 0:
        msg += f" (and {more} more error{'s' if more > 1 else ''})"
    return ProfileError(msg, field=path or "profile", value=value)
