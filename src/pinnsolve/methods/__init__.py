"""Methods, looked up by name: each a plugin on the contract of `pinnsolve.methods.contract`.

Adding a method is one module with ``class X(Method, name="x")`` (or ``NeuralMethod`` for a
model trained by the `Trainer`) and one import line below (the import registers it).
"""

from __future__ import annotations

from pinnsolve.errors import MethodNotApplicable

# each import registers its methods
from pinnsolve.methods import autoencoder, deepxde, fd, ffnn, pinn, rnn, trial  # noqa: E402,F401,I001
from pinnsolve.methods.contract import (
    METHODS,
    Context,
    Method,
    NoSettings,
    Outcome,
    get_method,
    setting,
    settings_dict,
    settings_fields,
    settings_from,
)
from pinnsolve.methods.neural import NeuralMethod, Objective, Setup

__all__ = [
    "METHODS",
    "Context",
    "Method",
    "MethodNotApplicable",
    "NeuralMethod",
    "NoSettings",
    "Objective",
    "Outcome",
    "Setup",
    "get_method",
    "setting",
    "settings_dict",
    "settings_fields",
    "settings_from",
]
