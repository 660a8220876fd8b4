"""The commands package keeps its shape (``studyapp/commands/__init__.py``): every module with an
``add_parser`` is a subcommand of ``studyapp`` that runs its own ``run``, and the modules the parser
imports take only the standard library and ``commands.common`` at their top, so --help stays instant."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import studyapp.commands
from studyapp.cli import build_parser

FOLDER = Path(studyapp.commands.__file__).parent


def command_modules() -> set[str]:
    return {p.stem for p in FOLDER.glob("*.py") if "\ndef add_parser(" in p.read_text(encoding="utf-8")}


def test_every_command_module_is_a_subcommand_that_runs_its_own_run() -> None:
    choices = build_parser()._subparsers._group_actions[0].choices  # noqa: SLF001
    modules = {parser.get_default("run").__module__: name for name, parser in choices.items()}
    assert set(modules) == {f"studyapp.commands.{stem}" for stem in command_modules()}
    for module, name in modules.items():  # a command's name is its module's, or says it (new-deck)
        assert name.replace("-", "_") in module or module.endswith(f".{name}_anki")
        assert choices[name].get_default("run") is importlib.import_module(module).run


def test_the_parser_imports_only_the_standard_library_at_the_top_of_a_command() -> None:
    allowed = set(sys.stdlib_module_names) | {"studyapp.commands.common"}
    for name in sorted(command_modules() | {"common"}):
        tree = ast.parse((FOLDER / f"{name}.py").read_text(encoding="utf-8"))
        top = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
        modules = [alias.name for node in top if isinstance(node, ast.Import) for alias in node.names]
        modules += [node.module or "" for node in top if isinstance(node, ast.ImportFrom)]
        heavy = [m for m in modules if m not in allowed and m.split(".")[0] not in allowed]
        assert not heavy, f"commands/{name}.py imports {heavy} at its top; import them in run()"
