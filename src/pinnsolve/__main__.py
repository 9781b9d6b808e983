"""``python -m pinnsolve`` (and ``torchrun -m pinnsolve``): the pinnsolve command."""

from __future__ import annotations

import sys

from pinnsolve.cli import main

if __name__ == "__main__":
    code = main()
    from pinnsolve.train.distributed import in_group, leave_and_exit

    if in_group():  # a torchrun process: leave the group and exit before gloo's teardown can abort it
        leave_and_exit(code)
    sys.exit(code)
