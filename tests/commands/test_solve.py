"""``studyapp solve``: a kind solved for the learner's own numbers, every bad param one line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from studyapp.core.kinds import KINDS
from tests.cli_run import assert_usage_error, run

CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")
ALL_KINDS = set(KINDS)  # every registered kind
PROBLEM_KEYS = {"id", "kind", "topic", "template", "difficulty", "params", "prompt", "answer", "solution"}

# The seed's worked backpropagation example (the classic 2-2-2 sigmoid network).
BACKPROP = {"x": [0.05, 0.10], "target": [0.01, 0.99], "W1": [[0.15, 0.20], [0.25, 0.30]],
            "b1": [0.35, 0.35], "W2": [[0.40, 0.45], [0.50, 0.55]], "b2": [0.60, 0.60], "lr": 0.5}

# --- solve -------------------------------------------------------------------------------------

def test_solve_the_seed_backprop_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "solve", "backprop_step", "--params", json.dumps(BACKPROP),
                         "--format", "json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["kind"] == "backprop_step"
    assert doc["params"] == BACKPROP
    answer = doc["answer"]
    assert answer["loss"] == pytest.approx(0.298371109, abs=1e-9)
    assert answer["W2"][0][0] == pytest.approx(0.35891648, abs=1e-8)
    assert answer["W2"][0][1] == pytest.approx(0.408666186, abs=1e-8)
    assert answer["W2"][1][0] == pytest.approx(0.511301270, abs=1e-8)
    assert answer["W1"][0][0] == pytest.approx(0.149780716, abs=1e-8)
    assert set(answer) == {"loss", "W1", "b1", "W2", "b2"}
    steps = doc["solution"]
    assert len(steps) > 5
    assert all({"title", "result"} <= set(step) for step in steps)


def test_solve_params_from_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    params = tmp_path / "p.json"
    params.write_text(json.dumps(BACKPROP, indent=2), encoding="utf-8")
    from_file = run(capsys, "solve", "backprop_step", "--params", f"@{params}", "--format", "json")
    inline = run(capsys, "solve", "backprop_step", "--params", json.dumps(BACKPROP), "--format", "json")
    assert from_file[0] == 0
    assert from_file == inline


def test_solve_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "solve", "backprop_step", "--params", json.dumps(BACKPROP))
    assert code == 0
    last = out.rstrip("\n").splitlines()[-1]
    assert last.startswith("Answer: loss: 0.298371; W1: [[")
    assert "W2: [[0.358916, " in last
    code, out, _ = run(capsys, "solve", "backprop_step", "--params", json.dumps(BACKPROP),
                       "--decimals", "9")
    assert "Answer: loss: 0.298371109;" in out
    assert "W2: [[0.35891648, " in out


def test_solve_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "solve", "softmax", "--params", '{"logits": [1, 2, 3]}', "--format", "md")
    assert code == 0
    assert out.startswith("# ")
    assert "**Answer:** `[0.090031, 0.244728, 0.665241]`" in out


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_solve_draws_the_figures_as_text(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    params = {"input": [[[1, 2, 0], [0, 1, 3], [2, 1, 0]]], "kernel": [[[1, 0], [0, -1]]], "padding": 1}
    code, out, _ = run(capsys, "solve", "conv2d", "--params", json.dumps(params), "--format", fmt)
    assert code == 0
    assert out.count("The window on the input times the kernel") == 4  # one per output row
    assert "   x (+1 pad)" in out  # the padding as its own ring
    assert "   [0 0]0 0 0      1  0    [-1] ·  ·  ·" in out  # the first window, the cell it makes
    assert "   [0 1]2 0 0      0 -1      ·  ·  ·  ·" in out


def test_solve_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "solve", "softmax", "--params", '{"logits": [1, 2, 3]}', "--lang", "zh")
    assert code == 0
    assert "答案: [0.090031, 0.244728, 0.665241]" in out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_solve_html_is_a_page_with_the_answer_and_the_figures(capsys: pytest.CaptureFixture[str],
                                                              lang: str) -> None:
    import xml.etree.ElementTree as ET

    from studyapp.core.numfmt import num

    conv = {"input": [[1, 2, 0], [0, 1, 3], [2, 1, 1]], "kernel": [[1, 0], [0, -1]], "padding": 1}
    kind = KINDS["conv2d"]
    solution = kind.solve(kind.validate(conv))
    wrong = json.dumps([[0] * 4] * 4)
    code, out, err = run(capsys, "solve", "conv2d", "--params", json.dumps(conv), "--format", "html",
                         "--lang", lang, "--answer", wrong)
    assert (code, err) == (1, "")  # the grade still sets the exit status
    assert out.startswith("<!DOCTYPE html>") and "default-src 'none'" in out and "<script" not in out
    assert kind.summary.get(lang) in out and ("✗ 不对" if lang == "zh" else "✗ wrong") in out
    answer = out.split('<p class="label">', 1)[1].split('class="solution-title"')[0]
    cells = re.findall(r"<td>([^<]*)</td>", answer)  # the answer's grid, after the params' grids
    assert cells == [num(v, 6) for row in solution.answer for v in row]
    figures = [s.figure for s in solution.steps if s.figure is not None]
    svgs = re.findall(r"<svg\b.*?</svg>", out, re.S)
    assert figures and len(svgs) == len(figures)
    for svg, figure in zip(svgs, figures, strict=True):
        ET.fromstring(svg)
        assert figure.caption.get(lang) in out


def test_solve_defaults_fill_optional_params(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "solve", "conv2d", "--params",
                       '{"input": [[1, 2], [3, 4]], "kernel": [[1, 0], [0, 1]]}', "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["params"]["stride"] == 1 and doc["params"]["padding"] == 0
    assert doc["answer"] == [[5.0]]


def test_solve_out_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "s.txt"
    code, out, _ = run(capsys, "solve", "softmax", "--params", '{"logits": [0, 0]}', "--out", str(target))
    assert (code, out) == (0, "")
    assert "Answer: [0.5, 0.5]" in target.read_text(encoding="utf-8")
    assert_usage_error(run(capsys, "solve", "softmax", "--params", '{"logits": [0, 0]}', "--out",
                           str(target)), "already exists")


@pytest.mark.parametrize(("argv", "words"), [
    (["nope", "--params", "{}"], ["unknown kind 'nope'", "'studyapp kinds' lists them"]),
    (["softmax", "--params", '{"logits": [1, 2'], ["not valid JSON", "line 1"]),
    (["softmax", "--params", "logits=1,2"], ["not valid JSON"]),
    (["softmax", "--params", "[" * 100_000], ["nested too deeply"]),
    (["softmax", "--params", "[1, 2]"], ["must be a JSON object"]),
    (["softmax", "--params", "{}"], ["missing param 'logits'"]),
    (["softmax", "--params", '{"logits": [1], "temperature": 2}'], ["unknown param 'temperature'"]),
    (["softmax", "--params", '{"logits": "1 2 3"}'], ["'logits'", "list of numbers"]),
    (["softmax", "--params", '{"logits": [1, NaN]}'], ["'logits'"]),
    (["softmax", "--params", '{"logits": [1, 1e999]}'], ["'logits'"]),
    (["softmax", "--params", '{"logits": []}'], ["'logits'", "non-empty"]),
    (["softmax_cross_entropy", "--params", '{"logits": [1, 2], "target": 1.5}'],
     ["'target'", "whole number"]),
    (["softmax_cross_entropy", "--params", '{"logits": [1, 2], "target": 2}'], ["target", "0 to 1"]),
    (["conv_param_count", "--params", '{"kernel_size": 3, "in_channels": 3, "filters": 8, "bias": 1}'],
     ["'bias'", "true or false"]),
    (["conv2d", "--params", '{"input": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]], "kernel": [[1]]}'],
     ["kernel has 1 channels but the input has 2"]),
    (["conv2d", "--params", '{"input": [[1, 2], [3, 4]], "kernel": [[1]], "stride": -1}'],
     ["stride must be at least 1", "-1"]),
    (["conv2d", "--params", '{"input": [[1, 2], [3, 4]], "kernel": [[1]], "padding": -2}'],
     ["padding must be 0 or more"]),
    (["conv2d", "--params", '{"input": [[1, 2], [3, 4]], "kernel": [[1, 1, 1], [1, 1, 1], [1, 1, 1]]}'],
     ["kernel size 3 is larger than the padded input"]),
    (["conv2d", "--params", '{"input": [[1, 2], [3]], "kernel": [[1]]}'], ["'input'"]),
    (["conv2d", "--params", '{"input": [[1, 2], [3, 4]], "kernel": [[1], [1]]}'], ["square"]),
    (["conv2d", "--params", '{"input": [[1, 2], [3, 4]], "kernel": [[1]], "activation": "gelu"}'],
     ["'activation'", "identity, relu"]),
    (["pool2d", "--params", '{"input": [[1, 2], [3, 4]], "size": 3, "stride": 1, "mode": "max"}'],
     ["larger than"]),
    (["conv_output_size", "--params", '{"input_size": 5, "kernel_size": 3, "padding": 0, "stride": 0}'],
     ["stride must be at least 1"]),
    (["activation", "--params", '{"function": "relu", "x": 0, "derivative": true}'],
     ["relu has no derivative at x = 0"]),
    (["activation", "--params", '{"function": "swish", "x": 1}'], ["'function'"]),
    (["batch_norm", "--params", '{"x": [1]}'], ["at least 2 values"]),
    (["batch_norm", "--params", '{"x": [2, 2], "eps": 0}'], ["divides by zero"]),
    (["backprop_step", "--params", json.dumps({**BACKPROP, "W1": [[0.1, 0.2, 0.3]]})], ["W1 must be 2×2"]),
    (["backprop_step", "--params", json.dumps({**BACKPROP, "lr": -0.5})], ["lr must be positive"]),
    (["softmax", "--params", '{"logits": [1]}', "--decimals", "16"], ["--decimals", "16"]),
    (["softmax", "--params", '{"logits": [1]}', "--format", "xml"], ["--format", "xml"]),
    (["softmax"], ["--params"]),
])
def test_solve_errors(capsys: pytest.CaptureFixture[str], argv: list[str], words: list[str]) -> None:
    assert_usage_error(run(capsys, "solve", *argv), *words)


def test_solve_reports_every_param_error_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    line = assert_usage_error(run(capsys, "solve", "conv_output_size", "--params",
                                  '{"input_size": "5", "stride": 1.5, "colour": 1}'))
    for word in ("unknown param 'colour'", "'input_size'", "missing param 'kernel_size'",
                 "missing param 'padding'", "'stride'"):
        assert word in line


def test_solve_missing_params_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    assert_usage_error(run(capsys, "solve", "softmax", "--params", f"@{missing}"),
                       "cannot read params file", str(missing), "No such file")


def test_solve_params_file_is_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert_usage_error(run(capsys, "solve", "softmax", "--params", f"@{tmp_path}"), "cannot read params file")


def test_solve_params_file_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"logits": [1, 2]}\xff\xfe')
    assert_usage_error(run(capsys, "solve", "softmax", "--params", f"@{bad}"), "not UTF-8")


def test_solve_params_file_with_invalid_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "logits": [1, 2,]\n}\n', encoding="utf-8")
    assert_usage_error(run(capsys, "solve", "softmax", "--params", f"@{bad}"), "not valid JSON", "line 2")


HUGE_INT = "1" + "0" * 400


@pytest.mark.parametrize(("kind", "params"), [
    ("softmax", f'{{"logits": [1, {HUGE_INT}]}}'),
    ("batch_norm", f'{{"x": [1, 2], "gamma": {HUGE_INT}}}'),
], ids=["softmax-logit", "batch_norm-gamma"])
def test_solve_huge_integer_is_a_usage_error(capsys: pytest.CaptureFixture[str], kind: str,
                                             params: str) -> None:
    assert_usage_error(run(capsys, "solve", kind, "--params", params))


@pytest.mark.parametrize(("kind", "params"), [
    ("conv2d", '{"input": [[1, 2], [3, 4]], "kernel": [[1]], "stride": 100000000000000000000}'),
    ("pool2d", '{"input": [[1, 2], [3, 4]], "size": 1, "stride": 100000000000000000000, "mode": "max"}'),
    ("conv2d", '{"input": [[1, 2], [3, 4]], "kernel": [[1]], "padding": 100000000}'),
], ids=["conv2d-stride", "pool2d-stride", "conv2d-padding"])
def test_solve_absurd_sizes_are_usage_errors(capsys: pytest.CaptureFixture[str], kind: str,
                                             params: str) -> None:
    assert_usage_error(run(capsys, "solve", kind, "--params", params))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_solve_cross_entropy_of_far_apart_logits(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "solve", "softmax_cross_entropy", "--params",
                       '{"logits": [0, 800], "target": 0}', "--format", "json")
    assert code == 0

    def refuse(name: str) -> None:
        raise AssertionError(f"non-standard JSON constant {name}")

    doc = json.loads(out, parse_constant=refuse)
    assert doc["answer"]["loss"] == pytest.approx(800.0)
