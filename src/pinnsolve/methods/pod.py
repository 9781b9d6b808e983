"""Proper orthogonal decomposition: the linear baseline of the ``autoencoder`` method.

The snapshot matrix U (N snapshots × n unknowns: the free-node states of every trajectory at
every time) minus its mean ū is factored by a thin SVD,

.. math:: U - \\mathbf{1} \\bar u^T = W Σ Φ^T,  \\qquad  u ≈ \\bar u + Φ_k Φ_k^T (u - \\bar u),

and the first k right singular vectors Φ_k are the best k-dimensional affine subspace in the
least-squares sense (Eckart–Young). The mean is subtracted by default: the offset costs no
latent dimension, as the biases of an autoencoder cost none, so POD and the autoencoder are
compared at the same k. ``center=False`` gives the linear (through the origin) variant.

The reduced dynamics are the Galerkin projection of the semi-discrete system y' = F(t, y),

.. math:: z' = Φ_k^T F(t, \\bar u + Φ_k z), \\qquad z(0) = Φ_k^T (y_0 - \\bar u),

integrated by `scipy.integrate.solve_ivp` (LSODA, which switches between Adams and BDF as the
reduced system turns stiff or not, with the projected Jacobian Φ_kᵀ J Φ_k). This
uses the equations (an intrusive reduced model); the autoencoder learns its dynamics from the
snapshots alone. See Holmes, Lumley & Berkooz, *Turbulence, Coherent Structures, Dynamical
Systems and Symmetry* (1996), and Benner, Gugercin & Willcox, SIAM Rev. 57 (2015).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from pinnsolve.results.measure import relative_l2

__all__ = ["POD", "fit", "galerkin_rollout", "relative_error"]


@dataclass(frozen=True)
class POD:
    """A POD basis: the mean ``mean`` (n,), the modes ``modes`` (n, r) and singular values (r,)."""

    mean: np.ndarray
    modes: np.ndarray
    singular_values: np.ndarray

    @property
    def rank(self) -> int:
        return self.modes.shape[1]

    def encode(self, states: np.ndarray, k: int) -> np.ndarray:
        """Coefficients z = Φ_kᵀ (u − ū): (N, n) → (N, k)."""
        return (np.asarray(states) - self.mean) @ self.modes[:, :k]

    def decode(self, z: np.ndarray) -> np.ndarray:
        """u = ū + Φ_k z: (N, k) → (N, n)."""
        z = np.asarray(z)
        return self.mean + z @ self.modes[:, : z.shape[1]].T

    def reconstruct(self, states: np.ndarray, k: int) -> np.ndarray:
        """The orthogonal projection of each state onto the rank-k affine subspace."""
        return self.decode(self.encode(states, k))

    def energy(self, k: int) -> float:
        """Share of the (centred) snapshot energy the first k modes hold: Σ_{i<k} σ_i² / Σ σ_i²."""
        s2 = self.singular_values**2
        return float(s2[:k].sum() / s2.sum()) if s2.sum() > 0 else 1.0


def fit(snapshots: np.ndarray, center: bool = True, rtol: float = 1e-13) -> POD:
    """The POD of ``snapshots`` (N, n), keeping the modes with σ > rtol · σ_max."""
    snapshots = np.asarray(snapshots, dtype=float)
    mean = snapshots.mean(axis=0) if center else np.zeros(snapshots.shape[1])
    _, s, vt = np.linalg.svd(snapshots - mean, full_matrices=False)
    keep = s > rtol * s[0] if s.size and s[0] > 0 else np.zeros(s.shape, dtype=bool)
    return POD(mean, vt[keep].T.copy(), s[keep])


def relative_error(predicted: np.ndarray, reference: np.ndarray) -> float:
    """‖predicted − reference‖_F / ‖reference‖_F over every snapshot (`relative_l2`; inf where not finite)."""
    if not np.all(np.isfinite(predicted)):
        return float("inf")
    return relative_l2(predicted, reference)


def galerkin_rollout(
    pod: POD, k: int, evolution: object, times: np.ndarray, initial: np.ndarray, rtol: float = 1e-8, atol: float = 1e-10
) -> np.ndarray:
    """States (len(times), n) of the rank-k Galerkin model of ``evolution`` (its ``rhs`` and ``jacobian``).

    k beyond the basis' rank uses every mode (the snapshots hold no more directions).

    Where the reduced system blows up (Galerkin models of advection can), the states from the
    failure on are NaN, and `relative_error` reports inf.
    """
    k = min(k, pod.rank)
    phi, mean = pod.modes[:, :k], pod.mean

    def rhs(t: float, z: np.ndarray) -> np.ndarray:
        return phi.T @ evolution.rhs(t, mean + phi @ z)

    def jacobian(t: float, z: np.ndarray) -> np.ndarray:
        return phi.T @ (evolution.jacobian(t, mean + phi @ z) @ phi)

    z0 = pod.encode(initial[None, :], k)[0]
    times = np.asarray(times, dtype=float)
    with np.errstate(all="ignore"):
        result = solve_ivp(
            rhs, (times[0], times[-1]), z0, method="LSODA", t_eval=times, jac=jacobian, rtol=rtol, atol=atol
        )
    z = np.full((len(times), k), np.nan)
    z[: result.y.shape[1]] = result.y.T
    return pod.decode(z)
