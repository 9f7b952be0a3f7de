"""Deciding between SOPs: many variants of a process simulated on common random numbers.

:mod:`~procflow.decide.compare` (scenarios against a baseline),
:mod:`~procflow.decide.sweep` (a grid of changes) and
:mod:`~procflow.decide.optimize` (the cheapest staffing that meets every SLA).
They run their replications through :func:`procflow.sim.runner.run_many` and
return the records of :mod:`procflow.results`. :mod:`~procflow.decide.validate`
holds a process against a real event log (``procflow validate``).
"""
