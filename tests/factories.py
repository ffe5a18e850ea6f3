"""factory_boy factories: one per model, plus helpers for the states tests need."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from reports import services
from reports.models import BigRegion, Category, Region, RegionLevel, Report, ReportStatus


class BigRegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BigRegion
        django_get_or_create = ["name"]

    name = "华中"
    slug = "huazhong"
    position = 3


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = "报告"
    slug = "baogao"


class RegionFactory(factory.django.DjangoModelFactory):
    """A province by default; pass parent= for a prefecture or county (ancestry is derived)."""

    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{10 + n % 80:02d}")
    name = factory.Sequence(lambda n: f"测试省{n}")
    type = "省"
    level = RegionLevel.PROVINCE
    big_region = factory.SubFactory(BigRegionFactory)
    slug = factory.Sequence(lambda n: f"region-{n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        existing = model_class.objects.filter(code=kwargs["code"]).first()
        if existing is not None:
            return existing
        return services.region_save(region=model_class(*args, **kwargs))


def jishou() -> Region:
    """湖南省 › 湘西土家族苗族自治州 › 吉首市, as in the seed page."""
    hunan = RegionFactory(
        code="43", name="湖南省", type="省", slug="hunan", big_region=BigRegionFactory(name="华中", slug="huazhong")
    )
    xiangxi = RegionFactory(
        code="4331",
        name="湘西土家族苗族自治州",
        type="自治州",
        level=RegionLevel.PREFECTURE,
        parent=hunan,
        slug="xiangxitujiazumiaozuzizhizhou",
        big_region=hunan.big_region,
    )
    return RegionFactory(
        code="433101",
        name="吉首市",
        type="县级市",
        level=RegionLevel.COUNTY,
        parent=xiangxi,
        slug="jishoushi",
        big_region=hunan.big_region,
    )


class ReportFactory(factory.django.DjangoModelFactory):
    """A published report, created through the service so tallies stay right."""

    class Meta:
        model = Report

    title = factory.Sequence(lambda n: f"测试市人民政府工作报告{n}")
    region = factory.LazyFunction(jishou)
    category = factory.SubFactory(CategoryFactory)
    date = factory.Sequence(lambda n: datetime.date(2023, 1, 1) + datetime.timedelta(days=n % 365))
    body = "  （一）第一段。\n\n  （二）第二段。"
    source_name = "测试市人民政府"
    source_url = "https://www.example.gov.cn/"
    status = ReportStatus.PUBLISHED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.report_create(**kwargs)


PASSWORD = "correct horse battery staple"  # every UserFactory user's


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=name) for name in extracted])
        if create:
            self.save()


# Takedowns (takedowns) ------------------------------------------------------------------


class TakedownNoticeFactory(factory.django.DjangoModelFactory):
    """A received notice, filed through the service, naming `report` or `comment` (one is required)."""

    class Meta:
        model = "takedowns.TakedownNotice"

    claimant_name = "张三"
    claimant_organisation = "某某出版社"
    id_type = "resident_id"
    id_number = "110101199001011234"
    address = "北京市东城区某某路1号"
    phone = "13800138000"
    email = "claimant@example.com"
    work_title = "某某统计年鉴"
    right_claimed = "network_dissemination"
    evidence_text = "本社享有该作品的信息网络传播权，著作权登记号 2023-A-000001。"
    legal_basis = "regulation"
    declaration = True

    @classmethod
    def _create(cls, model_class, *args, report=None, comment=None, now=None, **kwargs):
        """Pass report= for a report, comment= for a comment."""
        from takedowns.addresses import ResolvedAddress
        from takedowns.services import notice_create

        if comment is not None:
            item = ResolvedAddress(
                kind="comment", address=comment.get_absolute_url(), report=comment.report, comment=comment
            )
        else:
            item = ResolvedAddress(kind="report", address=report.get_absolute_url(), report=report)
        return notice_create(items=[item], now=now, **kwargs)


# Comments ----------------------------------------------------------------------------------------


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment on `report` (required); pass status= for the other states. Counts are
    recomputed the way the services do, so pages show what they would after moderation."""

    class Meta:
        model = "comments.Comment"

    nickname = factory.Sequence(lambda n: f"读者{n}")
    body = factory.Sequence(lambda n: f"第{n}条评论：这份报告写得很实在。")
    status = "approved"
    ip = factory.Sequence(lambda n: f"198.51.100.{n % 250 + 1}")
    user_agent = "Mozilla/5.0 (factory)"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from comments.services import comment_threads_recount

        comment = super()._create(model_class, *args, **kwargs)
        comment_threads_recount(report_ids=[comment.report_id])
        return comment


def update_comment_settings(**fields) -> None:
    """As an editor saving 评论设置 in admin: the row changes and the shared lookup of it is invalidated."""
    from comments.models import CommentSettings

    configuration = CommentSettings.current()
    for name, value in fields.items():
        setattr(configuration, name, value)
    configuration.save()
