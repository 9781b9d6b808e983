"""Every method pinnsolve ships, registered: import this before listing or looking up methods by name.

A method registers itself when its module is imported (`pinnsolve.methods.contract.Method`); the
packages that define methods sit side by side in one layer and cannot import each other, so this
module, one layer above them, imports each once. A new package of methods adds one line here.
"""

from __future__ import annotations

from pinnsolve import methods as _methods  # noqa: F401  pinn, trial, ffnn, rnn, autoencoder, fd, deepxde
from pinnsolve import quantum as _quantum  # noqa: F401  vmc, pinn-eigen
from pinnsolve.classify import method as _classify  # noqa: F401  classify
from pinnsolve.generative import method as _generative  # noqa: F401  vae, gan, diffusion
from pinnsolve.methods.contract import METHODS, get_method

__all__ = ["METHODS", "default_method", "get_method"]

#: the method a problem kind is solved with when no --method is given
DEFAULTS = {"pde": "pinn", "schrodinger": "vmc"}


def default_method(problem: object) -> str:
    """The default method for ``problem``'s kind (pinn for a PDE problem)."""
    from pinnsolve.dsl.kinds import problem_kind

    return DEFAULTS.get(problem_kind(problem), "pinn")
