"""Access helpers: return what the user may see, or refuse (404 across congresses)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Congress, RoleAssignment, User
from .perms import Perm, congresses_with


def congresses_for(user: Any, perm: Perm) -> list[Congress]:
    ids = congresses_with(user, perm)
    return list(Congress.objects.filter(id__in=ids).order_by("region_code", "id"))


def pick_congress(user: Any, perm: Perm, requested: Any = None) -> Congress:
    """The congress a page works on: the requested one if the user holds ``perm`` there,
    else the user's first such congress. Other congresses are 404, not 403."""
    ids = congresses_with(user, perm)
    if not ids:
        raise PermissionDenied("您没有此项权限。")
    if requested not in (None, ""):
        try:
            requested_id = int(requested)
        except (TypeError, ValueError):
            raise Http404("没有这个人大。") from None
        if requested_id not in ids:
            raise Http404("没有这个人大。")
        return Congress.objects.get(pk=requested_id)
    return Congress.objects.filter(id__in=ids).order_by("region_code", "id").first()


def require_perm(user: Any, perm: Perm, congress: Any) -> None:
    from .perms import has_perm

    if not has_perm(user, perm, congress):
        raise PermissionDenied("您没有此项权限。")


def users_for(congress_id: int, role: str, organization_id: int | None = None) -> list[User]:
    """The active accounts holding ``role`` in a congress today (within an organization, for
    units and committees) — whom a module notifies or reminds."""
    qs = RoleAssignment.objects.current().filter(congress_id=congress_id, role=role,
                                                 user__is_active=True)
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    return list(User.objects.filter(pk__in=qs.values("user_id")))
