"""Soft intelligence for the synthetic England: complaints, Friends and Family Test responses, GP
concerns and peer reviews (see ``docs/synthetic-text-and-operations.md``).

``generate_feedback(world, out_dir)`` is the entry point that ``caresignal.synth.generate`` calls. Each
source draws from its own ``world.rng(<source>, ...)`` streams, so the files are byte-identical for a
seed whatever the order in which sources are generated.
"""

from __future__ import annotations

from pathlib import Path

from caresignal.domain.sources import COMPLAINTS, FFT_RESPONSES, GP_CONCERNS
from caresignal.synth.complaints import generate_complaints
from caresignal.synth.fft import generate_fft
from caresignal.synth.gp_concerns import generate_gp_concerns
from caresignal.synth.peer_reviews import generate_peer_reviews


def generate_feedback(world, out_dir: Path) -> dict[str, int]:
    """Write complaints.csv, fft_responses.parquet, gp_concerns.csv, peer_reviews.csv and
    peer_review_measures.csv into ``out_dir``; returns rows per file name."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = {COMPLAINTS.file: generate_complaints(world, out_dir),
            FFT_RESPONSES.file: generate_fft(world, out_dir),
            GP_CONCERNS.file: generate_gp_concerns(world, out_dir)}
    rows.update(generate_peer_reviews(world, out_dir))
    return rows
