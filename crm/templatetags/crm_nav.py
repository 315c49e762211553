"""`{% store_menu as menu %}`: the store navigation for the signed-in member (see crm.nav)."""

from __future__ import annotations

from typing import Any

from django import template

from ..nav import NavLink, NavMenu, may_open, store_menu_for

register = template.Library()


@register.simple_tag(takes_context=True)
def store_menu(context: Any) -> list[NavLink | NavMenu]:
    return store_menu_for(context.get("current_membership"))


@register.simple_tag(takes_context=True)
def may_open_page(context: Any, url_name: str) -> bool:
    """`{% may_open_page "crm:lead_board" as ok %}`: a home-page link only where the role may follow it."""
    return may_open(context.get("current_membership"), url_name)
