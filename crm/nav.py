"""The store navigation: one list of menu entries, filtered per member by the views' own access check.

An entry names a URL; whether a role sees it is decided by the permission the view itself declares
(`tenants.access.store_view(perm)` stores it as `view.store_access`) and the one role table
(`tenants.roles.role_allows`). So the menu can never show a link the access check would answer with
404, and there is no second list of who may do what.

To add a link: append one `NavEntry(...)` line to `STORE_MENU` (give `menu=` to put it in a dropdown).
An entry whose URL name is not (yet) in the URLconf is left out, so a slot for a page another branch
is building works before that page exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tenants.models import StoreMembership
from tenants.roles import role_allows


@dataclass(frozen=True)
class NavEntry:
    key: str  # stable id, used as the link's DOM id (nav-<key>) and by tests
    label: str | Promise
    url_name: str
    icon: str = ""
    menu: str | Promise | None = None  # dropdown title; None = a top-level link
    query: str = ""  # appended to the URL, e.g. "?state=open"


AFTERSALES = _("售后回访")
MANAGER = _("经理工具")
LEADS = _("线索")

STORE_MENU: tuple[NavEntry, ...] = (
    NavEntry("home", _("工作台"), "store:home", "bi-house"),
    NavEntry("today", _("今日待办"), "crm:today", "bi-calendar-check"),
    NavEntry("tasks", _("我的任务"), "cadence:tasks", "bi-list-check"),
    NavEntry("reception", _("接待登记"), "crm:reception_new", "bi-door-open"),
    NavEntry("hotline", _("400来电登记"), "crm:lead_hotline", "bi-telephone-inbound"),
    NavEntry("customers", _("客户"), "crm:customer_list", "bi-people"),
    NavEntry("lead_inbox", _("线索收件箱"), "crm:lead_inbox", "bi-inbox"),
    NavEntry("leads", _("线索看板"), "crm:lead_board", "bi-kanban"),
    NavEntry("pool", _("公海"), "crm:pool", "bi-water"),
    NavEntry("defeat_review", _("战败审核"), "crm:defeat_review", "bi-clipboard-x"),
    NavEntry("supervision", _("跟进督查"), "crm:supervision", "bi-clipboard-data"),
    NavEntry("key_review", _("重点客户周报"), "crm:key_review", "bi-star"),
    NavEntry("appointments", _("服务预约"), "crm:appointments", "bi-calendar-event"),
    NavEntry("visits", _("回访工作队列"), "aftersales:visits", "bi-telephone-outbound", AFTERSALES),
    NavEntry("complaints", _("投诉处理"), "aftersales:complaints", "bi-exclamation-diamond", AFTERSALES),
    NavEntry("complaint_new", _("投诉登记"), "aftersales:complaint_new", "", AFTERSALES),
    NavEntry("actions", _("整改/预防措施"), "aftersales:actions", "", AFTERSALES),
    NavEntry("my_actions", _("我的整改任务"), "aftersales:my_actions", "", AFTERSALES),
    NavEntry("report", _("回访月报"), "aftersales:report", "", AFTERSALES),
    NavEntry("gm", _("总经理督办"), "aftersales:gm", "", AFTERSALES),
    NavEntry("suppression", _("免打扰名单"), "crm:suppression", "", AFTERSALES),
    # 站内通知 is the bell beside the menu (templates/crm/_nav.html), with its unread count, for every role.
    NavEntry("staff", _("员工管理"), "store:staff", "bi-person-badge"),
    NavEntry("overdue", _("逾期任务(按人)"), "cadence:overdue", "", MANAGER),
    NavEntry("lead_response", _("线索首次响应"), "crm:lead_response", "", MANAGER),
    NavEntry("lead_import", _("线索导入"), "crm:lead_import", "", MANAGER),
    NavEntry("lead_settings", _("线索设置"), "crm:lead_settings", "", MANAGER),
    NavEntry("lead_schedule", _("顾问排班"), "crm:lead_schedule", "", LEADS),  # a consultant reads their own
    NavEntry("policy", _("生效政策"), "cadence:policy", "", MANAGER),
    NavEntry("maintenance", _("下月保养到期"), "cadence:maintenance", "", MANAGER),
    NavEntry("access_log", _("个人信息访问记录"), "crm:access_log", "bi-shield-lock", MANAGER),
    NavEntry("privacy", _("个人信息请求"), "crm:privacy_requests", "", MANAGER),
    NavEntry("retention", _("个人信息保存期限"), "crm:privacy_retention", "", MANAGER),
    NavEntry("store_hours", _("营业时间与时区"), "store:hours", "bi-clock", MANAGER),  # the GM (MANAGE_STORE)
)


@lru_cache(maxsize=256)
def entry_perm(url_name: str) -> tuple[str, str] | None:
    """(path, permission) of a menu entry's page, from the view's own `store_view(perm)`; None if the
    URL does not exist in this URLconf or the view declares no store permission."""
    try:
        # Always the store URLconf: the menu is for store pages, whatever urlconf the caller runs under.
        path = reverse(url_name, urlconf=settings.ROOT_URLCONF)
        match = resolve(path, urlconf=settings.ROOT_URLCONF)
    except (NoReverseMatch, Resolver404):
        return None
    perm = getattr(match.func, "store_access", None)
    return (path, perm) if perm else None


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str | Promise
    url: str
    icon: str


@dataclass(frozen=True)
class NavMenu:
    title: str | Promise
    links: list[NavLink]


def store_menu_for(member: StoreMembership | None) -> list[NavLink | NavMenu]:
    """The menu this member sees, in `STORE_MENU` order; dropdowns keep the position of their first link."""
    if member is None:
        return []
    out: list[NavLink | NavMenu] = []
    menus: dict[str, NavMenu] = {}
    for entry in STORE_MENU:
        found = entry_perm(entry.url_name)
        if found is None or not role_allows(member.role, found[1]):
            continue
        link = NavLink(entry.key, entry.label, found[0] + entry.query, entry.icon)
        if entry.menu is None:
            out.append(link)
            continue
        title = str(entry.menu)
        if title not in menus:
            menus[title] = NavMenu(entry.menu, [])
            out.append(menus[title])
        menus[title].links.append(link)
    return out


def may_open(member: StoreMembership | None, url_name: str) -> bool:
    """Whether this member's role may open the page named `url_name` (for links on home pages)."""
    found = entry_perm(url_name)
    return member is not None and found is not None and role_allows(member.role, found[1])
