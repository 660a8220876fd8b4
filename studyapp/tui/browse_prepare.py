"""What the browser's search index holds of the library, and its building ahead of the browser.

The index (``store.browse_index``) needs every item's search text, ``core.search.item_text``:
about 16 µs an item, mostly case-folding Chinese, 1.6 s for a library of 100,000 items, and as
long again to write them. Built when Browse first opened, a search typed at once waited for the
items up to its first rows (0.7 s for a word first found near the 17,000th item). So the app
builds it as soon as its content is loaded (``StudyApp.prepare_browse``, in a thread worker,
after Home's counts are painted), and the browser finds it built, or being built: the screen's
own ``update`` of the same shared index waits for it, and a search meanwhile is answered from
the items already in, as before. Threads only: no widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.core.content import Card, ProblemTemplate
from studyapp.core.search import item_text
from studyapp.store.browse_index import BrowseIndex, Cancelled, IndexItem
from studyapp.store.db import StoreError
from studyapp.tui.browse_rows import index_item

if TYPE_CHECKING:
    from studyapp.core.library import Library


def library_things(library: Library) -> list[Card | ProblemTemplate]:
    """The browser's items, in content order: each deck's cards, then its problems."""
    things: list[Card | ProblemTemplate] = []
    for deck in library.decks:
        things += deck.cards
        things += deck.problems
    return things


def deck_titles(library: Library, lang: str) -> dict[str, str]:
    """Each deck's title in ``lang`` (its id when it has none)."""
    return {d.id: d.title.get(lang) or d.id for d in library.decks}


def index_rows(things: list[Card | ProblemTemplate], decks: dict[str, str],
               start: int) -> Iterator[tuple[IndexItem, str]]:
    """What the index holds of each item from ``start`` on (in a worker)."""
    for x in things[start:]:
        yield index_item(x, decks.get(x.deck, x.deck)), item_text(x)


def update_index(index: BrowseIndex, library: Library, lang: str, cancelled: Callable[[], bool],
                 things: list[Card | ProblemTemplate] | None = None) -> None:
    """Build ``index`` of ``library`` or bring it up to date (see ``BrowseIndex.update``)."""
    things = library_things(library) if things is None else things
    decks = deck_titles(library, lang)
    index.update(len(things), lambda start: index_rows(things, decks, start), cancelled)


def prepare(path: Path | str, library: Library, lang: str, cancelled: Callable[[], bool]) -> None:
    """The index the browser will ask for (``BrowseIndex.shared``), built now. Quiet: whatever
    stops it (the app closing, a database the browser cannot read) is the browser's to say, when
    it opens."""
    try:
        update_index(BrowseIndex.shared(path, library, lang), library, lang, cancelled)
    except (Cancelled, StoreError):
        pass
