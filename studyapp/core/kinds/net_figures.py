"""The figures of fully connected networks (forward values, backward gradients), from the solver's
lists.

Layer l's nodes come first, then its bias unit "+1" (value 1) when the next layer has biases: a
bias is the weight on the edge from that unit, so every node's value is f(Σ weight · source value)
over its incoming edges, and in a backward step the bias's gradient sits on that edge too.

A solution shows the same network several times (filling in layer by layer, then the gradients):
it builds each layer's nodes and edges once per state and the figures share them, since a figure
is only read. Nodes and edges are made in bulk, so the builders map their classes over the lists.

A curve (prelu, sigmoid_tanh_identity) is its kind's own function mapped over evenly spaced
samples once per domain and kept: the figures of many problems share those lists.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, repeat

from studyapp.core.figure import Edge, Node
from studyapp.core.numfmt import sub

BIAS_LABEL = "+1"
CURVE_SAMPLES = 41  # points of a drawn curve, 40 intervals, as activation draws them

Vector = Sequence[float]
Matrix = Sequence[Sequence[float]]


@lru_cache(maxsize=64)  # a handful of (symbol, size) pairs; the lists are shared, never changed
def numbered(symbol: str, count: int, subscript: bool = False) -> list[str]:
    """["x1", "x2", …] (["x₁", "x₂", …]): the labels of a layer of ``count`` units."""
    return [symbol + (sub(i + 1) if subscript else str(i + 1)) for i in range(count)]


def layer_nodes(labels: Sequence[str], layer: int, values: Vector | None = None,
                grads: Vector | None = None, bias: bool = False) -> list[Node]:
    """One layer's nodes: the solver's ``values`` (None: not computed yet) and ∂L/∂node ``grads``;
    ``bias``: the layer feeds biases to the next, through a "+1" unit after its nodes."""
    layers = repeat(layer, len(labels))
    if values is None:
        nodes = list(map(Node, labels, layers))
    elif grads is None:
        nodes = list(map(Node, labels, layers, values))
    else:
        nodes = list(map(Node, labels, layers, values, grads))
    if bias:
        nodes.append(Node(BIAS_LABEL, layer, 1.0))
    return nodes


@lru_cache(maxsize=256)  # a few shapes; the index lists are shared, never changed
def _ends(source: int, target: int, inputs: int, outputs: int) -> tuple[list[int], list[int]]:
    """The source and target node of each weight of an outputs×inputs matrix, row by row."""
    return ([source + i for _ in range(outputs) for i in range(inputs)],
            [t for t in range(target, target + outputs) for _ in range(inputs)])


def layer_edges(source: int, target: int, weights: Matrix, biases: Vector | None = None,
                weight_grads: Matrix | None = None, bias_grads: Vector | None = None) -> list[Edge]:
    """The edges into the layer whose first node is ``target`` from the one whose first node is
    ``source``: W[j][i] from node i to node j (row j of W feeds unit j), then bias j from the
    source layer's "+1" unit; the gradients, where given, beside them."""
    inputs = len(weights[0])
    sources, targets = _ends(source, target, inputs, len(weights))
    if weight_grads is None:
        edges = list(map(Edge, sources, targets, chain.from_iterable(weights)))
    else:
        edges = list(map(Edge, sources, targets, chain.from_iterable(weights),
                         chain.from_iterable(weight_grads)))
    if biases is not None:
        units, ends = repeat(source + inputs, len(biases)), range(target, target + len(biases))
        edges += (map(Edge, units, ends, biases) if bias_grads is None
                  else map(Edge, units, ends, biases, bias_grads))
    return edges


def curve_half(x: float, least: int = 4) -> int:
    """The half-width of a domain [−half, half] that holds x with a margin of at least 1."""
    return max(least, math.ceil(abs(x)) + 1)


@lru_cache(maxsize=64)  # a few widths; the list is shared by every curve over it, never changed
def symmetric_samples(half: float) -> list[float]:
    """``CURVE_SAMPLES`` evenly spaced points of [−half, half], 0 among them."""
    mid = CURVE_SAMPLES // 2
    return [(i - mid) * half / mid for i in range(CURVE_SAMPLES)]
