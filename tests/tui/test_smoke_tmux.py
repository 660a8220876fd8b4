"""The installed `studyapp` for real in a terminal (tmux): study a problem by typing, quit, find it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

BINARY = Path(sys.executable).parent / "studyapp"


def screen(session: str) -> str:
    shown = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True)
    return shown.stdout


def wait_for(session: str, text: str, seconds: float = 20) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        shown = screen(session)
        if text in shown:
            return shown
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared:\n{screen(session)}")


def keys(session: str, *keys: str) -> None:
    subprocess.run(["tmux", "send-keys", "-t", session, *keys], check=True)
    time.sleep(0.25)


@pytest.mark.skipif(shutil.which("tmux") is None,
                    reason="tmux not installed: the real-terminal test needs it")
@pytest.mark.skipif(not BINARY.exists(), reason=f"no installed studyapp binary at {BINARY}")
def test_study_a_problem_in_a_real_terminal(tmp_path):
    session = f"studyapp-{tmp_path.name}"
    home = tmp_path / "home"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "32",
                    f"STUDYAPP_HOME={home} {BINARY}"], check=True)
    try:
        wait_for(session, "All decks")  # the first screen; the counts come a moment later
        keys(session, "Enter")  # pressed before the decks have loaded: it waits for them
        for _ in range(60):
            shown = wait_for(session, "New")
            if "Expected: a single number" in shown or "Expected: a vector" in shown:
                break  # a numeric problem with a one-line answer
            if "□ 1." in shown:
                keys(session, "1", "Enter")  # nothing chosen would not be an answer
            else:
                keys(session, "Space")  # flips a basic card, and a cloze from its empty box
            keys(session, "3")
        else:
            raise AssertionError("no problem came up")
        keys(session, "-", "1", "2", "3", "4", "Enter")
        wait_for(session, "Expected")
        keys(session, "1")
        keys(session, "Escape")
        shown = screen(session)
        if "Type your answer" in shown and "Session summary" not in shown:
            keys(session, "Escape")  # out of the next item's answer box first
        wait_for(session, "Session summary")
        keys(session, "Escape")
        wait_for(session, "All decks")
        keys(session, "q")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    with sqlite3.connect(home / "progress.sqlite3") as conn:
        typed = conn.execute("SELECT rating, answer, correct FROM reviews WHERE answer = '-1234'").fetchall()
    assert typed == [(1, "-1234", 0)]
