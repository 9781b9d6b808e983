"""Histograms of sampled configurations: the one-body density and the pair-distance distribution."""

from __future__ import annotations

import numpy as np

__all__ = ["densities"]


def densities(positions: np.ndarray, bins: int = 80) -> dict[str, np.ndarray]:
    """One-body and pair densities from samples ``(records, chains, N, d)``.

    ``radial_density``: ρ(r) per unit r, normalised to the particle number N (∫ρ dr = N);
    ``density``: the density of the first coordinate (d = 1) or of (x, y) (d ≥ 2, each
    particle counted), normalised to N; ``pair_density``: the probability density of r_ij.
    """
    n, dim = positions.shape[-2:]
    points = positions.reshape(-1, n, dim)
    radius = np.linalg.norm(points, axis=-1).ravel()
    top = float(np.quantile(radius, 0.999)) * 1.05 or 1.0
    radial, radial_edges = np.histogram(radius, bins=bins, range=(0, top), density=True)
    out = {"radial_edges": radial_edges, "radial_density": radial * n}
    flat = points.reshape(-1, dim)
    if dim == 1:
        density, edges = np.histogram(flat[:, 0], bins=bins, range=(-top, top), density=True)
        out.update(density_edges=edges, density=density * n)
    else:
        density, ex, _ = np.histogram2d(
            flat[:, 0], flat[:, 1], bins=bins, range=[(-top, top), (-top, top)], density=True
        )
        out.update(density_edges=ex, density=density * n)
    if n > 1:
        i, j = np.triu_indices(n, k=1)
        pairs = np.linalg.norm(points[:, i] - points[:, j], axis=-1).ravel()
        far = float(np.quantile(pairs, 0.999)) * 1.05 or 1.0
        pair, pair_edges = np.histogram(pairs, bins=bins, range=(0, far), density=True)
        out.update(pair_edges=pair_edges, pair_density=pair)
    return out
