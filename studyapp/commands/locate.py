"""``studyapp locate``: the paths in use: the progress database, the config file, the content."""

from __future__ import annotations

import argparse
import sys

from studyapp.commands.common import add_options, db_path


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    locate = sub.add_parser("locate", help="print the paths in use: database, config, content")
    add_options(locate)
    return locate


def run(args: argparse.Namespace) -> int:
    from studyapp.config import load_settings
    from studyapp.paths import bundled_content_dir, config_path

    print(f"database: {db_path(args)}")
    print(f"config:   {config_path()}")
    print(f"content:  {bundled_content_dir()}")
    for problem in load_settings()[1]:
        print(f"studyapp: {problem}", file=sys.stderr)
    return 0
