"""Official SHMI banding from observed and expected deaths: the entry point for outcome engines.

``shmi_banding(observed, expected)`` reproduces the published SHMI bands (1 higher than expected,
2 as expected, 3 lower than expected): z = √E·ln(O/E) with E to 2 decimals, the top and bottom 10%
of z-scores truncated, φ and the additive random-effects τ² over the rest, and 95% limits
exp(±1.96·√(1/E + τ²)). The method is in :mod:`caresignal.stats.funnel`; see docs/funnel-plots.md.
"""

from __future__ import annotations

from caresignal.stats.funnel import FunnelPlot, FunnelResult

# NHS England's SHMI publication codes its bands as numbers.
SHMI_BAND_CODES = {"higher": 1, "as_expected": 2, "lower": 3}
# The official SHMI bands use 95% control limits (SHMI methodology specification).
SHMI_OFFICIAL_LEVEL = 95


def shmi_banding(observed, expected, *, units=None, level: float = SHMI_OFFICIAL_LEVEL,
                 trim: float = 0.1, expected_decimals="auto") -> FunnelResult:
    """Band every trust as the SHMI does; returns the frozen funnel result (bands, φ, τ², limits).

    Parameters
    ----------
    observed, expected : arrays of deaths and expected deaths, one per trust (or per record with
        ``units``; records with the same unit are summed).
    units : labels, optional
    level : 95 (official) or 99.8.
    trim : fraction truncated at each end before estimating φ (0.1).
    expected_decimals : "auto" rounds expected deaths to 2 decimals, as published.

    Examples
    --------
    >>> deaths = [1250, 800, 1020, 980, 1000, 1010, 990, 1005, 995, 1000, 1003, 1100]
    >>> r = shmi_banding(deaths, [1000.0] * 12)
    >>> [SHMI_BAND_CODES[b] for b in r.band]
    [1, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1]
    >>> round(r.phi, 3), round(r.tau2, 6)
    (1.014, 0.000127)
    """
    model = FunnelPlot(method="shmi", data_type="ratio", level=level, trim=trim,
                       expected_decimals=expected_decimals)
    return model.fit(observed, expected, units=units).result_
