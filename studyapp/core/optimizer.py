"""Fitting FSRS's parameters to the learner's own reviews, with fsrs-rs (the optimizer Anki uses,
through ``fsrs-rs-python``), and checking the fit on reviews it did not see.

The check is a time-series split, as fsrs-rs's own evaluation: the training items (each review after
an item's first, with the reviews before it) in time order are cut into ``SPLITS + 1`` runs, and each
run from the second on is predicted by parameters fitted to every run before it. The defaults predict
the same runs; a fit is kept only when its held-out log loss is lower. Nothing here reads a clock or
a file: the time of a fit is passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from studyapp.core.memory_model import FittedParameters, MemoryModel, clip_parameters
from studyapp.core.review_history import History, review_count

# fsrs-rs (training.rs) fits every parameter only from 64 training items left after its outlier
# filter; from 8 it fits the four initial stabilities, below that none. A fit of part of the model
# is not what a learner asks for, so fewer than 64 is refused, saying how many more are needed.
MINIMUM_REVIEWS = 64
SPLITS = 5
INSTALL = "pip install fsrs-rs-python"

Progress = Callable[[float, str], None]  # (fraction done, what is being done)
Parameters = tuple[float, ...]


class OptimizerUnavailable(Exception):
    """The optimizer cannot run here; ``str()`` is one line, and scheduling goes on unchanged."""


class TooFewReviews(Exception):
    def __init__(self, usable: int, reviews: int, where: str = "your reviews", deck: str | None = None):
        self.usable, self.reviews, self.needed, self.deck = usable, reviews, MINIMUM_REVIEWS - usable, deck
        super().__init__(
            f"too few reviews to fit {where}: the optimizer learns from {usable} of your {reviews} "
            f"scheduled reviews (the reviews after an item's first that came on a later day) and needs "
            f"{MINIMUM_REVIEWS}; about {self.needed} more {'is' if self.needed == 1 else 'are'} needed. "
            "The parameters in use stay.")


def _failed(exc: BaseException) -> bool:
    """Whether ``exc`` is fsrs-rs failing: a ValueError naming its error, or a Rust panic, which
    pyo3 raises as a BaseException (``PanicException``) that ``except Exception`` lets through."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


@contextmanager
def calling(what: str, then: str = "the parameters in use are kept") -> Iterator[None]:
    """Turn fsrs-rs failing inside the block into OptimizerUnavailable: one line, ``what`` failed."""
    try:
        yield
    except BaseException as exc:
        if not _failed(exc):
            raise
        raise OptimizerUnavailable(f"{what} failed ({type(exc).__name__}: {exc}); {then}") from None


def rs() -> Any:
    """The ``fsrs_rs_python`` module, or OptimizerUnavailable with how to install it."""
    try:
        import fsrs_rs_python
    except ImportError as exc:  # no wheel for this platform, or an install without it
        raise OptimizerUnavailable(f"the FSRS optimizer is not installed ({exc}); install it with "
                                   f"'{INSTALL}'. Scheduling goes on with the parameters in use.") from None
    return fsrs_rs_python


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse: float  # RMSE over binned predictions (fsrs-rs's rmse_bins)

    def to_dict(self) -> dict[str, float]:
        return {"log_loss": round(self.log_loss, 5), "rmse_bins": round(self.rmse, 5)}


@dataclass(frozen=True)
class FitResult:
    """One fit: what it learnt from, the held-out figures and whether it is kept."""

    deck: str | None  # None: the whole collection
    reviews: int  # scheduled reviews read
    usable: int  # training items the optimizer kept
    fitted: Parameters
    default: Evaluation  # FSRS's default parameters on the held-out reviews
    result: Evaluation  # the fitted parameters on the same reviews
    rival: Evaluation | None = None  # for a deck: the collection's parameters on them
    kept: bool = False
    splits: tuple[tuple[int, Parameters], ...] = field(default=(), repr=False)  # held-out starts, fits

    def as_rival(self, default: Parameters) -> Rival:
        return Rival(self.splits, default)

    def fitted_parameters(self, now: datetime) -> FittedParameters:
        return FittedParameters(parameters=self.fitted, fitted_at=now.isoformat(timespec="seconds"),
                                reviews=self.reviews, log_loss_default=round(self.default.log_loss, 5),
                                log_loss_fitted=round(self.result.log_loss, 5),
                                rmse_default=round(self.default.rmse, 5),
                                rmse_fitted=round(self.result.rmse, 5))

    def to_dict(self) -> dict[str, Any]:
        return {"deck": self.deck, "reviews": self.reviews, "training_items": self.usable,
                "kept": self.kept, "parameters": list(self.fitted), "held_out": {
                    "default": self.default.to_dict(), "fitted": self.result.to_dict(),
                    **({"collection": self.rival.to_dict()} if self.rival else {})}}


def training_items(hists: Sequence[History]) -> list[tuple[int, Any]]:
    """Every review on a later day than the review before it, with the item's history up to it, in
    time order: (its time in UTC ms, an fsrs-rs item). A same-day review is part of the history that
    follows it, never a target: fsrs-rs predicts (and evaluates) recall across days only."""
    f = rs()
    keyed = []
    for h in hists:
        for at, pairs in h.sequences():
            if pairs[-1][1] > 0:
                keyed.append((at, h.item_id, len(pairs), pairs))
    # reviews at the same instant in item order: the split is the same whatever order rows came in
    keyed.sort(key=lambda k: k[:3])
    return [(at, f.FSRSItem([f.FSRSReview(r, d) for r, d in pairs])) for at, _, _, pairs in keyed]


def usable_count(items: Sequence[Any]) -> int:
    """How many of ``items`` the optimizer trains on after its outlier filter."""
    f = rs()
    firsts = [i for i in items if i.long_term_review_cnt() == 1]
    with calling("the optimizer's outlier filter"):
        return len(f.filter_outlier(firsts, list(items))[1])


def fit(hists: Sequence[History], *, deck: str | None = None, rival: Rival | None = None,
        progress: Progress | None = None) -> FitResult:
    """Fit the parameters to ``hists`` and check them on held-out reviews against the defaults and,
    for a deck, against the collection's parameters (``rival``: the collection's fit). Raises
    TooFewReviews, OptimizerUnavailable (the optimizer missing or failing)."""
    f = rs()
    report = progress or (lambda fraction, what: None)
    timed = training_items(hists)
    items = [item for _, item in timed]
    reviews = review_count(hists)
    usable = usable_count(items) if items else 0
    if usable < MINIMUM_REVIEWS:
        raise TooFewReviews(usable, reviews, f"the deck {deck}" if deck else "your reviews", deck)
    default = tuple(f.DEFAULT_PARAMETERS)
    size = len(items) // (SPLITS + 1)
    scores: dict[str, list[tuple[int, Any]]] = {"default": [], "fitted": [], "rival": []}
    splits: list[tuple[int, Parameters]] = []
    for k in range(1, SPLITS + 1):
        report((k - 1) / (SPLITS + 1), f"held-out check {k}/{SPLITS}")
        train, test = items[: k * size], items[k * size: (k + 1) * size if k < SPLITS else None]
        w = tuple(_compute(f, train))
        splits.append((timed[k * size][0], w))
        scores["fitted"].append((len(test), _evaluate(f, w, test)))
        scores["default"].append((len(test), _evaluate(f, default, test)))
        if rival is not None:
            scores["rival"].append((len(test), _evaluate(f, rival.before(timed[k * size][0]), test)))
    report(SPLITS / (SPLITS + 1), "fitting to every review")
    fitted = clip_parameters(_compute(f, items))
    result, base = _mean(scores["fitted"]), _mean(scores["default"])
    other = _mean(scores["rival"]) if rival is not None else None
    kept = result.log_loss < base.log_loss and (other is None or result.log_loss < other.log_loss)
    report(1.0, "done")
    return FitResult(deck=deck, reviews=reviews, usable=usable, fitted=fitted, default=base,
                     result=result, rival=other, kept=kept, splits=tuple(splits))


@dataclass(frozen=True)
class Rival:
    """The collection's fit as a deck's fit is judged against it, without hindsight: a deck's
    held-out run starting at time t is predicted by the collection's parameters fitted to reviews
    before t (the latest of its own splits that ends by then; the defaults before the first)."""

    splits: tuple[tuple[int, Parameters], ...]  # (a held-out run's first time, the fit before it)
    default: Parameters

    def before(self, at: int) -> Parameters:
        earlier = [w for start, w in self.splits if start <= at]
        return earlier[-1] if earlier else self.default


def _compute(f: Any, items: list[Any]) -> list[float]:
    with calling("the optimizer"):
        return list(f.FSRS(list(f.DEFAULT_PARAMETERS)).compute_parameters(items))


def _evaluate(f: Any, parameters: Sequence[float], items: list[Any]) -> Evaluation:
    with calling("the optimizer's evaluation"):
        e = f.FSRS(list(parameters)).evaluate(items)
    return Evaluation(float(e.log_loss), float(e.rmse_bins))


def _mean(scores: list[tuple[int, Evaluation]]) -> Evaluation:
    total = sum(n for n, _ in scores) or 1
    return Evaluation(sum(n * e.log_loss for n, e in scores) / total,
                      sum(n * e.rmse for n, e in scores) / total)


def memory_states(hists: Sequence[History], parameters_of: Callable[[History], Parameters],
                  progress: Progress | None = None, batch: int = 20_000) -> dict[str, tuple[float, float]]:
    """Each item's memory state (stability, difficulty) after its whole history, under the
    parameters ``parameters_of`` gives its history (its deck's)."""
    f = rs()
    by_parameters: dict[Parameters, list[History]] = {}
    for h in hists:
        by_parameters.setdefault(parameters_of(h), []).append(h)
    out: dict[str, tuple[float, float]] = {}
    done = 0
    for parameters, group in by_parameters.items():
        model = f.FSRS(list(parameters))
        for start in range(0, len(group), batch):
            part = group[start: start + batch]
            items = [f.FSRSItem([f.FSRSReview(r, d) for r, d in zip(h.ratings, h.deltas(), strict=True)])
                     for h in part]
            with calling("recomputing the memory states", "nothing was changed"):
                states = model.memory_state_batch(items)
            for h, state in zip(part, states, strict=True):
                out[h.item_id] = (float(state.stability), float(state.difficulty))
            done += len(part)
            if progress:
                progress(done / len(hists), "memory states")
    return out


def updated_model(model: MemoryModel, results: Sequence[FitResult], now: datetime) -> MemoryModel:
    """``model`` with every kept fit in place (the collection's, or a deck's); others change nothing."""
    collection, decks = model.collection, dict(model.decks)
    for r in results:
        if not r.kept:
            continue
        if r.deck is None:
            collection = r.fitted_parameters(now)
        else:
            decks[r.deck] = r.fitted_parameters(now)
    return MemoryModel(collection=collection, decks=decks)
