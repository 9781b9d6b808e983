"""The convergence study's figure: error against grid spacing, log-log, with the expected slope."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from pinnsolve.viz.style import new_figure, save_figure, styled

__all__ = ["plot_convergence"]


def plot_convergence(result: Mapping[str, Any], path: Path) -> Path:
    """Log-log error against h, with a slope-2 guide through the finest point."""
    rows = [r for r in result["levels"] if r.get("l2_relative_error")]
    diffs = [r for r in result["levels"] if r.get("difference")]
    with styled():
        fig = new_figure(5.5, 4.2)
        ax = fig.add_subplot()
        if rows:
            ax.loglog(
                [r["h"] for r in rows],
                [r["l2_relative_error"] for r in rows],
                "o-",
                label=f"L2 relative error vs {result['against']}",
            )
        if diffs:
            ax.loglog(
                [r["h"] for r in diffs],
                [r["difference"] for r in diffs],
                "s--",
                label="difference to the next finer grid",
            )
        guide = rows or diffs
        if guide:
            h = np.array([r["h"] for r in guide])
            anchor_h = guide[-1]["h"]
            anchor_e = guide[-1]["l2_relative_error"] if rows else guide[-1]["difference"]
            ax.loglog(h, anchor_e * (h / anchor_h) ** 2, ":", color="grey", label="slope 2")
        order = result.get("order")
        ax.set_xlabel("h (largest grid spacing)")
        ax.set_ylabel("error")
        ax.set_title(f"{result['problem']}: observed order " + ("—" if order is None else f"{order:.2f}"))
        ax.legend()
        return save_figure(fig, path)
