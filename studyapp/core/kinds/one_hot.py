"""one_hot: a label written as a one-hot vector, or the class a classifier predicts from its
softmax outputs."""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.nnmath import floats
from studyapp.core.kinds.wording import T, exact_clause
from studyapp.core.numfmt import num, sub, vec
from studyapp.core.steps import Step


class OneHot(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        mode = k.pick("mode")
        c = k.int("classes")
        if mode == "encode":
            return {"mode": mode, "classes": c, "label": k.below(c)}
        return {"mode": mode, "probs": self._probs(k, c)}

    @staticmethod
    def _probs(k: Knobs, c: int) -> list[float]:
        """C probabilities with two decimals that sum to 1 and have one largest entry."""
        for _ in range(50):
            raw = k.values("scores", (c,))
            total = sum(raw)
            if total <= 0:
                continue
            cents = [100 * r // total for r in raw]
            rest = 100 - sum(cents)
            order = sorted(range(c), key=lambda i: (-(100 * raw[i] % total), i))
            for i in order[:rest]:
                cents[i] += 1
            top = max(cents)
            if cents.count(top) == 1:
                return [v / 100 for v in cents]
        return [0.01] * (c - 1) + [round(1 - 0.01 * (c - 1), 2)]  # up to 50 classes

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = []
        if p["mode"] == "encode":
            if p["probs"] is not None:
                errors.append("probs is for mode predict; mode encode takes classes and label")
            if p["classes"] is None or p["label"] is None:
                errors.append("mode encode needs classes (how many) and label (its index, from 0)")
                return errors
            c, y = p["classes"], p["label"]
            if c < 2:
                errors.append(f"classes must be at least 2 (got {c})")
            elif c > 1000:
                errors.append(f"classes must be at most 1000 (got {c})")
            elif not 0 <= y < c:
                errors.append(f"label must be a class index from 0 to {c - 1} (got {y})")
            return errors
        if p["classes"] is not None or p["label"] is not None:
            errors.append("classes and label are for mode encode; mode predict takes probs")
        probs = p["probs"]
        if probs is None:
            errors.append("mode predict needs probs (the softmax outputs)")
            return errors
        if len(probs) < 2:
            errors.append(f"probs needs at least 2 classes (got {len(probs)})")
        if any(v < 0 or v > 1 for v in probs):
            errors.append("probs must each be between 0 and 1")
        elif abs(math.fsum(probs) - 1) > 0.011:
            errors.append(f"probs must sum to 1 (they sum to {num(math.fsum(probs))})")
        top = max(probs)
        if sum([1 for v in probs if v == top]) > 1:
            errors.append(f"two classes share the largest probability {num(top)}: the prediction is "
                          "ambiguous")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        if p["mode"] == "encode":
            c, y = p["classes"], p["label"]
            if lang == "zh":
                return (f"共有 {c} 个类别,编号 0 到 {c - 1}。把类别 {y} 写成 one-hot 向量"
                        f"(长度为 {c},由 0 和 1 组成)。")
            return (f"There are {c} classes, numbered 0 to {c - 1}. Write the label {y} as a one-hot "
                    f"vector (a vector of {c} zeros and ones).")
        probs = vec(p["probs"])
        n = len(p["probs"])
        if lang == "zh":
            return (f"一个分类器的 softmax 输出为 p = {probs}(类别编号 0 到 {n - 1})。"
                    f"它预测的是哪个类别?给出类别编号。{exact_clause(lang)}")
        return (f"A classifier's softmax outputs are p = {probs} (classes numbered 0 to {n - 1}). Which "
                f"class does it predict? Give the class index. {exact_clause(lang)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        if p["mode"] == "encode":
            c, y = p["classes"], p["label"]
            out = [0] * c
            out[y] = 1
            steps = [
                Step(T("Start from a vector of zeros, one entry per class",
                       "从全 0 向量开始,每个类别一个位置"),
                     f"length C = {c}", "", [0] * c),
                Step(T("Put a 1 at the label's index (counting from 0)", "在标签对应的位置(从 0 数起)放 1"),
                     "yᵢ = 1 if i = label, else 0", f"label = {y}: entry {y} of 0…{c - 1}", out,
                     T("The label is the index of the single 1", "标签就是那个唯一的 1 所在的位置")),
            ]
            return Solution(out, steps)
        probs = floats(p["probs"])
        top = max(probs)
        index = probs.index(top)
        steps = [
            Step(T("The probabilities sum to 1", "概率之和为 1"), "Σᵢ pᵢ",
                 " + ".join([num(v) for v in probs]), math.fsum(probs)),
            Step(T("Predicted class: the index of the largest probability", "预测类别:最大概率所在的位置"),
                 "ŷ = argmaxᵢ pᵢ", f"the largest is p{sub(index)} = {num(top)}", index,
                 T("Answer the index, not the probability itself", "答的是类别编号,不是概率值")),
        ]
        return Solution(index, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        if p["mode"] == "encode":
            c, y = p["classes"], p["label"]
            out = []
            if y >= 1:
                shifted = [0] * c
                shifted[y - 1] = 1
                out.append(Mistake("onehot.one_based",
                                   T(f"Classes are counted from 0: label {y} goes in position {y + 1} "
                                     f"(index {y}), not position {y}.",
                                     f"类别从 0 开始编号:标签 {y} 在第 {y + 1} 个位置(下标 {y}),"
                                     f"不是第 {y} 个。"),
                                   shifted, 1))
            bits = format(y, "b").zfill(c)[-c:]
            out.append(Mistake("onehot.binary_code",
                               T(f"That is {y} written in binary; one-hot uses one position per class, "
                                 "with a single 1 at the label's index.",
                                 f"这是 {y} 的二进制写法;one-hot 每个类别占一个位置,只在标签的下标处为 1。"),
                               [int(ch) for ch in bits], 1))
            out.append(Mistake("onehot.inverted",
                               T("A one-hot vector has a single 1, at the label; every other entry is 0.",
                                 "one-hot 向量只有一个 1,在标签处;其余都是 0。"),
                               [0 if i == y else 1 for i in range(c)], 1))
            return out
        probs = floats(p["probs"])
        top = max(probs)
        index = probs.index(top)
        return [
            Mistake("onehot.argmin", T("The prediction is the class with the largest probability, not the "
                                       "smallest.", "预测的是概率最大的类别,不是最小的。"),
                    probs.index(min(probs)), 1),
            Mistake("onehot.one_based", T("Classes are counted from 0: the first probability is class 0.",
                                          "类别从 0 开始编号:第一个概率对应类别 0。"), index + 1, 1),
            Mistake("onehot.probability_for_class",
                    T("Answer the class index, not the probability of that class.",
                      "要答的是类别编号,而不是该类别的概率。"), top, 1),
        ]


KIND = OneHot(
    name="one_hot",
    summary=T("One-hot encoding of a label, or the class a classifier predicts from its softmax outputs.",
              "把标签写成 one-hot 向量,或由 softmax 输出读出预测的类别。"),
    params=(
        Param("mode", "choice", "encode: write label as a one-hot vector; predict: the argmax of probs",
              default="encode", choices=("encode", "predict")),
        Param("classes", "int", "number of classes C (mode encode)", default=None),
        Param("label", "int", "the label's class index, from 0 (mode encode)", default=None),
        Param("probs", "vector", "softmax outputs, one per class, summing to 1 (mode predict)", default=None),
    ),
    knobs=(
        Knob("mode", "choice", ["encode", "predict"], "what the prompt asks", ("encode", "predict")),
        Knob("classes", "int", {"min": 3, "max": 10}, "number of classes"),
        Knob("scores", "int", {"min": 1, "max": 9}, "relative sizes of the probabilities (mode predict)"),
    ),
    decimals=0,
    exact=True,
)
