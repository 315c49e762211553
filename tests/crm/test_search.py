"""一个搜索框: typo'd names, part of a name, a surname alone, pinyin initials, phones as typed, a swapped VIN —
and only ever the customers (and cars) the member may see."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import tenant_context

from crm import services
from crm.models import Customer
from crm.pinyin import name_pinyin_keys
from crm.selectors import customer_search, vin_near_matches
from tenants.models import StoreMembership
from tests.conftest import client_for

from .conftest import mobile

# Valid VINs (ISO 3779 check digit, position 9): LSVAB2BR6MN000001 is the harness car's; these are others.
VIN_ZW = "LSVAB2BR8MN000002"
VIN_WXM = "LSVAB2BRXMN000003"


def _people(world: Any, member: Any) -> dict[str, Customer]:
    """Store A: 张伟 (a.sales_consultant's, with a car), 王晓明, 张敏, 张伟强 and 李张 (the colleague's 张伟华)."""
    m = member("a.sales_manager")
    mine, colleague = world.user("a.sales_consultant").pk, world.user("ab.sales_consultant").pk
    out = {}
    with tenant_context(world.store_a):
        for i, (name, owner) in enumerate([("张伟", mine), ("王晓明", mine), ("张敏", mine), ("张伟强", mine),
                                            ("李张", mine), ("张伟华", colleague)]):
            out[name] = services.customer_create(member=m, name=name, mobile=mobile(700 + i), consultant_id=owner)
        services.vehicle_create(customer=out["张伟"], vin=VIN_ZW, plate="浙A7Z001")
        services.vehicle_create(customer=out["张伟华"], vin=VIN_WXM, plate="浙A7Z002")
    return out


def _names(world: Any, member: Any, key: str, q: str) -> list[str]:
    m = (StoreMembership.objects.get(user=world.user(key), store=world.store_a) if key.startswith("ab.")
         else member(key))
    with tenant_context(world.store_a):
        return [r["name"] for r in customer_search(member=m, q=q)]


def test_pinyin_keys_are_kept_by_the_customer_services(world: Any, member: Any) -> None:
    assert name_pinyin_keys("王晓明") == ("wangxiaoming", "wxm")
    people = _people(world, member)
    with tenant_context(world.store_a):
        c = services.customer_update(member=member("a.sales_manager"), customer=people["张敏"], name="赵敏")
        c.refresh_from_db()
    assert (c.name_pinyin, c.name_initials) == ("zhaomin", "zm")


@pytest.mark.parametrize(("typed", "expected"), [
    ("张玮", "张伟"),      # wrong character, same sound: zhang wei
    ("王小明", "王晓明"),  # wrong character, same sound: wang xiao ming
    ("张明", "张敏"),      # wrong character, another sound: zhangming is closest to zhangmin (pg_trgm on pinyin)
])
def test_a_misspelt_name_finds_the_customer_first(world: Any, member: Any, typed: str, expected: str) -> None:
    _people(world, member)
    assert _names(world, member, "a.sales_manager", typed)[0] == expected


def test_part_of_a_name_and_a_surname_alone_give_a_ranked_list(world: Any, member: Any) -> None:
    _people(world, member)
    # 晓明 is the given name of 王晓明 only.
    assert _names(world, member, "a.sales_manager", "晓明")[0] == "王晓明"
    # 张 alone: every 张 (shortest names first), then 李张 who only contains it; 王晓明 is not listed.
    found = _names(world, member, "a.sales_manager", "张")
    assert found[:2] == ["张伟", "张敏"] or found[:2] == ["张敏", "张伟"]
    assert set(found[2:4]) == {"张伟强", "张伟华"} and found[4] == "李张" and "王晓明" not in found


def test_pinyin_initials_and_full_pinyin(world: Any, member: Any) -> None:
    _people(world, member)
    assert _names(world, member, "a.sales_manager", "zw")[0] == "张伟"
    assert _names(world, member, "a.sales_manager", "WXM") == ["王晓明"]
    assert _names(world, member, "a.sales_manager", "zhangwei")[0] == "张伟"
    # zwq is 张伟强's initials only (and also the start of nobody else's).
    assert _names(world, member, "a.sales_manager", "zwq") == ["张伟强"]


@pytest.mark.parametrize("typed", ["139 0000 0700", "+86 139 0000 0700", "+86-13900000700", "0086 13900000700"])
def test_a_phone_is_found_however_it_is_typed(world: Any, member: Any, typed: str) -> None:
    _people(world, member)
    assert _names(world, member, "a.sales_manager", typed) == ["张伟"]


def test_plates_and_vins_still_match_exactly(world: Any, member: Any) -> None:
    _people(world, member)
    assert _names(world, member, "a.sales_manager", "浙A7Z001") == ["张伟"]
    assert _names(world, member, "a.sales_manager", VIN_ZW.lower()) == ["张伟"]


def test_a_consultant_finds_only_their_own_customers(world: Any, member: Any) -> None:
    _people(world, member)
    assert "张伟华" in _names(world, member, "a.sales_manager", "张伟")
    assert "张伟华" not in _names(world, member, "a.sales_consultant", "张伟")
    assert _names(world, member, "a.sales_consultant", "zwh") == []
    assert _names(world, member, "a.sales_consultant", "浙A7Z002") == []
    assert _names(world, member, "ab.sales_consultant", "张") == ["张伟华"]


def test_store_b_finds_nothing_of_store_a(world: Any, member: Any) -> None:
    _people(world, member)
    with tenant_context(world.store_b):
        assert customer_search(member=member("b.general_manager"), q="张伟") == []
        assert customer_search(member=member("b.general_manager"), q="zw") == []
        assert vin_near_matches(member=member("b.general_manager"), q=VIN_ZW[:15] + VIN_ZW[16] + VIN_ZW[15]) == []


def test_a_vin_with_two_characters_swapped_suggests_the_car(world: Any, member: Any) -> None:
    people = _people(world, member)
    swapped = "LSVAB2BR8MN000020"  # the last two characters of VIN_ZW (…02) typed the other way round (…20)
    client = client_for(world.user("a.service_advisor"), world.host(world.store_a))
    body = client.get("/search/", {"q": swapped}).content.decode()
    assert "您要找的是不是" in body and VIN_ZW in body and "张伟" in body
    with tenant_context(world.store_a):
        vehicle_id = people["张伟"].vehicles.get().pk
    assert f"/vehicles/{vehicle_id}/" in body
    # Far apart too: positions 9 and 17 (8 and 2) swapped.
    assert VIN_ZW in client.get("/search/", {"q": "LSVAB2BR2MN000008"}).content.decode()


def test_a_near_vin_never_names_a_car_the_member_may_not_see(world: Any, member: Any) -> None:
    _people(world, member)
    swapped = "LSVAB2BRXMN000030"  # the colleague's 张伟华's VIN with its last two characters swapped
    with tenant_context(world.store_a):
        assert [r["vin"] for r in vin_near_matches(member=member("a.sales_manager"), q=swapped)] == [VIN_WXM]
        assert vin_near_matches(member=member("a.sales_consultant"), q=swapped) == []
    body = client_for(world.user("a.sales_consultant"), world.host(world.store_a)).get(
        "/search/", {"q": swapped}).content.decode()
    assert VIN_WXM not in body and "张伟华" not in body and "您要找的是不是" not in body


def test_the_page_links_each_car_and_ranks_a_surname(world: Any, member: Any,
                                                     django_assert_max_num_queries: Any) -> None:
    people = _people(world, member)
    client = client_for(world.user("a.customer_service"), world.host(world.store_a))
    with django_assert_max_num_queries(12):  # the page, one ranked name query, one for the cars: never per row
        body = client.get("/search/", {"q": "张"}).content.decode()
    with tenant_context(world.store_a):
        vehicle_id = people["张伟"].vehicles.get().pk
    assert f"/vehicles/{vehicle_id}/" in body and body.index("张伟") < body.index("李张")
    api = client.get("/api/customers/search/", {"q": "zw"}).json()
    assert api[0]["name"] == "张伟" and api[0]["vehicles"][0]["id"] == vehicle_id


def test_a_newly_onboarded_store_gets_the_search_indexes_and_uses_them(world: Any, db: Any) -> None:
    """Stores are cloned from the template schema: the trigram and pattern indexes must arrive intact."""
    from django.db import connection

    from tenants.services.onboarding import store_onboard

    store = store_onboard(group=world.group_x, name="新开店", slug="search-clone", city="杭州", gm_name="周经理",
                          gm_mobile="13812340000").store
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = %s",
                       [store.schema_name, "crm_customer"])
        defs = dict(cursor.fetchall())
    assert "gin_trgm_ops" in defs["crm_cust_pinyin_trgm"] and "gin_trgm_ops" in defs["crm_cust_name_trgm"]
    assert "varchar_pattern_ops" in defs["crm_cust_initials"] and "varchar_pattern_ops" in defs["crm_cust_pinyin"]
    assert "substring" in defs["crm_cust_given_prefix"] and "text_pattern_ops" in defs["crm_cust_given_prefix"]
    assert "reverse" in defs["crm_cust_name_reversed"] and "text_pattern_ops" in defs["crm_cust_name_reversed"]
    gm = StoreMembership(store=store, user=world.user("a.general_manager"), role="general_manager")  # not saved
    with tenant_context(store):
        Customer.objects.create(name="周杰", mobile="13900009999", name_pinyin="zhoujie", name_initials="zj")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN SELECT id FROM crm_customer WHERE name_pinyin %% %s", ["zhoujei"])
            plan = " ".join(r[0] for r in cursor.fetchall())
        assert "crm_cust_pinyin_trgm" in plan
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN SELECT id FROM crm_customer WHERE REVERSE(name) LIKE %s", ["杰%"])
            assert "crm_cust_name_reversed" in " ".join(r[0] for r in cursor.fetchall())
        assert [r["name"] for r in customer_search(member=gm, q="zj")] == ["周杰"]
        assert [r["name"] for r in customer_search(member=gm, q="周洁")] == ["周杰"]  # same sound, other 洁


def test_the_migration_backfills_the_pinyin_of_existing_customers(world: Any, db: Any) -> None:
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("crm.migrations.0006_car_file").backfill_name_pinyin
    with tenant_context(world.store_a):
        old = Customer.objects.create(name="欧阳娜娜", mobile="13900007777")  # as before 0006: no keys
        assert (old.name_pinyin, old.name_initials) == ("", "")
        backfill(apps, None)
        old.refresh_from_db()
    assert (old.name_pinyin, old.name_initials) == ("ouyangnana", "oynn")
