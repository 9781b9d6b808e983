"""From a symbolic Problem to torch: compiled residuals and derivative engines."""

from __future__ import annotations

from pinnsolve.residual.compile import (
    CompiledExpression,
    compile_expression,
    normal_symbols,
    numpy_function,
    torch_function,
)
from pinnsolve.residual.engine import ENGINE_NAMES, AutogradEngine, get_engine
from pinnsolve.residual.keys import DerivativeKey
from pinnsolve.residual.taylor import TaylorEngine

__all__ = [
    "AutogradEngine",
    "CompiledExpression",
    "DerivativeKey",
    "ENGINE_NAMES",
    "TaylorEngine",
    "compile_expression",
    "get_engine",
    "normal_symbols",
    "numpy_function",
    "torch_function",
]
