"""一个搜索框: find a customer or car by plate, VIN (or its last six), phone, name, part of a name or pinyin.

Every query starts from `customers_for_member`, so a consultant only ever finds their own customers and
a near-VIN suggestion never names a car the member may not see.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator
from functools import reduce
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length, Reverse, Substr
from django.utils.translation import gettext as _

from tenants.models import StoreMembership
from tenants.validators import normalize_cn_mobile

from ..access import customers_for_member
from ..models import Customer, Vehicle
from ..pinyin import is_pinyin_query, name_pinyin_keys

_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_TAIL_RE = re.compile(r"^[A-Z0-9]{6}$")
_PLATE_START = re.compile(r"^[\u4e00-\u9fff][A-Z]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _term(q: str) -> str:
    """Upper-cased, without spaces, dots and dashes; a phone typed `+86 139 0100 1003` loses its prefix."""
    term = re.sub(r"[\s·\-()（）]", "", (q or "").strip()).upper()
    phone = normalize_cn_mobile(term)
    if phone.isdigit():
        term = phone[2:] if len(phone) == 13 and phone.startswith("86") else phone
    return term


def customer_search(*, member: StoreMembership, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """一个搜索框: the customers this member may see that match `q`, best match first, at most `limit`.

    Plate, VIN, its last six and phone match exactly (a phone fragment of 4+ digits by containment);
    otherwise the name is matched, ranked: the exact name, the same pinyin (张玮 finds 张伟), a name
    starting with the text (a surname alone lists that family), a given name starting or a name ending
    with it (part of a name); only when none of those match, names that look or sound alike (pg_trgm on
    the name and on its pinyin). Letters only (`zw`, `zhangwei`) match the pinyin and its initials.
    """
    raw = (q or "").strip()[:40]
    term = _term(raw)
    if not term:
        return []
    visible = customers_for_member(member)
    vehicles = Vehicle.objects.filter(owner__in=visible).select_related("owner")
    hits: list[tuple[Customer, Vehicle | None, str]] = []
    if _VIN_RE.match(term):
        hits += [(v.owner, v, _("车架号")) for v in vehicles.filter(vin=term)[:limit]]
    if term.isdigit():
        if len(term) == 11:
            hits += [(c, None, _("手机号")) for c in visible.filter(Q(mobile=term) | Q(mobile2=term))[:limit]]
        elif len(term) >= 4:
            hits += [(c, None, _("手机号")) for c in visible.filter(mobile__contains=term)[:limit]]
    if _TAIL_RE.match(term) and not hits:
        hits += [(v.owner, v, _("车架号后六位")) for v in vehicles.filter(vin_tail=term)[:limit]]
    if _PLATE_START.match(term) or (re.match(r"^[A-Z0-9]{4,7}$", term) and not term.isdigit()):
        plate_qs = vehicles.filter(plate=term) if len(term) >= 7 else vehicles.none()
        found = list(plate_qs[:limit]) or list(vehicles.filter(plate__contains=term)[:limit])
        hits += [(v.owner, v, _("车牌号")) for v in found]
    if not hits and not term.isdigit():
        hits += [(c, None, how) for c, how in _name_hits(visible, raw, limit)]
    return _rows(hits, limit)


def _name_hits(visible: QuerySet[Customer], raw: str, limit: int) -> list[tuple[Customer, str]]:
    """Name matches in rank order: one query over the indexed signals; look-alikes only if it finds none."""
    name = re.sub(r"\s+", "", raw)
    if not name:
        return []
    signals = _name_signals(name)
    # Every condition has its own index, so PostgreSQL ORs bitmap index scans instead of reading the table.
    matched = (visible.annotate(given=Substr("name", 2), backwards=Reverse("name"))
               .filter(reduce(operator.or_, (cond for cond, _label in signals)))
               .annotate(rank=Case(*[When(cond, then=Value(i)) for i, (cond, _label) in enumerate(signals)],
                                   output_field=IntegerField()), n=Length("name"))
               # Within one rank: the closest length first, then the most recent visitor — who is at the desk.
               .order_by("rank", "n", F("last_visit_on").desc(nulls_last=True), "-pk")[:limit])
    found: list[tuple[Customer, str]] = [(c, signals[c.rank][1]) for c in matched]
    if found:
        return found
    seen: dict[int, tuple[Customer, str]] = {}
    for qs, how in _look_alike(visible, name):
        for c in qs.exclude(pk__in=list(seen))[: limit - len(seen)]:
            seen[c.pk] = (c, how)
        if len(seen) >= limit:
            break
    return list(seen.values())


def _name_signals(name: str) -> list[tuple[Q, str]]:
    """(condition, label) from the strongest to the weakest; the list order is the rank."""
    if is_pinyin_query(name):
        key = name.lower()
        return [(Q(name_pinyin=key) | Q(name_initials=key), _("拼音")),
                (Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key), _("拼音"))]
    pinyin, _initials = name_pinyin_keys(name)
    signals = [(Q(name=name), _("姓名"))]
    if pinyin and _CJK.search(name):
        signals.append((Q(name_pinyin=pinyin), _("同音")))  # 张玮 sounds like 张伟: the usual IME slip
    signals.append((Q(name__startswith=name), _("姓名")))  # a surname alone lists the family
    # Part of a name: the given name typed alone (晓明, 晓) or the name's end (明).
    signals.append((Q(given__startswith=name) | Q(backwards__startswith=name[::-1]), _("姓名包含")))
    return signals


def _look_alike(visible: QuerySet[Customer], name: str) -> Iterator[tuple[QuerySet[Customer], str]]:
    """Names that look or sound alike (pg_trgm): only asked when nothing closer matched — the costly part."""
    if is_pinyin_query(name):
        key = name.lower()
        yield (visible.filter(name_pinyin__trigram_similar=key)
               .annotate(sim=TrigramSimilarity("name_pinyin", key)).order_by("-sim", "-pk")), _("拼音相近")
        return
    if len(name) < 2:
        return
    pinyin, _initials = name_pinyin_keys(name)
    yield (visible.filter(name__trigram_similar=name)
           .annotate(sim=TrigramSimilarity("name", name)).order_by("-sim", "-pk")), _("姓名相近")
    if pinyin:
        yield (visible.filter(name_pinyin__trigram_similar=pinyin)
               .annotate(sim=TrigramSimilarity("name_pinyin", pinyin)).order_by("-sim", "-pk")), _("读音相近")


def _rows(hits: list[tuple[Customer, Vehicle | None, str]], limit: int) -> list[dict[str, Any]]:
    """One row per customer (first hit wins), with the car that matched or, for a name, their cars."""
    seen: set[int] = set()
    picked: list[tuple[Customer, Vehicle | None, str]] = []
    for customer, vehicle, how in hits:
        if customer.pk not in seen:
            seen.add(customer.pk)
            picked.append((customer, vehicle, how))
    picked = picked[:limit]
    cars: dict[int, list[dict[str, Any]]] = {}
    no_vehicle = [c.pk for c, v, _how in picked if v is None]
    if no_vehicle:
        for v in Vehicle.objects.filter(owner_id__in=no_vehicle).order_by("-delivered_on", "-pk").values(
                "pk", "owner_id", "plate", "vin"):
            cars.setdefault(v["owner_id"], []).append({"id": v["pk"], "plate": v["plate"], "vin": v["vin"]})
    out = []
    for customer, vehicle, how in picked:
        own = ([{"id": vehicle.pk, "plate": vehicle.plate, "vin": vehicle.vin}] if vehicle is not None
               else cars.get(customer.pk, [])[:3])
        out.append({"customer_id": customer.pk, "name": customer.name, "mobile": customer.mobile,
                    "plate": vehicle.plate if vehicle else "", "vin": vehicle.vin if vehicle else "",
                    "vehicle_id": vehicle.pk if vehicle else None, "vehicles": own, "matched": how})
    return out


def vin_near_matches(*, member: StoreMembership, q: str, limit: int = 5) -> list[dict[str, Any]]:
    """您要找的是不是…: a full VIN with no exact match → the visible cars whose VIN has two characters swapped.

    Only cars of customers the member may see are considered, so a suggestion reveals nothing else.
    """
    term = _term(q)
    if not _VIN_RE.match(term):
        return []
    candidates = {term[:i] + term[j] + term[i + 1:j] + term[i] + term[j + 1:]
                  for i in range(len(term)) for j in range(i + 1, len(term)) if term[i] != term[j]}
    vehicles = (Vehicle.objects.filter(owner__in=customers_for_member(member), vin__in=sorted(candidates))
                .select_related("owner").order_by("vin")[:limit])
    return [{"customer_id": v.owner_id, "name": v.owner.name, "mobile": v.owner.mobile, "plate": v.plate,
             "vin": v.vin, "vehicle_id": v.pk, "vehicles": [{"id": v.pk, "plate": v.plate, "vin": v.vin}],
             "matched": _("相近车架号")} for v in vehicles]
