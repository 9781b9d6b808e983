"""Networks: MLPs with scaled inputs (later: RNNs, autoencoders)."""

from __future__ import annotations

from pinnsolve.nets.autoencoder import ConvAutoencoder, LatentMLPStep, MLPAutoencoder
from pinnsolve.nets.mlp import ACTIVATIONS, INITIALISERS, MLP

__all__ = ["ACTIVATIONS", "INITIALISERS", "MLP", "ConvAutoencoder", "LatentMLPStep", "MLPAutoencoder"]
