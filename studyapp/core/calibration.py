"""How well a set of parameters predicts the learner's recall: predicted against actual recall, in
bins of the prediction (the report's calibration chart).

Each review on a later day than the one before it is predicted from the memory state the reviews
before it left (FSRS-6's forgetting curve at the days elapsed); it was recalled unless rated Again.
Same-day reviews are left out, as fsrs-rs leaves them out of its log loss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from studyapp.core.optimizer import Parameters, calling, rs
from studyapp.core.review_history import History

BINS = 10


@dataclass(frozen=True)
class CalibrationBin:
    low: float  # the bin's predicted recall, from low (inclusive) to high
    high: float
    predicted: float  # mean predicted recall of the reviews in the bin
    actual: float  # share of them recalled
    count: int

    def to_dict(self) -> dict[str, float | int]:
        return {"low": self.low, "high": self.high, "predicted": round(self.predicted, 4),
                "actual": round(self.actual, 4), "count": self.count}


def recall(parameters: Sequence[float], days: float, stability: float) -> float:
    """FSRS-6's probability of recall after ``days`` at ``stability`` (0.9 when days = stability)."""
    decay = parameters[20]
    factor = 0.9 ** (-1 / decay) - 1
    return float((1 + factor * days / stability) ** -decay)


def calibration(hists: Sequence[History], parameters_of: Callable[[History], Parameters],
                bins: int = BINS) -> list[CalibrationBin]:
    """The bins holding any review, lowest prediction first."""
    f = rs()
    sums = [[0.0, 0.0, 0] for _ in range(bins)]  # predicted, recalled, count
    by_parameters: dict[Parameters, list[History]] = {}
    for h in hists:
        if len(h.times) > 1:
            by_parameters.setdefault(parameters_of(h), []).append(h)
    for parameters, group in by_parameters.items():
        model = f.FSRS(list(parameters))
        items = [f.FSRSItem([f.FSRSReview(r, d) for r, d in zip(h.ratings, h.deltas(), strict=True)])
                 for h in group]
        with calling("the calibration", "it is left out"):
            history = model.historical_memory_state_batch(items)
        for h, states in zip(group, history, strict=True):
            for i, days in enumerate(h.deltas()):
                if i == 0 or days <= 0:
                    continue
                p = recall(parameters, days, float(states[i - 1].stability))
                cell = sums[min(int(p * bins), bins - 1)]
                cell[0] += p
                cell[1] += h.ratings[i] > 1
                cell[2] += 1
    return [CalibrationBin(low=i / bins, high=(i + 1) / bins, predicted=p / n, actual=r / n, count=int(n))
            for i, (p, r, n) in enumerate(sums) if n]
