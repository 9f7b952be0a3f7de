"""Probability distributions for handling times and numeric item attributes.

A PM writes a distribution as a one-key mapping, the kind first::

    duration: {lognormal: {mean: 4.2, sd: 1.6}}     # minutes, if time_unit is minute
    duration: {triangular: {low: 2, mode: 3, high: 7}}
    duration: {exponential: 5 min}                   # one parameter: the mean
    duration: 3 min                                  # a fixed time
    duration: {empirical: {file: aht_samples.csv}}   # observed handling times
    positive: {beta: {a: 8, b: 2}}                   # a share from 0 to 1: a model's score

Parameters are given the way operations teams measure them: a lognormal takes
the mean and standard deviation of the handling time itself (not of its log),
a normal is truncated at zero. Every distribution knows its exact mean and
variance (for ``procflow analyze``) and draws samples in blocks with NumPy
(for the simulator).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Tag,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from procflow.diagnostics.suggest import closest
from procflow.model.distributions.empirical import MAX_EMPIRICAL_VALUES, Empirical
from procflow.model.distributions.families import (
    MAX_WEIBULL_SHAPE,
    MIN_WEIBULL_SHAPE,
    Beta,
    Exponential,
    Fixed,
    Gamma,
    Lognormal,
    Normal,
    Triangular,
    Uniform,
    Weibull,
    _Base,
)
from procflow.model.fields import LazyJsonSchema
from procflow.model.quantities import (
    ATTRIBUTE_CONTEXT,
    LIMITS_DOC,
    MAX_ATTRIBUTE_VALUE,
    MAX_DURATION_SECONDS,
    SECONDS,
    InTimeUnit,
    TimeUnit,
)

__all__ = [
    "KINDS",
    "MAX_EMPIRICAL_VALUES",
    "MAX_WEIBULL_SHAPE",
    "MIN_WEIBULL_SHAPE",
    "Beta",
    "Distribution",
    "Empirical",
    "Exponential",
    "Fixed",
    "Gamma",
    "Lognormal",
    "Normal",
    "Triangular",
    "Uniform",
    "Weibull",
]

#: The distribution kinds, as written in YAML.
KINDS = (
    "fixed",
    "exponential",
    "uniform",
    "triangular",
    "normal",
    "lognormal",
    "gamma",
    "weibull",
    "empirical",
    "beta",
)
#: Kinds that take their single main parameter as a bare value: ``{exponential: 5}``.
_SCALAR_PARAM = {"fixed": "value", "exponential": "mean", "empirical": "values"}


def _normalize(value: Any) -> Any:
    """``{lognormal: {mean: 4}}`` -> ``{kind: lognormal, mean: 4}``; bare values -> fixed."""
    if isinstance(value, _Base):
        return value
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return {"kind": "fixed", "value": value}
    if isinstance(value, dict) and len(value) == 1:
        ((kind, params),) = value.items()
        if kind not in KINDS:
            close = closest(str(kind), KINDS)
            raise PydanticCustomError(
                "distribution",
                "unknown distribution {kind}{suggestion}; use one of: {kinds}",
                {
                    "kind": repr(kind),
                    "suggestion": f" (did you mean {close!r}?)" if close else "",
                    "kinds": ", ".join(KINDS),
                },
            )
        if kind in _SCALAR_PARAM and not isinstance(params, dict):
            params = {_SCALAR_PARAM[kind]: params}
        if isinstance(params, dict):
            return {"kind": kind, **params}
    if isinstance(value, dict) and "kind" in value:
        return value
    raise PydanticCustomError(
        "distribution",
        "expected a distribution written as one kind with its parameters, such as "
        "{lognormal: {mean: 4.2, sd: 1.6}}, or a fixed duration; kinds: {kinds}",
        {"kinds": ", ".join(KINDS)},
    )


def _computable(distribution: _Base, info: ValidationInfo) -> _Base:
    """Refuse a distribution whose mean, variance or spread procflow cannot compute, or
    whose mean is longer than the longest duration (10 years)."""
    context = info.context or {}
    unit: TimeUnit = context.get("time_unit", "minute")
    try:
        mean, variance, scv = distribution.mean, distribution.variance, distribution.scv
    except (ArithmeticError, ValueError):  # an overflow, a division by zero, a domain error
        mean = variance = scv = math.inf
    if context.get(ATTRIBUTE_CONTEXT):
        largest, limit = MAX_ATTRIBUTE_VALUE, "of at most 1,000,000,000,000"
    else:
        largest, limit = MAX_DURATION_SECONDS / SECONDS[unit], "of at most 10 years"
    if all(math.isfinite(x) for x in (mean, variance, scv)) and mean <= largest:
        return distribution
    raise PydanticCustomError(
        "distribution",
        "this {kind} distribution has a mean or a spread too large to compute "
        "(procflow computes with means {limit})",
        {
            "kind": distribution.kind,
            "limit": limit,
            "hint": f"check its parameters and their unit; {LIMITS_DOC}",
        },
    )


def _kind_of(value: Any) -> str | None:
    if isinstance(value, dict):
        kind = value.get("kind")
        return kind if kind in KINDS else None
    return getattr(value, "kind", None)


_Union = Annotated[
    Annotated[Fixed, Tag("fixed")]
    | Annotated[Exponential, Tag("exponential")]
    | Annotated[Uniform, Tag("uniform")]
    | Annotated[Triangular, Tag("triangular")]
    | Annotated[Normal, Tag("normal")]
    | Annotated[Lognormal, Tag("lognormal")]
    | Annotated[Gamma, Tag("gamma")]
    | Annotated[Weibull, Tag("weibull")]
    | Annotated[Empirical, Tag("empirical")]
    | Annotated[Beta, Tag("beta")],
    Discriminator(
        _kind_of,
        custom_error_type="distribution",
        custom_error_message="unknown distribution; use one of: " + ", ".join(KINDS),
    ),
]
_CLASSES: tuple[type[_Base], ...] = (
    Fixed,
    Exponential,
    Uniform,
    Triangular,
    Normal,
    Lognormal,
    Gamma,
    Weibull,
    Empirical,
    Beta,
)


def _user_schema() -> dict[str, Any]:
    """The JSON Schema of distributions as users write them: ``{kind: {params}}``."""
    choices: list[dict[str, Any]] = [
        {"type": "number", "minimum": 0},
        {"type": "string", "description": "a fixed duration such as '3 min'"},
    ]
    for cls in _CLASSES:
        schema = cls.model_json_schema(by_alias=True)
        schema.pop("title", None)
        schema["properties"].pop("kind", None)
        schema["additionalProperties"] = False
        if "required" in schema:
            schema["required"] = [r for r in schema["required"] if r != "kind"]
        kind = cls.model_fields["kind"].default
        summary = (cls.__doc__ or kind).strip().splitlines()[0]
        params: dict[str, Any] = {"anyOf": [schema], "description": summary}
        if kind in _SCALAR_PARAM and kind != "empirical":
            params["anyOf"].append(schema["properties"][_SCALAR_PARAM[kind]])
        if kind == "empirical":
            params["anyOf"].append({"type": "array", "items": {"type": "number"}})
        choices.append(
            {
                "type": "object",
                "properties": {kind: params},
                "required": [kind],
                "additionalProperties": False,
                "description": (cls.__doc__ or kind).strip().splitlines()[0],
            }
        )
    return {"anyOf": choices, "description": "A distribution: {kind: {parameters}}."}


#: A distribution field, written ``{kind: {parameters}}`` or as a fixed duration.
#: A bare number is a fixed time in ``time_unit`` (and is marked so); the parameters inside
#: ``{kind: {...}}`` are numbers in ``time_unit`` by design.
Distribution = Annotated[
    _Union,
    BeforeValidator(_normalize),
    AfterValidator(_computable),
    LazyJsonSchema(_user_schema),
    InTimeUnit("duration"),
]
