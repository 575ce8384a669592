"""Emergency readmissions within 30 days of discharge, derived from spells by patient id.

Readmissions are never flagged in the source: for each spell we look, among the same patient's later
spells (at any trust), for the earliest emergency admission, and count a readmission when it starts 0 to
29 days after the discharge (NHS Outcomes Framework indicator 3b, "within 30 days").

Index spells exclude (NHS Digital indicator specification, emergency readmissions within 30 days):

- spells ending in death (``died_in_hospital``): nobody can be readmitted;
- maternity spells (admission method ``maternity``) and spells in pregnancy/perinatal chapters;
- cancer and chemotherapy/radiotherapy spells (ICD-10 chapter II groups, and the chemotherapy group),
  whose planned returns are not failures;
- regular day and night attenders;
- spells discharged less than 30 days before the data cut-off (the outcome is not yet known).

Length of stay is ``discharge_date - admission_date`` in days (0 for day cases).
"""

from __future__ import annotations

from typing import Sequence

import ibis
import ibis.expr.types as ir

from caresignal.engine.cohort import READMISSION_WINDOW_DAYS, days_between, month_index


def readmission_spells(admissions: ir.Table, *, excluded_groups: Sequence[int] = (),
                       cutoff_epoch_day: int | None = None) -> ir.Table:
    """Index spells with ``readmitted`` (0/1), ``los`` in days, ``group`` and ``month_index``.

    Parameters
    ----------
    admissions : the ``admissions`` source (all spells: readmissions may happen at any trust).
    excluded_groups : diagnosis groups excluded as index spells (cancer, chemotherapy, maternity).
    cutoff_epoch_day : last day of the data; index spells discharged within 30 days of it are dropped.
    """
    t = admissions.mutate(
        adm_day=admissions.admission_date.epoch_days().cast("int64"),
        dis_day=admissions.discharge_date.epoch_days().cast("int64"),
    )
    emergency_day = ibis.ifelse(t.admission_method == "emergency", t.adm_day, ibis.null("int64"))
    # Earliest emergency admission among the patient's later spells (rows after this one in admission
    # order): a window frame of the following rows, which both DuckDB and Spark evaluate per patient.
    later = ibis.window(group_by=t.patient_id, order_by=[t.adm_day, t.spell_id], following=(1, None))
    t = t.mutate(next_emergency=emergency_day.min().over(later))
    gap = t.next_emergency - t.dis_day
    t = t.mutate(
        group=t.primary_diagnosis_group.cast("int64"),
        month_index=month_index(t.discharge_date),
        los=days_between(t.admission_date, t.discharge_date),
        readmitted=ibis.ifelse(gap.notnull() & (gap >= 0) & (gap < READMISSION_WINDOW_DAYS), 1, 0)
        .cast("int64"),
    )
    t = t.filter((t.died_in_hospital == False) & (t.admission_method != "maternity")  # noqa: E712
                 & (t.patient_classification != "regular_attender"))
    if excluded_groups:
        t = t.filter(~t.group.isin(list(excluded_groups)))
    if cutoff_epoch_day is not None:
        t = t.filter(t.dis_day + READMISSION_WINDOW_DAYS <= cutoff_epoch_day)
    return t


def los_by_month(t: ir.Table, by: tuple[str, ...] = ("org_code", "month_index")) -> ir.Table:
    """Spells and total bed days per trust and month (mean length of stay = bed_days / spells)."""
    return t.group_by(list(by)).aggregate(spells=t.count(), bed_days=t.los.sum())
