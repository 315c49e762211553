"""SMS test helpers: group X's account pointed at a local vendor peer, an approved signature and templates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hq.models import ReviewStatus
from hq.services.messaging import sms_account_save, sms_signature_save, sms_template_save
from tests.crm.cadence.conftest import store_a  # noqa: F401 - the store with the starter cadence in force
from tests.vendors.aliyun_server import AliyunPeer, Template
from tests.vendors.tencent_server import TencentPeer
from tests.world import World

ALIYUN_KEY, ALIYUN_SECRET = "LTAI5tLocalTestKeyabcd", "aliyun-local-secret-0123456789"
TENCENT_ID, TENCENT_KEY, TENCENT_APP = "AKIDlocalTestSecretId0001", "tencent-local-secret-key", "1400000001"
SIGN = "华东汽车"
DEPARTURE_VARS = ["customer_name", "title", "store_name", "consultant_name"]
DEPARTURE_ALIYUN = "SMS_400001"
DEPARTURE_TENCENT = "2000001"


@pytest.fixture
def aliyun(world: World, db: Any) -> Iterator[AliyunPeer]:
    peer = AliyunPeer(keys={ALIYUN_KEY: ALIYUN_SECRET}, signatures={SIGN},
                      templates={DEPARTURE_ALIYUN: Template(DEPARTURE_VARS), "SMS_400002": Template(["name", "when",
                                                                                                  "store", "plate",
                                                                                                  "kind"])})
    server = peer.start()
    sms_account_save(group=world.group_x, actor=None, vendor="aliyun", key_id=ALIYUN_KEY, secret=ALIYUN_SECRET,
                     endpoint=server.endpoint, protocol="http", is_active=True)
    sign = sms_signature_save(group=world.group_x, name=SIGN, status=ReviewStatus.APPROVED)
    sms_template_save(group=world.group_x, signature_id=sign.pk, code=DEPARTURE_ALIYUN, name="离店关怀",
                      kind="notification", status=ReviewStatus.APPROVED, rule_keys=["departure_sms"],
                      content="${customer_name}${title}您好，感谢您今天光临${store_name}，我是您的销售顾问"
                              "${consultant_name}，有任何问题欢迎随时联系我。")
    yield peer
    server.close()


@pytest.fixture
def tencent(world: World, db: Any) -> Iterator[TencentPeer]:
    peer = TencentPeer(keys={TENCENT_ID: TENCENT_KEY}, app_id=TENCENT_APP, signatures={SIGN},
                       templates={DEPARTURE_TENCENT: 4})
    server = peer.start()
    sms_account_save(group=world.group_x, actor=None, vendor="tencent", key_id=TENCENT_ID, secret=TENCENT_KEY,
                     app_id=TENCENT_APP, endpoint=server.endpoint, protocol="http", is_active=True)
    sign = sms_signature_save(group=world.group_x, name=SIGN, status=ReviewStatus.APPROVED)
    sms_template_save(group=world.group_x, signature_id=sign.pk, code=DEPARTURE_TENCENT, name="离店关怀",
                      kind="notification", status=ReviewStatus.APPROVED, rule_keys=["departure_sms"],
                      content="{1}{2}您好，感谢您今天光临{3}，我是您的销售顾问{4}，有任何问题欢迎随时联系我。",
                      variables=DEPARTURE_VARS)
    yield peer
    server.close()
