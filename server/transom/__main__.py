"""``python -m transom`` runs the CLI."""

from transom.cli import main

main()
