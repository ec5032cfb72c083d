"""Domain errors: raised by actions, shown to users in Chinese by views and the API."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the change. ``message`` is shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this at all (wrong role, not their unit, not the lead deputy):
    pages and the API answer 403 rather than 400."""


class NotFound(DomainError):
    """The object does not exist, or lies outside what the actor may see: the API answers
    404, as it does for any object of another congress."""


class IllegalTransition(DomainError):
    def __init__(self, label: str, current: str, target: str) -> None:
        super().__init__(f"{label}当前为“{current}”，不能变为“{target}”。")
        self.current = current
        self.target = target
