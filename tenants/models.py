"""Public schema: dealer groups, stores (tenants), domains, users and memberships."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo, available_timezones

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from .roles import GroupRole, StoreRole
from .validators import validate_cn_mobile

DEFAULT_STORE_ZONE = "Asia/Shanghai"


def store_zone(name: str | None) -> ZoneInfo:
    """A store's zone from its `time_zone` name; an empty or unknown name is Asia/Shanghai."""
    try:
        return ZoneInfo(name or DEFAULT_STORE_ZONE)
    except (ValueError, KeyError):
        return ZoneInfo(DEFAULT_STORE_ZONE)


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("时区不正确，例如 Asia/Shanghai。"), code="time_zone")


class DealerGroup(models.Model):
    """集团: a dealer group, the paying customer; owns stores and policy templates."""

    name = models.CharField(_("集团名称"), max_length=100, unique=True)
    code = models.SlugField(_("集团代码"), max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("经销商集团")
        verbose_name_plural = _("经销商集团")

    def __str__(self) -> str:
        return self.name


class Store(TenantMixin, models.Model):  # Model named for the type checker
    """门店: one 4S store, one PostgreSQL schema."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("营业中")
        SUSPENDED = "suspended", _("已暂停(只读)")
        ARCHIVED = "archived", _("已归档")

    group = models.ForeignKey(DealerGroup, on_delete=models.PROTECT, related_name="stores")
    name = models.CharField(_("门店名称"), max_length=100)
    slug = models.SlugField(_("门店标识"), max_length=40, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    brands = models.JSONField(_("经营品牌"), default=list, blank=True)
    city = models.CharField(_("城市"), max_length=50)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # {"mon": ["08:30", "18:00"], ...}; the SLA calendar reads it.
    working_hours = models.JSONField(_("营业时间"), default=dict, blank=True)
    # The store's own clock: working hours, deadlines, "today" and month ends are read in this zone.
    time_zone = models.CharField(_("时区"), max_length=40, default=DEFAULT_STORE_ZONE,
                                 validators=[validate_time_zone])
    # When the GM confirmed the working hours (the first-day checklist ticks it; every SLA reads them).
    hours_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Makes a re-submitted onboarding request return the store it already created.
    onboarding_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # Schemas are created by tenants.services.onboarding inside the same transaction.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("门店")
        verbose_name_plural = _("门店")
        indexes = [models.Index(fields=["group", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_read_only(self) -> bool:
        return self.status == self.Status.SUSPENDED

    @property
    def zone(self) -> ZoneInfo:
        """The store's time zone (Asia/Shanghai unless the store says otherwise)."""
        return store_zone(self.time_zone)


class Domain(DomainMixin, models.Model):
    class Meta:
        verbose_name = _("域名")
        verbose_name_plural = _("域名")

    def __str__(self) -> str:
        return str(self.domain)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str = "", password: str | None = None, **extra: object) -> User:
        email = self.normalize_email(email) if email else ""
        user = self.model(email=email or None, **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str = "", password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with a mobile number or an e-mail address."""

    email = models.EmailField(_("电子邮箱"), unique=True, null=True, blank=True)
    mobile = models.CharField(
        _("手机号"), max_length=11, unique=True, null=True, blank=True, validators=[validate_cn_mobile]
    )
    name = models.CharField(_("姓名"), max_length=50)
    is_active = models.BooleanField(_("启用"), default=True)
    is_staff = models.BooleanField(_("平台运营"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Part of the session hash: bumping it signs the user out on the base domain and every store.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email__isnull=False) | models.Q(mobile__isnull=False),
                name="user_has_email_or_mobile",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.email or self.mobile or str(self.pk)

    def get_full_name(self) -> str:
        return self.name

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        return salted_hmac(
            "tenants.User.session_auth_hash", f"{self.password}|{self.session_epoch}", secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_short_name(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """An HQ user of a dealer group (集团总部)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="group_memberships")
    group = models.ForeignKey(DealerGroup, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=GroupRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="uniq_group_member")]

    def __str__(self) -> str:
        return f"{self.user} · {self.group} · {self.get_role_display()}"


class StoreMembership(models.Model):
    """A staff member of one store, with one role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="store_memberships")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("岗位"), max_length=24, choices=StoreRole.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # 企业微信账号: the member's userid in the group's WeCom corp (set by the GM); notices reach it there.
    wecom_userid = models.CharField(_("企业微信账号"), max_length=64, blank=True, default="", db_default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "store"], name="uniq_store_member")]
        indexes = [models.Index(fields=["store", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.store} · {self.get_role_display()}"


class Invitation(models.Model):
    """A one-time link that lets a new staff member set a password and join a store."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=24, choices=StoreRole.choices)
    name = models.CharField(max_length=50)
    mobile = models.CharField(max_length=11, blank=True)
    email = models.EmailField(blank=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_count = models.PositiveSmallIntegerField(default=1)
    last_sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} → {self.store} ({self.get_role_display()})"

    @property
    def state(self) -> str:
        """open / accepted / revoked / expired, for the staff page."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at < timezone.now():
            return "expired"
        return "open"


class ApiToken(models.Model):
    """An API token issued for one store; refused at every other store."""

    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    # A store token (store API of that store only) or an HQ token (the group's HQ API only): one of the two.
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="api_tokens", null=True, blank=True)
    group = models.ForeignKey(DealerGroup, on_delete=models.CASCADE, related_name="api_tokens", null=True,
                              blank=True)
    name = models.CharField(max_length=60, default="api")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    read_only = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(store__isnull=False, group__isnull=True)
                           | models.Q(store__isnull=True, group__isnull=False)),
                name="apitoken_store_xor_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.store or self.group})"


class AccountEvent(models.Model):
    """账号事件: who did what to whose access, for the GM (store) and the HQ admin (group) to read."""

    class Kind(models.TextChoices):
        INVITATION_SENT = "invitation_sent", _("发出邀请")
        INVITATION_RESENT = "invitation_resent", _("重发邀请")
        INVITATION_ACCEPTED = "invitation_accepted", _("接受邀请")
        INVITATION_REVOKED = "invitation_revoked", _("撤销邀请")
        ROLE_CHANGED = "role_changed", _("调整岗位")
        MEMBER_DEACTIVATED = "member_deactivated", _("停用员工")
        HANDOVER_DONE = "handover_done", _("离职交接")
        PASSWORD_RESET = "password_reset", _("重置密码")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        TOKEN_ISSUED = "token_issued", _("签发API令牌")
        TOKEN_REVOKED = "token_revoked", _("吊销API令牌")

    group = models.ForeignKey(DealerGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("事件"), max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What changed: role from/to, the invited mobile, per-table counts of a hand-over, a token prefix.
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("账号事件")
        verbose_name_plural = _("账号事件")
        indexes = [models.Index(fields=["store", "-created_at"]), models.Index(fields=["group", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class PasswordResetCode(models.Model):
    """找回密码: a six-digit code sent by SMS, or a link token sent by e-mail; short-lived and single-use."""

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    requested_from = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["requested_from", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel} {self.created_at:%Y-%m-%d %H:%M}"
