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
