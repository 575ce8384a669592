"""Cohort rules as Ibis expressions: SHMI inclusion and outcome, windows in months, maturity.

Months are counted as one integer, ``month_index = 12 * year + month - 1``, so that windows and year
indices are integer comparisons that compile the same on DuckDB and Spark.

SHMI rules implemented (NHS England, SHMI methodology specification; see ``docs/outcomes.md``):

- a spell is included when it is finished, at a non-specialist acute trust, and not a regular day or
  night attender (``patient_classification = 'regular_attender'``);
- the outcome is death in hospital or within 30 days of discharge (``date_of_death - discharge_date
  <= 30``);
- a patient's death is attributed to their last spell only: earlier spells of a patient who died stay
  in the cohort as survivals, so a death is never counted twice;
- birthweight enters the model for perinatal diagnosis groups only.
"""

from __future__ import annotations

from typing import Sequence

import ibis
import ibis.expr.types as ir

# Deaths within this many days of discharge count (SHMI specification: "within 30 days of discharge").
DEATH_WINDOW_DAYS = 30
# Emergency readmission within 30 days: days 0 to 29 after discharge (NHS Digital, Emergency readmissions
# within 30 days of discharge from hospital, indicator specification, NHS Outcomes Framework 3b).
READMISSION_WINDOW_DAYS = 30
# A spell enters a CUSUM only once its 30-day outcome is known (Bottle & Aylin 2008).
MATURITY_DAYS = 30
# Breast outcomes are counted within three months of the operation (National Mastectomy and Breast
# Reconstruction Audit 2011): a procedure is mature once this many days have passed.
BREAST_FOLLOW_UP_DAYS = 90
SPECIALIST_TRUST_TYPE = "acute_specialist"


def month_index(date: ir.DateValue) -> ir.IntegerValue:
    """``12 * year + month - 1`` of a date column."""
    return (date.year() * 12 + date.month() - 1).cast("int64")


def parse_month(month: str) -> int:
    """The month index of ``'YYYY-MM'``."""
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def format_month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_end_epoch_day(index: int) -> int:
    """Days since 1970-01-01 of the last day of month ``index``."""
    import datetime as dt

    nxt = index + 1
    first_next = dt.date(nxt // 12, nxt % 12 + 1, 1)
    return (first_next - dt.date(1970, 1, 1)).days - 1


def days_between(start: ir.DateValue, end: ir.DateValue) -> ir.IntegerValue:
    return (end.epoch_days() - start.epoch_days()).cast("int64")


def shmi_cohort(admissions: ir.Table, *, perinatal_groups: Sequence[int] = (),
                specialist_orgs: Sequence[str] = ()) -> ir.Table:
    """Spells in the SHMI cohort with the outcome ``died`` (0/1) and ``month_index`` of discharge.

    Parameters
    ----------
    admissions : table with the columns of the ``admissions`` source.
    perinatal_groups : diagnosis group ids whose model uses birthweight; elsewhere birthweight is
        set to missing so it cannot enter the model.
    specialist_orgs : organisation codes of specialist trusts, which SHMI excludes.
    """
    t = admissions.filter(admissions.patient_classification != "regular_attender")
    if specialist_orgs:
        t = t.filter(~t.org_code.isin(list(specialist_orgs)))
    t = t.mutate(
        group=t.primary_diagnosis_group.cast("int64"),
        month_index=month_index(t.discharge_date),
        birthweight_g=(ibis.ifelse(t.primary_diagnosis_group.isin(list(perinatal_groups)), t.birthweight_g,
                                   ibis.null("int64")) if perinatal_groups else ibis.null("int64")),
        in_hospital=t.died_in_hospital.cast("int64"),
    )
    alive = t.filter(t.date_of_death.isnull())
    alive = alive.mutate(died=alive.in_hospital)
    # Only patients who died need the last-spell rule: a window over them alone, then a union (no join).
    dead = t.filter(t.date_of_death.notnull())
    dead = dead.mutate(order_key=dead.discharge_date.epoch_days().cast("int64") * 10_000_000_000
                       + dead.spell_id.cast("int64"))
    dead = dead.mutate(last_key=dead.order_key.max().over(ibis.window(group_by=dead.patient_id)))
    within = days_between(dead.discharge_date, dead.date_of_death) <= DEATH_WINDOW_DAYS
    dead = dead.mutate(died=ibis.ifelse((dead.in_hospital == 1) | (within & (dead.order_key == dead.last_key)),
                                        1, 0).cast("int64"))
    return alive.union(dead.select(*alive.columns), distinct=False)


def window(t: ir.Table, last_month: int, n_months: int) -> ir.Table:
    """Rows whose ``month_index`` is among the ``n_months`` ending at ``last_month``, with
    ``months_before = last_month - month_index`` (0 for the last month), which the year index reads."""
    first = last_month - n_months + 1
    t = t.filter((t.month_index >= first) & (t.month_index <= last_month))
    return t.mutate(months_before=(last_month - t.month_index).cast("int64"))


def mature(t: ir.Table, date_column: str, cutoff_epoch_day: int, days: int) -> ir.Table:
    """Rows whose ``date_column`` is at least ``days`` days before the data cut-off."""
    return t.filter(t[date_column].epoch_days() + days <= cutoff_epoch_day)


def hsmr_outcome(t: ir.Table) -> ir.Table:
    """Replace ``died`` with in-hospital death, the HSMR outcome (Jarman et al. 1999)."""
    return t.mutate(died=t.in_hospital)
