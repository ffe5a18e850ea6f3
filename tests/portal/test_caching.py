"""Versions given out lazily and what each process keeps per site version (portal.caching)."""

import itertools

import pytest
from django.core.cache import cache

from portal import caching

pytestmark = pytest.mark.django_db
_names = itertools.count()


def in_request(read):
    """`read()` as a page-cached request runs it: the site version read first, like the middleware."""
    _, found = caching.get_with_versions("page:unused", [caching.SITE])
    with caching.request_versions(found):
        return read()


def test_a_scope_never_bumped_gets_a_version_once_its_page_is_stored():
    scope = f"report:{next(_names)}"

    def render_and_store():
        versions = caching.current_versions([scope])
        caching.store("page:a", "page", timeout=60)
        return versions

    given = in_request(render_and_store)
    assert caching.current_versions([scope]) == given


def test_a_version_given_out_by_a_request_that_lost_the_race_never_becomes_current():
    scope = f"report:{next(_names)}"

    def render_while_an_editor_changes_the_report():
        given = caching.current_versions([scope])
        cache.set(caching.VERSION_PREFIX + scope, "bumped-elsewhere", timeout=None)  # another process
        caching.store("page:b", "built from the old rows", timeout=60)
        return given

    given = in_request(render_while_an_editor_changes_the_report)
    assert given[scope] != "bumped-elsewhere"
    assert caching.current_versions([scope]) == {scope: "bumped-elsewhere"}


def test_a_request_reads_each_version_once_and_again_after_its_own_bump():
    scope = f"report:{next(_names)}"

    def read_bump_read():
        first = caching.current_versions([scope])
        cache.set(caching.VERSION_PREFIX + scope, "changed-by-another-process", timeout=None)
        within_request = caching.current_versions([scope])
        caching.invalidate(scope)
        after_own_bump = caching.current_versions([scope])
        return first, within_request, after_own_bump

    first, within_request, after_own_bump = in_request(read_bump_read)
    assert within_request == first  # one request sees one state of the cache
    assert after_own_bump not in (first, {scope: "changed-by-another-process"})


def test_sitewide_markup_is_built_once_per_site_version():
    name = f"fragment:test-{next(_names)}"
    builds = []

    def build():
        builds.append(None)
        return len(builds)

    assert in_request(lambda: caching.sitewide(name, build)) == 1
    assert in_request(lambda: caching.sitewide(name, build)) == 1
    caching.invalidate(caching.SITE)  # an editor saved the site settings
    assert in_request(lambda: caching.sitewide(name, build)) == 2
    assert caching.sitewide(name, build) == 3  # outside a page-cached request: simply built


@pytest.fixture
def release(settings):
    def deploy(name: str) -> None:
        settings.RELEASE = name
        caching.release.cache_clear()

    yield deploy
    caching.release.cache_clear()


def test_a_deploy_never_serves_pages_cached_by_the_code_before_it(client, report, release):
    release("before")
    assert client.get(report.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(report.get_absolute_url())["X-Page-Cache"] == "hit"
    release("after")
    assert client.get(report.get_absolute_url())["X-Page-Cache"] == "miss"


def test_without_a_release_name_a_changed_template_makes_a_new_release(release, settings, tmp_path):
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>旧</p>")
    settings.BASE_DIR = tmp_path
    release("")
    before = caching.release()
    template.write_text("<p>新</p>")
    release("")
    assert caching.release() != before
