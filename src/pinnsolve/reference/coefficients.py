"""The local coefficients of a semi-discrete system: diffusion, advection and rate per axis.

Linearising the pointwise right-hand side :math:`F(u, u_{x_i}, u_{x_i x_i}, \\dots)` gives

.. math::
    \\kappa_i = \\max\\Bigl|\\frac{\\partial F}{\\partial u_{x_i x_i}}\\Bigr|, \\quad
    a_i = \\max\\Bigl|\\frac{\\partial F}{\\partial u_{x_i}}\\Bigr|, \\quad
    r = \\max\\Bigl|\\frac{\\partial F}{\\partial u}\\Bigr|,

maxima over the nodes and the fields (each field's own derivatives). They set the explicit
stability limit (`ftcs`) and the cell Péclet number :math:`a_i h_i / \\kappa_i`, above 2 of
which central differences oscillate (and, for u·u_x, may blow up).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pinnsolve.reference.evolution import Evolution

__all__ = ["Coefficients", "coefficients"]


@dataclass(frozen=True)
class Coefficients:
    kappa: np.ndarray  # per space axis
    speed: np.ndarray  # per space axis
    rate: float

    def peclet(self, spacings: tuple[float, ...]) -> np.ndarray:
        """Cell Péclet number per axis; 0 where there is no diffusion (pure advection, for which
        central differences are not dissipative and the number does not apply)."""
        h = np.asarray(spacings)
        safe = np.where(self.kappa > 0, self.kappa, 1.0)
        return np.where(self.kappa > 0, self.speed * h / safe, 0.0)


def coefficients(evolution: Evolution, y: np.ndarray | None = None, t: float | None = None) -> Coefficients:
    """κ, a and r at state ``y`` and time ``t`` (default: the initial state)."""
    disc = evolution.disc
    y = evolution.initial_state() if y is None else y
    t = disc.problem.time.lo if t is None else t
    dims = len(disc.grid.axes)
    kappa, speed, rate = np.zeros(dims), np.zeros(dims), 0.0
    for index, name in enumerate(disc.form.fields):
        partials = evolution.system.partials(index, y, t)

        free = disc.free(name)
        u = evolution.system.full_fields(y, t)[name][free] if (name, 0) in evolution.system.offsets else 0.0

        def partial(orders: tuple[int, ...], power: int = 1, name: str = name, partials: dict = partials) -> np.ndarray:
            values = partials.get((name, orders, 0, power))
            return np.abs(values) if values is not None and len(values) else np.zeros(1)

        for k in range(dims):
            first = tuple(1 if j == k else 0 for j in range(dims))
            kappa[k] = max(kappa[k], float(np.max(partial(tuple(2 if j == k else 0 for j in range(dims))))))
            # the skew-symmetric (u²)_x term advects with speed 2u times its coefficient
            advect = partial(first) + 2 * np.abs(u) * partial(first, 2)
            speed[k] = max(speed[k], float(np.max(advect)))
        rate = max(rate, float(np.max(partial((0,) * dims))))
    return Coefficients(kappa, speed, rate)
