"""The ``transom`` command line.

``commands`` parses arguments and runs each command; ``admins``, ``tokens`` and
``demo`` hold the work of ``transom admin``, ``transom token`` and ``transom demo``.
"""

from transom.cli.commands import main

__all__ = ["main"]
