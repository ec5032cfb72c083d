"""Read helpers for pages, the API, the figures and other apps (home cards)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from renda.core.perms import Perm, has_perm_anywhere
from renda.deputies.models import Deputy

from . import access
from .calendar import ReceptionDay, station_days
from .gazetteer import distance_km
from .models import Message, MessageStatus, Reception, Station, StationDeputy, TransferKind

PAGE_SIZE = 30


def active_stations() -> QuerySet[Station]:
    return Station.objects.filter(is_active=True).select_related("congress")


def station_deputies(station: Station) -> list[StationDeputy]:
    return list(station.assignments.select_related("deputy").order_by("sort_order", "id"))


def upcoming_days(station: Station, days: int = 60, limit: int = 6) -> list[tuple[ReceptionDay,
                                                                                   list[Deputy]]]:
    today = timezone.localdate()
    found = station_days(station, today, today + timedelta(days=days))[:limit]
    ids = {i for d in found for i in d.deputy_ids}
    people = Deputy.objects.in_bulk(ids)
    return [(d, [people[i] for i in d.deputy_ids if i in people]) for d in found]


@dataclass
class Nearby:
    station: Station
    km: float


def nearest(lat: float, lon: float, limit: int = 8) -> list[Nearby]:
    """Stations by straight-line distance (a city has tens of stations: computed in Python)."""
    items = [Nearby(s, distance_km(lat, lon, s.lat, s.lon)) for s in active_stations()]
    return sorted(items, key=lambda n: n.km)[:limit]


def find_deputies(q: str, limit: int = 30) -> list[tuple[Deputy, list[Station]]]:
    """Deputies assigned to an active station, by name (public: no contact details)."""
    q = (q or "").strip()[:20]
    if not q:
        return []
    rows = (StationDeputy.objects.filter(deputy__name__contains=q, station__is_active=True)
            .select_related("deputy", "station").order_by("deputy__name", "deputy_id"))
    out: dict[int, tuple[Deputy, list[Station]]] = {}
    for row in rows:
        out.setdefault(row.deputy_id, (row.deputy, []))[1].append(row.station)
    return list(out.values())[:limit]


def find_stations(q: str) -> list[Station]:
    q = (q or "").strip()[:30]
    if not q:
        return []
    return list(active_stations().filter(Q(name__contains=q) | Q(address__contains=q))[:30])


@dataclass
class MessageFilter:
    status: str = ""
    station: int | None = None
    category: str = ""
    overdue: bool = False
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> MessageFilter:
        def _int(v: Any) -> int | None:
            try:
                return int(v) if v not in (None, "") else None
            except (TypeError, ValueError):
                return None
        status = params.get("status") or ""
        return cls(status=status if status in MessageStatus.values else "",
                   station=_int(params.get("station")), category=params.get("category") or "",
                   overdue=params.get("overdue") in ("1", "true", "on"),
                   q=(params.get("q") or "").strip()[:30])


def message_list(user: Any, congress_id: int, flt: MessageFilter) -> QuerySet[Message]:
    qs = (Message.objects.visible_to(user).filter(congress_id=congress_id)
          .select_related("station", "unit"))
    if flt.status:
        qs = qs.filter(status=flt.status)
    if flt.station:
        qs = qs.filter(station_id=flt.station)
    if flt.category:
        qs = qs.filter(category=flt.category)
    if flt.q:
        qs = qs.filter(Q(code=flt.q.upper()) | Q(content__contains=flt.q))
    if flt.overdue:
        today = timezone.localdate()
        qs = qs.filter(Q(status=MessageStatus.RECEIVED, accept_due__lt=today)
                       | Q(status=MessageStatus.TRANSFERRED, answer_due__lt=today))
    return qs.order_by("-created_at", "-id")


def page_of(qs: QuerySet[Message], page: int, size: int = PAGE_SIZE) -> tuple[list[Message], bool]:
    """One page without counting a million rows: the rows and whether there is a next page."""
    page = max(1, page)
    rows = list(qs[(page - 1) * size: page * size + 1])
    return rows[:size], len(rows) > size


def unit_inbox(user: Any) -> QuerySet[Message]:
    return (Message.objects.filter(unit_id__in=access.unit_ids(user), transfer_kind=TransferKind.UNIT)
            .select_related("station", "unit").order_by("status", "answer_due", "-id"))


def home_cards(user: Any, role_set: set[str]) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    if has_perm_anywhere(user, Perm.STATIONS_MANAGE):
        from renda.core.perms import congresses_with

        ids = congresses_with(user, Perm.STATIONS_MANAGE)
        n = Message.objects.filter(congress_id__in=ids, status=MessageStatus.RECEIVED).count()
        cards.append({"title": "群众留言", "value": n, "unit": "条待受理",
                      "url": "stations:messages", "action": "处理留言", "hot": n > 0})
    if has_perm_anywhere(user, Perm.STATIONS_ANSWER) and access.unit_ids(user):
        n = unit_inbox(user).filter(status=MessageStatus.TRANSFERRED).count()
        cards.append({"title": "转办留言", "value": n, "unit": "条待答复",
                      "url": "stations:inbox", "action": "答复留言", "hot": n > 0})
    if access.kept_station_ids(user):
        kept = access.kept_station_ids(user)
        n = Message.objects.filter(station_id__in=kept, status=MessageStatus.RECEIVED).count()
        cards.append({"title": "联络站", "value": n, "unit": "条本站留言待受理",
                      "url": "stations:keeper", "action": "记录接待、处理留言"})
    return cards


def reception_counts(congress_id: int, start: date, end: date) -> list[tuple[str, int, int]]:
    """Receptions per deputy in a period: (name, receptions, check-ins)."""
    rows = (Reception.objects.filter(station__congress_id=congress_id, date__gte=start,
                                     date__lte=end)
            .values("attendance__deputy__name")
            .annotate(n=Count("id"), checked=Count("attendance__checked_in_at"))
            .order_by("-n", "attendance__deputy__name"))
    return [(r["attendance__deputy__name"], r["n"], r["checked"]) for r in rows
            if r["attendance__deputy__name"]]


SIMILAR_DAYS = 180
SIMILAR_POOL = 2000


def similar_messages(user: Any, message: Message, *, k: int = 5, min_score: float = 0.3
                     ) -> list[tuple[Message, float]]:
    """Messages most like ``message`` among those ``user`` may see in the same congress
    over the last half year, best first: the same matter raised by several citizens (to
    hand them to one unit), or one already answered (to answer alike)."""
    from renda.assist.similar import SimilarIndex

    since = message.created_at - timedelta(days=SIMILAR_DAYS)
    rows = list(Message.objects.visible_to(user)
                .filter(congress_id=message.congress_id, created_at__gte=since)
                .exclude(pk=message.pk)
                .select_related("station", "unit")
                .only("id", "code", "content", "status", "created_at", "station__name",
                      "unit__name", "answered_at")
                .order_by("-created_at")[:SIMILAR_POOL])
    if not rows:
        return []
    by_id = {m.pk: m for m in rows}
    matches = SimilarIndex((m.pk, m.content) for m in rows).query(message.content, k=k,
                                                                  min_score=min_score)
    return [(by_id[x.key], x.score) for x in matches]

