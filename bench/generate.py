"""Benchmark: ``caresignal generate --scale 1.0 --months 12`` over all sources.

Budget (issue 3): at most 60 s on 2 cores within 4 GB of memory. Memory is the peak resident set size of
the whole process tree (this process, the forkserver and the pool workers), sampled from ``/proc`` every
50 ms, because ``getrusage`` reports one process at a time and tracemalloc sees only Python objects.

Run: ``.venv/bin/python bench/generate.py [--out DIR] [--trusts 150] [--seed 2013]``; exit status 1 when
a budget is exceeded.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

TIME_BUDGET_S = 60.0
MEMORY_BUDGET_BYTES = 4 * 1024 ** 3
PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


TICK = os.sysconf("SC_CLK_TCK")


def tree_usage(root: int) -> tuple[int, dict[int, float]]:
    """Resident bytes of ``root`` and all its descendants, and CPU seconds used so far by each."""
    kids = _children()
    total, cpu, stack = 0, {}, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            cpu[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
        except OSError:
            pass
        stack.extend(kids.get(pid, []))
    return total, cpu


class PeakRss(threading.Thread):
    def __init__(self, interval: float = 0.05):
        super().__init__(daemon=True)
        self.interval, self.peak, self._halt = interval, 0, threading.Event()
        self.cpu: dict[int, float] = {}

    def sample(self) -> None:
        rss, cpu = tree_usage(os.getpid())
        self.peak = max(self.peak, rss)
        for pid, seconds in cpu.items():
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), seconds)

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            time.sleep(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--trusts", type=int, default=150)
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    from caresignal.synth.generate import generate_england

    tmp = None
    if args.out is None:
        tmp = tempfile.TemporaryDirectory(prefix="caresignal-bench-")
        args.out = Path(tmp.name)
    sampler = PeakRss()
    sampler.start()
    t0 = time.perf_counter()
    result = generate_england(args.out, seed=args.seed, trusts=args.trusts, months=args.months,
                              start="2023-04", scale=args.scale, progress=False)
    elapsed = time.perf_counter() - t0
    sampler.sample()
    peak = sampler.stop()
    cpu = sum(sampler.cpu.values())
    print(f"generate --scale {args.scale:g} --months {args.months} --trusts {args.trusts}: "
          f"{len(os.sched_getaffinity(0))} cores available")
    print(f"{'file':<34}{'rows':>14}{'seconds':>10}{'rows/s':>14}")
    for name, rows in result.rows.items():
        secs = result.seconds.get(name)
        step = result.step_of.get(name)
        note = ""
        if secs is None and step in result.seconds:
            # Files written by one module share its time: rows/s is a lower bound for each.
            secs, note = result.seconds[step], f"  (time of {step})"
        rate = f"{rows / secs:,.0f}" if secs else ""
        shown = f"{secs:.2f}" if secs else ""
        print(f"{name:<34}{rows:>14,}{shown:>10}{rate:>14}{note}")
    for step, secs in result.seconds.items():
        if step not in result.rows and step != "total":
            print(f"  step {step}: {secs:.2f} s")
    total_rows = sum(result.rows.values())
    print(f"total: {total_rows:,} rows in {elapsed:.1f} s ({total_rows / elapsed:,.0f} rows/s); "
          f"peak RSS of the process tree {peak / 1024 ** 3:.2f} GiB; CPU time of the tree {cpu:.1f} s; "
          f"load average at the end {os.getloadavg()[0]:.1f}")
    ok = elapsed <= TIME_BUDGET_S and peak <= MEMORY_BUDGET_BYTES
    print(("PASS" if ok else "FAIL") + f": budget {TIME_BUDGET_S:.0f} s and "
          f"{MEMORY_BUDGET_BYTES / 1024 ** 3:.0f} GiB")
    if result.skipped:
        print("not generated (modules not installed): " + ", ".join(result.skipped))
    if tmp is not None:
        tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
