"""The settings of ``pinnsolve generate`` (a light module: the CLI reads it to make its flags)."""

from __future__ import annotations

from dataclasses import dataclass

from pinnsolve.methods.contract import setting

__all__ = ["GenerateSettings"]


@dataclass
class GenerateSettings:
    """What ``pinnsolve generate`` sets; the defaults reach the targets of validation/GENERATIVE.md."""

    train_samples: int = setting(1000, "Monte Carlo reference solves that train the model")
    samples: int = setting(10_000, "fields drawn from the trained model")
    physics_weight: float = setting(0.0, "weight of the discretised residual of generated fields (0: data only)")
    conditional: bool = setting(True, "condition the model on the random inputs (sampling draws them exactly)")
    steps: int = setting(3000, "optimiser steps (generator steps for the GAN)")
    batch: int = setting(256, "minibatch size")
    lr: float = setting(2e-3, "Adam learning rate (cosine decay to 1/50)")
    width: int = setting(128, "hidden units per layer")
    depth: int = setting(3, "hidden layers")
    sampler: str = setting("ddpm", "diffusion: ancestral DDPM or deterministic DDIM", choices=["ddpm", "ddim"])
    reference_solves: int = setting(1000, "Monte Carlo solves of the reference law when the problem has no exact law")
