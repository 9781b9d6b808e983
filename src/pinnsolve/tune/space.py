"""The search space of ``pinnsolve tune --space``: a small grammar, parsed once with clear errors.

A space is a comma-separated list of ``name=range`` items:

- ``width=16:128``          an integer range (inclusive) for an integer setting,
- ``lr=1e-4:1e-2:log``      a real range, sampled uniformly in log(lr),
- ``activation=tanh|sin``   a choice among names,
- ``steps=500``             a fixed value, the same for every trial (no search).

The names are those of ``pinnsolve solve``'s flags (``boundary-points`` or ``boundary_points``);
``weight.bc=0.1:10:log`` searches one loss weight (as ``--weight bc=W``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pinnsolve.errors import PinnsolveError

#: the settings a space may search, with their type: int, float or a tuple of allowed names
INTEGER = ("width", "depth", "points", "boundary_points", "steps", "lbfgs_steps", "latent", "seed")
REAL = ("lr", "physics_weight", "horizon")
CHOICE = ("activation", "init", "sampler", "derivatives", "cell", "encoder")


#: a trial's steps when --space fixes none (Adam steps, L-BFGS iterations). heat1d over the default space costs
#: ~0.16 s of one core per Adam step on average (5 ms at width 16, depth 2, 1000 points; 1 s at 128, 6, 8000;
#: an L-BFGS iteration ~2 Adam steps), so a trial takes ~40 s and 30 trials on 2 workers ~10 min
TRIAL_BUDGET = {"steps": 150, "lbfgs_steps": 50}


class SpaceError(PinnsolveError):
    """A --space item that cannot be understood; the message names the item and the fix."""


@dataclass(frozen=True)
class Dimension:
    """One searched (or fixed) setting: an int or real range, a choice, or a fixed value."""

    name: str
    kind: str  # "int", "float", "choice" or "fixed"
    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: tuple[str, ...] = ()
    value: Any = None

    def suggest(self, trial: Any) -> Any:
        """Draw this setting's value for an Optuna trial."""
        if self.kind == "int":
            return trial.suggest_int(self.name, int(self.low), int(self.high), log=self.log)
        if self.kind == "float":
            return trial.suggest_float(self.name, self.low, self.high, log=self.log)
        if self.kind == "choice":
            return trial.suggest_categorical(self.name, list(self.choices))
        return self.value


def known_names() -> list[str]:
    return sorted([*INTEGER, *REAL, *CHOICE, "weight.<term>"])


def _allowed(name: str) -> Sequence[str] | None:
    """The names a choice setting accepts (None: not checked here)."""
    from pinnsolve.geometry import SAMPLERS
    from pinnsolve.nets import ACTIVATIONS, INITIALISERS

    return {
        "activation": sorted(ACTIVATIONS),
        "init": sorted(INITIALISERS),
        "sampler": list(SAMPLERS),
        "derivatives": ["auto", "autograd", "taylor"],
        "cell": ["elman", "gru", "lstm", "mlp"],
        "encoder": ["mlp", "conv"],
    }.get(name)


def _number(item: str, text: str, integer: bool) -> float:
    try:
        value = float(text)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(text)
    except ValueError:
        raise SpaceError(
            f"--space {item}: '{text}' is not a number. Write a range as low:high, e.g. "
            "width=16:128 or lr=1e-4:1e-2:log."
        ) from None
    if integer and value != int(value):
        raise SpaceError(
            f"--space {item}: '{text}' is not a whole number, and this setting counts something. "
            "Give whole numbers, e.g. width=16:128."
        )
    return value


def _choice(item: str, name: str, text: str) -> Dimension:
    choices = tuple(c.strip() for c in text.split("|"))
    allowed = _allowed(name)
    bad = [c for c in choices if not c or (allowed is not None and c not in allowed)]
    if bad or name not in CHOICE:
        what = f"{name} takes a range, not a choice" if name not in CHOICE else f"'{bad[0]}' is not one of them"
        raise SpaceError(f"--space {item}: {what}. {name} accepts {' | '.join(allowed or ['low:high'])}.")
    return (
        Dimension(name, "choice", choices=choices) if len(choices) > 1 else Dimension(name, "fixed", value=choices[0])
    )


def _range(item: str, name: str, text: str) -> Dimension:
    parts = text.split(":")
    log = parts[-1].strip() == "log"
    if log:
        parts = parts[:-1]
    integer = name in INTEGER
    if name in CHOICE:
        return _choice(item, name, text)
    if len(parts) == 1 and not log:
        value = _number(item, parts[0], integer)
        return Dimension(name, "fixed", value=int(value) if integer else value)
    if len(parts) != 2:
        raise SpaceError(f"--space {item}: a range is low:high or low:high:log (e.g. lr=1e-4:1e-2:log), not '{text}'.")
    low, high = (_number(item, p, integer) for p in parts)
    if not low < high:
        raise SpaceError(
            f"--space {item}: the low end {parts[0]} is not below the high end {parts[1]}. Write low:high."
        )
    if log and low <= 0:
        raise SpaceError(f"--space {item}: a log range needs a positive low end (log of {parts[0]} is undefined).")
    if integer and low < (0 if name in ("seed", "steps", "lbfgs_steps") else 1):
        raise SpaceError(f"--space {item}: {name} must be at least 1.")
    if name == "lr" and low <= 0:
        raise SpaceError(f"--space {item}: a learning rate must be positive; give e.g. lr=1e-4:1e-2:log.")
    if (name == "physics_weight" or name.startswith("weight.")) and low < 0:
        raise SpaceError(f"--space {item}: a loss weight cannot be negative; give a range from 0 up.")
    return Dimension(name, "int" if integer else "float", low, high, log)


def parse_space(text: str) -> list[Dimension]:
    """``"width=16:128,lr=1e-4:1e-2:log,activation=tanh|sin"`` → one `Dimension` per item."""
    dims: list[Dimension] = []
    for item in filter(None, (s.strip() for s in (text or "").split(","))):
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not value.strip():
            raise SpaceError(
                f"--space '{item}' is not of the form name=range, e.g. width=16:128, "
                "lr=1e-4:1e-2:log or activation=tanh|sin."
            )
        is_weight = name.startswith("weight.") and len(name) > len("weight.")
        if not (is_weight or name in (*INTEGER, *REAL, *CHOICE)):
            raise SpaceError(
                f"--space {item}: '{name}' is not a setting that can be tuned. Known: {', '.join(known_names())}."
            )
        if any(d.name == name for d in dims):
            raise SpaceError(f"--space names {name} twice; give each setting once.")
        dims.append(_choice(item, name, value) if "|" in value else _range(item, name, value.strip()))
    if not any(d.kind != "fixed" for d in dims):
        raise SpaceError(
            "--space searches nothing: give at least one range or choice, e.g. --space 'width=16:128,lr=1e-4:1e-2:log'."
        )
    return dims


def with_budget(dims: Sequence[Dimension], settings: Sequence[str]) -> tuple[list[Dimension], dict[str, int]]:
    """``dims`` and `TRIAL_BUDGET` for each budget setting the space leaves out and the method has
    (``settings``: its settings' names); the budget added, to be said and recorded."""
    added = {k: v for k, v in TRIAL_BUDGET.items() if k in settings and not any(d.name == k for d in dims)}
    return [*dims, *(Dimension(k, "fixed", value=v) for k, v in added.items())], added


def sample(trial: Any, dims: Sequence[Dimension]) -> dict[str, Any]:
    """The settings of one trial: suggested values for the searched ones, the fixed ones as given."""
    return {d.name: d.suggest(trial) for d in dims}


def as_flags(values: Mapping[str, Any]) -> list[str]:
    """The ``pinnsolve solve`` flags that give these settings (``weight.bc`` → ``--weight bc=W``)."""
    flags: list[str] = []
    for name, value in values.items():
        if isinstance(value, float):
            value = repr(value)  # every digit: the rerun gets the trial's exact value
        if name.startswith("weight."):
            flags += ["--weight", f"{name[len('weight.') :]}={value}"]
        else:
            flags += [f"--{name.replace('_', '-')}", str(value)]
    return flags
