"""``studyapp ARGV`` run in-process for a test: its exit status, stdout and stderr."""

from __future__ import annotations

import pytest

from studyapp.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``studyapp ARGV``, argparse exits included."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err
