"""The fish completion script of an argparse parser with subcommands (``studyapp completion fish``).

shtab writes the bash and zsh scripts, but the shtab our pyproject allows (1.7 and later) has no
fish, so this module walks the parser itself: one ``complete`` line per subcommand and per option.
A subcommand is offered until one is typed (``__fish_use_subcommand``), the top-level options
likewise, and a subcommand's options only after it (``__fish_seen_subcommand_from``). An option
or positional with choices offers them, one whose type is ``Path`` completes file names, any
other value completes nothing. Standard library only, and nothing is imported from the commands:
it is given the parser.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

USE_SUBCOMMAND = "__fish_use_subcommand"


def fish_script(parser: argparse.ArgumentParser) -> str:
    """The whole script for ``parser.prog``: file names are completed only where a ``Path`` is
    expected (``complete -f`` turns them off everywhere else)."""
    prog = parser.prog
    lines = [f"# fish completion for {prog}, generated from its parser by '{prog} completion fish'",
             f"complete -c {prog} -f"]
    lines += _action_lines(prog, USE_SUBCOMMAND, parser)
    for name, help_text, subparser in subcommands(parser):
        lines.append(f"complete -c {prog} -n {USE_SUBCOMMAND} -a {name}{_describe(help_text)}")
        lines += _action_lines(prog, f"'__fish_seen_subcommand_from {name}'", subparser)
    return "\n".join(lines) + "\n"


def subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str | None, argparse.ArgumentParser]]:
    """Each listed subcommand of ``parser`` as (name, its one-line help, its parser), in the order
    ``--help`` lists them; one added with ``help=SUPPRESS`` is left out, as ``--help`` leaves it."""
    for action in parser._actions:  # noqa: SLF001 - argparse has no public walk of its actions
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for choice in action._get_subactions():  # noqa: SLF001
                if choice.help != argparse.SUPPRESS:
                    yield choice.dest, choice.help, action.choices[choice.dest]


def _action_lines(prog: str, condition: str, parser: argparse.ArgumentParser) -> list[str]:
    """The ``complete`` lines of ``parser``'s own options and positionals, offered when
    ``condition`` holds."""
    lines = []
    for action in parser._actions:  # noqa: SLF001
        if action.help == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            continue
        names = "".join(f" -l {opt[2:]}" if opt.startswith("--") else f" -s {opt[1:]}"
                        for opt in action.option_strings)
        value = _value(action)
        if not names and not value:  # a positional of free text: nothing to offer
            continue
        lines.append(f"complete -c {prog} -n {condition}{names}{value}{_describe(action.help)}")
    return lines


def _value(action: argparse.Action) -> str:
    """What fills an option's value (or a positional): its choices, a file name, or nothing that
    can be listed (``-x``: a value, not a file). ``-r`` when an option needs its value."""
    if action.nargs == 0:  # a flag
        return ""
    needed = " -r" if action.option_strings and action.nargs not in ("?", "*") else ""
    if action.choices is not None:
        return f"{needed} -f -a {_quote(' '.join(str(choice) for choice in action.choices))}"
    if action.type is Path:
        return f"{needed} -F"
    return " -x" if action.option_strings else ""


def _describe(help_text: str | None) -> str:
    """The ``-d`` of a line: the help on one line, without its asides in parentheses and up to its
    first ';' (fish shows it beside the candidate, where a long sentence is cut off)."""
    if not help_text:
        return ""
    text = re.sub(r" \([^()]*\)", "", " ".join(help_text.split())).replace("%%", "%")
    return f" -d {_quote(text.split('; ')[0])}"


def _quote(text: str) -> str:
    """``text`` as one fish word in single quotes (where only \\ and ' are special)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
