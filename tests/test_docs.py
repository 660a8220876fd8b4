"""The README's Quick start and the kinds reference stay true to the code."""

from __future__ import annotations

import re
from pathlib import Path

from studyapp.cli import build_parser
from studyapp.core.kinds import KINDS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_has_exactly_two_one_line_sh_blocks():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, flags=re.S)
    assert [lang for lang, _ in blocks] == ["sh", "sh"]
    commands = [body.strip() for _, body in blocks]
    assert all("\n" not in c for c in commands)
    assert commands[0].endswith(".venv/bin/studyapp")
    assert "pytest" in commands[1] and ".[test]" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "Quick start" in ci and "block == 2" in ci and "ruff check" in ci


def test_every_command_is_documented_with_an_example():
    commands = build_parser()._subparsers._group_actions[0].choices  # noqa: SLF001
    for name in commands:
        assert f"### `studyapp {name}`" in README
        assert re.search(rf"^studyapp {name}\b", README, flags=re.M)


def test_every_kind_and_param_is_documented():
    docs = (ROOT / "docs" / "kinds.md").read_text(encoding="utf-8")
    for kind in KINDS.values():
        assert f"### `{kind.name}`" in docs
        for param in kind.params:
            assert f"| `{param.name}` |" in docs.split(f"### `{kind.name}`", 1)[1].split("### ", 1)[0]


def test_kinds_reference_is_the_generated_one():
    from studyapp.commands.kinds import kinds_markdown

    docs = (ROOT / "docs" / "kinds.md").read_text(encoding="utf-8")
    assert docs.split("## Kinds\n", 1)[1].strip() == kinds_markdown().strip(), (
        "regenerate: the part of docs/kinds.md under '## Kinds' is `studyapp kinds --format md`")


def test_the_readme_figure_is_what_generate_prints(capsys):
    from tests.cli_run import run

    block = README.split("--count 1 --seed 2`, as its Markdown", 1)[1].split("```text\n", 1)[1]
    block = block.split("    ```", 1)[0]
    code, out, _ = run(capsys, *"generate --kind conv2d --count 1 --seed 2 --format md".split())
    assert code == 0
    printed = "\n".join(line[3:] for line in out.splitlines())  # the list item's indent
    assert "\n".join(line[4:] for line in block.splitlines()) in printed
