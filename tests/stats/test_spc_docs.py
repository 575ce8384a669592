"""docs/spc.md is generated from the running code: its examples must run and print what it shows, and
every chart, rule, option and point type of the command must be documented."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import caresignal.stats.spc.chart as chart_module
from caresignal.cli import app
from caresignal.stats.spc import ASSURANCE_TYPES, CHARTS, POINT_TYPES, RULE_ORDER

DOC = Path(__file__).resolve().parents[2] / "docs" / "spc.md"


@pytest.fixture(scope="module")
def text():
    return DOC.read_text(encoding="utf-8")


def test_python_examples_in_the_page_run(text):
    failures, tried = doctest.testfile(str(DOC), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert tried >= 8 and failures == 0


def test_docstring_examples_run():
    failures, tried = doctest.testmod(chart_module)
    assert tried >= 3 and failures == 0


def test_quick_start_output_is_what_the_command_prints(text, tmp_path):
    csv = re.search(r"```\n(month,readmissions,discharges\n.*?)```", text, re.S).group(1)
    (tmp_path / "readmissions.csv").write_text(csv, encoding="utf-8")
    shown = re.search(r"--target 0\.12\n(SPC p chart.*?)```", text, re.S).group(1).strip()
    result = CliRunner().invoke(app, ["stats", "spc", "--input", str(tmp_path / "readmissions.csv"),
                                      "--value", "readmissions", "--denominator", "discharges", "--date",
                                      "month", "--chart", "p", "--improvement", "decrease", "--target", "0.12"])
    assert result.exit_code == 0
    assert result.stdout.strip() == shown


def test_every_chart_rule_type_and_option_is_documented(text):
    for name in CHARTS:
        assert f"`{name}`" in text, f"chart {name} undocumented"
    for name in RULE_ORDER + POINT_TYPES + ASSURANCE_TYPES:
        assert f"`{name}`" in text, f"{name} undocumented"
    spc = next(c for c in app.registered_groups[0].typer_instance.registered_commands if c.name == "spc")
    import inspect
    for parameter in inspect.signature(spc.callback).parameters.values():
        if parameter.name == "ctx":
            continue
        flag = parameter.default.param_decls[0]
        assert f"`{flag}`" in text or f"{flag} " in text, f"option {flag} undocumented"
