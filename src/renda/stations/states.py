"""The message workflow as data: which state may follow which, and who moves it."""

from __future__ import annotations

from renda.core.errors import DomainError, IllegalTransition

from .models import MessageStatus

M = MessageStatus
STAFF, KEEPER, UNIT, CITIZEN, SYSTEM = "staff", "keeper", "unit", "citizen", "system"

# state -> {next state: roles that may make the move}
TRANSITIONS: dict[str, dict[str, set[str]]] = {
    M.RECEIVED: {M.ACCEPTED: {STAFF, KEEPER}, M.REJECTED: {STAFF, KEEPER}},
    # Accepted: transferred to a unit or turned into a suggestion; or answered directly
    # (a question the station can answer itself); or rejected after a closer look.
    M.ACCEPTED: {M.TRANSFERRED: {STAFF}, M.ANSWERED: {STAFF, KEEPER}, M.REJECTED: {STAFF}},
    M.TRANSFERRED: {M.ANSWERED: {UNIT, STAFF}},
    M.ANSWERED: {M.CLOSED: {CITIZEN, STAFF, SYSTEM}},
    M.CLOSED: {},
    M.REJECTED: {},
}


def allowed_targets(current: str, roles: set[str]) -> set[str]:
    """The states any of ``roles`` may move a message in ``current`` to."""
    return {target for target, who in TRANSITIONS.get(current, {}).items() if who & roles}


def check_transition(current: str, target: str, role: str) -> None:
    allowed = TRANSITIONS.get(current, {})
    if target not in allowed:
        raise IllegalTransition("该留言", MessageStatus(current).label, MessageStatus(target).label)
    if role not in allowed[target]:
        raise DomainError(f"您的角色不能把留言从“{MessageStatus(current).label}”"
                          f"变为“{MessageStatus(target).label}”。")
