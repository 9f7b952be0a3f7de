"""Reading a user's YAML file into plain data that remembers where everything came from.

The result is a :class:`Document`: the data as dicts, lists and scalars, plus a
source map from every path in it (``("stages", "label", "duration")``) to the
``file:line:col`` of its key and of its value. Everything downstream reports
problems by path and asks the document where that path is.

- :mod:`~procflow.source.loader`: YAML to a document, strict where PyYAML is lenient;
- :mod:`~procflow.source.parsers`: libyaml's fast C parser where it is installed, PyYAML's
  own otherwise, both reading YAML 1.2 values (``NO`` is text, ``14:00`` a time of day);
- :mod:`~procflow.source.guards`: ordinary files only, the size limit, UTF-8, alias bombs
  and nesting;
- :mod:`~procflow.source.suppressions`: ``# procflow: ignore[...]`` comments;
- :mod:`~procflow.source.document`: the document and its source map;
- :mod:`~procflow.source.scalars`: the column of any character inside a scalar.
"""

from procflow.source.document import DocPath, Document
from procflow.source.guards import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, read_text
from procflow.source.loader import load_document

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "DocPath",
    "Document",
    "load_document",
    "read_text",
]
