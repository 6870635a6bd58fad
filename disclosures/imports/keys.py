"""The natural keys met so far in an uploaded sheet, in a temporary SQLite table instead of a dict.

A sheet may repeat no natural key, and the message names the row that had it first, so every key met must
be remembered. A dict of 50,000 key tuples holds ~15 MB for the whole preview and apply; this table keeps
a 16-byte digest and the row number per key in a private temporary database with a small page cache, so
the memory of a big upload stays flat (issue #13). Keys are tuples of ints, codes and None: their repr is
canonical, and a 128-bit digest makes a false duplicate as unlikely as a hash collision can be.
"""

from __future__ import annotations

import hashlib
import sqlite3


class SeenKeys:
    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "" is a private temporary database that SQLite deletes on close
        self._db.execute("PRAGMA cache_size = -256")  # KiB; pages beyond it go to the temporary file
        self._db.execute("CREATE TABLE seen (digest BLOB PRIMARY KEY, number INTEGER NOT NULL) WITHOUT ROWID")

    @staticmethod
    def _digest(key: tuple) -> bytes:
        return hashlib.blake2b(repr(key).encode("utf-8"), digest_size=16).digest()

    def first_seen(self, key: tuple, number: int) -> int | None:
        """The row number `key` was first met on; None (and `number` remembered) when it is new."""
        digest = self._digest(key)
        if self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (digest, number)).rowcount:
            return None
        return self._db.execute("SELECT number FROM seen WHERE digest = ?", (digest,)).fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SeenKeys:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
