"""The shared test world: two dealer groups, three stores, users of every role.

Built once per database (idempotent, committed), reused by every test through `world`.
    group X (集团X): store A (`store-a`), store B (`store-b`)
    group Y (集团Y): store C (`store-c`)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tenants.models import DealerGroup, GroupMembership, Store, StoreMembership, User
from tenants.roles import GroupRole, StoreRole
from tenants.services.groups import dealer_group_create
from tenants.services.onboarding import store_onboard

PASSWORD = "Test-Password-2026!"


@dataclass
class World:
    group_x: DealerGroup
    group_y: DealerGroup
    store_a: Store
    store_b: Store
    store_c: Store
    users: dict[str, User] = field(default_factory=dict)

    def user(self, key: str) -> User:
        """'a.general_manager', 'b.sales_consultant', 'x.hq_admin', 'y.hq_analyst', 'ab.sales_consultant', 'nobody'.

        A fresh copy from the database each time: a test that changes a user (a password reset bumps the
        session epoch) rolls its rows back, and must not leave the shared object changed for the next."""
        return User.objects.get(pk=self.users[key].pk)

    def host(self, store: Store) -> str:
        return f"{store.slug}.localhost"


def _user(key: str, name: str, mobile: str) -> User:
    user = User.objects.filter(mobile=mobile).first()
    if user is None:
        user = User(name=name, mobile=mobile, email=f"{key.replace('.', '-')}@test.chezhu.cn")
        user.set_password(PASSWORD)
        user.save()
    return user


def build_world() -> World:
    from django.db import connection

    # Never the dev database: a session with no `db` test must still build the world in the test DB.
    assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
    gx = DealerGroup.objects.filter(code="group-x").first() or dealer_group_create(name="集团X", code="group-x")
    gy = DealerGroup.objects.filter(code="group-y").first() or dealer_group_create(name="集团Y", code="group-y")
    stores = {}
    for key, group, slug, name in [("a", gx, "store-a", "A店"), ("b", gx, "store-b", "B店"), ("c", gy, "store-c", "C店")]:
        stores[key] = store_onboard(
            group=group, name=name, slug=slug, city="杭州", brands=["上汽大众"], gm_name="总经理",
            gm_mobile="13700000000", onboarding_key=f"world-{slug}",
        ).store
        if stores[key].status != Store.Status.ACTIVE:
            Store.objects.filter(pk=stores[key].pk).update(status=Store.Status.ACTIVE)
            stores[key].refresh_from_db()
    world = World(gx, gy, stores["a"], stores["b"], stores["c"])
    n = 0
    for skey in ("a", "b", "c"):
        for role in StoreRole:
            n += 1
            key = f"{skey}.{role.value}"
            user = _user(key, f"{skey.upper()}{role.label}", f"1360000{n:04d}")
            StoreMembership.objects.get_or_create(user=user, store=stores[skey], defaults={"role": role.value})
            world.users[key] = user
    for gkey, group in (("x", gx), ("y", gy)):
        for grole in GroupRole:
            n += 1
            key = f"{gkey}.{grole.value}"
            user = _user(key, f"{gkey.upper()}{grole.label}", f"1360000{n:04d}")
            GroupMembership.objects.get_or_create(user=user, group=group, defaults={"role": grole.value})
            world.users[key] = user
    # A consultant who works in both A and B (moves between them from the menu).
    both = _user("ab.sales_consultant", "两店顾问", "13600009901")
    for s in (stores["a"], stores["b"]):
        StoreMembership.objects.get_or_create(user=both, store=s, defaults={"role": StoreRole.SALES_CONSULTANT})
    world.users["ab.sales_consultant"] = both
    world.users["nobody"] = _user("nobody", "路人", "13600009902")
    return world
