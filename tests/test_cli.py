"""The ``studyapp`` command line, run in-process through ``studyapp.cli.main``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from studyapp import __version__
from studyapp.core.kinds import KINDS
from studyapp.core.library import load_library
from studyapp.paths import bundled_content_dir
from tests.cli_run import run

CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")
ALL_KINDS = set(KINDS)  # every registered kind
PROBLEM_KEYS = {"id", "kind", "topic", "template", "difficulty", "params", "prompt", "answer", "solution"}

# The seed's worked backpropagation example (the classic 2-2-2 sigmoid network).
BACKPROP = {"x": [0.05, 0.10], "target": [0.01, 0.99], "W1": [[0.15, 0.20], [0.25, 0.30]],
            "b1": [0.35, 0.35], "W2": [[0.40, 0.45], [0.50, 0.55]], "b2": [0.60, 0.60], "lr": 0.5}




def assert_usage_error(result: tuple[int, str, str], *words: str) -> str:
    """Exit status 2, nothing on stdout, and exactly one line on stderr that names the problem."""
    code, out, err = result
    assert code == 2, (code, out, err)
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert err.endswith("\n")
    assert lines[0].startswith("studyapp")
    assert "error:" in lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert out == ""
    return lines[0]


def generate_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, "generate", "--format", "json", *argv)
    assert code == 0, err
    return json.loads(out)


# --- no command, unknown command, --version ---------------------------------------------------

def test_no_arguments_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 0
    assert out.startswith("usage: studyapp")
    for command in ("generate", "solve", "kinds", "validate", "schema"):
        assert command in out
    assert err == ""


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(run(capsys, "frobnicate"), "invalid choice", "frobnicate")


def test_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(run(capsys, "kinds", "--bogus"), "--bogus")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"studyapp {__version__}"


# --- generate ----------------------------------------------------------------------------------

def test_generate_markdown_has_answer_key_and_solutions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "generate", "--seed", "7", "--count", "4")
    assert code == 0 and err == ""
    assert out.startswith("# Exercise set (seed 7)\n")
    assert "## Problems" in out
    problems, key = out.split("## Answer key")
    assert len(re.findall(r"^### \d+\. ", problems, re.M)) == 4
    assert len(re.findall(r"^### \d+\. ", key, re.M)) == 4
    assert key.count("**Answer:** `") == 4
    assert key.count("*Worked solution:*") == 4
    assert "**Answer:**" not in problems


def test_generate_answers_inline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "generate", "--seed", "7", "--count", "3", "--answers", "inline")
    assert code == 0
    assert "## Answer key" not in out
    assert out.count("**Answer:** `") == 3
    assert out.count("*Worked solution:*") == 3
    # each answer follows its own problem, before the next one
    chunks = re.split(r"^### \d+\. ", out, flags=re.M)[1:]
    assert len(chunks) == 3
    assert all(chunk.count("**Answer:**") == 1 for chunk in chunks)


def test_generate_answers_none(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "generate", "--seed", "7", "--count", "3", "--answers", "none")
    assert code == 0
    assert len(re.findall(r"^### \d+\. ", out, re.M)) == 3
    assert "Answer key" not in out
    assert "**Answer:**" not in out
    assert "Worked solution" not in out


def test_generate_json(capsys: pytest.CaptureFixture[str]) -> None:
    templates = len(load_library().templates)
    doc = generate_json(capsys, "--seed", "11", "--count", str(templates + 1))
    assert doc["schema"] == "studyapp.exercise-set/1"
    assert doc["seed"] == 11
    assert doc["lang"] == "en"
    assert len(doc["problems"]) == templates + 1
    for problem in doc["problems"]:
        assert PROBLEM_KEYS <= set(problem)
        assert problem["kind"] in ALL_KINDS
        assert problem["id"] == f"{problem['template']}@{problem['seed']}"
        assert problem["difficulty"] in (1, 2, 3)
        assert isinstance(problem["params"], dict) and problem["params"]
        assert isinstance(problem["prompt"], str) and problem["prompt"]
        assert problem["answer"] is not None
        assert isinstance(problem["solution"], list) and problem["solution"]
    # every template is used before any is used twice
    assert len({p["template"] for p in doc["problems"]}) == templates


def test_generate_json_is_strict_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "generate", "--seed", "3", "--count", "30", "--format", "json")
    assert code == 0

    def refuse(name: str) -> None:
        raise AssertionError(f"non-standard JSON constant {name}")

    json.loads(out, parse_constant=refuse)


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_generate_same_seed_same_bytes(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    first = run(capsys, "generate", "--seed", "123456789", "--count", "8", "--format", fmt)
    second = run(capsys, "generate", "--seed", "123456789", "--count", "8", "--format", fmt)
    assert first[0] == second[0] == 0
    assert first[1].encode() == second[1].encode()
    other = run(capsys, "generate", "--seed", "123456790", "--count", "8", "--format", fmt)
    assert other[1] != first[1]


def test_generate_without_seed_reports_the_seed_it_used(capsys: pytest.CaptureFixture[str]) -> None:
    doc = generate_json(capsys, "--count", "1")
    assert isinstance(doc["seed"], int) and doc["seed"] >= 0
    again = generate_json(capsys, "--count", "1", "--seed", str(doc["seed"]))
    assert again == doc


def test_generate_largest_seed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "generate", "--seed", str(2**63 - 1), "--count", "1")
    assert code == 0 and f"(seed {2**63 - 1})" in out


def test_generate_kind_filter(capsys: pytest.CaptureFixture[str]) -> None:
    doc = generate_json(capsys, "--seed", "5", "--count", "5", "--kind", "conv2d")
    assert {p["kind"] for p in doc["problems"]} == {"conv2d"}
    doc = generate_json(capsys, "--seed", "5", "--count", "6", "--kind", "softmax", "--kind",
                        "conv_output_size")
    assert {p["kind"] for p in doc["problems"]} == {"softmax", "conv_output_size"}


def test_generate_topic_filter(capsys: pytest.CaptureFixture[str]) -> None:
    doc = generate_json(capsys, "--seed", "5", "--count", "6", "--topic", "losses")
    assert {p["topic"] for p in doc["problems"]} == {"losses"}
    doc = generate_json(capsys, "--seed", "5", "--count", "6", "--topic", "convolution",
                        "--kind", "pool2d")
    assert {(p["topic"], p["kind"]) for p in doc["problems"]} == {("convolution", "pool2d")}


def test_generate_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    doc = generate_json(capsys, "--seed", "9", "--count", "11", "--lang", "zh")
    assert doc["lang"] == "zh"
    assert all(CJK.search(p["prompt"]) for p in doc["problems"])
    code, out, _ = run(capsys, "generate", "--seed", "9", "--count", "2", "--lang", "zh")
    assert code == 0
    assert out.startswith("# 练习题(种子 9)") or out.startswith("# 练习题 (种子 9)")
    assert "## 答案" in out and "*解题过程:*" in out
    english = generate_json(capsys, "--seed", "9", "--count", "11")
    assert not any(CJK.search(p["prompt"]) for p in english["problems"])
    # the language changes the words, never the numbers
    assert [p["answer"] for p in english["problems"]] == [p["answer"] for p in doc["problems"]]


def test_generate_from_own_content(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(textwrap.dedent("""\
        id: mine
        title: {en: Mine, zh: 我的}
        problems:
          - id: mine.out
            kind: conv_output_size
            difficulty: 1
            params: {input_size: 32, kernel_size: 3, padding: 1, stride: 1}
        """), encoding="utf-8")
    doc = generate_json(capsys, "--seed", "1", "--count", "3", "--content", str(tmp_path),
                        "--topic", "mine")  # --content adds decks: the bundled ones are there too
    assert [p["template"] for p in doc["problems"]] == ["mine.out"] * 3
    assert all(p["answer"] == 32 for p in doc["problems"])


@pytest.mark.parametrize(("argv", "words"), [
    (["--count", "0"], ["--count", "0"]),
    (["--count", "-3"], ["--count", "-3"]),
    (["--count", "100001"], ["--count", "100001"]),
    (["--seed", "-1"], ["--seed", "-1"]),
    (["--seed", str(2**63)], ["--seed", str(2**63)]),
    (["--kind", "convolution"], ["unknown kind 'convolution'", "conv2d"]),
    (["--topic", "optics"], ["unknown topic 'optics'", "did you mean optimizers?"]),
    (["--topic", "xyz"], ["unknown topic 'xyz'", "known:", "losses"]),
    (["--kind", "conv2d", "--topic", "losses"], ["no problem template matches"]),
    (["--count", "ten"], ["--count", "ten"]),
    (["--format", "pdf"], ["--format", "pdf"]),
    (["--answers", "later"], ["--answers", "later"]),
    (["--lang", "fr"], ["--lang", "fr"]),
])
def test_generate_errors(capsys: pytest.CaptureFixture[str], argv: list[str], words: list[str]) -> None:
    assert_usage_error(run(capsys, "generate", "--seed", "1", *argv), *words)


def test_generate_out_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "set.md"
    code, out, err = run(capsys, "generate", "--seed", "1", "--count", "2", "--out", str(target))
    assert (code, out, err) == (0, "", "")
    first = target.read_bytes()
    assert first == run(capsys, "generate", "--seed", "1", "--count", "2")[1].encode()

    line = assert_usage_error(run(capsys, "generate", "--seed", "2", "--count", "2", "--out", str(target)),
                              "already exists", "--force")
    assert str(target) in line
    assert target.read_bytes() == first  # left unchanged

    code, out, _ = run(capsys, "generate", "--seed", "2", "--count", "2", "--out", str(target), "--force")
    assert (code, out) == (0, "")
    assert target.read_bytes() == run(capsys, "generate", "--seed", "2", "--count", "2")[1].encode()
    assert target.read_bytes() != first


def test_generate_out_to_a_missing_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "set.md"
    assert_usage_error(run(capsys, "generate", "--seed", "1", "--out", str(target)), "cannot write",
                       str(target))
    assert not target.parent.exists()


def test_generate_out_to_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert_usage_error(run(capsys, "generate", "--seed", "1", "--out", str(tmp_path), "--force"),
                       "is a folder")


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


# --- kinds -------------------------------------------------------------------------------------

def test_kinds_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "kinds")
    assert code == 0 and err == ""
    names = {line.split(":")[0] for line in out.splitlines() if line and not line.startswith(" ")}
    assert names == ALL_KINDS == set(KINDS)
    assert re.search(r"^    logits +vector ", out, re.M)


def test_kinds_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kinds", "--format", "json")
    assert code == 0
    whole = json.loads(out)
    assert whole["schema"] == "studyapp.kinds/1"
    doc = whole["kinds"]
    assert [k["kind"] for k in doc] == list(KINDS)
    assert {k["kind"] for k in doc} == ALL_KINDS
    by_name = {k["kind"]: k for k in doc}
    for kind in doc:
        assert kind["summary"] and kind["params"] and isinstance(kind["answer_decimals"], int)
        for param in kind["params"]:
            assert {"name", "type", "doc"} <= set(param)
            assert ("required" in param) != ("default" in param)
    softmax = {p["name"]: p for p in by_name["softmax"]["params"]}
    assert softmax["logits"] == {"name": "logits", "type": "vector", "doc": "the logits z", "required": True}
    conv = {p["name"]: p for p in by_name["conv2d"]["params"]}
    assert conv["stride"]["default"] == 1 and "required" not in conv["stride"]
    assert conv["activation"]["choices"] == ["identity", "relu"]
    assert {n["name"] for n in by_name["backprop_step"]["knobs"]} >= {"inputs", "hidden", "lr"}


def test_kinds_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kinds", "--format", "json", "--lang", "zh")
    assert code == 0
    assert all(CJK.search(k["summary"]) for k in json.loads(out)["kinds"])


# --- validate ----------------------------------------------------------------------------------

def test_validate_bundled_content(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", "--seeds", "20")
    assert code == 0, out + err
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ok: ")
    assert re.fullmatch(r"ok: \d+ decks, \d+ cards \(\d+ basic, \d+ cloze, \d+ choice\), "
                        r"\d+ problem templates, \d+ kinds", lines[0])


def test_validate_bundled_content_by_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--seeds", "1", str(bundled_content_dir()))
    assert code == 0 and out.startswith("ok: ")


BROKEN = """\
id: broken
title:
  en: Broken deck
  zh: 坏的
bogus: 1
cards:
  - id: b.one
    type: basic
    front:
      en: Front without Chinese
    back:
      en: Back
      zh: 背面
    related: [b.nowhere]
  - id: b.one
    type: basic
    front: {en: F, zh: 正}
    back: {en: B, zh: 反}
problems:
  - id: b.tpl
    kind: softmax
    difficulty: 1
    params:
      nosuchknob: 3
"""


def validate_errors(capsys: pytest.CaptureFixture[str], *paths: Path) -> list[tuple[str, int, int, str]]:
    code, out, err = run(capsys, "validate", "--seeds", "2", *map(str, paths))
    assert code == 1, out + err
    assert "Traceback" not in err
    errors = []
    for line in out.splitlines():
        match = ERROR_LINE.match(line)
        assert match, f"not FILE:LINE:COL: message: {line!r}"
        errors.append((match["file"], int(match["line"]), int(match["col"]), match["message"]))
    assert err.strip() == f"{len(errors)} error(s)"
    return errors


def _line_of(errors: list[tuple[str, int, int, str]], needle: str) -> int:
    found = [e for e in errors if needle in e[3]]
    assert len(found) == 1, (needle, errors)
    return found[0][1]


def test_validate_reports_every_schema_error_with_its_line(capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path) -> None:
    deck = tmp_path / "broken.yaml"
    deck.write_text(BROKEN, encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert {e[0] for e in errors} == {str(deck)}
    assert [e[1:3] for e in errors if "unknown key 'bogus'" in e[3]] == [(5, 1)]
    assert _line_of(errors, "cards[0].front.zh is missing") in (9, 10)
    assert _line_of(errors, "unknown knob 'nosuchknob'") == 24
    assert len(errors) >= 3


def test_validate_reports_every_error_of_a_broken_deck(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert _line_of(errors, "b.nowhere") == 14
    assert _line_of(errors, "id 'b.one' is already used") == 15


SCHEMA_OK = """\
id: dup
title: {en: Duplicates, zh: 重复}
cards:
  - id: d.one
    type: basic
    front: {en: F, zh: 正}
    back: {en: B, zh: 反}
    related: [d.two, d.nowhere]
  - id: d.two
    type: basic
    front: {en: F, zh: 正}
    back: {en: B, zh: 反}
"""


def test_validate_reports_unknown_related_ids(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "dup.yaml").write_text(SCHEMA_OK, encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert len(errors) == 1
    assert errors[0][1:3] == (8, 22)  # the position of 'd.nowhere' in the list
    assert "'d.one' is related to 'd.nowhere', which no deck defines" in errors[0][3]


def test_validate_reports_ids_used_by_two_decks(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(SCHEMA_OK.replace(", d.nowhere", ""), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(textwrap.dedent("""\
        id: other
        title: {en: Other, zh: 其他}
        cards:
          - type: basic
            front: {en: F, zh: 正}
            back: {en: B, zh: 反}
            id: d.two
        """), encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert len(errors) == 1
    assert errors[0][0].endswith("b.yaml")
    assert errors[0][1] == 7
    assert "id 'd.two' is already used in" in errors[0][3]


REPEATED_ID = """\
id: rep
title: {en: Repeated, zh: 重复}
cards:
  - id: r.one
    type: basic
    front: {en: F, zh: 正}
    back: {en: B, zh: 反}
  - id: r.one
    type: basic
    front: {en: G, zh: 反}
    back: {en: C, zh: 正}
"""


def test_validate_reports_an_id_repeated_in_one_deck(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    (tmp_path / "rep.yaml").write_text(REPEATED_ID, encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert [e[1] for e in errors if "r.one" in e[3]] == [8]


def test_validate_reports_duplicate_yaml_keys_and_bad_values(capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    (tmp_path / "keys.yaml").write_text(textwrap.dedent("""\
        id: keys
        title: {en: Keys, zh: 键}
        problems:
          - id: k.one
            kind: softmax
            difficulty: 4
            kind: softmax
          - id: k.two
            kind: no_such_kind
            difficulty: 1
        """), encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert _line_of(errors, "duplicate key 'kind'") == 7
    assert _line_of(errors, "difficulty") == 6
    assert _line_of(errors, "unknown kind 'no_such_kind'") == 9


def test_validate_reports_invalid_yaml_with_its_position(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    (tmp_path / "syntax.yaml").write_text("id: x\ntitle: {en: a, zh: b\ncards: []\n", encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert len(errors) == 1
    assert errors[0][3].startswith("invalid YAML")
    assert errors[0][1] in (2, 3)


def test_validate_refuses_python_tags(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    (tmp_path / "evil.yaml").write_text(
        f'id: !!python/object/apply:os.system ["touch {marker}"]\n'
        "title: !!python/object:builtins.object {}\n", encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert len(errors) == 1
    assert errors[0][1:3] == (1, 5)
    assert "python/object" in errors[0][3]
    assert not marker.exists()


def test_validate_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "gone.yaml"
    errors = validate_errors(capsys, missing)
    assert errors == [(str(missing), 1, 1, "no such file or folder")]


def test_validate_template_that_cannot_generate(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "gen.yaml").write_text(textwrap.dedent("""\
        id: gen
        title: {en: Gen, zh: 生成}
        problems:
          - id: g.bn
            kind: batch_norm
            difficulty: 1
            params: {batch: 1}
        """), encoding="utf-8")
    errors = validate_errors(capsys, tmp_path)
    assert len(errors) == 1
    assert errors[0][:3] == (str(tmp_path / "gen.yaml"), 4, 5)
    assert "template 'g.bn': seed 0 generates unusable params" in errors[0][3]


def test_validate_negative_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(run(capsys, "validate", "--seeds", "-1"), "--seeds", "-1")


# --- schema ------------------------------------------------------------------------------------

def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schema")
    assert code == 0 and err == ""
    schema = json.loads(out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    assert {"id", "title", "cards", "problems"} <= set(schema["properties"])


def test_schema_accepts_bundled_decks_refuses_broken(capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    validator = jsonschema.Draft202012Validator(schema)
    decks = sorted(bundled_content_dir().glob("*.yaml"))
    assert decks
    for path in decks:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert not errors, (path.name, [e.message for e in errors[:3]])
    assert list(validator.iter_errors(yaml.safe_load(BROKEN)))


def test_schema_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "deck.schema.json"
    assert run(capsys, "schema", "--out", str(target))[:2] == (0, "")
    assert "$schema" in json.loads(target.read_text(encoding="utf-8"))
    assert_usage_error(run(capsys, "schema", "--out", str(target)), "already exists")


# --- as separate processes ---------------------------------------------------------------------

def test_python_m_studyapp_help() -> None:
    proc = subprocess.run([sys.executable, "-m", "studyapp", "--help"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: studyapp")
    assert proc.stderr == ""


def test_console_script_matches_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    script = Path(sys.executable).parent / "studyapp"
    if not script.exists():
        pytest.skip(f"no console script at {script}")
    argv = ["generate", "--seed", "2024", "--count", "11", "--format", "json"]
    # another process has another hash seed: the set must not depend on it
    proc = subprocess.run([str(script), *argv], capture_output=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert proc.stdout == out.encode()
