"""Friends and Family Test comments for millions of responses, composed from grammar banks.

A comment is up to four parts, each a sentence drawn from a bank: an optional introduction ("Came in
with a fall."), a first sentence on the main theme, an optional second sentence on another theme, and an
optional thanks. The score sets the sentiment of the parts: positive for very good and good, negative
for poor and very poor, one of each for neither, a short non-committal remark for don't know.
"""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa

from caresignal.synth.text.bank import SentenceBank, grammar_sentences, join_sentences, make_bank, spread
from caresignal.synth.text.fft_rules import FFT_RULES, INTRO_RULES, SERVICE_BINDINGS
from caresignal.synth.text.grammar import Grammar
from caresignal.synth.text.themes import THEMES

FFT_SERVICE_KEYS = ("inpatient", "emergency_department", "outpatient", "maternity")
POSITIVE, NEGATIVE, MIXED, NEUTRAL = 0, 1, 2, 3
SENTENCES_PER_KEY = 180  # distinct clean sentences per (service, theme, sentiment), before typo twins
INTRO_SHARE = 0.18  # [A] share of comments that open by saying why the person came
SECOND_SENTENCE_SHARE = {POSITIVE: 0.35, NEGATIVE: 0.55}  # [A] negative comments run longer
THANKS_SHARE = 0.3  # [A] positive comments that end with thanks


class FftText:
    """Sentence banks for every (service, theme, sentiment), built once from a seeded generator."""

    def __init__(self, rnd: random.Random, sentences_per_key: int = SENTENCES_PER_KEY):
        base = Grammar({**FFT_RULES, **SERVICE_BINDINGS["inpatient"]})
        items, intros, neutral = [], [], []
        for si, service in enumerate(FFT_SERVICE_KEYS):
            g = base.extend({**SERVICE_BINDINGS[service], "intro": INTRO_RULES[service]})
            for ti, theme in enumerate(THEMES):
                for ki, sentiment in enumerate(("pos", "neg")):
                    items.append(((si, ti, ki), grammar_sentences(g, f"{theme}_{sentiment}",
                                                                  sentences_per_key, rnd)))
            intros.append((si, grammar_sentences(g, "intro", sentences_per_key // 2, rnd)))
            neutral.append((si, grammar_sentences(g, "neutral", 40, rnd)))
        self.themes: SentenceBank = make_bank(items)
        self.intros: SentenceBank = make_bank(intros)
        self.neutral: SentenceBank = make_bank(neutral)
        self.thanks: SentenceBank = make_bank([(0, grammar_sentences(base, "thanks", 200, rnd))])
        self._n_themes = len(THEMES)
        # All four banks end to end in one array, so each part of a comment is a single ``take``.
        self._offsets = np.cumsum([0] + [len(b.strings) for b in (self.themes, self.intros, self.neutral)])
        self._all = pa.concat_arrays([self.themes.strings, self.intros.strings, self.neutral.strings,
                                      self.thanks.strings, pa.array([""], type=pa.string())])
        self._empty = len(self._all) - 1  # stands in for the main sentence of a record without comment

    def _code(self, service: np.ndarray, theme: np.ndarray, sentiment: int | np.ndarray) -> np.ndarray:
        return (service * self._n_themes + theme) * 2 + sentiment

    def compose(self, rng: np.random.Generator, service: np.ndarray, tone: np.ndarray,
                theme1: np.ndarray, theme2: np.ndarray, has_comment: np.ndarray | None = None,
                extra: pa.Array | None = None) -> pa.Array:
        """One comment per record.

        Parameters
        ----------
        service : index into ``FFT_SERVICE_KEYS``.
        tone : POSITIVE, NEGATIVE, MIXED (first sentence positive, second negative) or NEUTRAL.
        theme1, theme2 : indexes into ``THEMES`` for the first and second sentence.
        has_comment : records that get a comment (null elsewhere); all when omitted.
        extra : optional strings appended to the comment (null where none).
        """
        if has_comment is not None and not np.all(has_comment):
            keep = np.flatnonzero(has_comment)
            part = None if extra is None else extra.take(pa.array(keep))
            text = self.compose(rng, service[keep], tone[keep], theme1[keep], theme2[keep], None, part)
            return spread(text, has_comment)
        n = len(service)
        service = np.asarray(service, dtype=np.int64)
        first_sent = np.where(tone == NEGATIVE, 1, 0)
        second_sent = np.where(tone == POSITIVE, 0, 1)
        idx1 = self.themes.draw(self._code(service, theme1, first_sent), rng)
        idx2 = self.themes.draw(self._code(service, theme2, second_sent), rng)
        p_second = np.where(tone == POSITIVE, SECOND_SENTENCE_SHARE[POSITIVE], SECOND_SENTENCE_SHARE[NEGATIVE])
        p_second = np.where(tone == MIXED, 1.0, p_second)
        has_second = (rng.random(n) < p_second) & (tone != NEUTRAL) & (theme2 != theme1)
        idx2 = np.where(has_second, idx2, -1)
        off_intro, off_neutral, off_thanks = self._offsets[1], self._offsets[2], self._offsets[3]
        main = np.where(tone == NEUTRAL, self.neutral.draw(service, rng) + off_neutral, idx1)
        intro = np.where((rng.random(n) < INTRO_SHARE) & (tone != NEUTRAL),
                         self.intros.draw(service, rng) + off_intro, -1)
        thanks = np.where((rng.random(n) < THANKS_SHARE) & (tone == POSITIVE),
                          self.thanks.draw(np.zeros(n, dtype=np.int64), rng) + off_thanks, -1)
        main = np.where(main >= 0, main, self._empty)
        columns = [self._take(intro), self._take(main), self._take(idx2), self._take(thanks)]
        if extra is not None:
            columns.append(extra)
        return join_sentences(columns)

    def _take(self, idx: np.ndarray) -> pa.Array:
        mask = idx < 0
        if mask.all():
            return pa.nulls(len(idx), pa.string())
        return self._all.take(pa.array(np.where(mask, 0, idx), mask=mask if mask.any() else None))
