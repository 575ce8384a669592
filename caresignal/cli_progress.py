"""Rich progress bars for long CLI stages (written for ``caresignal outcomes``; any command may use it).

``stage_progress()`` yields a callback ``progress(stage, advance, total)``: a stage with a ``total`` gets
a bar (e.g. "SHMI: fit" over 149 models), a stage without one is shown as done when it reports.
Output goes to stderr so that the command's summary on stdout stays clean.
"""

from __future__ import annotations

import contextlib
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextlib.contextmanager
def stage_progress(enabled: bool = True) -> Iterator[Callable | None]:
    if not enabled:
        yield None
        return
    bars = Progress(TextColumn("{task.description:<45}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=Console(stderr=True), transient=False)
    tasks: dict[str, int] = {}

    def progress(stage: str, advance: int = 1, total: int | None = None) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(stage, total=total if total is not None else 1)
        bars.advance(tasks[stage], advance)

    with bars:
        yield progress
