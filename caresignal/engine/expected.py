"""Pattern aggregation, expected counts joined back by pattern key, observed and expected per trust.

Every function takes and returns Ibis tables; none executes. The caller executes the small pattern
aggregate, fits the models in Python, and hands back a two-column table ``(pattern, p)``.

Observed and expected per trust (the SHMI ratio, Campbell et al. 2012):

.. math::

    O_j = \\sum_{i \\in j} y_i, \\qquad E_j = \\sum_{i \\in j} \\hat p_i, \\qquad \\mathrm{SMR}_j = O_j / E_j .
"""

from __future__ import annotations

from typing import Sequence

import ibis.expr.types as ir

from caresignal.engine.covariates import PatternSpec


def with_pattern(t: ir.Table, spec: PatternSpec, group: str | None = "group") -> ir.Table:
    """Add the integer ``pattern`` key (group 0 when ``group`` is None: a single model)."""
    import ibis

    g = t[group] if group is not None else ibis.literal(0)
    return t.mutate(pattern=spec.key(t, g))


def aggregate_patterns(t: ir.Table, outcomes: Sequence[str] = ("died",)) -> ir.Table:
    """Binomial aggregate per pattern: ``n`` rows and the events of each outcome (first one as ``d``)."""
    aggs = {"n": t.count()}
    for i, col in enumerate(outcomes):
        aggs["d" if i == 0 else f"d_{col}"] = t[col].cast("int64").sum()
    return t.group_by("pattern").aggregate(**aggs)


def distinct_patterns(t: ir.Table) -> ir.Table:
    return t.select("pattern").distinct()


def join_probabilities(t: ir.Table, probs: ir.Table) -> ir.Table:
    """Attach each row's predicted probability from ``probs`` (columns ``pattern``, ``p``), joined on the
    pattern key. Inner join: rows whose pattern has no probability (a group without a model) drop out."""
    return t.join(probs, "pattern")


def observed_expected(t: ir.Table, by: Sequence[str], *, outcome: str = "died", risk: str = "p") -> ir.Table:
    """Spells, observed events and expected events (sum of risks) per ``by``."""
    return t.group_by(list(by)).aggregate(
        spells=t.count(), observed=t[outcome].cast("int64").sum(), expected=t[risk].sum())


def window_totals(oe: ir.Table, last_month: int, n_months: int, by: Sequence[str] = ("org_code",)) -> ir.Table:
    """Sum an observed/expected table over the ``n_months`` ending at ``last_month`` (rolling window),
    with ``ratio = observed / expected``."""
    first = last_month - n_months + 1
    w = oe.filter((oe.month_index >= first) & (oe.month_index <= last_month))
    out = w.group_by(list(by)).aggregate(spells=w.spells.sum(), observed=w.observed.sum(),
                                         expected=w.expected.sum())
    return out.mutate(ratio=out.observed / out.expected)
