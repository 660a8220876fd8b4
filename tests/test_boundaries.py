"""The core never imports Textual; --help never imports NumPy or YAML or loads content."""

from __future__ import annotations

import json
import subprocess
import sys

CHECK = """
import json, sys
{body}
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'numpy', 'yaml'))))
"""


def loaded_after(body: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", CHECK.format(body=body)], capture_output=True,
                         text=True, check=True).stdout
    return {m.split(".")[0] for m in json.loads(out.splitlines()[-1])}


def test_core_and_generate_never_import_textual():
    body = """
import contextlib, io
import studyapp.core.content, studyapp.core.library, studyapp.core.problems, studyapp.core.grading
import studyapp.core.check, studyapp.report.worksheet
from studyapp.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    assert main(["generate", "--count", "20", "--seed", "1", "--format", "json"]) == 0
"""
    assert loaded_after(body) == {"numpy", "yaml"}


def test_help_loads_neither_numpy_nor_yaml():
    body = """
import contextlib, io
from studyapp.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(["--help"])
    except SystemExit:
        pass
    main([])
"""
    assert loaded_after(body) == set()
