"""Every file a command writes is written atomically: a symlink in the way is refused without
``--force`` (and with it the link itself is replaced; its target is never written), and a
write that fails half-way (the disk full) leaves neither the half-written file nor a temporary
one, so the same command can simply be run again.

The failing disk is a child process under ``RLIMIT_FSIZE``: every write past the limit fails
with EFBIG, as a full disk fails with ENOSPC.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_run import assert_usage_error, run

# (name, argv before the output path, the option that names it, a file name for it)
COMMANDS = [
    ("generate-md", ["generate", "--seed", "1", "--count", "2"], "--out", "set.md"),
    ("generate-html", ["generate", "--seed", "1", "--count", "2", "--format", "html"], "--out", "set.html"),
    ("solve", ["solve", "conv_output_size", "--params",
               '{"input_size": 5, "kernel_size": 3, "padding": 0, "stride": 2}'], "--out", "s.txt"),
    ("schema", ["schema"], "--out", "deck.schema.json"),
    ("report-md", ["report"], "--out", "report.md"),
    ("report-csv", ["report", "--format", "csv"], "--out", "reviews.csv"),
    ("export-anki", ["export", "--deck", "convolution"], "--anki", "cards.apkg"),
    ("export-csv", ["export", "--deck", "convolution"], "--csv", "cards.csv"),
]
IDS = [c[0] for c in COMMANDS]


def argv_for(command: tuple, tmp_path: Path, out: Path) -> list[str]:
    _, head, option, _ = command
    db = ["--db", str(tmp_path / "none.sqlite3")] if head[0] == "report" else []
    return [*head, *db, option, str(out)]


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
@pytest.mark.parametrize("dangling", [False, True], ids=["live", "dangling"])
def test_symlink_is_refused_without_force_and_replaced_with_it(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, command: tuple, dangling: bool) -> None:
    target = tmp_path / "target.txt"
    if not dangling:
        target.write_text("mine", encoding="utf-8")
    link = tmp_path / command[3]
    link.symlink_to(target)
    argv = argv_for(command, tmp_path, link)
    assert_usage_error(run(capsys, *argv), str(link), "symbolic link", "--force")
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "mine" if not dangling else not target.exists()
    code, _, err = run(capsys, *argv, "--force")
    assert code == 0, err
    # --force replaces the link itself with the file; the file it pointed to is left alone
    assert not link.is_symlink() and link.is_file() and link.stat().st_size > 0
    assert target.read_text(encoding="utf-8") == "mine" if not dangling else not target.exists()
    assert names(tmp_path) == sorted({link.name, *([] if dangling else [target.name])})


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_existing_file_is_kept_and_no_temporary_file_is_left(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, command: tuple) -> None:
    out = tmp_path / command[3]
    argv = argv_for(command, tmp_path, out)
    assert run(capsys, *argv)[0] == 0
    first = out.read_bytes()
    assert_usage_error(run(capsys, *argv), "already exists", "--force")
    assert out.read_bytes() == first
    assert run(capsys, *argv, "--force")[0] == 0
    assert names(tmp_path) == [out.name]  # nothing beside it: no .part, no .tmp
    assert (out.stat().st_mode & 0o777) == 0o666 & ~_umask()  # like any file the user creates


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


CHILD = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
from studyapp.cli import main
sys.exit(main({argv!r}))
"""


def run_on_a_full_disk(argv: list[str], limit: int) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("resource")
    code = CHILD.format(limit=limit, argv=argv)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_a_failed_write_leaves_nothing_and_the_retry_works(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, command: tuple) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / command[3]
    argv = argv_for(command, tmp_path, out)
    limit = 64  # every output is larger: the report's CSV header alone is about 130 bytes
    child = run_on_a_full_disk(argv, limit)
    assert child.returncode == 2, child.stderr
    assert "Traceback" not in child.stderr and child.stderr.count("\n") in (1, 2)  # report: + "no database"
    assert f"cannot write {out}" in child.stderr.splitlines()[-1]
    assert names(folder) == []  # neither the truncated file nor a temporary one
    code, _, err = run(capsys, *argv)  # the same command, without --force
    assert code == 0, err
    assert names(folder) == [out.name] and out.stat().st_size > limit


# --- class sets: a folder of worksheets and the answer key ----------------------------------------
def class_argv(folder: Path, *more: str) -> list[str]:
    return ["generate", "--students", "4", "--count", "6", "--seed", "5", "--out", str(folder), *more]


def test_class_set_failing_half_way_leaves_nothing_and_the_retry_works(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    assert run(capsys, *class_argv(probe))[0] == 0
    sizes = {p.name: p.stat().st_size for p in probe.iterdir()}
    sheets = max(size for name, size in sizes.items() if name.startswith("student-"))
    assert sizes["answer-key.html"] > sheets  # so the limit below lets the sheets through
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    child = run_on_a_full_disk(class_argv(folder), sheets + 1)
    assert child.returncode == 2 and "Traceback" not in child.stderr, child.stderr
    assert f"cannot write into {folder}" in child.stderr
    assert names(folder) == ["notes.txt"]  # no sheet without its key, no staging folder
    assert run(capsys, *class_argv(folder))[0] == 0
    assert names(folder) == sorted([*sizes, "notes.txt"])
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "notes.txt"} == \
        {p.name: p.read_bytes() for p in probe.iterdir()}


def test_class_set_into_a_new_folder_that_fails_leaves_no_folder(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "class"
    child = run_on_a_full_disk(class_argv(folder), 1000)
    assert child.returncode == 2 and "Traceback" not in child.stderr, child.stderr
    assert names(tmp_path) == []


@pytest.mark.parametrize("dangling", [False, True], ids=["live", "dangling"])
def test_class_set_symlinked_sheet_is_refused_without_force(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, dangling: bool) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    target = tmp_path / "target.txt"
    if not dangling:
        target.write_text("mine", encoding="utf-8")
    (folder / "student-02.html").symlink_to(target)
    assert_usage_error(run(capsys, *class_argv(folder)), "student-02.html", "symbolic link", "--force")
    assert names(folder) == ["student-02.html"]
    assert run(capsys, *class_argv(folder, "--force"))[0] == 0
    assert not (folder / "student-02.html").is_symlink()
    assert target.read_text(encoding="utf-8") == "mine" if not dangling else not target.exists()


def test_class_set_symlinked_folder_is_followed_only_with_force(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "class"
    link.symlink_to(real)
    assert_usage_error(run(capsys, *class_argv(link)), str(link), "symbolic link", "--force")
    assert names(real) == []
    assert run(capsys, *class_argv(link, "--force"))[0] == 0
    assert link.is_symlink() and "answer-key.csv" in names(real)
    dangling = tmp_path / "gone"
    dangling.symlink_to(tmp_path / "nowhere")
    assert_usage_error(run(capsys, *class_argv(dangling)), str(dangling), "symbolic link")
    assert_usage_error(run(capsys, *class_argv(dangling, "--force")), str(dangling), "not a folder")
    assert not (tmp_path / "nowhere").exists()
