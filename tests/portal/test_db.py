"""PostgreSQL settings scoped to a block of queries."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from portal.db import insert, session_settings


def current(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_settings_apply_inside_the_block_and_the_previous_values_come_back():
    with transaction.atomic(), session_settings(work_mem="64MB"):
        with session_settings(work_mem="32MB", enable_seqscan="off"):
            assert (current("work_mem"), current("enable_seqscan")) == ("32MB", "off")
        assert (current("work_mem"), current("enable_seqscan")) == ("64MB", "on")


@pytest.mark.django_db
def test_previous_values_come_back_when_the_block_raises():
    with pytest.raises(RuntimeError), session_settings(enable_indexscan="off"):
        raise RuntimeError
    assert current("enable_indexscan") == "on"


def test_settings_for_the_whole_transaction_end_with_it(transactional_db):
    before = current("work_mem")
    with session_settings(work_mem="13MB", whole_transaction=True):
        assert current("work_mem") == "13MB"
    assert current("work_mem") == before != "13MB"


def test_settings_outside_a_transaction_are_refused():
    with pytest.raises(TransactionManagementError), session_settings(work_mem="64MB"):
        pass


@pytest.mark.django_db
def test_a_block_sets_its_settings_in_one_statement_and_puts_them_back_in_another():
    """A search sets three planner switches around its main query: two round trips, not six."""
    names = ("work_mem", "enable_seqscan", "enable_indexscan")
    before = [current(name) for name in names]
    with (
        transaction.atomic(),
        CaptureQueriesContext(connection) as captured,
        session_settings(work_mem="32MB", enable_seqscan="off", enable_indexscan="off"),
    ):
        inside = [current(name) for name in names]
    assert inside == ["32MB", "off", "off"] != before
    assert len(captured) == 2 + len(names)  # set, the three reads above, put back
    assert [current(name) for name in names] == before


def test_insert_stores_what_save_would_and_sets_the_id(report):
    from comments.models import Comment

    fields = {"report": report, "nickname": "张三", "body": "同一条评论", "ip": "203.0.113.5", "user_agent": "Chrome"}
    saved, inserted = Comment(**fields), Comment(**fields)
    saved.save()
    with CaptureQueriesContext(connection) as captured:
        insert(inserted)
    assert inserted.pk == saved.pk + 1 and not inserted._state.adding and inserted._state.db == "default"
    assert captured.captured_queries[-1]["sql"].startswith("EXECUTE insert_comments_comment")
    assert inserted.created_at is not None  # auto_now_add, as save() sets it

    def stored(comment) -> dict:
        row = Comment.objects.filter(pk=comment.pk).values().get()
        return {name: value for name, value in row.items() if name not in ("id", "created_at")}

    assert stored(inserted) == stored(saved)
    assert Comment.objects.get(pk=inserted.pk).created_at == inserted.created_at


def test_insert_refuses_a_model_with_save_receivers(db):
    """A category's save makes every cached page stale (portal.caching.invalidate_site_on_change):
    an insert that skipped it would leave them stale."""
    from reports.models import Category

    with pytest.raises(TypeError, match="save receivers"):
        insert(Category(name="新类别", slug="xin"))
    assert not Category.objects.filter(slug="xin").exists()


def test_insert_refuses_a_model_with_a_save_of_its_own(db):
    """A user's save() does more than store the row (it forgets the raw password it was given)."""
    from django.contrib.auth.models import User

    with pytest.raises(TypeError, match=r"save\(\) of its own"):
        insert(User(username="zhangsan"))
    assert not User.objects.filter(username="zhangsan").exists()
