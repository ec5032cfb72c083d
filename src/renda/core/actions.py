"""The only writers of users, roles and security settings; each change is audited."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import audit
from .errors import DomainError
from .models import (
    PHONE_VALIDATOR,
    Congress,
    Organization,
    OrgKind,
    Role,
    RoleAssignment,
    SecurityPolicy,
    User,
)
from .perms import ADMIN_ROLES, Perm, has_perm

# Roles that act for one organization and must name it.
ORG_ROLES = {Role.UNIT: {OrgKind.UNIT}, Role.COMMITTEE: {OrgKind.SPECIAL_COMMITTEE,
                                                        OrgKind.WORKING_COMMITTEE}}


def _require(actor: User, perm: Perm, congress: Congress) -> None:
    if not has_perm(actor, perm, congress):
        raise DomainError("您没有此项权限。")


# --- passwords ------------------------------------------------------------------------------


def change_password(user: User, old: str | None, new: str, *, request: Any = None) -> None:
    """Change one's own password. The rules (≥10 characters, not only digits, not like the
    username or phone) come from AUTH_PASSWORD_VALIDATORS."""
    if old is not None and not user.check_password(old):
        raise DomainError("原密码不正确。", field="old_password")
    if old is not None and old == new:
        raise DomainError("新密码不能与原密码相同。", field="new_password")
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field="new_password") from exc
    with transaction.atomic():
        user.set_password(new)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit.record("user.password_changed", actor=user, obj=user, request=request,
                     congress=user.congress_id,
                     summary={"user": user.username})


def generate_initial_password() -> str:
    """A random first password (12 characters, no look-alike letters)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


# --- users (system administrator) ----------------------------------------------------------


def create_user(actor: User, congress: Congress, *, username: str, full_name: str,
                phone: str | None = None, email: str = "", request: Any = None
                ) -> tuple[User, str]:
    """The system administrator creates an account; it gets a random first password that
    must be changed at first sign-in. Roles are granted separately by the security
    administrator (三员分立)."""
    _require(actor, Perm.USERS_MANAGE, congress)
    username = (username or "").strip()
    full_name = (full_name or "").strip()
    phone = (phone or "").strip() or None
    if not username:
        raise DomainError("请填写用户名。", field="username")
    if len(username) > 150 or not all(c.isalnum() or c in "._-" for c in username):
        raise DomainError("用户名只能包含字母、数字和 . _ -，最长150个字符。", field="username")
    if not full_name:
        raise DomainError("请填写姓名。", field="full_name")
    if phone is not None:
        try:
            PHONE_VALIDATOR(phone)
        except ValidationError:
            raise DomainError("手机号应为11位数字，以1开头。", field="phone") from None
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"用户名“{username}”已被使用。", field="username")
    if phone and User.objects.filter(phone=phone).exists():
        raise DomainError(f"手机号 {phone} 已被其他账号使用。", field="phone")
    password = generate_initial_password()
    with transaction.atomic():
        user = User(username=username, full_name=full_name, phone=phone, email=email,
                    must_change_password=True, congress=congress)
        user.set_password(password)
        user.save()
        audit.record("user.created", actor=actor, congress=congress, obj=user, request=request,
                     summary={"username": username, "full_name": full_name})
    return user, password


def reset_password(actor: User, congress: Congress, user: User, *, request: Any = None) -> str:
    _require(actor, Perm.USERS_MANAGE, congress)
    _require_user_in(user, congress)
    password = generate_initial_password()
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["password", "must_change_password", "failed_logins",
                                 "locked_until"])
        audit.record("user.password_reset", actor=actor, congress=congress, obj=user,
                     request=request, summary={"username": user.username})
    return password


def set_user_active(actor: User, congress: Congress, user: User, active: bool, *,
                    request: Any = None) -> None:
    _require(actor, Perm.USERS_MANAGE, congress)
    _require_user_in(user, congress)
    if user.pk == actor.pk and not active:
        raise DomainError("不能停用自己的账号。")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        audit.record("user.activated" if active else "user.deactivated", actor=actor,
                     congress=congress, obj=user, request=request,
                     summary={"username": user.username})


def users_of(congress: Congress) -> Any:
    """Accounts managed by a congress or holding a role in it."""
    return User.objects.filter(
        Q(congress=congress) | Q(roles__congress=congress)
    ).distinct()


def _require_user_in(user: User, congress: Congress) -> None:
    if not users_of(congress).filter(pk=user.pk).exists():
        raise DomainError("该账号不属于本人大。")


# --- roles (security administrator) --------------------------------------------------------


def grant_role(actor: User, congress: Congress, user: User, role: str,
               organization: Organization | None = None, *, start: date | None = None,
               request: Any = None) -> RoleAssignment:
    """Grant a role. 三员分立: one person never holds two of sysadmin/secadmin/auditor, and
    the security administrator cannot grant a role to themself."""
    _require(actor, Perm.ROLES_ASSIGN, congress)
    if role not in Role.values:
        raise DomainError("没有这个角色。", field="role")
    if user.pk == actor.pk:
        raise DomainError("不能给自己授权。", field="user")
    kinds = ORG_ROLES.get(Role(role))
    if kinds is not None:
        if organization is None:
            raise DomainError(f"“{Role(role).label}”角色必须指定所属机构。", field="organization")
        if organization.kind not in kinds:
            raise DomainError(f"“{organization}”不是{Role(role).label}可以属于的机构。",
                              field="organization")
    if organization is not None and organization.congress_id != congress.pk:
        raise DomainError("所属机构不属于本人大。", field="organization")
    current = RoleAssignment.objects.current().filter(user=user)
    if role in ADMIN_ROLES:
        clash = current.filter(role__in=ADMIN_ROLES).exclude(role=role).first()
        if clash:
            raise DomainError(
                f"三员分立：该账号已是{clash.get_role_display()}，不能再任{Role(role).label}。",
                field="role",
            )
    if current.filter(congress=congress, role=role, organization=organization).exists():
        raise DomainError("该账号已有这个角色。", field="role")
    with transaction.atomic():
        assignment = RoleAssignment.objects.create(
            user=user, congress=congress, role=role, organization=organization,
            start_date=start or timezone.localdate(), granted_by=actor,
        )
        audit.record("role.granted", actor=actor, congress=congress, obj=assignment,
                     request=request, summary={
                         "user": user.username, "role": role,
                         "organization": str(organization) if organization else "",
                     })
    return assignment


def revoke_role(actor: User, assignment: RoleAssignment, *, request: Any = None) -> None:
    _require(actor, Perm.ROLES_ASSIGN, assignment.congress)
    if assignment.user_id == actor.pk:
        raise DomainError("不能撤销自己的角色。")
    today = timezone.localdate()
    if assignment.end_date is not None and assignment.end_date < today:
        raise DomainError("该角色已经结束。")
    with transaction.atomic():
        # end_date is the last day the role is held; a revocation takes effect at once.
        RoleAssignment.objects.filter(pk=assignment.pk).update(
            end_date=today - timedelta(days=1))
        audit.record("role.revoked", actor=actor, congress=assignment.congress_id,
                     obj=assignment, request=request, summary={
                         "user": assignment.user.username, "role": assignment.role})


def update_security_policy(actor: User, congress: Congress, *, max_failed_logins: int,
                           lockout_minutes: int, idle_minutes: int,
                           request: Any = None) -> SecurityPolicy:
    _require(actor, Perm.SECURITY_MANAGE, congress)
    if not 3 <= max_failed_logins <= 10:
        raise DomainError("连续失败锁定次数应在 3 到 10 之间。", field="max_failed_logins")
    if not 5 <= lockout_minutes <= 1440:
        raise DomainError("锁定时长应在 5 到 1440 分钟之间。", field="lockout_minutes")
    if not 0 <= idle_minutes <= 480:
        raise DomainError("空闲超时应在 0 到 480 分钟之间（0 为默认值）。", field="idle_minutes")
    with transaction.atomic():
        policy = SecurityPolicy.objects.select_for_update().filter(congress=congress).first()
        if policy is None:
            policy = SecurityPolicy(congress=congress)
        before = {"max_failed_logins": policy.max_failed_logins,
                  "lockout_minutes": policy.lockout_minutes, "idle_minutes": policy.idle_minutes}
        policy.max_failed_logins = max_failed_logins
        policy.lockout_minutes = lockout_minutes
        policy.idle_minutes = idle_minutes
        policy.save()
        audit.record("security.policy_updated", actor=actor, congress=congress, obj=policy,
                     request=request, summary={"before": before, "after": {
                         "max_failed_logins": max_failed_logins,
                         "lockout_minutes": lockout_minutes, "idle_minutes": idle_minutes}})
    return policy


def issue_initial_passwords(actor: User, congress: Congress, users: list[User], *,
                            request: Any = None) -> list[tuple[User, str]]:
    """New random first passwords for accounts that have never signed in (e.g. imported
    deputies). Returned once, to be handed out; only their hashes are kept."""
    from django.contrib.auth.hashers import make_password

    _require(actor, Perm.USERS_MANAGE, congress)
    ours = set(users_of(congress).filter(pk__in=[u.pk for u in users])
               .values_list("pk", flat=True))
    issued: list[tuple[User, str]] = []
    with transaction.atomic():
        for user in users:
            if user.pk not in ours:
                continue
            if user.last_login is not None or not user.is_active:
                continue
            password = generate_initial_password()
            user.password = make_password(password, hasher="pbkdf2_initial")
            user.must_change_password = True
            issued.append((user, password))
        User.objects.bulk_update([u for u, _ in issued], ["password", "must_change_password"],
                                 batch_size=500)
        audit.record("user.initial_passwords_issued", actor=actor, congress=congress,
                     request=request, object_type="core.user",
                     summary={"count": len(issued)})
    return issued
