from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from captcha.models import CaptchaStore
from django.db import models
from django.db.models import Q
from django.utils import timezone

DEFAULT_DISCLAIMER = (
    "本文仅代表作者观点,不代表本站立场。 凡注明为{site_name}原创作品的,未经许可,不得转载;"
    "报告、公报、规划等总结类或文件类信息,本站展示并非全部都完整,为了您更加全面、更有实效的查询学习,"
    "建议您到相关地区政府官网浏览或下载完整版本;源于网络的作品,若对您造成了侵权,请联系本站,"
    "我们会第一时间予以处理。"
)


class SiteConfiguration(models.Model):
    """The owner-editable texts of the site; a single row (pk=1) edited in admin."""

    site_name = models.CharField("站点名称", max_length=50, default="博县网")
    tagline = models.CharField("站点简介", max_length=200, default="各地政府工作报告、统计公报、发展规划")
    disclaimer = models.TextField(
        "免责声明", default=DEFAULT_DISCLAIMER, help_text="显示在每篇文章末尾；{site_name} 会替换为站点名称。"
    )
    icp_number = models.CharField("ICP 备案号", max_length=50, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    footer_note = models.CharField("页脚附注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站点设置"
        constraints = [models.CheckConstraint(name="site_configuration_singleton", condition=Q(pk=1))]

    def __str__(self) -> str:
        return self.site_name

    @classmethod
    def current(cls) -> "SiteConfiguration":
        """The saved row, or the defaults until an owner first saves them (reading writes nothing)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def disclaimer_text(self) -> str:
        return self.disclaimer.replace("{site_name}", self.site_name)


class CaptchaClient(models.Model):
    """Which client a captcha was drawn for (an address digest, portal.client.client_digest), so
    that portal.captcha can hand a client its unanswered captcha again and keep only its newest few.
    Goes with the captcha row, however that is deleted (answered, burnt, expired)."""

    captcha = models.OneToOneField(
        CaptchaStore, primary_key=True, on_delete=models.DB_CASCADE, related_name="+", verbose_name="验证码"
    )
    client = models.CharField("客户端摘要", max_length=40)

    class Meta:
        ordering = ["-captcha"]
        verbose_name = verbose_name_plural = "验证码归属"
        indexes = [models.Index(fields=["client", "-captcha"], name="captcha_client_idx")]

    def __str__(self) -> str:
        return f"{self.captcha_id} → {self.client[:8]}…"


# Admin login throttling: django-axes' records under Chinese names, administered in portal/admin.py.


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}" if moment else "-"


class LoginLockout(AccessAttempt):
    """Failed logins counted per username, address and browser; at the limit they lock the login."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "登录锁定"

    def __str__(self) -> str:  # axes' own is English
        return f"{self.username or '-'}（{self.ip_address or '-'}）{_local(self.attempt_time)}"


class LoginFailure(AccessFailureLog):
    """Every failed admin login, kept after a lockout is lifted."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        locked = "，已锁定" if self.locked_out else ""
        return f"{self.username or '-'}（{self.ip_address or '-'}）{_local(self.attempt_time)} 登录失败{locked}"


class LoginRecord(AccessLog):
    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "登录记录"

    def __str__(self) -> str:
        return f"{self.username or '-'}（{self.ip_address or '-'}）{_local(self.attempt_time)} 登录"
