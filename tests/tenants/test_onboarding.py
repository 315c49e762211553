"""门店开通: validation, idempotency, all-or-nothing, and the template clone keeping in step."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.utils import schema_exists, tenant_context

from crm.models import Customer
from tenants.errors import Conflict, DomainError
from tenants.migration import expected_migrations, schemas_behind
from tenants.models import Domain, Invitation, Store
from tenants.services.onboarding import store_onboard
from tests.conftest import client_for
from tests.world import World


def _onboard(world: World, **kw: Any) -> Any:
    args = dict(group=world.group_x, name="新店", slug="new-store", city="杭州", gm_name="王经理",
                gm_mobile="13812345678")
    args.update(kw)
    return store_onboard(**args)


@pytest.mark.parametrize(
    "slug, message",
    [
        ("Bad_Slug", "小写字母"),
        ("a", "长度"),
        ("-abc", "小写字母"),
        ("abc-", "小写字母"),
        ("ab--cd", "连续的连字符"),
        ("www", "系统保留"),
        ("admin", "系统保留"),
        ("门店", "小写字母"),
    ],
)
def test_it_rejects_a_bad_slug_with_a_chinese_reason(world: World, db: Any, slug: str, message: str) -> None:
    with pytest.raises(DomainError) as err:
        _onboard(world, slug=slug)
    assert message in err.value.message
    assert err.value.field == "slug"
    assert not Store.objects.filter(name="新店").exists()


def test_it_refuses_a_slug_that_is_taken(world: World, db: Any) -> None:
    with pytest.raises(Conflict) as err:
        _onboard(world, slug="store-a")
    assert "已被使用" in err.value.message


def test_it_refuses_a_bad_gm_mobile(world: World, db: Any) -> None:
    with pytest.raises(DomainError) as err:
        _onboard(world, gm_mobile="12345")
    assert err.value.field == "gm_mobile"


def test_it_creates_schema_domain_and_invitation_together(world: World, db: Any) -> None:
    result = _onboard(world)
    store = result.store
    assert result.created
    assert schema_exists(store.schema_name)
    assert Domain.objects.get(tenant=store).domain == "new-store.localhost"
    assert Invitation.objects.get(store=store).role == "general_manager"
    with tenant_context(store):
        assert Customer.objects.count() == 0
        Customer.objects.create(name="张三", mobile="13900001111")
        assert Customer.objects.count() == 1


def test_the_same_request_twice_makes_one_store(world: World, db: Any) -> None:
    first = _onboard(world, onboarding_key="req-1")
    again = _onboard(world, onboarding_key="req-1")
    assert again.store.pk == first.store.pk and not again.created
    assert Store.objects.filter(slug="new-store").count() == 1


def test_a_failure_half_way_leaves_nothing_behind(world: World, db: Any) -> None:
    # The domain name is already taken by another row: the onboarding fails after the schema was made.
    Domain.objects.create(domain="new-store.localhost", tenant=world.store_b, is_primary=False)
    with pytest.raises(Conflict):
        _onboard(world)
    assert not Store.objects.filter(slug="new-store").exists()
    assert not schema_exists("s_new_store")
    assert not Invitation.objects.filter(name="王经理", store__slug="new-store").exists()


def _catalogue(schema: str) -> dict[str, set[tuple[Any, ...]]]:
    """Columns, constraints and indexes of `schema`, the schema's own name written as X."""
    def plain(text: Any) -> Any:
        return text.replace(f'"{schema}".', "X.").replace(f"{schema}.", "X.") if isinstance(text, str) else text

    queries = {
        "columns": "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, "
                   "a.attgenerated, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
                   "JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
                   "AND d.adnum = a.attnum WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r' "
                   "AND a.attnum > 0 AND NOT a.attisdropped",
        "constraints": "SELECT r.relname, k.conname, k.contype, pg_get_constraintdef(k.oid) FROM pg_constraint k "
                       "JOIN pg_class r ON r.oid = k.conrelid WHERE k.connamespace = %s::regnamespace "
                       "AND k.contype IN ('p', 'u', 'c', 'x', 'f')",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s",
    }
    out = {}
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = public")  # definitions printed schema-qualified
        for key, sql in queries.items():
            cursor.execute(sql, [schema])
            out[key] = {tuple(plain(v) for v in row) for row in cursor.fetchall()}
    return out


def test_a_new_store_has_the_templates_tables_constraints_and_indexes(world: World, db: Any) -> None:
    """The clone (constraints inside CREATE TABLE, foreign keys after, the replay in one round trip) gives
    the template's catalogue exactly, names included: later migrations address constraints by name."""
    store = _onboard(world, slug="catalogue-check").store
    template, clone = _catalogue(settings.TENANT_TEMPLATE_SCHEMA), _catalogue(store.schema_name)
    assert len(template["constraints"]) > 100 and len(template["indexes"]) > 100  # the real schema, not a stub
    assert any(row[2] == "f" for row in template["constraints"])
    for key in ("columns", "constraints", "indexes"):
        assert clone[key] == template[key], key
    with tenant_context(store):
        customer = Customer.objects.create(name="张三", mobile="13812345679")
        assert customer.pk is not None  # identities work in the new schema


def test_a_store_created_after_a_new_migration_has_it(world: World, db: Any) -> None:
    """The clone follows the template's current state: a table and history row added to the template
    after earlier stores exist appear in the next store, and `migrate_schemas` sees the older ones as behind."""
    before = _onboard(world, slug="before-change").store
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE store_template.crm_probe (id bigint PRIMARY KEY, note text)")
        cursor.execute("INSERT INTO store_template.django_migrations (app, name, applied) "
                       "VALUES ('crm', '9999_probe', now())")
    after = _onboard(world, slug="after-change").store
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s "
                       "AND table_name = 'crm_probe'", [after.schema_name])
        assert cursor.fetchone()[0] == 1
        cursor.execute(f'SELECT count(*) FROM "{after.schema_name}".django_migrations WHERE name = %s',  # noqa: S608
                       ["9999_probe"])
        assert cursor.fetchone()[0] == 1
    expected = expected_migrations() | {"crm.9999_probe"}
    assert schemas_behind([before.schema_name, after.schema_name], expected) == [before.schema_name]


def test_migrate_schemas_skips_stores_that_are_up_to_date(world: World, db: Any, capsys: Any) -> None:
    assert schemas_behind([world.store_a.schema_name, world.store_b.schema_name], expected_migrations()) == []
    with transaction.atomic():
        call_command("migrate_schemas", "--tenant", verbosity=1)
    assert "already up to date, 0 to migrate" in capsys.readouterr().out


def test_create_store_command(world: World, db: Any, capsys: Any) -> None:
    call_command("create_store", group="group-x", name="命令行门店", slug="cli-store", city="宁波",
                 gm_name="李经理", gm_mobile="13712345678", key="cli-1")
    out = capsys.readouterr().out
    assert "cli-store.localhost" in out and "/invite/" in out
    call_command("create_store", group="group-x", name="命令行门店", slug="cli-store", city="宁波",
                 gm_name="李经理", gm_mobile="13712345678", key="cli-1")
    assert "已存在" in capsys.readouterr().out
    assert Store.objects.filter(slug="cli-store").count() == 1


class TestHqOnboardingPagesAndApi:
    def test_hq_admin_adds_a_store_from_the_form(self, world: World, db: Any) -> None:
        client = client_for(world.user("x.hq_admin"))
        form = client.get("/hq/stores/new/")
        key = form.context["form"].initial["onboarding_key"]
        data = {"name": "表单门店", "slug": "form-store", "city": "杭州", "gm_name": "赵经理",
                "gm_mobile": "138 1234 5679", "onboarding_key": key, "brands": ["上汽大众"]}
        response = client.post("/hq/stores/new/", data)
        assert response.status_code == 200
        assert "/invite/" in response.content.decode()
        again = client.post("/hq/stores/new/", data)  # double submit
        assert again.status_code == 200
        store = Store.objects.get(slug="form-store")
        assert store.group == world.group_x and store.brands == ["上汽大众"]

    def test_the_form_shows_a_chinese_error_and_keeps_the_input(self, world: World, db: Any) -> None:
        client = client_for(world.user("x.hq_admin"))
        response = client.post("/hq/stores/new/", {"name": "错店", "slug": "Bad Slug", "city": "杭州",
                                                   "gm_name": "赵经理", "gm_mobile": "13812345679"})
        assert response.status_code == 400
        body = response.content.decode()
        assert "门店标识只能使用小写字母" in body and "错店" in body
        assert not Store.objects.filter(name="错店").exists()

    def test_the_api_onboards_idempotently(self, world: World, db: Any) -> None:
        client = client_for(world.user("x.hq_admin"))
        payload = {"name": "接口门店", "slug": "api-store", "city": "上海", "gm_name": "钱经理",
                   "gm_email": "gm@api-store.cn"}
        first = client.post("/api/hq/stores/", payload, content_type="application/json",
                            headers={"Idempotency-Key": "k-1"})
        second = client.post("/api/hq/stores/", payload, content_type="application/json",
                             headers={"Idempotency-Key": "k-1"})
        assert (first.status_code, second.status_code) == (201, 200)
        assert first.json()["id"] == second.json()["id"]
        assert "gm_invitation_url" in first.json()

    def test_the_api_rejects_bad_input_clearly(self, world: World, db: Any) -> None:
        client = client_for(world.user("x.hq_admin"))
        missing = client.post("/api/hq/stores/", {"name": "x"}, content_type="application/json")
        assert missing.status_code == 400 and "slug" in missing.json()
        taken = client.post("/api/hq/stores/", {"name": "x", "slug": "store-c", "city": "杭州", "gm_name": "a",
                                                "gm_mobile": "13812345670"}, content_type="application/json")
        assert taken.status_code == 409 and taken.json()["field"] == "slug"

    def test_hq_sees_only_its_own_groups_stores(self, world: World, db: Any) -> None:
        body = client_for(world.user("y.hq_admin")).get("/hq/").content.decode()
        assert "C店" in body and "A店" not in body and "B店" not in body
        api = client_for(world.user("x.hq_analyst")).get("/api/hq/stores/")
        assert api.status_code == 200
        assert {s["slug"] for s in api.json()} >= {"store-a", "store-b"}
        assert "store-c" not in {s["slug"] for s in api.json()}

    def test_analysts_cannot_onboard_through_the_api(self, world: World, db: Any) -> None:
        response = client_for(world.user("x.hq_analyst")).post(
            "/api/hq/stores/", {"name": "x"}, content_type="application/json")
        assert response.status_code == 404


def test_a_new_group_starts_with_the_starter_templates_and_its_stores_adopt_them(db: Any) -> None:
    from hq.models import PolicyVersion, StorePolicyAdoption
    from tenants.services.groups import dealer_group_create

    group = dealer_group_create(name="新集团", code="new-group")
    kinds = set(PolicyVersion.objects.filter(template__group=group, status="published")
                .values_list("template__kind", flat=True))
    assert kinds == {"cadence", "complaint", "survey", "classification"}
    store = store_onboard(group=group, name="新集团一店", slug="new-group-1", city="杭州", gm_name="甲",
                          gm_mobile="13812340001").store
    assert set(StorePolicyAdoption.objects.filter(store=store).values_list("kind", flat=True)) == kinds
    with pytest.raises(Conflict):
        dealer_group_create(name="另一个", code="new-group")
    with pytest.raises(DomainError):
        dealer_group_create(name="坏代码", code="Bad Code")
