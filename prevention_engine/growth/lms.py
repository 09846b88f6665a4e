"""The LMS method (Cole & Green) with WHO's restricted tails, as pure arithmetic.

Kept apart from the tables so the formulas can be read and tested on their own against the WHO
technical report ("Computation of centiles and z-scores", WHO Child Growth Standards, 2006,
chapter 7): z = ((y / M) ** L - 1) / (L * S), and for the skewed weight-based indicators WHO
replaces the LMS curve beyond +/-3 SD by a straight line extending the 2-3 SD distance, because
the fitted curve is unreliable that far out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: |L| below this is treated as L = 0 (the log-normal limit of the Box-Cox transform).
_L_ZERO = 1e-9
_SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True, slots=True)
class Lms:
    """Box-Cox power (L), median (M) and coefficient of variation (S) at one age."""

    l: float  # noqa: E741 - the name is the method's own
    m: float
    s: float

    def between(self, other: Lms, fraction: float) -> Lms:
        """Linear interpolation of the three parameters (WHO interpolates L, M and S alike)."""
        return Lms(
            self.l + fraction * (other.l - self.l),
            self.m + fraction * (other.m - self.m),
            self.s + fraction * (other.s - self.s),
        )


def z_score(value: float, lms: Lms) -> float:
    """Plain LMS z-score of a positive measurement."""
    if abs(lms.l) < _L_ZERO:
        return math.log(value / lms.m) / lms.s
    return (float((value / lms.m) ** lms.l) - 1.0) / (lms.l * lms.s)


def value_at(lms: Lms, z: float) -> float:
    """The measurement on the plain LMS curve of z (the published SD lines)."""
    if abs(lms.l) < _L_ZERO:
        return lms.m * math.exp(lms.s * z)
    base = 1.0 + lms.l * lms.s * z
    if base <= 0.0:
        raise ValueError(f"z = {z} lies outside the support of this LMS curve")
    return lms.m * float(base ** (1.0 / lms.l))


def restricted_z_score(value: float, lms: Lms) -> float:
    """WHO's z-score: plain LMS within +/-3 SD, linear in the measurement beyond.

    Beyond +3 SD, z = 3 + (y - SD3) / (SD3 - SD2); below -3 SD, z = -3 + (y - SD-3) /
    (SD-2 - SD-3). Applies to weight-for-age and BMI-for-age (WHO 2006 and 2007), as in WHO's
    Anthro and AnthroPlus software.
    """
    z = z_score(value, lms)
    if z > 3.0:
        sd3 = value_at(lms, 3.0)
        return 3.0 + (value - sd3) / (sd3 - value_at(lms, 2.0))
    if z < -3.0:
        sd3 = value_at(lms, -3.0)
        return -3.0 + (value - sd3) / (value_at(lms, -2.0) - sd3)
    return z


def restricted_value_at(lms: Lms, z: float) -> float:
    """The inverse of `restricted_z_score`: the measurement WHO places at z."""
    if z > 3.0:
        sd3 = value_at(lms, 3.0)
        return sd3 + (z - 3.0) * (sd3 - value_at(lms, 2.0))
    if z < -3.0:
        sd3 = value_at(lms, -3.0)
        return sd3 + (z + 3.0) * (value_at(lms, -2.0) - sd3)
    return value_at(lms, z)


def percentile(z: float) -> float:
    """Percentile (0-100) of a z-score under the standard normal distribution."""
    return 50.0 * math.erfc(-z / _SQRT2)


def z_of_percentile(p: float) -> float:
    """The z-score of a percentile strictly between 0 and 100 (bisection on `percentile`)."""
    if not 0.0 < p < 100.0:
        raise ValueError(f"a percentile must lie strictly between 0 and 100, got {p}")
    low, high = -40.0, 40.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if percentile(mid) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0
