"""The memory model's results in words, in English and Chinese: a fit's decision and its held-out
figures, too few reviews, a workload and a change of desired retention (the TUI and ``studyapp
optimize`` say the same)."""

from __future__ import annotations

from studyapp.core.bilingual import T
from studyapp.core.memory_model import FittedParameters
from studyapp.core.optimizer import MINIMUM_REVIEWS, FitResult, TooFewReviews
from studyapp.core.workload import Workload


def _n(x: int) -> str:
    return f"{x:,}"


def fit_lines(result: FitResult, lang: str) -> list[str]:
    """What was fitted, both figures on held-out reviews, and what was decided."""
    where = T(f"deck {result.deck}", f"卡组 {result.deck}") if result.deck else \
        T("your collection", "全部卡组")
    lines = [T(f"Fitted to {_n(result.reviews)} scheduled reviews of {where.en} "
               f"({_n(result.usable)} the optimizer learns from).",
               f"用{where.zh}的 {_n(result.reviews)} 次计划复习拟合"
               f"(优化器从其中 {_n(result.usable)} 次学习)。"
               ).get(lang),
             T("On held-out reviews (later reviews predicted from earlier ones; lower is better):",
               "在留出的复习上(用较早的复习预测较晚的复习;越低越好):").get(lang),
             _figures(T("default parameters", "默认参数").get(lang), result.default.log_loss,
                      result.default.rmse),
             _figures(T("fitted parameters", "拟合参数").get(lang), result.result.log_loss,
                      result.result.rmse)]
    if result.rival is not None:
        lines.append(_figures(T("collection's parameters", "全部卡组的参数").get(lang),
                              result.rival.log_loss, result.rival.rmse))
    if result.kept:
        lines.append(T("The fitted parameters predict your recall better: they schedule from the next "
                       "card on.",
                       "拟合参数对你的记忆预测得更准:从下一张卡起按它们安排复习。").get(lang))
    else:
        lines.append(T("The fitted parameters do not predict your recall better: the parameters in use stay.",
                       "拟合参数的预测并不更准:继续使用当前参数。").get(lang))
    return lines


def _figures(label: str, log_loss: float, rmse: float) -> str:
    return f"  {label:<24} log loss {log_loss:.4f}   RMSE {rmse:.2%}"


def in_use_lines(fit: FittedParameters | None, lang: str) -> list[str]:
    """The parameters in use, as Settings and the report state them."""
    if fit is None:
        return [T("FSRS's default parameters (not fitted to you yet).", "FSRS 默认参数(尚未按你的记录拟合)。")
                .get(lang)]
    day = fit.fitted_at[:10]
    return [T(f"Fitted to you on {day} from {_n(fit.reviews)} reviews.",
              f"{day} 按你的 {_n(fit.reviews)} 次复习拟合。").get(lang),
            T(f"Held-out log loss {fit.log_loss_fitted:.4f} (defaults {fit.log_loss_default:.4f}), "
              f"RMSE {fit.rmse_fitted:.2%} (defaults {fit.rmse_default:.2%}).",
              f"留出复习上的对数损失 {fit.log_loss_fitted:.4f}(默认 {fit.log_loss_default:.4f}),"
              f"RMSE {fit.rmse_fitted:.2%}(默认 {fit.rmse_default:.2%})。").get(lang)]


def too_few_line(exc: TooFewReviews, lang: str) -> str:
    return T(str(exc),
             f"复习太少,无法拟合:优化器能从你的 {_n(exc.reviews)} 次计划复习中学习 {_n(exc.usable)} 次"
             f"(每项首次之后、且在之后某天进行的复习),需要 {MINIMUM_REVIEWS} 次;"
             f"大约还需 {_n(exc.needed)} 次。"
             "继续使用当前参数。").get(lang)


def workload_line(point: Workload, lang: str) -> str:
    return T(f"{point.retention:.2f}: {point.reviews_per_day:.0f} reviews, "
             f"{point.minutes_per_day:.0f} min a day",
             f"{point.retention:.2f}:每天 {point.reviews_per_day:.0f} 次复习,{point.minutes_per_day:.0f} 分钟"
             ).get(lang)


def change_line(old: Workload, new: Workload, lang: str) -> str:
    """What moving the desired retention from ``old`` to ``new`` is expected to cost a day."""
    reviews = new.reviews_per_day - old.reviews_per_day
    minutes = new.minutes_per_day - old.minutes_per_day
    return T(f"From {old.retention:.2f} to {new.retention:.2f}: {reviews:+.0f} reviews and {minutes:+.1f} "
             "minutes a day over the next year (simulated).",
             f"从 {old.retention:.2f} 改为 {new.retention:.2f}:未来一年每天复习 {reviews:+.0f} 次、"
             f"{minutes:+.1f} 分钟(模拟)。").get(lang)
