import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import ExpressionWrapper, F, Q
from django.utils import timezone

from portal.reversing import cached_reverse


def validate_not_reserved(value: str) -> None:
    if value in settings.RESERVED_SLUGS:
        raise ValidationError("“%(value)s” 是网站保留的地址，不能用作别名。", params={"value": value})


class BigRegion(models.Model):
    """One of the seven textbook regions (华北 … 西北); its slug is the <area> part of report URLs."""

    name = models.CharField("名称", max_length=8, unique=True)
    slug = models.SlugField("网址别名", max_length=32, unique=True, validators=[validate_not_reserved])
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = verbose_name_plural = "大区"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return cached_reverse("reports:big_region", area=self.slug)


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省级"
    PREFECTURE = 2, "地级"
    COUNTY = 3, "县级"


class RegionQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(level=RegionLevel.PROVINCE)


def breadcrumb_trail(province: "Region | None", prefecture: "Region | None", region: "Region") -> list["Region"]:
    """Province, prefecture (if any) and region, without repeats."""
    return list(dict.fromkeys(place for place in (province, prefecture, region) if place is not None))


class Region(models.Model):
    """An administrative division of GB/T 2260 (province → prefecture → county)."""

    code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=64)
    type = models.CharField("类型", max_length=8)
    level = models.PositiveSmallIntegerField("级别", choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Denormalised so that pages and filters never walk the tree: a province is its own province,
    # a prefecture its own prefecture; districts of the municipalities have no prefecture.
    province = models.ForeignKey(
        "self", verbose_name="省份", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prefecture = models.ForeignKey(
        "self", verbose_name="地级", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    big_region = models.ForeignKey(BigRegion, verbose_name="大区", on_delete=models.PROTECT, related_name="regions")
    slug = models.SlugField("网址别名", max_length=80, unique=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "地区"
        constraints = [
            models.CheckConstraint(
                name="region_province_has_no_parent",
                condition=Q(level=RegionLevel.PROVINCE, parent__isnull=True)
                | (~Q(level=RegionLevel.PROVINCE) & Q(parent__isnull=False)),
            ),
            models.CheckConstraint(name="region_code_is_digits", condition=Q(code__regex=r"^[0-9]{2}([0-9]{2}){0,2}$")),
        ]
        indexes = [models.Index(fields=["parent", "code"], name="region_parent_code_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return cached_reverse("reports:region", area=self.big_region.slug, slug=self.slug)

    def lineage(self) -> list["Region"]:
        return breadcrumb_trail(self.province, self.prefecture, self)


class Category(models.Model):
    name = models.CharField("名称", max_length=16, unique=True)
    slug = models.SlugField("网址别名", max_length=32, unique=True, validators=[validate_not_reserved])
    position = models.PositiveSmallIntegerField("排序", default=0)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = verbose_name_plural = "栏目"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return cached_reverse("reports:category", category=self.slug)


def report_path(category_slug: str, area_slug: str, pk: int) -> str:
    """A report's address from its list's slugs, for the readers that have no Report instance at hand."""
    return f"{cached_reverse('reports:category_area', category=category_slug, area=area_slug)}{pk}.html"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


# What readers may see: published and not restricted by a takedown decision. The one statement of
# the rule: querysets, the partial indexes of the lists, and hand-written SQL (published_sql) use it.
PUBLISHED = Q(status=ReportStatus.PUBLISHED, is_restricted=False)


# Drafts waiting for their publication time (Report.publish_at).
SCHEDULED = Q(status=ReportStatus.DRAFT, publish_at__isnull=False)


class ReportQuerySet(models.QuerySet):
    def published(self):
        return self.filter(PUBLISHED)

    def scheduled(self):
        return self.filter(SCHEDULED)

    def due(self, now: datetime.datetime):
        """Scheduled drafts whose time has come."""
        return self.filter(SCHEDULED, publish_at__lte=now)

    def drafts_waiting(self):
        """Drafts nobody has scheduled yet."""
        return self.filter(status=ReportStatus.DRAFT, publish_at=None)

    def with_is_public(self):
        return self.annotate(is_public=ExpressionWrapper(PUBLISHED, output_field=models.BooleanField()))

    def for_list(self):
        """The columns a list row shows; never the body."""
        return self.select_related("region", "category", "big_region").only(
            "id",
            "title",
            "date",
            "status",
            "category__slug",
            "category__name",
            "big_region__slug",
            "region__name",
            "region__slug",
        )

    def in_region(self, region: Region):
        match region.level:
            case RegionLevel.PROVINCE:
                return self.filter(province=region)
            case RegionLevel.PREFECTURE:
                return self.filter(prefecture=region)
            case _:
                return self.filter(region=region)

    def newest_first(self):
        return self.order_by("-date", "-id")


@dataclass(frozen=True)
class SearchPartition:
    """One slice of the full-text index, by document year.

    GIN has no early exit: a query builds the bitmap of every match before a LIMIT can stop it, and
    for frequent terms that is hundreds of thousands of entries. Split by year and read newest
    first, a capped search stops after the years it needs (search.matching).
    """

    name: str
    start: datetime.date | None
    end: datetime.date | None

    def holds_any(self, years) -> bool:
        """Whether any of `years` falls in this slice (skipping a slice costs nothing; scanning its
        empty index still costs a query)."""
        return any(
            (self.start is None or year >= self.start.year) and (self.end is None or year < self.end.year)
            for year in years
        )

    def date_bounds_sql(self, column: str) -> tuple[list[str], list[datetime.date]]:
        """The slice's dates as conditions on `column`, with their parameters, for a query written by
        hand (search.matching); the client library sends them as literals, as the partial index's
        condition needs them to be."""
        bounds = [(f"{column} >= %s", self.start), (f"{column} < %s", self.end)]
        return [sql for sql, value in bounds if value is not None], [value for _, value in bounds if value is not None]

    @property
    def condition(self) -> Q:
        condition = PUBLISHED
        if self.start is not None:
            condition &= Q(date__gte=self.start)
        if self.end is not None:
            condition &= Q(date__lt=self.end)
        return condition


SEARCH_YEARS = range(2010, 2031)
# New index entries wait in a GIN index's pending list until it is this full (kB), and every search
# reads the whole list. At PostgreSQL's default, 4 MB, it took 2 ms a year slice, 20 ms a search,
# once ordinary edits had filled it; at 256 kB a writer merges it now and then, and a search hardly
# notices.
SEARCH_PENDING_LIST_KB = 256
SEARCH_PARTITIONS = [  # newest first
    SearchPartition("report_search_later", datetime.date(SEARCH_YEARS[-1] + 1, 1, 1), None),
    *[
        SearchPartition(f"report_search_{year}", datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))
        for year in reversed(SEARCH_YEARS)
    ],
    SearchPartition("report_search_earlier", None, datetime.date(SEARCH_YEARS[0], 1, 1)),
]


class Report(models.Model):
    title = models.CharField("标题", max_length=200)
    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="reports")
    category = models.ForeignKey(Category, verbose_name="栏目", on_delete=models.PROTECT, related_name="reports")
    date = models.DateField("文件日期")
    body = models.TextField("正文", help_text="纯文本；空行或换行分段。")
    source_name = models.CharField("来源", max_length=100, blank=True)
    source_url = models.URLField("来源网址", max_length=500, blank=True)
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    is_restricted = models.BooleanField("因投诉屏蔽", default=False, editable=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    # A draft with a time is published then by reports.services.reports_publish_due (the task worker
    # at the minute, hourly housekeeping for any it missed), through the same path as admin's
    # publish action; until then it is an ordinary draft, so PUBLISHED stays the only rule.
    publish_at = models.DateTimeField(
        "定时发布",
        null=True,
        blank=True,
        help_text="仅用于草稿：到这个时间自动发布（一分钟内）。留空则不定时；撤回或立即发布会取消定时。",
    )
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    views = models.PositiveIntegerField("点击", default=0, editable=False)
    # Title, place names and body as CJK bigrams + jieba words (reports.indexing); kept by reports.services.
    search_vector = SearchVectorField("全文索引", null=True, editable=False)

    # Copies of the region's ancestry, kept by reports.services, so that region pages filter on
    # one indexed column instead of walking the tree.
    big_region = models.ForeignKey(
        BigRegion, verbose_name="大区", on_delete=models.PROTECT, related_name="+", editable=False
    )
    province = models.ForeignKey(
        Region, verbose_name="省份", on_delete=models.PROTECT, related_name="+", editable=False
    )
    prefecture = models.ForeignKey(
        Region, verbose_name="地级", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = "报告"
        constraints = [
            models.CheckConstraint(
                name="report_published_has_published_at",
                condition=~Q(status="published") | Q(published_at__isnull=False),
            ),
            models.CheckConstraint(name="report_title_not_blank", condition=~Q(title="")),
            # The same document (title, place, kind, date) is stored once; imports rely on it.
            models.UniqueConstraint(fields=["region", "category", "date", "title"], name="report_unique_document"),
            models.CheckConstraint(name="report_status_valid", condition=Q(status__in=ReportStatus.values)),
            models.CheckConstraint(name="report_publish_at_only_for_drafts", condition=SCHEDULED | Q(publish_at=None)),
        ]
        indexes = [
            models.Index(fields=["status"], name="report_status_idx"),
            models.Index(fields=["publish_at"], name="report_scheduled_idx", condition=SCHEDULED),
            models.Index(
                F("category"), F("date").desc(), F("id").desc(), name="report_pub_category_idx", condition=PUBLISHED
            ),
            models.Index(
                F("category"),
                F("big_region"),
                F("date").desc(),
                F("id").desc(),
                name="report_pub_category_area_idx",
                condition=PUBLISHED,
            ),
            models.Index(
                F("province"),
                F("date").desc(),
                F("id").desc(),
                name="report_pub_province_idx",
                include=["category"],
                condition=PUBLISHED,
            ),
            models.Index(
                F("prefecture"),
                F("date").desc(),
                F("id").desc(),
                name="report_pub_prefecture_idx",
                include=["category"],
                condition=PUBLISHED,
            ),
            models.Index(
                F("region"),
                F("date").desc(),
                F("id").desc(),
                name="report_pub_region_idx",
                include=["category"],
                condition=PUBLISHED,
            ),
            # Incremental sync of the open-data API: published reports in order of change. (Its
            # newest-first list reads the category indexes instead: an index on the date alone would
            # offer the search's per-year passes a bitmap other than their GIN index.)
            models.Index(F("updated_at"), F("id"), name="report_pub_updated_idx", condition=PUBLISHED),
            models.Index(
                F("big_region"),
                F("date").desc(),
                F("id").desc(),
                name="report_pub_area_idx",
                include=["category"],
                condition=PUBLISHED,
            ),
            *[
                GinIndex(
                    fields=["search_vector"],
                    name=partition.name,
                    condition=partition.condition,
                    gin_pending_list_limit=SEARCH_PENDING_LIST_KB,
                )
                for partition in SEARCH_PARTITIONS
            ],
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # An article's address is its list's address and "<id>.html" (the original site's scheme,
        # checked against reverse() in tests): reversed once per list, not once per report.
        return report_path(self.category.slug, self.big_region.slug, self.pk)

    def clean(self) -> None:
        if self.publish_at is not None and self.status != ReportStatus.DRAFT:
            raise ValidationError(
                {"publish_at": "定时发布只用于草稿：请把状态设为“草稿”，或清空定时发布时间后再保存。"}
            )

    @property
    def display_title(self) -> str:
        """The original site's form: (湖南省)吉首市人民政府工作报告(2023年2月14日)."""
        date = f"{self.date.year}年{self.date.month}月{self.date.day}日"
        return f"({self.province.name}){self.title}({date})"

    def lineage(self) -> list[Region]:
        """From the report's own copies of the ancestry, which article queries load anyway."""
        return breadcrumb_trail(self.province, self.prefecture, self.region)

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]


class RemovalReason(models.TextChoices):
    WITHDRAWN = "withdrawn", "已撤回"
    UNPUBLISHED = "unpublished", "退回草稿"
    RESTRICTED = "restricted", "因投诉屏蔽"
    DELETED = "deleted", "已删除"


class ReportTombstone(models.Model):
    """A report readers could see and no longer can. Incremental sync (the open-data API) lists
    these so that mirrors delete their copies; reports.services writes one whenever a public report
    stops being public, and removes it when the report is public again."""

    report_id = models.BigIntegerField("报告编号")  # no foreign key: a deleted report keeps its tombstone
    reason = models.CharField("原因", max_length=16, choices=RemovalReason.choices)
    removed_at = models.DateTimeField("下架时间")

    class Meta:
        ordering = ["removed_at", "report_id"]
        verbose_name = verbose_name_plural = "下架记录"
        constraints = [
            models.UniqueConstraint(fields=["report_id"], name="report_tombstone_unique_report"),
            models.CheckConstraint(name="report_tombstone_reason_valid", condition=Q(reason__in=RemovalReason.values)),
        ]
        indexes = [models.Index(fields=["removed_at", "report_id"], name="report_tombstone_removed_idx")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.get_reason_display()}"


class ReportTally(models.Model):
    """Published-report counts per (region, category, year).

    Lists need a total to offer the last page; counting a million rows per request is not an
    option, so reports.services keeps these few thousand rows current on every write.
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)
    # Copies of the region's ancestry, for sums over a province, prefecture or big region.
    big_region = models.ForeignKey(BigRegion, on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    prefecture = models.ForeignKey(Region, null=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["region", "category", "year"]
        verbose_name = verbose_name_plural = "报告计数"
        constraints = [
            models.UniqueConstraint(fields=["region", "category", "year"], name="report_tally_unique_key"),
        ]
        indexes = [
            models.Index(fields=["province", "category", "year"], name="report_tally_province_idx"),
            models.Index(fields=["prefecture", "category", "year"], name="report_tally_prefecture_idx"),
            models.Index(fields=["category", "big_region", "year"], name="report_tally_category_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.category_id}/{self.year}: {self.count}"


@functools.cache
def published_sql(alias: str) -> tuple[str, tuple]:
    """PUBLISHED as an SQL condition on the reports table known as `alias`, with its parameters,
    for the statements written by hand (tallies, the view counter). Compiled once per alias: it
    cost 0.24 ms of every comment post."""
    query = Report.objects.filter(PUBLISHED).query
    sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    return sql.replace(f'"{Report._meta.db_table}".', f"{alias}."), tuple(params)


def published_sql_literal(alias: str) -> str:
    """published_sql with its parameters written in, for prepared statements: a generic plan can
    use a partial index only for a condition written as literals."""
    sql, params = published_sql(alias)
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()
