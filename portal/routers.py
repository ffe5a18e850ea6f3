"""The database router: reads of the site's content may go to a read replica (portal.replicas
decides when); every write, migration and the rest of the data stays on the primary."""

from django.db import DEFAULT_DB_ALIAS

from . import replicas

# The apps whose rows anonymous pages show, and the site's settings. Everything else is read right
# before it is written (captcha answers and their clients, sessions, login lockouts, queued mail and
# tasks, the cache table), where a replica that has not replayed the write would answer wrongly.
READ_REPLICA_APPS = frozenset({"reports", "comments", "takedowns", "search"})
READ_REPLICA_MODELS = frozenset({("portal", "siteconfiguration")})


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        meta = model._meta
        # (app_label, model_name): the cache table's stand-in model has no other label.
        if meta.app_label in READ_REPLICA_APPS or (meta.app_label, meta.model_name) in READ_REPLICA_MODELS:
            return replicas.read_alias()
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # every database holds the same rows

    def allow_migrate(self, db, app_label, **hints) -> bool | None:
        return None if db == DEFAULT_DB_ALIAS else False
