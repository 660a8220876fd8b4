"""The learner's own memory model: FSRS parameters fitted to their review history, as the settings
file keeps them (``[memory_model]``, and ``[memory_model.decks.<deck>]`` for a deck of its own).

Data and validation only; the fit is ``core.optimizer``. Each fit keeps the figures it was chosen
by (log loss and RMSE over binned predictions, on held-out reviews, for the default parameters and
the fitted ones) so that the settings, the report and the next fit can say why it is in use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# py-fsrs (its defaults and bounds) is imported where a fit is read or used, not by every start:
# the settings are read before the first screen is drawn.
PARAMETER_COUNT = 21  # FSRS-6
FIGURES = ("log_loss_default", "log_loss_fitted", "rmse_default", "rmse_fitted")
FIT_KEYS = ("parameters", "fitted_at", "reviews", *FIGURES)


def parameters_problem(values: Any) -> str | None:
    """What is wrong with a list of FSRS parameters, or None (the bounds are py-fsrs's own: the
    scheduler refuses anything outside them)."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    if not isinstance(values, list | tuple) or len(values) != PARAMETER_COUNT:
        got = f"{len(values)} values" if isinstance(values, list | tuple) else repr(values)
        return f"expected a list of {PARAMETER_COUNT} numbers, got {got}"
    for i, (v, low, high) in enumerate(zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS,
                                           strict=True)):
        if not _is_num(v) or not math.isfinite(v):
            return f"value {i + 1} is {v!r}, expected a number"
        if not low <= v <= high:
            return f"value {i + 1} is {v}, expected {low:g} to {high:g}"
    return None


def clip_parameters(values: list[float] | tuple[float, ...]) -> tuple[float, ...]:
    """``values`` rounded to 4 decimals (as Anki shows them) and held inside py-fsrs's bounds, which
    the optimizer's single-precision results can cross by a rounding."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    return tuple(min(max(round(float(v), 4), low), high)
                 for v, low, high in zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS,
                                         strict=True))


@dataclass(frozen=True)
class FittedParameters:
    """One fit in use: the parameters, when they were fitted (UTC, ISO), from how many reviews, and
    the held-out figures of the defaults and of these parameters."""

    parameters: tuple[float, ...]
    fitted_at: str
    reviews: int
    log_loss_default: float
    log_loss_fitted: float
    rmse_default: float
    rmse_fitted: float

    def to_dict(self) -> dict[str, Any]:
        return {"parameters": list(self.parameters), "fitted_at": self.fitted_at,
                "reviews": self.reviews, **{k: getattr(self, k) for k in FIGURES}}

    @classmethod
    def from_dict(cls, data: Any, where: str) -> tuple[FittedParameters | None, list[str]]:
        """The fit in ``data`` and one message per bad or missing key (named ``where.key``); an
        entry with any problem is not used, so scheduling falls back to the parameters above it."""
        if not isinstance(data, dict):
            return None, [f"setting '{where}': expected a table with {', '.join(FIT_KEYS)}"]
        errors = []
        for key in FIT_KEYS:
            problem = _fit_problem(key, data.get(key)) if key in data else "missing"
            if problem:
                errors.append(f"setting '{where}.{key}': {problem}")
        for key in data:
            if key not in FIT_KEYS and key != "decks":
                errors.append(f"setting '{where}.{key}': unknown key (known: {', '.join(FIT_KEYS)})")
        if errors:
            return None, errors
        at = data["fitted_at"]
        return cls(parameters=tuple(float(v) for v in data["parameters"]),
                   fitted_at=at.isoformat() if isinstance(at, datetime) else at,
                   reviews=data["reviews"], **{k: float(data[k]) for k in FIGURES}), []


@dataclass(frozen=True)
class MemoryModel:
    """The collection's fit (None: FSRS's defaults) and the decks fitted on their own."""

    collection: FittedParameters | None = None
    decks: dict[str, FittedParameters] = field(default_factory=dict)

    def parameters(self, deck: str | None = None) -> tuple[float, ...]:
        """The parameters that schedule ``deck``: its own, else the collection's, else the defaults."""
        fit = self.decks.get(deck) if deck is not None else None
        fit = fit or self.collection
        if fit is not None:
            return fit.parameters
        from fsrs.scheduler import DEFAULT_PARAMETERS

        return tuple(DEFAULT_PARAMETERS)

    def to_dict(self) -> dict[str, Any]:
        """As the settings file holds it; empty when nothing is fitted."""
        out: dict[str, Any] = self.collection.to_dict() if self.collection else {}
        if self.decks:
            out["decks"] = {deck: fit.to_dict() for deck, fit in sorted(self.decks.items())}
        return out

    @classmethod
    def from_dict(cls, data: Any) -> tuple[MemoryModel, list[str]]:
        if not isinstance(data, dict):
            return cls(), ["setting 'memory_model': expected a table (as 'studyapp optimize' "
                           "writes it)"]
        errors: list[str] = []
        collection = None
        if any(key != "decks" for key in data):
            collection, errors = FittedParameters.from_dict(data, "memory_model")
        decks: dict[str, FittedParameters] = {}
        raw_decks = data.get("decks", {})
        if not isinstance(raw_decks, dict):
            errors.append("setting 'memory_model.decks': expected a table of deck ids")
            raw_decks = {}
        for deck, entry in raw_decks.items():
            fit, problems = FittedParameters.from_dict(entry, f"memory_model.decks.{deck}")
            errors += problems
            if fit is not None:
                decks[deck] = fit
        return cls(collection=collection, decks=decks), errors


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _fit_problem(key: str, v: Any) -> str | None:
    if key == "parameters":
        return parameters_problem(v)
    if key == "fitted_at":
        if isinstance(v, datetime):
            return None if v.tzinfo is not None else "expected a time with its zone"
        try:
            ok = isinstance(v, str) and datetime.fromisoformat(v).tzinfo is not None
        except ValueError:
            ok = False
        return None if ok else f"expected an ISO date and time such as 2026-12-05T18:00:00+00:00, got {v!r}"
    if key == "reviews":
        return None if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else \
            f"expected a whole number of reviews, got {v!r}"
    return None if _is_num(v) and math.isfinite(v) and v >= 0 else f"expected a number ≥ 0, got {v!r}"
