"""集团开通: a dealer group starts with the handbooks' starter policy templates."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext

from .. import hooks
from ..errors import Conflict, DomainError
from ..models import DealerGroup

CODE_RE = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")


@transaction.atomic
def dealer_group_create(*, name: str, code: str) -> DealerGroup:
    """Create a dealer group and publish its starter templates (cadence, complaint, survey, classification)."""
    name, code = name.strip(), code.strip().lower()
    if not name:
        raise DomainError(gettext("请填写集团名称。"), field="name")
    if not CODE_RE.match(code):
        raise DomainError(gettext("集团代码只能使用小写字母、数字和连字符，以字母开头，长度 3–40 位。"), field="code")
    if DealerGroup.objects.filter(code=code).exists():
        raise Conflict(gettext("集团代码“%(code)s”已被使用。") % {"code": code}, field="code")
    if DealerGroup.objects.filter(name=name).exists():
        raise Conflict(gettext("集团“%(name)s”已存在。") % {"name": name}, field="name")
    group = DealerGroup.objects.create(name=name, code=code)
    hooks.run("group_created", group=group)  # hq: the starter policy templates
    return group
