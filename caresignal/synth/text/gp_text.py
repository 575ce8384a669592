"""GP practices' concerns about a provider: professional, brief, identifying the patient."""

from __future__ import annotations

import random

import numpy as np

from caresignal.domain.sources import GP_CONCERN_CATEGORIES
from caresignal.synth.text import pii
from caresignal.synth.text.bank import grammar_sentences, make_bank
from caresignal.synth.text.grammar import Grammar
from caresignal.synth.text.professional_rules import GP_RULES

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class GpText:
    """Banks of GP concern sentences by category, built once from a seeded generator."""

    def __init__(self, rnd: random.Random):
        g = Grammar(GP_RULES)
        self.body = make_bank((c, grammar_sentences(g, c, 120, rnd, casual_share=0.0, typo_share=0.05))
                              for c in GP_CONCERN_CATEGORIES)
        self.parts = {name: make_bank([(0, grammar_sentences(g, name, 40, rnd, casual_share=0.0, typo_share=0.0))])
                      for name in ("gp_open", "gp_risk", "gp_ask", "gp_sign")}

    def concerns(self, rng: np.random.Generator, category: np.ndarray, raised: np.ndarray,
                 risk_boost: np.ndarray | None = None) -> list[str]:
        """One text per concern; ``category`` indexes ``GP_CONCERN_CATEGORIES``; ``raised`` dates."""
        n = len(category)
        zeros = np.zeros(n, dtype=np.int64)
        body = self.body.draw(np.asarray(category, dtype=np.int64), rng).tolist()
        picks = {k: b.draw(zeros, rng).tolist() for k, b in self.parts.items()}
        if risk_boost is not None:  # a failing booking system: practices say it is a pattern
            pattern = np.flatnonzero(np.array(self.parts["gp_risk"].strings.to_pylist(), dtype=object)
                                     == "We are concerned this reflects a wider problem with the booking system.")
            if pattern.size:
                picks["gp_risk"] = np.where(rng.random(n) < risk_boost, pattern[0],
                                            np.array(picks["gp_risk"])).tolist()
        strings = {k: b.strings.to_pylist() for k, b in self.parts.items()}
        body_s = self.body.strings.to_pylist()
        first, last = pii.person_names(rng, n)
        gp_first, gp_last = pii.person_names(rng, n)
        nhs = pii.format_nhs_numbers(pii.nhs_numbers(rng, n), rng)
        dob = pii.dates_of_birth(rng, rng.integers(1, 95, n), 2024)
        phone = pii.phone_numbers(rng, n, mobile_share=0.2)
        email = pii.emails(rng, gp_first, gp_last)
        hosp = pii.hospital_numbers(rng, n)
        back = (raised - rng.integers(7, 120, n).astype("timedelta64[D]")).astype("datetime64[D]")
        day = (back - back.astype("datetime64[M]")).astype(int) + 1
        month = back.astype("datetime64[M]").astype(int) % 12
        style = rng.integers(0, 2, n)
        dates = [f"{d}/{m + 1}/{str(y)[2:]}" if s else f"{d} {_MONTHS[m]}" for d, m, y, s in
                 zip(day.tolist(), month.tolist(), (back.astype("datetime64[Y]").astype(int) + 1970).tolist(),
                     style.tolist())]
        out = []
        for i in range(n):
            text = " ".join(p for p in (strings["gp_open"][picks["gp_open"][i]], body_s[body[i]],
                                        strings["gp_risk"][picks["gp_risk"][i]], strings["gp_ask"][picks["gp_ask"][i]],
                                        strings["gp_sign"][picks["gp_sign"][i]]) if p)
            out.append(text.format_map({"NHS": nhs[i], "INITIALS": f"{first[i][0]}{last[i][0]}",
                                        "DOB": dob[i], "DATE": dates[i], "NAME": f"{first[i]} {last[i]}",
                                        "GPNAME": f"{gp_first[i]} {gp_last[i]}",
                                        "PHONE": phone[i], "EMAIL": email[i], "HOSP": hosp[i]}))
        return out
