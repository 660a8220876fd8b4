"""The frame a key asks for comes before Python's cyclic garbage collection.

A collection starts whenever enough objects have been allocated, and drawing an item allocates
many: a full (generation 2) collection then ran between the key and its frame, 5-22 ms
(measured on the study screen with gc.callbacks, in about 1 answer of 10). ``FrameFirst``
turns automatic collection off from the key until the screen has been laid out and painted
again, then on: what was due runs then, while the learner reads. It only moves collections;
none is skipped, and collection is never left off for long (a second at most; and on unmount).

"Laid out and painted" is Textual's ``screen_layout_refresh_signal``, published after each
layout's frame. (``call_after_refresh`` is no such moment: it may run before the layout of what
was just changed.)

Objects that live as long as the screen are frozen when it is mounted (``gc.freeze``), so that
no collection walks them, and unfrozen when it goes, so that its garbage is collected.
"""

from __future__ import annotations

import gc

from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

LONGEST_HOLD = 1.0  # seconds: collection back on even if no layout came


class FrameFirst:
    def __init__(self) -> None:
        self.holding = False
        self.timer: Timer | None = None

    def mounted(self, node: Widget) -> None:
        """``node``: a mounted widget of the screen, which listens for its layouts. What is alive
        now (content, store, app, the screen) outlives the session: a full collection walking it
        took ~40 ms. It is left out of every collection."""
        node.screen.screen_layout_refresh_signal.subscribe(node, self.laid_out, immediate=True)
        gc.freeze()

    def unmounted(self) -> None:
        self.release()
        gc.unfreeze()

    def hold(self, screen: Screen) -> None:
        """No automatic collection until ``screen``'s next layout has been painted."""
        if self.holding or not gc.isenabled():  # already held, or off for another reason
            return
        gc.disable()
        self.holding = True
        self.timer = screen.set_timer(LONGEST_HOLD, self.release)

    def release(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        if self.holding:
            self.holding = False
            gc.enable()

    def laid_out(self, _screen: Screen) -> None:
        self.release()
