"""The output size of a sliding window (convolution or pooling) as the learner meets it: the worked
step, the checks of sizes a person typed, and the draw of sizes that fit.

Shared by conv_output_size, conv2d, conv2d_multi, pool2d and fc_vs_conv_params; the arithmetic
itself is ``nnmath.output_size``.
"""

from __future__ import annotations

from studyapp.core.kinds.base import Knobs
from studyapp.core.kinds.nnmath import output_size
from studyapp.core.kinds.wording import T
from studyapp.core.steps import Step

OUTPUT_SIZE_FORMULA = "W₂ = ⌊(W − F + 2P) / S⌋ + 1"
MAX_PADDING = 100


def output_size_step(w: int, f: int, p: int, s: int, axis: str = "") -> Step:
    """The worked step of the output size; ``axis`` names it when height and width differ."""
    span = w - f + 2 * p
    note = None
    if span % s:
        note = T(f"{span} is not a multiple of the stride {s}: the last positions do not fit "
                 "and are dropped (floor)",
                 f"{span} 不是步幅 {s} 的整数倍:最后放不下的位置被舍去(向下取整)")
    title = T(f"Output size{axis}", f"输出尺寸{axis}")
    work = f"⌊({w} − {f} + 2·{p}) / {s}⌋ + 1 = ⌊{span}/{s}⌋ + 1"
    return Step(title, OUTPUT_SIZE_FORMULA, work, output_size(w, f, p, s), note)


def size_checks(w: int, f: int, p: int, s: int, what: str = "input") -> list[str]:
    """Errors of a width-F window at stride S, padding P, over a width W (``what`` names the input)."""
    errors = []
    if s < 1:
        errors.append(f"stride must be at least 1 (got {s})")
    elif s > max(w + 2 * max(p, 0), 1):
        errors.append(f"stride {s} is larger than the padded {what} ({w + 2 * max(p, 0)}); "
                      "expected at most that")
    if p < 0:
        errors.append(f"padding must be 0 or more (got {p})")
    elif p > MAX_PADDING:
        errors.append(f"padding must be at most {MAX_PADDING} (got {p})")
    if f < 1:
        errors.append(f"kernel size must be at least 1 (got {f})")
    if w < 1:
        errors.append(f"{what} size must be at least 1 (got {w})")
    if not errors and f > w + 2 * p:
        errors.append(f"kernel size {f} is larger than the padded {what} ({w} + 2·{p} = {w + 2 * p})")
    return errors


def pick_fitting(k: Knobs, size_knob: str, kernel_knob: str, exact: bool,
                 max_output: int | None = None) -> tuple[int, ...]:
    """Draw (W, F, P, S) until the kernel fits and, if ``exact``, the stride divides evenly.

    ``max_output`` keeps the output small enough to work by hand.
    """
    w = f = p = s = 1
    for _ in range(200):
        w, f, p, s = k.int(size_knob), k.int(kernel_knob), k.int("padding"), k.int("stride")
        if f <= w + 2 * p and (not exact or (w - f + 2 * p) % s == 0) and (
            max_output is None or output_size(w, f, p, s) <= max_output
        ):
            return w, f, p, s
    raise ValueError(f"no draw of {size_knob}, {kernel_knob}, padding and stride fits in 200 tries "
                     "(the kernel must fit the padded input and the output be small enough)")
