"""Regime classifiers: logistic regression (the baseline), an MLP, a 1-D/2-D CNN and a GRU.

Every model is a `Fitted` pipeline: standardise each input entry (median and median absolute
deviation over the training samples), optionally project on principal components (``latent``), then
classify. Weights and normalisation are kept as plain arrays (``model.npz``: no pickle), so
``pinnsolve classify --predict`` rebuilds the model from its spec and arrays alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pinnsolve.classify.training import class_weights, train_torch
from pinnsolve.errors import SettingsError

__all__ = ["MODELS", "Fitted", "fit_model", "load_fitted"]

MODELS = {
    "logistic": "L2-regularised logistic regression on the standardised features (scikit-learn; baseline)",
    "mlp": "two hidden layers of 64 tanh units on the flattened features",
    "cnn": "convolutions over time (1-D) or over space-time (2-D), pooled, then a linear read-out",
    "rnn": "a GRU (32 units) reading the time series step by step; its last state is classified",
}
LATENT = 8


def _require_sklearn():
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise SettingsError(
            "--model logistic needs scikit-learn: pip install scikit-learn (or "
            "pip install 'pinnsolve[classify]'), or choose --model mlp."
        ) from None


def _net(spec: dict[str, Any]):
    """The torch module of ``spec`` (model, input shape (channels, *grid) or (features,), classes)."""
    import torch
    from torch import nn

    kind, shape, k = spec["model"], tuple(spec["input_shape"]), spec["classes"]
    if kind == "mlp":
        width = int(np.prod(shape))
        return nn.Sequential(
            nn.Flatten(), nn.Linear(width, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, k)
        )
    if kind == "cnn":
        conv, pool = (nn.Conv1d, nn.AdaptiveAvgPool1d) if len(shape) == 2 else (nn.Conv2d, nn.AdaptiveAvgPool2d)
        size = 8 if len(shape) == 2 else (4, 4)
        cells = 8 if len(shape) == 2 else 16
        return nn.Sequential(
            conv(shape[0], 16, 5, padding=2),
            nn.ReLU(),
            conv(16, 32, 5, padding=2, stride=2),
            nn.ReLU(),
            pool(size),
            nn.Flatten(),
            nn.Linear(32 * cells, k),
        )

    class GRUClassifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.gru = nn.GRU(int(np.prod(shape[:-1])), 32, batch_first=True)
            self.out = nn.Linear(32, k)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            seq = x.reshape(x.shape[0], -1, x.shape[-1]).transpose(1, 2)
            return self.out(self.gru(seq)[1][-1])

    return GRUClassifier()


def _initialise(net, generator) -> None:
    """Glorot-uniform weights and zero biases drawn from ``generator`` (no global seed touched)."""
    import torch

    with torch.no_grad():
        for _name, p in net.named_parameters():
            if p.ndim < 2:
                p.zero_()
                continue
            fan_in, fan_out = p.shape[1] * int(np.prod(p.shape[2:])), p.shape[0] * int(np.prod(p.shape[2:]))
            bound = float(np.sqrt(6.0 / (fan_in + fan_out)))
            p.copy_((torch.rand(p.shape, generator=generator, dtype=p.dtype) * 2 - 1) * bound)


@dataclass
class Fitted:
    """A trained classifier: spec (JSON-ready) and arrays (normalisation, PCA, weights)."""

    spec: dict[str, Any]
    arrays: dict[str, np.ndarray]
    net: Any = None
    report: Any = None

    def state_dict(self) -> dict[str, Any]:
        """Every array as a torch tensor: what model.pt holds (loadable with ``weights_only=True``)."""
        import torch

        return {k: torch.as_tensor(np.asarray(v, dtype=np.float64)) for k, v in self.arrays.items()}

    def _inputs(self, x: np.ndarray) -> np.ndarray:
        z = (np.asarray(x, dtype=float) - self.arrays["mean"]) / self.arrays["std"]
        if "pca_components" in self.arrays:
            z = z.reshape(len(z), -1) @ self.arrays["pca_components"].T
        return z

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities (n, classes) of raw features x (n, *input_shape)."""
        z = self._inputs(x)
        if self.spec["model"] == "logistic":
            logits = z.reshape(len(z), -1) @ self.arrays["coef"].T + self.arrays["intercept"]
            if logits.shape[1] == 1:
                logits = np.concatenate([-logits / 2, logits / 2], axis=1)
        else:
            import torch

            if self.net is None:
                self.net = _net(self.spec)
                state = {k[4:]: torch.as_tensor(v) for k, v in self.arrays.items() if k.startswith("net.")}
                self.net.load_state_dict(state)
            self.net.eval()
            with torch.no_grad():
                logits = self.net(torch.as_tensor(z, dtype=torch.float32)).double().numpy()
        logits = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)


def robust_scale(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre (median) and scale (1.4826 × median absolute deviation, else the standard deviation, else 1)
    of each input entry: a few samples that blew up cannot squeeze all others into one point."""
    centre = np.median(x, axis=0)
    scale = 1.4826 * np.median(np.abs(x - centre), axis=0)
    spread = x.std(axis=0)
    tiny = 1e-12 * (np.abs(centre).max() + 1e-300)
    scale = np.where(scale > tiny, scale, np.where(spread > tiny, spread, 1.0))
    return centre, scale


def _validation_split(y: np.ndarray, rng: np.random.Generator, fraction: float = 0.2) -> np.ndarray:
    """A stratified boolean mask of about ``fraction`` of the samples, held out for look-back stopping."""
    mask = np.zeros(len(y), dtype=bool)
    for k in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == k))
        mask[idx[: max(1, round(fraction * len(idx)))] if len(idx) > 1 else []] = True
    return mask


def fit_model(
    model: str,
    x: np.ndarray,
    y: np.ndarray,
    classes: int,
    rng: np.random.Generator,
    *,
    latent: bool = False,
    lookback: int = 20,
    max_epochs: int = 300,
    c: float = 100.0,
) -> Fitted:
    """Train ``model`` on features x (n, *shape) with labels y; see the module docstring."""
    if model not in MODELS:
        raise SettingsError(f"--model {model} is not known; choose one of {', '.join(MODELS)}.")
    x = np.asarray(x, dtype=float)
    arrays: dict[str, np.ndarray] = dict(zip(("mean", "std"), robust_scale(x)))
    z = (x - arrays["mean"]) / arrays["std"]
    shape = list(x.shape[1:])
    if latent:
        flat = z.reshape(len(z), -1)
        _, _, vt = np.linalg.svd(flat - flat.mean(axis=0), full_matrices=False)
        arrays["pca_components"] = vt[: min(LATENT, len(vt))]
        z = flat @ arrays["pca_components"].T
        shape = [z.shape[1]]
    spec = {
        "model": model,
        "input_shape": shape,
        "feature_shape": list(x.shape[1:]),
        "classes": classes,
        "latent": bool(latent),
    }
    weights = class_weights(y, classes)
    if model == "logistic":
        _require_sklearn()
        from sklearn.linear_model import LogisticRegression

        fit = LogisticRegression(C=c, class_weight={k: w for k, w in enumerate(weights)}, max_iter=5000)
        fit.fit(z.reshape(len(z), -1), y)
        arrays.update(coef=fit.coef_, intercept=fit.intercept_)
        return Fitted({**spec, "C": c}, arrays)
    if model in ("cnn", "rnn") and (latent or len(shape) < 2):
        raise SettingsError(
            f"--model {model} reads a time series or a field, not a latent vector: use "
            "--features field or trajectory with it, or --model logistic/mlp with latent."
        )
    import torch

    generator = torch.Generator().manual_seed(int(rng.integers(2**31)))
    net = _net(spec)
    _initialise(net, generator)
    val = _validation_split(y, rng)
    report = train_torch(
        net, z[~val], y[~val], z[val], y[val], weights, generator=generator, lookback=lookback, max_epochs=max_epochs
    )
    arrays.update({f"net.{k}": v.detach().double().numpy() for k, v in net.state_dict().items()})
    return Fitted(
        {**spec, "lookback": lookback, "best_epoch": report.best_epoch, "epochs": report.epochs}, arrays, net, report
    )


def load_fitted(spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> Fitted:
    """A `Fitted` rebuilt from what `pinnsolve classify` saved (spec from config.json, arrays from model.npz)."""
    return Fitted(dict(spec), {k: np.asarray(v) for k, v in arrays.items()})
