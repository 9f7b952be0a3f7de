"""The KPI table of docs/simulation.md, written from the catalogue.

    python -m procflow.results.docs [docs/simulation.md]

fills the block between the ``kpi-table`` markers with
:func:`procflow.results.catalogue.markdown_table`; ``tests/test_one_truth.py``
fails while the committed table differs from the catalogue.
"""

from __future__ import annotations

import sys
from pathlib import Path

from procflow.files import fill_block
from procflow.results.catalogue import markdown_table

#: Where the generated table sits in docs/simulation.md.
_BEGIN = "<!-- kpi-table: generated from procflow.results.catalogue; do not edit -->\n"
_END = "<!-- /kpi-table -->"


def refresh_docs(path: Path) -> bool:
    """Write the current table between its markers in ``path``; whether anything changed."""
    return fill_block(path, _BEGIN, _END, markdown_table())


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/simulation.md")
    print(f"{target}: {'updated' if refresh_docs(target) else 'up to date'}")
