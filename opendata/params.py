"""The query parameters of the API, checked strictly: a typo or a bad value is a 400 that names the
parameter, never an empty result that looks like an answer."""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from reports.models import BigRegion, Category, Region
from search.query import MAX_QUERY_CHARS, parse_query

from .errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
LIST_PARAMETERS = frozenset(
    {"region", "area", "category", "year", "date_from", "date_to", "q", "updated_since", "cursor", "limit", "body"}
)
BOOLEANS = {"1": True, "true": True, "0": False, "false": False}


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: (date, id) in newest-first order, (change time, id) in sync order."""

    mode: str  # "date" or "sync"
    position: tuple

    def encode(self) -> str:
        first = self.position[0].isoformat()
        raw = json.dumps([self.mode, first, self.position[1]], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, mode: str) -> "Cursor":
        invalid = ApiError("invalid_cursor", "cursor 无效：请原样使用上一页返回的 next_cursor。", parameter="cursor")
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            kind, first, pk = json.loads(raw)
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
            raise invalid from None
        if kind != mode or not isinstance(pk, int) or isinstance(pk, bool) or not isinstance(first, str):
            raise invalid
        try:
            value = parse_date(first) if mode == "date" else parse_datetime(first)
        except ValueError:
            value = None
        if value is None:
            raise invalid
        return cls(mode, (value, pk))


@dataclass(frozen=True)
class ReportQuery:
    region: Region | None = None
    big_region: BigRegion | None = None
    category: Category | None = None
    year: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: str = ""
    updated_since: datetime.datetime | None = None
    cursor: Cursor | None = None
    limit: int = DEFAULT_LIMIT
    body: bool = False

    @property
    def is_sync(self) -> bool:
        return self.updated_since is not None


def single(params: QueryDict, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise ApiError("repeated_parameter", f"参数 {name} 只能出现一次。", parameter=name)
    return values[0] if values else None


def check_known(params: QueryDict, allowed: frozenset[str]) -> None:
    for name in params:
        if name not in allowed:
            known = "、".join(sorted(allowed)) or "无"
            raise ApiError("unknown_parameter", f"不支持参数 {name}。可用的参数：{known}。", parameter=name)


def parse_limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_LIMIT:
        raise ApiError("invalid_limit", f"limit 应为 1 到 {MAX_LIMIT} 之间的整数。", parameter="limit")
    return int(value)


def parse_body(value: str | None) -> bool:
    if value is None:
        return False
    if value.lower() not in BOOLEANS:
        raise ApiError("invalid_body", "body 应为 1 或 0（true 或 false）。", parameter="body")
    return BOOLEANS[value.lower()]


def region_by_code(value: str) -> Region:
    """A GB/T 2260 code of any level: 43, 4331 or 433101; the six-digit forms 430000 and 433100 too."""
    code = value.strip()
    if not (code.isascii() and code.isdigit() and len(code) in (2, 4, 6)):
        raise ApiError(
            "invalid_region", "region 应为行政区划代码（2、4 或 6 位数字，如 43、4331、433101）。", parameter="region"
        )
    candidates = [code]
    if len(code) == 6 and code.endswith("00"):
        candidates.append(code[:2] if code.endswith("0000") else code[:4])
    region = Region.objects.filter(code__in=candidates).order_by("-level").first()
    if region is None:
        raise ApiError("unknown_region", f"没有行政区划代码为 {value} 的地区。", parameter="region")
    return region


def by_slug(model, value: str, *, parameter: str, what: str):
    found = model.objects.filter(slug=value[:80]).first() if value.isascii() else None
    if found is None:
        raise ApiError(f"unknown_{parameter}", f"没有网址别名为 {value} 的{what}。", parameter=parameter)
    return found


def parse_year(value: str) -> int:
    if not (value.isascii() and value.isdigit() and len(value) == 4) or not 1949 <= int(value) <= 2100:
        raise ApiError("invalid_year", "year 应为四位年份，如 2023。", parameter="year")
    return int(value)


def parse_day(value: str, parameter: str) -> datetime.date:
    try:
        day = parse_date(value) if value.isascii() else None
    except ValueError:
        day = None
    if day is None:
        raise ApiError("invalid_date", f"{parameter} 应为 YYYY-MM-DD 格式的日期，如 2023-01-31。", parameter=parameter)
    return day


def parse_moment(value: str) -> datetime.datetime:
    """An ISO 8601 time (with its offset, or in the site's time zone) or a date (its midnight)."""
    moment = None
    try:
        if value.isascii():
            moment = parse_datetime(value.replace(" ", "+"))  # an unescaped + arrives as a space
            if moment is None and (day := parse_date(value)) is not None:
                moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise ApiError(
            "invalid_updated_since",
            "updated_since 应为 ISO 8601 时间（如 2024-05-01T08:00:00+08:00）或日期（如 2024-05-01）。",
            parameter="updated_since",
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def report_query(params: QueryDict) -> ReportQuery:
    check_known(params, LIST_PARAMETERS)
    values = {name: single(params, name) for name in LIST_PARAMETERS}
    query = {}
    if values["region"] is not None:
        query["region"] = region_by_code(values["region"])
    if values["area"] is not None:
        query["big_region"] = by_slug(BigRegion, values["area"], parameter="area", what="大区")
    if values["category"] is not None:
        query["category"] = by_slug(Category, values["category"], parameter="category", what="栏目")
    if values["year"] is not None:
        query["year"] = parse_year(values["year"])
    for name in ("date_from", "date_to"):
        if values[name] is not None:
            query[name] = parse_day(values[name], name)
    if query.get("date_from") and query.get("date_to") and query["date_from"] > query["date_to"]:
        raise ApiError("invalid_date_range", "date_from 不能晚于 date_to。", parameter="date_from")
    if values["q"] is not None:
        text = values["q"].strip()
        if not text:
            raise ApiError("empty_query", "q 不能为空。", parameter="q")
        if len(text) > MAX_QUERY_CHARS:
            raise ApiError("query_too_long", f"q 最多 {MAX_QUERY_CHARS} 个字。", parameter="q")
        if parse_query(text).is_empty:
            raise ApiError("empty_query", "q 中没有可检索的字词（标点和符号不参与检索）。", parameter="q")
        query["q"] = text
    if values["updated_since"] is not None:
        if "q" in query:
            raise ApiError(
                "conflicting_parameters", "updated_since（增量同步）不能与 q（全文检索）同时使用。", parameter="q"
            )
        query["updated_since"] = parse_moment(values["updated_since"])
    if values["cursor"] is not None:
        query["cursor"] = Cursor.decode(values["cursor"], "sync" if "updated_since" in query else "date")
    query["limit"] = parse_limit(values["limit"])
    query["body"] = parse_body(values["body"])
    return ReportQuery(**query)


def sync_bound() -> datetime.datetime:
    """Changes newer than this are left for the next request: a transaction that started before
    and commits after a page was read would otherwise fall behind a mirror's position for good."""
    return timezone.now() - datetime.timedelta(seconds=settings.API_SYNC_SETTLE_SECONDS)
