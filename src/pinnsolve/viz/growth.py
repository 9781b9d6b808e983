"""Error against time: how a surrogate's error grows as it is rolled out or extrapolated."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from pinnsolve.viz.style import new_figure, save_figure, styled

__all__ = ["plot_error_growth"]


def plot_error_growth(
    times: np.ndarray,
    errors: np.ndarray | Mapping[str, np.ndarray],
    horizon: float | None,
    path: Path,
    title: str,
    ylabel: str = r"$\|u - u_{\mathrm{ref}}\| \,/\, \|u_{\mathrm{ref}}\|$",
    time_name: str = "t",
) -> Path:
    """Error at each time on a log scale, the training horizon shaded (data to its left).

    ``errors`` is one curve, or several by label (e.g. with and without a physics term, or the
    RMS and the relative error).
    """
    curves = {"error": np.asarray(errors)} if not isinstance(errors, Mapping) else dict(errors)
    with styled():
        fig = new_figure(6.4, 3.6)
        ax = fig.subplots()
        for label, values in curves.items():
            values = np.asarray(values, dtype=float)
            # a state given exactly (the initial one) has error 0 or round-off: leave it out of the log axis
            shown = np.where(values > 1e-13 * np.nanmax(values, initial=0.0), values, np.nan)
            ax.semilogy(times, shown, label=label if len(curves) > 1 else None)
        if horizon is not None and horizon < times[-1]:
            ax.axvspan(times[0], horizon, color="tab:green", alpha=0.08, lw=0, label="training data")
            ax.axvline(horizon, color="tab:green", ls="--", lw=1.2)
            ax.text(horizon, 0.98, " extrapolation →", transform=ax.get_xaxis_transform(), va="top", fontsize=9)
        ax.set_xlabel(time_name)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        if len(curves) > 1 or (horizon is not None and horizon < times[-1]):
            ax.legend(loc="lower right")
        return save_figure(fig, path)
