"""Benchmark: surveillance thresholds of the RA-CUSUM for every trust x diagnosis group.

Generates a national-scale set of series (20,000 by default, about 20 million patients a year, each
with its own volume and risk mix), then

1. cold: builds the false-alarm surface into an empty cache directory and computes every series'
   threshold for a 5% false-alarm probability over its 12-month volume (cached surface, then the
   short or sub-one-death series re-solved on their own mix: ``surveillance_thresholds``);
2. warm: loads the cached surface and computes the thresholds again;
3. exact: the per-series search on each series' own patient mix (Markov chain, paired rounding,
   scaling 600) for a random sample of series, in this same process, to measure the largest relative
   error of the cached thresholds (must be within 2%) and the speed ratio;
4. p-values: for the same sample, ``ThresholdCurve.p_values`` at the exact threshold (where the true
   p-value is the false-alarm probability, 0.05) and at 1.5 times it (against the chain on the
   series' own mix, scaling 600), from the surface alone and as the engine gets them (the series the
   surface does not serve computed on their own mix).

Run: ``.venv/bin/python bench/cusum_thresholds.py [--series 20000] [--check 200] [--seed 1]``.
Exit status 1 if the error budget or the 60-second target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from caresignal.stats.cusum import (DEFAULT_FALSE_ALARM, ThresholdCurve, bernoulli_steps,
                                    false_alarm_threshold, mix_summaries, signal_probability,
                                    surveillance_thresholds)
from caresignal.stats.cusum._refine import default_selection

TIME_TARGET_S = 60.0
ERROR_TARGET = 0.02
N_GROUPS = 140
#: p-values are also checked at this multiple of the exact threshold (the tail BH decides on).
P_TAIL_FACTOR = 1.5
#: Volumes below this are reported apart (the (E, q) summary alone is least accurate there).
SMALL_SERIES = 150


def national_series(n_series: int, seed: int):
    """Volumes and risks: groups with their own risk level and spread, trusts shifting them a little."""
    rng = np.random.default_rng(seed)
    group_mu = rng.uniform(-7.0, -1.0, N_GROUPS)
    group_sd = rng.uniform(0.4, 2.2, N_GROUPS)
    group = rng.integers(0, N_GROUPS, n_series)
    volume = np.clip(np.round(rng.lognormal(6.2, 1.2, n_series)), 5, 60_000).astype(np.int64)
    shift = rng.normal(0.0, 0.3, n_series)
    mu = np.repeat(group_mu[group] + shift, volume)
    sd = np.repeat(group_sd[group], volume)
    risk = 1.0 / (1.0 + np.exp(-(mu + sd * rng.standard_normal(volume.sum()))))
    return volume, risk


def curve_thresholds(curve, volume, risk, workers, refine=True):
    return surveillance_thresholds(risk, volume, false_alarm=DEFAULT_FALSE_ALARM, curve=curve,
                                   refine=refine, n_jobs=workers)


def exact_one(args):
    risks, horizon = args
    t0 = time.perf_counter()
    steps = bernoulli_steps(risks, 2.0)
    h = false_alarm_threshold(steps, DEFAULT_FALSE_ALARM, int(horizon))
    seconds = time.perf_counter() - t0
    return h, seconds, float(signal_probability(steps, P_TAIL_FACTOR * h, int(horizon)))


def report_p_values(curve, volume, risk, starts, pick, h_exact, p_tail, workers):
    """Largest relative error of the p-values at h_exact (truth 0.05) and at P_TAIL_FACTOR h_exact."""
    mix = np.concatenate([risk[starts[i]: starts[i] + volume[i]] for i in pick])
    n, sp, q = mix_summaries(mix, volume[pick], 2.0)
    for label, m, truth in (("at h", h_exact, np.full(pick.size, DEFAULT_FALSE_ALARM)),
                            (f"at {P_TAIL_FACTOR:g} h", P_TAIL_FACTOR * h_exact, p_tail)):
        surface = curve.p_values(m, sp, q)
        t0 = time.perf_counter()
        own = curve.p_values(m, sp, q, risk=mix, lengths=n, n_jobs=workers)
        sec = time.perf_counter() - t0
        ok = (truth > 1e-300) & (sp >= 1.0)
        e_s, e_o = np.abs(surface[ok] / truth[ok] - 1.0), np.abs(own[ok] / truth[ok] - 1.0)
        step = ~ok & (truth > 1e-300)
        print(f"p-values {label} (true median {np.median(truth):.2g}), {ok.sum()} series with >= 1 expected "
              f"event: surface alone largest relative error {e_s.max():.1%}; with own-mix series largest "
              f"{e_o.max():.1%}, mean {e_o.mean():.2%} ({sec:.1f} s for {pick.size} series); under one "
              f"expected event ({step.sum()}, P steps at one death's jump) largest "
              f"{np.abs(own[step] / truth[step] - 1.0).max():.0%}")


def cpu_seconds() -> float:
    """CPU time of this process and its finished worker processes (the machine may be shared)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=20_000)
    ap.add_argument("--check", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    volume, risk = national_series(args.series, args.seed)
    print(f"series: {args.series:,}, patients: {volume.sum():,} "
          f"(generated in {time.perf_counter() - t0:.1f} s)")

    with tempfile.TemporaryDirectory() as cache:
        t0, c0 = time.perf_counter(), cpu_seconds()
        curve = ThresholdCurve(2.0, cache_dir=cache, n_jobs=args.workers).fit()
        build = time.perf_counter() - t0
        h_cold = curve_thresholds(curve, volume, risk, args.workers)
        cold, cold_cpu = time.perf_counter() - t0, cpu_seconds() - c0
        size_kb = os.path.getsize(curve.path_) / 1024
        t0, c0 = time.perf_counter(), cpu_seconds()
        warm_curve = ThresholdCurve(2.0, cache_dir=cache, n_jobs=args.workers).fit()
        h_warm = curve_thresholds(warm_curve, volume, risk, args.workers)
        warm, warm_cpu = time.perf_counter() - t0, cpu_seconds() - c0
        h_surface = curve_thresholds(warm_curve, volume, risk, args.workers, refine=False)
    assert warm_curve.from_cache_ and np.array_equal(h_cold, h_warm)
    refined = default_selection(risk, volume)
    print(f"cold (build surface {build:.1f} s + {args.series:,} thresholds, {refined.sum():,} of them "
          f"re-solved on their own mix): {cold:.1f} s wall, {cold_cpu:.1f} s CPU; cache file {size_kb:.0f} KB")
    print(f"warm (load cache + {args.series:,} thresholds): {warm:.2f} s wall, {warm_cpu:.1f} s CPU")

    rng = np.random.default_rng(args.seed + 1)
    pick = rng.choice(args.series, size=min(args.check, args.series), replace=False)
    starts = np.concatenate([[0], np.cumsum(volume)[:-1]])
    jobs = [(risk[starts[i]: starts[i] + volume[i]], volume[i]) for i in pick]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        exact = list(pool.map(exact_one, jobs))
    wall = time.perf_counter() - t0
    h_exact = np.array([h for h, _, _ in exact])
    per_series = np.array([s for _, s, _ in exact])
    p_tail = np.array([p for _, _, p in exact])
    rel = h_cold[pick] / h_exact - 1.0
    rel_surface = h_surface[pick] / h_exact - 1.0
    print(f"surface alone (no re-solve): largest |error| {np.abs(rel_surface).max():.3%}, "
          f"mean {np.mean(np.abs(rel_surface)):.3%}")
    worst = int(np.argmax(np.abs(rel)))
    i = pick[worst]
    print(f"exact search (Markov chain, each series' own mix, scaling 600) on {pick.size} series: "
          f"{wall:.1f} s wall on {args.workers} workers, {per_series.mean():.2f} s per series")
    print(f"largest relative error of cached thresholds: {abs(rel[worst]):.3%} "
          f"(series {i}: {volume[i]} patients, h exact {h_exact[worst]:.4f}, cached {h_cold[i]:.4f}); "
          f"mean |error| {np.mean(np.abs(rel)):.3%}")
    small = volume[pick] < SMALL_SERIES
    for label, mask in (("series with >= %d patients" % SMALL_SERIES, ~small),
                        ("series with < %d patients" % SMALL_SERIES, small)):
        if mask.any():
            err = np.abs(rel[mask])
            print(f"  {label}: {mask.sum()}, largest |error| {err.max():.3%}, "
                  f"95th percentile {np.quantile(err, 0.95):.3%}, share over 2% {np.mean(err > ERROR_TARGET):.1%}")
    report_p_values(warm_curve, volume, risk, starts, pick, h_exact, p_tail, args.workers)
    projected = per_series.mean() * args.series / args.workers
    print(f"baseline projected for {args.series:,} series on {args.workers} workers: {projected:,.0f} s; "
          f"ratio baseline/cold {projected / cold:,.0f}x, baseline/warm {projected / warm:,.0f}x")
    ok = abs(rel[worst]) <= ERROR_TARGET and cold <= TIME_TARGET_S
    print("PASS" if ok else "FAIL", f"(targets: error <= {ERROR_TARGET:.0%}, cold <= {TIME_TARGET_S:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
