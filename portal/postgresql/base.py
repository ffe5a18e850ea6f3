"""Django's PostgreSQL backend, with a health check that costs no round trip.

Django checks a persistent connection at the start of each request (CONN_HEALTH_CHECKS) with a
`SELECT 1`: a round trip and a statement for the server on every request, 0.2-0.3 ms of a comment
form's. A connection idle between requests has nothing to read, and a server that went away
(stopped, restarted, crashed, or ended the session) leaves its socket readable: its last message, or
the end of the stream. So only a readable socket gets Django's own check, which then fails and
makes Django open a new connection. A server that vanished without a word (a network cut) is
found by the request's first query instead, which fails; Django drops that connection at the end
of the request, as it would have after a failed `SELECT 1`.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            waiting = select.poll()
            waiting.register(self.connection.fileno(), select.POLLIN)
            if not waiting.poll(0):
                return True
        except (OSError, ValueError, base.Database.Error):
            return False
        return super().is_usable()
