"""The validate command's arguments."""

from __future__ import annotations

import argparse

import pytest

from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.validate.command import add_arguments, run


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


@pytest.mark.parametrize(
    "argv, message",
    [
        ((), "neither"),
        (("problems/decay.py", "--suite", "validation/suite.toml"), "both"),
        (("problems/decay.py", "--methods", "pinn,magic"), "unknown method 'magic'"),
        (("problems/decay.py", "--steps", "-3"), "out of range"),
        (("problems/decay.py", "--set", "gamma"), "name=value"),
        (("--suite", "validation/suite.toml", "--steps", "10"), "suite file"),
    ],
)
def test_bad_arguments_get_clear_messages(argv, message) -> None:
    with pytest.raises(PinnsolveError, match=message):
        run(parse(*argv))
