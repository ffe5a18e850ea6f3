"""Where reads go without a running replica: the settings that name replicas, and the rules that keep
reads on the primary whatever the request (transactions, pages that have just changed). The replica
itself is exercised in test_replicas.py."""

import json
import subprocess
import sys

from captcha.models import CaptchaStore
from django.contrib.sessions.models import Session
from django.db import transaction

from portal import caching, replicas
from portal.models import CaptchaClient, LoginLockout, SiteConfiguration
from portal.routers import ReplicaRouter
from reports.models import Report
from tests.portal.test_settings import PRODUCTION, ROOT

SHOW_DATABASES = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES, default=str))"


def test_each_replica_url_becomes_a_database_with_the_primarys_connection_settings():
    env = PRODUCTION | {
        "DJANGO_CONN_MAX_AGE": "120",
        "DATABASE_REPLICA_URLS": "postgres://portal:s@10.0.0.2:5432/portal,postgres://portal:s@10.0.0.3/portal"
        "?connect_timeout=1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW_DATABASES],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    databases = json.loads(result.stdout.splitlines()[-1])
    assert list(databases) == ["default", "replica1", "replica2"]
    assert databases["replica1"]["HOST"] == "10.0.0.2" and databases["replica2"]["HOST"] == "10.0.0.3"
    for alias in ("replica1", "replica2"):
        assert databases[alias]["CONN_MAX_AGE"] == 120 and databases[alias]["CONN_HEALTH_CHECKS"] is True
        assert databases[alias]["TEST"]["MIRROR"] == "default"
    assert databases["replica1"]["OPTIONS"]["connect_timeout"] == 3
    assert databases["replica2"]["OPTIONS"]["connect_timeout"] == 1


def test_reads_inside_a_transaction_or_of_just_changed_pages_stay_on_the_primary(transactional_db):
    router = ReplicaRouter()
    token = replicas._replica.set("replica1")
    try:
        with caching.request_versions({caching.SITE: "0-old"}):
            assert router.db_for_read(Report) == "replica1"
            assert router.db_for_write(Report) == "default"
            with transaction.atomic():
                assert router.db_for_read(Report) == "default"
            caching.invalidate("report:1")  # as a service does when a report changes
            caching.current_versions(["report:1"])  # the page declares it: depends_on
            assert router.db_for_read(Report) == "default"
        # Read right after they are written: a replica may not have them yet.
        for model in (CaptchaStore, CaptchaClient, LoginLockout, Session):
            assert router.db_for_read(model) == "default", model
        assert router.db_for_read(SiteConfiguration) == "replica1"
    finally:
        replicas._replica.reset(token)
    assert router.db_for_read(Report) == "default"  # outside a request: commands, workers
