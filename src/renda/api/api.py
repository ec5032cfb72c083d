"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Errors are always ``{"detail": "<中文说明>", "errors": [{"field": ..., "message": ...}]}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from renda.core import audit
from renda.core.auth import AccountLocked
from renda.core.errors import DomainError, NotAllowed, NotFound
from renda.core.models import Congress, Notification
from renda.core.perms import Perm, congresses_with, has_perm
from renda.core.ratelimit import hit
from renda.deputies import queries as deputy_queries
from renda.deputies.models import Deputy

from .auth import AUTH, issue_token
from .schemas import (
    CongressOut,
    DeputyOut,
    DeputyPage,
    Error,
    MeOut,
    PasswordIn,
    TokenIn,
    TokenOut,
)

api = NinjaAPI(
    title="数字人大 renda API",
    version="1",
    description=(
        "代表、人大工作人员、承办单位和群众使用的接口。手机端用 Bearer 令牌，浏览器用会话。"
    ),
    auth=AUTH,
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, detail: str,
           errors: list[dict[str, Any]] | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []},
                               status=status)


FIELD_LABELS = {"login": "用户名或手机号", "password": "密码", "page": "页码",
                "page_size": "每页条数", "old_password": "原密码", "new_password": "新密码"}


@api.exception_handler(ValidationError)
def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for e in exc.errors:
        loc = [str(p) for p in e.get("loc", []) if p not in ("body", "query", "path", "payload")]
        field = ".".join(loc) or None
        label = FIELD_LABELS.get(loc[-1], loc[-1]) if loc else "请求"
        kind = e.get("type", "")
        if kind == "missing":
            message = f"{label}：必填"
        elif kind.startswith("string_too_short"):
            message = f"{label}：不能为空"
        elif kind.startswith("string_too_long"):
            message = f"{label}：太长"
        elif kind in ("int_parsing", "int_type"):
            message = f"{label}：应为整数"
        elif kind.startswith(("greater_than", "less_than")):
            message = f"{label}：超出允许范围"
        elif kind == "json_invalid":
            message = "请求内容不是有效的 JSON"
        else:
            message = f"{label}：格式不正确"
        errors.append({"field": field, "message": message})
    return _error(request, 422, "请求参数有误。", errors)


@api.exception_handler(AuthenticationError)
def on_auth(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "未登录或令牌已失效，请重新登录。")


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "不存在或您无权查看。")


@api.exception_handler(PermissionDenied)
def on_403(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, str(exc) or "您没有此项权限。")


@api.exception_handler(DomainError)
def on_domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, 400, exc.message,
                  [{"field": exc.field, "message": exc.message}] if exc.field else [])


@api.exception_handler(NotAllowed)
def on_not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
    """An action refused the caller itself (wrong role, not their unit): 403, not 400."""
    return _error(request, 403, exc.message)


@api.exception_handler(NotFound)
def on_not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return _error(request, 404, exc.message)


# ninja's own messages, by how they begin (in DEBUG the parser's error is appended)
HTTP_MESSAGES = {
    "Cannot parse request body": "请求内容无法解析：请发送有效的 JSON（UTF-8 编码）。",
    "CSRF check Failed": "CSRF 校验失败，请刷新页面后重试。",
}


@api.exception_handler(HttpError)
def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    for english, chinese in HTTP_MESSAGES.items():
        if message.startswith(english):
            message = chinese
            break
    return _error(request, exc.status_code, message)


# --- auth -------------------------------------------------------------------------------------


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: Error, 423: Error, 429: Error},
          tags=["auth"], summary="用用户名或手机号和密码换取令牌")
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    from django.contrib.auth import authenticate

    if not hit("token-ip", request.META.get("REMOTE_ADDR", ""), limit=60, window=300):
        return _error(request, 429, "登录尝试过于频繁，请稍后再试。")
    try:
        user = authenticate(request, username=payload.login, password=payload.password)
    except AccountLocked:
        return _error(request, 423, "连续登录失败次数过多，账号已锁定，请稍后再试。")
    if user is None or not user.is_active:
        return _error(request, 401, "用户名/手机号或密码不正确。")
    key, record = issue_token(user)
    audit.record("auth.token_issued", actor=user, obj=user, request=request,
                 congress=user.congress_id, summary={"prefix": record.prefix})
    return TokenOut(token=key, expires_at=record.expires_at,
                    must_change_password=user.must_change_password)


@api.delete("/auth/token", response={204: None}, tags=["auth"], summary="注销当前令牌")
def revoke_token(request: HttpRequest) -> Any:
    record = getattr(request, "api_token", None)
    if record is None:
        raise HttpError(400, "只有令牌登录才能注销令牌。")
    type(record).objects.filter(pk=record.pk).update(revoked_at=timezone.now())
    audit.record("auth.token_revoked", actor=request.user, obj=request.user, request=request,
                 congress=request.user.congress_id, summary={"prefix": record.prefix})
    return Status(204, None)


# --- me and congresses ----------------------------------------------------------------------


@api.post("/me/password", response={204: None, 400: Error, 422: Error}, tags=["me"],
          summary="修改本人密码（首次登录须先调用）")
def change_password(request: HttpRequest, payload: PasswordIn) -> Any:
    from renda.core.actions import change_password as do_change

    do_change(request.user, payload.old_password, payload.new_password, request=request)
    return Status(204, None)


@api.get("/me", response=MeOut, tags=["me"], summary="当前用户与角色")
def me(request: HttpRequest) -> Any:
    user = request.user
    deputy = Deputy.objects.filter(user=user).only("id").first()
    return {
        "id": user.pk, "username": user.username, "full_name": user.full_name,
        "phone": user.phone, "must_change_password": user.must_change_password,
        "deputy_id": deputy.pk if deputy else None,
        "roles": [{"congress_id": r.congress_id, "congress": r.congress.name, "role": r.role,
                   "role_label": r.get_role_display(), "organization_id": r.organization_id,
                   "organization": str(r.organization) if r.organization_id else None}
                  for r in user.roles.current().select_related("congress", "organization")],
        "unread_notifications": Notification.objects.filter(user=user).unread().count(),
    }


@api.get("/congresses", response=list[CongressOut], tags=["congresses"],
         summary="我有角色的人大")
def congresses(request: HttpRequest) -> Any:
    items = Congress.objects.visible_to(request.user).prefetch_related("terms")
    out = []
    for c in items:
        term = next((t for t in c.terms.all() if t.is_current), None)
        out.append({"id": c.pk, "name": c.name, "short_name": c.short_name, "level": c.level,
                    "level_label": c.get_level_display(), "region_code": c.region_code,
                    "parent_id": c.parent_id, "current_term": term.label if term else None})
    return out


# --- deputies ---------------------------------------------------------------------------------


class DeputyFilters(Schema):
    congress: int | None = None
    q: str = ""
    delegation: int | None = None
    group: int | None = None
    party: str = ""
    level: str = ""
    status: str = "active"
    page: int = 1
    page_size: int = 30


@api.get("/deputies", response=DeputyPage, tags=["deputies"], summary="代表名册（筛选、分页）")
def deputies(request: HttpRequest, filters: Query[DeputyFilters]) -> Any:
    ids = congresses_with(request.user, Perm.DEPUTIES_VIEW)
    if not ids:
        raise PermissionDenied("您没有查看代表名册的权限。")
    if filters.congress is not None and filters.congress not in ids:
        raise Http404
    congress = Congress.objects.get(pk=filters.congress or min(ids))
    if not 1 <= filters.page_size <= 200:
        return _error(request, 422, "请求参数有误。",
                      [{"field": "page_size", "message": "每页条数：应在 1 到 200 之间"}])
    flt = deputy_queries.RosterFilter.from_params(filters.dict())
    paginator = Paginator(deputy_queries.roster(congress, flt), filters.page_size)
    try:
        page = paginator.page(filters.page)
    except EmptyPage:
        if filters.page < 1 or paginator.count:
            message = f"页码：应在 1 到 {paginator.num_pages} 之间"
            return _error(request, 422, "请求参数有误。", [{"field": "page", "message": message}])
        page = paginator.page(1)
    contact = has_perm(request.user, Perm.DEPUTIES_VIEW_CONTACT, congress)
    return {
        "count": paginator.count, "page": page.number, "pages": paginator.num_pages,
        "page_size": filters.page_size,
        "items": [{
            "id": m.deputy_id, "mandate_id": m.pk, "name": m.deputy.name,
            "gender": m.deputy.get_gender_display(), "party": m.deputy.party,
            "work_unit": m.deputy.work_unit, "title": m.deputy.title,
            "delegation": m.delegation.name if m.delegation_id else None,
            "groups": [g.name for g in m.groups.all()],
            "phone": m.deputy.phone if contact else m.deputy.masked_phone,
            "status": m.status,
        } for m in page.object_list],
    }


@api.get("/deputies/{deputy_id}", response=DeputyOut, tags=["deputies"], summary="代表详情")
def deputy(request: HttpRequest, deputy_id: int) -> Any:
    person, mandates = deputy_queries.get_deputy_for(request.user, deputy_id)
    contact = deputy_queries.can_view_contact(request.user, mandates) or (
        person.user_id == request.user.pk)
    return {
        "id": person.pk, "name": person.name, "gender": person.get_gender_display(),
        "ethnicity": person.ethnicity, "birth_date": person.birth_date if contact else None,
        "party": person.party, "education": person.education, "work_unit": person.work_unit,
        "title": person.title, "phone": person.phone if contact else person.masked_phone,
        "bio": person.bio,
        "mandates": [{
            "id": m.pk, "congress_id": m.congress_id, "congress": m.congress.name,
            "term": m.term.label, "delegation": m.delegation.name if m.delegation_id else None,
            "constituency": m.constituency, "start_date": m.start_date,
            "end_date": m.end_date, "status": m.status, "end_reason": m.end_reason,
            "groups": [g.name for g in m.groups.all()],
        } for m in mandates],
    }


from .stations import public_router as stations_public_router  # noqa: E402

api.add_router("/stations", stations_public_router)  # first: see its definition

from .suggestions import router as suggestions_router  # noqa: E402

api.add_router("/suggestions", suggestions_router)

from .stations import router as stations_router  # noqa: E402

api.add_router("/stations", stations_router)

from .archive import router as archive_router  # noqa: E402

api.add_router("/archive", archive_router)

from .voting import router as voting_router  # noqa: E402

api.add_router("/voting", voting_router)

from .assist import router as assist_router  # noqa: E402

api.add_router("/assist", assist_router)
