"""WeCom test helpers: group X's WeCom application pointed at a local WeCom server, and staff userids."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from hq.services.messaging import wecom_account_save
from tenants.models import StoreMembership
from tests.crm.aftersales.conftest import m, store_a  # noqa: F401 - store A with the starter templates in force
from tests.vendors.wecom_server import WeComPeer
from tests.world import World

CORP_ID = "ww0123456789abcdef"
AGENT_ID = 1000002
SECRET = "LocalWeComAppSecret-0123456789abcdefXYZ_q"
# store A's service manager, general manager and sales manager in group X's corp
SM, GM, SALES_M = "zhang.sm", "li.gm", "wang.salesm"


def set_userid(world: World, key: str, userid: str) -> None:
    store = {"a": world.store_a, "b": world.store_b, "c": world.store_c}[key.split(".")[0]]
    StoreMembership.objects.filter(user=world.user(key), store=store).update(wecom_userid=userid)


@pytest.fixture
def wecom(world: World, db: Any) -> Iterator[WeComPeer]:
    peer = WeComPeer(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID, users={SM, GM, SALES_M, "gm.c"})
    server = peer.start()
    cache.clear()  # no token of an earlier test's server
    wecom_account_save(group=world.group_x, actor=None, corp_id=CORP_ID, agent_id=str(AGENT_ID), secret=SECRET,
                       api_base=peer.api_base, is_active=True)
    set_userid(world, "a.service_manager", SM)
    set_userid(world, "a.general_manager", GM)
    set_userid(world, "a.sales_manager", SALES_M)
    yield peer
    server.close()
