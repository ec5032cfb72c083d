"""Who may see and change which archive data — the one place for scoping.

- A deputy sees their own archive (all congresses they hold or held a mandate in).
- Staff (ARCHIVE_MANAGE / ARCHIVE_VERIFY) work on their own congress's activities and
  records; leaders read them (ARCHIVE_VIEW_ALL).
- A station keeper verifies the station's kinds of self-reported records (接待、联系选民、
  述职) in their congress; once stations exist the queue narrows to the keeper's stations.
- Another congress's objects are 404, never 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from renda.core.models import Role
from renda.core.perms import Perm, congresses_with, has_perm
from renda.deputies.models import Deputy

from .models import STATION_KINDS, Activity, DutyRecord


def deputy_of(user: Any) -> Deputy | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_archive_deputy", "unset")
    if cached == "unset":
        cached = Deputy.objects.filter(user=user).first()
        user._archive_deputy = cached
    return cached


def require_deputy(user: Any) -> Deputy:
    deputy = deputy_of(user)
    if deputy is None or not congresses_with(user, Perm.ARCHIVE_OWN):
        raise PermissionDenied("只有代表本人可以使用履职档案。")
    return deputy


def get_activity_for(user: Any, pk: int, perm: Perm = Perm.ARCHIVE_MANAGE) -> Activity:
    activity = Activity.objects.filter(pk=pk).first()
    if activity is None or activity.congress_id not in user.congress_ids():
        raise Http404("没有这个活动。")
    if not has_perm(user, perm, activity.congress_id):
        raise PermissionDenied("您没有此项权限。")
    return activity


def verify_filter(user: Any) -> Q:
    """The self-reported records ``user`` may verify."""
    query = Q(pk__in=[])
    for ra in user.current_roles():
        if ra.role == Role.STATION_KEEPER:
            query |= Q(congress_id=ra.congress_id, kind__in=STATION_KINDS)
        elif has_perm(user, Perm.ARCHIVE_VERIFY, ra.congress_id):
            query |= Q(congress_id=ra.congress_id)
    return query & Q(self_reported=True)


def get_record_to_verify(user: Any, pk: int) -> DutyRecord:
    record = DutyRecord.objects.filter(pk=pk).select_related("deputy").first()
    if record is None or record.congress_id not in user.congress_ids():
        raise Http404("没有这条记录。")
    if not DutyRecord.objects.filter(verify_filter(user), pk=pk).exists():
        raise PermissionDenied("您不能核实这条记录。")
    return record


def can_view_deputy(user: Any, deputy: Deputy, congress_id: int) -> bool:
    own = deputy_of(user)
    if own is not None and own.pk == deputy.pk:
        return True
    return has_perm(user, Perm.ARCHIVE_VIEW_ALL, congress_id) and deputy.mandates.filter(
        congress_id=congress_id).exists()
