"""The surrogates' own figures, drawn from the curves their methods measured (``Solution.diagnostics``).

``error_vs_time`` (ffnn: the error against time, the training horizon marked), ``error_growth``
(rnn: the rollout error at each output time) and ``error_vs_latent`` (autoencoder: reconstruction
and rollout error against the latent size, POD beside it). The methods measure, these draw: a
run directory's figures can be redrawn by ``pinnsolve plot`` without the trained model.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from pinnsolve.viz.growth import plot_error_growth
from pinnsolve.viz.style import new_figure, save_figure, styled

__all__ = ["draw_error_curve", "plot_error_vs_latent"]


def draw_error_curve(curve: Mapping[str, Any], path: Path) -> Path:
    """An error-against-time record ``{t, curves, cut, title, ylabel, time_name}`` as a figure."""
    curves = {label: np.asarray(v, dtype=float) for label, v in curve["curves"].items()}
    errors: Any = next(iter(curves.values())) if len(curves) == 1 else curves
    extra = {k: curve[k] for k in ("ylabel", "time_name") if curve.get(k)}
    return plot_error_growth(
        np.asarray(curve["t"], dtype=float), errors, curve.get("cut"), path, curve["title"], **extra
    )


def plot_error_vs_latent(
    sweep: Mapping[str, list], points: Mapping[Any, Mapping[str, Any]], path: Path, title: str
) -> Path:
    """Reconstruction and rollout error against k: POD curves, autoencoder points (train filled, unseen open)."""

    def clean(values: list) -> np.ndarray:
        return np.array([np.nan if v is None or not np.isfinite(v) else v for v in values], dtype=float)

    with styled():
        fig = new_figure(9.0, 3.8)
        axes = fig.subplots(1, 2, sharey=True)
        for ax, kind in zip(axes, ("reconstruction", "rollout")):
            ks = np.array(sweep["k"])
            ax.semilogy(ks, clean(sweep[f"{kind}_train"]), "o-", color="tab:blue", label="POD, training parameters")
            if any(v is not None for v in sweep[f"{kind}_unseen"]):
                ax.semilogy(
                    ks,
                    clean(sweep[f"{kind}_unseen"]),
                    "o--",
                    color="tab:blue",
                    mfc="white",
                    label="POD, unseen parameters",
                )
            kk = sorted(points, key=int)
            train = clean([points[k].get(f"ae_{kind}_train") for k in kk])
            unseen = clean([points[k].get(f"ae_{kind}_unseen") for k in kk])
            xs = [int(k) for k in kk]
            ax.semilogy(
                xs, train, "s-" if len(kk) > 1 else "s", color="tab:red", ms=8, label="autoencoder, training parameters"
            )
            if np.isfinite(unseen).any():
                ax.semilogy(
                    xs,
                    unseen,
                    "s--" if len(kk) > 1 else "s",
                    color="tab:red",
                    mfc="white",
                    ms=8,
                    label="autoencoder, unseen parameters",
                )
            ax.set_xlabel("latent size k")
            ax.set_title("reconstruction" if kind == "reconstruction" else "rollout from the initial state")
        axes[0].set_ylabel(r"relative $L^2$ error of the states")
        axes[0].legend(loc="best")
        fig.suptitle(title)
        return save_figure(fig, path)
