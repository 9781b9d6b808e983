r"""Whitened POD coordinates of the training fields: what the generative models see.

The fields :math:`U^{(i)}` (flattened) are centred and projected on the leading right singular
vectors :math:`V_r` of the snapshot matrix, the modes kept until the discarded energy is below
``tolerance`` (Sirovich's method of snapshots); each coefficient is divided by its standard
deviation :math:`s_k`. The models work on these r order-one numbers instead of thousands of grid
values (the reduced-order idea of Lee & Carlberg 2020; POD-based generative ROMs,
Hesthaven & Ubbiali 2018), and decode with :math:`U = \bar U + (a \odot s) V_r^\top`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["Whitening"]


@dataclass
class Whitening:
    """Centre, POD basis (dim, r) and scales (r,) of a set of fields."""

    mean: np.ndarray
    basis: np.ndarray
    scales: np.ndarray
    shape: tuple[int, ...]

    @classmethod
    def fit(cls, fields: np.ndarray, tolerance: float = 1e-9, max_modes: int = 64) -> Whitening:
        """POD of ``fields`` (N, *grid) keeping the modes above ``tolerance`` of the variance."""
        flat = fields.reshape(len(fields), -1).astype(np.float64)
        mean = flat.mean(axis=0)
        _, singular, vt = np.linalg.svd(flat - mean, full_matrices=False)
        energy = singular**2
        tail = np.cumsum(energy[::-1])[::-1] / max(energy.sum(), 1e-300)
        r = int(np.clip(np.sum(tail > tolerance), 1, max_modes))
        scales = singular[:r] / np.sqrt(len(flat))
        return cls(mean, vt[:r].T, np.maximum(scales, 1e-12), tuple(fields.shape[1:]))

    @property
    def modes(self) -> int:
        return self.basis.shape[1]

    def encode(self, fields: np.ndarray) -> np.ndarray:
        """Whitened coefficients (N, r)."""
        flat = fields.reshape(len(fields), -1).astype(np.float64)
        return (flat - self.mean) @ self.basis / self.scales

    def decode(self, coefficients: np.ndarray) -> np.ndarray:
        """Fields (N, *grid) from whitened coefficients."""
        flat = self.mean + (np.asarray(coefficients, dtype=np.float64) * self.scales) @ self.basis.T
        return flat.reshape(len(flat), *self.shape)

    def decode_torch(self, coefficients: torch.Tensor) -> torch.Tensor:
        """Flattened fields (N, dim) from whitened coefficients, differentiable."""
        basis = torch.as_tensor(self.basis * self.scales, dtype=coefficients.dtype)
        return torch.as_tensor(self.mean, dtype=coefficients.dtype) + coefficients @ basis.T
