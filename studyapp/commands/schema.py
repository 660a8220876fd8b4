"""``studyapp schema``: the JSON Schema of a deck file (what editors use to check a deck)."""

from __future__ import annotations

import argparse

from studyapp.commands.common import add_options

EXAMPLES = """\
examples:
  studyapp schema                          # print it
  studyapp schema --out deck.schema.json   # save it beside your decks, for your editor
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    schema = sub.add_parser("schema", help="print the JSON Schema of a deck file",
                            description="Print the JSON Schema of a deck file, which editors use "
                            "to check a deck\nas it is typed.",
                            epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(schema, out=True)
    return schema


def run(args: argparse.Namespace) -> int:
    # The content model (YAML): imported when the command runs, not for --help.
    import json

    from studyapp.commands.output import emit
    from studyapp.core.content import json_schema

    emit(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", args.out, args.force)
    return 0
