"""``caresignal stats cusum`` and ``cusum-threshold``: CUSUM charts of a CSV file as JSON (see docs/cusum.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from caresignal.cli_common import friendly_errors
from caresignal.cli_stats import CsvTable, option_choice, print_json, stats_app
from caresignal.domain.errors import InputError


_CUSUM_METHODS = ("bernoulli", "vlad", "poisson", "zscore")


def _cusum_data(input: Path, method, outcome, risk, probability, observed, expected, phase1):
    """Read the chart's columns; return (kind, y, p_or_e, phase1_mix, n_phase1).

    ``kind`` is ``rows`` (0/1 outcomes with risks) or ``counts`` (observed and expected per period).
    With ``--risk`` the risk is a logistic regression of the outcome on the score, fitted on the
    phase-I rows (1..N) and applied to every row.
    """
    from caresignal.domain.errors import OptionError
    from caresignal.stats.cusum import LogisticRisk

    option_choice("--method", method, _CUSUM_METHODS)
    rows_form = outcome is not None
    counts_form = observed is not None or expected is not None
    if rows_form == counts_form:
        raise OptionError("give either --outcome COL with --risk COL or --probability COL, or "
                          "--observed COL with --expected COL")
    if rows_form and (risk is None) == (probability is None):
        raise OptionError("--outcome needs exactly one of --risk COL (a score) or --probability COL")
    if counts_form and (observed is None or expected is None):
        raise OptionError("--observed and --expected go together")
    if method in ("bernoulli", "vlad") and not rows_form:
        raise OptionError(f"--method {method} charts patients: give --outcome with --risk or --probability")
    if method == "poisson" and not counts_form:
        raise OptionError("--method poisson charts counts per period: give --observed and --expected")
    table = CsvTable(input)
    n = len(table.rows)
    if n == 0:
        raise InputError("the file has no data rows", file=table.name)
    n1 = n if phase1 is None else phase1
    if not 1 <= n1 <= n:
        raise OptionError(f"--phase1 must be between 1 and the number of rows ({n}); got {phase1}")
    if rows_form:
        y = table.numbers(outcome)
        for i, v in enumerate(y):
            if v not in (0.0, 1.0):
                raise InputError(f"{v:g} is not 0 or 1", file=table.name, line=table.line_of(i),
                                 column=outcome)
        if probability is not None:
            p = table.numbers(probability)
            for i, v in enumerate(p):
                if not 0.0 <= v <= 1.0:
                    raise InputError(f"{v:g} is not a probability between 0 and 1", file=table.name,
                                     line=table.line_of(i), column=probability)
        else:
            score = table.numbers(risk)
            model = LogisticRisk().fit(score[:n1], y[:n1])
            p = model.predict_risk(score).tolist()
        return "rows", y, p, p[:n1]
    o = table.numbers(observed)
    e = table.numbers(expected)
    for col, vals in ((observed, o), (expected, e)):
        for i, v in enumerate(vals):
            if v < 0:
                raise InputError(f"{v:g} is negative (counts are 0 or more)", file=table.name,
                                 line=table.line_of(i), column=col)
    return "counts", o, e, e[:n1]


def _cusum_calibrate(kind, method, mix, odds_ratio, direction, arl0, false_alarm, horizon, calibration):
    from caresignal.domain.errors import OptionError
    from caresignal.stats.cusum import CusumThreshold

    if (arl0 is None) == (false_alarm is None):
        raise OptionError("give one of --arl0 N or --false-alarm P --horizon N")
    if false_alarm is not None and horizon is None:
        raise OptionError("--false-alarm needs --horizon N (rows: patients or periods)")
    option_choice("--calibration", calibration, ("markov", "simulation", "exact"))
    est = CusumThreshold(method=method, odds_ratio=odds_ratio, direction=direction, arl0=arl0,
                         false_alarm=false_alarm, horizon=horizon, calibration=calibration)
    if kind == "rows":
        return est.fit(risk=mix)
    return est.fit(expected=mix)


_CUSUM_INPUT_HELP = {
    "input": "CSV file, one row per patient (in discharge order) or per period.",
    "outcome": "Column of 0/1 outcomes (1 = the adverse event).",
    "risk": "Column of a risk score; the risk is a logistic regression on it over the phase-I rows.",
    "probability": "Column of each row's predicted risk (0 to 1).",
    "observed": "Column of observed counts per period.",
    "expected": "Column of expected counts per period.",
}


@stats_app.command("cusum")
@friendly_errors
def cusum_command(
    input: Path = typer.Option(..., "--input", help=_CUSUM_INPUT_HELP["input"]),
    outcome: str = typer.Option(None, "--outcome", help=_CUSUM_INPUT_HELP["outcome"]),
    risk: str = typer.Option(None, "--risk", help=_CUSUM_INPUT_HELP["risk"]),
    probability: str = typer.Option(None, "--probability", help=_CUSUM_INPUT_HELP["probability"]),
    observed: str = typer.Option(None, "--observed", help=_CUSUM_INPUT_HELP["observed"]),
    expected: str = typer.Option(None, "--expected", help=_CUSUM_INPUT_HELP["expected"]),
    method: str = typer.Option(..., "--method", help="bernoulli, vlad, poisson or zscore."),
    odds_ratio: float = typer.Option(2.0, "--odds-ratio",
                                     help="Odds ratio to detect (rate ratio for poisson); the lower "
                                          "chart uses its inverse."),
    direction: str = typer.Option("up", "--direction", help="up, down or both."),
    reset: str = typer.Option("zero", "--reset", help="After a signal: none, zero or halve (h/2)."),
    phase1: int = typer.Option(None, "--phase1", help="Rows 1..N fit the risk model and the "
                                                      "threshold's patient mix (default all)."),
    threshold: float = typer.Option(None, "--threshold", help="Threshold h."),
    arl0: float = typer.Option(None, "--arl0", help="Set h for this in-control ARL (rows)."),
    false_alarm: float = typer.Option(None, "--false-alarm",
                                      help="Set h for this false-alarm probability over --horizon."),
    horizon: int = typer.Option(None, "--horizon", help="Rows (patients or periods) for --false-alarm."),
    calibration: str = typer.Option("markov", "--calibration", help="markov, simulation or exact."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a summary."),
) -> None:
    """Risk-adjusted CUSUM, VLAD, Poisson or z-score CUSUM of a CSV file (signals are 1-based rows)."""
    from caresignal.domain.errors import OptionError
    from caresignal.stats import cusum as cs

    kind, a, b, mix = _cusum_data(input, method, outcome, risk, probability, observed, expected, phase1)
    option_choice("--direction", direction, ("up", "down", "both"))
    option_choice("--reset", reset, ("none", "zero", "halve"))
    if threshold is not None:
        if arl0 is not None or false_alarm is not None:
            raise OptionError("give only one of --threshold, --arl0 or --false-alarm")
        h = threshold
    else:
        h = _cusum_calibrate(kind, method, mix, odds_ratio, direction, arl0, false_alarm, horizon,
                             calibration).threshold_
    if method == "bernoulli":
        result = cs.bernoulli_cusum(a, b, h, odds_ratio, direction, reset)
    elif method == "vlad":
        result = cs.vlad_chart(a, b, h, odds_ratio, direction, reset)
    elif method == "poisson":
        result = cs.poisson_cusum(a, b, h, odds_ratio, direction, reset)
    else:
        result = cs.zscore_cusum(a, b, h, binary=kind == "rows", direction=direction, reset=reset)
    if as_json:
        print_json(result.contract())
    else:
        typer.echo(result.summary())


@stats_app.command("cusum-threshold")
@friendly_errors
def cusum_threshold_command(
    input: Path = typer.Option(..., "--input", help=_CUSUM_INPUT_HELP["input"]),
    outcome: str = typer.Option(None, "--outcome", help=_CUSUM_INPUT_HELP["outcome"]),
    risk: str = typer.Option(None, "--risk", help=_CUSUM_INPUT_HELP["risk"]),
    probability: str = typer.Option(None, "--probability", help=_CUSUM_INPUT_HELP["probability"]),
    observed: str = typer.Option(None, "--observed", help=_CUSUM_INPUT_HELP["observed"]),
    expected: str = typer.Option(None, "--expected", help=_CUSUM_INPUT_HELP["expected"]),
    method: str = typer.Option(..., "--method", help="bernoulli, vlad, poisson or zscore."),
    odds_ratio: float = typer.Option(2.0, "--odds-ratio", help="Odds ratio (rate ratio for poisson)."),
    direction: str = typer.Option("up", "--direction", help="up, down or both."),
    phase1: int = typer.Option(None, "--phase1", help="Rows 1..N give the patient mix (default all)."),
    arl0: float = typer.Option(None, "--arl0", help="Target in-control ARL (rows)."),
    false_alarm: float = typer.Option(None, "--false-alarm", help="Target false-alarm probability."),
    horizon: int = typer.Option(None, "--horizon", help="Rows (patients or periods) for --false-alarm."),
    calibration: str = typer.Option("markov", "--calibration",
                                    help="markov (paired rounding, scaling 600), simulation or exact."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a summary."),
) -> None:
    """Threshold h for a CUSUM from the phase-I patient mix: by ARL or false-alarm probability."""
    option_choice("--direction", direction, ("up", "down", "both"))
    kind, _a, _b, mix = _cusum_data(input, method, outcome, risk, probability, observed, expected, phase1)
    result = _cusum_calibrate(kind, method, mix, odds_ratio, direction, arl0, false_alarm, horizon,
                              calibration).result()
    if as_json:
        print_json(result.contract())
    else:
        typer.echo(result.summary())
