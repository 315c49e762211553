"""线索首次响应 in the cadence policy: validated in hq.policy.rules, edited in HQ's policy form, read by
the store (crm.leads.sla) — the default for versions written before the section existed."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django_tenants.utils import tenant_context

from hq.errors import PolicyInvalid
from hq.models import PolicyKind
from hq.policy.rules import leads_clean, policy_body_clean
from hq.policy.starter import STARTER_CADENCE
from hq.services.policies import policy_version_publish, store_policy_adopt_current
from tests.world import World

from .test_policy_form import NOW, _form_post, _setup


def test_a_body_without_the_section_gets_the_default() -> None:
    body = {k: v for k, v in STARTER_CADENCE.items() if k != "leads"}
    assert policy_body_clean(PolicyKind.CADENCE, body)["leads"] == {"first_response_minutes": 30,
                                                                   "reassign_after_minutes": 60}


@pytest.mark.parametrize(("raw", "message"), [
    ({"first_response_minutes": 0}, r"首次响应时限\(工作分钟\)：0 超出允许范围 5 到 1440"),
    ({"first_response_minutes": "30"}, "应为整数"),
    ({"reassign_after_minutes": 9999}, "超出允许范围 5 到 2880"),
    ({"pool_days": 7}, "未知的设置「pool_days」"),
    ([30], "格式不正确"),
])
def test_bad_settings_are_refused_with_what_is_wrong(raw: Any, message: str) -> None:
    with pytest.raises(PolicyInvalid, match=message):
        leads_clean(raw)


def test_hq_sets_the_deadline_in_the_form_and_the_store_uses_it(world: World, db: Any) -> None:
    from crm.leads.sla import lead_policy

    with time_machine.travel(NOW, tick=False):
        client, draft = _setup(world)
        url = f"/hq/policies/versions/{draft.pk}/edit/"
        page = client.get(url).content.decode()
        assert 'id="leads-policy"' in page and 'name="leads-first_response_minutes"' in page
        bad = client.post(url, _form_post(page, {"leads-first_response_minutes": "2", "action": "save"}))
        assert bad.status_code == 400
        text = bad.content.decode()
        assert 'data-field="first_response_minutes"' in text and 'value="2"' in text  # kept, error at the field
        ok = client.post(url, _form_post(page, {"leads-first_response_minutes": "20",
                                                "leads-reassign_after_minutes": "45", "action": "save"}))
        assert ok.status_code == 302
        draft.refresh_from_db()
        assert draft.body["leads"] == {"first_response_minutes": 20, "reassign_after_minutes": 45}
        policy_version_publish(version=draft, actor=world.user("x.hq_admin"))
        store_policy_adopt_current(store=world.store_a)  # what the publication's fan-out does in each store
    with tenant_context(world.store_a):
        assert lead_policy(world.store_a) == {"first_response_minutes": 20, "reassign_after_minutes": 45}
    with tenant_context(world.store_c):  # group Y's store does not follow group X's policy
        assert lead_policy(world.store_c)["first_response_minutes"] == 30
