"""A small context-free text grammar: named rules, alternatives, and slots that expand recursively.

A rule is a name and a tuple of alternatives. An alternative is a string in which ``<name>`` is a slot
replaced by an expansion of rule ``name``; everything else is literal. An alternative may also be a
``(text, weight)`` pair: weights are relative and default to 1. An empty alternative ``""`` makes a slot
optional. Braces ``{...}`` are left alone so that an expansion can carry per-record fields (the
patient's name, an NHS number) that :meth:`str.format_map` fills later, one record at a time.

Expanding a rule is a random walk down the tree. With *k* alternatives per rule and *d* slots per
sentence, a grammar yields in the order of k^d distinct sentences, which is why a few hundred hand-written
fragments give tens of thousands of different comments (the principle behind Tracery-style generators;
Compton, Kybartas & Mateas 2015, "Tracery: an author-focused generative text tool", ICIDS, LNCS 9445).

Randomness comes from a :class:`random.Random` (fast for single draws) seeded from the world's numpy
stream, so a bank of sentences is a deterministic function of the seed.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from typing import Mapping, Sequence, Union

Alternative = Union[str, tuple[str, float]]

_SLOT = re.compile(r"<([a-z][a-z0-9_]*)>")
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:!?])")
_DOUBLE_PUNCT = re.compile(r"([.!?])\.")
_SENTENCE_START = re.compile(r"(^|[.!?] +)([a-z])")
# Per-record pronoun fields at a sentence start take their capitalised form ({S} -> {Sc}).
_FIELD_START = re.compile(r"(^|[.!?] +)\{([SPON])\}")
# "a" before a vowel sound; "u" and "eu" are left alone (a UTI, a urinary catheter, a European).
_A_AN = re.compile(r"\b([Aa]) ([aeioAEIO]|hour|honest)")

MAX_DEPTH = 40  # a guard against accidental recursive rules


class GrammarError(ValueError):
    """A rule refers to a rule that does not exist, or recursion runs away."""


class Grammar:
    """Named rules with weighted alternatives; :meth:`expand` draws one sentence.

    Parameters
    ----------
    rules : mapping of rule name to a sequence of alternatives (strings or ``(string, weight)``).

    Examples
    --------
    >>> g = Grammar({"s": ["<who> were <how>."], "who": ["the nurses", "staff"], "how": ["kind", "rude"]})
    >>> g.expand("s", random.Random(1))
    'Staff were kind.'
    """

    def __init__(self, rules: Mapping[str, Sequence[Alternative]]):
        self._rules: dict[str, tuple[tuple[tuple[str, ...], ...], list[float] | None]] = {}
        for name, alts in rules.items():
            self._rules[name] = _compile(name, alts)
        missing = sorted({slot for parsed, _ in self._rules.values() for alt in parsed
                          for slot in alt[1::2] if slot not in self._rules})
        if missing:
            raise GrammarError(f"rules refer to undefined rules: {', '.join(missing)}")

    def extend(self, more: Mapping[str, Sequence[Alternative]]) -> "Grammar":
        """A new grammar with ``more`` added; a rule in ``more`` replaces one of the same name."""
        merged = Grammar.__new__(Grammar)
        merged._rules = dict(self._rules)
        for name, alts in more.items():
            merged._rules[name] = _compile(name, alts)
        missing = sorted({slot for parsed, _ in merged._rules.values() for alt in parsed
                          for slot in alt[1::2] if slot not in merged._rules})
        if missing:
            raise GrammarError(f"rules refer to undefined rules: {', '.join(missing)}")
        return merged

    def has(self, name: str) -> bool:
        return name in self._rules

    def expand(self, symbol: str, rnd: random.Random, fixed: Mapping[str, str] | None = None) -> str:
        """One tidied expansion of ``symbol``; ``fixed`` pins some rules to a given text."""
        return tidy(self._expand(symbol, rnd, fixed or {}, 0))

    def expand_traced(self, symbol: str, rnd: random.Random,
                      fixed: Mapping[str, str] | None = None) -> tuple[str, int]:
        """Like :meth:`expand`, also returning which top-level alternative (template) was used."""
        alts, cumulative = self._rules[symbol]
        if cumulative is None:
            k = int(rnd.random() * len(alts))
        else:
            k = bisect.bisect_right(cumulative, rnd.random() * cumulative[-1])
        fixed = fixed or {}
        parts = alts[k]
        text = "".join(self._expand(p, rnd, fixed, 1) if i & 1 else p for i, p in enumerate(parts))
        return tidy(text), k

    def raw(self, symbol: str, rnd: random.Random, fixed: Mapping[str, str] | None = None) -> str:
        """One expansion without tidying (for fragments joined later)."""
        return self._expand(symbol, rnd, fixed or {}, 0)

    def _expand(self, symbol: str, rnd: random.Random, fixed: Mapping[str, str], depth: int) -> str:
        if symbol in fixed:
            return fixed[symbol]
        if depth > MAX_DEPTH:
            raise GrammarError(f"recursion deeper than {MAX_DEPTH} expanding {symbol!r}")
        alts, cumulative = self._rules[symbol]
        if cumulative is None:
            parts = alts[int(rnd.random() * len(alts))]
        else:
            parts = alts[bisect.bisect_right(cumulative, rnd.random() * cumulative[-1])]
        if len(parts) == 1:
            return parts[0]
        out = []
        for i, part in enumerate(parts):
            out.append(self._expand(part, rnd, fixed, depth + 1) if i & 1 else part)
        return "".join(out)


def _compile(name: str, alts: Sequence[Alternative]):
    if isinstance(alts, str):
        raise GrammarError(f"rule {name!r} must be a sequence of alternatives, not one string")
    if not alts:
        raise GrammarError(f"rule {name!r} has no alternatives")
    parsed, weights = [], []
    for alt in alts:
        text, weight = (alt, 1.0) if isinstance(alt, str) else alt
        parsed.append(tuple(_SLOT.split(text)))
        weights.append(float(weight))
    cumulative = None if len(set(weights)) == 1 else list(itertools.accumulate(weights))
    return tuple(parsed), cumulative


def tidy(text: str) -> str:
    """Collapse spaces, drop spaces before punctuation, fix "a"/"an" and capitalise sentence starts.

    Each regular expression runs only when a cheap substring test says it could change something:
    banks call this tens of thousands of times.
    """
    text = text.strip()
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    if " ," in text or " ." in text or " !" in text or " ?" in text or " ;" in text or " :" in text:
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    if ".." in text or "!." in text or "?." in text:
        text = _DOUBLE_PUNCT.sub(r"\1", text)
    if ",." in text or ",," in text:
        text = text.replace(",.", ".").replace(",,", ",")
    if "a " in text or "A " in text:
        text = _A_AN.sub(lambda m: f"{m.group(1)}n {m.group(2)}", text)
    if "{" in text:
        text = _FIELD_START.sub(lambda m: m.group(1) + "{" + m.group(2) + "c}", text)
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def build_bank(grammar: Grammar, symbol: str, n: int, rnd: random.Random,
               fixed: Mapping[str, str] | None = None, tries_per_item: int = 3, patience: int = 40
               ) -> list[str]:
    """Up to ``n`` distinct expansions of ``symbol`` (fewer when the grammar cannot make that many).

    Draws at most ``tries_per_item * n`` times and stops after ``patience`` draws in a row that add
    nothing new, so a small grammar ends quickly. The order is the order of first appearance, hence
    deterministic for a seeded ``rnd``.
    """
    return [text for text, _ in build_bank_traced(grammar, symbol, n, rnd, fixed, tries_per_item, patience)]


def build_bank_traced(grammar: Grammar, symbol: str, n: int, rnd: random.Random,
                      fixed: Mapping[str, str] | None = None, tries_per_item: int = 3, patience: int = 40
                      ) -> list[tuple[str, int]]:
    """:func:`build_bank` with the template (top-level alternative) of each sentence."""
    seen: dict[str, int] = {}
    stale = 0
    for _ in range(tries_per_item * n):
        size = len(seen)
        text, k = grammar.expand_traced(symbol, rnd, fixed)
        seen.setdefault(text, k)
        stale = stale + 1 if len(seen) == size else 0
        if len(seen) >= n or stale >= patience:
            break
    return list(seen.items())
