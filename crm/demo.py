"""Demo and benchmark CRM data for one store (call inside that store's tenant_context).

Realistic and fast: valid mobiles, VINs with a correct check digit, valid plates, vehicles, receptions,
leads, follow-ups and repair orders, written with bulk_create; then classified in SQL.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.utils import timezone

from tenants.models import Store, StoreMembership
from tenants.roles import StoreRole

from .models import (
    Customer,
    FollowUp,
    Lead,
    MileageReading,
    Reception,
    ServiceVisit,
    Vehicle,
    VehicleOwnership,
)
from .models.choices import (
    AgeCohort,
    Channel,
    Gender,
    Grade,
    LeadStatus,
    Occupation,
    PoolReason,
    Region,
    ServiceType,
    Source,
)
from .models.customers import Lifecycle
from .models.pool import DefeatReview
from .pinyin import name_pinyin_keys
from .services.classification import classification_recompute_store
from .validators import vin_check_digit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞辉建国志文斌宇浩然子轩梓涵欣怡俊杰晨阳"
MODELS = {
    "上汽大众": ["朗逸", "帕萨特", "途观L", "途岳", "ID.4 X"], "广汽丰田": ["凯美瑞", "汉兰达", "雷凌", "威兰达"],
    "比亚迪": ["秦PLUS", "汉", "宋PLUS", "元PLUS", "海豹"], "东风本田": ["思域", "CR-V", "英仕派", "XR-V"],
    "别克": ["英朗", "君威", "GL8", "昂科威"],
}
COLOURS = ["珍珠白", "曜石黑", "星空灰", "天际蓝", "宝石红", "银色"]
WMI = ["LSV", "LVG", "LGX", "LVH", "LSG", "LFV"]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
TAGS = ["女车主", "二胎家庭", "自驾游", "商务", "老客户转介绍", "价格敏感", "爱车课堂"]


def make_vin(rnd: random.Random, serial: int) -> str:
    body = rnd.choice(WMI) + "".join(rnd.choice(VIN_CHARS) for _ in range(5))
    tail = rnd.choice("KLMNPRST") + rnd.choice("ABCDEFGH") + f"{serial:06d}"[-6:]
    draft = body + "0" + tail
    return body + vin_check_digit(draft) + tail


def make_plate(rnd: random.Random, serial: int, *, ev: bool) -> str:
    letter = rnd.choice("ABCDEFGH")
    if ev:
        return f"浙{letter}{rnd.choice('DF')}{rnd.choice(PLATE_LETTERS + '0123456789')}{serial % 10000:04d}"
    return f"浙{letter}{rnd.choice(PLATE_LETTERS)}{serial % 10000:04d}"


def populate_store(*, store: Store, customers: int, seed: int, vehicles_per_customer: float = 1.5) -> None:
    """Fill the current store with `customers` customers and about 1.5 vehicles each (idempotent)."""
    if Customer.objects.exists() or customers <= 0:
        return
    rnd = random.Random(seed)
    staff = list(StoreMembership.objects.filter(store=store, is_active=True).values_list("user_id", "role"))
    sales: list[int | None] = [u for u, r in staff if r in (StoreRole.SALES_CONSULTANT, StoreRole.SALES_MANAGER)] or [None]
    advisors: list[int | None] = [u for u, r in staff if r == StoreRole.SERVICE_ADVISOR] or [None]
    brand = (store.brands or ["上汽大众"])[0]
    models = MODELS.get(brand, sum(MODELS.values(), []))
    today = timezone.localdate()
    now = timezone.now()
    mobiles: set[str] = set()
    rows: list[Customer] = []
    while len(rows) < customers:
        mobile = f"1{rnd.choice('3578')}{rnd.randrange(10**9):09d}"
        if mobile in mobiles:
            continue
        mobiles.add(mobile)
        rows.append(Customer(
            name=rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2)))),
            mobile=mobile, gender=rnd.choice(Gender.values), region=rnd.choice(Region.values),
            occupation=rnd.choice(Occupation.values), age_cohort=rnd.choice(AgeCohort.values),
            source=rnd.choice(Source.values), consultant_id=rnd.choice(sales), may_call=rnd.random() < 0.85,
            channels=rnd.sample(Channel.values, 2), tags=rnd.sample(TAGS, rnd.choice((0, 0, 1, 2))),
            created_at=now - timedelta(days=rnd.randrange(1, 1500)),
        ))
    for c in rows:
        c.name_pinyin, c.name_initials = name_pinyin_keys(c.name)
    Customer.objects.bulk_create(rows, batch_size=5000)
    _vehicles_and_visits(rows, rnd, brand, models, advisors, vehicles_per_customer, today)
    _funnel(rows, rnd, models, today, now)
    classification_recompute_store()
    # This store's tables only: a bare ANALYZE reads every schema's (minutes with 1,000 stores).
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in apps.get_app_config("crm").get_models())
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _vehicles_and_visits(rows: list[Customer], rnd: random.Random, brand: str, models: list[str],
                         advisors: list[int | None], per_customer: float, today: date) -> None:
    owners = [c for c in rows if rnd.random() < 0.6]
    target = int(len(rows) * per_customer)
    vehicles: list[Vehicle] = []
    serial = 0
    while len(vehicles) < target and owners:
        owner = owners[len(vehicles) % len(owners)]
        serial += 1
        delivered = today - timedelta(days=rnd.randrange(30, 2900))
        vin = make_vin(rnd, serial)
        vehicles.append(Vehicle(
            vin=vin, vin_tail=vin[-6:], plate=make_plate(rnd, serial, ev=rnd.random() < 0.25) if serial < 10**6 else "",
            owner=owner, brand=brand, model=rnd.choice(models), colour=rnd.choice(COLOURS),
            purchased_on=delivered, delivered_on=delivered, insurance_until=delivered + timedelta(days=365 * (
                (today - delivered).days // 365 + 1)), last_km=None,
        ))
    # Unique plates: drop accidental repeats.
    seen: set[str] = set()
    for v in vehicles:
        if v.plate in seen:
            v.plate = ""
        seen.add(v.plate)
    visits: list[ServiceVisit] = []
    readings: list[MileageReading] = []
    for v in vehicles:
        daily = rnd.choice((20, 35, 50, 80, 120))
        age = (today - (v.delivered_on or today)).days
        day = 60 + rnd.randrange(60)
        first = True
        while day < age and rnd.random() < 0.8:
            on = (v.delivered_on or today) + timedelta(days=day)
            km = day * daily + rnd.randrange(500)
            kind = ServiceType.FIRST_MAINTENANCE if first else rnd.choice(
                [ServiceType.PERIODIC] * 4 + [ServiceType.REPAIR, ServiceType.ACCIDENT, ServiceType.BEAUTY])
            amount = Decimal(0) if first else Decimal(rnd.choice((380, 680, 980, 1280, 2600, 5800)))
            visits.append(ServiceVisit(vehicle=v, customer_id=v.owner_id, kind=kind, visited_on=on, km=km,
                                       amount=amount, advisor_id=rnd.choice(advisors), may_call=rnd.random() < 0.8))
            readings.append(MileageReading(vehicle=v, read_on=on, km=km, daily_km=Decimal(daily), source="service"))
            v.last_km, v.daily_km = km, Decimal(daily)
            first = False
            day += rnd.choice((120, 180, 240, 365))
    # Vehicles go in after the loop so last_km / daily_km are set without a slow bulk_update.
    Vehicle.objects.bulk_create(vehicles, batch_size=5000)
    VehicleOwnership.objects.bulk_create(
        [VehicleOwnership(vehicle=v, customer=v.owner, started_on=v.delivered_on or today) for v in vehicles],
        batch_size=5000)
    Customer.objects.filter(pk__in={v.owner_id for v in vehicles}).update(lifecycle=Lifecycle.OWNER)
    ServiceVisit.objects.bulk_create(visits, batch_size=5000)
    MileageReading.objects.bulk_create(readings, batch_size=5000)


def _funnel(rows: list[Customer], rnd: random.Random, models: list[str], today: date, now: datetime) -> None:
    prospects = [c for c in rows if rnd.random() < 0.35]
    leads = []
    for c in prospects:
        grade = rnd.choice(Grade.values)
        status = rnd.choice([LeadStatus.OPEN] * 6 + [LeadStatus.DEAL, LeadStatus.DEFEATED])
        leads.append(Lead(
            customer=c, consultant_id=c.consultant_id, grade=grade, model_of_interest=rnd.choice(models),
            status=status, is_key=status == LeadStatus.OPEN and grade == Grade.H,
            next_followup_on=(today + timedelta(days=rnd.randrange(-10, 15))) if status == LeadStatus.OPEN
            and rnd.random() < 0.9 else None,
            created_at=now - timedelta(days=rnd.randrange(1, 120)),
            closed_at=now - timedelta(days=rnd.randrange(1, 30)) if status != LeadStatus.OPEN else None,
            defeat_reason="competitor" if status == LeadStatus.DEFEATED else "",
            competitor_brand="比亚迪" if status == LeadStatus.DEFEATED else "",
        ))
    Lead.objects.bulk_create(leads, batch_size=5000)
    receptions, followups = [], []
    for lead in leads:
        consultant = lead.consultant_id or 0
        receptions.append(Reception(customer_id=lead.customer_id, lead=lead, consultant_id=consultant,
                                    arrived_at=lead.created_at, visitors=rnd.choice((1, 2, 3)),
                                    models_of_interest=lead.model_of_interest, budget=rnd.choice(("10-15万", "15-20万",
                                                                                                  "20-30万"))))
        for k in range(rnd.choice((1, 2, 3))):
            followups.append(FollowUp(
                customer_id=lead.customer_id, lead=lead, staff_id=consultant, channel=rnd.choice(Channel.values),
                content=rnd.choice(("介绍优惠活动", "邀约试驾", "解答金融方案", "询问购车进度")),
                feedback=rnd.choice(("考虑中", "周末到店", "和家人商量", "")), next_step="继续跟进",
                happened_at=lead.created_at + timedelta(days=k * 5 + 1), on_time=rnd.random() < 0.8,
            ))
    Reception.objects.bulk_create(receptions, batch_size=5000)
    FollowUp.objects.bulk_create(followups, batch_size=5000)
    _pool_and_defeats(leads, rnd, now)


def _pool_and_defeats(leads: list[Lead], rnd: random.Random, now: datetime) -> None:
    """战败审核 and 公海 have something to show: a few defeats waiting for the sales manager, and a few
    unattended prospects already back in the shared pool."""
    open_leads = [x for x in leads if x.status == LeadStatus.OPEN and not x.is_key and x.consultant_id]
    pending, pooled = open_leads[:3], open_leads[3:8]
    for lead in pending:
        lead.status, lead.defeat_reason = LeadStatus.DEFEAT_PENDING, rnd.choice(("price", "gave_up", "product"))
    Lead.objects.bulk_update(pending, ["status", "defeat_reason"])
    DefeatReview.objects.bulk_create([DefeatReview(lead=x, submitted_by_id=x.consultant_id or 0, reason=x.defeat_reason,
                                                   submitted_at=now - timedelta(hours=rnd.randrange(2, 48)))
                                      for x in pending])
    ids = list(Customer.objects.filter(pk__in=[x.customer_id for x in pooled], vehicles__isnull=True)
               .exclude(lifecycle=Lifecycle.OWNER).values_list("pk", flat=True))  # owners never go to the pool
    Lead.objects.filter(customer_id__in=ids, status=LeadStatus.OPEN).update(consultant_id=None)
    Customer.objects.filter(pk__in=ids).update(consultant_id=None, pooled_at=now - timedelta(days=1),
                                               pool_reason=PoolReason.IDLE)
