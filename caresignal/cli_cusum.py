"""``caresignal stats cusum`` and ``cusum-threshold``: CUSUM charts of a CSV file as JSON (see docs/cusum.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from caresignal.cli_common import friendly_errors
from caresignal.cli_stats import CsvTable, JsonFlag, print_json, stats_app
from caresignal.domain.errors import InputError

# Options that ``cusum`` and ``cusum-threshold`` share word for word, declared once. Options whose
# help differs between the two (--odds-ratio, --phase1, --arl0, --false-alarm, --calibration) stay
# with their command.
InputFile = Annotated[Path, typer.Option(
    "--input", help="CSV file, one row per patient (in discharge order) or per period.")]
OutcomeColumn = Annotated[Optional[str], typer.Option(
    "--outcome", help="Column of 0/1 outcomes (1 = the adverse event).")]
RiskColumn = Annotated[Optional[str], typer.Option(
    "--risk", help="Column of a risk score; the risk is a logistic regression on it over the "
                   "phase-I rows.")]
ProbabilityColumn = Annotated[Optional[str], typer.Option(
    "--probability", help="Column of each row's predicted risk (0 to 1).")]
ObservedColumn = Annotated[Optional[str], typer.Option(
    "--observed", help="Column of observed counts per period.")]
ExpectedColumn = Annotated[Optional[str], typer.Option(
    "--expected", help="Column of expected counts per period.")]
MethodChoice = Annotated[str, typer.Option("--method", help="bernoulli, vlad, poisson or zscore.")]
DirectionChoice = Annotated[str, typer.Option("--direction", help="up, down or both.")]
HorizonRows = Annotated[Optional[int], typer.Option(
    "--horizon", help="Rows (patients or periods) for --false-alarm.")]


def _cusum_data(input: Path, method, outcome, risk, probability, observed, expected, phase1):
    """Read the chart's columns; return (kind, y, p_or_e, phase1_mix, n_phase1).

    ``kind`` is ``rows`` (0/1 outcomes with risks) or ``counts`` (observed and expected per period).
    With ``--risk`` the risk is a logistic regression of the outcome on the score, fitted on the
    phase-I rows (1..N) and applied to every row.
    """
    from caresignal.domain.errors import OptionError
    from caresignal.stats._base import check_choice
    from caresignal.stats.cusum import METHODS, LogisticRisk

    check_choice("--method", method, METHODS)
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
    from caresignal.stats._base import check_choice
    from caresignal.stats.cusum import CALIBRATIONS, CusumThreshold

    if (arl0 is None) == (false_alarm is None):
        raise OptionError("give one of --arl0 N or --false-alarm P --horizon N")
    if false_alarm is not None and horizon is None:
        raise OptionError("--false-alarm needs --horizon N (rows: patients or periods)")
    check_choice("--calibration", calibration, CALIBRATIONS)
    est = CusumThreshold(method=method, odds_ratio=odds_ratio, direction=direction, arl0=arl0,
                         false_alarm=false_alarm, horizon=horizon, calibration=calibration)
    if kind == "rows":
        return est.fit(risk=mix)
    return est.fit(expected=mix)


@stats_app.command("cusum")
@friendly_errors
def cusum_command(
    input: InputFile = ...,
    outcome: OutcomeColumn = None,
    risk: RiskColumn = None,
    probability: ProbabilityColumn = None,
    observed: ObservedColumn = None,
    expected: ExpectedColumn = None,
    method: MethodChoice = ...,
    odds_ratio: float = typer.Option(2.0, "--odds-ratio",
                                     help="Odds ratio to detect (rate ratio for poisson); the lower "
                                          "chart uses its inverse."),
    direction: DirectionChoice = "up",
    reset: str = typer.Option("zero", "--reset", help="After a signal: none, zero or halve (h/2)."),
    phase1: int = typer.Option(None, "--phase1", help="Rows 1..N fit the risk model and the "
                                                      "threshold's patient mix (default all)."),
    threshold: float = typer.Option(None, "--threshold", help="Threshold h."),
    arl0: float = typer.Option(None, "--arl0", help="Set h for this in-control ARL (rows)."),
    false_alarm: float = typer.Option(None, "--false-alarm",
                                      help="Set h for this false-alarm probability over --horizon."),
    horizon: HorizonRows = None,
    calibration: str = typer.Option("markov", "--calibration", help="markov, simulation or exact."),
    as_json: JsonFlag = False,
) -> None:
    """Risk-adjusted CUSUM, VLAD, Poisson or z-score CUSUM of a CSV file (signals are 1-based rows)."""
    from caresignal.domain.errors import OptionError
    from caresignal.stats import cusum as cs
    from caresignal.stats._base import check_choice

    kind, a, b, mix = _cusum_data(input, method, outcome, risk, probability, observed, expected, phase1)
    check_choice("--direction", direction, cs.DIRECTIONS)
    check_choice("--reset", reset, cs.RESETS)
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
    input: InputFile = ...,
    outcome: OutcomeColumn = None,
    risk: RiskColumn = None,
    probability: ProbabilityColumn = None,
    observed: ObservedColumn = None,
    expected: ExpectedColumn = None,
    method: MethodChoice = ...,
    odds_ratio: float = typer.Option(2.0, "--odds-ratio", help="Odds ratio (rate ratio for poisson)."),
    direction: DirectionChoice = "up",
    phase1: int = typer.Option(None, "--phase1", help="Rows 1..N give the patient mix (default all)."),
    arl0: float = typer.Option(None, "--arl0", help="Target in-control ARL (rows)."),
    false_alarm: float = typer.Option(None, "--false-alarm", help="Target false-alarm probability."),
    horizon: HorizonRows = None,
    calibration: str = typer.Option("markov", "--calibration",
                                    help="markov (paired rounding, scaling 600), simulation or exact."),
    as_json: JsonFlag = False,
) -> None:
    """Threshold h for a CUSUM from the phase-I patient mix: by ARL or false-alarm probability."""
    from caresignal.stats._base import check_choice
    from caresignal.stats.cusum import DIRECTIONS

    check_choice("--direction", direction, DIRECTIONS)
    kind, _a, _b, mix = _cusum_data(input, method, outcome, risk, probability, observed, expected, phase1)
    result = _cusum_calibrate(kind, method, mix, odds_ratio, direction, arl0, false_alarm, horizon,
                              calibration).result()
    if as_json:
        print_json(result.contract())
    else:
        typer.echo(result.summary())
