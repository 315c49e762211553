"""Demo and benchmark data: a realistic dealer group, its stores and staff of every role.

`manage.py demo_data` and the benchmarks use the same generator, so sizes are comparable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db import transaction
from django_tenants.utils import tenant_context

from hq.services.policies import group_policy_bootstrap
from tenants.models import DealerGroup, GroupMembership, Store, StoreMembership, User
from tenants.roles import GroupRole, StoreRole
from tenants.services.groups import dealer_group_create
from tenants.services.onboarding import store_onboard

from .demo import populate_store

DEMO_PASSWORD = "Chezhu-Demo-2026"

# (slug, name, city, brands, address)
DEMO_STORES = [
    ("hz-vw-xixi", "杭州西溪大众4S店", "杭州", ["上汽大众"], "杭州市西湖区文二西路 688 号"),
    ("sh-toyota-pd", "上海浦东丰田4S店", "上海", ["广汽丰田"], "上海市浦东新区龙阳路 2277 号"),
    ("nj-byd-jn", "南京江宁比亚迪4S店", "南京", ["比亚迪"], "南京市江宁区双龙大道 1999 号"),
    ("sz-honda-wz", "苏州吴中本田4S店", "苏州", ["东风本田"], "苏州市吴中区宝带东路 399 号"),
    ("nb-buick-yz", "宁波鄞州别克4S店", "宁波", ["别克"], "宁波市鄞州区天童南路 1288 号"),
]
STAFF_NAMES = {
    StoreRole.GENERAL_MANAGER: ["周建国", "吴海峰", "郑伟", "冯志强", "陈立新"],
    StoreRole.SALES_MANAGER: ["王磊", "李娜", "刘洋", "赵敏", "孙杰"],
    StoreRole.SALES_CONSULTANT: ["张伟", "王芳", "李强", "刘静", "陈晨", "杨帆", "黄磊", "赵丽", "周杰", "吴婷"],
    StoreRole.CUSTOMER_SERVICE: ["徐静", "孙丽", "马琳", "朱婷", "胡雪"],
    StoreRole.SERVICE_ADVISOR: ["郭亮", "何斌", "高峰", "林涛", "罗刚"],
    StoreRole.SERVICE_MANAGER: ["梁勇", "宋健", "唐凯", "韩冰", "曹阳"],
}


@dataclass
class DemoLogin:
    label: str
    login: str
    where: str


@dataclass
class DemoResult:
    group: DealerGroup
    stores: list[Store] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


def _mobile(group_no: int, store_no: int, seq: int) -> str:
    return f"139{group_no:02d}{store_no:03d}{seq:03d}"


def _user(name: str, mobile: str, email: str | None = None) -> User:
    user = User.objects.filter(mobile=mobile).first()
    if user is None:
        user = User(name=name, mobile=mobile, email=email)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def demo_group_create(
    *, name: str = "华东汽车集团", code: str = "huadong", stores: int = 3, group_no: int = 1,
    consultants_per_store: int = 3, customers: int = 0, seed: int = 2026,
) -> DemoResult:
    """Create (or complete) a demo group with `stores` stores and staff of every role."""
    group = DealerGroup.objects.filter(code=code).first() or dealer_group_create(name=name, code=code)

    group_policy_bootstrap(group=group)  # idempotent: a group from an older demo gets its templates too
    result = DemoResult(group=group)
    hq_admin = _user("钱总部", f"138{group_no:02d}000001", f"hq@{code}.demo.chezhu.cn")
    hq_analyst = _user("沈分析", f"138{group_no:02d}000002", f"analyst@{code}.demo.chezhu.cn")
    GroupMembership.objects.get_or_create(user=hq_admin, group=group, defaults={"role": GroupRole.HQ_ADMIN})
    GroupMembership.objects.get_or_create(user=hq_analyst, group=group, defaults={"role": GroupRole.HQ_ANALYST})
    result.logins += [DemoLogin("集团管理员", hq_admin.mobile or "", "HQ"),
                      DemoLogin("集团分析员", hq_analyst.mobile or "", "HQ")]
    for i in range(stores):
        if i < len(DEMO_STORES):
            slug, sname, city, brands, address = DEMO_STORES[i]
            slug = slug if group_no == 1 else f"{code}-{slug}"
        else:
            slug, sname, city, brands, address = f"{code}-s{i + 1}", f"{name}{i + 1}号店", "杭州", ["上汽大众"], ""
        store = Store.objects.filter(slug=slug).first()
        if store is None:
            store = store_onboard(
                group=group, name=sname, slug=slug, city=city, brands=brands, address=address,
                gm_name=STAFF_NAMES[StoreRole.GENERAL_MANAGER][i % 5], gm_mobile=_mobile(group_no, i + 1, 1),
                onboarding_key=f"demo-{slug}",
            ).store
        result.stores.append(store)
        _staff(store, group_no, i, consultants_per_store, result)
        if customers:
            with tenant_context(store):
                populate_store(store=store, customers=customers, seed=seed + i)
    return result


@transaction.atomic
def _staff(store: Store, group_no: int, store_idx: int, consultants: int, result: DemoResult) -> None:
    seq = 1
    for role, names in STAFF_NAMES.items():
        count = consultants if role == StoreRole.SALES_CONSULTANT else 1
        for k in range(count):
            name = names[(store_idx * count + k) % len(names)]
            user = _user(name, _mobile(group_no, store_idx + 1, seq))
            StoreMembership.objects.get_or_create(user=user, store=store, defaults={"role": role})
            if k == 0:
                result.logins.append(DemoLogin(str(role.label), user.mobile or "", store.name))
            seq += 1


def rng(seed: int) -> random.Random:
    return random.Random(seed)
