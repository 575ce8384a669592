"""The free-text grammar, sentence banks, typos and personal details from reserved ranges."""

from __future__ import annotations

import random
import re

import numpy as np
import pyarrow as pa
import pytest

from caresignal.synth.text import pii
from caresignal.synth.text.bank import join_sentences, spread
from caresignal.synth.text.complaint_text import ComplaintText
from caresignal.synth.text.fft_text import MIXED, NEGATIVE, NEUTRAL, POSITIVE, FftText
from caresignal.synth.text.grammar import Grammar, GrammarError, build_bank, tidy
from caresignal.synth.text.themes import THEMES
from caresignal.synth.text.typos import inject


def test_grammar_expands_slots_and_weights():
    g = Grammar({"s": ["<who> were <how>."], "who": ["the nurses", "staff"], "how": [("kind", 9), ("rude", 1)]})
    out = [g.expand("s", random.Random(i)) for i in range(400)]
    assert set(out) <= {"The nurses were kind.", "The nurses were rude.", "Staff were kind.", "Staff were rude."}
    assert 0.8 < sum("kind" in o for o in out) / len(out) < 0.97  # weight 9:1


def test_grammar_refuses_undefined_rules():
    with pytest.raises(GrammarError, match="undefined rules: missing"):
        Grammar({"s": ["<missing> here"]})


def test_tidy_fixes_spacing_articles_and_capitals():
    assert tidy("  the wait was  long , a hour .  staff were kind.") == "The wait was long, an hour. Staff were kind."
    assert tidy("{S} was left alone. {P} bed was wet.") == "{Sc} was left alone. {Pc} bed was wet."


def test_build_bank_gives_distinct_sentences_and_stops_on_a_small_grammar():
    g = Grammar({"s": ["a", "b", "c"]})
    assert sorted(build_bank(g, "s", 100, random.Random(0))) == ["A", "B", "C"]


def test_nhs_check_digit_matches_the_data_dictionary_example():
    # NHS Data Dictionary worked example of the modulus 11 algorithm: 943 476 5919 is valid.
    assert pii.is_valid_nhs_number("943 476 5919")
    assert not pii.is_valid_nhs_number("943 476 5918")
    assert not pii.is_valid_nhs_number("12345")


def test_generated_nhs_numbers_are_valid_and_in_the_test_range():
    rng = np.random.default_rng(1)
    numbers = pii.nhs_numbers(rng, 5000)
    assert len(numbers) == 5000 and len(set(numbers.tolist())) > 4900
    text = pii.format_nhs_numbers(numbers, rng)
    assert {" " in t for t in text} == {True, False}  # with and without spaces
    for t in text:
        assert re.sub(r"[ -]", "", t).startswith("999") and pii.is_valid_nhs_number(t), t


def test_phones_emails_postcodes_come_from_reserved_ranges():
    rng = np.random.default_rng(2)
    for phone in pii.phone_numbers(rng, 2000):
        assert pii.PHONE_PATTERN.fullmatch(phone), phone
    first, last = pii.person_names(rng, 500)
    assert all(e.endswith("@example.org") for e in pii.emails(rng, first, last))
    for pc in pii.postcodes(rng, 500):
        assert re.fullmatch(r"[A-Z]{1,2}\d{1,2} \d[A-Z]{2}", pc), pc


def test_typos_change_text_but_never_the_record_fields():
    rnd = random.Random(3)
    source = "I am writing about {N}, {NAME}, who definitely received excellent care on {WARD}."
    changed = [inject(source, rnd, slips=2, casual=True) for _ in range(200)]
    assert sum(c != source for c in changed) > 150
    for c in changed:
        assert re.findall(r"\{[A-Za-z]+\}", c) == ["{N}", "{NAME}", "{WARD}"]


def test_join_and_spread_keep_records_aligned():
    a = pa.array(["x", None, "y"])
    b = pa.array(["m", "n", None])
    assert join_sentences([a, b]).to_pylist() == ["x m", "n", "y"]
    assert spread(pa.array(["p", "q"]), np.array([False, True, False, True])).to_pylist() == [None, "p", None, "q"]


@pytest.fixture(scope="module")
def fft_text():
    return FftText(random.Random(5), sentences_per_key=80)


def test_fft_comments_are_varied_and_follow_the_tone(fft_text):
    rng = np.random.default_rng(6)
    n = 20000
    service = rng.integers(0, 4, n)
    tone = rng.choice([POSITIVE, NEGATIVE, MIXED, NEUTRAL], n, p=[0.8, 0.12, 0.05, 0.03])
    t1, t2 = rng.integers(0, len(THEMES), n), rng.integers(0, len(THEMES), n)
    has = rng.random(n) < 0.66
    comments = fft_text.compose(rng, service, tone, t1, t2, has).to_pylist()
    assert [c is not None for c in comments] == has.tolist()
    written = [c for c in comments if c]
    assert len(set(written)) / len(written) > 0.6  # not one sentence per theme
    assert all(len(c) > 1 for c in written)


def test_fft_theme_vocabulary_is_learnable(fft_text):
    rng = np.random.default_rng(7)
    n = 3000
    waiting = fft_text.compose(rng, np.zeros(n, int), np.full(n, NEGATIVE), np.full(n, THEMES.index("waiting")),
                               np.full(n, THEMES.index("waiting"))).to_pylist()
    clean = fft_text.compose(rng, np.zeros(n, int), np.full(n, NEGATIVE), np.full(n, THEMES.index("cleanliness")),
                             np.full(n, THEMES.index("cleanliness"))).to_pylist()
    wait_words = re.compile(r"wait|hour|long|seen", re.I)
    assert np.mean([bool(wait_words.search(c)) for c in waiting]) > 0.8
    assert np.mean([bool(wait_words.search(c)) for c in clean]) < 0.3


def test_complaint_letters_are_long_personal_and_use_the_right_pronouns():
    text = ComplaintText(random.Random(8), sentences_per_theme=40)
    rng = np.random.default_rng(9)
    n = 300
    subject = rng.integers(0, 6, n)
    themes = np.stack([rng.integers(0, 12, n), np.full(n, -1), np.full(n, -1)], axis=1)
    received = np.datetime64("2024-03-01") + rng.integers(0, 30, n).astype("timedelta64[D]")
    letters = text.letters(rng, rng.integers(0, 4, n), subject, rng.integers(0, 3, n), themes, received)
    assert np.median([len(x.split()) for x in letters]) > 80
    assert not any("{" in x or "}" in x for x in letters)  # every field filled
    assert len(set(letters)) == n
    for nhs in (m.group(0) for x in letters for m in pii.NHS_NUMBER_PATTERN.finditer(x)):
        assert pii.is_valid_nhs_number(nhs), nhs
    self_letters = [x for x, s in zip(letters, subject) if s in (2, 3)]
    assert all(" she was " not in x.lower() and " he was " not in x.lower() for x in self_letters)
