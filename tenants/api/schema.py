"""The OpenAPI schema and its Swagger page, for members only: on a store host a signed-in member of
that store (or its API token); on the base domain an HQ user. The Swagger assets come from the
installed drf-spectacular-sidecar, and the page's init script is a separate file (CSP: no inline script)."""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from ..access import HasStorePerm, IsHqMember
from ..roles import Perm


class StoreSchemaView(SpectacularAPIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.VIEW_STORE


class StoreSwaggerView(SpectacularSwaggerSplitView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.VIEW_STORE


class HqSchemaView(SpectacularAPIView):
    permission_classes = [IsHqMember]


class HqSwaggerView(SpectacularSwaggerSplitView):
    permission_classes = [IsHqMember]
