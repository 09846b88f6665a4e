"""Unit conversions the risk scores need, with the factors behind them.

The scores work in SI units (cholesterol mmol/L, glucose mmol/L) and HbA1c in IFCC mmol/mol;
French laboratories often report g/L or mg/dL and HbA1c in % (NGSP/DCCT). ``profile.py``
already converts observations on input with these same factors (cholesterol and glucose to
mmol/L, HbA1c to %); the tests check that both agree. Factors:

- cholesterol (total, HDL, LDL): 1 mmol/L = 38.67 mg/dL (molar mass of cholesterol
  386.65 g/mol; AHRQ Evidence Synthesis No. 47, 2007, appendix 2 "Units of measure conversion").
- glucose: 1 mmol/L = 18.016 mg/dL (molar mass of glucose 180.16 g/mol).
- HbA1c: IFCC-NGSP master equation, NGSP % = 0.0915 x IFCC + 2.15, i.e.
  IFCC mmol/mol = (NGSP % - 2.15) x 10.929 (Hoelzel et al., Clin Chem 2004;50:166-74; IFCC
  HbA1c network, https://information.ifcchba1c.org/sustainable-implementation/master-equations.aspx).
"""

from __future__ import annotations

from .result import require_finite

CHOLESTEROL_MG_DL_PER_MMOL_L = 38.67
GLUCOSE_MG_DL_PER_MMOL_L = 18.016
HBA1C_NGSP_INTERCEPT_PERCENT = 2.15
HBA1C_IFCC_MMOL_MOL_PER_PERCENT = 10.929


def cholesterol_mmol_l(mg_dl: float) -> float:
    """Cholesterol (total, HDL or LDL) from mg/dL to mmol/L."""
    return require_finite("cholesterol (mg/dL)", mg_dl) / CHOLESTEROL_MG_DL_PER_MMOL_L


def cholesterol_mg_dl(mmol_l: float) -> float:
    """Cholesterol (total, HDL or LDL) from mmol/L to mg/dL."""
    return require_finite("cholesterol (mmol/L)", mmol_l) * CHOLESTEROL_MG_DL_PER_MMOL_L


def glucose_mmol_l(mg_dl: float) -> float:
    """Blood glucose from mg/dL to mmol/L."""
    return require_finite("glucose (mg/dL)", mg_dl) / GLUCOSE_MG_DL_PER_MMOL_L


def glucose_mg_dl(mmol_l: float) -> float:
    """Blood glucose from mmol/L to mg/dL."""
    return require_finite("glucose (mmol/L)", mmol_l) * GLUCOSE_MG_DL_PER_MMOL_L


def hba1c_mmol_mol(percent: float) -> float:
    """HbA1c from NGSP/DCCT % to IFCC mmol/mol (what SCORE2-Diabetes takes)."""
    value = require_finite("hba1c (%)", percent)
    return (value - HBA1C_NGSP_INTERCEPT_PERCENT) * HBA1C_IFCC_MMOL_MOL_PER_PERCENT


def hba1c_percent(mmol_mol: float) -> float:
    """HbA1c from IFCC mmol/mol to NGSP/DCCT % (what ``profile.py`` stores)."""
    value = require_finite("hba1c (mmol/mol)", mmol_mol)
    return value / HBA1C_IFCC_MMOL_MOL_PER_PERCENT + HBA1C_NGSP_INTERCEPT_PERCENT
