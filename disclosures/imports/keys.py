"""The natural keys met so far in an uploaded sheet, in a temporary SQLite table instead of a dict.

A sheet may repeat no natural key, and the message names the row that had it first, so every key met must
be remembered. A dict of 50,000 key tuples holds ~15 MB for the whole preview and apply; this table keeps
a 16-byte digest and the row number per key in a private temporary database with a small page cache, so
the memory of a big upload stays flat (issue #13). Keys are tuples of ints, codes and None: their repr is
canonical, and a 128-bit digest makes a false duplicate as unlikely as a hash collision can be.

Asking the table about every row was a statement per row (most of this class's cost on a 50,000-row
upload). A fixed 1 MiB Bloom filter answers "certainly new" for almost every row of a file without
repeated keys, and new keys are written to the table a thousand at a time; the table is asked only when
the filter says the key may have been met (a repeat, or about one row in 100,000 at 60,000 rows).
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct

BLOOM_BITS = 1 << 23  # 1 MiB, whatever the number of rows
BLOOM_MASK = BLOOM_BITS - 1  # a bit's index is a 32-bit word of the digest modulo BLOOM_BITS, a power of two
_WORDS = struct.Struct("<III")  # the digest's first three little-endian 32-bit words: the filter's three bits
PENDING_ROWS = 1000  # new keys written to the table in one executemany


class SeenKeys:
    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "" is a private temporary database that SQLite deletes on close
        self._db.execute("PRAGMA cache_size = -256")  # KiB; pages beyond it go to the temporary file
        self._db.execute("CREATE TABLE seen (digest BLOB PRIMARY KEY, number INTEGER NOT NULL) WITHOUT ROWID")
        self._bloom = bytearray(BLOOM_BITS // 8)
        self._pending: dict[bytes, int] = {}

    @staticmethod
    def _digest(key: tuple) -> bytes:
        return hashlib.blake2b(repr(key).encode("utf-8"), digest_size=16).digest()

    def first_seen(self, key: tuple, number: int) -> int | None:
        """The row number `key` was first met on; None (and `number` remembered) when it is new."""
        digest = self._digest(key)
        first, second, third = _WORDS.unpack_from(digest)
        first, second, third = first & BLOOM_MASK, second & BLOOM_MASK, third & BLOOM_MASK
        bloom = self._bloom
        if bloom[first >> 3] & (1 << (first & 7)) and bloom[second >> 3] & (1 << (second & 7)) and bloom[third >> 3] & (1 << (third & 7)):
            met = self._pending.get(digest)
            if met is not None:
                return met
            found = self._db.execute("SELECT number FROM seen WHERE digest = ?", (digest,)).fetchone()
            if found is not None:
                return found[0]
        bloom[first >> 3] |= 1 << (first & 7)
        bloom[second >> 3] |= 1 << (second & 7)
        bloom[third >> 3] |= 1 << (third & 7)
        self._pending[digest] = number
        if len(self._pending) >= PENDING_ROWS:
            self._flush()
        return None

    def _flush(self) -> None:
        self._db.executemany("INSERT INTO seen VALUES (?, ?)", self._pending.items())
        self._pending.clear()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SeenKeys:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
