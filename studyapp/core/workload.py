"""What a desired retention costs: fsrs-rs's simulator run over the next year for each retention
from 0.70 to 0.97, with the learner's parameters, collection size and daily limits.

The retention that costs the least time per item remembered (fsrs-rs's optimal retention) is marked:
above it each extra point of retention costs more time than it saves in relearning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from studyapp.core.optimizer import Parameters, calling, rs

RETENTIONS = tuple(round(0.70 + 0.01 * i, 2) for i in range(28))  # 0.70 … 0.97, as the settings allow
DAYS = 365
SEED = 42  # one simulated year for every retention, so that they differ only by the retention


@dataclass(frozen=True)
class Workload:
    retention: float
    reviews_per_day: float  # mean over the year, new cards' first reviews included
    minutes_per_day: float
    remembered: float  # items expected to be remembered at the end of the year

    @property
    def minutes_per_remembered(self) -> float:
        return self.minutes_per_day * DAYS / self.remembered if self.remembered else float("inf")

    def to_dict(self) -> dict[str, float]:
        return {"retention": self.retention, "reviews_per_day": round(self.reviews_per_day, 2),
                "minutes_per_day": round(self.minutes_per_day, 2), "remembered": round(self.remembered, 1)}


@dataclass(frozen=True)
class Limits:
    items: int  # items to learn (the collection, suspended ones left out)
    new_per_day: int
    reviews_per_day: int
    maximum_interval_days: int


def simulate(parameters: Parameters, limits: Limits,
             retentions: Sequence[float] = RETENTIONS) -> list[Workload]:
    f = rs()
    if limits.items <= 0:  # nothing to study costs nothing (fsrs-rs refuses an empty deck)
        return [Workload(retention, 0.0, 0.0, 0.0) for retention in retentions]
    out = []
    for retention in retentions:
        config = _config(f, limits)
        with calling("the simulator", "nothing was changed"):
            r = f.simulate(list(parameters), retention, config, SEED)
        days = len(r.review_cnt_per_day) or 1
        reviews = (sum(r.review_cnt_per_day) + sum(r.learn_cnt_per_day)) / days
        remembered = float(r.memorized_cnt_per_day[-1]) if r.memorized_cnt_per_day else 0.0
        out.append(Workload(retention=retention, reviews_per_day=reviews,
                            minutes_per_day=sum(r.cost_per_day) / days / 60, remembered=remembered))
    return out


def optimal(parameters: Parameters, limits: Limits) -> float | None:
    """fsrs-rs's optimal retention: the desired retention, within 0.70–0.97, with the least time
    per item remembered (found by its own search over simulations, steadier than one run each);
    None when there is nothing to study, and so no time to save."""
    f = rs()
    if limits.items <= 0:
        return None
    with calling("the simulator", "nothing was changed"):
        value = float(f.optimal_retention(_config(f, limits), list(parameters)))
    return min(max(round(value, 2), RETENTIONS[0]), RETENTIONS[-1])


def nearest(points: Sequence[Workload], retention: float) -> Workload:
    return min(points, key=lambda p: abs(p.retention - retention))


def _config(f: Any, limits: Limits) -> Any:
    config = f.default_simulator_config()
    config.deck_size = max(limits.items, 0)
    config.learn_span = DAYS
    config.learn_limit = limits.new_per_day
    config.review_limit = limits.reviews_per_day
    config.max_ivl = float(limits.maximum_interval_days)
    config.max_cost_perday = 86_400.0  # the app limits a day by counts, not minutes (fsrs-rs: 30 min)
    return config
