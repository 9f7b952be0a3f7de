"""An organisation's own rules over its SOPs, enforced by ``procflow lint`` (docs/policies.md).

- :mod:`~procflow.lint.policy.load`: finding and reading ``procflow-policy.yaml``;
- :mod:`~procflow.lint.policy.rule`: each policy rule as a lint rule;
- :mod:`~procflow.lint.policy.situations`: the kinds of item a path rule thinks of;
- :mod:`~procflow.lint.policy.paths`: the graph searches behind path rules;
- :mod:`~procflow.lint.policy.elements`: the facts element rules read;
- :mod:`~procflow.lint.policy.testing`: ``procflow policy test``.

The file's format is :mod:`procflow.model.policy`.
"""

from procflow.lint.policy.load import Policy, check_names, find_policy, load_policy

__all__ = ["Policy", "check_names", "find_policy", "load_policy"]
