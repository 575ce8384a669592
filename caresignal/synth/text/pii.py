"""Personal details for synthetic free text, all from ranges reserved so that they identify nobody.

- NHS numbers start 999, the range NHS England reserves for testing, and carry a valid modulus 11 check
  digit (NHS Data Dictionary, "NHS Number"): with digits d1..d9 and weights 10..2,
  ``check = 11 - (sum(w_i * d_i) mod 11)``, where 11 becomes 0 and 10 means the number is not issued.
- Telephone numbers come from Ofcom's ranges for drama and fiction ("Telephone numbers for drama
  purposes"): mobiles 07700 900000-900999 and the geographic 01632 960000-960999, 020 7946 0000-0999 and
  0161 496 0000-0999.
- Email addresses use the example.org domain, reserved by RFC 2606 section 3.
- Postcodes have the UK format (outward code, space, digit and two letters) with random letters, so they
  look real to a pattern matcher but point at nothing in particular.

Generators are vectorised over ``n`` with a numpy ``Generator``; formatting to strings is a list
comprehension because the counts that need personal details are modest.
"""

from __future__ import annotations

import re

import numpy as np

from caresignal.synth.text.vocab import FEMALE_FIRST, MALE_FIRST, STREETS, SURNAMES, TOWNS

NHS_TEST_PREFIX = 999  # NHS England reserves 999 000 0000-999 999 9999 for test data
NHS_WEIGHTS = np.arange(10, 1, -1)  # weights 10..2 for digits 1..9 (NHS Data Dictionary)
MOBILE_DRAMA = (7700900000, 7700900999)  # Ofcom drama range 07700 900000-900999
LANDLINE_DRAMA = (("01632", "960"), ("020", "7946 0"), ("0161", "496 0"))  # followed by 3 digits
EMAIL_DOMAIN = "example.org"  # RFC 2606 reserved domain
# Letters the Royal Mail does not use in the inward code.
_INWARD_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
_AREA = np.array(["B", "M", "L", "S", "E", "N", "W", "G", "BS", "CV", "DE", "HU", "LE", "LS", "NG", "NE",
                  "PR", "SK", "ST", "TS", "WS", "WV", "YO", "OL", "BD", "HD", "DN", "LN", "PE", "NR"])

NHS_NUMBER_PATTERN = re.compile(r"\b999[ -]?\d{3}[ -]?\d{4}\b")
PHONE_PATTERN = re.compile(r"(?:\+44 ?7700|07700) ?900 ?\d{3}|01632 ?960 ?\d{3}|020 ?7946 ?0\d{3}"
                           r"|0161 ?496 ?0\d{3}")


def nhs_check_digit(first_nine: np.ndarray) -> np.ndarray:
    """Modulus 11 check digit for rows of nine digits; 10 marks a number that is never issued."""
    total = (np.asarray(first_nine) * NHS_WEIGHTS).sum(axis=-1)
    check = 11 - total % 11
    return np.where(check == 11, 0, check)


def is_valid_nhs_number(text: str) -> bool:
    """True when ``text`` (spaces or hyphens allowed) is ten digits with a correct check digit."""
    digits = re.sub(r"[ -]", "", text)
    if len(digits) != 10 or not digits.isdigit():
        return False
    d = np.array([int(c) for c in digits])
    check = int(nhs_check_digit(d[:9]))
    return check != 10 and check == d[9]


def nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` valid NHS numbers from the 999 test range, as int64 (redraws the 1 in 11 with check 10)."""
    out = np.empty(n, dtype=np.int64)
    filled = 0
    while filled < n:
        k = max(16, int((n - filled) * 1.15))
        middle = rng.integers(0, 1_000_000, size=k)
        digits = np.empty((k, 9), dtype=np.int64)
        digits[:, :3] = (9, 9, 9)
        for j in range(6):
            digits[:, 3 + j] = middle // 10 ** (5 - j) % 10
        check = nhs_check_digit(digits)
        ok = check != 10
        good = (NHS_TEST_PREFIX * 10**7 + middle * 10 + check)[ok][: n - filled]
        out[filled:filled + len(good)] = good
        filled += len(good)
    return out


def format_nhs_numbers(numbers: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Format as people write them: ``999 123 4567`` (most), ``9991234567``, ``999-123-4567``."""
    style = rng.choice(3, size=len(numbers), p=[0.6, 0.34, 0.06])
    out = []
    for num, s in zip(numbers.tolist(), style.tolist()):
        t = str(num)
        out.append(f"{t[:3]} {t[3:6]} {t[6:]}" if s == 0 else t if s == 1 else f"{t[:3]}-{t[3:6]}-{t[6:]}")
    return out


def phone_numbers(rng: np.random.Generator, n: int, mobile_share: float = 0.7) -> list[str]:
    """Phone numbers from Ofcom's drama ranges, in the several ways people write them."""
    last = rng.integers(0, 1000, size=n).tolist()
    kind = (rng.random(n) >= mobile_share).astype(int) * rng.integers(1, 4, size=n)
    style = rng.integers(0, 3, size=n).tolist()
    out = []
    for x, k, s in zip(last, kind.tolist(), style):
        if k == 0:
            out.append((f"07700 900{x:03d}", f"07700900{x:03d}", f"+44 7700 900{x:03d}")[s])
        else:
            area, local = LANDLINE_DRAMA[k - 1]
            out.append(f"{area} {local}{x:03d}" if s else f"{area}{local.replace(' ', '')}{x:03d}")
    return out


def person_names(rng: np.random.Generator, n: int, female: np.ndarray | None = None
                 ) -> tuple[list[str], list[str]]:
    """First names (by sex when ``female`` is given) and surnames."""
    if female is None:
        female = rng.random(n) < 0.5
    f = rng.integers(0, len(FEMALE_FIRST), size=n)
    m = rng.integers(0, len(MALE_FIRST), size=n)
    s = rng.integers(0, len(SURNAMES), size=n)
    first = [FEMALE_FIRST[a] if fem else MALE_FIRST[b] for a, b, fem in zip(f.tolist(), m.tolist(),
                                                                            female.tolist())]
    return first, [SURNAMES[i] for i in s.tolist()]


def emails(rng: np.random.Generator, first: list[str], last: list[str]) -> list[str]:
    """Addresses at example.org built from the person's name in common patterns."""
    style = rng.integers(0, 5, size=len(first)).tolist()
    num = rng.integers(1, 99, size=len(first)).tolist()
    out = []
    for f, s, st, k in zip(first, last, style, num):
        f, s = f.lower(), s.lower().replace("'", "")
        local = (f"{f}.{s}", f"{f[0]}{s}", f"{f}{s}{k}", f"{s}.{f[0]}", f"{f}_{s}")[st]
        out.append(f"{local}@{EMAIL_DOMAIN}")
    return out


def postcodes(rng: np.random.Generator, n: int) -> list[str]:
    """UK-format postcodes such as ``LS7 4QT`` or ``B12 9NF``."""
    area = _AREA[rng.integers(0, len(_AREA), size=n)]
    district = rng.integers(1, 30, size=n)
    sector = rng.integers(0, 10, size=n)
    letters = _INWARD_LETTERS[rng.integers(0, len(_INWARD_LETTERS), size=(n, 2))]
    return [f"{a}{d} {s}{l1}{l2}" for a, d, s, (l1, l2) in
            zip(area.tolist(), district.tolist(), sector.tolist(), letters.tolist())]


def addresses(rng: np.random.Generator, n: int) -> list[str]:
    """House number, street, fictional town and postcode."""
    house = rng.integers(1, 180, size=n).tolist()
    street = rng.integers(0, len(STREETS), size=n).tolist()
    town = rng.integers(0, len(TOWNS), size=n).tolist()
    return [f"{h} {STREETS[s]}, {TOWNS[t]}, {pc}" for h, s, t, pc in zip(house, street, town,
                                                                         postcodes(rng, n))]


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def dates_of_birth(rng: np.random.Generator, ages: np.ndarray, year: int) -> list[str]:
    """Dates of birth for people of the given ages in ``year``, written ``03/04/1938`` or ``3 April 1938``."""
    ages = np.asarray(ages, dtype=int)
    years = (year - ages - (rng.random(len(ages)) < 0.5)).tolist()
    months = rng.integers(1, 13, size=len(ages)).tolist()
    days = rng.integers(1, 29, size=len(ages)).tolist()
    style = rng.integers(0, 3, size=len(ages)).tolist()
    return [f"{d:02d}/{m:02d}/{y}" if s == 0 else f"{d} {_MONTHS[m - 1]} {y}" if s == 1 else f"{d}/{m}/{y}"
            for y, m, d, s in zip(years, months, days, style)]


def hospital_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """Local hospital (MRN) numbers: one letter and seven digits, or eight digits after ``MRN``."""
    letter = np.array(list("HKRMJT"))[rng.integers(0, 6, size=n)].tolist()
    digits = rng.integers(0, 10_000_000, size=n).tolist()
    style = (rng.random(n) < 0.7).tolist()
    return [f"{l}{d:07d}" if s else f"MRN {d + 10_000_000:08d}" for l, d, s in zip(letter, digits, style)]
