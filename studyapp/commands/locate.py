"""``studyapp locate``: the paths in use: the progress database, the config file, the bundled
decks and the learner's own deck folder (where ``new-deck`` and ``import`` write)."""

from __future__ import annotations

import argparse
import sys

from studyapp.commands.common import add_options, db_path


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    locate = sub.add_parser("locate", help="print the paths in use: database, config, decks")
    add_options(locate)
    return locate


def run(args: argparse.Namespace) -> int:
    from studyapp.config import load_settings
    from studyapp.paths import bundled_content_dir, config_path, user_decks_dir

    print(f"database: {db_path(args)}")
    print(f"config:   {config_path()}")
    print(f"content:  {bundled_content_dir()}")
    folder = user_decks_dir()
    print(f"decks:    {folder}{'' if folder.is_dir() else '  (none yet: studyapp new-deck ID writes one)'}")
    for problem in load_settings()[1]:
        print(f"studyapp: {problem}", file=sys.stderr)
    return 0
