"""One row of training history per step."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StepRecord:
    step: int
    phase: str
    wall_time_s: float
    loss: float
    terms: dict[str, float]
    lr: float
    l2_relative_error: float | None = None
    extra: dict[str, float] = field(default_factory=dict)
    #: the identified constants (a problem's `Unknown`s) after this step, by name
    unknowns: dict[str, float] = field(default_factory=dict)
    #: the adaptive loss weights λ in force during this step, by term (empty with fixed weights)
    weights: dict[str, float] = field(default_factory=dict)


#: history.csv's column of an identified constant: ``unknown_<name>``
UNKNOWN_PREFIX = "unknown_"
#: history.csv's column of a term's adaptive loss weight: ``weight_<term>``
WEIGHT_PREFIX = "weight_"


def history_csv(records: list[StepRecord], term_names: list[str]) -> str:
    """The history as CSV: step, phase, wall_time_s, loss, one column per term, l2_relative_error, lr."""
    header = ["step", "phase", "wall_time_s", "loss", *term_names, "l2_relative_error", "lr"]
    lines = [",".join(header)]
    for r in records:
        l2 = "" if r.l2_relative_error is None else f"{r.l2_relative_error:.8e}"
        row = [
            str(r.step),
            r.phase,
            f"{r.wall_time_s:.4f}",
            f"{r.loss:.8e}",
            *[f"{r.terms.get(n, float('nan')):.8e}" for n in term_names],
            l2,
            f"{r.lr:.6e}",
        ]
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def parse_history_csv(text: str) -> list[StepRecord]:
    """Read back what `history_csv` wrote (used by --resume)."""
    rows = [line.split(",") for line in text.strip().splitlines()]
    if not rows:
        return []
    header, records = rows[0], []
    fixed = {"step", "phase", "wall_time_s", "loss", "l2_relative_error", "lr"}
    terms = [h for h in header if h not in fixed and not h.startswith((UNKNOWN_PREFIX, WEIGHT_PREFIX))]
    for row in rows[1:]:
        values = dict(zip(header, row))
        records.append(
            StepRecord(
                int(values["step"]),
                values["phase"],
                float(values["wall_time_s"]),
                float(values["loss"]),
                {n: float(values[n]) for n in terms},
                float(values["lr"]),
                float(values["l2_relative_error"]) if values["l2_relative_error"] else None,
                unknowns=_unknowns(values),
                weights=_unknowns(values, WEIGHT_PREFIX),
            )
        )
    return records


def _unknowns(values: Mapping[str, Any], prefix: str = UNKNOWN_PREFIX) -> dict[str, float]:
    """The ``unknown_<name>`` (or other ``prefix``) cells of one history row, by name (empty cells left out)."""
    out = {}
    for k, v in values.items():
        if k.startswith(prefix) and v not in ("", None):
            number = float(v)
            if not math.isnan(number):
                out[k[len(prefix) :]] = number
    return out


def records_from_history(columns: Mapping[str, Any]) -> list[StepRecord]:
    """StepRecords from history.csv's columns (as `RunDirectory.read_history` gives them): for --resume."""
    fixed = {"step", "phase", "wall_time_s", "loss", "l2_relative_error", "lr", "val_loss"}
    terms = [n for n in columns if n not in fixed and not n.startswith((UNKNOWN_PREFIX, WEIGHT_PREFIX))]
    out = []
    for i in range(len(columns.get("step", []))):
        l2 = float(columns["l2_relative_error"][i]) if "l2_relative_error" in columns else math.nan
        val = float(columns["val_loss"][i]) if "val_loss" in columns else math.nan
        out.append(
            StepRecord(
                int(columns["step"][i]),
                str(columns["phase"][i]),
                float(columns["wall_time_s"][i]),
                float(columns["loss"][i]),
                {n: float(columns[n][i]) for n in terms},
                float(columns["lr"][i]),
                None if math.isnan(l2) else l2,
                {} if math.isnan(val) else {"val_loss": val},
                unknowns=_unknowns({n: columns[n][i] for n in columns if n.startswith(UNKNOWN_PREFIX)}),
                weights=_unknowns({n: columns[n][i] for n in columns if n.startswith(WEIGHT_PREFIX)}, WEIGHT_PREFIX),
            )
        )
    return out
