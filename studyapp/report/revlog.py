"""The review log in the CSV layout FSRS tools read (the FSRS optimizer's ``revlog.csv``, the
schema its README calls "Review Logs Schema"): ``card_id, review_time, review_rating,
review_state, review_duration``, one scheduled review a row (``store.revlog`` says which).

The optimizer's schema allows an integer or a string for ``card_id``, but Anki's revlog (whose
``cid`` the optimizer reads as ``card_id``) and tools that follow it use an integer, while our item
ids are strings (``conv.output-size``). ``card_id`` is therefore a stable 63-bit hash of the id:
its 8-byte BLAKE2b digest (of the UTF-8 id) read as a big-endian unsigned integer, shifted right
by one bit, so that it is never negative and fits a signed 64-bit integer. The same id always
gives the same number, on every machine and run (Python's ``hash`` would not).

Renders only: no SQL, no file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

FORMAT = "studyapp.revlog/1"
COLUMNS = ("card_id", "review_time", "review_rating", "review_state", "review_duration")


def card_id(item_id: str) -> int:
    """The stable integer that stands for ``item_id`` in the review log (0 <= n < 2**63)."""
    digest = hashlib.blake2b(item_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def revlog_records(rows: Iterable[tuple]) -> Iterator[tuple]:
    """``store.revlog`` rows (item_id, reviewed_at, rating, prev_code, duration_ms) as CSV
    records in ``COLUMNS`` order; an unknown state or duration stays None, which the ``csv``
    module writes as an empty cell."""
    ids: dict[str, int] = {}
    for item_id, *rest in rows:
        number = ids.get(item_id)
        if number is None:
            number = ids[item_id] = card_id(item_id)
        yield (number, *rest)
