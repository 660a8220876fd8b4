"""``studyapp completion SHELL``: the scripts know every command and option of the real parser, the
shells read them, and typing ``studyapp gen<TAB>`` offers ``generate`` in bash and fish."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.cli import build_parser, main
from studyapp.commands.completion import studyapp_parser
from studyapp.commands.fish_completion import subcommands

SHELLS = ("bash", "zsh", "fish")
COMMANDS = [name for name, _help, _parser in subcommands(build_parser())]


def script(capsys: pytest.CaptureFixture[str], shell: str) -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def needs(shell: str) -> str:
    path = shutil.which(shell)
    if path is None:
        pytest.skip(f"{shell} is not installed (apt-get install -y {shell})")
    return path


def test_the_commands_listed_are_those_of_the_parser() -> None:
    assert {"generate", "solve", "validate", "completion", "new-deck"} <= set(COMMANDS)


def test_the_parser_walked_is_the_whole_studyapp_parser() -> None:
    real = build_parser()
    sub = next(a for a in real._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    walked = studyapp_parser(sub)
    assert walked.prog == "studyapp"
    assert [(a.dest, a.option_strings) for a in walked._actions] == \
        [(a.dest, a.option_strings) for a in real._actions]  # noqa: SLF001
    assert next(a for a in walked._actions if a.dest == "command").choices is sub.choices  # noqa: SLF001


@pytest.mark.parametrize("shell", SHELLS)
def test_the_script_names_every_command_and_top_level_option(capsys, shell) -> None:
    text = script(capsys, shell)
    missing = [name for name in [*COMMANDS, "--version", "--content"] if name.lstrip("-") not in text]
    assert not missing, f"the {shell} script lacks {missing}"
    assert "--students" in text or "-l students" in text  # a subcommand's option


def test_an_unknown_shell_is_one_line_naming_the_three(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["completion", "tcsh"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1
    assert all(f"'{shell}'" in err for shell in SHELLS) and "tcsh" in err


def test_help_ends_with_an_install_line_for_each_shell(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["completion", "--help"])
    tail = capsys.readouterr().out.split("install")[-1]
    assert "studyapp completion bash > ~/.local/share/bash-completion/completions/studyapp" in tail
    assert "studyapp completion zsh > ~/.zfunc/_studyapp" in tail and "fpath" in tail
    assert "studyapp completion fish > ~/.config/fish/completions/studyapp.fish" in tail


def _bash(capsys, tmp_path: Path, body: str) -> str:
    bash = needs("bash")
    path = tmp_path / "studyapp.bash"
    path.write_text(script(capsys, "bash"))
    return subprocess.run([bash, "--norc", "-c", f"source {path}\n{body}"], capture_output=True,
                          text=True, check=True, cwd=tmp_path).stdout


def test_bash_parses_and_registers_the_script(capsys, tmp_path) -> None:
    bash = needs("bash")
    path = tmp_path / "studyapp.bash"
    path.write_text(script(capsys, "bash"))
    subprocess.run([bash, "-n", str(path)], check=True)
    assert _bash(capsys, tmp_path, "complete -p studyapp").split()[-1] == "studyapp"


# COMP_WORDS/COMP_CWORD as bash sets them at <TAB>, then the function `complete -p` names.
COMPLETE = """\
COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}
$(complete -p studyapp | sed -E 's/.* -F ([^ ]+) .*/\\1/')
printf '%s\\n' "${{COMPREPLY[@]}}"
"""


@pytest.mark.parametrize(("words", "expected"), [
    ("studyapp gen", {"generate"}),
    ("studyapp generate --stu", {"--students"}),
    ("studyapp generate --format ''", {"md", "json", "html"}),
    ("studyapp completion ''", {"bash", "zsh", "fish"}),
    ("studyapp validate my", {"my-deck.yaml"}),  # a Path: file names
])
def test_bash_completes_commands_options_choices_and_files(capsys, tmp_path, words, expected) -> None:
    (tmp_path / "my-deck.yaml").touch()
    cword = len(words.split()) - 1
    out = _bash(capsys, tmp_path, COMPLETE.format(words=words, cword=cword))
    assert set(out.split()) == expected


def test_zsh_parses_the_script(capsys, tmp_path) -> None:
    zsh = needs("zsh")
    path = tmp_path / "_studyapp"
    text = script(capsys, "zsh")
    path.write_text(text)
    assert text.startswith("#compdef studyapp")  # what compinit looks for in a folder on $fpath
    subprocess.run([zsh, "-n", str(path)], check=True)


def _fish_complete(capsys, tmp_path: Path, line: str) -> dict[str, str]:
    fish = needs("fish")
    path = tmp_path / "studyapp.fish"
    path.write_text(script(capsys, "fish"))
    subprocess.run([fish, "-n", str(path)], check=True)
    out = subprocess.run([fish, "--no-config", "-c", f"source {path}; complete -C '{line}'"],
                         capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    return dict((row.split("\t") + [""])[:2] for row in out.splitlines())


@pytest.mark.parametrize(("line", "expected"), [
    ("studyapp gen", {"generate"}),
    ("studyapp generate --form", {"--format"}),
    ("studyapp generate --format ", {"md", "json", "html"}),
    ("studyapp completion ", {"bash", "zsh", "fish"}),
    ("studyapp validate my", {"my-deck.yaml"}),
    ("studyapp --ver", {"--version"}),
])
def test_fish_completes_commands_options_choices_and_files(capsys, tmp_path, line, expected) -> None:
    (tmp_path / "my-deck.yaml").touch()
    assert set(_fish_complete(capsys, tmp_path, line)) == expected


def test_fish_describes_a_command_by_its_help(capsys, tmp_path) -> None:
    offered = _fish_complete(capsys, tmp_path, "studyapp ")
    assert set(COMMANDS) <= set(offered)
    assert offered["generate"] == "a randomized exercise set with an answer key"
    assert not {"--students", "--format"} & set(offered)  # a command's options wait for it


def test_the_completion_command_imports_neither_numpy_nor_textual(tmp_path) -> None:
    code = ("import sys; from studyapp.cli import main; main(['completion', 'bash']); "
            "print(sorted({'numpy', 'textual', 'yaml'} & set(sys.modules)), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr.strip() == "[]" and "_shtab_studyapp" in result.stdout
