"""Realistic typing errors for synthetic comments.

Three kinds, in the proportions seen when people type on phones and in a hurry (the taxonomy of
Damerau 1964, "A technique for computer detection and correction of spelling errors", CACM 7(3):
transposition, omission, insertion, substitution, which cover about 80% of single errors):
- character slips: two adjacent letters swapped, a letter dropped or doubled, a neighbouring key hit;
- word-level misspellings people actually make ("recieved", "definately", "seperate", "there" for
  "their") and dropped apostrophes ("didnt", "wasnt");
- register: everything in lower case, "i" for "I", no final full stop, shouting in capitals.
"""

from __future__ import annotations

import random
import re

MISSPELLINGS = {
    "received": "recieved", "receive": "recieve", "definitely": "definately", "separate": "seperate",
    "absolutely": "absolutly", "appointment": "appointement", "appointments": "apointments",
    "unbelievable": "unbeleivable", "hospital": "hosptial", "experience": "experiance",
    "professional": "proffesional", "excellent": "excelent", "necessary": "neccessary",
    "immediately": "immediatly", "their": "there", "they're": "there", "your": "you're",
    "because": "becuase", "really": "realy", "until": "untill", "beginning": "begining",
    "occasion": "occassion", "embarrassed": "embarassed", "disappointed": "dissapointed",
    "communication": "comunication", "medication": "medicaton", "environment": "enviroment",
    "whether": "wether", "which": "wich", "friendly": "freindly", "believe": "beleive",
    "assessment": "assesment", "accommodate": "accomodate", "consultant": "consultent",
    "waiting": "wating", "thorough": "through", "lose": "loose", "a lot": "alot", "could have": "could of", "would have": "would of",
    "should have": "should of", "caring": "carring", "helpful": "helpfull", "grateful": "greatful",
    "nurses": "nurse's", "doctors": "doctor's", "minutes": "minuets", "stomach": "stomache",
}
_APOSTROPHE = re.compile(r"\b(did|was|were|could|would|should|is|are|has|have|does|do|wo|ca)n't\b")
_KEYBOARD = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj", "i": "uo",
    "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "q": "w", "r": "et",
    "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc", "y": "tu", "z": "x",
}
_WORD = re.compile(r"[A-Za-z]{4,}")
_FIELD = re.compile(r"\{[A-Za-z]+\}")


def slip(word: str, rnd: random.Random) -> str:
    """One character-level slip inside ``word`` (which has at least four letters)."""
    i = rnd.randrange(1, len(word) - 1)
    kind = rnd.random()
    if kind < 0.3:  # transposition
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind < 0.55:  # omission
        return word[:i] + word[i + 1:]
    if kind < 0.75:  # insertion by doubling
        return word[:i] + word[i] + word[i:]
    near = _KEYBOARD.get(word[i].lower())  # substitution by a neighbouring key
    return word[:i] + rnd.choice(near) + word[i + 1:] if near else word


def misspell(text: str, rnd: random.Random, rate: float = 0.5) -> str:
    """Replace known words by their common misspelling, each with probability ``rate``."""
    lower = text.lower()
    for right, wrong in MISSPELLINGS.items():
        if right in lower and rnd.random() < rate:
            text = re.sub(rf"\b{re.escape(right)}\b", wrong, text, count=1, flags=re.IGNORECASE)
    return text


def inject(text: str, rnd: random.Random, *, slips: float = 1.0, casual: bool = False) -> str:
    """A version of ``text`` with mistakes: misspellings, ``slips`` character slips on average, and
    (when ``casual``) the phone register: dropped apostrophes, lower case, no final stop.

    Per-record fields in braces (``{NAME}``, filled later) are protected from every change.
    """
    fields = _FIELD.findall(text)
    if fields:
        text = _FIELD.sub(lambda m, it=iter(range(len(fields))): f"\x00{next(it)}\x00", text)
    text = _inject(text, rnd, slips, casual)
    if fields:
        text = re.sub("\x00(\\d+)\x00", lambda m: fields[int(m.group(1))], text)
    return text


def _inject(text: str, rnd: random.Random, slips: float, casual: bool) -> str:
    text = misspell(text, rnd)
    n_slips = int(slips) + (rnd.random() < slips - int(slips))
    if n_slips:
        words = list(_WORD.finditer(text))
        chosen = rnd.sample(words, min(n_slips, len(words))) if words else []
        for m in sorted(chosen, key=lambda m: -m.start()):  # right to left keeps offsets valid
            start, end = m.span()
            text = text[:start] + slip(text[start:end], rnd) + text[end:]
    if casual or rnd.random() < 0.3:
        text = _APOSTROPHE.sub(lambda m: m.group(1) + "nt", text)
    if casual:
        r = rnd.random()
        if r < 0.45:
            text = text.lower()
        elif r < 0.6:
            text = re.sub(r"\bI\b", "i", text)
        if rnd.random() < 0.5:
            text = text.rstrip(".")
    return text


def shout(text: str, rnd: random.Random) -> str:
    """The angry register: capitals for a phrase or the whole text, extra exclamation marks."""
    if rnd.random() < 0.4:
        text = text.upper()
    return re.sub(r"[.!]$", "!!!", text) if rnd.random() < 0.6 else text + "!!"
