"""What a classifier sees of a solution: fields, trajectories or a latent code, measured with noise.

* ``field``: every node of every field, shape (channels, *grid) with time last;
* ``trajectory``: time series, shape (channels, time) — for a PDE the fields at five probe
  points spread over the space grid (what a sensor records), for an ODE the fields themselves;
* ``latent``: the field flattened and projected on its leading principal components (PCA,
  fitted on the training samples only: the linear autoencoder).

Measurement noise is Gaussian with standard deviation ``noise`` × the channel's typical size:
the median over samples of the RMS value of its initial state (a scale every regime shares,
which a blow-up later on cannot inflate). ``asinh`` compresses
solutions that span many orders of magnitude (an unstable scheme's blow-up):
asinh(u/s)·s is u near zero and logarithmic far from it.
"""

from __future__ import annotations

import numpy as np

from pinnsolve.errors import SettingsError

__all__ = ["FEATURES", "PROBES", "TRANSFORMS", "add_noise", "channel_scale", "select", "transform"]

FEATURES = ["field", "trajectory", "latent"]
TRANSFORMS = ["none", "asinh"]
PROBES = 5


def channel_scale(fields: np.ndarray) -> np.ndarray:
    """Typical size per channel: median over samples of the RMS value at the first time; (channels,)."""
    first = fields[..., 0]
    axes = tuple(range(2, first.ndim))
    rms = np.sqrt(np.mean(np.square(first), axis=axes)) if axes else np.abs(first)
    scale = np.median(rms, axis=0)
    return np.where(scale > 0, scale, 1.0)


def add_noise(fields: np.ndarray, noise: float, scale: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Fields plus Gaussian noise of standard deviation noise × scale (per channel)."""
    if noise < 0:
        raise SettingsError(f"--noise {noise}: a standard deviation cannot be negative. Give 0 or more.")
    if noise == 0:
        return fields.copy()
    shape = (1, -1) + (1,) * (fields.ndim - 2)
    return fields + noise * scale.reshape(shape) * rng.standard_normal(fields.shape)


def transform(fields: np.ndarray, kind: str, scale: np.ndarray) -> np.ndarray:
    """The compression ``kind`` ("none" or "asinh") applied channel by channel."""
    if kind not in TRANSFORMS:
        raise SettingsError(f"transform '{kind}' is not known; choose one of {', '.join(TRANSFORMS)}.")
    if kind == "none":
        return fields
    s = scale.reshape((1, -1) + (1,) * (fields.ndim - 2))
    return np.arcsinh(fields / s) * s


def select(fields: np.ndarray, kind: str) -> np.ndarray:
    """The ``kind`` view of fields (n, channels, *grid): (n, channels, *grid) or (n, channels·probes, time)."""
    if kind not in FEATURES:
        raise SettingsError(f"--features {kind} is not known; choose one of {', '.join(FEATURES)}.")
    if kind == "trajectory" and fields.ndim > 3:
        n, c, nt = fields.shape[0], fields.shape[1], fields.shape[-1]
        flat = fields.reshape(n, c, -1, nt)
        nodes = flat.shape[2]
        picks = np.unique(np.linspace(0, nodes - 1, PROBES + 2).round().astype(int)[1:-1])
        return flat[:, :, picks, :].reshape(n, c * len(picks), nt)
    return fields
