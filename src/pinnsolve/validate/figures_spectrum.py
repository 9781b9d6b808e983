"""The spectrum comparison figure: the PINN's wave functions over the finite-difference ones, and each
method's relative error per level on a log scale."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from pinnsolve.results.spectrum import Spectrum
from pinnsolve.viz.style import new_figure, save_figure, styled

__all__ = ["plot_spectrum_comparison"]


def _states(outcome: Any) -> tuple[np.ndarray, np.ndarray] | None:
    if outcome is None or not outcome.ok or outcome.run_dir is None:
        return None
    try:
        arrays = Spectrum.load(outcome.run_dir).arrays
    except Exception:  # a run without wave functions (vmc) or unreadable: nothing to draw
        return None
    if "grid" not in arrays or "states" not in arrays:
        return None
    return arrays["grid"], np.atleast_2d(arrays["states"])


def plot_spectrum_comparison(outcomes: Mapping[str, Any], fd: Any, path: Path) -> Path | None:
    """Left: ψ_n of pinn-eigen (dashed) over the FD ψ_n; right: |E − E_FD| / |E_FD| per level and method."""
    reference = _states(fd)
    if reference is None:
        return None
    pinn = _states(outcomes.get("pinn-eigen"))
    measured = {
        m: o.metrics["level_relative_errors"]
        for m, o in outcomes.items()
        if o.metrics.get("level_relative_errors") and m != "fd"
    }
    with styled():
        fig = new_figure(11.0, 4.2)
        left, right = fig.subplots(1, 2)
        count = pinn[1].shape[0] if pinn is not None else min(2, reference[1].shape[0])
        for n in range(count):
            left.plot(reference[0], reference[1][n], color=f"C{n}", lw=1.6, label=f"FD ψ{n}")
            if pinn is not None:
                left.plot(pinn[0], pinn[1][n], color="k", ls="--", lw=1.0, label="PINN" if n == 0 else None)
        if pinn is not None:
            left.set_xlim(pinn[0][0], pinn[0][-1])
        left.set(xlabel="x", ylabel="ψ(x)", title="wave functions")
        left.legend()
        for k, (method, errors) in enumerate(measured.items()):
            right.semilogy(np.arange(len(errors)), np.maximum(errors, 1e-16), "o-", color=f"C{k + 3}", label=method)
        right.set(xlabel="level n", ylabel="|E − E_FD| / |E_FD|", title="relative error per level")
        right.set_xticks(range(max([len(e) for e in measured.values()] + [1])))
        if measured:
            right.legend()
        return save_figure(fig, path)
