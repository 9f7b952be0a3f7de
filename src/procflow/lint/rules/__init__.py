"""The lint rules, one module per family; :mod:`procflow.lint.registry` lists them."""
