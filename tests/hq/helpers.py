"""Shared helpers for HQ tests: bootstrap a world group's templates and find its versions."""

from __future__ import annotations

from hq.models import PolicyKind, PolicyVersion
from hq.services.policies import group_policy_bootstrap, policy_draft_start
from tests.world import World


def group_of(world: World, key: str):  # type: ignore[no-untyped-def]
    return world.group_x if key == "x" else world.group_y


def published_id(world: World, key: str, kind: str = PolicyKind.CADENCE) -> int:
    """Bootstraps the group's starter templates if needed; the latest published version's id."""
    group = group_of(world, key)
    group_policy_bootstrap(group=group)
    version = PolicyVersion.objects.filter(template__group=group, template__kind=kind,
                                           status=PolicyVersion.Status.PUBLISHED).order_by("-number").first()
    assert version is not None
    return version.pk


def draft_id(world: World, key: str, kind: str = PolicyKind.CADENCE) -> int:
    group = group_of(world, key)
    group_policy_bootstrap(group=group)
    return policy_draft_start(group=group, kind=kind).pk
