"""residual_block: the forward pass of a small residual block H(x) = W2·relu(W1·x) + x and its
Jacobian ∂H/∂x = W2·diag(relu'(u))·W1 + I.

The numbers are few and small, so the solver works on Python floats (IEEE float64, as
NumPy's float64) instead of paying NumPy's per-call overhead.
"""

from __future__ import annotations

from itertools import starmap
from operator import mul
from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.checks import shape_text
from studyapp.core.kinds.nnmath import all_finite
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import format_value, num, paren, sub, vec
from studyapp.core.steps import Step


def _matvec(m: list[list[float]], v: list[float]) -> list[float]:
    return [sum(starmap(mul, zip(row, v, strict=True))) for row in m]


def block_jacobian(W1: list[list[float]], W2: list[list[float]], gate: list[float],
                   identity: bool) -> list[list[float]]:
    """W2·diag(gate)·W1 (+ I): J[i][j] = Σₖ W2[i][k]·gate[k]·W1[k][j] (+ δᵢⱼ)."""
    d = len(W1[0])
    return [[sum([row[k] * gate[k] * W1[k][j] for k in range(len(gate))])
             + (1.0 if identity and i == j else 0.0) for j in range(d)] for i, row in enumerate(W2)]


class ResidualBlock(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        d, h = k.int("size"), k.int("hidden")
        for _ in range(50):
            x = k.values("x", (d,), avoid_zero=True)
            W1 = k.values("weights", (h, d), avoid_zero=True)
            u = _matvec(W1, x)
            if all(u) and (h == 1 or len({v > 0 for v in u}) == 2):  # no kink, and both ReLU regimes
                break
        else:  # a fixed block that satisfies both
            x = [1] * d
            W1 = [[(1 if i % 2 == 0 else -1) if j == i % d else 0 for j in range(d)] for i in range(h)]
        return {"x": x, "W1": W1, "W2": k.values("weights", (d, h), avoid_zero=True)}

    def check(self, p: dict[str, Any]) -> list[str]:
        d, h = len(p["x"]), len(p["W1"])
        errors = []
        if len(p["W1"][0]) != d:
            errors.append(f"W1 must have {d} columns, one per entry of x, got {shape_text(p['W1'])}")
        if shape_text(p["W2"]) != f"{d}×{h}":
            errors.append(f"W2 must be {d}×{h} (size of x × rows of W1), so that F(x) has the size of x; "
                          f"got {shape_text(p['W2'])}")
        if not errors:
            u = _matvec(p["W1"], p["x"])
            J = block_jacobian(p["W1"], p["W2"], [1.0] * len(u), True)
            if not all_finite(*u, *self._forward(p)[3], *(v for row in J for v in row)):
                errors.append("the block's values overflow a float: use smaller values")
            elif not all(u):
                zero = ", ".join([f"u{sub(i + 1)}" for i, v in enumerate(u) if v == 0])
                errors.append(f"W1·x has a zero entry ({zero} = 0): ReLU has no derivative at 0")
        return errors

    @staticmethod
    def _forward(p: dict[str, Any]) -> tuple[list[float], ...]:
        x = [float(v) for v in p["x"]]
        u = _matvec(p["W1"], x)
        r = [max(v, 0.0) for v in u]
        f = _matvec(p["W2"], r)
        return x, u, r, f

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x, w1, w2 = vec(p["x"]), format_value(p["W1"]), format_value(p["W2"])
        d = len(p["x"])
        if lang == "zh":
            return (f"一个残差块计算 H(x) = F(x) + x,其中 F(x) = W2·relu(W1·x),W1 = {w1},W2 = {w2}。"
                    f"对 x = {x},求 H(x) 以及雅可比矩阵 J = ∂H/∂x({d}×{d},J[i][j] = ∂Hᵢ/∂xⱼ)。"
                    f"按“H: […]; J: [[…]]”作答。{decimals_clause(lang, decimals)}")
        return (f"A residual block computes H(x) = F(x) + x with F(x) = W2·relu(W1·x), W1 = {w1} and "
                f"W2 = {w2}. For x = {x}, compute H(x) and the Jacobian J = ∂H/∂x ({d}×{d}, "
                f"J[i][j] = ∂Hᵢ/∂xⱼ). Answer as “H: […]; J: [[…]]”. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        W1, W2 = p["W1"], p["W2"]
        x, u, r, f = self._forward(p)
        H = [fi + xi for fi, xi in zip(f, x, strict=True)]
        gate = [1.0 if v > 0 else 0.0 for v in u]
        JF = block_jacobian(W1, W2, gate, False)
        J = [[v + (1.0 if i == j else 0.0) for j, v in enumerate(row)] for i, row in enumerate(JF)]
        xp, rp = [paren(v) for v in x], [paren(v) for v in r]
        d, h = len(x), len(u)
        lines_u = [f"u{sub(i + 1)} = " + " + ".join([f"{paren(a)}·{b}" for a, b in zip(row, xp, strict=True)])
                   + f" = {num(u[i])}" for i, row in enumerate(W1)]
        lines_f = [f"F{sub(i + 1)} = " + " + ".join([f"{paren(a)}·{b}" for a, b in zip(row, rp, strict=True)])
                   + f" = {num(f[i])}" for i, row in enumerate(W2)]
        lines_j = []
        for i in range(d):
            for j in range(d):
                terms = " + ".join([f"{paren(W2[i][k])}·{num(gate[k])}·{paren(W1[k][j])}" for k in range(h)])
                lines_j.append(f"∂F{sub(i + 1)}/∂x{sub(j + 1)} = {terms} = {num(JF[i][j])}")
        steps = [
            Step(T("Hidden pre-activation", "隐藏层的预激活"), "u = W1·x", "\n".join(lines_u), u),
            Step(T("ReLU", "ReLU"), "r = relu(u) = max(0, u)",
                 ", ".join([f"max(0, {num(v)})" for v in u]), r),
            Step(T("Residual branch", "残差分支"), "F(x) = W2·r", "\n".join(lines_f), f),
            Step(T("Add the shortcut", "加上捷径"), "H(x) = F(x) + x",
                 ", ".join([f"{num(a)} + {paren(b)}" for a, b in zip(f, x, strict=True)]), H,
                 T("The identity shortcut adds the block's input unchanged.",
                   "恒等捷径把块的输入原样加上。")),
            Step(T("ReLU derivative at each hidden unit", "每个隐藏单元的 ReLU 导数"),
                 "relu'(u) = 1 if u > 0, 0 if u < 0",
                 ", ".join([f"u{sub(k + 1)} = {num(v)} {'> 0' if v > 0 else '< 0'}"
                            for k, v in enumerate(u)]),
                 gate),
            Step(T("Jacobian of the branch", "残差分支的雅可比矩阵"),
                 "∂F/∂x = W2·diag(relu'(u))·W1,  ∂Fᵢ/∂xⱼ = Σₖ W2[i,k]·relu'(uₖ)·W1[k,j]",
                 "\n".join(lines_j), JF),
            Step(T("Jacobian of the block: add the identity", "残差块的雅可比矩阵:加上单位矩阵"),
                 "∂H/∂x = ∂F/∂x + I", "", J,
                 T("The shortcut's derivative is I: even where the branch's gradient is small, the gradient "
                   "passes through the block.", "捷径的导数是 I:即使分支的梯度很小,梯度也能穿过这个块。")),
        ]
        return Solution({"H": H, "J": J}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        W1, W2 = p["W1"], p["W2"]
        x, u, _, f = self._forward(p)
        H = [fi + xi for fi, xi in zip(f, x, strict=True)]
        gate = [1.0 if v > 0 else 0.0 for v in u]
        J = block_jacobian(W1, W2, gate, True)
        JF = block_jacobian(W1, W2, gate, False)
        ones = [1.0] * len(u)
        linear = _matvec(W2, u)
        return [
            Mistake("rb.forgot_shortcut",
                    T("H(x) = F(x) + x: the shortcut adds x to the output and I to the Jacobian.",
                      "H(x) = F(x) + x:捷径在输出上加 x,在雅可比矩阵上加 I。"), {"H": f, "J": JF}, 3),
            Mistake("rb.forgot_shortcut_forward",
                    T("H(x) = F(x) + x: add the input x to the branch's output.",
                      "H(x) = F(x) + x:要把输入 x 加到分支输出上。"),
                    {"H": f, "J": J}, 3),
            Mistake("rb.forgot_identity",
                    T("The shortcut's derivative is the identity: ∂H/∂x = ∂F/∂x + I.",
                      "捷径的导数是单位矩阵:∂H/∂x = ∂F/∂x + I。"), {"H": H, "J": JF}, 6),
            Mistake("rb.relu_derivative_flipped",
                    T("relu'(u) is 1 where u > 0 and 0 where u < 0, not the other way round.",
                      "relu'(u) 在 u > 0 处为 1,在 u < 0 处为 0,不是反过来。"),
                    {"H": H, "J": block_jacobian(W1, W2, [1.0 - g for g in gate], True)}, 4),
            Mistake("rb.forgot_relu",
                    T("Apply relu to W1·x before W2: negative entries become 0 and their derivative is 0.",
                      "乘 W2 之前要先过 relu:负的元素变成 0,其导数也为 0。"),
                    {"H": [a + b for a, b in zip(linear, x, strict=True)],
                     "J": block_jacobian(W1, W2, ones, True)}, 1),
            Mistake("rb.jacobian_transposed", T("J[i][j] = ∂Hᵢ/∂xⱼ: row i belongs to output i. This is Jᵀ.",
                                                "J[i][j] = ∂Hᵢ/∂xⱼ:第 i 行对应输出 i。这是 Jᵀ。"),
                    {"H": H, "J": [list(col) for col in zip(*J, strict=True)]}, 5),
        ]


KIND = ResidualBlock(
    name="residual_block",
    summary=T("Forward pass of a small residual block H(x) = W2·relu(W1·x) + x and its Jacobian.",
              "小残差块 H(x) = W2·relu(W1·x) + x 的前向传播及其雅可比矩阵。"),
    params=(
        Param("x", "vector", "the block's input, d values"),
        Param("W1", "matrix", "first weights, h×d"),
        Param("W2", "matrix", "second weights, d×h"),
    ),
    knobs=(
        Knob("size", "int", 2, "size d of x (1 for the scalar block)"),
        Knob("hidden", "int", 2, "hidden units h"),
        Knob("x", "number", {"min": -2, "max": 2, "step": 0.5}, "input values (never 0)"),
        Knob("weights", "number", {"min": -2, "max": 2}, "weights (never 0)"),
    ),
)
