"""The only writers of messages and receptions: one function per state change, shared by
the public pages, the staff pages, the API and the background tasks.

Each action checks the actor and the state first (``DomainError`` in Chinese, nothing
changed), then runs in a transaction with the row locked, logs the transition, writes an
audit event and notifies the people concerned. Deadlines are in working days, per
congress (``StationConfig``): accept within 5, answer within 15 by default.
"""

from __future__ import annotations

import enum
import functools
import re
import secrets
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from renda.archive import capture
from renda.archive.models import RecordKind
from renda.core import audit
from renda.core.access import users_for
from renda.core.errors import DomainError, NotFound
from renda.core.models import PHONE_VALIDATOR, Organization, OrgKind, Role, RoleAssignment, User
from renda.core.notify import notify
from renda.deputies.models import Deputy, Mandate, MandateStatus
from renda.suggestions.deadlines import add_workdays

from . import antiabuse, states
from .access import roles_for
from .models import (
    Message,
    MessageCategory,
    MessageStatus,
    MessageTransition,
    Rating,
    Reception,
    ReceptionDeputy,
    ReceptionPhoto,
    Source,
    Station,
    StationConfig,
    TransferKind,
)

M = MessageStatus
CONTENT_MIN, CONTENT_MAX = 5, 2000
MAX_PHOTO = 5 * 1024 * 1024
MAX_RECEPTION_PHOTOS = 6
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_MARKUP_RE = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style|img|svg|a|on\w+)\b",
                        re.IGNORECASE)


# --- helpers -----------------------------------------------------------------------------------


# Each byte value's character (8 × 31 = 248 values, each character as often), and the
# values from 248 up, which are skipped so that no character is likelier than another.
_CODE_LIMIT = 256 // len(CODE_ALPHABET) * len(CODE_ALPHABET)
_CODE_TABLE = bytes(ord(CODE_ALPHABET[b % len(CODE_ALPHABET)]) for b in range(256))
_CODE_SKIPPED = bytes(range(_CODE_LIMIT, 256))


def new_code() -> str:
    """Ten characters drawn uniformly from CODE_ALPHABET, from one read of the system's
    random source."""
    code = b""
    while len(code) < 10:
        code += secrets.token_bytes(16).translate(_CODE_TABLE, _CODE_SKIPPED)
    return code[:10].decode()


def clean_content(value: Any) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError("请填写留言内容。", field="content")
    if len(text) < CONTENT_MIN:
        raise DomainError(f"留言内容至少{CONTENT_MIN}个字。", field="content")
    if len(text) > CONTENT_MAX:
        raise DomainError(f"留言内容最多{CONTENT_MAX}个字，现有{len(text)}个字。", field="content")
    if _MARKUP_RE.search(text):
        raise DomainError("留言内容不能包含网页代码（如 <script> 标签），请用文字描述。",
                          field="content")
    return text


def clean_phone(value: Any) -> str:
    phone = re.sub(r"[\s-]", "", value or "")
    if phone and not PHONE_VALIDATOR.regex.match(phone):
        raise DomainError("手机号应为11位数字，以1开头；不想留手机号可以不填。", field="phone")
    return phone


def clean_name(value: Any) -> str:
    name = (value or "").strip()
    if len(name) > 30:
        raise DomainError("姓名最多30个字。", field="name")
    if _MARKUP_RE.search(name) or "<" in name:
        raise DomainError("姓名不能包含“<”等符号。", field="name")
    return name


def check_photo(upload: UploadedFile | None, field_name: str = "photo") -> None:
    """A photo must be a real JPEG or PNG image of at most 5 MB."""
    if upload is None:
        return
    if upload.size > MAX_PHOTO:
        raise DomainError(f"照片“{upload.name}”超过 5 MB，请压缩后再传。", field=field_name)
    try:
        image = Image.open(upload)
        kind = image.format
        image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise DomainError(f"“{upload.name}”不是有效的图片，只能上传 JPG 或 PNG 照片。",
                          field=field_name) from None
    finally:
        upload.seek(0)
    if kind not in ("JPEG", "PNG"):
        raise DomainError(f"“{upload.name}”的格式不支持，只能上传 JPG 或 PNG 照片。",
                          field=field_name)


_CATEGORIES = frozenset(MessageCategory.values)


def _category(value: Any) -> str:
    value = value or MessageCategory.OTHER
    if value not in _CATEGORIES:
        raise DomainError("请选择留言类别。", field="category")
    return value


def _lock(message: Message) -> Message:
    return Message.objects.select_for_update().get(pk=message.pk)


def _move(m: Message, target: str, actor: User | None, role: str, note: str = "",
          request: Any = None, summary: dict[str, Any] | None = None) -> None:
    states.check_transition(m.status, target, role)
    MessageTransition.objects.create(message=m, from_status=m.status, to_status=target,
                                     actor=actor, note=note[:300])
    audit.record(f"station_message.{target}", actor=actor, congress=m.congress_id, obj=m,
                 request=request, summary={"from": m.status, "to": target, "code": m.code,
                                           **({"note": note} if note else {}), **(summary or {})})
    m.status = target


def _role(actor: User, m: Message, *wanted: str) -> str:
    """The first of ``wanted`` the actor holds towards the message, or a refusal."""
    held = roles_for(actor, m)
    for role in wanted:
        if role in held:
            return role
    raise DomainError("您没有处理这条留言的权限。")



def _url(m: Message) -> str:
    return f"/stations/messages/{m.pk}/"


# --- the citizen ---------------------------------------------------------------------------


@dataclass
class MessageData:
    content: str = ""
    category: str = ""
    name: str = ""
    phone: str = ""
    photo: UploadedFile | None = None
    challenge_token: str = ""
    challenge_answer: str = ""
    website: str = ""  # the honeypot: empty for people


def submit_message(*, station: Station | None = None, deputy: Deputy | None = None,
                   data: MessageData, ip: str = "", request: Any = None,
                   check_challenge: bool = True) -> Message:
    """A citizen leaves a message at a station or for a deputy, without login. Every check
    runs before anything is written; the code returned is the citizen's only key."""
    if data.website:
        raise DomainError("提交失败，请刷新页面后重试。", field="website")
    if station is None and deputy is None:
        raise DomainError("请从联络站或代表的页面留言。")
    if station is not None and not station.is_active:
        raise DomainError("该联络站已停用。")
    if check_challenge:
        antiabuse.check_challenge(data.challenge_token, data.challenge_answer)
    content = clean_content(data.content)
    category = _category(data.category)
    name = clean_name(data.name)
    phone = clean_phone(data.phone)
    check_photo(data.photo)
    if station is not None:
        congress_id = station.congress_id
    else:
        mandate = (Mandate.objects.filter(deputy=deputy, status=MandateStatus.ACTIVE)
                   .order_by("-congress__level").first())
        if mandate is None:
            raise DomainError("这位代表目前不在任，无法留言。")
        congress_id = mandate.congress_id
    ip_hash, phone_hash = antiabuse.digest("ip", ip), antiabuse.digest("phone", phone)
    cfg = StationConfig.cached(congress_id)
    for _attempt in range(3):
        m = _new_message(congress_id=congress_id, station_id=station.pk if station else None,
                         deputy_id=deputy.pk if deputy else None, code=new_code(),
                         category=category, content=content, name=name, phone=phone,
                         photo=data.photo, ip_hash=ip_hash, phone_hash=phone_hash,
                         audited=False,
                         accept_due=add_workdays(timezone.localdate(), cfg.accept_workdays))
        try:
            # The connection itself: ``connection`` looks it up on every attribute.
            conn = connections[DEFAULT_DB_ALIAS]
            if conn.vendor == "postgresql":
                # One statement, and outside a caller's transaction its own transaction:
                # inside one, a savepoint keeps a drawn-twice code from spoiling it.
                with transaction.atomic() if conn.in_atomic_block else nullcontext():
                    inserted = _insert_received(m)
                if not inserted:
                    _refused(station, ip_hash, phone_hash)
            else:
                with transaction.atomic():
                    if station is not None:
                        _check_open(station)
                    antiabuse.check_limits(ip_hash, phone_hash)
                    m.save()
                    MessageTransition.objects.create(message=m, from_status="",
                                                     to_status=M.RECEIVED)
            # The audit event is appended by audit_received() in batches: appending to the
            # hash chain serialises writers, and the public form must not queue behind it.
            # The message and its transition row are committed here.
            return m
        except IntegrityError:  # a tracking code drawn twice: draw again
            continue
    raise DomainError("系统繁忙，请稍后再试。")


def _check_open(station: Station) -> None:
    """The station's row, not the caller's copy, says whether it still takes messages."""
    if not Station.objects.filter(pk=station.pk, is_active=True).exists():
        raise NotFound("该联络站已停用。")


def _refused(station: Station | None, ip_hash: str, phone_hash: str) -> None:
    """Why ``_insert_received`` wrote nothing: the station was closed meanwhile, or a limit
    was reached. Always raises."""
    if station is not None:
        _check_open(station)
    antiabuse.refuse(*antiabuse.counts(ip_hash, phone_hash))
    raise DomainError("系统繁忙，请稍后再试。")  # the counts fell meanwhile


def _callable_default(f: Any) -> bool:
    return f.has_default() and callable(f.default)


@functools.cache
def _message_defaults() -> tuple[list[Any], dict[str, int], list[tuple[int, Any]]]:
    """A new message's attribute values in field order, each field's position, and the
    callable defaults to call for each message."""
    fields = Message._meta.concrete_fields
    blank = Message()
    dynamic = [(i, f.default) for i, f in enumerate(fields) if _callable_default(f)]
    return ([blank.__dict__[f.attname] for f in fields],
            {f.attname: i for i, f in enumerate(fields)}, dynamic)


def _new_message(**values: Any) -> Message:
    """``Message(**values)`` (attribute names: ``station_id``, not ``station``), built by
    position: Django's path for rows read from the database, which does not look up every
    field among the keywords (a tenth of the public form's time in Python)."""
    row, position, dynamic = _message_defaults()
    row = row.copy()
    for i, default in dynamic:
        row[i] = default()
    for name, value in values.items():
        row[position[name]] = value
    return Message(*row)


# The columns a citizen's new message sets (submit_message); every other column of the
# message and of its first transition holds the same value for every new message.
_SUBMITTED = frozenset({"congress", "station", "deputy", "code", "category", "content", "name",
                        "phone", "photo", "ip_hash", "phone_hash", "audited", "accept_due"})


def _stamped(f: Any) -> bool:
    """A date field that ``pre_save`` sets to now (``auto_now``, ``auto_now_add``)."""
    return getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)


def _fixed_values(blank: Any, fields: list[Any], set_per_row: frozenset[str]) -> dict[str, Any]:
    """The database values, taken from ``blank``, of the ``fields`` that are the same for
    every new row: those not in ``set_per_row`` and without a callable default or
    ``auto_now``."""
    return {f.attname: _param(f.get_db_prep_save(getattr(blank, f.attname), connection))
            for f in fields
            if f.name not in set_per_row and not _callable_default(f)
            and not _stamped(f)}


# Fields whose value, when it already has the field's Python type, PostgreSQL's backend
# passes to the driver unchanged (``get_db_prep_save`` is the identity; PostgreSQL's
# operations adapt dates and times to themselves). Checked by tests/stations/test_insert.py.
_UNCONVERTED = (models.CharField, models.TextField, models.IntegerField, models.BooleanField,
                models.DateField, models.ForeignKey)


AS_IS, PREPARED = "as is", "prepared"


def _as_is(f: Any) -> bool:
    return isinstance(f, _UNCONVERTED) and not _stamped(f)


@functools.cache
def _received_sql() -> tuple[list[Any], list[Any], dict[str, Any], str]:
    """The columns sent with each message, the values that never change, and the
    statement of ``_insert_received``, built once per process. Preparing every column's
    value through its field was a sixth of the request's time in Python.

    The columns sent with each message are ``(field, how)``: AS_IS sends the message's
    attribute, PREPARED goes through the field as ``Model.save`` does (``pre_save`` stores
    an uploaded photo, stamps ``auto_now``); the transition's are its callable defaults."""
    from psycopg import sql

    fields = [f for f in Message._meta.local_concrete_fields if f is not Message._meta.pk]
    t_fields = [f for f in MessageTransition._meta.local_concrete_fields
                if f is not MessageTransition._meta.pk and f.name != "message"]
    fixed = _fixed_values(_new_message(), fields, _SUBMITTED)
    t_fixed = _fixed_values(MessageTransition(from_status="", to_status=M.RECEIVED), t_fields,
                            frozenset())
    if any(not _callable_default(f) for f in t_fields if f.attname not in t_fixed):
        raise TypeError("_insert_received: a transition column that changes per row must "
                        "have a callable default")
    columns = [(f, AS_IS if _as_is(f) else PREPARED) for f in fields if f.attname not in fixed]
    t_columns = [f for f in t_fields if f.attname not in t_fixed]
    q = connection.ops.quote_name

    def select_list(fields: list[Any], fixed: dict[str, Any]) -> str:
        # The values shared by every message are literals of the prepared statement, so
        # only a message's own values are sent (and converted) with each run. A % in a
        # literal is doubled: the driver reads %s as a parameter.
        def literal(f: Any) -> str:
            text = sql.Literal(fixed[f.attname]).as_string().replace("%", "%%")
            return f"CAST({text} AS {f.cast_db_type(connection)})"

        return ", ".join(literal(f) if f.attname in fixed else "%s" for f in fields)

    statement = (
        f"WITH m AS (INSERT INTO {q(Message._meta.db_table)} "  # noqa: S608 -- model names
        f"({', '.join(q(f.column) for f in fields)}) "
        f"SELECT {select_list(fields, fixed)} "
        # stations migrations 0004, 0005: the address's lock, then the station and the counts
        "WHERE renda_message_admit(%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id) "
        f"INSERT INTO {q(MessageTransition._meta.db_table)} "
        f"(message_id, {', '.join(q(f.column) for f in t_fields)}) "
        f"SELECT m.id, {select_list(t_fields, t_fixed)} FROM m RETURNING message_id")
    return columns, t_columns, fixed, statement


def _param(value: Any) -> Any:
    # Choices are str enums; the server-side binding below sends them by value.
    return value.value if isinstance(value, enum.Enum) else value


def _insert_received(m: Message) -> bool:
    """PostgreSQL: insert the message and its first transition in one statement, which
    calls ``renda_message_admit`` (stations migrations 0004, 0005): it locks the address, then
    checks that the station is still open and that the address and the phone are under
    their limits. Sets ``m.pk``; False when a check refused it.

    The public form is the busiest writer of the platform. Outside a transaction the
    statement is its own transaction (no BEGIN or COMMIT to wait for) and the lock is held
    until its rows are committed. Its parameters are bound on the server, so after a few
    runs on a connection it is a prepared statement with a cached plan (settings:
    ``DB_PREPARED_STATEMENTS``); planning it every time cost as much as running it.
    The columns and values come from the model's own fields, as ``Model.save`` would write
    them."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    conn = connections[DEFAULT_DB_ALIAS]
    columns, t_columns, _fixed, statement = _received_sql()
    attrs = m.__dict__
    values = [_param(attrs[f.attname]) if how == AS_IS
              else _param(f.get_db_prep_save(f.pre_save(m, add=True), conn))
              for f, how in columns]
    now = timezone.now()
    t_values = [f.get_db_prep_save(f.get_default(), conn) for f in t_columns]
    params = [*values, *antiabuse.address_lock_key(m.ip_hash), m.station_id,
              m.ip_hash, now - antiabuse.IP_WINDOW, antiabuse.ip_limit(),
              m.phone_hash, now - antiabuse.PHONE_WINDOW, antiabuse.phone_limit(), *t_values]
    conn.ensure_connection()
    # Django's cursors bind parameters on the client (and so are never prepared).
    with conn._prepare_cursor(ServerBindingCursor(conn.connection)) as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if row is None:
        return False
    m.pk = row[0]
    m._state.adding = False
    return True


def audit_received(batch: int = 1000) -> int:
    """Append the audit events of citizens' new messages (one transaction per batch, so
    the hash chain is extended once per batch, not once per request). Run by the task
    worker's sweep; rows are claimed with SKIP LOCKED so two sweeps never write twice."""
    done = 0
    while True:
        with transaction.atomic():
            rows = list(Message.objects.select_for_update(skip_locked=True)
                        .filter(audited=False).order_by("id")[:batch])
            for m in rows:
                audit.record("station_message.received", congress=m.congress_id, obj=m,
                             summary={"code": m.code, "station": m.station_id,
                                      "deputy": m.deputy_id, "at": m.created_at.isoformat()})
            Message.objects.filter(pk__in=[m.pk for m in rows]).update(audited=True)
        done += len(rows)
        if len(rows) < batch:
            return done


def rate(code: str, rating: str, comment: str = "", *, request: Any = None) -> Message:
    """The citizen rates the answer (满意/不满意) with the tracking code; this closes it."""
    if rating not in Rating.values:
        raise DomainError("请选择“满意”或“不满意”。", field="rating")
    comment = (comment or "").strip()
    if len(comment) > 300:
        raise DomainError("评价意见最多300个字。", field="comment")
    with transaction.atomic():
        m = Message.objects.select_for_update().filter(code=(code or "").strip().upper()).first()
        if m is None:
            raise DomainError("查询码不正确。", field="code")
        if m.status != M.ANSWERED:
            raise DomainError(f"留言当前为“{m.get_status_display()}”，还不能评价。")
        _move(m, M.CLOSED, None, states.CITIZEN, request=request, summary={"rating": rating})
        m.rating, m.rating_comment, m.closed_at = rating, comment, timezone.now()
        m.save(update_fields=["status", "rating", "rating_comment", "closed_at", "updated_at"])
    return m


# --- staff and keepers ---------------------------------------------------------------------


def accept(actor: User, message: Message, *, request: Any = None) -> Message:
    """Accept a received message (受理)."""
    with transaction.atomic():
        m = _lock(message)
        role = _role(actor, m, states.STAFF, states.KEEPER)
        _move(m, M.ACCEPTED, actor, role, request=request)
        m.accepted_at = timezone.now()
        m.save(update_fields=["status", "accepted_at", "updated_at"])
    return m


def reject(actor: User, message: Message, reason: str, *, request: Any = None) -> Message:
    """Decline a message with a reason the citizen sees (e.g. matters for the courts,
    administrative review or arbitration go there, not to the congress)."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError("请写明不予受理的理由（至少4个字），群众会看到。", field="reason")
    if len(reason) > 300:
        raise DomainError("理由最多300个字。", field="reason")
    with transaction.atomic():
        m = _lock(message)
        role = _role(actor, m, states.STAFF, states.KEEPER)
        _move(m, M.REJECTED, actor, role, reason, request=request)
        m.reject_reason, m.closed_at = reason, timezone.now()
        m.save(update_fields=["status", "reject_reason", "closed_at", "updated_at"])
    return m


def _due(m: Message, due: date | None) -> date:
    today = timezone.localdate()
    if due is None:
        return add_workdays(today, StationConfig.for_congress(m.congress_id).answer_workdays)
    if due <= today:
        raise DomainError("答复期限应晚于今天。", field="due")
    return due


def transfer_to_unit(actor: User, message: Message, unit: Organization | int, *,
                     due: date | None = None, note: str = "", request: Any = None) -> Message:
    """Transfer an accepted message to a handling unit, with a due date (default: 15
    working days). Only that unit then sees it, with the phone number."""
    unit_id = unit.pk if isinstance(unit, Organization) else int(unit)
    with transaction.atomic():
        m = _lock(message)
        role = _role(actor, m, states.STAFF)
        org = Organization.objects.filter(pk=unit_id, congress_id=m.congress_id,
                                          kind=OrgKind.UNIT, is_active=True).first()
        if org is None:
            raise DomainError("请选择本人大的承办单位。", field="unit")
        due_date = _due(m, due)
        _move(m, M.TRANSFERRED, actor, role, note, request=request,
              summary={"unit": org.pk, "due": due_date.isoformat()})
        m.transfer_kind, m.unit, m.answer_due = TransferKind.UNIT, org, due_date
        m.transferred_at = timezone.now()
        m.save(update_fields=["status", "transfer_kind", "unit", "answer_due", "transferred_at",
                              "updated_at"])
        notify(users_for(m.congress_id, Role.UNIT, org.pk), f"新的群众留言转办：{m.code}",
               f"请在{due_date:%Y年%m月%d日}前答复。", _url(m), m.congress_id)
    return m


def transfer_to_suggestion(actor: User, message: Message, deputy: Deputy | int, *,
                           due: date | None = None, request: Any = None) -> Message:
    """Turn an accepted message into a draft suggestion of a chosen deputy of the congress,
    linked both ways (``message.suggestion`` and ``suggestion.station_messages``). The
    deputy revises and submits the draft as their own; staff answer the citizen once it
    is under way."""
    from renda.suggestions import actions as suggestion_actions

    deputy_id = deputy.pk if isinstance(deputy, Deputy) else int(deputy)
    with transaction.atomic():
        m = _lock(message)
        role = _role(actor, m, states.STAFF)
        due_date = _due(m, due)
        s = suggestion_actions.draft_for(
            actor, m.congress_id, deputy_id,
            title=f"关于群众反映的{m.get_category_display()}问题的建议（留言{m.code}）"[:100],
            problem=m.content, reason=f"由群众留言{m.code}转来", request=request)
        _move(m, M.TRANSFERRED, actor, role, request=request,
              summary={"suggestion": s.pk, "deputy": deputy_id})
        m.transfer_kind, m.suggestion, m.answer_due = TransferKind.SUGGESTION, s, due_date
        m.transferred_at = timezone.now()
        m.save(update_fields=["status", "transfer_kind", "suggestion", "answer_due",
                              "transferred_at", "updated_at"])
        capture.record(deputy_id, RecordKind.CONTACT, f"message:{m.pk}", timezone.localdate(),
                       congress=m.congress_id, actor=actor, source=f"message:{m.pk}",
                       title=f"群众留言{m.code}转为建议")
        notify(list(User.objects.filter(deputy__id=deputy_id, is_active=True)),
               f"群众留言已转为您的建议草稿：{m.code}", "请修改完善后提交。",
               f"/suggestions/{s.pk}/", m.congress_id)
    return m


def answer(actor: User, message: Message, text: str, *, request: Any = None) -> Message:
    """Answer the citizen: the unit the message was transferred to, or staff (a message
    turned into a suggestion, or one answered directly after acceptance)."""
    text = (text or "").strip()
    if len(text) < 10:
        raise DomainError("答复内容至少10个字。", field="answer")
    if len(text) > 3000:
        raise DomainError(f"答复内容最多3000个字，现有{len(text)}个字。", field="answer")
    with transaction.atomic():
        m = _lock(message)
        role = _role(actor, m, states.UNIT, states.STAFF, states.KEEPER)
        _move(m, M.ANSWERED, actor, role, request=request)
        if role == states.UNIT and m.unit_id:
            by = Organization.objects.get(pk=m.unit_id).name
        elif role == states.KEEPER and m.station_id:
            by = Station.objects.get(pk=m.station_id).name
        else:
            by = f"{m.congress.short_name or m.congress.name}常委会代表工作机构"
        m.answer, m.answered_at, m.answered_by = text, timezone.now(), by[:100]
        m.save(update_fields=["status", "answer", "answered_at", "answered_by", "updated_at"])
    return m


def close(actor: User, message: Message, *, request: Any = None) -> Message:
    """Staff close an answered message the citizen has not rated."""
    with transaction.atomic():
        m = _lock(message)
        role = _role(actor, m, states.STAFF)
        _move(m, M.CLOSED, actor, role, request=request)
        m.closed_at = timezone.now()
        m.save(update_fields=["status", "closed_at", "updated_at"])
    return m


# --- receptions ----------------------------------------------------------------------------


@dataclass
class Issue:
    content: str
    category: str = MessageCategory.OTHER
    name: str = ""
    phone: str = ""


@dataclass
class ReceptionData:
    day: date | None = None
    visitors: int = 0
    notes: str = ""
    deputy_ids: Sequence[int] = ()
    issues: Sequence[Issue] = ()
    photos: Sequence[UploadedFile] = field(default_factory=list)


def record_reception(actor: User, station: Station, data: ReceptionData, *,
                     request: Any = None) -> Reception:
    """The keeper records a reception day: the deputies present (who then check in on their
    phones), the number of visitors, the issues raised (each becomes a received message)
    and photos."""
    if not (station.pk in _kept(actor) or "staff" in _station_roles(actor, station)):
        raise DomainError("您不是这个联络站的管理员。")
    if data.day is None:
        raise DomainError("请填写接待日期。", field="day")
    if data.day > timezone.localdate():
        raise DomainError("接待日期不能晚于今天。", field="day")
    if not 0 <= int(data.visitors) <= 10000:
        raise DomainError("接待人次应在 0 到 10000 之间。", field="visitors")
    notes = (data.notes or "").strip()
    if len(notes) > 3000:
        raise DomainError("情况记录最多3000个字。", field="notes")
    ids = list(dict.fromkeys(int(i) for i in data.deputy_ids))
    if not ids:
        raise DomainError("请选择参加接待的代表。", field="deputies")
    assigned = set(station.assignments.values_list("deputy_id", flat=True))
    if any(i not in assigned for i in ids):
        raise DomainError("只能选择本站的进站代表。", field="deputies")
    issues = [Issue(clean_content(i.content), _category(i.category), clean_name(i.name),
                    clean_phone(i.phone)) for i in data.issues if (i.content or "").strip()]
    photos = list(data.photos)
    if len(photos) > MAX_RECEPTION_PHOTOS:
        raise DomainError(f"照片最多{MAX_RECEPTION_PHOTOS}张。", field="photos")
    for p in photos:
        check_photo(p, "photos")
    cfg = StationConfig.for_congress(station.congress_id)
    with transaction.atomic():
        r = Reception.objects.create(station=station, date=data.day, visitors=data.visitors,
                                     notes=notes, created_by=actor)
        ReceptionDeputy.objects.bulk_create([ReceptionDeputy(reception=r, deputy_id=i)
                                             for i in ids])
        for p in photos:
            ReceptionPhoto.objects.create(reception=r, image=p)
        for issue in issues:
            m = Message.objects.create(
                congress_id=station.congress_id, station=station, reception=r,
                source=Source.RECEPTION, code=new_code(), category=issue.category,
                content=issue.content, name=issue.name, phone=issue.phone,
                phone_hash=antiabuse.digest("phone", issue.phone),
                accept_due=add_workdays(timezone.localdate(), cfg.accept_workdays))
            MessageTransition.objects.create(message=m, from_status="", to_status=M.RECEIVED,
                                             actor=actor, note="接待日反映")
        audit.record("reception.recorded", actor=actor, congress=station.congress_id, obj=r,
                     request=request, summary={"station": station.pk, "date": data.day.isoformat(),
                                               "deputies": ids, "visitors": data.visitors,
                                               "issues": len(issues)})
        notify(list(User.objects.filter(deputy__id__in=ids, is_active=True)),
               f"请确认参加{station.name}接待活动（{data.day:%m月%d日}）", "请在手机上签到。",
               f"/stations/receptions/{r.pk}/", station.congress_id)
    return r


def check_in(actor: User, reception: Reception, *, request: Any = None) -> ReceptionDeputy:
    """A deputy listed for a reception checks in on their phone."""
    deputy = Deputy.objects.filter(user=actor).first()
    if deputy is None:
        raise DomainError("只有代表本人才能签到。")
    with transaction.atomic():
        row = (ReceptionDeputy.objects.select_for_update()
               .filter(reception=reception, deputy=deputy).first())
        if row is None:
            raise DomainError("您不在这次接待的代表名单中。")
        if row.checked_in_at is not None:
            raise DomainError("您已经签到过了。")
        row.checked_in_at = timezone.now()
        row.save(update_fields=["checked_in_at"])
        station = reception.station
        capture.record(deputy, RecordKind.RECEPTION, f"reception:{reception.pk}:{deputy.pk}",
                       reception.date, congress=station.congress_id, actor=actor,
                       title=f"在{station.name}接待群众", source=f"reception:{reception.pk}")
        audit.record("reception.check_in", actor=actor, congress=reception.station.congress_id,
                     obj=reception, request=request, summary={"deputy": deputy.pk})
    return row


def _kept(actor: User) -> set[int]:
    from .access import kept_station_ids

    return kept_station_ids(actor)


def _station_roles(actor: User, station: Station) -> set[str]:
    from renda.core.perms import Perm, has_perm

    return {"staff"} if has_perm(actor, Perm.STATIONS_MANAGE, station.congress_id) else set()


# --- stations and their calendars (staff) ---------------------------------------------------


@dataclass
class StationData:
    name: str = ""
    kind: str = "station"
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    phone: str = ""
    hours: str = ""
    intro: str = ""
    deputy_ids: Sequence[int] = ()
    level_labels: dict[int, str] = field(default_factory=dict)
    keeper_ids: Sequence[int] = ()


def _staff(actor: User, congress_id: int) -> None:
    from renda.core.perms import Perm, has_perm

    if not has_perm(actor, Perm.STATIONS_MANAGE, congress_id):
        raise DomainError("只有人大工作人员可以管理联络站。")


def save_station(actor: User, congress: Any, data: StationData, *, station: Station | None = None,
                 request: Any = None) -> Station:
    """Create or change a station: its place, hours, deputies (several levels) and keepers."""
    from .models import StationDeputy, StationKind

    congress_id = congress.pk if hasattr(congress, "pk") else int(congress)
    _staff(actor, congress_id)
    name = (data.name or "").strip()
    if not 2 <= len(name) <= 60:
        raise DomainError("请填写联络站名称（2–60个字）。", field="name")
    if data.kind not in StationKind.values:
        raise DomainError("请选择联络站类别。", field="kind")
    address = (data.address or "").strip()
    if not 2 <= len(address) <= 120:
        raise DomainError("请填写地址（2–120个字）。", field="address")
    if data.lat is None or data.lon is None or not (-90 <= data.lat <= 90 and -180 <= data.lon <= 180):
        raise DomainError("请填写正确的经纬度（十进制度，如 30.2741、120.1551）。", field="lat")
    for label, value, limit in (("电话", data.phone, 30), ("开放时间", data.hours, 120),
                                ("简介", data.intro, 1000)):
        if len(value or "") > limit:
            raise DomainError(f"{label}最多{limit}个字。")
    deputy_ids = list(dict.fromkeys(int(i) for i in data.deputy_ids))
    valid = set(Mandate.objects.filter(deputy_id__in=deputy_ids, status=MandateStatus.ACTIVE)
                .values_list("deputy_id", flat=True))
    if any(i not in valid for i in deputy_ids):
        raise DomainError("进站代表必须是在任代表。", field="deputies")
    keeper_ids = list(dict.fromkeys(int(i) for i in data.keeper_ids))
    keepers = set(RoleAssignment.objects.current().filter(
        congress_id=congress_id, role=Role.STATION_KEEPER, user_id__in=keeper_ids)
        .values_list("user_id", flat=True))
    if any(i not in keepers for i in keeper_ids):
        raise DomainError("管理员必须是本人大的联络站管理员账号。", field="keepers")
    with transaction.atomic():
        if Station.objects.filter(congress_id=congress_id, name=name).exclude(
                pk=station.pk if station else None).exists():
            raise DomainError("已有同名的联络站。", field="name")
        s = Station.objects.select_for_update().get(pk=station.pk) if station else \
            Station(congress_id=congress_id)
        s.name, s.kind, s.address, s.lat, s.lon = name, data.kind, address, data.lat, data.lon
        s.phone, s.hours, s.intro = (data.phone or "").strip(), (data.hours or "").strip(), \
            (data.intro or "").strip()
        s.save()
        s.keepers.set(keeper_ids)
        s.assignments.exclude(deputy_id__in=deputy_ids).delete()
        existing = {a.deputy_id: a for a in s.assignments.all()}
        for order, deputy_id in enumerate(deputy_ids):
            label = (data.level_labels.get(deputy_id) or "")[:20]
            if deputy_id in existing:
                a = existing[deputy_id]
                a.sort_order, a.level_label = order, label or a.level_label
                a.save(update_fields=["sort_order", "level_label"])
            else:
                StationDeputy.objects.create(station=s, deputy_id=deputy_id, sort_order=order,
                                             level_label=label)
        audit.record("station.saved" if station else "station.created", actor=actor,
                     congress=congress_id, obj=s, request=request,
                     summary={"name": name, "deputies": deputy_ids, "keepers": keeper_ids})
    return s


def add_rule(actor: User, station: Station, *, kind: str, weekday: int | None = None,
             day: int | None = None, nths: str = "", start: date | None = None,
             end: date | None = None, note: str = "", duty_ids: Sequence[int] = (),
             request: Any = None) -> Any:
    """Add a reception rule: every given weekday, a day of each month, or the n-th weekday."""
    from .calendar import parse_nths
    from .models import CalendarRule, RuleKind

    _staff(actor, station.congress_id)
    if kind not in RuleKind.values:
        raise DomainError("请选择规则类型。", field="kind")
    if kind in (RuleKind.WEEKLY, RuleKind.MONTHLY_NTH) and (weekday is None or not 0 <= weekday <= 6):
        raise DomainError("请选择星期几。", field="weekday")
    if kind == RuleKind.MONTHLY_DAY and (day is None or not 1 <= day <= 31):
        raise DomainError("每月几日应在 1 到 31 之间（小月取月末）。", field="day")
    if kind == RuleKind.MONTHLY_NTH:
        try:
            if not parse_nths(nths):
                raise ValueError("空")
        except ValueError:
            raise DomainError("第几个应为 1、2、3、4 或 -1（最后一个），可用逗号分隔。", field="nths") from None
    start = start or timezone.localdate()
    if end is not None and end < start:
        raise DomainError("截止日期不能早于起始日期。", field="end")
    assigned = set(station.assignments.values_list("deputy_id", flat=True))
    if any(int(i) not in assigned for i in duty_ids):
        raise DomainError("值班代表必须是本站的进站代表。", field="duty")
    with transaction.atomic():
        rule = CalendarRule.objects.create(
            station=station, kind=kind, weekday=weekday if kind != RuleKind.MONTHLY_DAY else None,
            day=day if kind == RuleKind.MONTHLY_DAY else None,
            nths=nths if kind == RuleKind.MONTHLY_NTH else "", start_date=start, end_date=end,
            note=(note or "")[:100])
        rule.duty_deputies.set([int(i) for i in duty_ids])
        audit.record("station.rule_added", actor=actor, congress=station.congress_id, obj=station,
                     request=request, summary={"rule": str(rule)})
    return rule


def delete_rule(actor: User, rule: Any, *, request: Any = None) -> None:
    _staff(actor, rule.station.congress_id)
    with transaction.atomic():
        audit.record("station.rule_deleted", actor=actor, congress=rule.station.congress_id,
                     obj=rule.station, request=request, summary={"rule": str(rule)})
        rule.delete()


def set_exception(actor: User, station: Station, day: date | None, kind: str, note: str = "",
                  duty_ids: Sequence[int] = (), *, request: Any = None) -> Any:
    """Cancel one reception day, or add an extra one (replaces an earlier change of that day)."""
    from .models import CalendarException, ExceptionKind

    _staff(actor, station.congress_id)
    if day is None:
        raise DomainError("请填写日期。", field="date")
    if kind not in ExceptionKind.values:
        raise DomainError("请选择取消或加开。", field="kind")
    with transaction.atomic():
        ex, _ = CalendarException.objects.update_or_create(
            station=station, date=day, defaults={"kind": kind, "note": (note or "")[:100]})
        ex.duty_deputies.set([int(i) for i in duty_ids] if kind == ExceptionKind.EXTRA else [])
        audit.record("station.exception_set", actor=actor, congress=station.congress_id,
                     obj=station, request=request,
                     summary={"date": day.isoformat(), "kind": kind, "note": note})
    return ex
