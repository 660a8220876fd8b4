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
