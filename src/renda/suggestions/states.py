"""The suggestion workflow as data: which state may follow which, and who moves it.

An action asks ``check_transition(suggestion, target, role)`` before changing anything;
an illegal move raises an ``IllegalTransition`` naming both states in Chinese.
"""

from __future__ import annotations

from renda.core.errors import IllegalTransition, NotAllowed
from renda.core.models import Role

from .models import Status

S = Status
DEPUTY, STAFF, UNIT, SYSTEM = Role.DEPUTY, Role.STAFF, Role.UNIT, "system"

# state -> {next state: roles that may make the move}
TRANSITIONS: dict[str, dict[str, set[str]]] = {
    S.DRAFT: {S.SUBMITTED: {DEPUTY}},
    S.SUBMITTED: {S.UNDER_REVIEW: {STAFF}, S.DRAFT: {DEPUTY}},
    S.UNDER_REVIEW: {S.RETURNED: {STAFF}, S.NOT_REGISTERED: {STAFF}, S.REGISTERED: {STAFF},
                     S.MERGED: {STAFF}},
    S.RETURNED: {S.SUBMITTED: {DEPUTY}},
    S.REGISTERED: {S.ASSIGNED: {STAFF}, S.MERGED: {STAFF}},
    S.ASSIGNED: {S.HANDLING: {UNIT}, S.REASSIGNED: {STAFF}, S.MERGED: {STAFF}},
    S.REASSIGNED: {S.ASSIGNED: {STAFF}},
    S.HANDLING: {S.REPLIED: {UNIT}, S.REASSIGNED: {STAFF}},
    # staff close a replied suggestion the deputy did not rate in time; with open B-class
    # commitments it goes on the ledger (tracking) instead, as after an evaluation
    S.REPLIED: {S.EVALUATED: {DEPUTY}, S.REHANDLING: {DEPUTY}, S.CLOSED: {STAFF},
                S.TRACKING: {STAFF}},
    S.REHANDLING: {S.REPLIED: {UNIT}},
    S.EVALUATED: {S.CLOSED: {DEPUTY, SYSTEM}, S.TRACKING: {DEPUTY, SYSTEM}},
    S.TRACKING: {S.CLOSED: {UNIT, STAFF, SYSTEM}},
    S.NOT_REGISTERED: {},
    S.CLOSED: {},
    S.MERGED: {},
}

# States in which the suggestion is with the units (counted as assigned in the figures).
ASSIGNED_STATES = {S.ASSIGNED, S.REASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING, S.EVALUATED,
                   S.TRACKING, S.CLOSED}
# States whose content the deputy may still edit.
EDITABLE_STATES = {S.DRAFT, S.RETURNED}


def can_move(current: str, target: str, role: str) -> bool:
    return role in TRANSITIONS.get(current, {}).get(target, set())


def check_transition(current: str, target: str, role: str) -> None:
    allowed = TRANSITIONS.get(current, {})
    if target not in allowed:
        raise IllegalTransition("该建议", Status(current).label, Status(target).label)
    if role not in allowed[target]:
        raise NotAllowed(
            f"您的角色不能把建议从“{Status(current).label}”变为“{Status(target).label}”。")
