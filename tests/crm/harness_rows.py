"""Isolation rows for every CRM page and API endpoint: other stores 404, colleagues 404, anonymous out."""

from tests.harness import Case

from .fixtures import (
    api_customer_path,
    car_document_path,
    car_path,
    customer_path,
    lead_path,
    vehicle_path,
)

PAGES = ["/customers/", "/customers/new/", "/search/?q=王", "/reception/", "/today/"]
API = ["/api/customers/", "/api/vehicles/", "/api/mileage-readings/", "/api/receptions/", "/api/leads/",
       "/api/followups/", "/api/test-drives/", "/api/service-visits/", "/api/customers/search/?q=王"]

ROWS = []
for p in PAGES:
    ROWS += [
        Case("a.sales_consultant", "a", p, 200),
        Case("a.sales_manager", "a", p, 200),
        Case("b.general_manager", "a", p, 404, note="same group, other store"),
        Case("c.sales_consultant", "a", p, 404, note="other group"),
        Case("x.hq_admin", "a", p, 404, note="HQ is not store staff"),
        Case(None, "a", p, 302),
    ]
for p in API:
    ROWS += [
        Case("a.sales_consultant", "a", p, 200),
        Case("b.sales_consultant", "a", p, 404),
        Case(None, "a", p, 401),
    ]
ROWS += [
    # Manager-only pages.
    Case("a.sales_manager", "a", "/supervision/", 200),
    Case("a.general_manager", "a", "/supervision/", 200),
    Case("a.sales_consultant", "a", "/supervision/", 404, note="consultants are supervised, not supervisors"),
    Case("b.sales_manager", "a", "/supervision/", 404),
    Case(None, "a", "/supervision/", 302),
    Case("a.sales_consultant", "a", "/leads/", 200),
    Case("a.customer_service", "a", "/leads/", 404, note="customer service does not manage leads"),
    Case("b.sales_manager", "a", "/leads/", 404),
    Case("a.sales_manager", "a", "/customers/import/", 200),
    Case("a.customer_service", "a", "/customers/import/", 200),
    Case("a.sales_consultant", "a", "/customers/import/", 404),
    Case("b.sales_manager", "a", "/customers/import/", 404),
    Case("a.sales_manager", "a", "/customers/export.csv", 200),
    Case("a.sales_consultant", "a", "/customers/export.csv", 404, note="a consultant takes no customer data out"),
    Case("b.general_manager", "a", "/customers/export.xlsx", 404),
    Case("a.sales_manager", "a", "/api/assignments/", 200),
    Case("a.sales_consultant", "a", "/api/assignments/", 404),
    # One customer's file: owner, managers and customer service yes; a colleague, other stores no.
    Case("a.sales_consultant", "a", customer_path(), 200),
    Case("a.sales_manager", "a", customer_path(), 200),
    Case("a.customer_service", "a", customer_path(), 200),
    Case("ab.sales_consultant", "a", customer_path(), 404, note="a colleague's customer"),
    Case("b.general_manager", "a", customer_path(), 404),
    Case("b.general_manager", "b", customer_path(), 404, note="A's id asked at B"),
    Case(None, "a", customer_path(), 302),
    Case("a.sales_consultant", "a", customer_path("edit/"), 200),
    Case("ab.sales_consultant", "a", customer_path("edit/"), 404),
    Case("a.sales_manager", "a", customer_path("reassign/"), 400, method="post", data={"consultant_id": "0"},
         note="allowed; not a colleague: the 360° page again with the error at the field"),
    Case("a.sales_consultant", "a", customer_path("reassign/"), 404, method="post", data={"consultant_id": "0"}),
    Case("b.sales_manager", "a", customer_path("reassign/"), 404, method="post", data={"consultant_id": "0"}),
    Case("ab.sales_consultant", "a", customer_path("followups/"), 404, method="post", data={"content": "x"}),
    Case("ab.sales_consultant", "a", customer_path("vehicles/"), 404, method="post", data={"vin": "x"}),
    Case("ab.sales_consultant", "a", customer_path("test-drives/"), 404, method="post", data={"model": "x"}),
    Case("a.sales_consultant", "a", customer_path("service-visits/"), 404, method="post", data={},
         note="repair orders are for service staff"),
    Case("a.service_advisor", "a", customer_path("service-visits/"), 400, method="post", data={},
         note="allowed; nothing filled: the 360° page again with the errors at the fields"),
    Case("ab.sales_consultant", "a", lead_path("grade/"), 404, method="post", data={"grade": "H"}),
    Case("a.sales_consultant", "a", lead_path("grade/"), 302, method="post", data={"grade": "H"}),
    Case("b.sales_manager", "a", lead_path("defeat/"), 404, method="post", data={"reason": "price"}),
    # 车辆过户: only staff who may edit the current owner open it; a bad phone re-shows the form, writes nothing.
    Case("a.sales_consultant", "a", vehicle_path(), 200),
    Case("a.sales_manager", "a", vehicle_path(), 200),
    Case("a.customer_service", "a", vehicle_path(), 200),
    Case("ab.sales_consultant", "a", vehicle_path(), 404, note="a colleague's customer's car"),
    Case("b.general_manager", "a", vehicle_path(), 404),
    Case("c.sales_consultant", "a", vehicle_path(), 404, note="other group"),
    Case("x.hq_admin", "a", vehicle_path(), 404, note="HQ is not store staff"),
    Case("b.general_manager", "b", vehicle_path(), 404, note="A's ids asked at B"),
    Case(None, "a", vehicle_path(), 302),
    Case("a.sales_consultant", "a", vehicle_path(), 400, method="post", data={"to_mobile": "13800000000"},
         note="unknown phone: the form again with a message"),
    Case("ab.sales_consultant", "a", vehicle_path(), 404, method="post", data={"to_mobile": "13800000000"}),
    Case("b.sales_manager", "a", vehicle_path(), 404, method="post", data={"to_mobile": "13800000000"}),
    Case(None, "a", vehicle_path(), 302, method="post", data={"to_mobile": "13800000000"}),
    # 试乘试驾 from the 360° page.
    Case("a.sales_consultant", "a", customer_path("test-drives/"), 302, method="post",
         data={"model": "途观L", "licence_checked": "on"}),
    Case("b.sales_manager", "a", customer_path("test-drives/"), 404, method="post", data={"model": "x"}),
    Case(None, "a", customer_path("test-drives/"), 302, method="post", data={"model": "x"}),
    Case("a.sales_consultant", "a", api_customer_path, 200),
    Case("ab.sales_consultant", "a", api_customer_path, 404),
    Case("b.general_manager", "a", api_customer_path, 404),
    Case(None, "a", api_customer_path, 401),
]

# 一车一档: the car's page and its documents — whoever may see the owner; colleagues, other stores, HQ no.
ROWS += [
    Case("a.sales_consultant", "a", car_path(), 200),
    Case("a.service_advisor", "a", car_path(), 200),
    Case("a.customer_service", "a", car_path(), 200),
    Case("ab.sales_consultant", "a", car_path(), 404, note="a colleague's customer's car"),
    Case("b.general_manager", "a", car_path(), 404),
    Case("b.general_manager", "b", car_path(), 404, note="A's car id asked at B"),
    Case("c.sales_consultant", "a", car_path(), 404, note="other group"),
    Case("x.hq_admin", "a", car_path(), 404, note="HQ is not store staff"),
    Case(None, "a", car_path(), 302),
    Case("a.customer_service", "a", car_path("documents/"), 400, method="post", data={"kind": "contract"},
         note="no file: the page again with the error at the field"),
    Case("ab.sales_consultant", "a", car_path("documents/"), 404, method="post", data={"kind": "contract"}),
    Case("b.sales_manager", "a", car_path("documents/"), 404, method="post", data={"kind": "contract"}),
    Case(None, "a", car_path("documents/"), 302, method="post", data={"kind": "contract"}),
    Case("a.sales_consultant", "a", car_document_path(), 200),
    Case("a.service_manager", "a", car_document_path(), 200),
    Case("ab.sales_consultant", "a", car_document_path(), 404, note="a colleague's customer's document"),
    Case("b.general_manager", "a", car_document_path(), 404),
    Case("b.general_manager", "b", car_document_path(), 404, note="A's ids asked at B"),
    Case("x.hq_admin", "a", car_document_path(), 404),
    Case(None, "a", car_document_path(), 302),
    Case("a.sales_consultant", "a", car_document_path("delete/"), 404, method="post", note="managers delete"),
    Case("a.customer_service", "a", car_document_path("delete/"), 404, method="post"),
    Case("b.general_manager", "a", car_document_path("delete/"), 404, method="post"),
    Case("b.general_manager", "b", car_document_path("delete/"), 404, method="post"),
    Case("a.sales_manager", "a", car_document_path("delete/"), 302, method="post"),
    Case("a.service_manager", "a", car_document_path("delete/"), 302, method="post"),
    Case(None, "a", car_document_path("delete/"), 302, method="post"),
]

# PIPL (issue 15): 显示号码 is the owner's, managers' and customer service's; 个人信息访问记录 is the GM's.
ROWS += [
    Case("a.sales_consultant", "a", customer_path("reveal/"), 200, method="post", data={"field": "mobile"}),
    Case("a.customer_service", "a", customer_path("reveal/"), 200, method="post", data={"field": "mobile"}),
    Case("ab.sales_consultant", "a", customer_path("reveal/"), 404, method="post", data={"field": "mobile"},
         note="a colleague's customer"),
    Case("b.general_manager", "a", customer_path("reveal/"), 404, method="post", data={"field": "mobile"}),
    Case("b.general_manager", "b", customer_path("reveal/"), 404, method="post", data={"field": "mobile"},
         note="A's id asked at B"),
    Case("x.hq_admin", "a", customer_path("reveal/"), 404, method="post", data={"field": "mobile"}),
    Case(None, "a", customer_path("reveal/"), 302, method="post", data={"field": "mobile"}),
    Case("a.general_manager", "a", "/privacy/access-log/", 200),
    Case("a.sales_manager", "a", "/privacy/access-log/", 404, note="the GM only"),
    Case("a.customer_service", "a", "/privacy/access-log/", 404),
    Case("b.general_manager", "a", "/privacy/access-log/", 404, note="same group, other store"),
    Case("c.general_manager", "a", "/privacy/access-log/", 404, note="other group"),
    Case("x.hq_admin", "a", "/privacy/access-log/", 404, note="HQ reads no store's personal-data log"),
    Case(None, "a", "/privacy/access-log/", 302),
    Case("a.general_manager", "a", "/privacy/access-log/export.xlsx", 200),
    Case("a.sales_manager", "a", "/privacy/access-log/export.csv", 404),
    Case("b.general_manager", "a", "/privacy/access-log/export.csv", 404),
]


def _api_reveal_path(world: object) -> str:
    return f"{api_customer_path(world)}reveal/"


ROWS += [
    Case("a.sales_consultant", "a", _api_reveal_path, 200, method="post", data={"field": "mobile"}),
    Case("ab.sales_consultant", "a", _api_reveal_path, 404, method="post", data={"field": "mobile"}),
    Case("b.sales_consultant", "a", _api_reveal_path, 404, method="post", data={"field": "mobile"}),
    Case(None, "a", _api_reveal_path, 401, method="post", data={"field": "mobile"}),
]

# 公海, 战败审核, 客户合并 (crm.views.pool): the pool is the sales floor's, the decisions the managers'.
ROWS += [
    Case("a.sales_consultant", "a", "/leads/pool/", 200),
    Case("a.sales_manager", "a", "/leads/pool/", 200),
    Case("a.customer_service", "a", "/leads/pool/", 404, note="customer service does not claim customers"),
    Case("b.sales_consultant", "a", "/leads/pool/", 404, note="another store's pool"),
    Case("c.sales_consultant", "a", "/leads/pool/", 404),
    Case("x.hq_admin", "a", "/leads/pool/", 404),
    Case(None, "a", "/leads/pool/", 302),
    Case("a.sales_consultant", "a", "/leads/pool/999999/claim/", 404, method="post", note="not in the pool"),
    Case("b.sales_consultant", "a", "/leads/pool/999999/claim/", 404, method="post"),
    Case("a.sales_manager", "a", "/leads/defeats/", 200),
    Case("a.general_manager", "a", "/leads/defeats/", 200),
    Case("a.sales_consultant", "a", "/leads/defeats/", 404, note="a consultant does not approve defeats"),
    Case("a.service_manager", "a", "/leads/defeats/", 404),
    Case("b.sales_manager", "a", "/leads/defeats/", 404),
    Case("x.hq_admin", "a", "/leads/defeats/", 404),
    Case(None, "a", "/leads/defeats/", 302),
    Case("a.sales_manager", "a", "/leads/defeats/999999/approve/", 404, method="post"),
    Case("a.sales_consultant", "a", "/leads/defeats/999999/approve/", 404, method="post"),
    Case("a.sales_manager", "a", customer_path("merge/"), 200),
    Case("a.general_manager", "a", customer_path("merge/"), 200),
    Case("a.sales_consultant", "a", customer_path("merge/"), 404, note="a consultant cannot merge"),
    Case("b.general_manager", "a", customer_path("merge/"), 404),
    Case("b.general_manager", "b", customer_path("merge/"), 404, note="A's id asked at B"),
    Case(None, "a", customer_path("merge/"), 302),
]

# 免打扰名单: customer service, the GM and the service manager of the store; other stores, groups, HQ, a
# consultant no. A bad number is refused at its field.
ROWS += [
    Case("a.customer_service", "a", "/suppression/", 200),
    Case("a.general_manager", "a", "/suppression/", 200),
    Case("a.sales_consultant", "a", "/suppression/", 404),
    Case("b.general_manager", "a", "/suppression/", 404, note="same group, other store"),
    Case("c.customer_service", "a", "/suppression/", 404, note="other group"),
    Case("x.hq_admin", "a", "/suppression/", 404, note="HQ is not store staff"),
    Case(None, "a", "/suppression/", 302),
    Case("a.customer_service", "a", "/suppression/", 400, method="post", data={"phone": "12345", "reason": "staff"},
         note="a malformed number: the page again with the error at the field"),
    Case("b.general_manager", "a", "/suppression/", 404, method="post", data={"phone": "13800000000", "reason": "staff"}),
]
