"""``studyapp completion SHELL``: the shell completion script of ``studyapp`` (bash, zsh or fish),
generated from the parser that ``cli.py`` builds, so that it always knows every command and option.

shtab writes the bash and zsh scripts, ``commands.fish_completion`` the fish one. Options whose
type is ``Path`` complete file names in every shell. No core, store or TUI is imported: the
script is printed as fast as ``--help``.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path
from typing import Any

SHELLS = ("bash", "zsh", "fish")

INSTALL = """\
install (make the folder if it is missing, then open a new shell):
  studyapp completion bash > ~/.local/share/bash-completion/completions/studyapp
  studyapp completion zsh > ~/.zfunc/_studyapp    # any folder on $fpath; for this one, put
                                                  # fpath=(~/.zfunc $fpath) in ~/.zshrc before compinit
  studyapp completion fish > ~/.config/fish/completions/studyapp.fish
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    comp = sub.add_parser("completion", help="print the shell completion script (bash, zsh, fish)",
                          description="Print the completion script of studyapp for SHELL, to be "
                          "saved where the shell\nreads completions (below). It completes the "
                          "commands, their options and the\nvalues they accept.",
                          epilog=INSTALL, formatter_class=argparse.RawDescriptionHelpFormatter)
    comp.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    # The whole parser is needed at run time, and commands may not import cli.py (it imports
    # them): the subcommands action leads back to it (``studyapp_parser``).
    comp.set_defaults(subcommands=sub)
    return comp


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(completion_script(studyapp_parser(args.subcommands), args.shell))
    return 0


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    if shell == "fish":
        from studyapp.commands.fish_completion import fish_script

        return fish_script(parser)
    # shtab, with the importlib.metadata it imports (about 35 ms): for the script, not for --help.
    import shtab

    _complete_paths(parser, shtab.FILE)
    return shtab.complete(parser, shell=shell)


def studyapp_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The top-level parser that ``sub`` (its subcommands action) belongs to, for the completion
    generators to walk. argparse keeps no link from the action to its parser, only to the group
    holding it (``container``), which shares the parser's actions: the top-level options and
    ``sub``. They are copied into a parser of the same name (the subcommands' parsers are shared)."""
    root = argparse.ArgumentParser(prog=sub._prog_prefix, add_help=False)  # noqa: SLF001
    group: Any = getattr(sub, "container")  # noqa: B009 - set by argparse, absent from its stubs
    for action in group._actions:  # noqa: SLF001 - argparse has no public list of them
        root._add_action(copy.copy(action))  # noqa: SLF001
    return root


def _complete_paths(parser: argparse.ArgumentParser, files: dict) -> None:
    """Tell shtab that every option or positional of type ``Path`` (of the parser and of its
    subcommands) completes file names: shtab reads that from an action's ``complete``."""
    for action in parser._actions:  # noqa: SLF001
        if action.type is Path and not hasattr(action, "complete"):
            action.complete = files  # type: ignore[attr-defined]
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for subparser in action.choices.values():
                _complete_paths(subparser, files)
