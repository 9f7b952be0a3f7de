"""``python -m procflow.cli``: the procflow command, for environments without the script."""

from procflow.cli import main

main()
