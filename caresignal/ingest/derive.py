"""Derive observations of registry indicators from loaded rows, with DuckDB.

For each derivation (see ``caresignal.domain.registry``), one SQL statement groups the source's rows by
organisation and period::

    numerator_op   = <numerator>   over the rows of (org, period) passing <where>
    denominator_op = <denominator> (or from another source: every org-period there is observed)
    value          = numerator / expected          for ratios
                   = numerator / denominator       when there is a denominator
                   = numerator                     otherwise (counts, scores, days)

Organisation-periods whose denominator is zero or missing have no observation (nothing was at risk).
Counts marked ``zero_fill`` get 0 for every organisation and month in the source's span with no rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import duckdb

from caresignal.domain.records import Observation
from caresignal.domain.registry import Derivation
from caresignal.domain.sources import SOURCES
from caresignal.ingest.checks import q
from caresignal.ingest.duck import fetch_arrow, fetch_one

# ``relation(source_name)`` -> SQL naming a relation with that source's loaded rows.
RelationFor = Callable[[str], str]


def _period(source_name: str, column: str) -> str:
    col = SOURCES[source_name].column(column)
    c = q(column)
    return {"date": f"strftime({c}, '%Y-%m')", "month": c, "int": f"CAST({c} AS VARCHAR)"}[col.type]


def derivation_sql(d: Derivation, relation: RelationFor, months: list[str] | None = None) -> str:
    """The SQL computing (org, period, numerator, denominator, expected) for one derivation."""
    org = q(SOURCES[d.source].org_column)
    extra = "".join(f", ({expr}) AS {q(name)}" for name, expr in d.columns.items())
    where = f"WHERE ({d.where})" if d.where else ""
    den = f"({d.denominator})" if d.denominator else "CAST(NULL AS DOUBLE)"
    exp = f"({d.expected})" if d.expected else "CAST(NULL AS DOUBLE)"
    sql = (f"WITH base AS (SELECT *{extra} FROM {relation(d.source)}), "
           f"rows AS (SELECT {org} AS __org, {_period(d.source, d.period)} AS __period, * FROM base {where}), "
           f"agg AS (SELECT __org, __period, CAST(({d.numerator}) AS DOUBLE) AS numerator, "
           f"CAST({den} AS DOUBLE) AS denominator, CAST({exp} AS DOUBLE) AS expected "
           "FROM rows WHERE __period IS NOT NULL AND __org IS NOT NULL GROUP BY __org, __period)")
    if d.denominator_source is not None:
        ds = d.denominator_source
        dorg = q(SOURCES[ds.source].org_column)
        dwhere = f"WHERE ({ds.where})" if ds.where else ""
        # Zero only inside the months the numerator's source covers: a source that was never loaded
        # (or ends earlier) means "no data", not "no events".
        sql += (f", span AS (SELECT min(p) AS lo, max(p) AS hi FROM "
                f"(SELECT {_period(d.source, d.period)} AS p FROM base)), den AS (SELECT {dorg} AS __org, {_period(ds.source, ds.period)} AS __period, "
                f"CAST(({ds.expression}) AS DOUBLE) AS denominator FROM {relation(ds.source)} {dwhere} "
                "GROUP BY 1, 2) "
                "SELECT den.__org, den.__period, coalesce(agg.numerator, 0), den.denominator, agg.expected "
                "FROM den LEFT JOIN agg USING (__org, __period) CROSS JOIN span "
                "WHERE den.__period IS NOT NULL AND den.__period BETWEEN span.lo AND span.hi")
    elif d.zero_fill and months:
        values = ", ".join(f"('{m}')" for m in months)
        sql += (f", months(__period) AS (VALUES {values}), "
                f"spine AS (SELECT org_code AS __org, __period FROM {relation('organisations')} CROSS JOIN months) "
                "SELECT spine.__org, spine.__period, coalesce(agg.numerator, 0), agg.denominator, agg.expected "
                "FROM spine LEFT JOIN agg USING (__org, __period)")
    else:
        sql += " SELECT __org, __period, numerator, denominator, expected FROM agg"
    return sql + " ORDER BY 1, 2"


def month_span(con: duckdb.DuckDBPyConnection, d: Derivation, relation: RelationFor) -> list[str]:
    """Every month from the first to the last period present in the source (for zero-filled counts)."""
    lo, hi = fetch_one(con, f"SELECT min(p), max(p) FROM (SELECT {_period(d.source, d.period)} AS p "
                            f"FROM {relation(d.source)})")
    if lo is None:
        return []
    months, (y, m) = [], (int(lo[:4]), int(lo[5:7]))
    while f"{y:04d}-{m:02d}" <= hi:
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def period_start(period: str) -> dt.date:
    """First day of a period ``YYYY-MM`` or ``YYYY``."""
    return dt.date(int(period[:4]), int(period[5:7]) if len(period) > 4 else 1, 1)


def observation_value(unit: str, numerator: float, denominator: float | None,
                      expected: float | None) -> float | None:
    if unit == "ratio":
        return numerator / expected if expected else None
    if denominator is not None:
        return numerator / denominator if denominator else None
    return numerator


def derive(con: duckdb.DuckDBPyConnection, d: Derivation, relation: RelationFor) -> list[Observation]:
    """Observations of one indicator for every organisation and period in the loaded rows."""
    months = month_span(con, d, relation) if d.zero_fill else None
    table = fetch_arrow(con, derivation_sql(d, relation, months))
    out = []
    has_den = d.denominator is not None or d.denominator_source is not None
    for org, period, num, den, exp in zip(*(table.column(i).to_pylist() for i in range(5))):
        if num is None or (has_den and not den) or (d.unit == "ratio" and not exp):
            continue  # nothing at risk (or nothing expected): no observation
        out.append(Observation(org_code=org, indicator_id=d.indicator_id, period=period,
                               period_start=period_start(period), numerator=float(num),
                               denominator=float(den) if den is not None else None,
                               expected=float(exp) if exp is not None else None,
                               value=observation_value(d.unit, float(num), den, exp)))
    return out
