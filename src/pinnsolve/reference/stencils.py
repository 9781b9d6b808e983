"""Second-order finite-difference matrices on uniform grids, in 1-D and as tensor products.

Interior rows are the central differences

.. math::
    (D_1 u)_i = \\frac{u_{i+1} - u_{i-1}}{2h}, \\qquad
    (D_2 u)_i = \\frac{u_{i+1} - 2u_i + u_{i-1}}{h^2},

both of order :math:`O(h^2)`. The end rows of a bounded axis are one-sided and also second
order (LeVeque, *Finite Difference Methods for ODEs and PDEs*, SIAM 2007, §1.5 and §2.12):

.. math::
    (D_1 u)_0 = \\frac{-3u_0 + 4u_1 - u_2}{2h}, \\qquad
    (D_2 u)_0 = \\frac{2u_0 - 5u_1 + 4u_2 - u_3}{h^2},

mirrored at the other end. So :math:`D_1` is exact on quadratics and :math:`D_2` on cubics,
on every row. A periodic axis of ``n`` distinct nodes (the node at ``hi`` is the node at
``lo``) uses the central rows everywhere, wrapping around.

Grids are flattened in C order (``np.meshgrid(..., indexing="ij")`` then ``ravel()``), so the
operator along axis ``k`` of a grid of shape ``(n_0, ..., n_{d-1})`` is
:math:`I_{n_0} \\otimes \\dots \\otimes A_k \\otimes \\dots \\otimes I_{n_{d-1}}`; a mixed
derivative is the product of the operators along its axes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

__all__ = ["MIN_POINTS", "along_axis", "derivative_1d", "first_derivative", "grid_derivative", "second_derivative"]

#: the fewest nodes along an axis for which the stencils are defined
MIN_POINTS = 3


def _check(n: int, h: float) -> None:
    if n < MIN_POINTS:
        raise ValueError(f"a second-order stencil needs at least {MIN_POINTS} nodes, got {n}")
    if not h > 0:
        raise ValueError(f"grid spacing must be positive, got {h}")


def _periodic(n: int, weights: dict[int, float]) -> sparse.csr_matrix:
    """The circulant matrix with ``weights[k]`` on the k-th (wrapped) diagonal."""
    rows = np.repeat(np.arange(n), len(weights))
    cols = (rows + np.tile(list(weights), n)) % n
    data = np.tile(list(weights.values()), n)
    return sparse.csr_matrix((data, (rows, cols)), shape=(n, n))  # duplicates are summed


def _banded(n: int, weights: dict[int, float], first: Sequence[float], last: Sequence[float]) -> sparse.csr_matrix:
    """Central ``weights`` inside; ``first`` / ``last`` as the leading / trailing entries of the end rows."""
    m = sparse.lil_matrix((n, n))
    for i in range(1, n - 1):
        for k, w in weights.items():
            m[i, i + k] = w
    for j, w in enumerate(first):
        m[0, j] = w
    for j, w in enumerate(last):
        m[n - 1, n - len(last) + j] = w
    return m.tocsr()


def first_derivative(n: int, h: float, periodic: bool = False) -> sparse.csr_matrix:
    """The ``n × n`` matrix of :math:`\\partial/\\partial x` on ``n`` nodes of spacing ``h``.

    Central inside; one-sided second-order rows at the ends unless ``periodic``.
    """
    _check(n, h)
    c = 1.0 / (2.0 * h)
    if periodic:
        return _periodic(n, {-1: -c, 1: c})
    return _banded(n, {-1: -c, 1: c}, [-3 * c, 4 * c, -c], [c, -4 * c, 3 * c])


def second_derivative(n: int, h: float, periodic: bool = False) -> sparse.csr_matrix:
    """The ``n × n`` matrix of :math:`\\partial^2/\\partial x^2` on ``n`` nodes of spacing ``h``.

    Central inside; one-sided second-order (four-point) rows at the ends unless ``periodic``.
    With only three nodes the end rows fall back to the three-point stencil (first order).
    """
    _check(n, h)
    c = 1.0 / h**2
    if periodic:
        return _periodic(n, {-1: c, 0: -2 * c, 1: c})
    if n == MIN_POINTS:
        return _banded(n, {-1: c, 0: -2 * c, 1: c}, [c, -2 * c, c], [c, -2 * c, c])
    return _banded(n, {-1: c, 0: -2 * c, 1: c}, [2 * c, -5 * c, 4 * c, -c], [-c, 4 * c, -5 * c, 2 * c])


def derivative_1d(order: int, n: int, h: float, periodic: bool = False) -> sparse.csr_matrix:
    """The matrix of the ``order``-th derivative (0 gives the identity).

    Orders above two are composed, :math:`D_1 D_2^{k}` or :math:`D_2^{k}`, which is the
    standard second-order central stencil inside (e.g. ``[1, -4, 6, -4, 1] / h⁴``) but only
    first-order accurate, or worse, on the end rows of a bounded axis.
    """
    if order < 0:
        raise ValueError(f"derivative order must be ≥ 0, got {order}")
    if order == 0:
        return sparse.identity(n, format="csr")
    if order == 1:
        return first_derivative(n, h, periodic)
    if order == 2:
        return second_derivative(n, h, periodic)
    d2 = second_derivative(n, h, periodic)
    result = first_derivative(n, h, periodic) if order % 2 else sparse.identity(n, format="csr")
    for _ in range(order // 2):
        result = result @ d2
    return result.tocsr()


def along_axis(op: sparse.spmatrix, axis: int, shape: Sequence[int]) -> sparse.csr_matrix:
    """``op`` (``shape[axis]`` square) acting along ``axis`` of a C-ordered grid of ``shape``."""
    shape = tuple(int(s) for s in shape)
    if op.shape != (shape[axis], shape[axis]):
        raise ValueError(f"operator of shape {op.shape} does not fit axis {axis} of a grid {shape}")
    before = int(np.prod(shape[:axis], dtype=np.int64))
    after = int(np.prod(shape[axis + 1 :], dtype=np.int64))
    result = sparse.kron(sparse.identity(before, format="csr"), op, format="csr")
    return sparse.kron(result, sparse.identity(after, format="csr"), format="csr")


def grid_derivative(
    orders: Sequence[int], shape: Sequence[int], spacings: Sequence[float], periodic: Sequence[bool]
) -> sparse.csr_matrix:
    """The operator :math:`\\prod_k \\partial^{o_k}/\\partial x_k^{o_k}` on a C-ordered grid.

    ``orders``, ``shape``, ``spacings`` and ``periodic`` give one entry per axis. A grid with
    no axes (an ODE) has one node, and only the identity.
    """
    size = int(np.prod(shape, dtype=np.int64))
    result = sparse.identity(size, format="csr")
    for axis, order in enumerate(orders):
        if order:
            op = derivative_1d(order, shape[axis], spacings[axis], periodic[axis])
            result = result @ along_axis(op, axis, shape)
    return result.tocsr()
