from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class ErrorItem(Schema):
    field: str | None = None
    message: str


class Error(Schema):
    detail: str
    errors: list[ErrorItem] = []


class TokenIn(Schema):
    login: str = Field(..., min_length=1, max_length=150, description="用户名或手机号")
    password: str = Field(..., min_length=1, max_length=200)


class PasswordIn(Schema):
    old_password: str = Field(..., min_length=1, max_length=200)
    new_password: str = Field(..., min_length=1, max_length=200)


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105
    expires_at: datetime
    must_change_password: bool


class RoleOut(Schema):
    congress_id: int
    congress: str
    role: str
    role_label: str
    organization_id: int | None
    organization: str | None


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    phone: str | None
    must_change_password: bool
    deputy_id: int | None
    roles: list[RoleOut]
    unread_notifications: int


class CongressOut(Schema):
    id: int
    name: str
    short_name: str
    level: str
    level_label: str
    region_code: str
    parent_id: int | None
    current_term: str | None


class DeputyListItem(Schema):
    id: int
    mandate_id: int
    name: str
    gender: str
    party: str
    work_unit: str
    title: str
    delegation: str | None
    groups: list[str]
    phone: str
    status: str


class Page(Schema):
    count: int
    page: int
    pages: int
    page_size: int


class DeputyPage(Page):
    items: list[DeputyListItem]


class MandateOut(Schema):
    id: int
    congress_id: int
    congress: str
    term: str
    delegation: str | None
    constituency: str
    start_date: date
    end_date: date | None
    status: str
    end_reason: str
    groups: list[str]


class DeputyOut(Schema):
    id: int
    name: str
    gender: str
    ethnicity: str
    birth_date: date | None
    party: str
    education: str
    work_unit: str
    title: str
    phone: str
    bio: str
    mandates: list[MandateOut]
