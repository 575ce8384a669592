"""docs/cusum.md stays true: the Python example runs as printed, the command-line outputs are what the
commands print today, and every method, reset and calibration is documented."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from caresignal.cli import app
from caresignal.stats.cusum import CALIBRATIONS, METHODS, RESETS

DOC = Path(__file__).resolve().parents[2] / "docs" / "cusum.md"


def test_python_example_runs_as_printed():
    failures, attempted = doctest.testfile(str(DOC), module_relative=False, verbose=False)
    assert attempted >= 8 and failures == 0


def test_command_line_examples_match_the_commands(tmp_path):
    text = DOC.read_text(encoding="utf-8")
    csv_block = re.search(r"```\n(died,risk\n.*?)```", text, re.S).group(1)
    (tmp_path / "patients.csv").write_text(csv_block)
    examples = re.findall(r"^\$ caresignal (.+)\n(.+)$", text, re.M)
    assert len(examples) >= 4
    for command, printed in examples:
        args = [a.replace("patients.csv", str(tmp_path / "patients.csv")) for a in shlex.split(command)]
        out = CliRunner().invoke(app, args)
        assert out.exit_code == 0, out.output
        assert out.stdout.strip() == printed.strip(), f"docs show stale output for: {command}"


def test_every_method_reset_and_calibration_is_documented():
    text = DOC.read_text(encoding="utf-8")
    spans = re.findall(r"`([^`\n]+)`", text)
    for name in (*METHODS, *RESETS, *CALIBRATIONS):
        assert any(re.search(rf"\b{name}\b", span) for span in spans), f"{name} is not documented"
    for ref in ("10.1093/biostatistics/1.4.441", "10.1057/jors.2010.121", "10.1111/j.1467-985X.2004.apm10.x",
                "10.1111/j.2517-6161.1995.tb02031.x", "10.1093/biomet/59.3.539", "10.1002/sim.8104"):
        assert ref in text
