"""Free text for the synthetic sources: a grammar, its vocabularies, personal details and typos.

- :mod:`.grammar` expands named rules into sentences; :mod:`.bank` stores thousands of them per
  (register, service, theme, sentiment) and draws and joins them for millions of records at once.
- Registers: :mod:`.fft_text` (short, mostly positive), :mod:`.complaint_text` (long letters, angry or
  sad), :mod:`.professional_text` (GP concerns, peer review findings, never event descriptions).
- :mod:`.pii` makes personal details from reserved ranges (999 NHS numbers with a valid check digit,
  Ofcom drama telephone numbers, example.org emails); :mod:`.typos` makes realistic mistakes.

See ``docs/synthetic-text-and-operations.md``.
"""

from caresignal.synth.text.themes import SENTIMENTS, THEMES

__all__ = ["THEMES", "SENTIMENTS"]
