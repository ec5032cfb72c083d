"""Sign-in, home, notifications, organizations, users and roles, security policy, audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import actions, audit
from .access import congresses_for, pick_congress
from .errors import DomainError
from .forms import (
    LoginForm,
    PasswordChangeForm,
    RoleGrantForm,
    SecurityPolicyForm,
    UserCreateForm,
)
from .models import (
    AuditEvent,
    Notification,
    Organization,
    OrgKind,
    Role,
    RoleAssignment,
    SecurityPolicy,
    User,
)
from .perms import Perm
from .ratelimit import hit


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "您没有权限访问此页面。"
    return render(request, "core/error.html", {"code": 403, "message": message}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"code": 404, "message": "页面不存在或您无权查看。"},
                  status=404)


# --- sign-in ---------------------------------------------------------------------------------


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request, request.POST or None)
    if request.method == "POST":
        if not hit("login-ip", request.META.get("REMOTE_ADDR", ""), limit=60, window=300):
            form.add_error(None, "登录尝试过于频繁，请稍后再试。")
        elif form.is_valid():
            auth_login(request, form.user)
            audit.record("auth.login", actor=form.user, obj=form.user, request=request,
                         congress=form.user.congress_id,
                         summary={"user": form.user.username})
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = ""
            return redirect(target or "core:home")
    return render(request, "core/login.html", {"form": form,
                                               "next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record("auth.logout", actor=request.user, obj=request.user, request=request,
                     congress=request.user.congress_id)
    auth_logout(request)
    messages.info(request, "您已退出登录。")
    return redirect("core:login")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_password(request.user, form.cleaned_data["old_password"],
                                    form.cleaned_data["new_password"], request=request)
        except DomainError as err:
            form.add_error(err.field, err.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect("core:home")
    return render(request, "core/password_change.html", {"form": form})


# --- home ------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = list(user.roles.current().select_related("congress", "organization"))
    role_set = {r.role for r in roles}
    cards: list[dict[str, Any]] = []
    from renda.deputies.queries import home_cards

    cards.extend(home_cards(user, role_set))
    from renda.suggestions.queries import home_cards as suggestion_cards

    cards.extend(suggestion_cards(user, role_set))
    from renda.archive.queries import home_cards as archive_cards

    cards.extend(archive_cards(user, role_set))
    from renda.stations.queries import home_cards as station_cards

    cards.extend(station_cards(user, role_set))
    from renda.voting.queries import home_cards as voting_cards

    cards.extend(voting_cards(user, role_set))
    from renda.assist.queries import home_cards as assist_cards

    cards.extend(assist_cards(user, role_set))
    if Role.SYSADMIN in role_set:
        pending = User.objects.filter(congress_id__in=user.congress_ids(),
                                      must_change_password=True, is_active=True).count()
        cards.append({"title": "账号管理", "value": pending, "unit": "个账号尚未首次登录改密",
                      "url": "core:users", "action": "管理账号"})
    if Role.SECADMIN in role_set:
        locked = User.objects.filter(congress_id__in=user.congress_ids(),
                                     locked_until__gt=timezone.now()).count()
        cards.append({"title": "安全管理", "value": locked, "unit": "个账号被锁定",
                      "url": "core:security", "action": "角色与安全策略"})
    if Role.AUDITOR in role_set:
        since = timezone.now() - timezone.timedelta(days=1)
        failures = AuditEvent.objects.filter(
            created_at__gte=since, action__in=["auth.failed", "auth.locked"]).count()
        cards.append({"title": "安全审计", "value": failures, "unit": "次登录失败（24小时内）",
                      "url": "core:audit", "action": "查看审计日志"})
    notes = list(Notification.objects.filter(user=user).unread()[:5])
    return render(request, "core/home.html", {"roles": roles, "cards": cards, "notes": notes})


# --- notifications ---------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(Notification.objects.filter(user=request.user), 20).get_page(
        request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
        return redirect(note.url)
    return redirect("core:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user).unread().update(read_at=timezone.now())
    return redirect("core:notifications")


# --- organizations ----------------------------------------------------------------------------


@login_required
def organizations(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.ORGS_VIEW, request.GET.get("congress"))
    orgs = (Organization.objects.filter(congress=congress).select_related("parent")
            .annotate(user_count=Count("roles", filter=Q(roles__end_date__isnull=True))))
    kind = request.GET.get("kind", "")
    if kind in OrgKind.values:
        orgs = orgs.filter(kind=kind)
    groups: dict[str, list[Organization]] = {}
    for org in orgs:
        groups.setdefault(org.get_kind_display(), []).append(org)
    return render(request, "core/organizations.html", {
        "congress": congress, "groups": groups, "kinds": OrgKind.choices, "kind": kind,
        "congresses": congresses_for(request.user, Perm.ORGS_VIEW),
    })


# --- users and roles (三员) --------------------------------------------------------------------


@login_required
def users(request: HttpRequest) -> HttpResponse:
    """Accounts of a congress: the sysadmin creates and resets them, the secadmin grants
    roles. The auditor has no business here."""
    try:
        congress = pick_congress(request.user, Perm.USERS_MANAGE, request.GET.get("congress"))
        can_manage = True
    except PermissionDenied:
        congress = pick_congress(request.user, Perm.ROLES_ASSIGN, request.GET.get("congress"))
        can_manage = False
    from .perms import has_perm

    can_grant = has_perm(request.user, Perm.ROLES_ASSIGN, congress)
    qs = actions.users_of(congress).order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(phone=q))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    role_map: dict[int, list[RoleAssignment]] = {}
    for ra in RoleAssignment.objects.current().filter(
        user__in=[u.pk for u in page.object_list], congress=congress
    ).select_related("organization"):
        role_map.setdefault(ra.user_id, []).append(ra)
    for u in page.object_list:
        u.congress_roles = role_map.get(u.pk, [])
    created = request.session.pop("renda_new_password", None)
    return render(request, "core/users.html", {
        "congress": congress, "page": page, "q": q, "can_manage": can_manage,
        "can_grant": can_grant, "create_form": UserCreateForm(),
        "grant_form": RoleGrantForm(congress), "created": created,
    })


def _congress_from_post(request: HttpRequest, perm: Perm) -> Any:
    return pick_congress(request.user, perm, request.POST.get("congress"))


@login_required
@require_POST
def user_create(request: HttpRequest) -> HttpResponse:
    congress = _congress_from_post(request, Perm.USERS_MANAGE)
    form = UserCreateForm(request.POST)
    if form.is_valid():
        try:
            user, password = actions.create_user(request.user, congress, request=request,
                                                 **form.cleaned_data)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            request.session["renda_new_password"] = {"username": user.username,
                                                     "password": password}
            messages.success(request, f"已创建账号 {user.username}。")
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}"
                                         for f, e in form.errors.items()))
    return redirect(f"/users/?congress={congress.pk}")


@login_required
@require_POST
def user_reset(request: HttpRequest, pk: int) -> HttpResponse:
    congress = _congress_from_post(request, Perm.USERS_MANAGE)
    user = get_object_or_404(actions.users_of(congress), pk=pk)
    try:
        password = actions.reset_password(request.user, congress, user, request=request)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        request.session["renda_new_password"] = {"username": user.username,
                                                 "password": password}
    return redirect(f"/users/?congress={congress.pk}")


@login_required
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    congress = _congress_from_post(request, Perm.USERS_MANAGE)
    user = get_object_or_404(actions.users_of(congress), pk=pk)
    try:
        actions.set_user_active(request.user, congress, user,
                                request.POST.get("active") == "1", request=request)
    except DomainError as err:
        messages.error(request, err.message)
    return redirect(f"/users/?congress={congress.pk}")


@login_required
@require_POST
def role_grant(request: HttpRequest) -> HttpResponse:
    congress = _congress_from_post(request, Perm.ROLES_ASSIGN)
    form = RoleGrantForm(congress, request.POST)
    if form.is_valid():
        user = User.objects.get_by_login(form.cleaned_data["login"])
        if user is None:
            messages.error(request, "没有找到这个用户名或手机号。")
        else:
            try:
                actions.grant_role(request.user, congress, user, form.cleaned_data["role"],
                                   form.cleaned_data["organization"], request=request)
            except DomainError as err:
                messages.error(request, err.message)
            else:
                messages.success(request, "已授权。")
    else:
        messages.error(request, "请检查授权表单。")
    return redirect(f"/users/?congress={congress.pk}")


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    congress = _congress_from_post(request, Perm.ROLES_ASSIGN)
    assignment = get_object_or_404(RoleAssignment, pk=pk, congress=congress)
    try:
        actions.revoke_role(request.user, assignment, request=request)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, "已撤销角色。")
    return redirect(f"/users/?congress={congress.pk}")


@login_required
def security(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.SECURITY_MANAGE, request.GET.get("congress")
                             or request.POST.get("congress"))
    policy = SecurityPolicy.for_congress(congress.pk)
    form = SecurityPolicyForm(request.POST or None, initial={
        "max_failed_logins": policy.max_failed_logins,
        "lockout_minutes": policy.lockout_minutes, "idle_minutes": policy.idle_minutes})
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_security_policy(request.user, congress, request=request,
                                           **form.cleaned_data)
        except DomainError as err:
            form.add_error(err.field, err.message)
        else:
            messages.success(request, "安全策略已更新。")
            return redirect("core:security")
    locked = User.objects.filter(congress=congress, locked_until__gt=timezone.now())
    return render(request, "core/security.html", {"form": form, "congress": congress,
                                                  "locked": locked})


# --- audit log (auditor only) ---------------------------------------------------------------


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    congress = pick_congress(request.user, Perm.AUDIT_READ, request.GET.get("congress"))
    qs = AuditEvent.objects.filter(congress=congress).select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    who = request.GET.get("actor", "").strip()
    if who:
        qs = qs.filter(actor_label__icontains=who)
    page = Paginator(qs.order_by("-id"), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page, "congress": congress,
                                               "action": action, "actor": who})


@login_required
def audit_verify(request: HttpRequest) -> HttpResponse:
    pick_congress(request.user, Perm.AUDIT_READ, None)
    result = audit.verify()
    return JsonResponse({"ok": result.ok, "checked": result.checked, "bad_id": result.bad_id,
                         "reason": result.reason}, json_dumps_params={"ensure_ascii": False})
