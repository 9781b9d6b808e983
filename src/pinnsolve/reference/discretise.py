"""A symbolic problem on a tensor grid: atoms become sparse operators, equations become
vectorised functions with sparse Jacobians.

With :math:`U_g = E_g y_g + e_g(t)` the full nodal vector of field ``g`` (see `boundary`) and
:math:`L_a` the stencil operator of atom ``a`` (a derivative of ``g``), a pointwise expression
:math:`f(x, t, a_1, \\dots, a_m)` is evaluated at the free nodes of its row field as

.. math::
    F = f\\bigl(x, t, (L_{a_1} U)_{\\text{rows}}, \\dots\\bigr), \\qquad
    \\frac{\\partial F}{\\partial y} = \\sum_a \\operatorname{diag}\\!\\Bigl(\\frac{\\partial f}{\\partial a}\\Bigr)
    \\, (L_a)_{\\text{rows}} E_g ,

the partial derivatives :math:`\\partial f/\\partial a` coming from sympy. Linear terms give
constant partials, assembled once; nonlinear ones (u·u_x, u³, x·y) are rescaled each call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from scipy import sparse

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import MethodNotApplicable
from pinnsolve.reference.boundary import FieldBoundary, field_boundary
from pinnsolve.reference.grid import Grid
from pinnsolve.reference.stencils import grid_derivative
from pinnsolve.reference.symbolic import Atom, PointwiseForm, pointwise_form

__all__ = ["Discretisation", "PointwiseSystem"]

Block = tuple[str, int]  # (field, time-derivative order) of a piece of the state vector


class Discretisation:
    """``problem`` on ``grid``: its pointwise form, stencil operators and boundary eliminations."""

    def __init__(self, problem: Problem, grid: Grid, keep: Sequence[str] = ()) -> None:
        self.problem, self.grid = problem, grid
        self.form: PointwiseForm = pointwise_form(problem, keep)
        self._operators: dict[tuple[int, ...], sparse.csr_matrix] = {}
        second: dict[str, set[int]] = {name: set() for name in self.form.fields}
        for atom in list(self.form.atoms.values()):
            for k, order in enumerate(atom.space):
                if order > 2 and not grid.axes[k].periodic:
                    raise MethodNotApplicable(
                        f"the equations of '{problem.name}' differentiate '{atom.field}' {order} times in "
                        f"{grid.axes[k].name}; the finite-difference reference has boundary rows for first and "
                        "second derivatives only (higher orders need Periodic on that axis)."
                    )
                if order >= 2:
                    second[atom.field].add(k)
        self.boundary: dict[str, FieldBoundary] = {
            name: field_boundary(problem, grid, name, second[name]) for name in self.form.fields
        }
        self._field_operators: dict[tuple, tuple[sparse.csr_matrix, Offset | None]] = {}

    def stencil(self, orders: Sequence[int]) -> sparse.csr_matrix:
        """The (cached) plain grid operator of the derivative with these orders per space axis."""
        key = tuple(orders)
        if key not in self._operators:
            g = self.grid
            self._operators[key] = grid_derivative(key, g.shape, g.spacings, g.periodic)
        return self._operators[key]

    def operator(self, field_: str, orders: Sequence[int]) -> tuple[sparse.csr_matrix, Offset | None]:
        """The derivative of ``field_`` as an affine map of its nodal vector: ``L U + offset(t)``.

        The plain stencil, except on the field's Neumann/Robin faces, where a first or
        second derivative across the face takes its value from the condition (ghost node,
        see `boundary`). Mixed derivatives keep the one-sided rows there.
        """
        key = (field_, tuple(orders))
        if key not in self._field_operators:
            self._field_operators[key] = self._build_operator(field_, tuple(orders))
        return self._field_operators[key]

    def _build_operator(self, field_: str, orders: tuple[int, ...]) -> tuple[sparse.csr_matrix, Offset | None]:
        base = self.stencil(orders)
        axes = [k for k, o in enumerate(orders) if o]
        if len(axes) != 1 or orders[axes[0]] > 2:
            return base, None
        k, order = axes[0], orders[axes[0]]
        faces = [f for f in self.boundary[field_].flux if f.axis == k]
        if not faces:
            return base, None
        h, n = self.grid.axes[k].h, self.grid.size
        keep = np.ones(n)
        rows, cols, values, data = [], [], [], []
        for face in faces:
            keep[face.nodes] = 0.0
            if order == 1:  # u_x = σ (g − a u) / b
                rows.append(face.nodes), cols.append(face.nodes), values.append(-face.sign * face.a / face.b)
                data.append((face, face.sign / face.b))
            else:  # ghost node: (2 u_1 − 2 u_0)/h² + (2/h)(g − a u_0)/b
                rows += [face.nodes, face.nodes]
                cols += [face.neighbours, face.nodes]
                values += [np.full(len(face.nodes), 2.0 / h**2), -2.0 / h**2 - 2.0 * face.a / (face.b * h)]
                data.append((face, 2.0 / (h * face.b)))
        replaced = sparse.csr_matrix(
            (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
        )
        operator = (sparse.diags(keep) @ base + replaced).tocsr()
        return operator, Offset(n, data)

    def free(self, name: str) -> np.ndarray:
        return self.boundary[name].free

    def system(self, equations: Sequence[tuple[str, sp.Expr]], blocks: Sequence[Block]) -> PointwiseSystem:
        """Equations (row field, pointwise expression) over a state made of ``blocks``."""
        return PointwiseSystem(self, equations, blocks)

    def describe_boundary(self) -> dict[str, dict[str, str]]:
        """Per field, the condition kind on each face (for the record)."""
        return {name: b.kinds for name, b in self.boundary.items()}


class Offset:
    """The data part of a derivative on Neumann/Robin faces: Σ coefficient · g(t) at the face nodes."""

    def __init__(self, size: int, parts: list) -> None:
        self.size, self.parts = size, parts
        self.time_dependent = any(face.time_dependent for face, _ in parts)
        self._cached: np.ndarray | None = None

    def __call__(self, t: float) -> np.ndarray:
        if self._cached is not None:
            return self._cached
        out = np.zeros(self.size)
        for face, coefficient in self.parts:
            out[face.nodes] += coefficient * face.g(t)
        if not self.time_dependent:
            self._cached = out
        return out


@dataclass
class _Term:
    atom: Atom
    block: Block
    rows_op: sparse.csr_matrix | None  # (L_a)_rows for a spatial atom, None for a state atom
    offset: Offset | None  # the affine part of a derivative on Neumann/Robin faces
    to_state: sparse.csr_matrix  # ∂(atom values)/∂y
    partial: object = None  # lambdified ∂f/∂a, or None when zero
    constant: bool = True  # ∂f/∂a is independent of the state (and of time)
    parametric: bool = False  # ... but depends on the kept parameters: one value per solve of a batch
    field_to_state: sparse.csr_matrix | None = None  # E_g restricted to the state, for power-2 atoms


@dataclass
class _Equation:
    field: str
    rows: np.ndarray
    coords: list[np.ndarray]
    function: object
    terms: list[_Term] = field(default_factory=list)
    constant_jacobian: sparse.csr_matrix | None = None


class PointwiseSystem:
    """Vectorised evaluation of pointwise equations over a block-structured state vector.

    Parameters the discretisation kept symbolic (``form.parameters``) are arguments of every
    evaluation: ``parameters`` holds one value each (one solve) or one row of k values each, (p, k),
    for a batch of k states (size, k) — a batch of Monte Carlo draws evaluated in one call.
    """

    def __init__(self, disc: Discretisation, equations: Sequence[tuple[str, sp.Expr]], blocks: Sequence[Block]) -> None:
        self.disc = disc
        self.blocks = list(blocks)
        sizes = [len(disc.free(name)) for name, _ in self.blocks]
        self.offsets = dict(zip(self.blocks, np.cumsum([0, *sizes[:-1]]).tolist()))
        self.sizes = dict(zip(self.blocks, sizes))
        self.size = int(sum(sizes))
        args = [*disc.form.coords, *disc.form.parameters]
        self._parameter_symbols = set(disc.form.parameters)
        self._time = disc.problem.time
        self._equations: list[_Equation] = []
        self.equations = list(equations)
        for row_field, expr in equations:
            rows = disc.free(row_field)
            atoms = disc.form.atoms_in(expr)
            eq = _Equation(
                row_field,
                rows,
                [x[rows] for x in disc.grid.coordinates],
                sp.lambdify(args + [a.symbol for a in atoms], expr, modules="numpy"),
            )
            state_symbols = {a.symbol for a in atoms}
            for atom in atoms:
                eq.terms.append(self._term(eq, atom, expr, args, atoms, state_symbols))
            self._equations.append(eq)
        self.rows = int(sum(len(e.rows) for e in self._equations))
        self.linear = all(t.constant for e in self._equations for t in e.terms)

    @property
    def pointwise_equations(self) -> list[_Equation]:
        """Per equation: its rows, coordinates at the rows, and its terms (atom, operator, offset)."""
        return self._equations

    def _selector(self, block: Block) -> sparse.csr_matrix:
        n, start = self.sizes[block], self.offsets[block]
        return sparse.csr_matrix((np.ones(n), (np.arange(n), start + np.arange(n))), shape=(n, self.size))

    def _term(
        self, eq: _Equation, atom: Atom, expr: sp.Expr, args: list, atoms: list[Atom], state_symbols: set
    ) -> _Term:
        disc = self.disc
        field_to_state = None
        if atom.is_spatial:
            block: Block = (atom.field, 0)
            if block not in self.offsets:
                raise AssertionError(f"no state block for {block}")
            if atom.power == 1:
                full_op, offset = disc.operator(atom.field, atom.space)
                rows_op = full_op[eq.rows]
                to_state = (rows_op @ disc.boundary[atom.field].E @ self._selector(block)).tocsr()
            else:  # the plain stencil applied to U^p; its Jacobian depends on U
                rows_op, offset = disc.stencil(atom.space)[eq.rows], None
                field_to_state = (disc.boundary[atom.field].E @ self._selector(block)).tocsr()
                to_state = sparse.csr_matrix((len(eq.rows), self.size))
        else:
            block = (atom.field, atom.time)
            if block not in self.offsets:
                raise AssertionError(f"no state block for {block}")
            if not np.array_equal(disc.free(atom.field), eq.rows):
                raise MethodNotApplicable(
                    f"the equation for '{eq.field}' uses a time derivative of '{atom.field}', and the two fields have "
                    "boundary conditions of different kinds; the finite-difference reference cannot couple them."
                )
            rows_op, offset = None, None
            to_state = self._selector(block)
        derivative = sp.diff(expr, atom.symbol)
        if derivative == 0:
            return _Term(atom, block, rows_op, offset, to_state, None, True, False, field_to_state)
        constant = not (derivative.free_symbols & state_symbols) and atom.power == 1
        if self._time is not None and self._time in derivative.free_symbols:
            constant = False
        parametric = constant and bool(derivative.free_symbols & self._parameter_symbols)
        partial = sp.lambdify(args + [a.symbol for a in atoms], derivative, modules="numpy")
        return _Term(atom, block, rows_op, offset, to_state, partial, constant, parametric, field_to_state)

    # -- evaluation -------------------------------------------------------------------------

    def block(self, y: np.ndarray, block: Block) -> np.ndarray:
        start = self.offsets[block]
        return y[start : start + self.sizes[block]]

    def full_fields(self, y: np.ndarray, t: float = 0.0) -> dict[str, np.ndarray]:
        """The full nodal vector of every field with a value block in the state."""
        return {name: self.disc.boundary[name].full(self.block(y, (name, j)), t) for name, j in self.blocks if j == 0}

    @property
    def parametric(self) -> bool:
        """Whether evaluations take the values of kept parameters (see the class docstring)."""
        return bool(self._parameter_symbols)

    def _parameter_arguments(self, y: np.ndarray, parameters: np.ndarray | None) -> list:
        if not self._parameter_symbols:
            return []
        if parameters is None:
            raise ValueError("this discretisation kept parameters symbolic: pass their values")
        values = np.asarray(parameters, dtype=float)
        if y.ndim == 1:
            return [float(v) for v in values.reshape(-1)]
        return [row.reshape(1, -1) for row in values.reshape(len(self._parameter_symbols), -1)]

    def _arguments(
        self,
        eq: _Equation,
        y: np.ndarray,
        t: float,
        full: dict[str, np.ndarray],
        cache: dict,
        parameters: np.ndarray | None = None,
    ) -> list:
        values = []
        for term in eq.terms:
            if term.rows_op is None:
                values.append(self.block(y, term.block))
            else:
                key = (term.atom.key, id(eq.rows))
                if key not in cache:
                    cache[key] = term.rows_op @ full[term.atom.field] ** term.atom.power
                    if term.offset is not None:
                        cache[key] = cache[key] + _column(term.offset(t)[eq.rows], y)
                values.append(cache[key])
        return [
            *(_column(c, y) for c in eq.coords),
            *([t] if self._time is not None else []),
            *self._parameter_arguments(y, parameters),
            *values,
        ]

    def evaluate(self, y: np.ndarray, t: float = 0.0, parameters: np.ndarray | None = None) -> np.ndarray:
        """The equations at their rows, concatenated (length `rows`).

        ``y`` may also be a batch of states, shape (size, k): the result is then (rows, k), one column per state
        (and ``parameters``, when the discretisation kept any, (p, k): one column of values per state).
        """
        full = self.full_fields(y, t)
        cache: dict = {}
        out = []
        for eq in self._equations:
            value = eq.function(*self._arguments(eq, y, t, full, cache, parameters))
            out.append(np.broadcast_to(np.asarray(value, dtype=float), (len(eq.rows), *y.shape[1:])))
        return np.concatenate(out) if out else np.zeros((0, *y.shape[1:]))

    def partials(
        self, index: int, y: np.ndarray, t: float = 0.0, parameters: np.ndarray | None = None
    ) -> dict[tuple, np.ndarray]:
        """∂f/∂a at the rows of equation ``index``, for each atom key it depends on."""
        eq = self._equations[index]
        arguments = self._arguments(eq, y, t, self.full_fields(y, t), {}, parameters)
        return {
            term.atom.key: np.broadcast_to(np.asarray(term.partial(*arguments), dtype=float), (len(eq.rows),))
            for term in eq.terms
            if term.partial is not None
        }

    def jacobian(self, y: np.ndarray, t: float = 0.0, parameters: np.ndarray | None = None) -> sparse.csr_matrix:
        """∂(evaluate)/∂y, sparse (rows × size), at one state (and one value of each kept parameter)."""
        full = self.full_fields(y, t) if not self.linear or self.parametric else {}
        cache: dict = {}
        parts = []
        for eq in self._equations:
            if eq.constant_jacobian is None:
                eq.constant_jacobian = self._assemble(
                    eq,
                    [term for term in eq.terms if term.constant and not term.parametric],
                    self._arguments(eq, y, t, self.full_fields(y, t), {}, parameters),
                )
            jac = eq.constant_jacobian
            varying = [term for term in eq.terms if (term.parametric or not term.constant) and term.partial is not None]
            if varying:
                jac = jac + self._assemble(eq, varying, self._arguments(eq, y, t, full, cache, parameters), full)
            parts.append(jac)
        return sparse.vstack(parts, format="csr") if parts else sparse.csr_matrix((0, self.size))

    def batch_jacobian(self, y: np.ndarray, t: float = 0.0, parameters: np.ndarray | None = None) -> sparse.csr_matrix:
        """The block-diagonal Jacobian of a batch of k states (size, k), draw-major: (k·rows × k·size).

        Block i is `jacobian` at state i (and parameter column i); every partial derivative is
        evaluated once for the whole batch, so a random field's modes are not recomputed per draw.
        """
        k = y.shape[1]
        full = self.full_fields(y, t)
        cache: dict = {}
        draws = np.arange(k)[:, None]
        rows, cols, values = [], [], []
        offset = 0
        for eq in self._equations:
            n = len(eq.rows)
            arguments = self._arguments(eq, y, t, full, cache, parameters)
            for term in eq.terms:
                if term.partial is None:
                    continue
                scale = np.broadcast_to(np.asarray(term.partial(*arguments), dtype=float), (n, k))
                if term.field_to_state is None:
                    pieces = [(term.to_state.tocoo(), None)]
                else:  # ∂(L U^p)/∂y = L diag(p U^{p-1}) E differs per draw
                    power = term.atom.power
                    u = full[term.atom.field]
                    pieces = [
                        ((term.rows_op @ sparse.diags(power * u[:, i] ** (power - 1)) @ term.field_to_state).tocoo(), i)
                        for i in range(k)
                    ]
                for coo, draw in pieces:
                    at = draws if draw is None else np.array([[draw]])
                    rows.append((at * self.rows + offset + coo.row[None, :]).ravel())
                    cols.append((at * self.size + coo.col[None, :]).ravel())
                    values.append((scale[coo.row][:, at.ravel()].T * coo.data[None, :]).ravel())
            offset += n
        shape = (k * self.rows, k * self.size)
        if not rows:
            return sparse.csr_matrix(shape)
        return sparse.csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=shape)

    def _assemble(
        self, eq: _Equation, terms: list[_Term], arguments: list, full: dict[str, np.ndarray] | None = None
    ) -> sparse.csr_matrix:
        n = len(eq.rows)
        jac = sparse.csr_matrix((n, self.size))
        for term in terms:
            if term.partial is None:
                continue
            scale = np.broadcast_to(np.asarray(term.partial(*arguments), dtype=float), (n,))
            to_state = term.to_state
            if term.field_to_state is not None:  # ∂(L U^p)/∂y = L diag(p U^{p-1}) E
                u = full[term.atom.field]
                power = term.atom.power
                to_state = term.rows_op @ sparse.diags(power * u ** (power - 1)) @ term.field_to_state
            jac = jac + sparse.diags(scale) @ to_state
        return jac.tocsr()


def _column(values: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-row ``values`` shaped to broadcast against the rows of ``y`` (a state, or a batch of states (size, k))."""
    return values if y.ndim == 1 else values.reshape(len(values), *(1,) * (y.ndim - 1))
