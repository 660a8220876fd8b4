"""``studyapp generate``: exercise sets as markdown, JSON and HTML files, every bad option one line."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from studyapp.core.kinds import KINDS
from studyapp.core.library import load_library
from tests.cli_run import assert_usage_error, run

CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")
ALL_KINDS = set(KINDS)  # every registered kind
PROBLEM_KEYS = {"id", "kind", "topic", "template", "difficulty", "params", "prompt", "answer", "solution"}

def generate_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, "generate", "--format", "json", *argv)
    assert code == 0, err
    return json.loads(out)

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
