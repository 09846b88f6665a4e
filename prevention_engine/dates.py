"""The date algebra of CDSi (CALCDT), used everywhere a rule adds an age or an interval.

Adding a duration adds years, then months, then weeks and days. A date that does not exist
after adding years or months (31 April, 29 February of a common year) moves forward to the
first day of the next month; ``relativedelta`` would clamp it to the month end instead, which
shifts every CDSi forecast by a day or more, so it is not used here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .errors import InputError

_UNIT_ALIASES = {
    "day": "days",
    "days": "days",
    "d": "days",
    "jour": "days",
    "jours": "days",
    "week": "weeks",
    "weeks": "weeks",
    "w": "weeks",
    "semaine": "weeks",
    "semaines": "weeks",
    "month": "months",
    "months": "months",
    "m": "months",
    "mois": "months",
    "year": "years",
    "years": "years",
    "y": "years",
    "an": "years",
    "ans": "years",
}

_TERM = re.compile(r"\s*([+-]?)\s*(\d+)\s*([A-Za-z]+)\s*")


ONE_DAY = timedelta(days=1)
"""Past-due and latest dates are the day before a limit (CDSi FORECASTDT)."""


@dataclass(frozen=True, slots=True)
class Duration:
    """A CDSi duration: whole years, months and days (weeks are stored as 7 days)."""

    years: int = 0
    months: int = 0
    days: int = 0

    def add_to(self, start: date) -> date:
        """``start`` + this duration, CALCDT-1..6.

        The straight computation first (an evaluation adds about 190 durations per person): a day
        that does not exist, or a date out of range, goes to ``_add_to`` (CALCDT-5, errors)."""
        years, months, days = self.years, self.months, self.days
        try:
            base = start
            if years or months:
                total = start.month - 1 + months
                base = date(start.year + years + total // 12, total % 12 + 1, start.day)
            return base + timedelta(days) if days else base
        except (ValueError, OverflowError):
            return self._add_to(start)

    def _add_to(self, start: date) -> date:
        y, m, d = start.year + self.years, start.month, start.day
        total_months = (y * 12 + (m - 1)) + self.months
        y, m = divmod(total_months, 12)
        m += 1
        try:
            try:
                base = date(y, m, d)
            except ValueError:
                if not 1 <= y <= 9999:
                    raise
                # CALCDT-5: a date that does not exist becomes the 1st of the next month.
                base = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
            return base + timedelta(days=self.days)
        except (ValueError, OverflowError):
            raise InputError(f"{start.isoformat()} + {self} is outside the calendar "
                             "(years 1 to 9999)") from None

    def whole_months(self) -> int | None:
        """The duration as a number of months (a year is 12), None when it has days or is
        negative: ``start + duration <= on`` is then ``months_since(start, on) >= n`` (dates a
        whole number of months apart only grow with the months)."""
        months = self.years * 12 + self.months
        return None if self.days or months < 0 else months

    def subtract_from(self, start: date) -> date:
        """``start`` - this duration (used to find the latest birth date for an age)."""
        return Duration(-self.years, -self.months, -self.days).add_to(start)

    def __str__(self) -> str:
        parts: list[str] = []
        for value, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day")):
            if value:
                sign = "- " if value < 0 and parts else ("-" if value < 0 else "")
                joiner = "" if not parts else ("" if value < 0 else "+ ")
                word = unit if abs(value) == 1 else unit + "s"
                parts.append(f"{joiner}{sign}{abs(value)} {word}")
        return " ".join(parts) if parts else "0 days"

    def french(self) -> str:
        """The duration in plain French ("2 mois", "1 an et 6 mois", "4 semaines")."""
        out: list[str] = []
        if self.years:
            out.append(f"{abs(self.years)} an" + ("s" if abs(self.years) > 1 else ""))
        if self.months:
            out.append(f"{abs(self.months)} mois")
        if self.days:
            if self.days % 7 == 0:
                w = abs(self.days) // 7
                out.append(f"{w} semaine" + ("s" if w > 1 else ""))
            else:
                out.append(f"{abs(self.days)} jour" + ("s" if abs(self.days) > 1 else ""))
        if not out:
            return "0 jour"
        if self.days < 0 and len(out) > 1:
            return " ".join(out[:-1]) + " moins " + out[-1]
        return " et ".join(out) if len(out) == 2 else ", ".join(out)




def parse_duration(text: object) -> Duration:
    """Parse ``"12 months - 4 days"``; raise ``InputError`` (a ``PreventionError`` and a
    ``ValueError``) with a readable message (also for a value that is not a string: typed
    ``object`` so that the compiled build checks it here instead of raising ``TypeError``)."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"a duration must be a string such as '2 months', not {text!r}")
    return _parse_duration(text)


@lru_cache(maxsize=4096)
def _parse_duration(text: str) -> Duration:
    pos = 0
    years = months = days = 0
    first = True
    s = text.strip()
    while pos < len(s):
        m = _TERM.match(s, pos)
        if not m or m.end() == pos:
            raise InputError(f"cannot read duration {text!r} (expected e.g. '12 months - 4 days')")
        sign_txt, num_txt, unit_txt = m.groups()
        if not first and not sign_txt:
            raise InputError(f"cannot read duration {text!r}: join parts with '+' or '-'")
        unit = _UNIT_ALIASES.get(unit_txt.lower())
        if unit is None:
            raise InputError(
                f"unknown unit {unit_txt!r} in duration {text!r} (days, weeks, months, years)"
            )
        n = int(num_txt) * (-1 if sign_txt == "-" else 1)
        if unit == "years":
            years += n
        elif unit == "months":
            months += n
        elif unit == "weeks":
            days += 7 * n
        else:
            days += n
        pos = m.end()
        first = False
    if abs(years) > 300 or abs(months) > 3600 or abs(days) > 110_000:
        raise InputError(f"duration {text!r} is implausibly long (more than 300 years)")
    return Duration(years, months, days)


def add(start: date, duration: Duration | str) -> date:
    """``start`` + ``duration`` with the CDSi rules."""
    if not isinstance(start, date):
        raise InputError(f"start must be a datetime.date, not {type(start).__name__}")
    d = parse_duration(duration) if isinstance(duration, str) else duration
    if not isinstance(d, Duration):
        raise InputError(f"duration must be a Duration or a string such as '2 months', not {d!r}")
    return d.add_to(start)


def completed_years(birth: date, on: date) -> int:
    """Age in whole years on ``on`` (birthday reached on DOB + N years, CDSi style).

    Compared as (month, day) rather than by adding N years (about ten ages per person): a
    29 February birthday falls on 1 March in other years (CALCDT-5), which the comparison
    gives too, since 28 February < (2, 29) <= 1 March."""
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return max(years, 0)


def completed_months(birth: date, on: date) -> int:
    """Age in whole months on ``on``: the month's anniversary is reached on the birth day of
    the month, or never within a month too short for it (it falls on the 1st of the next)."""
    return max(months_since(birth, on), 0)


def months_since(start: date, on: date) -> int:
    """The whole months from ``start`` to ``on``, negative when ``on`` is before ``start``:
    for n >= 0, ``start + n months <= on`` exactly when this is at least n."""
    return (on.year - start.year) * 12 + (on.month - start.month) - (on.day < start.day)


def french_age(birth: date, on: date) -> str:
    """Age in French for reasons: '3 mois', '2 ans', '45 ans'."""
    months = completed_months(birth, on)
    if months < 24:
        if months == 0:
            days = (on - birth).days
            return f"{days} jour" + ("s" if days > 1 else "")
        return f"{months} mois"
    years = completed_years(birth, on)
    return f"{years} ans"


def french_date(d: date) -> str:
    """A date in French: '15 août 2024'."""
    months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {months[d.month - 1]} {d.year}"
