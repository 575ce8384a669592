"""Benjamini-Hochberg against a case computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from caresignal.domain.errors import OptionError
from caresignal.stats.fdr import benjamini_hochberg


def test_hand_computed_case():
    # m = 5, q = 0.05: sorted p = .001 .008 .039 .041 .20; critical i q/m = .01 .02 .03 .04 .05.
    # Largest i with p_(i) <= i q / m is i = 2 (.008 <= .02; .039 > .03, .041 > .04, .20 > .05).
    p = [0.039, 0.001, 0.20, 0.008, 0.041]
    res = benjamini_hochberg(p, 0.05)
    assert res.rejected.tolist() == [False, True, False, True, False]
    # Adjusted: min over j >= i of m p_(j) / j: .005, .02, .05125, .05125, .20.
    np.testing.assert_allclose(res.adjusted, [0.05125, 0.005, 0.20, 0.02, 0.05125])
    assert res.cutoff == 0.008 and res.n_rejected == 2 and res.n_tests == 5


def test_step_up_rejects_below_a_later_crossing():
    # p_(1) = .04 > .05 * 1/3 but p_(3) = .05 <= .05: step-up rejects all three.
    assert benjamini_hochberg([0.04, 0.045, 0.05], 0.05).rejected.all()


def test_missing_p_values_are_not_tests():
    res = benjamini_hochberg([0.01, np.nan], 0.05)
    assert res.n_tests == 1 and res.rejected.tolist() == [True, False]
    assert np.isnan(res.adjusted[1])


def test_bad_q():
    with pytest.raises(OptionError, match="between 0 and 1"):
        benjamini_hochberg([0.1], 1.5)
