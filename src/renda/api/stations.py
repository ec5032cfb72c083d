"""联络站 through the API, under /api/v1/stations: the public message form and tracking
(no login), and the handling of messages by staff, keepers and units.

Every endpoint is thin: it gets the object through ``renda.stations.access`` and calls the
same function of ``renda.stations.actions`` as the web pages.

- 429 — too many messages from one IP (5 in 10 minutes by default) or one phone number;
- 400 — a rule refused it (bad content, wrong phone, wrong challenge answer, illegal step);
- 404 — no such message, or the caller may not see it (another unit's message is 404);
- 422 — the body could not be parsed.

Phone numbers are shown in full only to staff handling messages and to the unit the
message was transferred to; everyone else gets 138****1234.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel

from renda.core.errors import DomainError
from renda.core.perms import Perm, congresses_with
from renda.core.ratelimit import hit
from renda.deputies.models import Deputy
from renda.stations import access, actions, antiabuse, queries, states
from renda.stations.models import Message, MessageStatus, Station

from .schemas import Error

router = Router(tags=["stations"])
# The citizens' endpoints (no login), mounted at the same prefix ahead of every other
# router: the message form is the busiest endpoint and URLs are matched in order.
public_router = Router(tags=["stations"])
E = {400: Error, 403: Error, 404: Error, 422: Error}


class ChallengeOut(Schema):
    question: str
    token: str


class MessageIn(BaseModel):
    # A plain pydantic model: input only, so it needs none of Schema's reading of Django
    # objects, which costs more than the validation itself on the busiest endpoint.
    content: str = Field(..., max_length=5000, description="留言内容，5–2000字")
    category: str = "other"
    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)
    challenge_token: str = Field(..., max_length=500)
    challenge_answer: str = Field(..., max_length=10)
    website: str = Field("", max_length=200, description="防机器人字段，必须留空")


class SubmittedOut(BaseModel):
    # Plain pydantic as MessageIn: building a Schema runs its reader of Django objects,
    # which cost more than the rest of writing the answer.
    code: str
    status: str
    track_url: str


class StepOut(Schema):
    status: str
    status_label: str
    at: datetime


class TrackOut(Schema):
    code: str
    status: str
    status_label: str
    category: str
    content: str
    created_at: datetime
    station: str | None
    unit: str | None
    answer_due: date | None
    answer: str
    answered_by: str
    answered_at: datetime | None
    reject_reason: str
    rating: str
    steps: list[StepOut]


class RatingIn(Schema):
    rating: str = Field(..., description="satisfied 或 unsatisfied")
    comment: str = Field("", max_length=1000)


class MessageOut(Schema):
    id: int
    code: str
    status: str
    status_label: str
    category: str
    content: str
    station_id: int | None
    deputy_id: int | None
    name: str
    phone: str
    created_at: datetime
    accept_due: date | None
    unit_id: int | None
    suggestion_id: int | None
    answer_due: date | None
    answer: str
    reject_reason: str
    rating: str


class MessagePage(Schema):
    page: int
    has_next: bool
    items: list[MessageOut]


class ProposalOut(Schema):
    unit_id: int | None
    name: str
    confidence: float


class RoutingOut(Schema):
    source: str = Field(..., description="model（按历史训练的模型）| rules（关键词规则）| none")
    warning: str
    proposals: list[ProposalOut]


class SimilarMessageOut(Schema):
    id: int
    code: str
    status: str
    status_label: str
    created_at: datetime
    score: float


class AssistOut(Schema):
    routing: RoutingOut | None = Field(..., description="推荐承办单位；只给能转办这条留言的人")
    similar: list[SimilarMessageOut]


class ListQuery(Schema):
    congress: int | None = None
    status: str = ""
    station: int | None = None
    category: str = ""
    overdue: bool = False
    q: str = ""
    page: int = Field(1, ge=1, le=100000)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=1000)


class TransferIn(Schema):
    unit_id: int | None = None
    deputy_id: int | None = None
    due: date | None = None


class AnswerIn(Schema):
    answer: str = Field(..., max_length=10000)


def _ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _message_out(user: Any, m: Message) -> dict[str, Any]:
    sees = access.sees_phone(user, m)
    return {"id": m.pk, "code": m.code, "status": m.status, "status_label": m.get_status_display(),
            "category": m.category, "content": m.content, "station_id": m.station_id,
            "deputy_id": m.deputy_id, "name": m.name if sees else m.masked_name,
            "phone": m.phone if sees else m.masked_phone, "created_at": m.created_at,
            "accept_due": m.accept_due, "unit_id": m.unit_id, "suggestion_id": m.suggestion_id,
            "answer_due": m.answer_due, "answer": m.answer, "reject_reason": m.reject_reason,
            "rating": m.rating}


def _submit(request: HttpRequest, payload: MessageIn, *, station: Station | None = None,
            deputy: Deputy | None = None) -> Any:
    data = actions.MessageData(content=payload.content, category=payload.category,
                               name=payload.name, phone=payload.phone,
                               challenge_token=payload.challenge_token,
                               challenge_answer=payload.challenge_answer, website=payload.website)
    try:
        m = actions.submit_message(station=station, deputy=deputy, data=data, ip=_ip(request),
                                   request=request)
    except antiabuse.RateLimited as exc:
        return Status(429, {"detail": exc.message, "errors": []})
    # A schema instance is not validated again (the busiest endpoint).
    return Status(201, SubmittedOut(code=m.code, status=m.status, track_url=f"/track/{m.code}/"))


# --- public --------------------------------------------------------------------------------------


@public_router.get("/public/challenge", auth=None, response=ChallengeOut, summary="取一道验证题（留言前）")
def challenge(request: HttpRequest) -> Any:
    question, token = antiabuse.make_challenge()
    return {"question": question, "token": token}


@public_router.post("/public/stations/{station_id}/messages", auth=None,
             response={201: SubmittedOut, 429: Error, **E}, summary="在联络站留言（无需登录）")
def submit_to_station(request: HttpRequest, station_id: int, payload: MessageIn) -> Any:
    # The busiest public endpoint: the station comes from the process's memory.
    station = Station.open_for_messages(station_id)
    if station is None:
        raise Http404
    return _submit(request, payload, station=station)


@public_router.post("/public/deputies/{deputy_id}/messages", auth=None,
             response={201: SubmittedOut, 429: Error, **E}, summary="给代表留言（无需登录）")
def submit_to_deputy(request: HttpRequest, deputy_id: int, payload: MessageIn) -> Any:
    deputy = get_object_or_404(Deputy, pk=deputy_id, stations__is_active=True)
    return _submit(request, payload, deputy=deputy)


def _tracked(request: HttpRequest, code: str) -> Message:
    if not hit("stations-track", _ip(request), limit=60, window=600):
        raise DomainError("查询太频繁，请10分钟后再试。")
    return get_object_or_404(Message.objects.select_related("station", "unit"),
                             code=code.strip().upper())


@public_router.get("/public/messages/{code}", auth=None, response={200: TrackOut, **E},
            summary="凭查询码看办理进度和答复（不含任何个人信息）")
def track(request: HttpRequest, code: str) -> Any:
    m = _tracked(request, code)
    return {"code": m.code, "status": m.status, "status_label": m.get_status_display(),
            "category": m.category, "content": m.content, "created_at": m.created_at,
            "station": m.station.name if m.station_id else None,
            "unit": m.unit.name if m.unit_id else None, "answer_due": m.answer_due,
            "answer": m.answer, "answered_by": m.answered_by, "answered_at": m.answered_at,
            "reject_reason": m.reject_reason, "rating": m.rating,
            "steps": [{"status": t.to_status, "status_label": t.get_to_status_display(), "at": t.at}
                      for t in m.transitions.all()]}


@public_router.post("/public/messages/{code}/rating", auth=None, response={200: TrackOut, **E},
             summary="评价答复（满意/不满意），留言随之办结")
def rate(request: HttpRequest, code: str, payload: RatingIn) -> Any:
    _tracked(request, code)
    actions.rate(code, payload.rating, payload.comment, request=request)
    return track(request, code)


# --- staff, keepers, units ------------------------------------------------------------------------


@router.get("/messages", response={200: MessagePage, **E}, summary="留言列表（按角色限定范围）")
def message_list(request: HttpRequest, filters: Query[ListQuery]) -> Any:
    user = request.user
    ids = (congresses_with(user, Perm.STATIONS_VIEW_ALL) | congresses_with(user, Perm.STATIONS_KEEP)
           | congresses_with(user, Perm.STATIONS_ANSWER))
    if not ids:
        return Status(403, {"detail": "您没有查看群众留言的权限。", "errors": []})
    if filters.congress is not None and filters.congress not in ids:
        return Status(404, {"detail": "不存在或您无权查看。", "errors": []})
    congress_id = filters.congress or min(ids)
    flt = queries.MessageFilter.from_params(filters.dict())
    rows, has_next = queries.page_of(queries.message_list(user, congress_id, flt), filters.page)
    return {"page": filters.page, "has_next": has_next,
            "items": [_message_out(user, m) for m in rows]}


@router.get("/messages/{message_id}", response={200: MessageOut, **E}, summary="留言详情")
def message_detail(request: HttpRequest, message_id: int) -> Any:
    return _message_out(request.user, access.get_message_for(request.user, message_id))


@router.get("/messages/{message_id}/assist", response={200: AssistOut, **E},
            summary="办理辅助：推荐承办单位和相似留言（仅供参考）")
def message_assist(request: HttpRequest, message_id: int) -> Any:
    from renda.assist import queries as assist
    from renda.assist.models import RoutingTarget

    m = access.get_message_for(request.user, message_id)
    routing = None
    if MessageStatus.TRANSFERRED in states.allowed_targets(m.status, access.roles_for(request.user, m)):
        result = assist.route(m.congress_id, m.content, target=RoutingTarget.MESSAGE_UNIT)
        routing = {"source": result.source, "warning": result.warning,
                   "proposals": [{"unit_id": p.unit_id, "name": p.name,
                                  "confidence": round(p.confidence, 4)} for p in result.proposals]}
    return {"routing": routing,
            "similar": [{"id": x.pk, "code": x.code, "status": x.status,
                         "status_label": x.get_status_display(), "created_at": x.created_at,
                         "score": round(score, 4)}
                        for x, score in queries.similar_messages(request.user, m)]}


@router.post("/messages/{message_id}/accept", response={200: MessageOut, **E}, summary="受理")
def accept(request: HttpRequest, message_id: int) -> Any:
    m = access.get_message_for(request.user, message_id)
    return _message_out(request.user, actions.accept(request.user, m, request=request))


@router.post("/messages/{message_id}/reject", response={200: MessageOut, **E},
             summary="不予受理（写明理由）")
def reject(request: HttpRequest, message_id: int, payload: ReasonIn) -> Any:
    m = access.get_message_for(request.user, message_id)
    return _message_out(request.user, actions.reject(request.user, m, payload.reason,
                                                     request=request))


@router.post("/messages/{message_id}/transfer", response={200: MessageOut, **E},
             summary="转承办单位（unit_id）或转为代表建议草稿（deputy_id）")
def transfer(request: HttpRequest, message_id: int, payload: TransferIn) -> Any:
    m = access.get_message_for(request.user, message_id)
    if (payload.unit_id is None) == (payload.deputy_id is None):
        raise DomainError("请指定承办单位（unit_id）或代表（deputy_id）之一。", field="unit_id")
    if payload.unit_id is not None:
        m = actions.transfer_to_unit(request.user, m, payload.unit_id, due=payload.due,
                                     request=request)
    else:
        m = actions.transfer_to_suggestion(request.user, m, payload.deputy_id, due=payload.due,
                                           request=request)
    return _message_out(request.user, m)


@router.post("/messages/{message_id}/answer", response={200: MessageOut, **E}, summary="答复")
def answer(request: HttpRequest, message_id: int, payload: AnswerIn) -> Any:
    m = access.get_message_for(request.user, message_id)
    return _message_out(request.user, actions.answer(request.user, m, payload.answer,
                                                     request=request))
