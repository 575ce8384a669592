"""``caresignal stats ...``: the statistics core on a CSV file, as JSON. A stable contract.

Errors go to stderr with exit status 2 and one line such as
``f.csv: column 'y', line 4: 'abc' is not a number`` (physical line; the header is line 1).
The commands only read the file, call ``caresignal.stats`` and print the result's ``to_dict()``.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import typer

from caresignal.cli_common import friendly_errors
from caresignal.domain.errors import InputError

stats_app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)


class CsvTable:
    """A CSV file read as text, remembering each row's physical line for error messages."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.name = str(path)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raise InputError("no such file", file=self.name) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError("is not valid UTF-8 text", file=self.name, line=line) from None
        reader = csv.reader(text.splitlines(keepends=True))
        rows: list[tuple[int, list[str]]] = []
        header: list[str] | None = None
        for record in reader:
            line = reader.line_num  # physical line where this record ends
            if header is None:
                header = [h.strip() for h in record]
                continue
            if not any(cell.strip() for cell in record):
                continue
            rows.append((line, record))
        if header is None:
            raise InputError("the file is empty (no header line)", file=self.name)
        self.header = header
        self.rows = rows

    def _index(self, column: str) -> int:
        if column not in self.header:
            raise InputError(f"no column {column!r}; columns are {', '.join(self.header)}", file=self.name)
        return self.header.index(column)

    def text(self, column: str) -> list[str]:
        i = self._index(column)
        out = []
        for line, record in self.rows:
            if i >= len(record):
                raise InputError("the row has too few fields", file=self.name, line=line, column=column)
            out.append(record[i].strip())
        return out

    def numbers(self, column: str, *, allow_missing: bool = False) -> list[float]:
        """Floats of a column; a blank cell is NaN only when ``allow_missing``."""
        i = self._index(column)
        out = []
        for line, record in self.rows:
            cell = record[i].strip() if i < len(record) else ""
            if cell == "" or cell.upper() in {"NA", "NAN"}:
                if allow_missing:
                    out.append(math.nan)
                    continue
                raise InputError("value is missing", file=self.name, line=line, column=column)
            try:
                value = float(cell)
            except ValueError:
                raise InputError(f"{cell!r} is not a number", file=self.name, line=line,
                                 column=column) from None
            if math.isinf(value):
                raise InputError(f"{cell!r} is not a finite number", file=self.name, line=line,
                                 column=column)
            out.append(value)
        return out

    def line_of(self, row_index: int) -> int:
        return self.rows[row_index][0]


def print_json(payload: dict) -> None:
    """Print a result as JSON; NaN and infinities become null (JSON has no NaN)."""

    def clean(obj):
        if isinstance(obj, float) and not math.isfinite(obj):
            return None
        if isinstance(obj, dict):
            return {k: clean(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [clean(v) for v in obj]
        return obj

    typer.echo(json.dumps(clean(payload), indent=None))


# Commands are added below, one section per method family (spc, funnel, cusum).
# --- spc commands ---
_SPC_KEYS = ("points", "variation", "assurance", "trial_limits")


def _spc_list(option: str, values: list[str] | None, cast=str) -> list:
    """Repeated options, each possibly comma-separated (``--exclude 3 --exclude 5`` or ``3,5``)."""
    from caresignal.domain.errors import OptionError

    out = []
    for value in values or []:
        for part in str(value).split(","):
            if part.strip():
                try:
                    out.append(cast(part.strip()))
                except ValueError:
                    raise OptionError(f"{option}: {part.strip()!r} is not a whole number") from None
    return out


def _spc_series(table: CsvTable, rows: list[int], x: list[str] | None, date: str | None,
                subgrouped: bool) -> list[int]:
    """The group's rows in time order (by --date when it holds dates or numbers); one row per point."""
    from caresignal.stats.spc._xaxis import order_keys

    if x is None:
        return rows
    for i in rows:
        if x[i] == "":
            raise InputError("value is missing", file=table.name, line=table.line_of(i), column=date)
    keyed = order_keys([x[i] for i in rows])
    if keyed is not None:
        keys = dict(zip(rows, keyed[1]))
        rows = sorted(rows, key=lambda i: keys[i])
    if not subgrouped:
        seen: dict[str, int] = {}
        for i in rows:
            if x[i] in seen:
                raise InputError(f"{x[i]!r} appears twice (also line {table.line_of(seen[x[i]])}); "
                                 "give one row per point", file=table.name, line=table.line_of(i),
                                 column=date)
            seen[x[i]] = i
    return rows


@stats_app.command("spc", context_settings={"allow_extra_args": True})
@friendly_errors
def spc_command(
    ctx: typer.Context,
    input: Path = typer.Option(..., "--input", help="CSV file, one row per point (per observation "
                                                    "for xbar and s)."),
    value: str = typer.Option(..., "--value", help="Column of values (numerators for p, pp, u, up)."),
    denominator: str = typer.Option(None, "--denominator",
                                    help="Column of denominators (p, pp, u, up; optional for i, mr)."),
    date: str = typer.Option(None, "--date", help="Column of the x axis (dates sort the points); the "
                                                  "subgroup for xbar and s."),
    group: str = typer.Option(None, "--group", help="Column of series names: one chart per group."),
    chart: str = typer.Option(..., "--chart", help="i, mr, p, pp, u, up, c, g, t, xbar or s."),
    improvement: str = typer.Option(..., "--improvement", help="increase, decrease or neutral."),
    target: float = typer.Option(None, "--target", help="Target, in the plotted units (fractions for "
                                                        "p and u)."),
    no_screen: bool = typer.Option(False, "--no-screen", help="Keep outlying moving ranges (the Making "
                                                              "Data Count Excel tool)."),
    two_in_three: str = typer.Option("mdc2023", "--two-in-three", help="mdc2023 or legacy "
                                                                       "(NHSRplotthedots)."),
    shift_n: int = typer.Option(7, "--shift-n", help="Points in a shift."),
    trend_n: int = typer.Option(7, "--trend-n", help="Points in a trend."),
    fix_after: int = typer.Option(None, "--fix-after", help="Limits from the first N points of each "
                                                            "period."),
    rebase: list[str] = typer.Option(None, "--rebase", help="Start a new period at this x value "
                                                            "(repeat or comma-separate)."),
    exclude: list[str] = typer.Option(None, "--exclude", help="1-based point number left out of limits "
                                                              "and rules (repeat or comma-separate)."),
    multiplier: float = typer.Option(3.0, "--multiplier", help="Sigma multiplier of the process limits."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a summary."),
) -> None:
    """SPC chart (Making Data Count): {"points": [{x, y, cl, lpl, upl, lpl95, upl95, rule,
    point_type}], "variation", "assurance", "trial_limits"}; with --group, {"groups": [...],
    "icons": [...]}. See docs/spc.md."""
    import warnings

    from caresignal.domain.errors import OptionError
    from caresignal.stats._base import check_choice
    from caresignal.stats.spc import CHARTS, SPCChart, SPCValueError, icon_table, subgroup_stats
    from caresignal.stats.spc._validate import MAY_HAVE_DENOMINATOR, NEEDS_DENOMINATOR, SUBGROUP_CHARTS

    check_choice("--chart", chart, CHARTS)
    check_choice("--improvement", improvement, ("increase", "decrease", "neutral"))
    check_choice("--two-in-three", two_in_three, ("mdc2023", "legacy"))
    if chart in NEEDS_DENOMINATOR and denominator is None:
        raise OptionError(f"--chart {chart} needs --denominator")
    if denominator is not None and chart not in NEEDS_DENOMINATOR | MAY_HAVE_DENOMINATOR:
        raise OptionError(f"--chart {chart} does not use --denominator")
    if ctx.args:  # "--exclude 3 5": values after the first belong to the one list option given
        if (rebase is None) == (exclude is None):
            raise OptionError(f"unexpected argument {ctx.args[0]!r}; repeat --rebase or --exclude "
                              "before each value, or separate values by commas")
        if rebase is not None:
            rebase = list(rebase) + list(ctx.args)
        else:
            exclude = list(exclude) + list(ctx.args)
    subgrouped = chart in SUBGROUP_CHARTS
    if subgrouped and date is None:
        raise OptionError(f"--chart {chart} needs --date: the column that groups observations into "
                          "subgroups")
    spc = SPCChart(chart, improvement, target=target, screen=not no_screen, two_in_three=two_in_three,
                   shift_n=shift_n, trend_n=trend_n, fix_after=fix_after,
                   rebase=_spc_list("--rebase", rebase), exclude=_spc_list("--exclude", exclude, int),
                   multiplier=multiplier)
    table = CsvTable(input)
    if not table.rows:
        raise InputError("the file has no data rows", file=table.name)
    y = table.numbers(value)
    den = table.numbers(denominator) if denominator is not None else None
    x = table.text(date) if date is not None else None
    names = table.text(group) if group is not None else [""] * len(y)
    members: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        if group is not None and name == "":
            raise InputError("value is missing", file=table.name, line=table.line_of(i), column=group)
        members.setdefault(name, []).append(i)
    results = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name, rows in members.items():
            rows = _spc_series(table, rows, x, date, subgrouped)
            try:
                if subgrouped:
                    results[name] = spc.fit_subgroups([y[i] for i in rows], [x[i] for i in rows])
                else:
                    labels = [x[i] for i in rows] if x is not None else [i + 1 for i in rows]
                    results[name] = spc.fit([y[i] for i in rows],
                                            None if den is None else [den[i] for i in rows], x=labels)
            except SPCValueError as exc:
                column = {"values": value, "denominators": denominator}.get(exc.argument, value)
                row = rows[exc.position]
                found = y[row] if column == value else den[row]
                raise InputError(f"{found:g} is not allowed: {exc.reason}", file=table.name,
                                 line=table.line_of(row), column=column) from None
            except OptionError as exc:
                if group is None:
                    raise
                raise OptionError(f"group {name!r}: {exc}") from None
    for w in caught:
        typer.echo(f"warning: {w.message}", err=True)
    if group is None:
        result = results[""]
        if as_json:
            payload = result.to_dict()
            print_json({k: payload[k] for k in _SPC_KEYS})
        else:
            typer.echo(result.summary())
        return
    if as_json:
        groups = []
        for name, result in results.items():
            payload = result.to_dict()
            groups.append({"group": name, **{k: payload[k] for k in _SPC_KEYS}})
        print_json({"groups": groups, "icons": icon_table(results)})
    else:
        typer.echo("\n".join(f"[{name}] {r.summary()}" for name, r in results.items()))

# --- funnel commands ---
_FUNNEL_LEVELS = {"95": 95.0, "99.8": 99.8}


def _funnel_choice(option: str, value: str, allowed) -> str:
    if value not in allowed:
        from caresignal.domain.errors import OptionError
        raise OptionError(f"{option} must be one of {', '.join(allowed)}; got {value!r}")
    return value


@stats_app.command("funnel")
@friendly_errors
def funnel_command(
    input: Path = typer.Option(..., "--input", help="CSV file, one row per unit or per record."),
    unit: str = typer.Option(..., "--unit", help="Column naming the unit; rows of a unit are summed."),
    observed: str = typer.Option(..., "--observed", help="Column of observed counts O."),
    expected: str = typer.Option(None, "--expected", help="Column of expected counts E (ratio)."),
    denominator: str = typer.Option(None, "--denominator",
                                    help="Column of denominators (proportion, rate)."),
    type_: str = typer.Option(..., "--type", help="ratio, proportion or rate."),
    method: str = typer.Option(..., "--method",
                               help="exact, byar, wilson, shmi, multiplicative or winsorised."),
    target: float = typer.Option(None, "--target",
                                 help="Centre line; default 1 for ratios, pooled value otherwise."),
    level: str = typer.Option("95", "--level", help="95 or 99.8 (two-sided)."),
    exact_variant: str = typer.Option("interpolated", "--exact-variant",
                                      help="For --method exact: interpolated (Spiegelhalter 2005) "
                                           "or gamma (FunnelPlotR)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a summary."),
) -> None:
    """Funnel plot bands: {"target", "phi", "tau2", "units": [{unit, value, z, p_value, lower,
    upper, band}]}. See docs/funnel-plots.md."""
    import warnings

    from caresignal.domain.errors import OptionError
    from caresignal.stats.funnel import METHODS, TYPES, FunnelPlot

    _funnel_choice("--type", type_, TYPES)
    _funnel_choice("--method", method, METHODS)
    _funnel_choice("--level", level, tuple(_FUNNEL_LEVELS))
    _funnel_choice("--exact-variant", exact_variant, ("interpolated", "gamma"))
    if (expected is None) == (denominator is None):
        raise OptionError("give exactly one of --expected (ratio) or --denominator "
                          "(proportion, rate)")
    if type_ == "ratio" and expected is None:
        raise OptionError("--type ratio needs --expected (expected counts), not --denominator")
    if type_ != "ratio" and denominator is None:
        raise OptionError(f"--type {type_} needs --denominator, not --expected")
    table = CsvTable(input)
    units = table.text(unit)
    obs = table.numbers(observed)
    precision_column = expected if expected is not None else denominator
    precision = table.numbers(precision_column)
    # per-row checks here, so that the message names the file, line and column
    for i, (u, o, e) in enumerate(zip(units, obs, precision)):
        line = table.line_of(i)
        if u == "":
            raise InputError("unit is missing", file=table.name, line=line, column=unit)
        if o < 0:
            raise InputError(f"{o:g} is negative (observed counts are 0 or more)",
                             file=table.name, line=line, column=observed)
        if e <= 0:
            raise InputError(f"{e:g} is not allowed ({precision_column} must be greater than 0)",
                             file=table.name, line=line, column=precision_column)
        if type_ == "proportion" and o > e:
            raise InputError(f"{o:g} is more than the denominator {e:g}", file=table.name,
                             line=line, column=observed)
    if not units:
        raise InputError("the file has no data rows", file=table.name)
    model = FunnelPlot(method=method, data_type=type_, level=_FUNNEL_LEVELS[level], target=target,
                       exact_variant=exact_variant)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if expected is not None:
            model.fit(obs, precision, units=units)
        else:
            model.fit(obs, denominator=precision, units=units)
    for w in caught:
        typer.echo(f"warning: {w.message}", err=True)
    result = model.result_
    if as_json:
        payload = result.to_dict()
        print_json({k: payload[k] for k in ("target", "phi", "tau2", "units")})
    else:
        typer.echo(result.summary())


# --- cusum commands ---
_CUSUM_METHODS = ("bernoulli", "vlad", "poisson", "zscore")


def _cusum_choice(option: str, value, allowed):
    from caresignal.domain.errors import OptionError

    if value not in allowed:
        raise OptionError(f"{option} must be one of {', '.join(map(str, allowed))}; got {value!r}")
    return value


def _cusum_data(input: Path, method, outcome, risk, probability, observed, expected, phase1):
    """Read the chart's columns; return (kind, y, p_or_e, phase1_mix, n_phase1).

    ``kind`` is ``rows`` (0/1 outcomes with risks) or ``counts`` (observed and expected per period).
    With ``--risk`` the risk is a logistic regression of the outcome on the score, fitted on the
    phase-I rows (1..N) and applied to every row.
    """
    from caresignal.domain.errors import OptionError
    from caresignal.stats.cusum import LogisticRisk

    _cusum_choice("--method", method, _CUSUM_METHODS)
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
    _cusum_choice("--calibration", calibration, ("markov", "simulation", "exact"))
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
    _cusum_choice("--direction", direction, ("up", "down", "both"))
    _cusum_choice("--reset", reset, ("none", "zero", "halve"))
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
    _cusum_choice("--direction", direction, ("up", "down", "both"))
    kind, _a, _b, mix = _cusum_data(input, method, outcome, risk, probability, observed, expected, phase1)
    result = _cusum_calibrate(kind, method, mix, odds_ratio, direction, arl0, false_alarm, horizon,
                              calibration).result()
    if as_json:
        print_json(result.contract())
    else:
        typer.echo(result.summary())
