"""The fit of Settings' memory model in a process of its own (``memory_panel`` starts it).

fsrs-rs holds the GIL while it fits: seconds at a time on a large collection (5 s for the last fit
of a million reviews), during which any thread of this process would freeze the screen. A child
process fits instead; the panel's worker thread relays its progress and its result. Pickles go both
ways over pipes between this program and its own child (multiprocessing's own start needs real
stdio, which an app has replaced).
"""

from __future__ import annotations

import copyreg
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from studyapp.core import optimizer
from studyapp.core.optimizer import FitResult, OptimizerUnavailable, TooFewReviews
from studyapp.core.scheduler import Scheduler
from studyapp.core.settings import Settings
from studyapp.store import memory_states
from studyapp.store.db import WRITE_ERRORS, StoreError
from studyapp.store.progress import Store

STORE_ERRORS: tuple[type[Exception], ...] = (StoreError, *WRITE_ERRORS)
CHILD_ERRORS: tuple[type[Exception], ...] = (TooFewReviews, OptimizerUnavailable, *STORE_ERRORS)


class AppClosed(Exception):
    """The app quit while a fit ran: nothing is left to show it to."""


POLL_SECONDS = 0.1
CHILD = "from studyapp.tui.fit_process import fit_child_main; fit_child_main()"


def fit_in_child(db: Path, settings: Settings, per_deck: bool, progress: optimizer.Progress,
                 stop: Callable[[], bool]) -> tuple[FitResult, list[memory_states.DeckFit]]:
    """``memory_states.fit_all`` on ``db`` in a child process. Raises what it raises (TooFewReviews,
    OptimizerUnavailable, a store error), and AppClosed (the child killed) once ``stop()`` is true."""
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
    assert child.stdin is not None and child.stdout is not None
    messages: queue.Queue[tuple[str, Any]] = queue.Queue()
    threading.Thread(target=_relay, args=(child.stdout, messages), daemon=True).start()
    try:
        try:
            child.stdin.write(pickle.dumps((str(db), settings, per_deck)))
            child.stdin.close()
        except OSError:
            pass  # the child has ended already: its end is read below
        while True:
            if stop():
                raise AppClosed
            try:
                kind, payload = messages.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue
            if kind == "progress":
                progress(*payload)
            elif kind == "error":
                raise payload
            elif kind == "done":
                return payload
            else:
                raise OptimizerUnavailable(f"the optimizer's process ended unexpectedly (exit code "
                                           f"{child.wait()}); the parameters in use are kept")
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()


def _relay(stream: IO[bytes], messages: queue.Queue[tuple[str, Any]]) -> None:
    """Each message the child sends, then ("ended", None) when it sends no more."""
    try:
        while True:
            messages.put(pickle.load(stream))
    except (EOFError, OSError, pickle.UnpicklingError):
        messages.put(("ended", None))


def fit_child_main() -> None:
    """The child: reads (db, settings, per_deck), sends ("progress", (fraction, what))…, then
    ("done", result) or ("error", exc)."""
    channel = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # nothing the optimizer prints may break the channel

    def send(kind: str, payload: Any) -> None:
        pickle.dump((kind, payload), channel)
        channel.flush()

    db, settings, per_deck = pickle.load(sys.stdin.buffer)
    store = None
    try:
        store = Store(db, readonly=True)
        send("done", memory_states.fit_all(store, Scheduler(settings), per_deck,
                                           lambda fraction, what: send("progress", (fraction, what))))
    except CHILD_ERRORS as exc:
        send("error", exc)
    finally:
        if store is not None:
            store.close()


def _too_few(args: tuple[Any, ...], state: dict[str, Any]) -> TooFewReviews:
    exc = TooFewReviews.__new__(TooFewReviews)
    exc.args = args
    exc.__dict__.update(state)
    return exc


# TooFewReviews is built from its figures, not its message: it crosses processes as both
copyreg.pickle(TooFewReviews, lambda exc: (_too_few, (exc.args, dict(exc.__dict__))))
