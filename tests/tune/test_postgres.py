"""Two worker processes share one study through a real PostgreSQL server (see conftest.py)."""

from __future__ import annotations

import json

import optuna
import pytest

from pinnsolve.cli import main
from pinnsolve.tune.study import storage_url

SPACE = "width=4:16,depth=1:2,lr=1e-3:3e-2:log,activation=tanh|sin,steps=150,lbfgs_steps=0,points=32"


@pytest.mark.slow
def test_two_workers_share_a_study_through_postgresql(postgres_url, problems_dir, tmp_path):
    out = tmp_path / "study"
    assert (
        main(
            [
                "tune",
                str(problems_dir / "decay.py"),
                "--trials",
                "2",
                "--space",
                SPACE,
                "--workers",
                "2",
                "--threads",
                "2",
                "--storage",
                postgres_url,
                "--study",
                "shared",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    study = optuna.load_study(study_name="shared", storage=storage_url(postgres_url, out))
    assert len(study.trials) == 2 and all(t.state.name == "COMPLETE" for t in study.trials)
    workers = {t.user_attrs["worker"] for t in study.trials}
    assert len(workers) == 2, workers
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["best_value"] == min(t.value for t in study.trials) and "tune.db" not in metrics["storage"]
    assert not (out / "tune.db").exists()
