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
    ARCHIVE_OWN = "archive.own"            # a deputy: own archive, self-reports, check-in
    ARCHIVE_VIEW_ALL = "archive.view_all"  # every deputy's archive, yearly table, figures
    ARCHIVE_MANAGE = "archive.manage"      # activities, attendance, leave, point rules
    ARCHIVE_VERIFY = "archive.verify"      # verify or reject self-reported records
    VOTING_VIEW = "voting.view"            # rounds, candidates, results once the vote closed
    VOTING_MANAGE = "voting.manage"        # rounds, screening, candidates, open/close, announce
    VOTING_TELLER = "voting.teller"        # enter paper ballot counts
    VOTING_CAST = "voting.cast"            # a deputy votes and rates, proposes projects
    VOTING_REPORT = "voting.report"        # a unit reports progress of its projects
    STATIONS_MANAGE = "stations.manage"            # stations, calendars; accept, transfer messages
    STATIONS_VIEW_ALL = "stations.view_all"        # every message of the congress (masked phone)
    STATIONS_KEEP = "stations.keep"                # a keeper: receptions and messages of own stations
    STATIONS_ANSWER = "stations.answer"            # a unit answers messages transferred to it
    STATIONS_FIGURES = "stations.figures"
    ASSIST_MANAGE = "assist.manage"    # routing models, keyword rules, user dictionary, hot topics


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.STAFF: frozenset({
        Perm.DEPUTIES_VIEW, Perm.DEPUTIES_VIEW_CONTACT, Perm.DEPUTIES_MANAGE,
        Perm.DEPUTIES_IMPORT, Perm.DEPUTIES_EXPORT, Perm.ORGS_VIEW,
        Perm.SUGGESTIONS_VIEW_ALL, Perm.SUGGESTIONS_REVIEW, Perm.SUGGESTIONS_ASSIGN,
        Perm.SUGGESTIONS_SUPERVISE, Perm.SUGGESTIONS_PUBLISH, Perm.SUGGESTIONS_EXPORT,
        Perm.SUGGESTIONS_FIGURES,
        Perm.STATIONS_MANAGE, Perm.STATIONS_VIEW_ALL, Perm.STATIONS_FIGURES,
        Perm.VOTING_VIEW, Perm.VOTING_MANAGE, Perm.VOTING_TELLER,
        Perm.ASSIST_MANAGE,
    }),
    Role.LEADER: frozenset({Perm.DEPUTIES_VIEW, Perm.DEPUTIES_EXPORT, Perm.ORGS_VIEW,
                            Perm.SUGGESTIONS_VIEW_ALL, Perm.SUGGESTIONS_EXPORT,
                            Perm.SUGGESTIONS_FIGURES, Perm.STATIONS_VIEW_ALL,
                            Perm.STATIONS_FIGURES, Perm.VOTING_VIEW}),
    Role.COMMITTEE: frozenset({Perm.DEPUTIES_VIEW, Perm.ORGS_VIEW, Perm.SUGGESTIONS_FOLLOW,
                               Perm.SUGGESTIONS_FIGURES, Perm.VOTING_VIEW}),
    Role.UNIT: frozenset({Perm.DEPUTIES_VIEW, Perm.ORGS_VIEW, Perm.SUGGESTIONS_HANDLE,
                          Perm.STATIONS_ANSWER, Perm.VOTING_REPORT}),
    Role.STATION_KEEPER: frozenset({Perm.DEPUTIES_VIEW, Perm.ORGS_VIEW, Perm.STATIONS_KEEP}),
    Role.DEPUTY: frozenset({Perm.DEPUTIES_VIEW, Perm.ORGS_VIEW, Perm.SUGGESTIONS_WRITE,
                            Perm.VOTING_CAST}),
    Role.SYSADMIN: frozenset({Perm.USERS_MANAGE, Perm.CONFIG_MANAGE, Perm.ORGS_VIEW}),
    Role.SECADMIN: frozenset({Perm.ROLES_ASSIGN, Perm.SECURITY_MANAGE}),
    Role.AUDITOR: frozenset({Perm.AUDIT_READ}),
}

# 履职档案: deputies keep their own archive; staff run activities, rules and verification;
# station keepers verify the station's records; leaders read everything.
_ARCHIVE_PERMS = {
    Role.DEPUTY: {Perm.ARCHIVE_OWN},
    Role.STAFF: {Perm.ARCHIVE_VIEW_ALL, Perm.ARCHIVE_MANAGE, Perm.ARCHIVE_VERIFY},
    Role.LEADER: {Perm.ARCHIVE_VIEW_ALL},
    Role.STATION_KEEPER: {Perm.ARCHIVE_VERIFY},
}
for _role, _perms in _ARCHIVE_PERMS.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] | _perms

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
