import cProfile, pstats, time, io, sys
from benchmarks.common import setup_django
setup_django()
from django.test import Client
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context
from tenants.models import Store, StoreMembership
from crm.models import Lead

store = Store.objects.get(slug__contains="bench-leads") if Store.objects.filter(slug__contains="bench-leads").exists() else None
if store is None:
    print([s.slug for s in Store.objects.all()]); sys.exit()
with tenant_context(store):
    waiting = Lead.objects.filter(received_at__isnull=False, first_contact_at__isnull=True)
    consultants = list(StoreMembership.objects.filter(store=store, role="sales_consultant").values_list("user_id", flat=True))
    from django.db.models import Count
    cid = waiting.filter(consultant_id__in=consultants).values("consultant_id").annotate(n=Count("pk")).order_by("-n")[0]
    print("consultant", cid)
    cid = cid["consultant_id"]
    from crm.leads.selectors import awaiting_first_contact
    qs = awaiting_first_contact().select_related("customer").filter(claimed_at__isnull=True).order_by("first_response_due_at", "pk")[:50]
    print(qs.explain(analyze=True))
    qs = awaiting_first_contact().select_related("customer").filter(consultant_id=cid).order_by("first_response_due_at", "pk")[:50]
    print(qs.explain(analyze=True))
consultant = StoreMembership.objects.select_related("user").get(store=store, user_id=cid)
manager = StoreMembership.objects.select_related("user").get(store=store, role="sales_manager")
who = sys.argv[1] if len(sys.argv) > 1 else "consultant"
m = consultant if who == "consultant" else manager
client = Client(HTTP_HOST=f"{store.slug}.localhost")
client.force_login(m.user, backend="tenants.auth.MobileOrEmailBackend")
for _ in range(3):
    client.get("/leads/inbox/")
with CaptureQueriesContext(connection) as q:
    r = client.get("/leads/inbox/")
print("status", r.status_code, "queries", len(q.captured_queries), "bytes", len(r.content))
for x in q.captured_queries:
    print(f"  {x['time']}  {x['sql'][:150]}")
ts = []
for _ in range(15):
    t = time.perf_counter(); client.get("/leads/inbox/"); ts.append((time.perf_counter() - t) * 1000)
ts.sort(); print("ms sorted", [round(t) for t in ts])
pr = cProfile.Profile(); pr.enable()
for _ in range(10):
    client.get("/leads/inbox/")
pr.disable()
s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(45); print(s.getvalue()[:9000])
s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("tottime").print_stats(25); print(s.getvalue()[:5000])
st = pstats.Stats(pr)
s = io.StringIO(); st.stream = s
st.sort_stats("cumulative").print_stats(r"(defaulttags|i18n|crm_format|dateformat|defaultfilters|csrf|base\.py:(1050|720)|query\.py|calendar|hashable|related_descriptors|__init__\.py:(9[0-9][0-9]|1[0-9]{3}))", 40)
print(s.getvalue()[:8000])
