"""Empirical handling times: observed values, written inline or read from a CSV column."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import (
    Field,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from procflow.model.distributions.families import _Base
from procflow.model.quantities import (
    Duration,
)

MAX_EMPIRICAL_VALUES = 1_000_000


class Empirical(_Base):
    """You have observed times (a tool export): a list, or a CSV column; drawn from at random."""

    kind: Literal["empirical"] = "empirical"
    values: tuple[Duration, ...] = Field(default=(), description="The observed values.")
    file: str | None = Field(
        default=None, description="A CSV file of observed values, next to the process file."
    )
    column: str | int = Field(
        default=0, description="The CSV column: its header name, or its position from 0."
    )

    @model_validator(mode="before")
    @classmethod
    def _read_file(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict) or data.get("file") is None:
            return data
        if data.get("values"):
            raise PydanticCustomError("distribution", "give either values or file, not both")
        context = info.context or {}
        path = Path(context.get("base_dir", ".")) / str(data["file"])
        data = dict(data)
        data["values"] = _read_csv_column(path, data.get("column", 0))
        context.get("files_read", []).append(path)
        return data

    @model_validator(mode="after")
    def _nonempty(self) -> Empirical:
        if not self.values:  # also when left out: ``{empirical: {}}``
            raise PydanticCustomError(
                "distribution",
                "empirical needs at least one value",
                {"hint": "list the observed times (values: [3, 4.5, 6]) or name a CSV file"},
            )
        return self

    @property
    def mean(self) -> float:
        return math.fsum(self.values) / len(self.values)

    @property
    def variance(self) -> float:
        m = self.mean
        return math.fsum((v - m) ** 2 for v in self.values) / len(self.values)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values), size)

    def cdf(self, x: float) -> float:
        return sum(1 for v in self.values if v <= x) / len(self.values)

    def mass(self, x: float) -> float:
        return sum(1 for v in self.values if v == x) / len(self.values)

    def describe(self) -> str:
        source = f"{self.file}, " if self.file else ""
        return f"empirical({source}{len(self.values)} values, mean={self.mean:g})"


def _read_csv_column(path: Path, column: Any) -> list[str]:
    """Read one column of numbers (by header name or 0-based index) from a CSV file."""
    if not path.is_file():
        raise PydanticCustomError(
            "empirical_file", "CSV file {file} not found", {"file": str(path)}
        )
    if path.stat().st_size > 64 * 1024 * 1024:
        raise PydanticCustomError(
            "empirical_file", "CSV file {file} is over 64 MiB", {"file": str(path)}
        )
    values: list[str] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = csv.reader(handle)
            index = column if isinstance(column, int) else None
            for number, row in enumerate(rows, start=1):
                if not row or not "".join(row).strip():
                    continue
                if index is None:
                    if str(column) not in row:
                        raise PydanticCustomError(
                            "empirical_file",
                            "CSV file {file} has no column {column} in its header",
                            {"file": str(path), "column": repr(column)},
                        )
                    index = row.index(str(column))
                    continue
                cell = row[index].strip() if index < len(row) else ""
                try:
                    float(cell)
                except ValueError:
                    if number == 1:
                        continue  # a header row
                    raise PydanticCustomError(
                        "empirical_file",
                        "CSV file {file}, line {line}: {cell} is not a number",
                        {"file": str(path), "line": number, "cell": repr(cell)},
                    ) from None
                values.append(cell)
                if len(values) > MAX_EMPIRICAL_VALUES:
                    raise PydanticCustomError(
                        "empirical_file",
                        "CSV file {file} has over 1,000,000 values",
                        {"file": str(path)},
                    )
    except (OSError, UnicodeDecodeError) as exc:
        raise PydanticCustomError(
            "empirical_file",
            "cannot read CSV file {file}: {error}",
            {"file": str(path), "error": str(exc)},
        ) from None
    return values
