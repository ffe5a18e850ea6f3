"""The database router: reads of the site's content may go to a read replica (portal.replicas
decides when); every write, migration and the rest of the data stays on the primary."""

from django.db import DEFAULT_DB_ALIAS

from . import replicas

# The apps whose rows anonymous pages show. The others are read right before they are written
# (captcha answers, sessions, login lockouts, queued mail and tasks, the cache table), so a replica
# that has not replayed the write yet would give a wrong answer.
READ_REPLICA_APPS = frozenset({"reports", "comments", "takedowns", "search", "portal"})
PRIMARY_ONLY_MODELS = frozenset({"portal.loginlockout", "portal.loginfailure", "portal.loginrecord"})


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        meta = model._meta
        if meta.app_label not in READ_REPLICA_APPS or meta.label_lower in PRIMARY_ONLY_MODELS:
            return DEFAULT_DB_ALIAS
        return replicas.read_alias()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # every database holds the same rows

    def allow_migrate(self, db, app_label, **hints) -> bool | None:
        return None if db == DEFAULT_DB_ALIAS else False
