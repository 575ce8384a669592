"""``caresignal stats funnel``: the command-line contract (options, JSON shape, one-line errors).

Runs the real command through Typer's runner on real CSV files; the SHMI case reads the published
trust profiles (../shared/data/trustpulse_trust_profiles) and must give the published bands.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from caresignal.cli import app

UNIT_KEYS = {"unit", "value", "z", "p_value", "lower", "upper", "band"}


def run(*args):
    return CliRunner().invoke(app, ["stats", "funnel", *map(str, args)])


@pytest.fixture
def ratio_csv(tmp_path):
    path = tmp_path / "deaths.csv"
    path.write_text("trust,deaths,expected\nA,120,100\nB,80,95\nC,210,200\nA,5,4.5\n")
    return path


def test_json_shape(ratio_csv):
    out = run("--input", ratio_csv, "--unit", "trust", "--observed", "deaths", "--expected",
              "expected", "--type", "ratio", "--method", "exact", "--json")
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert set(payload) == {"target", "phi", "tau2", "units"}
    assert payload["target"] == 1.0 and payload["phi"] is None and payload["tau2"] is None
    assert [u["unit"] for u in payload["units"]] == ["A", "B", "C"]  # A's two rows summed
    assert all(set(u) == UNIT_KEYS for u in payload["units"])
    a = payload["units"][0]
    assert a["value"] == pytest.approx(125 / 104.5)
    assert a["band"] == "higher" and a["lower"] < 1 < a["upper"] < a["value"]


def test_summary_without_json(ratio_csv):
    out = run("--input", ratio_csv, "--unit", "trust", "--observed", "deaths", "--expected",
              "expected", "--type", "ratio", "--method", "shmi", "--level", "99.8")
    assert out.exit_code == 0
    assert out.stdout.startswith("Funnel plot: shmi limits for a ratio, 99.8% level, 3 units")


def test_proportion_with_target(tmp_path):
    path = tmp_path / "p.csv"
    # limits 0.2 ± 1.96·0.04 at n = 100: 30% is above, 14% inside; 22.5% of 200 inside
    path.write_text("org,num,den\nX,30,100\nY,14,100\nZ,45,200\n")
    out = run("--input", path, "--unit", "org", "--observed", "num", "--denominator", "den",
              "--type", "proportion", "--method", "wilson", "--target", "0.2", "--json")
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["target"] == 0.2
    assert [u["band"] for u in payload["units"]] == ["higher", "as_expected", "as_expected"]


def test_one_unit_warns_on_stderr(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("trust,o,e\nA,30,20\n")
    out = run("--input", path, "--unit", "trust", "--observed", "o", "--expected", "e",
              "--type", "ratio", "--method", "shmi", "--json")
    assert out.exit_code == 0
    assert "warning: phi is not estimable from 1 unit" in out.stderr
    assert json.loads(out.stdout)["phi"] is None


def test_shmi_published_bands(shared_data, tmp_path):
    """Published SHMI bands (1 higher, 2 as expected, 3 lower) from the command line."""
    src = shared_data("trustpulse_trust_profiles") / "trust_quality_signals_2026-03.csv"
    df = pd.read_csv(src)
    df = df[df.observed_deaths_latest.notna() & df.expected_deaths_latest.notna()]
    path = tmp_path / "shmi.csv"
    df[["org_code", "observed_deaths_latest", "expected_deaths_latest"]].to_csv(path, index=False)
    out = run("--input", path, "--unit", "org_code", "--observed", "observed_deaths_latest",
              "--expected", "expected_deaths_latest", "--type", "ratio", "--method", "shmi",
              "--json")
    assert out.exit_code == 0, out.output
    codes = {"higher": 1, "as_expected": 2, "lower": 3}
    got = {u["unit"]: codes[u["band"]] for u in json.loads(out.stdout)["units"]}
    assert got == dict(zip(df.org_code, df.shmi_banding.astype(int)))


@pytest.mark.parametrize("content, args, message", [
    ("trust,o,e\nA,1,2\nB,abc,3\n", (), "column 'o', line 3: 'abc' is not a number"),
    ("trust,o,e\nA,1,2\nB,,3\n", (), "column 'o', line 3: value is missing"),
    ("trust,o,e\nA,1,2\nB,-1,3\n", (), "column 'o', line 3: -1 is negative (observed counts are 0 or more)"),
    ("trust,o,e\nA,1,2\n\nB,1,0\n", (), "column 'e', line 4: 0 is not allowed (e must be greater than 0)"),
    ("trust,o,e\nA,1,2\n,1,3\n", (), "column 'trust', line 3: unit is missing"),
    ("trust,o,e\n", (), "the file has no data rows"),
    ("trust,o,x\nA,1,2\n", (), "no column 'e'; columns are trust, o, x"),
])
def test_input_errors_are_one_line(tmp_path, content, args, message):
    path = tmp_path / "f.csv"
    path.write_text(content)
    out = run("--input", path, "--unit", "trust", "--observed", "o", "--expected", "e",
              "--type", "ratio", "--method", "exact", "--json", *args)
    assert out.exit_code == 2
    assert out.stderr == f"{path}: {message}\n"
    assert out.stdout == ""


def test_proportion_over_denominator_names_the_line(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("org,num,den\nX,3,10\nY,12,10\n")
    out = run("--input", path, "--unit", "org", "--observed", "num", "--denominator", "den",
              "--type", "proportion", "--method", "exact", "--json")
    assert out.exit_code == 2
    assert out.stderr == f"{path}: column 'num', line 3: 12 is more than the denominator 10\n"


@pytest.mark.parametrize("args, message", [
    (("--method", "poisson"), "--method must be one of exact, byar, wilson, shmi, multiplicative, "
                              "winsorised; got 'poisson'"),
    (("--type", "count"), "--type must be one of ratio, proportion, rate; got 'count'"),
    (("--level", "90"), "--level must be one of 95, 99.8; got '90'"),
    (("--exact-variant", "midp"), "--exact-variant must be one of interpolated, gamma; got 'midp'"),
    (("--method", "wilson"), "method 'wilson' does not apply to type 'ratio'; it applies to: "
                             "proportion"),
    (("--denominator", "e"), "give exactly one of --expected (ratio) or --denominator "
                             "(proportion, rate)"),
])
def test_option_errors(ratio_csv, args, message):
    base = {"--type": "ratio", "--method": "exact", "--level": "95"}
    extra = list(args)
    for key in list(base):
        if key in extra:
            del base[key]
    argv = ["--input", ratio_csv, "--unit", "trust", "--observed", "deaths", "--expected",
            "expected", *[x for kv in base.items() for x in kv], *extra, "--json"]
    out = run(*argv)
    assert out.exit_code == 2
    assert out.stderr.strip().splitlines() == [message]


def test_missing_file(tmp_path):
    out = run("--input", tmp_path / "nope.csv", "--unit", "u", "--observed", "o", "--expected",
              "e", "--type", "ratio", "--method", "exact")
    assert out.exit_code == 2
    assert out.stderr == f"{tmp_path / 'nope.csv'}: no such file\n"
