"""Turning the addresses a claimant types into the reports and comments of this site they show."""

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve

from comments.models import Comment, CommentStatus
from reports.models import Report, ReportStatus

from .models import ItemKind

MAX_ADDRESSES = 20
COMMENT_FRAGMENT = re.compile(r"^comment-([0-9]{1,12})$")


@dataclass(frozen=True)
class ResolvedAddress:
    kind: str
    address: str  # canonical: the report's path, plus #comment-<id> for a comment
    report: Report
    comment: Comment | None = None


class AddressError(ValueError):
    pass


def resolve_addresses(text: str, *, hosts: list[str]) -> list[ResolvedAddress]:
    """One address per line; raises AddressError naming the first line that is not content of this site."""
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line]
    if not lines:
        raise AddressError("请至少填写一个本站网址。")
    if len(lines) > MAX_ADDRESSES:
        raise AddressError(f"一份通知最多列出 {MAX_ADDRESSES} 个网址，请分多次提交。")
    resolved: dict[str, ResolvedAddress] = {}
    for number, line in lines:
        item = resolve_address(line, hosts=hosts)
        if item is None:
            shown = line if len(line) <= 80 else line[:80] + "…"
            raise AddressError(
                f"第 {number} 行“{shown}”不是本站报告或评论的网址。"
                "请填写形如 /baogao/huazhong/5618.html 或 /baogao/huazhong/5618.html#comment-12 的地址。"
            )
        resolved.setdefault(item.address, item)
    return list(resolved.values())


def resolve_address(line: str, *, hosts: list[str]) -> ResolvedAddress | None:
    try:
        parts = urlsplit(line)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        host, _ = split_domain_port(parts.netloc.rsplit("@", 1)[-1])
        if parts.scheme not in ("http", "https") or not host or not validate_host(host, hosts):
            return None
    path = unquote(parts.path)
    if not path.startswith("/") or "\x00" in path:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != "reports:detail":
        return None
    report = (
        Report.objects.select_related("category", "big_region")
        .filter(pk=match.kwargs["pk"], status=ReportStatus.PUBLISHED)
        .first()
    )
    if report is None:
        return None
    if not parts.fragment:
        return ResolvedAddress(kind=ItemKind.REPORT, address=report.get_absolute_url(), report=report)
    comment_match = COMMENT_FRAGMENT.match(parts.fragment)
    if comment_match is None:
        return None
    return _resolve_comment(report, int(comment_match.group(1)))


def _resolve_comment(report: Report, comment_id: int) -> ResolvedAddress | None:
    comment = Comment.objects.filter(pk=comment_id, report=report, status=CommentStatus.APPROVED).first()
    if comment is None:
        return None
    return ResolvedAddress(
        kind=ItemKind.COMMENT,
        address=f"{report.get_absolute_url()}#comment-{comment.pk}",
        report=report,
        comment=comment,
    )
