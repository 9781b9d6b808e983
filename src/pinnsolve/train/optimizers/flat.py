"""The parameters as one flat vector θ, for the dense second-order methods."""

from __future__ import annotations

import torch


def flatten(params: list[torch.Tensor]) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for p in params])


def assign(params: list[torch.Tensor], theta: torch.Tensor) -> None:
    """Write θ into the parameters in place (the optimizers and checkpoints keep their tensors)."""
    offset = 0
    with torch.no_grad():
        for p in params:
            n = p.numel()
            p.copy_(theta[offset : offset + n].view_as(p))
            offset += n


def size(params: list[torch.Tensor]) -> int:
    return sum(p.numel() for p in params)


#: the most parameters a dense P × P matrix (Gram matrix, inverse Hessian) is built for:
#: 4000² float64 is 128 MB, and one Cholesky factorisation ~2·10¹⁰ flops (seconds on one core)
DENSE_LIMIT = 4000


def refuse_large(name: str, n: int, limit: int = DENSE_LIMIT) -> None:
    from pinnsolve.errors import SettingsError

    if n > limit:
        raise SettingsError(
            f"--optimizer {name} builds a dense {n} × {n} matrix over the network's {n} parameters, more than the "
            f"{limit} it is made for (memory grows as P², each step as P³). Use a smaller network (e.g. --width 20 "
            "--depth 3 has under a thousand parameters for two coordinates), or lbfgs, which keeps a few vectors "
            "instead of the matrix."
        )
