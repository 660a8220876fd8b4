"""commands.progress: one bar for every long command, on a terminal only."""

from __future__ import annotations

import io

from studyapp.commands.progress import Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_fraction_with_what_is_being_done_clamped_and_wiped_at_the_end() -> None:
    tty = Tty()
    bar = Progress("fitting", tty)
    bar.fraction(0.5, "run 2/5")
    bar.fraction(1.7, "done")  # past the end: a full bar, never a longer one
    bar.close()
    assert tty.getvalue() == ("\r\x1b[Kfitting [############............] run 2/5"
                              "\r\x1b[Kfitting [########################] done\r\x1b[K")


def test_nothing_is_drawn_off_a_terminal_or_for_no_work() -> None:
    quiet = io.StringIO()
    bar = Progress("x", quiet)
    bar.fraction(0.5, "half")
    bar(1, 2)
    bar.close()
    assert quiet.getvalue() == ""
    tty = Tty()
    Progress("x", tty)(0, 0)
    assert tty.getvalue() == ""
