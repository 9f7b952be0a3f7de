"""The validated process model: Pydantic classes that mirror the YAML format."""

from procflow.model.distributions import Distribution
from procflow.model.process import Arrival, CategoricalAttribute, NumericAttribute, Process
from procflow.model.slas import SLA
from procflow.model.staffing import Resource
from procflow.model.stage import Branch, Stage
from procflow.model.validation import validate_process

__all__ = [
    "SLA",
    "Arrival",
    "Branch",
    "CategoricalAttribute",
    "Distribution",
    "NumericAttribute",
    "Process",
    "Resource",
    "Stage",
    "validate_process",
]
