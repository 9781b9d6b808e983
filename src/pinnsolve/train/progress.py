"""Live progress of a training run: a rich progress bar on a terminal, plain lines elsewhere."""

from __future__ import annotations

import sys
from typing import TextIO

from pinnsolve.train.records import StepRecord


def _fmt(value: float) -> str:
    return f"{value:.2e}"


def summary(record: StepRecord, total: int, rate: float | None = None) -> str:
    """One line: step, phase, loss and each term, the L2 error when known, speed and ETA."""
    terms = " ".join(f"{k}={_fmt(v)}" for k, v in record.terms.items())
    text = f"step {record.step}/{total} {record.phase} loss={_fmt(record.loss)} [{terms}]"
    if record.l2_relative_error is not None:
        text += f" L2={_fmt(record.l2_relative_error)}"
    text += "".join(f" {k}={v:.6g}" for k, v in record.unknowns.items())
    if rate:
        text += f" {rate:.0f} it/s ETA {max(total - record.step, 0) / rate:.0f}s"
    return text


class ProgressReporter:
    """Reports training progress; ``plain`` prints a line every ``every`` steps instead of a bar."""

    def __init__(
        self,
        total: int,
        plain: bool | None = None,
        every: int | None = None,
        stream: TextIO | None = None,
        title: str = "training",
    ) -> None:
        self.total = total
        self.stream = stream or sys.stdout
        self.plain = plain if plain is not None else not self.stream.isatty()
        self.every = every or max(1, total // 20)
        self.title = title
        self.last_l2: float | None = None
        self._progress = None
        self._task = None
        self._start_step = 0
        self._start_time = 0.0

    def _rate(self, record: StepRecord) -> float | None:
        steps = record.step - self._start_step
        seconds = record.wall_time_s - self._start_time
        return steps / seconds if steps > 0 and seconds > 0 else None

    def on_start(self, trainer: object) -> None:
        self._start_step = getattr(trainer, "step", 0)
        self._start_time = getattr(trainer, "elapsed", 0.0)
        if self.plain:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[info]}"),
            console=Console(file=self.stream),
            transient=False,
            refresh_per_second=5,
        )
        self._progress.start()
        self._task = self._progress.add_task(self.title, total=self.total, completed=self._start_step, info="", rate="")

    def on_step(self, trainer: object, record: StepRecord) -> None:
        if record.l2_relative_error is not None:
            self.last_l2 = record.l2_relative_error
        rate = self._rate(record)
        if self._progress is not None:
            terms = " ".join(f"{k} {_fmt(v)}" for k, v in record.terms.items())
            l2 = f" L2 {_fmt(self.last_l2)}" if self.last_l2 is not None else ""
            l2 += "".join(f" {k} {v:.6g}" for k, v in record.unknowns.items())
            self._progress.update(
                self._task,
                completed=record.step,
                description=f"{self.title} [{record.phase}]",
                info=f"loss {_fmt(record.loss)} | {terms}{l2}",
                rate=f"{rate:.0f} it/s" if rate else "",
            )
        elif record.step % self.every == 0 or record.step == self.total:
            print(summary(record, self.total, rate), file=self.stream, flush=True)

    def on_end(self, trainer: object) -> None:
        if self._progress is not None:
            self._progress.stop()
        reason = getattr(trainer, "stop_reason", "")
        if reason:
            print(reason, file=self.stream, flush=True)
