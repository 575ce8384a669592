"""``caresignal stats spc``: SPC charts of a CSV file as JSON (see docs/spc.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from caresignal.cli_common import friendly_errors
from caresignal.cli_stats import CsvTable, print_json, stats_app
from caresignal.domain.errors import InputError


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
    # not the shared JsonFlag alias: tests/stats/test_spc_docs.py reads each option from its default
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a summary."),
) -> None:
    """SPC chart (Making Data Count): {"points": [{x, y, cl, lpl, upl, lpl95, upl95, rule,
    point_type}], "variation", "assurance", "trial_limits"}; with --group, {"groups": [...],
    "icons": [...]}. See docs/spc.md."""
    import warnings

    from caresignal.domain.errors import OptionError
    from caresignal.stats._base import check_choice
    from caresignal.stats.spc import CHARTS, SPCChart, SPCValueError, icon_table
    from caresignal.stats.spc._validate import MAY_HAVE_DENOMINATOR, NEEDS_DENOMINATOR, SUBGROUP_CHARTS
    from caresignal.stats.spc.icons import IMPROVEMENTS
    from caresignal.stats.spc.rules import TWO_IN_THREE_MODES

    check_choice("--chart", chart, CHARTS)
    check_choice("--improvement", improvement, IMPROVEMENTS)
    check_choice("--two-in-three", two_in_three, TWO_IN_THREE_MODES)
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
