"""A chunk of the browser index's rows (``store/browse_build.py``): each item's folded values,
tags and text in content order, with its stored schedule read in the same transaction."""

from __future__ import annotations

from studyapp.core.scheduler import ItemState
from studyapp.store.browse_build import Chunk, IndexItem, read_states
from studyapp.store.browse_index import BrowseIndex
from studyapp.store.progress import Store


def test_a_chunk_writes_its_items_folded_with_their_stored_schedules(tmp_path):
    store = Store(tmp_path / "p.sqlite3")
    store.set_item(ItemState("B.2", "Moved", "card", suspended=True))  # stored in another deck
    store.close()
    index = BrowseIndex(tmp_path / "p.sqlite3")
    folded: dict[object, object] = {}
    chunk = Chunk(0, folded)
    chunk.add(IndexItem("A.1", "Conv", "card", "Cloze", ("CNN", "Pad"), "Convolution"), "a text")
    chunk.add(IndexItem("B.2", "Conv", "card", "Cloze", ("CNN",), "Convolution"), "b text")
    assert len(chunk) == 2 and folded["CNN"] == "cnn"
    with index.lock:
        chunk.write(index.conn)
        conn = index.conn
        items = "SELECT n, id, id_cf, deck_cf, type_cf, deck_key, ntags FROM browse_items"
        assert conn.execute(items).fetchall() == [(0, "A.1", "a.1", "conv", "cloze", "convolution", 2),
                                                  (1, "B.2", "b.2", "conv", "cloze", "convolution", 1)]
        assert conn.execute("SELECT n, tag FROM browse_tags ORDER BY n, tag").fetchall() == [
            (0, "cnn"), (0, "pad"), (1, "cnn")]
        assert conn.execute("SELECT n, text FROM browse_text").fetchall() == [(0, "a text"), (1, "b text")]
        states = "SELECT n, deck, deck_cf, is_new, suspended FROM browse_state ORDER BY n"
        assert conn.execute(states).fetchall() == [(0, "Conv", "conv", 1, 0), (1, "Moved", "moved", 1, 1)]
        read_states(conn, 1, 2)  # read again: one row an item still
        assert conn.execute(states).fetchall() == [(0, "Conv", "conv", 1, 0), (1, "Moved", "moved", 1, 1)]
    index.close()
