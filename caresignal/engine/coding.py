"""Coding indicators that SHMI publishes beside the ratio: palliative care coding and comorbidity depth.

A trust can lower its SHMI without saving a life by coding more palliative care (HSMR-style models
expect more deaths) or more comorbidities (every model expects more deaths from a higher Charlson
group). NHS England publishes both with the SHMI for that reason; we compute them per trust and month
over the SHMI cohort so that the statistics core can put them on SPC charts:

- palliative coding rate: spells with specialist palliative care coded (Z51.5) / spells;
- palliative coding of deaths: deaths with palliative care coded / deaths;
- comorbidity depth: mean number of secondary diagnoses per spell, and mean Charlson index.

References
----------
NHS England (2024). SHMI contextual indicators: percentage of provider spells and deaths with
palliative care coding; average comorbidity coding (mean secondary diagnoses), elective and non-elective.
"""

from __future__ import annotations

import ibis.expr.types as ir


def coding_by_month(cohort: ir.Table, by: tuple[str, ...] = ("org_code", "month_index")) -> ir.Table:
    """Per trust and discharge month: spells, palliative spells, deaths, palliative deaths, and the sums
    of secondary diagnoses and Charlson scores (divide by spells for the means)."""
    pall = cohort.palliative_care.cast("int64")
    return cohort.group_by(list(by)).aggregate(
        spells=cohort.count(),
        palliative=pall.sum(),
        deaths=cohort.died.sum(),
        palliative_deaths=(pall * cohort.died).sum(),
        secondary_diagnoses=cohort.n_secondary_diagnoses.cast("int64").sum(),
        charlson_total=cohort.charlson_score.cast("int64").sum(),
    )
