"""The subcommands of ``studyapp``, one module each, with ``add_parser(sub)`` (which adds the
command's parser and returns it) and ``run(args) -> int``.

``cli.py`` builds the parser from them and dispatches; ``common`` holds what every command shares
when the parser is built (``UsageError``, the ``--lang``, ``--out`` and ``--db`` options, the
database), ``output`` where a command's text goes (stdout or ``--out``, written atomically).

A command module imports only the standard library and ``common`` at its top, so that
``studyapp --help`` stays instant; the core (NumPy, YAML, the content), the store and the renderers
are imported when the command runs. Commands may import any layer but the TUI; nothing below them
imports them.
"""
