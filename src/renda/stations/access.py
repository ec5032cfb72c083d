"""Who may see which message and as whom they act on it — the one place for scoping.

Staff (``stations.manage``) and leaders (``stations.view_all``) see every message of their
congress; a keeper sees the messages of the stations they keep; a unit sees only the
messages transferred to it. The citizen's phone number is shown in full only to staff who
handle messages and to the unit handling that message; everyone else sees 138****1234.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404

from renda.core.models import Role
from renda.core.perms import ROLE_PERMS, Perm, has_perm

from . import states
from .models import Message, MessageStatus, Station, TransferKind


def kept_station_ids(user: Any, congress_id: int | None = None) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = getattr(user, "_kept_stations", None)
    if cache is None:
        keeper_congresses = {ra.congress_id for ra in user.current_roles()
                             if ra.role == Role.STATION_KEEPER}
        cache = dict(Station.objects.filter(keepers=user, congress_id__in=keeper_congresses)
                     .values_list("id", "congress_id"))
        user._kept_stations = cache
    return {sid for sid, cid in cache.items() if congress_id is None or cid == congress_id}


def unit_ids(user: Any, congress_id: int | None = None) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {ra.organization_id for ra in user.current_roles()
            if ra.role == Role.UNIT and ra.organization_id
            and (congress_id is None or ra.congress_id == congress_id)}


def visible_filter(user: Any) -> Q:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    query = Q(pk__in=[])
    for ra in user.current_roles():
        if Perm.STATIONS_VIEW_ALL in ROLE_PERMS.get(ra.role, frozenset()):
            query |= Q(congress_id=ra.congress_id)
    kept = kept_station_ids(user)
    if kept:
        query |= Q(station_id__in=kept)
    units = unit_ids(user)
    if units:
        query |= Q(unit_id__in=units, transfer_kind=TransferKind.UNIT)
    return query


def roles_for(user: Any, message: Message) -> set[str]:
    """The workflow roles ``user`` holds towards ``message``."""
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False):
        return roles
    if has_perm(user, Perm.STATIONS_MANAGE, message.congress_id):
        roles.add(states.STAFF)
    if message.station_id and message.station_id in kept_station_ids(user, message.congress_id):
        roles.add(states.KEEPER)
    if (message.unit_id and message.transfer_kind == TransferKind.UNIT
            and message.unit_id in unit_ids(user, message.congress_id)):
        roles.add(states.UNIT)
    return roles


def sees_phone(user: Any, message: Message) -> bool:
    """Staff handling messages, and the unit the message was transferred to."""
    roles = roles_for(user, message)
    return states.STAFF in roles or states.UNIT in roles


def shown_phone(user: Any, message: Message) -> str:
    return message.phone if sees_phone(user, message) else message.masked_phone


def get_message_for(user: Any, pk: Any) -> Message:
    """The message if ``user`` may see it; 404 otherwise (never reveals existence)."""
    try:
        return (Message.objects.visible_to(user)
                .select_related("station", "deputy", "unit", "suggestion", "congress")
                .get(pk=int(pk)))
    except (Message.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这条留言，或您无权查看。") from None


def get_station_for_keeper(user: Any, pk: Any) -> Station:
    """A station the user keeps, or one of a congress where the user manages stations."""
    try:
        station = Station.objects.select_related("congress").get(pk=int(pk))
    except (Station.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这个联络站。") from None
    if station.pk in kept_station_ids(user) or has_perm(user, Perm.STATIONS_MANAGE,
                                                         station.congress_id):
        return station
    raise Http404("没有这个联络站。")


OPEN_FOR_UNIT = (MessageStatus.TRANSFERRED,)
