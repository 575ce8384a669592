"""Fictional place, trust, ICB and cancer-alliance names for synthetic England.

Place names come from a small grammar: an invented stem plus an English place-name ending
("Kelvermere", "Brackanthorpe"). Stems were chosen so that the combinations are not English towns;
``tests/synth/test_world_*`` checks the generated names against the real trust names in the shared
trust-profile snapshot when it is present. Organisation codes use a 'Z' prefix, which no real NHS
provider code has (real acute trust codes start with R).
"""

from __future__ import annotations

import numpy as np

# Invented stems: no stem is itself an English place name ("Calder" was dropped: Calderdale is real).
STEMS = (
    "Aldre", "Brackan", "Corvel", "Dunmor", "Elver", "Fenwy", "Garrow", "Hollin", "Ivel", "Kestle",
    "Lanvor", "Morrow", "Nethan", "Orsel", "Penhal", "Quenby", "Ravel", "Sallow", "Tarrow", "Ulver",
    "Vensel", "Wendle", "Yarrow", "Ashvel", "Brenmor", "Cardel", "Drummel", "Eskel", "Farrin", "Glaven",
    "Harrel", "Innis", "Kelver", "Lorrin", "Marrel", "Norvel", "Otter", "Pellan", "Rossel", "Stanvel",
    "Thornel", "Umber", "Wrexel", "Audel", "Birrel", "Cressan", "Dellow", "Everel",
)
# Common English place-name endings (Old English and Norse elements).
ENDINGS = (
    "mere", "wick", "ford", "by", "ham", "ley", "thorpe", "stow", "combe", "field", "well",
    "borough", "den", "ton", "bridge", "minster", "dale", "hurst", "worth", "haven",
)

_TRUST_PATTERNS = {
    "acute_teaching": ("University Hospitals of {a} NHS Trust", "{a} Teaching Hospitals NHS Foundation Trust",
                       "{a} and {b} University Hospitals NHS Foundation Trust"),
    "acute_large": ("{a} and {b} Hospitals NHS Foundation Trust", "{a} Hospitals NHS Trust",
                    "{a} Health NHS Foundation Trust"),
    "acute_medium": ("{a} Hospitals NHS Foundation Trust", "{a} and {b} NHS Trust",
                     "{a} General Hospital NHS Trust"),
    "acute_small": ("{a} Hospital NHS Foundation Trust", "{a} District General Hospital NHS Trust",
                    "{a} Healthcare NHS Trust"),
    "acute_multi_service": ("{a} Integrated Care NHS Foundation Trust", "{a} and {b} Health and Care NHS Trust"),
    "acute_specialist": ("{a} Heart and Chest Hospital NHS Foundation Trust",
                         "{a} Orthopaedic Hospital NHS Foundation Trust",
                         "{a} Children's Hospital NHS Foundation Trust",
                         "{a} Cancer Centre NHS Foundation Trust"),
}


def place_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct fictional place names, in a random but seed-determined order."""
    total = len(STEMS) * len(ENDINGS)
    if n > total:
        raise ValueError(f"the name grammar has {total} place names; {n} requested")
    picks = rng.choice(total, size=n, replace=False)
    return [STEMS[i // len(ENDINGS)] + ENDINGS[i % len(ENDINGS)] for i in picks]


def trust_name(rng: np.random.Generator, trust_type: str, a: str, b: str) -> str:
    """A trust name of the right flavour for its type, built from places ``a`` and ``b``."""
    patterns = _TRUST_PATTERNS[trust_type]
    return patterns[int(rng.integers(len(patterns)))].format(a=a, b=b)


def org_codes(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct fictional ODS-style codes ``Z<letter><digit><letter>`` (e.g. ``ZA1B``)."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXY"  # no I, O or Z, as in real ODS codes
    total = len(letters) * 10 * len(letters)
    picks = rng.choice(total, size=n, replace=False)
    out = []
    for p in picks.tolist():
        first, rest = divmod(p, 10 * len(letters))
        digit, last = divmod(rest, len(letters))
        out.append(f"Z{letters[first]}{digit}{letters[last]}")
    return out
