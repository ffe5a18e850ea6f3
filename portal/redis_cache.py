"""Django's Redis cache backend, with one redis client per connection pool.

Django builds a new `redis.Redis` for every cache operation. redis-py 8 copies some 170 response
callbacks into each new client, about 0.4 ms: more than a GET on loopback costs, and a cached page
takes two operations. The pool already does the pooling; one client per pool is all it needs."""

from django.core.cache.backends import redis


class ReusedClientRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def validate_key(self, key):
        """Django checks every character of every key for memcached's sake, on each operation: a
        page hit reads four keys. Redis takes any key, and these are the site's own (ASCII)."""

    def add_many_and_set(self, added: dict, values: dict, timeout) -> None:
        """add() each of `added` (kept forever) and set() each of `values`, in one round trip: how
        the page cache stores a page together with the versions it gave out (portal.caching.store)."""
        client = self._cache.get_client(None, write=True)
        serialize = self._cache._serializer.dumps
        pipeline = client.pipeline(transaction=False)
        for key, value in added.items():
            pipeline.set(self.make_and_validate_key(key), serialize(value), nx=True)
        for key, value in values.items():
            pipeline.set(self.make_and_validate_key(key), serialize(value), ex=self.get_backend_timeout(timeout))
        pipeline.execute()
