"""Account SMS (a staff invitation) as the platform's notification template, through the real SDK."""

from __future__ import annotations

from typing import Any

from tenants.roles import StoreRole
from tenants.services.staff import staff_invite
from tests.vendors.aliyun_server import AliyunPeer, Template
from tests.world import World


def test_an_invitation_goes_to_the_vendor_as_the_platforms_template(world: World, db: Any, settings: Any,
                                                                     django_capture_on_commit_callbacks: Any) -> None:
    peer = AliyunPeer(keys={"LTAI5tPlatformKey0001": "platform-secret"}, signatures={"车主CRM"},
                      templates={"SMS_ACCOUNT_1": Template(["store", "role", "url"])})
    server = peer.start()
    try:
        settings.ACCOUNT_SMS_PROVIDER = "tenants.messaging.platform.PlatformSms"
        settings.PLATFORM_SMS_VENDOR, settings.PLATFORM_SMS_ENDPOINT = "aliyun", server.endpoint
        settings.PLATFORM_SMS_PROTOCOL = "http"
        settings.PLATFORM_SMS_KEY_ID, settings.PLATFORM_SMS_SECRET = "LTAI5tPlatformKey0001", "platform-secret"
        settings.ACCOUNT_SMS_TEMPLATES = {**settings.ACCOUNT_SMS_TEMPLATES, "invitation": "SMS_ACCOUNT_1"}
        with django_capture_on_commit_callbacks(execute=True):
            invitation = staff_invite(actor=world.user("a.general_manager"), store=world.store_a, name="新同事",
                                      mobile="13912340001", role=StoreRole.SALES_CONSULTANT)
    finally:
        server.close()
    [sent] = peer.sent
    assert (sent["phone"], sent["sign"], sent["template"]) == ("13912340001", "车主CRM", "SMS_ACCOUNT_1")
    assert sent["params"]["store"] == "A店" and f"/invite/{invitation.token}/" in sent["params"]["url"]
