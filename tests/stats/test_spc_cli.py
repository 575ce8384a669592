"""``caresignal stats spc``: the command line contract (options, JSON shape, error lines, exit status).

A few tests run the installed command in a subprocess (exit status, stderr, no traceback); the rest use
Typer's CliRunner on the same application object.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caresignal.cli import app

CARESIGNAL = Path(sys.executable).with_name("caresignal")
POINT_KEYS = ["x", "y", "cl", "lpl", "upl", "lpl95", "upl95", "rule", "point_type"]
EXACT = 1e-12

# deviations.Rmd (NHSRplotthedots): UPL 4.6 / mean 1.94 / LPL -0.72 screened, 6.95 / -3.06 unscreened,
# to 2 decimals as printed in the figure captions.
VIGNETTE = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
CAPTION_TOLERANCE = 0.005


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def run(*args: str):
    result = CliRunner().invoke(app, ["stats", "spc", *map(str, args)])
    return result


def run_json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def vignette_csv(tmp_path):
    return write(tmp_path / "v.csv", "date,value",
                 [f"2021-03-{22 + i:02d},{v}" if 22 + i <= 31 else f"2021-04-{i - 9:02d},{v}"
                  for i, v in enumerate(VIGNETTE)])


def test_json_shape_and_the_vignette_limits(vignette_csv):
    payload = run_json("--input", vignette_csv, "--value", "value", "--date", "date", "--chart", "i",
                       "--improvement", "increase")
    assert list(payload) == ["points", "variation", "assurance", "trial_limits"]
    assert [list(p) for p in payload["points"]] == [POINT_KEYS] * 18
    first = payload["points"][0]
    assert abs(first["cl"] - 1.94) < CAPTION_TOLERANCE
    assert abs(first["lpl"] - -0.72) < CAPTION_TOLERANCE and abs(first["upl"] - 4.6) < CAPTION_TOLERANCE
    assert payload["points"][4]["rule"] == "outside_limits"
    assert payload["points"][4]["point_type"] == "special_cause_improvement"
    assert payload["variation"] == "common_cause" and payload["assurance"] is None
    assert payload["trial_limits"] is False
    assert first["x"] == "2021-03-22"


def test_no_screen_reproduces_the_mdc_excel_tool(vignette_csv):
    payload = run_json("--input", vignette_csv, "--value", "value", "--date", "date", "--chart", "i",
                       "--improvement", "increase", "--no-screen")
    first = payload["points"][0]
    assert abs(first["lpl"] - -3.06) < CAPTION_TOLERANCE and abs(first["upl"] - 6.95) < CAPTION_TOLERANCE


def test_rows_are_sorted_by_date_and_p_chart_y_is_a_fraction(tmp_path):
    csv = write(tmp_path / "p.csv", "month,deaths,admissions",
                ["2024-03-01,3,100", "2024-01-01,5,50", "2024-02-01,2,40"])
    payload = run_json("--input", csv, "--value", "deaths", "--denominator", "admissions", "--date", "month",
                       "--chart", "p", "--improvement", "decrease", "--target", "0.5")
    assert [p["x"] for p in payload["points"]] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert [p["y"] for p in payload["points"]] == pytest.approx([0.1, 0.05, 0.03], abs=EXACT)
    assert payload["points"][0]["cl"] == pytest.approx(10 / 190, abs=EXACT)
    assert payload["trial_limits"] is True
    assert payload["assurance"] == "consistent_pass"  # lower is better and every point falls below 0.5


def test_options_reach_the_chart(tmp_path):
    rows = [f"{i},{v}" for i, v in enumerate([10, 12, 11, 13] * 3 + [20, 21, 22, 20, 21, 22, 20, 21], 1)]
    csv = write(tmp_path / "o.csv", "week,value", rows)
    base = ["--input", csv, "--value", "value", "--date", "week", "--chart", "i", "--improvement", "increase"]
    rebased = run_json(*base, "--rebase", "13")
    assert rebased["points"][0]["cl"] == pytest.approx(11.5, abs=EXACT)
    assert rebased["points"][-1]["cl"] == pytest.approx(20.875, abs=EXACT)
    fixed = run_json(*base, "--fix-after", "12")
    assert fixed["points"][-1]["cl"] == pytest.approx(11.5, abs=EXACT)
    assert fixed["points"][-1]["rule"] == "outside_limits"
    excluded = run_json(*base, "--fix-after", "12", "--exclude", "13,14")
    assert [p["rule"] for p in excluded["points"][12:14]] == [None, None]
    assert run_json(*base, "--fix-after", "12", "--exclude", "13", "14") == excluded  # issue's "N ..." form
    wide = run_json(*base, "--fix-after", "12", "--multiplier", "6")
    assert wide["points"][0]["upl"] - 11.5 == pytest.approx(2 * (fixed["points"][0]["upl"] - 11.5), abs=EXACT)
    # point 12 (13) and the 8 after it are above 11.5: a run of 9
    shifts = run_json(*base, "--fix-after", "12", "--multiplier", "30", "--shift-n", "9")
    assert {p["rule"] for p in shifts["points"][11:]} == {"shift"}
    assert {p["rule"] for p in run_json(*base, "--fix-after", "12", "--multiplier", "30",
                                        "--shift-n", "10")["points"][11:]} == {None}


def test_two_in_three_legacy_option(tmp_path):
    # CL 11.5, 2 sigma 14.89, 3 sigma 16.58 (see test_spc_chart): 15.2 then 17 above the mean
    values = [10, 12, 11, 13] * 3 + [15.2, 17, 11]
    csv = write(tmp_path / "t.csv", "value", [str(v) for v in values])
    base = ["--input", csv, "--value", "value", "--chart", "i", "--improvement", "increase", "--fix-after", "12"]
    assert run_json(*base)["points"][12]["rule"] == "two_in_three"
    assert run_json(*base, "--two-in-three", "legacy")["points"][12]["rule"] is None
    assert run_json(*base)["points"][0]["x"] == 1  # no --date: the data row number


def test_groups_give_one_chart_each_and_an_icon_table(tmp_path):
    rows = [f"A,{i},{v}" for i, v in enumerate([10, 12, 11, 13] * 3 + [40], 1)]
    rows += [f"B,{i},{v}" for i, v in enumerate([10, 12, 11, 13] * 3, 1)]
    csv = write(tmp_path / "g.csv", "trust,week,value", rows)
    payload = run_json("--input", csv, "--value", "value", "--date", "week", "--group", "trust",
                       "--chart", "i", "--improvement", "decrease")
    assert [g["group"] for g in payload["groups"]] == ["A", "B"]
    assert list(payload["groups"][0]) == ["group", "points", "variation", "assurance", "trial_limits"]
    assert [row["variation"] for row in payload["icons"]] == ["special_cause_concern", "common_cause"]


def test_xbar_groups_observations_by_the_date_column(tmp_path):
    rows = ["a,1", "a,2", "a,3", "b,2", "b,4", "b,6", "c,3", "c,3", "c,3"]
    csv = write(tmp_path / "x.csv", "sample,obs", rows)
    payload = run_json("--input", csv, "--value", "obs", "--date", "sample", "--chart", "xbar",
                       "--improvement", "neutral")
    assert [p["x"] for p in payload["points"]] == ["a", "b", "c"]
    assert [p["y"] for p in payload["points"]] == pytest.approx([2, 4, 3], abs=EXACT)


@pytest.mark.parametrize("header, rows, extra, message", [
    ("d,y", ["2024-01-01,1", "2024-02-01,2", "2024-03-01,abc"], [],
     "f.csv: column 'y', line 4: 'abc' is not a number"),
    ("d,y,n", ["2024-01-01,1,10", "2024-02-01,12,10"], ["--chart", "p", "--denominator", "n"],
     "f.csv: column 'y', line 3: 12 is not allowed: a proportion's numerator cannot exceed its denominator"),
    ("d,y", ["2024-01-01,1", "2024-01-01,2"], [],
     "f.csv: column 'd', line 3: '2024-01-01' appears twice (also line 2); give one row per point"),
    ("d,y", ["2024-01-01,1", ",2"], [], "f.csv: column 'd', line 3: value is missing"),
    ("d,z", ["2024-01-01,1"], [], "f.csv: no column 'y'; columns are d, z"),
    ("d,y", ["2024-01-01,1"], ["--chart", "p"], "--chart p needs --denominator"),
    ("d,y", ["2024-01-01,1", "2024-02-01,2"], ["--improvement", "up"],
     "--improvement must be one of increase, decrease, neutral; got 'up'"),
    ("d,y", ["2024-01-01,1", "2024-02-01,2"], ["--two-in-three", "2019"],
     "--two-in-three must be one of mdc2023, legacy; got '2019'"),
    ("d,y", ["2024-01-01,1", "2024-02-01,2"], ["--chart", " i"],
     "--chart must be one of i, mr, p, pp, u, up, c, g, t, xbar, s; got ' i'"),
    ("d,y", ["2024-01-01,1", "2024-02-01,2"], ["--rebase", "2030-01-01"],
     "rebase: '2030-01-01' is after the last point (2024-02-01)"),
    ("d,y", ["2024-01-01,1", "2024-02-01,2"], ["--exclude", "x"], "--exclude: 'x' is not a whole number"),
])
def test_errors_are_one_line_with_exit_status_2(tmp_path, monkeypatch, header, rows, extra, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "f.csv", header, rows)
    args = {"--chart": "i", "--improvement": "increase"}
    for key, value in zip(extra[::2], extra[1::2]):
        args[key] = value
    flat = [item for pair in args.items() for item in pair]
    result = run("--input", "f.csv", "--value", "y", "--date", "d", *flat, "--json")
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert result.stdout == ""


def test_the_installed_command_end_to_end(tmp_path):
    csv = write(tmp_path / "f.csv", "month,y", ["2024-01-01,1", "2024-02-01,2", "2024-03-01,abc"])
    done = subprocess.run([str(CARESIGNAL), "stats", "spc", "--input", str(csv), "--value", "y", "--date",
                           "month", "--chart", "i", "--improvement", "increase", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"{csv}: column 'y', line 4: 'abc' is not a number"]
    assert "Traceback" not in done.stderr
    good = write(tmp_path / "g.csv", "month,y", [f"2024-{m:02d}-01,{v}" for m, v in
                                                 enumerate([5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 5, 6], 1)])
    done = subprocess.run([str(CARESIGNAL), "stats", "spc", "--input", str(good), "--value", "y", "--date",
                           "month", "--chart", "c", "--improvement", "decrease", "--target", "20", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["assurance"] == "consistent_pass" and payload["trial_limits"] is False
    assert done.stderr == ""
