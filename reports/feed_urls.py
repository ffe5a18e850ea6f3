from django.urls import path

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("", feeds.LatestReportsFeed(), name="latest"),
    path("diqu/<slug:area>/", feeds.BigRegionFeed(), name="big_region"),
    path("diqu/<slug:area>/<slug:slug>/", feeds.ProvinceFeed(), name="province"),
    path("<slug:category>/", feeds.CategoryFeed(), name="category"),
]
