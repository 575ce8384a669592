"""docs/funnel-plots.md stays true: its Python example runs as printed, its command-line output is
what the command prints today, and every method and option is documented."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

from typer.testing import CliRunner

from caresignal.cli import app
from caresignal.stats.funnel import METHODS, TYPES

DOC = Path(__file__).resolve().parents[2] / "docs" / "funnel-plots.md"


def test_python_example_runs_as_printed():
    failures, attempted = doctest.testfile(str(DOC), module_relative=False, verbose=False)
    assert attempted >= 8
    assert failures == 0


def test_command_line_examples_match_the_command(tmp_path):
    text = DOC.read_text(encoding="utf-8")
    csv_block = re.search(r"```\n(trust,deaths,expected\n.*?)```", text, re.S).group(1)
    path = tmp_path / "mortality.csv"
    path.write_text(csv_block)
    for method in ("shmi", "exact"):
        out = CliRunner().invoke(app, ["stats", "funnel", "--input", str(path), "--unit", "trust",
                                       "--observed", "deaths", "--expected", "expected",
                                       "--type", "ratio", "--method", method])
        assert out.exit_code == 0
        assert out.stdout in text, f"docs show stale output for --method {method}"


def test_every_method_type_and_option_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for method in METHODS:
        assert f"`{method}`" in text, method
    for type_ in TYPES:
        assert f"--type {type_}" in text, type_
    for option in ("--input", "--unit", "--observed", "--expected", "--denominator", "--target",
                   "--level", "--exact-variant", "--json"):
        assert option in text, option
