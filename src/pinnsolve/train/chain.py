"""The optimizer chain: ``--optimizer adam:2000,lbfgs:1000`` parsed in one place.

A chain is a comma-separated list of stages ``name[:steps]`` run in order. A stage without a
count takes its share of the default budget: first-order and derivative-free optimizers the
Adam phase's steps (``--steps``), second-order ones the L-BFGS phase's (``--lbfgs-steps``).
"""

from __future__ import annotations

from dataclasses import dataclass

from pinnsolve.errors import SettingsError


@dataclass(frozen=True)
class StageSpec:
    name: str
    steps: int | None = None

    def __str__(self) -> str:
        return self.name if self.steps is None else f"{self.name}:{self.steps}"


def _known() -> dict[str, type]:
    from pinnsolve.train.optimizers import OPTIMIZERS

    return OPTIMIZERS


def parse_chain(text: str) -> list[StageSpec]:
    """``"adam:2000,lbfgs"`` → [StageSpec("adam", 2000), StageSpec("lbfgs", None)], or a `SettingsError`."""
    known = _known()
    items = [item.strip() for item in str(text).split(",")]
    if not text or not text.strip() or any(not item for item in items):
        raise SettingsError(
            f"--optimizer '{text}' has an empty stage. Give comma-separated stages name[:steps], e.g. "
            f"--optimizer adam:2000,lbfgs:1000; known names: {', '.join(sorted(known))}."
        )
    stages = []
    for item in items:
        name, sep, count = (part.strip() for part in item.partition(":"))
        if name.lower() not in known:
            raise SettingsError(
                f"--optimizer: unknown optimizer '{name}' in '{text}'. Known: {', '.join(sorted(known))} "
                "(e.g. --optimizer adam:2000,lbfgs:1000)."
            )
        steps = None
        if sep:
            try:
                steps = int(count)
            except ValueError:
                steps = -1
            if steps < 0:
                raise SettingsError(
                    f"--optimizer: '{item}' has the step count '{count}'; give a whole number of steps ≥ 0 after "
                    f"the colon (e.g. {name}:1000), or leave ':{count}' out for the default budget."
                )
        stages.append(StageSpec(name.lower(), steps))
    return stages


def resolve_chain(text: str | None, first: int, second: int) -> list[StageSpec]:
    """Every stage with its count: ``text`` None is the default chain adam:first,lbfgs:second."""
    if text is None:
        return [StageSpec("adam", first), StageSpec("lbfgs", second)]
    known = _known()
    return [
        s if s.steps is not None else StageSpec(s.name, first if known[s.name].share == "first" else second)
        for s in parse_chain(text)
    ]


def chain_text(stages: list[StageSpec]) -> str:
    return ",".join(str(s) for s in stages)
