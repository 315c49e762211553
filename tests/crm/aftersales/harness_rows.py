"""Isolation rows for after-sales pages and API: this store's staff only, by role; consultants only their
own customers' complaints; HQ never reaches store pages; anonymous is sent to sign in (API: 401)."""

from __future__ import annotations

from typing import Any

from tests.harness import Case


def _in_a(w: Any) -> Any:
    from django_tenants.utils import tenant_context

    from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current

    group_policy_bootstrap(group=w.group_x)
    store_policy_adopt_current(store=w.store_a)
    return tenant_context(w.store_a)


def _complaint(w: Any, consultant_key: str) -> int:
    from crm.aftersales.complaints import complaint_create
    from crm.models import Customer
    from tenants.models import StoreMembership

    with _in_a(w):
        cs = StoreMembership.objects.get(user=w.user("a.customer_service"), store=w.store_a)
        n = Customer.objects.count() + 1
        c = Customer.objects.create(name="投诉客户", mobile=f"1377{n:07d}", consultant_id=w.user(consultant_key).pk)
        return complaint_create(member=cs, customer=c, channel="phone", description="等待时间长",
                                expected_resolution="道歉", contact_phone=c.mobile, read_back_confirmed=True).pk


def own_customers_complaint(w: Any) -> str:
    return f"/aftersales/complaints/{_complaint(w, 'a.sales_consultant')}/"


def colleagues_customers_complaint(w: Any) -> str:
    return f"/aftersales/complaints/{_complaint(w, 'ab.sales_consultant')}/"


def colleagues_complaint_api(w: Any) -> str:
    return f"/api/aftersales/complaints/{_complaint(w, 'ab.sales_consultant')}/"


def a_visit(w: Any) -> str:
    import datetime as dt

    from crm.models import Customer
    from crm.models.aftersales import ReturnVisit

    with _in_a(w):
        n = Customer.objects.count() + 1
        c = Customer.objects.create(name="回访客户", mobile=f"1378{n:07d}")
        v = ReturnVisit.objects.create(subject="delivery", rule_key="delivery_3dc", rule_name="交车3日回访(3DC)",
                                       customer=c, event_date=dt.date(2026, 11, 20), due_date=dt.date(2026, 11, 23),
                                       number=c.mobile)
        return f"/aftersales/visits/{v.pk}/"


def a_visit_survey_link(w: Any) -> str:
    return f"{a_visit(w)}survey-link/"


def _measure(w: Any) -> int:
    """A measure in store A raised by its service manager, waiting for the GM."""
    import datetime as dt

    from django.utils import timezone

    from crm.aftersales.actions import corrective_action_create
    from tenants.models import StoreMembership

    with _in_a(w):
        sm = StoreMembership.objects.get(user=w.user("a.service_manager"), store=w.store_a)
        return corrective_action_create(member=sm, kind="corrective", source="monthly_report",
                                        report_month=dt.date(2026, 11, 1), description="隔离用措施",
                                        owner_id=sm.user_id,
                                        deadline=timezone.localdate() + dt.timedelta(days=7)).pk


def measure_return(w: Any) -> str:
    return f"/aftersales/actions/{_measure(w)}/return/"


def measure_revise(w: Any) -> str:
    return f"/aftersales/actions/{_measure(w)}/revise/"


ROWS = [
    Case("b.general_manager", "a", measure_return, 404, method="post", data={"comment": "x"},
         note="another store's GM cannot send back store A's measure"),
    Case("c.general_manager", "a", measure_return, 404, method="post", data={"comment": "x"}, note="other group"),
    Case("a.sales_consultant", "a", measure_return, 404, method="post", data={"comment": "x"},
         note="consultants do not review measures"),
    Case("x.hq_admin", "a", measure_return, 404, method="post", data={"comment": "x"}),
    Case("b.service_manager", "a", measure_revise, 404, method="post",
         data={"description": "x", "deadline": "2030-01-01"}),
    Case(None, "a", measure_revise, 302, method="post", data={"description": "x", "deadline": "2030-01-01"}),
    Case("a.customer_service", "a", "/aftersales/visits/", 200),
    Case("a.service_manager", "a", "/aftersales/visits/", 200),
    Case("a.sales_consultant", "a", "/aftersales/visits/", 404, note="consultants do not work the call queue"),
    Case("b.customer_service", "a", "/aftersales/visits/", 404, note="same group, other store"),
    Case("b.customer_service", "a", a_visit, 404, note="store B staff never open store A's call"),
    Case("a.customer_service", "a", a_visit, 200),
    # 发送问卷链接: only this store's return-visit staff; the customer's pages exist only on a store's host.
    Case("b.customer_service", "a", a_visit_survey_link, 404, method="post", note="store B cannot send A's survey"),
    Case("a.sales_consultant", "a", a_visit_survey_link, 404, method="post"),
    Case("x.hq_admin", "a", a_visit_survey_link, 404, method="post"),
    Case(None, "a", a_visit_survey_link, 302, method="post"),
    Case(None, "a", "/s/not-a-signed-token/", 404, note="a made-up link says only that it is invalid"),
    Case(None, None, "/s/", 404, note="no survey page on the base domain"),
    Case("c.general_manager", "a", "/aftersales/complaints/", 404, note="other group"),
    Case("x.hq_admin", "a", "/aftersales/complaints/", 404, note="HQ is not store staff"),
    Case("x.hq_admin", "a", "/aftersales/report/", 404, note="HQ reads snapshots, not store pages"),
    Case("a.general_manager", None, "/aftersales/complaints/", 404, note="store pages are not on the base domain"),
    Case(None, "a", "/aftersales/complaints/", 302),
    Case(None, "a", "/aftersales/report/", 302),
    Case("a.sales_consultant", "a", own_customers_complaint, 200),
    Case("a.sales_consultant", "a", colleagues_customers_complaint, 404,
         note="a consultant cannot see a colleague's customer's complaint"),
    Case("a.general_manager", "a", colleagues_customers_complaint, 200, note="the GM sees every complaint"),
    Case("b.general_manager", "a", own_customers_complaint, 404),
    Case("a.sales_consultant", "a", "/aftersales/complaints/new/", 404),
    Case("a.sales_consultant", "a", "/aftersales/gm/", 404),
    Case("a.service_manager", "a", "/aftersales/gm/", 404, note="only the GM approves"),
    Case("a.general_manager", "a", "/aftersales/gm/", 200),
    Case("a.customer_service", "a", "/aftersales/actions/", 200),
    Case("a.general_manager", "a", "/aftersales/actions/999999/approve/", 404, method="post", note="no such measure"),
    Case("a.customer_service", "a", "/aftersales/actions/999999/approve/", 404, method="post"),
    Case("a.service_advisor", "a", "/aftersales/actions/mine/", 200, note="owners report their measures"),
    Case("b.service_advisor", "a", "/aftersales/actions/mine/", 404),
    Case("a.customer_service", "a", "/aftersales/report/", 200),
    Case("a.customer_service", "a", "/aftersales/report.xlsx", 200),
    Case("a.sales_consultant", "a", "/aftersales/report.xlsx", 404),
    Case("a.sales_consultant", "a", "/aftersales/notifications/", 200),
    Case("a.sales_consultant", "a", "/api/aftersales/complaints/", 200),
    Case("a.sales_consultant", "a", colleagues_complaint_api, 404),
    Case("b.customer_service", "a", "/api/aftersales/complaints/", 404),
    Case(None, "a", "/api/aftersales/complaints/", 401),
    Case("a.sales_consultant", "a", "/api/aftersales/return-visits/", 404),
    Case("a.customer_service", "a", "/api/aftersales/return-visits/", 200),
    Case("a.sales_consultant", "a", "/api/aftersales/report/", 404),
    Case("c.customer_service", "a", "/api/aftersales/report/", 404),
    Case("a.service_manager", "a", "/api/aftersales/corrective-actions/", 200),
    Case("a.sales_consultant", "a", "/api/aftersales/corrective-actions/", 404),
]
