"""Complaint letters: banks built once from the complaint grammar, then one letter per complaint.

A letter is salutation, purpose, (often) the patient's identifying details, what happened, one to three
paragraphs on its themes (two to four sentences each), how it left the writer (angry, sad or measured),
what they want, and a signature that often carries a phone number, an email or an address. Sentences come
from banks; the per-letter work is picking indexes (numpy), joining, and filling the personal fields with
one :meth:`str.format_map` call.
"""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caresignal.synth.text import pii
from caresignal.synth.text.bank import grammar_sentences, join_sentences, make_bank
from caresignal.synth.text.complaint_rules import COMPLAINT_RULES, SETTING_BINDINGS
from caresignal.synth.text.grammar import Grammar
from caresignal.synth.text.themes import THEMES
from caresignal.synth.text.typos import shout
from caresignal.synth.text.vocab import CHILD_FEMALE, CHILD_MALE, FEMALE_RELATIVES, MALE_RELATIVES

SETTINGS = ("ward", "ed", "maternity", "outpatient")
TONES = ("angry", "sad", "measured")
SUBJECT_FEMALE, SUBJECT_MALE, SUBJECT_SELF_F, SUBJECT_SELF_M, CHILD_F, CHILD_M = range(6)
SENTENCES_PER_THEME = 120
SHOUT_SHARE = 0.12  # [A] angry sentences written in capitals or with "!!!"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _ordinal(d: int) -> str:
    return f"{d}{'th' if 10 <= d % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(d % 10, 'th')}"


class ComplaintText:
    """Sentence banks for complaint letters, built once from a seeded generator."""

    def __init__(self, rnd: random.Random, sentences_per_theme: int = SENTENCES_PER_THEME):
        base = Grammar(COMPLAINT_RULES)
        grammars = {s: base.extend(SETTING_BINDINGS[s]) for s in SETTINGS}
        # Letters are written with more care than phone comments: fewer slips than the FFT banks.
        self.themes = make_bank(((si, ti), grammar_sentences(grammars[s], t, sentences_per_theme, rnd,
                                                             casual_share=0.02, typo_share=0.06))
                                for si, s in enumerate(SETTINGS) for ti, t in enumerate(THEMES))
        self.purpose = make_bank(((si, w), grammar_sentences(grammars[s], f"purpose_{w}", 80, rnd,
                                                             casual_share=0.02, typo_share=0.06))
                                 for si, s in enumerate(SETTINGS) for w in ("rel", "self"))
        self.context = make_bank((si, grammar_sentences(grammars[s], "context", 150, rnd, casual_share=0.02,
                                                        typo_share=0.06))
                                 for si, s in enumerate(SETTINGS))
        angry = lambda s, r: shout(s, r) if r.random() < SHOUT_SHARE else s  # noqa: E731
        self.impact = make_bank(((tone, w), grammar_sentences(
            base, f"impact_{tone}" + ("_self" if w == "self" else ""), 60, rnd, casual_share=0.03,
            typo_share=0.05, post=angry if tone == "angry" else None)) for tone in TONES for w in ("rel", "self"))
        self.single = {name: make_bank([(0, grammar_sentences(base, name, 60, rnd, casual_share=0.0,
                                                              typo_share=0.03))])
                       for name in ("salutation", "identity", "request", "closing", "signature")}

    def letters(self, rng: np.random.Generator, setting: np.ndarray, subject: np.ndarray, tone: np.ndarray,
                themes: np.ndarray, received: np.ndarray) -> list[str]:
        """One letter per complaint.

        Parameters
        ----------
        setting : index into ``SETTINGS``.
        subject : who the complaint is about (``SUBJECT_*`` and ``CHILD_*`` codes).
        tone : index into ``TONES``.
        themes : int array (n, k) of indexes into ``THEMES``; -1 for none (at least the first is set).
        received : ``datetime64[D]`` date each complaint was received.
        """
        n = len(setting)
        setting = np.asarray(setting, dtype=np.int64)
        tone = np.asarray(tone, dtype=np.int64)
        is_self = np.isin(subject, (SUBJECT_SELF_F, SUBJECT_SELF_M))
        writer = is_self.astype(np.int64)
        zeros = np.zeros(n, dtype=np.int64)
        single = {name: bank.draw(zeros, rng) for name, bank in self.single.items()}
        impact = self.impact.draw(tone * 2 + writer, rng)
        impact2 = np.where(rng.random(n) < 0.35, self.impact.draw(tone * 2 + writer, rng), -1)
        impact2 = np.where(self.impact.template[impact2] == self.impact.template[impact], -1, impact2)
        request2 = np.where(rng.random(n) < 0.4, self.single["request"].draw(zeros, rng), -1)
        request2 = np.where(request2 == single["request"], -1, request2)
        columns = [_texts(self.single["salutation"], single["salutation"]),
                   _texts(self.purpose, self.purpose.draw(setting * 2 + writer, rng)),
                   _texts(self.single["identity"], single["identity"]),
                   _texts(self.context, self.context.draw(setting, rng))]
        k = themes.shape[1]
        per_para = rng.integers(2, 5, size=(n, k))
        for j in range(k):
            code = setting * len(THEMES) + np.maximum(themes[:, j], 0)
            draws = np.stack([self.themes.draw(code, rng) for _ in range(4)], axis=1)  # (n, 4)
            draws[np.arange(4)[None, :] >= per_para[:, j][:, None]] = -1
            draws[themes[:, j] < 0] = -1
            # one sentence per template in a paragraph: no "waited 5 hours ... waited 6 hours"
            tmpl = np.where(draws >= 0, self.themes.template[np.maximum(draws, 0)], -1 - np.arange(4)[None, :])
            for a_ in range(1, 4):
                repeat = (tmpl[:, [a_]] == tmpl[:, :a_]).any(axis=1)
                draws[repeat, a_] = -1
            columns.extend(_texts(self.themes, draws[:, m]) for m in range(4))
        columns += [_texts(self.impact, impact), _texts(self.impact, impact2),
                    _texts(self.single["request"], single["request"]), _texts(self.single["request"], request2),
                    _texts(self.single["closing"], single["closing"]),
                    _texts(self.single["signature"], single["signature"])]
        # The purpose sentence is never empty, so no letter has only null parts (see join_sentences).
        joined = join_sentences(columns).to_pylist()
        fields = self._fields(rng, subject, is_self, received, setting == SETTINGS.index("maternity"))
        return [text.format_map(f) for text, f in zip(joined, fields)]

    @staticmethod
    def _fields(rng: np.random.Generator, subject: np.ndarray, is_self: np.ndarray,
                received: np.ndarray, maternity: np.ndarray) -> list[dict[str, str]]:
        """Per-letter values of the format fields: pronouns, the relative, personal details, a date."""
        n = len(subject)
        subject = np.asarray(subject)
        female = np.isin(subject, (SUBJECT_FEMALE, SUBJECT_SELF_F, CHILD_F))
        child = np.isin(subject, (CHILD_F, CHILD_M))
        age = np.where(child, rng.integers(0, 16, n),
                       np.where(is_self, rng.integers(18, 90, n), rng.integers(55, 98, n)))
        age = np.where(maternity & ~child, rng.integers(18, 45, n), age)
        first, last = pii.person_names(rng, n, female)
        w_first, w_last = pii.person_names(rng, n)
        same_family = (rng.random(n) < 0.6).tolist()
        year = int(np.median(received.astype("datetime64[Y]").astype(int))) + 1970 if n else 2024
        nhs = pii.format_nhs_numbers(pii.nhs_numbers(rng, n), rng)
        dob = pii.dates_of_birth(rng, age, year)
        hosp = pii.hospital_numbers(rng, n)
        phone = pii.phone_numbers(rng, n)
        dates = _date_words(received - rng.integers(5, 80, n).astype("timedelta64[D]"), rng)
        pron_code = (subject * 10 + rng.integers(0, 10, n)).tolist()
        self_l = is_self.tolist()
        wname = [f"{f} {l}" if s else f"{wf} {l if fam else wl}"
                 for f, l, s, wf, wl, fam in zip(first, last, self_l, w_first, w_last, same_family)]
        w_first_used = [w.split(" ", 1)[0] for w in wname]
        w_last_used = [w.split(" ", 1)[1] for w in wname]
        email = pii.emails(rng, w_first_used, w_last_used)
        addr = pii.addresses(rng, n)
        keys = _PRONOUN_KEYS + ("NAME", "NHS", "DOB", "HOSP", "DATE", "WNAME", "PHONE", "EMAIL", "ADDR")
        return [dict(zip(keys, _PRONOUNS[pc] + (f"{f} {l}", nh, db, hp, dt, wn, ph, em, ad)))
                for pc, f, l, nh, db, hp, dt, wn, ph, em, ad in
                zip(pron_code, first, last, nhs, dob, hosp, dates, wname, phone, email, addr)]


def _texts(bank, idx: np.ndarray) -> pa.Array:
    """Sentences at ``idx`` from ``bank``; null for -1 and for empty strings (optional parts)."""
    idx = np.asarray(idx, dtype=np.int64)
    empty = _empty_mask(bank)
    mask = (idx < 0) | empty[np.maximum(idx, 0)]
    return bank.strings.take(pa.array(np.where(mask, 0, idx), mask=mask))


def _empty_mask(bank) -> np.ndarray:
    return np.asarray(pc.equal(pc.utf8_length(bank.strings), 0).to_numpy(zero_copy_only=False), dtype=bool)


_PRONOUN_KEYS = ("S", "Sc", "O", "Oc", "P", "Pc", "X", "N", "Nc")


def _pronoun_table() -> dict[int, tuple[str, ...]]:
    """Pronoun field values for every (subject code, relative pick) pair."""
    table = {}
    for subject in range(6):
        for pick in range(10):
            if subject in (SUBJECT_SELF_F, SUBJECT_SELF_M):
                table[subject * 10 + pick] = ("I", "I", "me", "Me", "my", "My", "myself", "I", "I")
                continue
            fem = subject in (SUBJECT_FEMALE, CHILD_F)
            pool = ((CHILD_FEMALE if fem else CHILD_MALE) if subject in (CHILD_F, CHILD_M)
                    else (FEMALE_RELATIVES if fem else MALE_RELATIVES))
            rel = pool[pick % len(pool)]
            s, o, p, x = ("she", "her", "her", "herself") if fem else ("he", "him", "his", "himself")
            table[subject * 10 + pick] = (s, s.capitalize(), o, o.capitalize(), p, p.capitalize(), x, rel,
                                          rel[0].upper() + rel[1:])
    return table


_PRONOUNS = _pronoun_table()


def _date_words(dates: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Dates as letters write them: ``12 March``, ``12/03/2024``, ``Tuesday 12th March``, ``the 12th``."""
    d = dates.astype("datetime64[D]")
    month_start = d.astype("datetime64[M]")
    day = ((d - month_start).astype(int) + 1).tolist()
    month = (month_start.astype(int) % 12).tolist()
    year = (d.astype("datetime64[Y]").astype(int) + 1970).tolist()
    weekday = ((d.astype(np.int64) + 3) % 7).tolist()  # 1970-01-01 was a Thursday; Monday = 0
    style = rng.integers(0, 4, len(d)).tolist()
    return [f"{dd} {_MONTHS[mm]}" if st == 0 else f"{dd:02d}/{mm + 1:02d}/{yy}" if st == 1
            else f"{_DAYS[wd]} {_ordinal(dd)} {_MONTHS[mm]}" if st == 2 else f"the {_ordinal(dd)}"
            for dd, mm, yy, wd, st in zip(day, month, year, weekday, style)]
