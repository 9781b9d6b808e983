"""``python -m pinnsolve`` (and ``torchrun -m pinnsolve``): the pinnsolve command."""

from __future__ import annotations

import sys

from pinnsolve.cli import main

if __name__ == "__main__":
    sys.exit(main())
