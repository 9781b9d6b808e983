"""Neural methods, looked up by name: each builds a model and its loss from a Problem."""

from __future__ import annotations

from typing import Callable

from pinnsolve.methods import autoencoder, ffnn, pinn, rnn, trial
from pinnsolve.methods import deepxde as _deepxde  # noqa: F401  (registers --method deepxde)
from pinnsolve.methods.base import MethodNotApplicable, Setup
from pinnsolve.methods.settings import MethodSettings

METHODS: dict[str, Callable[..., Setup]] = {"pinn": pinn.build, "trial": trial.build, "ffnn": ffnn.build,
                                               "rnn": rnn.build, "autoencoder": autoencoder.build}


def get_method(name: str) -> Callable[..., Setup]:
    """The builder registered under ``name``; an unknown name lists the known ones."""
    if name not in METHODS:
        raise KeyError(f"unknown method '{name}'; known: {', '.join(sorted(METHODS))}")
    return METHODS[name]


__all__ = ["METHODS", "MethodNotApplicable", "MethodSettings", "Setup", "get_method"]
