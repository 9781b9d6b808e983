"""Regime classification: which regime is this solution in? Learned from simulations over parameter
ranges, judged against the analytic boundary (`pinnsolve classify`)."""

from __future__ import annotations

from pinnsolve.classify.dataset import Dataset, build_dataset
from pinnsolve.classify.method import Classifier, ClassifySettings
from pinnsolve.classify.models import MODELS, fit_model
from pinnsolve.classify.training import fit_lookback

__all__ = ["MODELS", "Classifier", "ClassifySettings", "Dataset", "build_dataset", "fit_lookback", "fit_model"]
