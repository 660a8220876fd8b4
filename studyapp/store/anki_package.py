"""Reading an Anki package (.apkg, .colpkg) without Anki: a zip holding a SQLite collection.

The collection is ``collection.anki21b`` (zstd-compressed, Anki 2.1.50 and later), else
``collection.anki21``, else ``collection.anki2`` (a new package also carries a dummy
``collection.anki2`` for old Ankis, hence the order). Schema 11 keeps note types and decks as
JSON in the ``col`` row; later schemas (up to ``NEWEST_SCHEMA``) in tables, a note type's kind in
a protobuf blob, read here by the few lines Anki's message needs (as is the ``meta`` file, the
package version, and the ``media`` list). The collection is copied to a temporary file and read
there; the package is never changed.

Every problem is one ``AnkiPackageError`` line naming the file; nothing else escapes.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import zstandard

from studyapp.core.anki_model import AnkiCard, AnkiCollection, Note, NoteType, RevlogRow

COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
NEWEST_SCHEMA = 18  # Anki 2.1.50 to 25.x; a newer one may have moved what is read here
NEWEST_PACKAGE = 3  # the ``meta`` file's version (PackageMetadata.Version.LATEST)
CLOZE_KIND = 1  # NotetypeConfig.kind (field 1): 0 normal, 1 cloze
# A package is a compressed file from elsewhere: what it unpacks to is capped, so that a damaged
# or hostile one cannot fill the disk. A collection of 100,000 notes with years of reviews is a
# few hundred MB; STUDYAPP_MAX_IMPORT_MB sets another cap.
MAX_IMPORT_VARIABLE = "STUDYAPP_MAX_IMPORT_MB"
MAX_IMPORT_BYTES = 2_000_000_000
MAX_MEDIA_LIST_BYTES = 64_000_000  # the list of media names, not the media


class AnkiPackageError(Exception):
    """The file cannot be read as an Anki package; the message says why, in one line."""


def read_package(path: Path) -> AnkiCollection:
    name = path.name
    try:
        package = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise AnkiPackageError(f"{name} is not an Anki package (not a zip file)") from None
    except OSError as exc:
        raise AnkiPackageError(f"{path}: {exc.strerror or exc}") from None
    with package:
        names = set(package.namelist())
        if _package_version(package, names) > NEWEST_PACKAGE:
            raise AnkiPackageError(f"{name} is a newer package format than this studyapp reads; in Anki, "
                                   "export with 'Support older Anki versions' ticked")
        member = next((m for m in COLLECTIONS if m in names), None)
        if member is None:
            raise AnkiPackageError(f"{name} holds no Anki collection (expected {', '.join(COLLECTIONS)})")
        media = _media(package, names)
        with tempfile.TemporaryDirectory(prefix="studyapp-import-") as folder:
            db = Path(folder) / "collection.sqlite"
            _extract(package, member, db, name)
            return _read_collection(db, name, media)


def max_import_bytes() -> float:
    """The cap on an unpacked collection: ``STUDYAPP_MAX_IMPORT_MB`` megabytes (a positive number),
    else 2,000 MB."""
    import os

    try:
        megabytes = float(os.environ.get(MAX_IMPORT_VARIABLE, "").strip())
    except ValueError:
        return MAX_IMPORT_BYTES
    return megabytes * 1_000_000 if megabytes > 0 else MAX_IMPORT_BYTES


def _extract(package: zipfile.ZipFile, member: str, db: Path, name: str) -> None:
    limit, written = max_import_bytes(), 0
    try:
        with package.open(member) as raw, db.open("wb") as target:
            source = zstandard.ZstdDecompressor().stream_reader(raw) if member.endswith("b") else raw
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > limit:
                    raise AnkiPackageError(
                        f"{name}: its collection unpacks to more than {limit / 1e6:g} MB; set "
                        f"{MAX_IMPORT_VARIABLE} to a larger number of megabytes to import it")
                target.write(chunk)
    except (zipfile.BadZipFile, zlib.error, zstandard.ZstdError, EOFError) as exc:
        raise AnkiPackageError(f"{name}: its {member} is damaged ({exc})") from None


def _read_collection(db: Path, name: str, media: tuple[str, ...]) -> AnkiCollection:
    conn = sqlite3.connect(db)
    try:
        version = int(conn.execute("SELECT ver FROM col").fetchone()[0])
        if version > NEWEST_SCHEMA:
            raise AnkiPackageError(f"{name}: its collection has schema version {version}, newer than "
                                   f"this studyapp reads (up to {NEWEST_SCHEMA}); in Anki, export with "
                                   "'Support older Anki versions' ticked")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        notetypes, decks = _tables(conn) if "notetypes" in tables else _legacy(conn, name)
        rows = conn.execute("SELECT id, guid, mid, tags, flds FROM notes")
        notes = [Note(id=nid, guid=str(guid), notetype_id=mid, tags=tuple(str(tags).split()),
                      fields=tuple(str(flds).split("\x1f"))) for nid, guid, mid, tags, flds in rows]
        cards = [AnkiCard(id=cid, note_id=nid, deck_id=odid or did, ord=ord_)
                 for cid, nid, did, odid, ord_ in conn.execute("SELECT id, nid, did, odid, ord FROM cards")]
        revlog = [RevlogRow(id=rid, card_id=cid, ease=ease, duration_ms=int(time or 0), type=kind)
                  for rid, cid, ease, time, kind in conn.execute(
                      "SELECT id, cid, ease, time, type FROM revlog ORDER BY id")]
    except (sqlite3.DatabaseError, TypeError, ValueError) as exc:
        raise AnkiPackageError(f"{name}: its collection cannot be read ({exc})") from None
    finally:
        conn.close()
    return AnkiCollection(schema=version, notetypes=notetypes, decks=decks, notes=notes, cards=cards,
                          revlog=revlog, media=media)


def _tables(conn: sqlite3.Connection) -> tuple[dict[int, NoteType], dict[int, str]]:
    """Note types and decks of schema 15 and later (their own tables)."""
    fields: dict[int, list[str]] = {}
    for ntid, name in conn.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(str(name))
    notetypes = {}
    for ntid, name, config in conn.execute("SELECT id, name, config FROM notetypes"):
        kind = dict(_proto(bytes(config or b""))).get(1, 0)
        notetypes[ntid] = NoteType(id=ntid, name=str(name), is_cloze=kind == CLOZE_KIND,
                                   fields=tuple(fields.get(ntid, ())))
    rows = conn.execute("SELECT id, name FROM decks")
    decks = {did: str(name).replace("\x1f", "::") for did, name in rows}
    return notetypes, decks


def _legacy(conn: sqlite3.Connection, name: str) -> tuple[dict[int, NoteType], dict[int, str]]:
    """Note types and decks of schema 11 (JSON in the ``col`` row)."""
    models_json, decks_json = conn.execute("SELECT models, decks FROM col").fetchone()
    try:
        models: dict[str, Any] = json.loads(models_json)
        decks: dict[str, Any] = json.loads(decks_json)
        notetypes = {int(m["id"]): NoteType(
            id=int(m["id"]), name=str(m["name"]), is_cloze=m.get("type") == CLOZE_KIND,
            fields=tuple(str(f["name"]) for f in sorted(m["flds"], key=lambda f: f["ord"])))
            for m in models.values()}
        return notetypes, {int(d["id"]): str(d["name"]) for d in decks.values()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AnkiPackageError(f"{name}: its note types or decks cannot be read ({exc!r})") from None


def _package_version(package: zipfile.ZipFile, names: set[str]) -> int:
    """The ``meta`` file's version; a package without one is a legacy one (1)."""
    if "meta" not in names:
        return 1
    try:
        value = dict(_proto(package.read("meta"))).get(1, 0)
    except (ValueError, zipfile.BadZipFile, zlib.error):
        return 0
    return value if isinstance(value, int) else 0


def _media(package: zipfile.ZipFile, names: set[str]) -> tuple[str, ...]:
    """The media files the package lists (JSON in a legacy package, else a zstd-compressed
    protobuf list): only counted and named, never read. An unreadable list is an empty one."""
    if "media" not in names:
        return ()
    try:
        if package.getinfo("media").file_size > MAX_MEDIA_LIST_BYTES:
            return ()
        data = package.read("media")
        if data.lstrip().startswith(b"{"):
            return tuple(str(v) for v in json.loads(data).values())
        raw = zstandard.ZstdDecompressor().stream_reader(data).read(MAX_MEDIA_LIST_BYTES)
        entries = [dict(_proto(entry)) for number, entry in _proto(raw) if number == 1]
        return tuple(e[1].decode("utf-8", "replace") for e in entries
                     if isinstance(e.get(1), bytes))
    except (ValueError, AttributeError, zipfile.BadZipFile, zlib.error, zstandard.ZstdError):
        return ()


def _proto(data: bytes) -> Iterator[tuple[int, Any]]:
    """(field number, value) of a protobuf message: a varint or the bytes of a length-delimited
    field; ValueError when it is cut short."""
    i = 0
    value: Any
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
        elif wire == 2:
            size, i = _varint(data, i)
            value, i = data[i:i + size], i + size
        elif wire in (1, 5):
            value, i = data[i:i + (8 if wire == 1 else 4)], i + (8 if wire == 1 else 4)
        else:
            raise ValueError(f"protobuf wire type {wire}")
        if i > len(data):
            raise ValueError("protobuf message cut short")
        yield number, value


def _varint(data: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while i < len(data):
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, i
        shift += 7
    raise ValueError("protobuf varint cut short")
