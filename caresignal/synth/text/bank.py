"""Banks of grammar-generated sentences, drawn from and joined without a Python loop per record.

Generating millions of comments one by one through the grammar would take minutes. Instead, once per
run, the grammar writes a bank of distinct sentences for every key (register, service, theme, sentiment):
tens of thousands in all. A comment is then a few integer draws into the bank, made with numpy for all
records at once, and the sentences are gathered and joined by Arrow's compute kernels (``take`` and
``binary_join_element_wise``) in C++. With two or three sentences per comment drawn from banks of a few
hundred each, the number of distinct comments runs to millions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Hashable, Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from caresignal.synth.text.grammar import Grammar, build_bank_traced
from caresignal.synth.text.typos import inject

# Share of bank sentences that get a typed-in-a-hurry twin (lower case, dropped apostrophes, slips),
# and a twin with plain spelling mistakes. [A] chosen so that roughly one comment in five carries an
# error, in line with informal reading of published FFT comment sets (pxtextmining data).
CASUAL_TWIN_SHARE = 0.15
TYPO_TWIN_SHARE = 0.08


@dataclass(frozen=True)
class SentenceBank:
    """Sentences stored end to end; key ``k`` owns ``strings[start[k] : start[k] + count[k]]``.

    ``template`` numbers the grammar alternative each sentence came from (unique across keys), so that
    a text can avoid two sentences from one template ("waited 5 hours ... waited 6 hours").
    """

    strings: pa.Array
    keys: tuple[Hashable, ...]
    start: np.ndarray
    count: np.ndarray
    template: np.ndarray

    def code(self, key: Hashable) -> int:
        return self.keys.index(key)

    def draw(self, codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One sentence index per record, uniform within its key; -1 where the key has no sentences."""
        codes = np.asarray(codes, dtype=np.int64)
        count = self.count[codes]
        idx = self.start[codes] + np.floor(rng.random(len(codes)) * count).astype(np.int64)
        return np.where(count > 0, idx, -1)

    def texts(self, idx: np.ndarray) -> pa.Array:
        """The sentences at ``idx`` (null where ``idx`` is -1)."""
        idx = np.asarray(idx, dtype=np.int64)
        mask = idx < 0
        return self.strings.take(pa.array(np.where(mask, 0, idx), mask=mask))

    def as_list(self, key: Hashable) -> list[str]:
        k = self.code(key)
        return self.strings[int(self.start[k]):int(self.start[k] + self.count[k])].to_pylist()


def make_bank(items: Iterable[tuple[Hashable, Sequence[tuple[str, int]]]]) -> SentenceBank:
    """A bank from (key, [(sentence, template), ...]) pairs, in the given order."""
    keys, chunks, counts, templates = [], [], [], []
    for i, (key, sentences) in enumerate(items):
        keys.append(key)
        chunks.extend(text for text, _ in sentences)
        templates.extend(i * 10_000 + t for _, t in sentences)
        counts.append(len(sentences))
    count = np.array(counts, dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    return SentenceBank(pa.array(chunks, type=pa.string()), tuple(keys), start, count,
                        np.array(templates, dtype=np.int64))


def grammar_sentences(grammar: Grammar, symbol: str, n: int, rnd: random.Random, *,
                      casual_share: float = CASUAL_TWIN_SHARE, typo_share: float = TYPO_TWIN_SHARE,
                      post: Callable[[str, random.Random], str] | None = None) -> list[tuple[str, int]]:
    """Up to ``n`` distinct expansions of ``symbol`` plus typed-with-errors twins of some of them,
    each with its template number."""
    clean = build_bank_traced(grammar, symbol, n, rnd)
    out = list(clean)
    for s, k in clean:
        u = rnd.random()
        if u < casual_share:
            out.append((inject(s, rnd, slips=0.6, casual=True), k))
        elif u < casual_share + typo_share:
            out.append((inject(s, rnd, slips=1.0), k))
    if post is not None:
        out = [(post(s, rnd), k) for s, k in out]
    unique: dict[str, int] = {}
    for s, k in out:
        unique.setdefault(s, k)
    return list(unique.items())


def join_sentences(columns: Sequence[pa.Array], valid: np.ndarray | None = None,
                   separator: str = " ") -> pa.Array:
    """Join aligned string columns record by record, skipping nulls; null where ``valid`` is False.

    Every record must have at least one non-null part: ``binary_join_element_wise`` with
    ``null_handling="skip"`` drops records whose parts are all null (seen in pyarrow 26), which would
    misalign the output. Callers give such records an empty string instead and mark them not valid;
    the validity bitmap is then attached without copying the strings.
    """
    joined = columns[0] if len(columns) == 1 else pc.binary_join_element_wise(*columns, separator,
                                                                              null_handling="skip")
    if len(joined) != len(columns[0]):
        raise ValueError("a record has no non-null part; give it an empty string")
    if valid is None or bool(np.all(valid)):
        return joined
    bitmap = pa.array(np.asarray(valid, dtype=bool)).buffers()[1]
    if joined.offset != 0 or joined.null_count:
        return pc.if_else(pa.array(valid), joined, pa.scalar(None, pa.string()))
    return pa.Array.from_buffers(pa.string(), len(joined), [bitmap, *joined.buffers()[1:]],
                                 null_count=int(len(valid) - np.count_nonzero(valid)))


def spread(strings: pa.Array, valid: np.ndarray) -> pa.Array:
    """Place ``strings`` (one per True in ``valid``) at the True positions, null elsewhere.

    Builds the longer array's offsets with numpy and reuses the character data as is, so no string is
    copied: row ``i`` spans ``offsets[c(i-1)] .. offsets[c(i)]`` where ``c`` counts valid rows so far.
    """
    valid = np.asarray(valid, dtype=bool)
    k = int(np.count_nonzero(valid))
    if len(strings) != k:
        raise ValueError(f"{len(strings)} strings for {k} valid rows")
    if strings.type != pa.string() or strings.null_count:
        strings = pc.if_else(strings.is_valid(), strings, "").cast(pa.string())
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32, count=k + 1, offset=strings.offset * 4)
    full = np.empty(len(valid) + 1, dtype=np.int32)
    full[0] = offsets[0]
    full[1:] = offsets[np.cumsum(valid)]
    bitmap = pa.array(valid).buffers()[1]
    return pa.Array.from_buffers(pa.string(), len(valid), [bitmap, pa.py_buffer(full), strings.buffers()[2]],
                                 null_count=len(valid) - k)
