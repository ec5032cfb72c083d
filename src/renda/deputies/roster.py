"""The roster file: the Excel template, validating and importing it, and exporting it back.

The same columns go both ways so that export → edit → import is a round trip. By default a
file with any bad row imports nothing; every bad cell is reported with its row, its column
and a Chinese message. Re-importing the same people (matched by phone number) updates them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from renda.core import audit
from renda.core.models import Congress, Term, User

from .models import (
    Delegation,
    Deputy,
    DeputyGroup,
    Education,
    Gender,
    GroupMembership,
    Mandate,
    Party,
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 14
    note: str = ""


COLUMNS: list[Column] = [
    Column("name", "姓名", True, 10),
    Column("gender", "性别", True, 6, "男 或 女"),
    Column("ethnicity", "民族", False, 8, "默认汉族"),
    Column("birth_date", "出生日期", False, 12, "如 1975-03-08"),
    Column("party", "党派", False, 12),
    Column("education", "学历", False, 12),
    Column("work_unit", "工作单位", False, 28),
    Column("title", "职务", False, 16),
    Column("phone", "手机号", True, 14, "11位手机号，用于识别同一人和登录"),
    Column("delegation", "代表团", False, 16, "须为本届已设的代表团"),
    Column("constituency", "选区", False, 16),
    Column("groups", "代表小组", False, 20, "多个用顿号“、”分隔"),
    Column("start_date", "当选日期", False, 12, "默认为本届开始日期"),
    Column("bio", "简介", False, 40),
]
HEADERS = [c.header for c in COLUMNS]
MAX_ROWS = 50_000
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
NAME_RE = re.compile(r"^[\u4e00-\u9fa5A-Za-z·•.\s]{2,30}$")
PARTY_ALIASES = {
    "中共": Party.CPC, "中国共产党": Party.CPC, "中国共产党党员": Party.CPC, "党员": Party.CPC,
    "预备党员": Party.CPC_PROBATION, "无": Party.NONE, "": Party.NONE,
    "无党派": Party.NON_PARTY, "民革党员": Party.RCCK, "民盟盟员": Party.CDL,
    "民建会员": Party.CNDCA, "民进会员": Party.CAPD, "农工党党员": Party.CPWDP,
    "致公党党员": Party.CZGD, "九三学社社员": Party.JS, "台盟盟员": Party.TDSGL,
}
EDUCATION_ALIASES = {"研究生": Education.MASTER, "博士": Education.DOCTOR,
                     "硕士": Education.MASTER, "本科": Education.BACHELOR,
                     "大专": Education.COLLEGE, "专科": Education.COLLEGE,
                     "高中": Education.HIGH, "中专": Education.HIGH, "初中": Education.MIDDLE}
GROUP_SPLIT = re.compile(r"[、,，;；/]")


class RosterError(Exception):
    """The file as a whole cannot be read (not an .xlsx, wrong headers, too many rows)."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class RosterRow:
    row: int
    name: str
    gender: str
    ethnicity: str
    birth_date: date | None
    party: str
    education: str
    work_unit: str
    title: str
    phone: str
    delegation: str
    constituency: str
    groups: list[str]
    start_date: date | None
    bio: str


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False
    user_ids: list[int] = field(default_factory=list)


Progress = Callable[[int, int], None]


# --- the template ----------------------------------------------------------------------


def _header_row(ws: Any) -> None:
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE2E1")
    for i, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = bold
        if col.required:
            cell.fill = required_fill
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"


def template_workbook(congress: Congress) -> bytes:
    """The empty roster template with drop-down lists and a sheet of instructions."""
    wb = Workbook()
    ws = wb.active
    ws.title = "代表名册"
    _header_row(ws)
    lists = {
        "gender": [g.label for g in Gender],
        "party": [p.value for p in Party],
        "education": [e.value for e in Education],
        "delegation": list(Delegation.objects.filter(congress=congress)
                           .values_list("name", flat=True)),
    }
    opts = wb.create_sheet("选项")
    for c_index, (key, values) in enumerate(lists.items(), start=1):
        opts.cell(row=1, column=c_index, value=key)
        for r_index, value in enumerate(values, start=2):
            opts.cell(row=r_index, column=c_index, value=value)
        if not values:
            continue
        letter = get_column_letter(c_index)
        dv = DataValidation(type="list", formula1=f"=选项!${letter}$2:${letter}${len(values)+1}",
                            allow_blank=True)
        dv.error = "请从下拉列表中选择"
        ws.add_data_validation(dv)
        col_letter = get_column_letter(HEADERS.index(
            next(c.header for c in COLUMNS if c.key == key)) + 1)
        dv.add(f"{col_letter}2:{col_letter}{MAX_ROWS}")
    opts.sheet_state = "hidden"
    help_ws = wb.create_sheet("填写说明")
    help_ws.column_dimensions["A"].width = 14
    help_ws.column_dimensions["B"].width = 60
    help_ws.append(["列", "说明"])
    for col in COLUMNS:
        help_ws.append([col.header, ("必填。" if col.required else "") + col.note])
    help_ws.append([])
    help_ws.append(["导入规则", "任何一行有错误时整份文件都不导入；按手机号识别同一人，"
                    "再次导入会更新而不会重复。"])
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- reading and validating ------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?", text)
    if not m:
        raise ValueError(f"“{text}”不是日期，请写成 1975-03-08")
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"“{text}”不是日期（没有这一天）") from None


def read_rows(source: IO[bytes] | str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (Excel row number, {column key: raw value}) for each non-empty data row."""
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:
        raise RosterError("无法读取文件：请上传用本系统模板填写的 .xlsx 文件。") from exc
    try:
        ws = wb["代表名册"] if "代表名册" in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise RosterError("文件是空的。")
        header_text = [_text(h) for h in header]
        positions: dict[str, int] = {}
        for col in COLUMNS:
            if col.header in header_text:
                positions[col.key] = header_text.index(col.header)
            elif col.required:
                raise RosterError(f"缺少必填列“{col.header}”：请使用本系统的导入模板。")
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or _text(v) == "" for v in values):
                continue
            if number - 1 > MAX_ROWS:
                raise RosterError(f"一次最多导入 {MAX_ROWS} 行，请拆分文件。")
            yield number, {key: (values[pos] if pos < len(values) else None)
                           for key, pos in positions.items()}
    finally:
        wb.close()


def validate_row(number: int, raw: dict[str, Any], errors: list[RowError]) -> RosterRow | None:
    before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    name = _text(raw.get("name"))
    if not name:
        err("姓名", "必填")
    elif not NAME_RE.match(name):
        err("姓名", f"“{name}”不像姓名（2–30个汉字或字母）")
    gender_text = _text(raw.get("gender"))
    gender = {"男": Gender.MALE, "女": Gender.FEMALE}.get(gender_text)
    if not gender_text:
        err("性别", "必填")
    elif gender is None:
        err("性别", f"应为“男”或“女”，不是“{gender_text}”")
    ethnicity = _text(raw.get("ethnicity")) or "汉族"
    if not ethnicity.endswith("族") or len(ethnicity) > 20:
        err("民族", f"“{ethnicity}”不是民族名称（如 汉族、回族）")
    birth = start = None
    try:
        birth = _date(raw.get("birth_date"))
        if birth and not (date(1920, 1, 1) <= birth <= date.today().replace(
                year=date.today().year - 18)):
            err("出生日期", f"{birth:%Y-%m-%d} 不合理：代表须年满18周岁")
    except ValueError as exc:
        err("出生日期", str(exc))
    party_text = _text(raw.get("party"))
    party = party_text if party_text in Party.values else PARTY_ALIASES.get(party_text)
    if party is None:
        err("党派", f"“{party_text}”不是可选的党派（如 中共党员、民盟、群众）")
    edu_text = _text(raw.get("education"))
    education = edu_text if edu_text in Education.values or not edu_text else \
        EDUCATION_ALIASES.get(edu_text)
    if education is None:
        err("学历", f"“{edu_text}”不是可选的学历（如 大学本科、硕士研究生）")
    phone = _text(raw.get("phone")).replace(" ", "").replace("-", "")
    if not phone:
        err("手机号", "必填")
    elif not PHONE_RE.match(phone):
        err("手机号", f"“{phone}”不是11位手机号")
    work_unit = _text(raw.get("work_unit"))
    title = _text(raw.get("title"))
    if len(work_unit) > 100:
        err("工作单位", "最长100个字")
    if len(title) > 100:
        err("职务", "最长100个字")
    constituency = _text(raw.get("constituency"))
    if len(constituency) > 100:
        err("选区", "最长100个字")
    try:
        start = _date(raw.get("start_date"))
    except ValueError as exc:
        err("当选日期", str(exc))
    bio = _text(raw.get("bio"))
    if len(bio) > 2000:
        err("简介", f"最长2000个字，现有{len(bio)}个字")
    groups = [g.strip() for g in GROUP_SPLIT.split(_text(raw.get("groups"))) if g.strip()]
    if len(errors) > before:
        return None
    return RosterRow(number, name, gender, ethnicity, birth, party, education or "", work_unit,
                     title, phone, _text(raw.get("delegation")), constituency, groups, start,
                     bio)


# --- importing -------------------------------------------------------------------------------


def import_roster(source: IO[bytes] | str, congress: Congress, actor: User | None, *,
                  allow_partial: bool = False, progress: Progress | None = None,
                  request: Any = None) -> ImportResult:
    """Validate every row, then import all of them in one transaction — or none.

    With ``allow_partial`` the good rows are imported and the bad ones reported.
    Progress is reported as (rows done, rows in all): reading counts the first half,
    writing the second.
    """
    term = congress.current_term()
    if term is None:
        raise RosterError(f"{congress}还没有设置本届，无法导入代表。")
    raw_rows = list(read_rows(source))
    result = ImportResult(total=len(raw_rows))
    total_steps = max(1, result.total * 2)
    if progress:
        progress(0, total_steps)
    errors = result.errors
    rows: list[RosterRow] = []
    for i, (number, raw) in enumerate(raw_rows, start=1):
        row = validate_row(number, raw, errors)
        if row is not None:
            rows.append(row)
        if progress and i % 500 == 0:
            progress(i, total_steps)
    rows = _check_against_database(rows, congress, errors)
    errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else 0))
    if errors and not allow_partial:
        if progress:
            progress(total_steps, total_steps)
        return result
    if progress:
        progress(result.total, total_steps)
    with transaction.atomic():
        _write(rows, congress, term, result, progress, total_steps)
        audit.record("deputies.roster_imported", actor=actor, congress=congress,
                     object_type="deputies.roster", object_id=str(term.pk), request=request,
                     summary={"rows": result.total, "created": result.created,
                              "updated": result.updated, "bad_rows": len({
                                  e.row for e in errors})})
    result.imported = True
    if progress:
        progress(total_steps, total_steps)
    return result


def _check_against_database(rows: list[RosterRow], congress: Congress,
                            errors: list[RowError]) -> list[RosterRow]:
    """Duplicates within the file, phones that belong to someone else, unknown names."""
    first_by_phone: dict[str, int] = {}
    bad: set[int] = set()
    for row in rows:
        if row.phone in first_by_phone:
            errors.append(RowError(row.row, "手机号",
                                   f"与第{first_by_phone[row.phone]}行手机号重复（{row.phone}）"))
            bad.add(row.row)
        else:
            first_by_phone[row.phone] = row.row
    phones = list(first_by_phone)
    existing = {}
    for chunk in _chunks(phones, 900):
        existing.update({d.phone: d for d in Deputy.objects.filter(phone__in=chunk)})
    delegations = set(Delegation.objects.filter(congress=congress).values_list("name", flat=True))
    groups = set(DeputyGroup.objects.filter(congress=congress).values_list("name", flat=True))
    for row in rows:
        if row.row in bad:
            continue
        found = existing.get(row.phone)
        if found is not None and found.name != row.name:
            errors.append(RowError(row.row, "手机号",
                                   f"{row.phone} 已登记为代表“{found.name}”，与本行姓名不符"))
            bad.add(row.row)
        if row.delegation and row.delegation not in delegations:
            errors.append(RowError(row.row, "代表团", f"本届没有“{row.delegation}”"))
            bad.add(row.row)
        unknown = [g for g in row.groups if g not in groups]
        if unknown:
            errors.append(RowError(row.row, "代表小组", f"没有代表小组“{'、'.join(unknown)}”"))
            bad.add(row.row)
    return [r for r in rows if r.row not in bad]


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


PERSON_FIELDS = ["name", "gender", "ethnicity", "birth_date", "party", "education", "work_unit",
                 "title", "bio"]


def _write(rows: list[RosterRow], congress: Congress, term: Term, result: ImportResult,
           progress: Progress | None, total_steps: int) -> None:
    phones = [r.phone for r in rows]
    existing: dict[str, Deputy] = {}
    for chunk in _chunks(phones, 900):
        existing.update({d.phone: d for d in Deputy.objects.filter(phone__in=chunk)})
    new_people, changed = [], []
    for row in rows:
        deputy = existing.get(row.phone)
        values = {f: getattr(row, f) for f in PERSON_FIELDS}
        if deputy is None:
            new_people.append(Deputy(phone=row.phone, **values))
        else:
            if any(getattr(deputy, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(deputy, f, v)
                deputy.updated_at = timezone.now()
                changed.append(deputy)
    Deputy.objects.bulk_create(new_people, batch_size=500)
    Deputy.objects.bulk_update(changed, [*PERSON_FIELDS, "updated_at"], batch_size=500)
    people: dict[str, Deputy] = {}
    for chunk in _chunks(phones, 900):
        people.update({d.phone: d for d in Deputy.objects.filter(phone__in=chunk)})
    if progress:
        progress(result.total + len(rows) // 3, total_steps)

    _ensure_accounts(people, congress, result)
    if progress:
        progress(result.total + 2 * len(rows) // 3, total_steps)

    delegations = dict(Delegation.objects.filter(congress=congress).values_list("name", "id"))
    mandates = {m.deputy_id: m for m in Mandate.objects.filter(
        term=term, deputy_id__in=[d.pk for d in people.values()])}
    new_mandates, changed_mandates = [], []
    for row in rows:
        deputy = people[row.phone]
        delegation_id = delegations.get(row.delegation)
        start = row.start_date or term.start_date
        mandate = mandates.get(deputy.pk)
        if mandate is None:
            new_mandates.append(Mandate(deputy=deputy, congress=congress, term=term,
                                        delegation_id=delegation_id,
                                        constituency=row.constituency, start_date=start))
            result.created += 1
        else:
            result.updated += 1
            if (mandate.delegation_id, mandate.constituency, mandate.start_date) != (
                    delegation_id, row.constituency, start):
                mandate.delegation_id = delegation_id
                mandate.constituency = row.constituency
                mandate.start_date = start
                changed_mandates.append(mandate)
    Mandate.objects.bulk_create(new_mandates, batch_size=500)
    Mandate.objects.bulk_update(changed_mandates, ["delegation", "constituency", "start_date"],
                                batch_size=500)
    # The DEPUTY role runs from the mandate's start (the election), not from the import day.
    starts = {people[row.phone].user_id: row.start_date or term.start_date for row in rows
              if people[row.phone].user_id}
    _grant_deputy_roles(congress, starts)
    _add_group_memberships(rows, people, congress, term)


def _ensure_accounts(people: dict[str, Deputy], congress: Congress,
                     result: ImportResult) -> None:
    """Every imported deputy gets an account (username = phone) with no usable password:
    staff hand out first passwords, which must be changed at first sign-in."""
    without = [d for d in people.values() if d.user_id is None]
    if not without:
        return
    by_phone: dict[str, User] = {}
    for chunk in _chunks([d.phone for d in without], 900):
        by_phone.update({u.phone: u for u in User.objects.filter(phone__in=chunk)})
    taken = set()
    for chunk in _chunks([d.phone for d in without], 900):
        taken.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))
    new_users = []
    for d in without:
        if d.phone in by_phone or d.phone in taken:
            continue
        user = User(username=d.phone, phone=d.phone, full_name=d.name, congress=congress,
                    must_change_password=True)
        user.set_unusable_password()
        new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=500)
    for chunk in _chunks([d.phone for d in without], 900):
        by_phone.update({u.phone: u for u in User.objects.filter(phone__in=chunk)})
    already_linked = set(Deputy.objects.filter(
        user_id__in=[u.pk for u in by_phone.values()]).values_list("user_id", flat=True))
    linked = []
    for d in without:
        user = by_phone.get(d.phone)
        if user is not None and user.pk not in already_linked:
            already_linked.add(user.pk)
            d.user = user
            linked.append(d)
    Deputy.objects.bulk_update(linked, ["user"], batch_size=500)
    result.user_ids = [d.user_id for d in linked]


def _grant_deputy_roles(congress: Congress, starts: dict[int, date]) -> None:
    """A DEPUTY role for each user, starting on their mandate's start date. A role that has
    not ended is kept; if it starts later than the mandate (granted on an import day), it
    is moved back to the mandate's start."""
    from django.db.models import Q

    from renda.core.models import Role, RoleAssignment

    today = timezone.localdate()
    have: dict[int, RoleAssignment] = {}
    for chunk in _chunks(list(starts), 900):
        for ra in RoleAssignment.objects.filter(
                Q(end_date__isnull=True) | Q(end_date__gte=today),
                congress=congress, role=Role.DEPUTY, user_id__in=chunk).order_by("start_date"):
            have.setdefault(ra.user_id, ra)
    earlier = []
    for uid, ra in have.items():
        if ra.start_date > starts[uid]:
            ra.start_date = starts[uid]
            earlier.append(ra)
    RoleAssignment.objects.bulk_update(earlier, ["start_date"], batch_size=500)
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user_id=uid, congress=congress, role=Role.DEPUTY, start_date=start)
        for uid, start in starts.items() if uid not in have
    ], batch_size=500)


def _add_group_memberships(rows: list[RosterRow], people: dict[str, Deputy],
                           congress: Congress, term: Term) -> None:
    if not any(r.groups for r in rows):
        return
    groups = dict(DeputyGroup.objects.filter(congress=congress).values_list("name", "id"))
    mandate_of = dict(Mandate.objects.filter(
        term=term, deputy_id__in=[d.pk for d in people.values()]
    ).values_list("deputy_id", "id"))
    existing = set(GroupMembership.objects.filter(
        group__congress=congress, mandate_id__in=mandate_of.values()
    ).values_list("group_id", "mandate_id"))
    new = []
    for row in rows:
        mandate_id = mandate_of[people[row.phone].pk]
        for g in row.groups:
            key = (groups[g], mandate_id)
            if key not in existing:
                existing.add(key)
                new.append(GroupMembership(group_id=key[0], mandate_id=mandate_id))
    GroupMembership.objects.bulk_create(new, batch_size=500)


# --- exporting ------------------------------------------------------------------------------


def export_rows(mandates: Iterable[Mandate], *, mask: bool = False) -> Iterator[list[Any]]:
    for m in mandates:
        d = m.deputy
        yield [
            d.name, d.get_gender_display(), d.ethnicity, d.birth_date, d.party, d.education,
            d.work_unit, d.title, d.masked_phone if mask else d.phone,
            m.delegation.name if m.delegation_id else "", m.constituency,
            "、".join(g.name for g in m.groups.all()), m.start_date, d.bio,
        ]


def export_workbook(mandates: Iterable[Mandate], *, mask: bool = False) -> bytes:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "代表名册"
    _header_row(ws)
    for values in export_rows(mandates, mask=mask):
        ws.append(values)
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    for row in ws.iter_rows(min_row=2, min_col=13, max_col=13):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    return _save(wb)
