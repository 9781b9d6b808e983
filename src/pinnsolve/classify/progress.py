"""A progress bar for the dataset solves and the training folds: rich on a terminal, lines elsewhere."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["bar"]


@contextmanager
def bar(total: int, title: str, context: Any = None) -> Iterator[Callable[[int], None]]:
    """Yield ``tick(done)``; a live rich bar when the stream is a terminal, else a line every 10 %."""
    stream = getattr(context, "stream", None) or sys.stdout
    plain = getattr(context, "plain", None)
    plain = plain if plain is not None else not stream.isatty()
    if plain:
        every = max(1, total // 10)

        def tick(done: int) -> None:
            if done % every == 0 or done == total:
                print(f"{title}: {done}/{total}", file=stream, flush=True)

        yield tick
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(file=stream),
        refresh_per_second=5,
    ) as progress:
        task = progress.add_task(title, total=total)
        yield lambda done: progress.update(task, completed=done)
