"""The cache scopes of reports (portal.caching): what a page declares it is built from, and what a
change to a report makes stale. Each list a page can show has its scope; a changed report bumps
its own and those of every list it appears in, before and after the change."""

ALL_REPORTS = "reports"  # home, /diqu/, the site-wide feed and the sitemaps


def report_page(report_id: int) -> str:
    """The article: its text, its comments and their settings."""
    return f"report:{report_id}"


def category(category_id: int) -> str:
    return f"category:{category_id}"


def category_area(category_id: int, big_region_id: int) -> str:
    """/<category>/<area>/, and previous/next on the articles of that list."""
    return f"category:{category_id}:{big_region_id}"


def big_region(big_region_id: int) -> str:
    return f"area:{big_region_id}"


def within(region_id: int) -> str:
    """The page of a province, prefecture or county: reports anywhere inside it."""
    return f"within:{region_id}"


def at(region_id: int) -> str:
    """Reports of exactly this region: the "related" list under its articles."""
    return f"at:{region_id}"


def touched_by(report) -> list[str]:
    """Every scope a report appears in, from its stored columns (call it before and after a change)."""
    places = {report.province_id, report.prefecture_id, report.region_id} - {None}
    return [
        ALL_REPORTS,
        report_page(report.pk),
        category(report.category_id),
        category_area(report.category_id, report.big_region_id),
        big_region(report.big_region_id),
        at(report.region_id),
        *(within(place) for place in sorted(places)),
    ]


def article(report) -> list[str]:
    """What an article shows besides the report itself: its neighbours and its related reports."""
    return [category_area(report.category_id, report.big_region_id), at(report.region_id)]
