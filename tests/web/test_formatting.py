"""Values shown by the registry's unit and multiplier (presentation only)."""

from __future__ import annotations

import math

import pytest

from caresignal.domain.records import Improvement, Indicator
from caresignal.web.formatting import NO_DATA, format_count, format_period, format_value, unit_label


def indicator(unit: str, multiplier: float = 1.0) -> Indicator:
    return Indicator(id="x", name="X", domain="d", source="s", unit=unit, improvement=Improvement.INCREASE,
                     method="spc", params={}, multiplier=multiplier)


@pytest.mark.parametrize("value,unit,mult,shown,label", [
    (0.8812, "proportion", 100, "88.1%", "%"),
    (0.5, "proportion", 1, "0.5", "proportion"),
    (0.01234, "rate", 1000, "12.3 per 1,000", "per 1,000"),
    (0.0456, "rate", 100, "4.6 per 100", "per 100"),
    (0.000456, "rate", 100_000, "45.6 per 100,000", "per 100,000"),
    (1.0349, "ratio", 1, "1.03", "ratio"),
    (12, "count", 1, "12", "count"),
    (12345, "count", 1, "12,345", "count"),
    (2.5, "count", 1, "2.5", "count"),
    (6.94, "score", 1, "6.9", "score"),
    (3.25, "days", 1, "3.2 days", "days"),  # Python rounds half to even on the binary value 3.25
])
def test_format_value(value, unit, mult, shown, label):
    ind = indicator(unit, mult)
    assert format_value(value, ind) == shown
    assert unit_label(ind) == label


@pytest.mark.parametrize("value", [None, math.nan, math.inf])
def test_missing_values_never_show_as_a_number(value):
    assert format_value(value, indicator("proportion", 100)) == NO_DATA
    assert format_count(value) == ""


def test_periods_and_counts():
    assert format_period("2025-03") == "Mar 2025"
    assert format_period("2024") == "2024"
    assert format_period("2025-13") == "2025-13"
    assert format_count(1234567.0) == "1,234,567"
