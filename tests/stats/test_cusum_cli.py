"""``caresignal stats cusum`` and ``cusum-threshold``: the command-line contract (inputs, JSON shape,
1-based signal rows, one-line errors with exit status 2). Runs the real command on real CSV files."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from caresignal.cli import app

KEYS = {"threshold", "values", "signals", "lower_values", "lower_signals"}


def run(command, *args):
    return CliRunner().invoke(app, ["stats", command, *map(str, args)])


@pytest.fixture
def patients(tmp_path):
    path = tmp_path / "patients.csv"
    path.write_text("died,risk,score\n0,0.1,3\n1,0.1,5\n1,0.2,9\n1,0.1,4\n0,0.3,12\n1,0.05,1\n")
    return path


@pytest.fixture
def counts(tmp_path):
    path = tmp_path / "months.csv"
    path.write_text("month,deaths,expected\n2024-01,3,4.0\n2024-02,9,4.2\n2024-03,8,3.9\n")
    return path


def test_bernoulli_json_shape_and_one_based_signals(patients):
    out = run("cusum", "--input", patients, "--outcome", "died", "--probability", "risk",
              "--method", "bernoulli", "--threshold", "1.2", "--json")
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert set(payload) == KEYS
    assert len(payload["values"]) == 6
    # log(2/1.1) + log(2/1.2) = 1.108 < 1.2; + log(2/1.1) = 1.706 >= 1.2 at row 4 (1-based).
    assert payload["signals"] == [4]
    assert payload["lower_values"] == [] and payload["lower_signals"] == []


def test_both_directions_and_halve(patients):
    out = run("cusum", "--input", patients, "--outcome", "died", "--probability", "risk",
              "--method", "bernoulli", "--threshold", "0.5", "--direction", "both", "--reset",
              "halve", "--json")
    payload = json.loads(out.stdout)
    assert len(payload["lower_values"]) == 6 and all(v <= 0 for v in payload["lower_values"])
    assert payload["signals"][0] == 2


def test_risk_score_is_fitted_on_phase1(patients, tmp_path):
    out = run("cusum-threshold", "--input", patients, "--outcome", "died", "--risk", "score",
              "--method", "bernoulli", "--phase1", "6", "--arl0", "50", "--json")
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert set(payload) == {"threshold", "arl0"}
    assert payload["arl0"] == pytest.approx(50, rel=1e-4)


def test_threshold_by_false_alarm_then_chart(patients):
    thr = json.loads(run("cusum-threshold", "--input", patients, "--outcome", "died", "--probability",
                         "risk", "--method", "bernoulli", "--false-alarm", "0.1", "--horizon", "20",
                         "--json").stdout)
    assert set(thr) == {"threshold", "false_alarm"}
    assert thr["false_alarm"] == pytest.approx(0.1, rel=1e-3)
    chart = json.loads(run("cusum", "--input", patients, "--outcome", "died", "--probability", "risk",
                           "--method", "bernoulli", "--false-alarm", "0.1", "--horizon", "20",
                           "--json").stdout)
    assert chart["threshold"] == pytest.approx(thr["threshold"])


def test_exact_calibration(patients):
    out = run("cusum-threshold", "--input", patients, "--outcome", "died", "--probability", "risk",
              "--method", "bernoulli", "--false-alarm", "0.05", "--horizon", "8", "--calibration",
              "exact", "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["false_alarm"] <= 0.05


def test_vlad_poisson_zscore(patients, counts):
    vlad = json.loads(run("cusum", "--input", patients, "--outcome", "died", "--probability", "risk",
                          "--method", "vlad", "--threshold", "1.2", "--json").stdout)
    assert vlad["values"][0] == pytest.approx(0.1) and vlad["signals"] == [4]
    pois = json.loads(run("cusum", "--input", counts, "--observed", "deaths", "--expected", "expected",
                          "--method", "poisson", "--threshold", "2", "--json").stdout)
    assert pois["signals"] == [2]
    z = run("cusum", "--input", counts, "--observed", "deaths", "--expected", "expected",
            "--method", "zscore", "--arl0", "20", "--json")
    assert z.exit_code == 0, z.output


@pytest.mark.parametrize("content, args, message", [
    ("died,risk\n0,0.1\n1,abc\n", ["--outcome", "died", "--probability", "risk"],
     "column 'risk', line 3: 'abc' is not a number"),
    ("died,risk\n0,0.1\n2,0.1\n", ["--outcome", "died", "--probability", "risk"],
     "column 'died', line 3: 2 is not 0 or 1"),
    ("died,risk\n0,1.5\n", ["--outcome", "died", "--probability", "risk"],
     "column 'risk', line 2: 1.5 is not a probability between 0 and 1"),
    ("died,risk\n0,0.1\n", ["--outcome", "dead", "--probability", "risk"],
     "no column 'dead'; columns are died, risk"),
])
def test_bad_input_is_one_line_with_file_line_column(tmp_path, content, args, message):
    path = tmp_path / "f.csv"
    path.write_text(content)
    out = run("cusum", "--input", path, *args, "--method", "bernoulli", "--threshold", "2", "--json")
    assert out.exit_code == 2
    assert out.stderr.strip() == f"{path}: {message}"
    assert "Traceback" not in out.output


@pytest.mark.parametrize("args, message", [
    (["--method", "ewma", "--threshold", "2"],
     "--method must be one of bernoulli, vlad, poisson, zscore; got 'ewma'"),
    (["--method", "bernoulli", "--threshold", "2", "--reset", "half"],
     "--reset must be one of none, zero, halve; got 'half'"),
    (["--method", "bernoulli", "--threshold", "2", "--direction", ""],
     "--direction must be one of up, down, both; got ''"),
    (["--method", "bernoulli", "--arl0", "100", "--calibration", "mc"],
     "--calibration must be one of markov, simulation, exact; got 'mc'"),
    (["--method", "bernoulli"], "give one of --arl0 N or --false-alarm P --horizon N"),
    (["--method", "bernoulli", "--false-alarm", "0.1"], "--false-alarm needs --horizon N"),
    (["--method", "bernoulli", "--threshold", "2", "--phase1", "99"],
     "--phase1 must be between 1 and the number of rows (6); got 99"),
    (["--method", "poisson", "--threshold", "2"], "--method poisson charts counts per period"),
])
def test_bad_options_name_the_option(patients, args, message):
    out = run("cusum", "--input", patients, "--outcome", "died", "--probability", "risk", *args)
    assert out.exit_code == 2
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_threshold_command_checks_direction_before_reading_the_file(tmp_path):
    out = run("cusum-threshold", "--input", tmp_path / "never-read.csv", "--outcome", "died",
              "--probability", "risk", "--method", "bernoulli", "--arl0", "100", "--direction", "Up")
    assert out.exit_code == 2
    assert out.stderr.strip() == "--direction must be one of up, down, both; got 'Up'"


def test_missing_file(tmp_path):
    out = run("cusum", "--input", tmp_path / "nope.csv", "--outcome", "y", "--probability", "p",
              "--method", "bernoulli", "--threshold", "1")
    assert out.exit_code == 2 and "no such file" in out.stderr


def test_cardiac_surgery_end_to_end(shared_data, tmp_path):
    """vlad's set-up through the command line: --risk Parsonnet fitted on phase I, ARL0 370."""
    src = shared_data("spcadjust_cardiacsurgery") / "cardiacsurgery.csv"
    with open(src, newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r["date"]))
    path = tmp_path / "cs.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["parsonnet", "died30"])
        for r in rows:
            w.writerow([r["Parsonnet"], int(r["status"] == "1" and int(r["time"]) <= 30)])
    n1 = sum(int(r["date"]) < 730 for r in rows)
    out = run("cusum-threshold", "--input", path, "--outcome", "died30", "--risk", "parsonnet",
              "--phase1", n1, "--arl0", "370", "--method", "bernoulli", "--json")
    assert out.exit_code == 0, out.output
    # vlad racusum_crit_mc: 1.8592 (tolerance 1e-4 relative, as vlad's own test).
    assert json.loads(out.stdout)["threshold"] == pytest.approx(1.8592, rel=1e-4)
