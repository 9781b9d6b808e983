"""Steady heat in a square plate with a round hole, on a mesh made by the project.

Δu = 0 on the plate [-1, 1]² less the disk r < R = 0.4, read from meshes/plate_hole.msh
(made by meshes/make_plate_hole.py; its physical groups "outer" and "hole" name the two
boundaries). The exact solution is a uniform gradient bent around the hole plus a source of
strength q in it:  u = x (1 + R²/r²) + q ln(r/R).  The outer edge holds u at its exact value
(Dirichlet); through the hole flows ∂u/∂n = −q/R, n being the plate's outward normal, which
points into the hole (Neumann).

A relative mesh path is resolved against this file's directory, so the problem runs from
anywhere.
"""

from pinnsolve import Dirichlet, Eq, Field, Neumann, Problem, Space, laplacian, log
from pinnsolve.geometry import MeshDomain

x = Space("x")
y = Space("y")
u = Field("u", x, y)
R, q = 0.4, 0.5
u_exact = x * (1 + R**2 / (x**2 + y**2)) + q * log((x**2 + y**2) / R**2) / 2

problem = Problem(
    "plate_hole",
    equations=[Eq(laplacian(u), 0)],
    domain=MeshDomain("meshes/plate_hole.msh", coords=(x, y)),
    conditions=[
        Dirichlet(u, u_exact, on="outer"),
        Neumann(u, -q / R, on="hole"),
    ],
    exact={u: u_exact},
)
