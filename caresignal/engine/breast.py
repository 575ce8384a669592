"""Breast surgery after the national mastectomy audit: adjusted complication and return-to-theatre rates.

Mastectomies with and without immediate breast reconstruction (IBR), outcomes within three months. One
national logistic model per outcome on age band, ASA grade, BMI band, smoking, diabetes and
reconstruction type (the audit's case-mix factors), fitted on the window with a year index; each trust's
observed over expected is its adjusted ratio, and ``ratio x national rate`` its adjusted rate. The
immediate-reconstruction rate itself is reported too: offering IBR only to low-risk women is a way to
look good.

References
----------
Jeevan R, Cromwell DA, Browne JP, et al. (2011). Fourth Annual Report of the National Mastectomy and
Breast Reconstruction Audit. NHS Information Centre. (Case-mix: age, ASA grade, BMI, smoking, diabetes.)
Jeevan R, Cromwell DA, Browne JP, et al. (2014). Findings of a national comparative audit of mastectomy
and breast reconstruction surgery in England. J Plast Reconstr Aesthet Surg 67:1333-44.
doi:10.1016/j.bjps.2014.04.022
"""

from __future__ import annotations

import ibis.expr.types as ir

from caresignal.engine.cohort import month_index
from caresignal.engine.covariates import ASA, BMI, BREAST_AGE, DIABETES, RECONSTRUCTION, SMOKER, Factor

BREAST_FACTORS: tuple[Factor, ...] = (BREAST_AGE, ASA, BMI, SMOKER, DIABETES, RECONSTRUCTION)
BREAST_OUTCOMES = ("complication_3m", "return_to_theatre_3m")


def breast_procedures(breast: ir.Table) -> ir.Table:
    """Procedures with ``month_index`` of the operation and 0/1 outcome and IBR columns."""
    return breast.mutate(
        month_index=month_index(breast.procedure_date),
        ibr=breast.immediate_reconstruction.cast("int64"),
        complication=breast.complication_3m.cast("int64"),
        return_to_theatre=breast.return_to_theatre_3m.cast("int64"),
    )


def ibr_by_month(t: ir.Table, by: tuple[str, ...] = ("org_code", "month_index")) -> ir.Table:
    """Mastectomies and immediate reconstructions per trust and month."""
    return t.group_by(list(by)).aggregate(procedures=t.count(), ibr=t.ibr.sum())
