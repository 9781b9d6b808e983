r"""The lowest eigenstates of one particle on a line by finite differences: the reference for VMC in 1-D.

On a uniform grid of M interior points over [−L, L] with ψ(±L) = 0 (the trap confines the
particle well inside), the second-order stencil gives the sparse symmetric Hamiltonian

.. math::

    H_{kk} = \frac{1}{h^2} + V(x_k), \qquad H_{k,k\pm1} = -\frac{1}{2h^2},

whose lowest eigenpairs (``scipy.sparse.linalg.eigsh`` in shift-invert mode about the bottom
of the potential) converge as O(h²). L defaults to where V exceeds its minimum by 40 + the
number of states times the trap's ω, so the states have decayed by e^{-20} or more there; a
potential that levels off (a finite well) gets L = where it levels off + 10 (`box_half_width`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy import sparse
from scipy.sparse.linalg import eigsh

from pinnsolve.errors import MethodNotApplicable
from pinnsolve.quantum.problem import Schrodinger, x
from pinnsolve.residual.compile import numpy_function

__all__ = ["EigenStates", "box_half_width", "finite_difference_spectrum"]


@dataclass
class EigenStates:
    """Energies ``(k,)`` and wave functions ``(k, M)`` normalised so that Σ ψ² h = 1 on ``grid``."""

    energies: np.ndarray
    grid: np.ndarray
    states: np.ndarray


def box_half_width(potential, omega: float, states: int) -> tuple[float, bool]:
    """The box half-width L, and whether V confines (keeps growing) or levels off (a finite well).

    L grows by factors 1.5 from 1 until V(±L) ≥ V(0) + (40 + states)·ω. Where V has risen by then
    but changes by less than 0.1 % between 1.5 L and 3 L, the particle sits in a well of finite depth: the box
    is 1.5 L + 10 instead, ten decay lengths of a level bound by ½ or more (a box at the turning
    points would be an infinite well, with other levels).
    """
    floor, target = float(np.min(potential(np.array([0.0])))), (40.0 + states) * omega

    def rise(at: float) -> float:
        return float(min(potential(np.array([-at, at])))) - floor

    def levelled(at: float) -> bool:
        top = rise(1.5 * at)
        return top > 1e-6 and abs(rise(3.0 * at) - top) <= 1e-3 * top

    length = 1.0
    while length < 1e4 and rise(length) < target and not levelled(length):
        length *= 1.5
    if levelled(length):
        return 1.5 * length + 10.0, False
    return length, True


def finite_difference_spectrum(
    problem: Schrodinger, states: int = 4, points: int = 4000, half_width: float | None = None
) -> EigenStates:
    """The ``states`` lowest eigenpairs of a one-particle, one-dimensional `Schrodinger` problem."""
    if problem.n_particles != 1 or problem.dim != 1:
        raise MethodNotApplicable(
            f"the finite-difference spectrum treats one particle on a line; "
            f"'{problem.name}' has N = {problem.n_particles} in {problem.dim}-D. "
            "Use --method vmc for it."
        )
    potential = numpy_function(sp.sympify(problem.one_body()), (x,))
    length = half_width or box_half_width(potential, problem.trap_frequency(), states)[0]
    grid = np.linspace(-length, length, points + 2)[1:-1]
    h = grid[1] - grid[0]
    diagonal = 1.0 / h**2 + potential(grid) * np.ones_like(grid)
    off = np.full(points - 1, -0.5 / h**2)
    hamiltonian = sparse.diags([off, diagonal, off], [-1, 0, 1], format="csc")
    energies, vectors = eigsh(hamiltonian, k=states, sigma=float(diagonal.min() - 1.0 / h**2) - 1.0, which="LM")
    order = np.argsort(energies)
    vectors = vectors[:, order].T / math.sqrt(h)
    vectors *= np.sign(vectors[np.arange(states), np.argmax(np.abs(vectors), axis=1)])[:, None]
    return EigenStates(energies[order], grid, vectors)
