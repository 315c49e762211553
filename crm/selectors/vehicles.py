"""一车一档: one car's file — owners over time, service visits, mileage, return visits, complaints, documents."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext

from tenants.models import StoreMembership

from ..access import customers_for_member, get_vehicle_for_member, staff_names
from ..models import Complaint, ReturnVisit, ServiceVisit, VehicleDocument


def vehicle_file(*, member: StoreMembership, pk: int | str, store_id: int) -> dict[str, Any]:
    """The car's file for a member who may see its current owner (404 otherwise, see get_vehicle_for_member).

    Earlier owners the member may not see are listed without their name, so the page names nobody else.
    """
    vehicle = get_vehicle_for_member(member, pk)
    names = staff_names(store_id)
    ownerships = list(vehicle.ownerships.select_related("customer").order_by("-started_on", "-pk"))
    visible = set(customers_for_member(member).filter(pk__in=[o.customer_id for o in ownerships])
                  .values_list("pk", flat=True))
    owners = [{"customer_id": o.customer_id if o.customer_id in visible else None,
               "name": o.customer.name if o.customer_id in visible else None,
               "started_on": o.started_on, "ended_on": o.ended_on, "by": names.get(o.by_user_id or 0, "")}
              for o in ownerships]
    visits = list(ServiceVisit.objects.filter(vehicle=vehicle).order_by("-visited_on", "-pk")[:50])
    readings = list(vehicle.mileage_readings.order_by("-read_on", "-km")[:50])
    calls = list(ReturnVisit.objects.filter(vehicle=vehicle).prefetch_related("answers")
                 .order_by("-due_date", "-pk")[:30])
    complaints = list(Complaint.objects.filter(vehicle=vehicle).exclude(state="draft")
                      .order_by("-reported_at")[:20])
    documents = list(VehicleDocument.objects.filter(vehicle=vehicle))
    return {"vehicle": vehicle, "owner": vehicle.owner, "owners": owners, "visits": visits, "readings": readings,
            "calls": calls, "complaints": complaints, "documents": documents, "names": names}


def vehicle_document_for_member(*, member: StoreMembership, vehicle_pk: int | str,
                                pk: int | str) -> VehicleDocument:
    """One document of a car the member may see; 404 for another car's, another store's or a missing one."""
    vehicle = get_vehicle_for_member(member, vehicle_pk)
    document = VehicleDocument.objects.filter(vehicle=vehicle, pk=int(pk)).first()
    if document is None:
        raise Http404(gettext("页面不存在"))
    return document
