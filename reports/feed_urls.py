from django.urls import path

from portal.caching import built_from

from . import feeds, scopes

# A feed lists the newest reports of its scope; any change to a report may reorder one.
feed = built_from(scopes.ALL_REPORTS)

app_name = "feeds"

urlpatterns = [
    path("", feed(feeds.LatestReportsFeed()), name="latest"),
    path("diqu/<slug:area>/", feed(feeds.BigRegionFeed()), name="big_region"),
    path("diqu/<slug:area>/<slug:slug>/", feed(feeds.ProvinceFeed()), name="province"),
    path("<slug:category>/", feed(feeds.CategoryFeed()), name="category"),
]
