"""``caresignal stats funnel``: funnel plot of a CSV file as JSON (see docs/funnel-plots.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from caresignal.cli_common import friendly_errors
from caresignal.cli_stats import CsvTable, JsonFlag, print_json, stats_app
from caresignal.domain.errors import InputError


_FUNNEL_LEVELS = {"95": 95.0, "99.8": 99.8}


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
    as_json: JsonFlag = False,
) -> None:
    """Funnel plot bands: {"target", "phi", "tau2", "units": [{unit, value, z, p_value, lower,
    upper, band}]}. See docs/funnel-plots.md."""
    import warnings

    from caresignal.domain.errors import OptionError
    from caresignal.stats._base import check_choice
    from caresignal.stats.funnel import EXACT_VARIANTS, METHODS, TYPES, FunnelPlot

    check_choice("--type", type_, TYPES)
    check_choice("--method", method, METHODS)
    check_choice("--level", level, _FUNNEL_LEVELS)
    check_choice("--exact-variant", exact_variant, EXACT_VARIANTS)
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
