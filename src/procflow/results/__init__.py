"""Results: the records every command returns, the KPI catalogue, summaries and JSON.

Where things live: :mod:`~procflow.results.estimate` (means with intervals),
:mod:`~procflow.results.catalogue` (every KPI, defined once),
:mod:`~procflow.results.records` (a replication, results, SLAs, verdicts),
:mod:`~procflow.results.comparison` and :mod:`~procflow.results.search` (many
variants of a process), :mod:`~procflow.results.summarize` and
:mod:`~procflow.results.verdict` (from replications to results and the line a PM
reads first), :mod:`~procflow.results.precision` (whether a run was long enough),
:mod:`~procflow.results.fidelity` (a model against an event log: ``procflow validate``),
:mod:`~procflow.results.jsonio` (JSON in and out). Nothing here runs
a simulation: the simulator fills these records, the reports read them.
"""

from __future__ import annotations

from procflow.results.catalogue import CATALOGUE, Kpi, KpiValue, headline_keys, lookup
from procflow.results.comparison import (
    Comparison,
    ScenarioComparison,
    compare_runs,
    paired_difference,
)
from procflow.results.estimate import Estimate, t975, t_quantile
from procflow.results.jsonio import DocumentError, document_kind, from_json, to_json
from procflow.results.precision import Precision
from procflow.results.records import (
    TONE_WORDS,
    AnalyticCheck,
    Bottleneck,
    Difference,
    Overload,
    PoolInfo,
    PrecisionWarning,
    Replication,
    Results,
    SlaChange,
    SlaResult,
    StageInfo,
    Tone,
    Verdict,
)
from procflow.results.search import Candidate, Optimization, Sweep, SweepPoint, staff_cost
from procflow.results.summarize import kpi_estimates, precision_of, summarize

__all__ = [
    "CATALOGUE",
    "TONE_WORDS",
    "AnalyticCheck",
    "Bottleneck",
    "Candidate",
    "Comparison",
    "Difference",
    "DocumentError",
    "Estimate",
    "Kpi",
    "KpiValue",
    "Optimization",
    "Overload",
    "PoolInfo",
    "Precision",
    "PrecisionWarning",
    "Replication",
    "Results",
    "ScenarioComparison",
    "SlaChange",
    "SlaResult",
    "StageInfo",
    "Sweep",
    "SweepPoint",
    "Tone",
    "Verdict",
    "compare_runs",
    "document_kind",
    "from_json",
    "headline_keys",
    "kpi_estimates",
    "lookup",
    "paired_difference",
    "precision_of",
    "staff_cost",
    "summarize",
    "t975",
    "t_quantile",
    "to_json",
]
