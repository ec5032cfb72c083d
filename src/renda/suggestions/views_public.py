"""Published suggestions and their replies, for everyone, without login (DESIGN §5.1
"Publication"). Read-only and cache-friendly.

Only what staff published (``published_at`` set) is shown, and only the public part of
it: number, title, the lead deputy's name, the field, the text, the units and their
replies with class. Never a phone number, an account name, a contact record, a co-unit's
view or an evaluation comment; phone numbers, e-mail addresses and ID numbers written
into the texts themselves are hidden as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from renda.core.models import Congress, Organization

from .actions import reply_classes
from .models import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Category,
    Reply,
    Suggestion,
)

PER_PAGE = 20
MAX_AGE = 300
HIDDEN = "（联系方式已隐去）"

# Mobile and landline numbers, e-mail addresses and ID card numbers written into a text.
_CONTACT_RE = re.compile(
    r"(?<![0-9])(?:"
    r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]"  # ID
    r"|(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}"                                # mobile
    r"|0\d{2,3}[- ]?\d{7,8}"                                                       # landline
    r"|\(0\d{2,3}\)\s?\d{7,8}"
    r")(?![0-9])"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"                        # e-mail
)


def redact(text: str) -> str:
    """The text with phone numbers, e-mail addresses and ID numbers hidden."""
    return _CONTACT_RE.sub(HIDDEN, text or "")


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in ("", None) else None
    except (TypeError, ValueError):
        return None


@dataclass
class PublicFilter:
    congress: int | None = None
    q: str = ""
    category: int | None = None
    unit: int | None = None

    @classmethod
    def from_params(cls, params: Any) -> PublicFilter:
        return cls(congress=_int(params.get("congress")),
                   q=" ".join((params.get("q") or "").split())[:50],
                   category=_int(params.get("category")), unit=_int(params.get("unit")))

    @property
    def words(self) -> list[str]:
        return self.q.split()[:5]

    def query(self) -> str:
        """The filter as a query string, for the pager's links."""
        return urlencode({k: v for k, v in (("congress", self.congress), ("q", self.q),
                                            ("category", self.category), ("unit", self.unit))
                          if v})


def published() -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(published_at__isnull=False)


def _handling(qs: QuerySet[Assignment] | None = None) -> QuerySet[Assignment]:
    """The units that handle (or handled) it; a unit that handed it back is not one."""
    return (qs if qs is not None else Assignment.objects.all()).exclude(
        status=AssignmentStatus.WITHDRAWN)


def search(flt: PublicFilter) -> QuerySet[Suggestion]:
    qs = published()
    if flt.congress:
        qs = qs.filter(congress_id=flt.congress)
    for word in flt.words:
        qs = qs.filter(Q(title__icontains=word) | Q(problem__icontains=word)
                       | Q(analysis__icontains=word) | Q(measures__icontains=word))
    if flt.category:
        qs = qs.filter(category_id=flt.category)
    if flt.unit:
        qs = qs.filter(Exists(_handling().filter(suggestion_id=OuterRef("pk"),
                                                 unit_id=flt.unit)))
    return qs


def _respond(request: HttpRequest, template: str, context: dict[str, Any],
             last_modified: datetime | None = None) -> HttpResponse:
    """Render with caching headers: Last-Modified and 304 for anonymous readers; shared
    caches may keep the page only when it sets no cookie (it is the same for everyone)."""
    anonymous = not request.user.is_authenticated
    stamp = int(last_modified.timestamp()) if last_modified else None
    if anonymous and stamp is not None:
        not_modified = get_conditional_response(request, last_modified=stamp)
        if not_modified is not None:
            patch_cache_control(not_modified, private=True, max_age=MAX_AGE)
            return not_modified
    response = render(request, template, context)
    if not anonymous:
        patch_cache_control(response, private=True, no_cache=True)
        return response
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        # The page frame put a CSRF token in it: a cookie is set, so no shared cache.
        patch_cache_control(response, private=True, max_age=MAX_AGE)
    else:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    flt = PublicFilter.from_params(request.GET)
    qs = (search(flt)
          .select_related("congress", "lead_deputy", "category")
          .only("id", "number", "title", "published_at", "congress__name",
                "congress__short_name", "lead_deputy__name", "category__name")
          .prefetch_related(Prefetch(
              "assignments",
              queryset=_handling().select_related("unit").only(
                  "id", "suggestion_id", "kind", "unit__name", "unit__short_name")
              .order_by("kind", "id")))
          .order_by("-published_at", "-id"))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    scope = published()
    if flt.congress:
        scope = scope.filter(congress_id=flt.congress)
    congresses = list(Congress.objects.filter(pk__in=published().values("congress_id"))
                      .order_by("level", "region_code", "id"))
    many = len(congresses) > 1 and not flt.congress
    categories = list(Category.objects.filter(pk__in=scope.values("category_id"))
                      .select_related("congress").order_by("congress_id", "sort_order", "id"))
    units = list(Organization.objects.filter(
        pk__in=_handling().filter(suggestion__in=scope).values("unit_id"))
        .select_related("congress").order_by("congress_id", "name"))
    return _respond(request, "suggestions/public_list.html", {
        "page": page, "flt": flt, "query": flt.query(), "congresses": congresses,
        "categories": categories, "units": units, "many": many,
    })


@require_safe
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = get_object_or_404(published().select_related("congress", "lead_deputy", "category",
                                                      "session"), pk=pk)
    classes = {c.code: c for c in reply_classes(s.congress_id)}
    assignments = list(_handling(s.assignments.all()).select_related("unit").prefetch_related(
        Prefetch("replies", queryset=Reply.objects.only(
            "id", "assignment_id", "round", "reply_class", "text", "replied_at"))))
    units = []
    stamps = [s.published_at, s.updated_at]
    for a in assignments:
        answers = a.kind in (AssignmentKind.LEAD, AssignmentKind.SEPARATE)
        replies = [{
            "round": r.round, "date": r.replied_at,
            "klass": str(classes[r.reply_class]) if r.reply_class in classes
            else f"{r.reply_class}类",
            "text": redact(r.text),
        } for r in a.replies.all()] if answers else []
        stamps += [r["date"] for r in replies]
        units.append({"name": a.unit.name, "kind": a.get_kind_display(), "answers": answers,
                      "replies": replies})
    return _respond(request, "suggestions/public_detail.html", {
        "s": s, "units": units, "title": redact(s.title),
        "problem": redact(s.problem), "analysis": redact(s.analysis),
        "measures": redact(s.measures),
    }, last_modified=max(t for t in stamps if t))
