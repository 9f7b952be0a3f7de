"""Tests for procflow.model.distributions: exact moments, sampling, and parameter checks."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from procflow.model.distributions import (
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    Lognormal,
    Normal,
)

ADAPTER: TypeAdapter[Any] = TypeAdapter(Distribution)
N = 200_000
#: How many standard errors a sample moment may be from the exact one.
Z = 5.0


def dist(spec: Any, time_unit: str = "minute", base_dir: Path | str = ".") -> Any:
    return ADAPTER.validate_python(
        spec, context={"time_unit": time_unit, "base_dir": str(base_dir)}
    )


def rejected(spec: Any, base_dir: Path | str = ".") -> list[str]:
    """The error types of a spec that must not validate."""
    with pytest.raises(ValidationError) as info:
        dist(spec, base_dir=base_dir)
    return [e["type"] for e in info.value.errors()]


def assert_moments_match_a_sample(d: Any, seed: int) -> np.ndarray:
    """The exact mean and variance lie within Z standard errors of a large sample's."""
    x = d.sample(np.random.default_rng(seed), N)
    assert x.shape == (N,)
    mean, var = float(x.mean()), float(x.var())
    se_mean = math.sqrt(d.variance / N)
    # standard error of the sample variance, estimated from the squared deviations
    se_var = float(((x - mean) ** 2).std()) / math.sqrt(N)
    assert abs(mean - d.mean) <= Z * se_mean + 1e-12, (d.describe(), mean, d.mean)
    assert abs(var - d.variance) <= Z * se_var + 1e-12, (d.describe(), var, d.variance)
    return x


SPECS = [
    {"exponential": 5},
    {"exponential": {"mean": "90 s"}},
    {"uniform": {"low": 1, "high": 4}},
    {"triangular": {"low": 2, "mode": 3, "high": 7}},
    {"triangular": {"low": 2, "mode": 2, "high": 7}},
    {"normal": {"mean": 5, "sd": 2}},
    {"normal": {"mean": 1, "sd": 3}},
    {"normal": {"mean": 0, "sd": 1}},
    {"lognormal": {"mean": 4.2, "sd": 1.6}},
    {"lognormal": {"mean": 2, "sd": 5}},
    {"gamma": {"shape": 2, "scale": 3}},
    {"gamma": {"shape": 0.5, "scale": 4}},
    {"gamma": {"mean": 6, "sd": 2}},
    {"weibull": {"shape": 1.5, "scale": 4}},
    {"weibull": {"shape": 0.8, "scale": 2}},
    {"empirical": [1, 2, 2, 7]},
    {"empirical": {"values": ["30 s", "1 min", 3]}},
]


@pytest.mark.parametrize("spec", SPECS, ids=[next(iter(s)) + str(i) for i, s in enumerate(SPECS)])
def test_exact_mean_and_variance_agree_with_a_large_sample(spec: Any) -> None:
    """Each distribution's mean and variance are those of what it samples."""
    d = dist(spec)
    x = assert_moments_match_a_sample(d, seed=len(str(spec)))
    assert (x >= 0).all()


@pytest.mark.parametrize("spec", [3, "3 min", "180 s", {"fixed": 3}, {"fixed": {"value": "3m"}}])
def test_fixed_durations_in_every_spelling(spec: Any) -> None:
    """A bare number, text with a unit, or {fixed: ...} is a fixed time with no variance."""
    d = dist(spec)
    assert isinstance(d, Fixed)
    assert (d.mean, d.variance, d.scv) == (3.0, 0.0, 0.0)
    assert (d.sample(np.random.default_rng(0), 5) == 3.0).all()


def test_parameters_with_units_convert_to_the_process_time_unit() -> None:
    """``{exponential: 30 min}`` in an hour-based process has mean 0.5."""
    d = dist({"exponential": "30 min"}, time_unit="hour")
    assert isinstance(d, Exponential)
    assert d.mean == pytest.approx(0.5)
    assert d.scv == pytest.approx(1.0)


@pytest.mark.parametrize(("mean", "sd"), [(4.2, 1.6), (1.0, 0.1), (10, 30), (0.5, 0.5)])
def test_lognormal_parameters_reproduce_the_requested_mean_and_sd(mean: float, sd: float) -> None:
    """(mu, sigma) of the log give back the mean and sd the PM wrote."""
    d = dist({"lognormal": {"mean": mean, "sd": sd}})
    assert isinstance(d, Lognormal)
    mu, sigma = d.log_params()
    assert math.exp(mu + sigma**2 / 2) == pytest.approx(mean)
    assert math.sqrt((math.exp(sigma**2) - 1) * math.exp(2 * mu + sigma**2)) == pytest.approx(sd)
    assert (d.mean, d.variance) == pytest.approx((mean, sd**2))


def test_lognormal_with_zero_sd_is_fixed_at_its_mean() -> None:
    """sd 0 is allowed and always gives the mean."""
    d = dist({"lognormal": {"mean": 3, "sd": 0}})
    assert np.allclose(d.sample(np.random.default_rng(1), 100), 3.0)


@pytest.mark.parametrize(("mean", "sd"), [(0.5, 3), (0, 1), (1, 10), (5, 2)])
def test_normal_truncated_at_zero_is_never_negative(mean: float, sd: float) -> None:
    """Samples of a normal are never below 0, even when most of the bell is negative."""
    d = dist({"normal": {"mean": mean, "sd": sd}})
    assert isinstance(d, Normal)
    x = d.sample(np.random.default_rng(7), 50_000)
    assert x.min() >= 0
    assert d.mean >= mean  # truncation only moves the mean up


def test_normal_far_from_zero_is_barely_changed_by_truncation() -> None:
    """A normal with mean 100 and sd 1 keeps mean 100 and variance 1."""
    d = dist({"normal": {"mean": 100, "sd": 1}})
    assert (d.mean, d.variance) == pytest.approx((100, 1))


def test_gamma_by_moments_equals_gamma_by_shape_and_scale() -> None:
    """mean 6, sd 2 is shape 9, scale 2/3."""
    d = dist({"gamma": {"mean": 6, "sd": 2}})
    assert isinstance(d, Gamma)
    assert d.params() == pytest.approx((9, 2 / 3))
    assert (d.mean, d.variance) == pytest.approx((6, 4))


# --------------------------------------------------------------------------- empirical


def test_empirical_from_a_list() -> None:
    """A list of values gives their mean and population variance and resamples them."""
    d = dist({"empirical": [1, 2, 2, 7]})
    assert isinstance(d, Empirical)
    assert d.values == (1, 2, 2, 7)
    assert (d.mean, d.variance) == pytest.approx((3.0, 5.5))
    assert set(d.sample(np.random.default_rng(0), 1000)) == {1.0, 2.0, 7.0}


def test_empirical_csv_without_header(tmp_path: Path) -> None:
    """A one-column CSV of numbers is read whole; blank lines are skipped."""
    (tmp_path / "aht.csv").write_text("30\n45\n\n60\n", encoding="utf-8")
    d = dist({"empirical": {"file": "aht.csv"}}, base_dir=tmp_path)
    assert d.values == (30, 45, 60)


def test_empirical_csv_with_header_by_index_and_by_name(tmp_path: Path) -> None:
    """A header row is skipped; a column can be chosen by its name."""
    (tmp_path / "aht.csv").write_text("queue,aht\nUS,3\nID,5\nBR,10\n", encoding="utf-8")
    by_name = dist({"empirical": {"file": "aht.csv", "column": "aht"}}, base_dir=tmp_path)
    by_index = dist({"empirical": {"file": "aht.csv", "column": 1}}, base_dir=tmp_path)
    assert by_name.values == by_index.values == (3, 5, 10)
    assert by_name.mean == pytest.approx(6)


def test_empirical_csv_with_byte_order_mark(tmp_path: Path) -> None:
    """A CSV saved by Excel with a UTF-8 BOM still finds its header column."""
    (tmp_path / "aht.csv").write_bytes(b"\xef\xbb\xbfaht\n5\n7\n")
    assert dist({"empirical": {"file": "aht.csv", "column": "aht"}}, base_dir=tmp_path).values == (
        5,
        7,
    )


def test_empirical_csv_bad_cell_is_an_error_naming_its_line(tmp_path: Path) -> None:
    """A cell that is not a number (past the header) is an empirical_file error on its line."""
    (tmp_path / "aht.csv").write_text("aht\n3\nabc\n5\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        dist({"empirical": {"file": "aht.csv", "column": "aht"}}, base_dir=tmp_path)
    (error,) = info.value.errors()
    assert error["type"] == "empirical_file"
    assert error.get("ctx", {})["line"] == 3


def test_empirical_csv_unknown_column_and_missing_file(tmp_path: Path) -> None:
    """A header without the column, or a missing file, is an empirical_file error."""
    (tmp_path / "aht.csv").write_text("aht\n3\n", encoding="utf-8")
    assert rejected({"empirical": {"file": "aht.csv", "column": "nope"}}, tmp_path) == [
        "empirical_file"
    ]
    assert rejected({"empirical": {"file": "missing.csv"}}, tmp_path) == ["empirical_file"]
    assert rejected({"empirical": {"file": "."}}, tmp_path) == ["empirical_file"]


def test_empirical_csv_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    """A binary or Latin-1 CSV is an empirical_file error, not a crash."""
    (tmp_path / "aht.csv").write_bytes(b"\xff\xfe3\n")
    assert rejected({"empirical": {"file": "aht.csv"}}, tmp_path) == ["empirical_file"]


def test_empirical_csv_with_only_a_header_is_rejected(tmp_path: Path) -> None:
    """A CSV with no values is rejected like an empty list."""
    (tmp_path / "aht.csv").write_text("aht\n", encoding="utf-8")
    assert rejected({"empirical": {"file": "aht.csv", "column": "aht"}}, tmp_path) == [
        "distribution"
    ]


# --------------------------------------------------------------------------- invalid parameters


@pytest.mark.parametrize(
    "spec",
    [
        {"uniform": {"low": 4, "high": 1}},
        {"triangular": {"low": 2, "mode": 8, "high": 7}},
        {"triangular": {"low": 2, "mode": 1, "high": 7}},
        {"lognormal": {"mean": 0, "sd": 1}},
        {"gamma": {"shape": 2}},
        {"gamma": {"mean": 2}},
        {"gamma": {"shape": 2, "scale": 1, "mean": 2, "sd": 1}},
        {"gamma": {"shape": 2, "scale": 1, "mean": 2}},
        {"gamma": {"mean": 0, "sd": 1}},
        {"gamma": {"mean": 2, "sd": 0}},
        {"gamma": {"shape": 0, "scale": 1}},
        {"weibull": {"shape": 0, "scale": 1}},
        {"weibull": {"shape": -1, "scale": 1}},
        {"empirical": []},
        {"empirical": {"values": [1], "file": "x.csv"}},
        {"empirical": [1, -2]},
        {"exponential": -1},
        {"normal": {"mean": 1}},
        {"normal": {"mean": 1, "sd": -1}},
        {"lognormal": {"mean": 4, "sd": 1, "median": 3}},
        {"lognormal": 3},
        {"lognormal": {"mean": 4}, "normal": {"mean": 4}},
        {"foo": 1},
        True,
        None,
        [1, 2],
        -3,
        "3 parsecs",
    ],
    ids=lambda spec: str(spec)[:40],
)
def test_invalid_parameter_combinations_are_rejected(spec: Any) -> None:
    """Contradictory, missing, unknown or out-of-range parameters fail validation."""
    assert rejected(spec)


def test_unknown_kind_suggests_the_closest_kind() -> None:
    """A misspelt kind is a distribution error whose message names the closest kind."""
    with pytest.raises(ValidationError) as info:
        dist({"lognormall": {"mean": 4, "sd": 1}})
    (error,) = info.value.errors()
    assert error["type"] == "distribution"
    assert "'lognormal'" in error["msg"]


@pytest.mark.parametrize(
    "spec",
    [
        {"gamma": {"shape": 2, "mean": 6, "sd": 2}},
        {"gamma": {"scale": 3, "mean": 6, "sd": 2}},
        {"gamma": {"shape": 2, "scale": 1, "sd": 0}},
    ],
    ids=["shape", "scale", "zero-sd"],
)
def test_gamma_with_parameters_of_both_forms_is_rejected(spec: Any) -> None:
    """Mixing shape/scale with mean/sd is ambiguous and must be rejected."""
    assert rejected(spec)


def test_describe_reads_like_the_yaml() -> None:
    """describe() names the kind and the parameters as a PM wrote them."""
    assert dist({"lognormal": {"mean": 4.2, "sd": 1.6}}).describe() == "lognormal(mean=4.2, sd=1.6)"
    assert dist({"exponential": 5}).describe() == "exponential(mean=5)"
    assert dist({"uniform": {"low": 1, "high": 4}}).describe() == "uniform(low=1, high=4)"
