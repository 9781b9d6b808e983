r"""The physics term of ``--physics-weight``: the discretised equations evaluated on generated fields.

A conditional model generates, for the draw :math:`\xi^{(i)}` of a training field, a field
:math:`\tilde U^{(i)}` on the grid. Its Crank–Nicolson step defect
(`pinnsolve.reference.torch_system.TorchSystem.step_defect`, the same measure the rnn's physics
loss uses) with the equations at :math:`\xi^{(i)}` is zero on the scheme's own solution; its
mean square, in units of the fields' spread, keeps generated fields on the equation's
manifold when training fields are few (the PI-GAN / PI-VAE idea: Yang, Zhang & Karniadakis,
*SIAM J. Sci. Comput.* 42, 2020; Zhong & Meidani, *CMAME* 2023).

One `TorchSystem` is assembled per draw (the coefficients depend on it), for the first
`MAX_DRAWS` training draws; each step evaluates `PER_STEP` of them.
"""

from __future__ import annotations

import numpy as np
import torch

from pinnsolve.dsl.problem import Problem
from pinnsolve.errors import SettingsError
from pinnsolve.generative.encoding import Whitening
from pinnsolve.generative.law import RandomInputs
from pinnsolve.generative.montecarlo import MonteCarlo, drawn_problem
from pinnsolve.reference.discretise import Discretisation
from pinnsolve.reference.evolution import Evolution
from pinnsolve.reference.grid import make_grid
from pinnsolve.reference.torch_system import TorchSystem

__all__ = ["DrawResiduals"]

MAX_DRAWS = 64
PER_STEP = 8


class DrawResiduals:
    """physics(y, index): mean squared step defect of the decoded fields of training draws ``index``."""

    def __init__(self, problem: Problem, mc: MonteCarlo, whitening: Whitening) -> None:
        if problem.time is None:
            raise SettingsError(
                f"--physics-weight: '{problem.name}' is steady; the physics term is the time-step "
                "defect of time-dependent problems. Leave --physics-weight out."
            )
        self.whitening = whitening
        self.times = mc.axes[problem.time.name]
        self.scale = float(np.std(mc.fields)) or 1.0
        self.field = mc.field
        self.systems, self.free = [], None
        inputs = RandomInputs.of(problem).names
        sizes = {k: len(v) for k, v in mc.axes.items()}
        for i in range(min(MAX_DRAWS, len(mc.inputs))):
            drawn = drawn_problem(problem, dict(zip(inputs, map(float, mc.inputs[i]))))
            disc = Discretisation(drawn, make_grid(drawn, sizes))
            self.systems.append(TorchSystem(Evolution(disc), torch.float32))
            self.free = torch.as_tensor(np.asarray(disc.boundary[self.field].free), dtype=torch.long)

    def __call__(self, y: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        keep = [b for b, i in enumerate(index.tolist()) if i < len(self.systems)][:PER_STEP]
        if not keep:
            return y.new_zeros(())
        fields = self.whitening.decode_torch(y[keep]).reshape(len(keep), *self.whitening.shape)
        total = y.new_zeros(())
        for b, i in zip(keep, index[keep].tolist()):
            nodal = fields[keep.index(b)].reshape(-1, len(self.times))  # (nodes, times); an ODE has one node
            states = nodal[self.free].T if nodal.shape[0] > 1 else nodal.T
            defect = self.systems[i].step_defect(states, self.times)
            total = total + (defect / self.scale).square().mean()
        return total / len(keep)
