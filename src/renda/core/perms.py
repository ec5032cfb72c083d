"""Named permissions and the roles that hold them — the one place that maps roles to rights.

三员分立 (等保 2.0): the system administrator manages users and configuration but cannot
read the audit log; the security administrator assigns roles and sets security policy;
the auditor reads the audit log and changes nothing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from .models import Role


class Perm(StrEnum):
    DEPUTIES_VIEW = "deputies.view"
    DEPUTIES_VIEW_CONTACT = "deputies.view_contact"
    DEPUTIES_MANAGE = "deputies.manage"
    DEPUTIES_IMPORT = "deputies.import"
    DEPUTIES_EXPORT = "deputies.export"
    ORGS_VIEW = "orgs.view"
    USERS_MANAGE = "users.manage"
    CONFIG_MANAGE = "config.manage"
    ROLES_ASSIGN = "roles.assign"
    SECURITY_MANAGE = "security.manage"
    AUDIT_READ = "audit.read"
    SUGGESTIONS_WRITE = "suggestions.write"        # a deputy writes and evaluates
    SUGGESTIONS_VIEW_ALL = "suggestions.view_all"  # every registered suggestion
    SUGGESTIONS_REVIEW = "suggestions.review"      # return, register, merge
    SUGGESTIONS_ASSIGN = "suggestions.assign"      # assign, decide extensions, adjustments
    SUGGESTIONS_SUPERVISE = "suggestions.supervise"
    SUGGESTIONS_PUBLISH = "suggestions.publish"
    SUGGESTIONS_HANDLE = "suggestions.handle"      # a unit handles its own assignments
    SUGGESTIONS_FOLLOW = "suggestions.follow"      # a committee follows its fields
    SUGGESTIONS_EXPORT = "suggestions.export"
    SUGGESTIONS_FIGURES = "suggestions.figures"


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.STAFF: frozenset({
        Perm.DEPUTIES_VIEW, Perm.DEPUTIES_VIEW_CONTACT, Perm.DEPUTIES_MANAGE,
        Perm.DEPUTIES_IMPORT, Perm.DEPUTIES_EXPORT, Perm.ORGS_VIEW,
        Perm.SUGGESTIONS_VIEW_ALL, Perm.SUGGESTIONS_REVIEW, Perm.SUGGESTIONS_ASSIGN,
        Perm.SUGGESTIONS_SUPERVISE, Perm.SUGGESTIONS_PUBLISH, Perm.SUGGESTIONS_EXPORT,
        Perm.SUGGESTIONS_FIGURES,
    }),
    Role.LEADER: frozenset({Perm.DEPUTIES_VIEW, Perm.DEPUTIES_EXPORT, Perm.ORGS_VIEW,
                            Perm.SUGGESTIONS_VIEW_ALL, Perm.SUGGESTIONS_EXPORT,
                            Perm.SUGGESTIONS_FIGURES}),
    Role.COMMITTEE: frozenset({Perm.DEPUTIES_VIEW, Perm.ORGS_VIEW, Perm.SUGGESTIONS_FOLLOW,
                               Perm.SUGGESTIONS_FIGURES}),
    Role.UNIT: frozenset({Perm.DEPUTIES_VIEW, Perm.ORGS_VIEW, Perm.SUGGESTIONS_HANDLE}),
    Role.STATION_KEEPER: frozenset({Perm.DEPUTIES_VIEW, Perm.ORGS_VIEW}),
    Role.DEPUTY: frozenset({Perm.DEPUTIES_VIEW, Perm.ORGS_VIEW, Perm.SUGGESTIONS_WRITE}),
    Role.SYSADMIN: frozenset({Perm.USERS_MANAGE, Perm.CONFIG_MANAGE, Perm.ORGS_VIEW}),
    Role.SECADMIN: frozenset({Perm.ROLES_ASSIGN, Perm.SECURITY_MANAGE}),
    Role.AUDITOR: frozenset({Perm.AUDIT_READ}),
}

# Roles that make up 三员; no user may hold two of them in the same congress.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})


def perms_of(user: Any, congress_id: int) -> frozenset[Perm]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    result: set[Perm] = set()
    for assignment in user.current_roles():
        if assignment.congress_id == congress_id:
            result |= ROLE_PERMS.get(assignment.role, frozenset())
    return frozenset(result)


def has_perm(user: Any, perm: Perm, congress: Any) -> bool:
    congress_id = congress if isinstance(congress, int) else congress.pk
    return perm in perms_of(user, congress_id)


def congresses_with(user: Any, perm: Perm) -> set[int]:
    """IDs of the congresses in which ``user`` holds ``perm``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {
        a.congress_id for a in user.current_roles() if perm in ROLE_PERMS.get(a.role, ())
    }


def has_perm_anywhere(user: Any, perm: Perm) -> bool:
    return bool(congresses_with(user, perm))
