"""The caches of the public pages: files (settings.CACHES["public"] without CACHE_URL), or Redis.

Django's FileBasedCache compresses every value with zlib; the public cache holds HTML pages read far more
often than written, and inflating a 100 KB page took longer than the rest of the request. This one stores
the pickled value as it is (the same file layout otherwise: the expiry, then the value).
"""

from __future__ import annotations

import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.files import locks


class UncompressedFileCache(FileBasedCache):
    def get(self, key, default=None, version=None):
        try:
            with open(self._key_to_file(key, version), "rb") as f:
                if not self._is_expired(f):
                    return pickle.loads(f.read())
        except FileNotFoundError:
            pass
        return default

    def _write_content(self, file, timeout, value):
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            with open(self._key_to_file(key, version), "r+b") as f:
                try:
                    locks.lock(f, locks.LOCK_EX)
                    if self._is_expired(f):
                        return False
                    previous = pickle.loads(f.read())
                    f.seek(0)
                    self._write_content(f, timeout, previous)
                    f.truncate()
                    return True
                finally:
                    locks.unlock(f)
        except FileNotFoundError:
            return False


class _OneClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, but one `redis.Redis` per connection pool instead of one per command.

    Django builds a `redis.Redis` around the pool for every command, and redis-py's constructor fills a
    case-insensitive table of ~170 response callbacks each time: ~0.17 ms of CPU per cache read here,
    more than the trivial view's whole request. A `redis.Redis` is safe to share (it takes a connection
    from the pool for each command, and the pool starts afresh in a forked process).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class OneClientRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache with `_OneClientRedisCacheClient` (the public cache)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientRedisCacheClient
