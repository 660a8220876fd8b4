"""chain_rule: the forward value and the gradient of a small computational graph by
backpropagation: add, multiply, max and sigmoid nodes, and an input that fans out."""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.bilingual import Text
from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren
from studyapp.core.steps import Step

D = 6  # decimals of the intermediate values in the worked solution


GRAPHS: dict[str, tuple[tuple[str, ...], str]] = {
    "mul_add": (("x", "y", "z"), "f = (x + y)·z"),
    "fanout": (("x", "y"), "f = x·y + x"),
    "max_mul": (("x", "y", "z"), "f = max(x, y)·z"),
    "sigmoid_affine": (("w", "x", "b"), "f = σ(w·x + b)"),
    "shared_input": (("x", "y", "z"), "f = (x + y)·(y + z)"),
}
CHAIN_INPUTS = ("x", "y", "z", "w", "b")


def _sigmoid(v: float) -> float:
    # Not nnmath.sigmoid: below 0 the two differ in the last bit, and the answers must not move.
    return 1.0 / (1.0 + math.exp(-v)) if v > -700 else 0.0


def chain_value(graph: str, v: dict[str, float]) -> float:
    """The forward value of a graph, for finite differences."""
    if graph == "mul_add":
        return (v["x"] + v["y"]) * v["z"]
    if graph == "fanout":
        return v["x"] * v["y"] + v["x"]
    if graph == "max_mul":
        return max(v["x"], v["y"]) * v["z"]
    if graph == "sigmoid_affine":
        return _sigmoid(v["w"] * v["x"] + v["b"])
    return (v["x"] + v["y"]) * (v["y"] + v["z"])


class ChainRule(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        graph = k.pick("graph")
        names = GRAPHS[graph][0]
        p: dict[str, Any] = {"graph": graph}
        if graph == "sigmoid_affine":
            for _ in range(30):
                w, x, b = k.values("sigmoid_values", (3,), avoid_zero=True)
                if abs(w * x + b) <= 3:
                    break
            else:
                w, x, b = 1, 0.5, -0.5
            p.update({"w": float(w), "x": float(x), "b": float(b)})
            return p
        for _ in range(30):
            vals = k.values("values", (len(names),), avoid_zero=True)
            if graph == "max_mul" and vals[0] == vals[1]:
                continue  # max(x, y) has no derivative at x = y
            # f = 0 comes from a factor that cancels (x + y = 0, y = −1), which also makes a
            # gradient 0: nothing flows through that branch to compute.
            if chain_value(graph, dict(zip(names, vals, strict=True))) != 0:
                break
        else:
            vals = [1, 2, 3]
        p.update({n: float(v) for n, v in zip(names, vals, strict=True)})
        return p

    def check(self, p: dict[str, Any]) -> list[str]:
        names, formula = GRAPHS[p["graph"]]
        errors = [f"graph {p['graph']} ({formula}) needs {n}" for n in names if p[n] is None]
        extra = [n for n in CHAIN_INPUTS if n not in names and p[n] is not None]
        if extra:
            errors.append(f"graph {p['graph']} ({formula}) has no input {', '.join(extra)} "
                          f"(its inputs are {', '.join(names)})")
        if p["graph"] == "max_mul" and not errors and p["x"] == p["y"]:
            errors.append(f"max(x, y) has no derivative when x = y (both are {num(p['x'])}): "
                          "choose different x and y")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        names, formula = GRAPHS[p["graph"]]
        values = ", ".join([f"{n} = {num(p[n])}" for n in names])
        grads = ", ".join([f"∂f/∂{n}" for n in names])
        extra = ""
        if p["graph"] == "sigmoid_affine":
            extra = ", with σ(s) = 1 / (1 + e⁻ˢ)," if lang != "zh" else ",其中 σ(s) = 1 / (1 + e⁻ˢ)"
        if lang == "zh":
            return (f"计算图 {formula}{extra},输入 {values}。前向求 f,再用反向传播(链式法则)求梯度 "
                    f"[{grads}]。按“f: …; grad: [{grads}]”的形式作答。{decimals_clause(lang, decimals)}")
        return (f"The computational graph {formula}{extra} has inputs {values}. Compute f with a forward "
                f"pass, then the gradient [{grads}] with backpropagation (the chain rule). Answer as "
                f"“f: …; grad: [{grads}]”. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        solution: Solution = getattr(self, "_" + p["graph"])(p)  # one ``_<graph>`` method per graph
        return solution

    @staticmethod
    def _result(f: float, grad: list[float], names: tuple[str, ...], steps: list[Step]) -> Solution:
        steps.append(Step(T("The gradient", "梯度"), "∇f = (" + ", ".join([f"∂f/∂{n}" for n in names]) + ")",
                          "", grad))
        return Solution({"f": f, "grad": grad}, steps)

    def _mul_add(self, p: dict[str, Any]) -> Solution:
        x, y, z = float(p["x"]), float(p["y"]), float(p["z"])
        q = x + y
        f = q * z
        qf, zf = paren(q), paren(z)
        steps = [
            Step(T("Forward pass", "前向计算"), "q = x + y, f = q·z",
                 f"q = {num(x)} + {paren(y)} = {num(q)}\nf = {qf}·{zf} = {num(f)}", f),
            Step(T("Backward through the multiply node f = q·z (upstream ∂f/∂f = 1)",
                   "反向经过乘法节点 f = q·z(上游梯度 ∂f/∂f = 1)"),
                 "∂f/∂q = 1·z, ∂f/∂z = 1·q",
                 f"∂f/∂q = 1·{zf} = {num(z)}\n∂f/∂z = 1·{qf} = {num(q)}", [z, q],
                 T("A multiply node sends each input the upstream gradient times the other input",
                   "乘法节点传给每个输入的是上游梯度乘以另一个输入")),
            Step(T("Backward through the add node q = x + y", "反向经过加法节点 q = x + y"),
                 "∂f/∂x = ∂f/∂q·1, ∂f/∂y = ∂f/∂q·1",
                 f"∂f/∂x = {zf}·1 = {num(z)}\n∂f/∂y = {zf}·1 = {num(z)}", [z, z],
                 T("An add node passes the upstream gradient unchanged to every input",
                   "加法节点把上游梯度原样传给每个输入")),
        ]
        return self._result(f, [z, z, q], ("x", "y", "z"), steps)

    def _fanout(self, p: dict[str, Any]) -> Solution:
        x, y = float(p["x"]), float(p["y"])
        m = x * y
        f = m + x
        xf, yf = paren(x), paren(y)
        steps = [
            Step(T("Forward pass", "前向计算"), "p = x·y, f = p + x",
                 f"p = {xf}·{yf} = {num(m)}\nf = {num(m)} + {xf} = {num(f)}", f),
            Step(T("Backward through the add node f = p + x (upstream ∂f/∂f = 1)",
                   "反向经过加法节点 f = p + x(上游梯度 ∂f/∂f = 1)"),
                 "∂f/∂p = 1·1, ∂f/∂x (direct branch) = 1·1", "∂f/∂p = 1\n∂f/∂x (direct) = 1", [1.0, 1.0]),
            Step(T("Backward through the multiply node p = x·y", "反向经过乘法节点 p = x·y"),
                 "∂f/∂x (via p) = ∂f/∂p·y, ∂f/∂y = ∂f/∂p·x",
                 f"∂f/∂x (via p) = 1·{yf} = {num(y)}\n∂f/∂y = 1·{xf} = {num(x)}", [y, x]),
            Step(T("x fans out to two nodes: add the gradients of both branches",
                   "x 分出两条支路:把两条支路的梯度相加"),
                 "∂f/∂x = ∂f/∂x (via p) + ∂f/∂x (direct)", f"{num(y)} + 1 = {num(y + 1)}", y + 1.0,
                 T("Gradients from the branches add up; they are not multiplied, and neither is dropped",
                   "各支路的梯度相加;既不相乘,也不能只取其中一条")),
        ]
        return self._result(f, [y + 1.0, x], ("x", "y"), steps)

    def _max_mul(self, p: dict[str, Any]) -> Solution:
        x, y, z = float(p["x"]), float(p["y"]), float(p["z"])
        m = max(x, y)
        f = m * z
        gx, gy = (z, 0.0) if x > y else (0.0, z)
        winner, loser = ("x", "y") if x > y else ("y", "x")
        zf, mf = paren(z), paren(m)
        steps = [
            Step(T("Forward pass", "前向计算"), "m = max(x, y), f = m·z",
                 f"m = max({num(x)}, {num(y)}) = {num(m)}\nf = {mf}·{zf} = {num(f)}", f),
            Step(T("Backward through the multiply node f = m·z (upstream ∂f/∂f = 1)",
                   "反向经过乘法节点 f = m·z(上游梯度 ∂f/∂f = 1)"),
                 "∂f/∂m = 1·z, ∂f/∂z = 1·m", f"∂f/∂m = {num(z)}\n∂f/∂z = {num(m)}", [z, m]),
            Step(T("Backward through the max node: the gradient goes to the larger input only",
                   "反向经过 max 节点:梯度只传给较大的那个输入"),
                 "∂f/∂x = ∂f/∂m·[x > y], ∂f/∂y = ∂f/∂m·[y > x]",
                 f"{winner} is the larger: ∂f/∂{winner} = {num(z)}, ∂f/∂{loser} = 0", [gx, gy],
                 T("max routes the gradient: the input that lost has no effect on f near this point",
                   "max 起路由作用:较小的输入在该点附近对 f 没有影响")),
        ]
        return self._result(f, [gx, gy, m], ("x", "y", "z"), steps)

    def _sigmoid_affine(self, p: dict[str, Any]) -> Solution:
        w, x, b = float(p["w"]), float(p["x"]), float(p["b"])
        u = w * x
        s = u + b
        e = math.exp(-s)
        f = 1.0 / (1.0 + e)
        ds = f * (1.0 - f)
        ff, dsf = num(f, D), paren(ds, D)
        steps = [
            Step(T("Forward pass", "前向计算"), "u = w·x, s = u + b, f = σ(s) = 1 / (1 + e⁻ˢ)",
                 f"u = {paren(w)}·{paren(x)} = {num(u)}\ns = {num(u)} + {paren(b)} = {num(s)}\n"
                 f"f = 1 / (1 + e^{paren(-s)}) = 1 / (1 + {num(e, D)}) = {ff}", f, decimals=D),
            Step(T("Backward through the sigmoid node (upstream ∂f/∂f = 1)",
                   "反向经过 sigmoid 节点(上游梯度 ∂f/∂f = 1)"),
                 "∂f/∂s = σ(s)·(1 − σ(s))", f"{ff}·(1 − {ff}) = {num(ds, D)}", ds,
                 T("The local gradient of σ is σ·(1 − σ), not σ itself",
                   "σ 的局部梯度是 σ·(1 − σ),不是 σ 本身"),
                 decimals=D),
            Step(T("Backward through the add node s = u + b", "反向经过加法节点 s = u + b"),
                 "∂f/∂u = ∂f/∂s·1, ∂f/∂b = ∂f/∂s·1", f"∂f/∂u = ∂f/∂b = {num(ds, D)}", [ds, ds], decimals=D),
            Step(T("Backward through the multiply node u = w·x", "反向经过乘法节点 u = w·x"),
                 "∂f/∂w = ∂f/∂u·x, ∂f/∂x = ∂f/∂u·w",
                 f"∂f/∂w = {dsf}·{paren(x)} = {num(ds * x, D)}\n∂f/∂x = {dsf}·{paren(w)} = {num(ds * w, D)}",
                 [ds * x, ds * w], decimals=D),
        ]
        sol = self._result(f, [ds * x, ds * w, ds], ("w", "x", "b"), steps)
        sol.steps[-1].decimals = D
        return sol

    def _shared_input(self, p: dict[str, Any]) -> Solution:
        x, y, z = float(p["x"]), float(p["y"]), float(p["z"])
        a, c = x + y, y + z
        f = a * c
        af, cf = paren(a), paren(c)
        steps = [
            Step(T("Forward pass", "前向计算"), "a = x + y, c = y + z, f = a·c",
                 f"a = {num(x)} + {paren(y)} = {num(a)}\nc = {num(y)} + {paren(z)} = {num(c)}\n"
                 f"f = {af}·{cf} = {num(f)}", f),
            Step(T("Backward through the multiply node f = a·c (upstream ∂f/∂f = 1)",
                   "反向经过乘法节点 f = a·c(上游梯度 ∂f/∂f = 1)"),
                 "∂f/∂a = 1·c, ∂f/∂c = 1·a", f"∂f/∂a = {num(c)}\n∂f/∂c = {num(a)}", [c, a]),
            Step(T("Backward through the add node a = x + y", "反向经过加法节点 a = x + y"),
                 "∂f/∂x = ∂f/∂a·1, ∂f/∂y (via a) = ∂f/∂a·1",
                 f"∂f/∂x = {num(c)}\n∂f/∂y (via a) = {num(c)}", [c, c]),
            Step(T("Backward through the add node c = y + z", "反向经过加法节点 c = y + z"),
                 "∂f/∂y (via c) = ∂f/∂c·1, ∂f/∂z = ∂f/∂c·1",
                 f"∂f/∂y (via c) = {num(a)}\n∂f/∂z = {num(a)}", [a, a]),
            Step(T("y fans out to both add nodes: add the gradients of the two branches",
                   "y 分出两条支路:把两条支路的梯度相加"),
                 "∂f/∂y = ∂f/∂y (via a) + ∂f/∂y (via c)", f"{num(c)} + {paren(a)} = {num(a + c)}", a + c,
                 T("Gradients from the branches add up; they are not multiplied, and neither is dropped",
                   "各支路的梯度相加;既不相乘,也不能只取其中一条")),
        ]
        return self._result(f, [c, a + c, a], ("x", "y", "z"), steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        g = p["graph"]
        sol_f = chain_value(g, {n: float(p[n]) for n in GRAPHS[g][0]})
        own = T("A multiply node's local gradient for one input is the other input: ∂(a·b)/∂a = b, not a.",
                "乘法节点对一个输入的局部梯度是另一个输入:∂(a·b)/∂a = b,不是 a。")
        upstream = T("Multiply each local gradient by the upstream gradient coming from the output "
                     "(chain rule: upstream × local).",
                     "每个局部梯度都要乘以从输出传回来的上游梯度(链式法则:上游 × 局部)。")
        one_branch = T("The input feeds two nodes: add the gradients coming back along both branches.",
                       "该输入连到两个节点:要把两条支路传回的梯度相加。")
        multiplied = T("At a fan-out the gradients of the branches are added, not multiplied.",
                       "在分叉处,各支路的梯度相加,而不是相乘。")

        def m(tag: str, msg: Text, grad: list[float], step: int, f: float = sol_f) -> Mistake:
            return Mistake(tag, msg, {"f": f, "grad": grad}, step)

        if g == "mul_add":
            x, y, z = float(p["x"]), float(p["y"]), float(p["z"])
            q = x + y
            return [m("chain.mul_own_input", own, [q, q, z], 1),
                    m("chain.forgot_upstream", upstream, [1.0, 1.0, q], 2)]
        if g == "fanout":
            x, y = float(p["x"]), float(p["y"])
            # Multiplying the branches (y·1) gives the same as dropping the direct one: not listed.
            return [m("chain.fanout_one_branch", one_branch, [y, x], 3),
                    m("chain.fanout_one_branch", one_branch, [1.0, x], 3),
                    m("chain.mul_own_input", own, [x + 1.0, y], 2)]
        if g == "max_mul":
            x, y, z = float(p["x"]), float(p["y"]), float(p["z"])
            mx = max(x, y)
            lo = (0.0, z) if x > y else (z, 0.0)
            return [m("chain.max_both_inputs",
                      T("max passes the gradient only to the larger input; the other gets 0.",
                        "max 只把梯度传给较大的输入;另一个输入的梯度为 0。"), [z, z, mx], 2),
                    m("chain.max_smaller_input",
                      T("max passes the gradient to the larger input, not the smaller one.",
                        "max 把梯度传给较大的输入,而不是较小的那个。"), [lo[0], lo[1], mx], 2),
                    m("chain.mul_own_input", own,
                      [mx if x > y else 0.0, mx if y > x else 0.0, z], 1)]
        if g == "sigmoid_affine":
            w, x = float(p["w"]), float(p["x"])
            f = sol_f
            ds = f * (1 - f)
            return [m("chain.sigmoid_value_as_derivative",
                      T("The local gradient of σ is σ(s)·(1 − σ(s)), not σ(s).",
                        "σ 的局部梯度是 σ(s)·(1 − σ(s)),不是 σ(s)。"), [f * x, f * w, f], 1),
                    m("chain.mul_own_input", own, [ds * w, ds * x, ds], 3),
                    m("chain.forgot_upstream", upstream, [x, w, 1.0], 1)]
        x, y, z = float(p["x"]), float(p["y"]), float(p["z"])
        a, c = x + y, y + z
        return [m("chain.fanout_one_branch", one_branch, [c, c, a], 4),
                m("chain.fanout_one_branch", one_branch, [c, a, a], 4),
                m("chain.fanout_multiplied", multiplied, [c, a * c, a], 4),
                m("chain.mul_own_input", own, [a, a + c, c], 1),
                m("chain.forgot_upstream", upstream, [1.0, 2.0, 1.0], 2)]


KIND = ChainRule(
    name="chain_rule",
    summary=T("Forward value and gradient of a small computational graph by backpropagation.",
              "用反向传播求小型计算图的前向值与梯度。"),
    params=(
        Param("graph", "choice", "the graph: mul_add f = (x + y)·z; fanout f = x·y + x; "
              "max_mul f = max(x, y)·z; sigmoid_affine f = σ(w·x + b); shared_input f = (x + y)·(y + z). "
              "The gradient lists the inputs in this order: x, y, z (w, x, b for sigmoid_affine)",
              choices=tuple(GRAPHS)),
        *(Param(n, "number", f"input {n} (when the graph has it)", default=None) for n in CHAIN_INPUTS),
    ),
    knobs=(
        Knob("graph", "choice", list(GRAPHS), "graphs to draw from", tuple(GRAPHS)),
        Knob("values", "number", {"min": -4, "max": 4}, "input values (never 0)"),
        Knob("sigmoid_values", "number", {"min": -2, "max": 2, "step": 0.5},
             "w, x, b of sigmoid_affine (never 0; |w·x + b| ≤ 3)"),
    ),
    decimals=4,
)
