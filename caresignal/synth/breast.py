"""Mastectomy with or without immediate breast reconstruction (IBR), with three-month outcomes.

Volumes and rates (``england_calibration.md`` section 9): about 15,000 mastectomies a year in England
(NMBRA: 18,216 women in ~15 months, 2008-09); immediate reconstruction 21% nationally (NMBRA), regional
range 9-43%, 39.7% in iBRA-2 (2016), so trusts here vary between roughly 15% and 45%; implant-based IBR
had 17.8% return to theatre and 25.1% infection at three months (iBRA, Lancet Oncol 2019;20:254).

True complication model (recorded in ``synthetic_true_complication_risk``):

.. math::

    \\operatorname{logit} p = -1.95 + \\delta_{type} + 0.045 (BMI - 27) + 0.6\\,smoker + 0.35\\,diabetes
        + 0.35\\,[ASA \\ge 3] + 0.008 (age - 60) + u_t + s

with :math:`\\delta_{type}` = 0 (no reconstruction), 0.75 (pedicled flap), 0.85 (free flap), 1.0
(implant); :math:`u_t \\sim N(0, 0.2^2)` the trust effect and :math:`s` the breast-service scenario
(log of ``complication_odds_ratio_ibr`` for IBR after onset). A return to theatre follows a complication
with probability logit^-1(-0.7 + 0.9 [IBR] + scenario) and occurs without a recorded complication in 1%.
"""

from __future__ import annotations

import numpy as np

from caresignal.domain.sources import RECONSTRUCTION_TYPES
from caresignal.synth.world import World

MASTECTOMIES_PER_YEAR = 15_000        # calibration section 9 (NMBRA, about 15k a year)
IBR_NATIONAL = 0.33                   # trust median before case mix; ~27% of all mastectomies end up
                                      # with IBR, between NMBRA 21% (2008-09) and iBRA-2 39.7% (2016) [A]
IBR_TRUST_SD = 0.45                   # log-odds SD between trusts: 15-45% range, as the regional 9-43%
TYPE_MIX = np.array([0.55, 0.15, 0.30])   # implant, pedicled flap, free flap among IBR [A]
TYPE_EFFECT = np.array([0.0, 1.0, 0.75, 0.85])   # none, implant, pedicled, free (order of RECONSTRUCTION_TYPES)
COMPLICATION_INTERCEPT = -1.95
TRUST_EFFECT_SD = 0.2
RTT_GIVEN_COMPLICATION = -0.7         # log-odds of return to theatre after a complication, no IBR
RTT_IBR = 0.9
RTT_WITHOUT_COMPLICATION = 0.01

assert RECONSTRUCTION_TYPES == ("none", "implant", "pedicled_flap", "free_flap")


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def trust_procedures(world: World, pos: int) -> dict[str, np.ndarray]:
    """All mastectomies at one trust in the generated months (arrays; ``day`` from the first month)."""
    org = world.orgs.iloc[pos]
    code = str(org["org_code"])
    rng = world.rng("breast_surgery", code)
    starts = world.month_starts()
    n_days = int((starts[-1] - starts[0]).astype(int))
    share = world.orgs["size"].to_numpy().copy()
    share[(world.orgs["trust_type"] == "acute_specialist").to_numpy()] = 0.0  # no breast units there
    annual = MASTECTOMIES_PER_YEAR * world.scale * share[pos] / share.sum()
    n = int(rng.poisson(annual * n_days / 365.25))
    ibr_base = np.log(IBR_NATIONAL / (1 - IBR_NATIONAL)) + rng.normal(0, IBR_TRUST_SD)
    mix = rng.dirichlet(TYPE_MIX * 20)
    trust_u = rng.normal(0, TRUST_EFFECT_SD)
    scen = [s for s in world.scenarios if s.kind == "breast_service" and s.org_code == code]
    if scen:
        # The planted service is a busy reconstructive unit (at least 45% IBR before it turns selective)
        # whose mastectomies without reconstruction are average: only IBR goes wrong.
        ibr_base = max(ibr_base, np.log(0.45 / 0.55))
        trust_u = 0.0

    day = rng.integers(0, n_days, n)
    weekday = (starts[0].astype(np.int64) + day + 3) % 7
    day = np.where(weekday >= 5, np.maximum(day - (weekday - 4), 0), day).astype(np.int32)  # weekdays only
    month = np.searchsorted((starts - starts[0]).astype(np.int64), day, side="right") - 1
    age = np.clip(np.rint(rng.normal(60, 13, n)), 22, 96).astype(np.int16)
    bmi = np.clip(np.exp(rng.normal(np.log(27.5), 0.19, n)), 15.5, 60).round(1).astype(np.float32)
    smoker = rng.random(n) < np.where(age < 60, 0.15, 0.09)
    diabetes = rng.random(n) < np.clip(0.03 + 0.0015 * (age - 30) + 0.01 * (bmi - 27), 0.01, 0.4)
    latent = 0.03 * (age - 60) + 0.06 * (bmi - 27) + 0.8 * diabetes + 0.3 * smoker + rng.normal(0, 1, n)
    asa = (1 + np.searchsorted(np.array([-0.7, 1.0, 2.6, 4.0]), latent)).astype(np.int8)
    ibr_logit = ibr_base - 0.06 * (age - 55) - 0.05 * (bmi - 27) - 0.6 * smoker - 0.4 * diabetes \
        - 0.5 * (asa >= 3)
    s_ibr = s_rtt = np.zeros(n)
    if scen:
        e = scen[0].effect
        after = month >= world.month_index(scen[0].onset_month)
        # "Slightly selective": fewer reconstructions, fewer offered to smokers and high-BMI women.
        ibr_logit = ibr_logit + after * (np.log(e["ibr_rate_ratio"]) - 0.4 * smoker - 0.03 * (bmi - 27))
        s_ibr = after * np.log(e["complication_odds_ratio_ibr"])
        s_rtt = after * np.log(e["return_to_theatre_odds_ratio_ibr"])
    ibr = rng.random(n) < _sigmoid(ibr_logit)
    rtype = np.where(ibr, 1 + np.searchsorted(np.cumsum(mix)[:-1], rng.random(n), side="right"), 0).astype(np.int8)
    logit = (COMPLICATION_INTERCEPT + TYPE_EFFECT[rtype] + 0.045 * (bmi - 27) + 0.6 * smoker + 0.35 * diabetes
             + 0.35 * (asa >= 3) + 0.008 * (age - 60) + trust_u + ibr * s_ibr)
    risk = _sigmoid(logit)
    complication = rng.random(n) < risk
    p_rtt = np.where(complication, _sigmoid(RTT_GIVEN_COMPLICATION + RTT_IBR * ibr + ibr * s_rtt),
                     RTT_WITHOUT_COMPLICATION)
    rtt = rng.random(n) < p_rtt
    order = np.argsort(day, kind="stable")
    out = dict(day=day, age=age, asa=asa, bmi=bmi, smoker=smoker, diabetes=diabetes, ibr=ibr, rtype=rtype,
               complication=complication, rtt=rtt, risk=risk.astype(np.float32))
    return {k: v[order] for k, v in out.items()}
