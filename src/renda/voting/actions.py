"""The only writers of 民生实事项目票决: one function per change, shared by the pages, the API
and the command line (DESIGN §5.3).

Each action checks the actor and the state first (``DomainError`` with a Chinese message,
nothing changed), then runs in one transaction, logs the transition and writes an audit
event. Casting a ballot writes the receipt and the ballot in the same transaction and no
audit event (closing the vote audits the counts); nothing written anywhere names a deputy
next to a ballot, a ballot id or a tracker.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import DomainError, NotAllowed, NotFound
from renda.core.models import Organization, OrgKind, Role, RoleAssignment, User
from renda.core.notify import notify
from renda.core.perms import Perm, has_perm
from renda.deputies.models import Deputy, Mandate, MandateStatus

from . import queries, states
from .access import visible_congresses
from .models import (
    Attendance,
    Ballot,
    Candidate,
    Choice,
    Entitlement,
    Kind,
    Method,
    Milestone,
    PaperEntry,
    ProgressReport,
    Proposal,
    ProposalSource,
    ProposalStatus,
    Rating,
    Receipt,
    ReportKind,
    Round,
    RoundStatus,
    Transition,
)

S = RoundStatus


# --- helpers -----------------------------------------------------------------------------------


def _require(actor: Any, perm: Perm, congress_id: int) -> None:
    if not has_perm(actor, perm, congress_id):
        raise DomainError("您没有此项权限。")


def _lock(r: Round) -> Round:
    return Round.objects.select_for_update().get(pk=r.pk)


# Advisory lock namespace of the ballot box (any constant; "vote" in ASCII).
_BOX = 0x766F7465


# The queries of casting are written out in SQL: at the opening of a vote every deputy
# casts at once, and building these queries through the ORM cost more than running them.


def _lock_shared(round_id: Any) -> Round:
    """Hold the round's ballot box open while one ballot is written, without serialising
    voters: a shared advisory lock on PostgreSQL, which closing takes exclusively (so a
    close waits for the ballots being written, and ballots after it see the round closed).
    SQLite has a single writer anyway."""
    try:
        pk = int(round_id)
    except (TypeError, ValueError):
        raise NotFound("没有这一轮票决。") from None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [_BOX, pk])
    # Read after the lock is held, so a round closed meanwhile is seen closed.
    found = list(Round.objects.raw(f"SELECT * FROM {Round._meta.db_table} WHERE id = %s",  # noqa: S608
                                   [pk]))
    if not found:
        raise NotFound("没有这一轮票决。")
    return found[0]


def _entitlement_for_update(r: Round, kind: str, user: Any) -> tuple[int, str] | None:
    """(deputy id, attendance) of the user's deputy on the round's list, row-locked: a
    concurrent change of attendance, or the same deputy's second request, waits here."""
    sql = (f"SELECT e.deputy_id, e.attendance FROM {Entitlement._meta.db_table} e "  # noqa: S608
           f"JOIN {Deputy._meta.db_table} d ON d.id = e.deputy_id "
           "WHERE e.round_id = %s AND e.kind = %s AND d.user_id = %s")
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF e"
    with connection.cursor() as cursor:
        cursor.execute(sql, [r.pk, kind, user.pk])
        return cursor.fetchone()


def _lock_box(r: Round) -> None:
    """Close the ballot box: wait for ballots being written, keep new ones out until commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_BOX, r.pk])


def _move(r: Round, target: str, actor: Any, reason: str = "", request: Any = None,
          summary: dict[str, Any] | None = None) -> None:
    """Check and record one transition on a locked round, then save it."""
    states.check_transition(r.status, target)
    Transition.objects.create(round=r, from_status=r.status, to_status=target, actor=actor,
                              reason=reason[:500])
    audit.record(f"voting.{target}", actor=actor, congress=r.congress_id, obj=r, request=request,
                 summary={"from": r.status, "to": target, **({"reason": reason} if reason else {}),
                          **(summary or {})})
    r.status = target
    r.save()


# --- trackers ----------------------------------------------------------------------------------


def new_tracker() -> str:
    """A random ballot tracker, e.g. ``K7QF-2MZP-XR4D-9BTA`` (80 bits)."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def normalise_tracker(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def hash_tracker(code: str) -> str:
    return hashlib.sha256(("renda-ballot:" + normalise_tracker(code)).encode()).hexdigest()


# --- rounds, proposals, candidates --------------------------------------------------------------


def create_round(actor: User, congress: Any, *, year: int, title: str, seats: int,
                 method: str = Method.ELECTRONIC, threshold_percent: int = 50,
                 request: Any = None) -> Round:
    """Start a yearly round in ``collecting``."""
    congress_id = getattr(congress, "pk", congress)
    _require(actor, Perm.VOTING_MANAGE, congress_id)
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写名称。", field="title")
    if not 1 <= int(seats) <= 100:
        raise DomainError("应选项目数应在 1 到 100 之间。", field="seats")
    if not 2000 <= int(year) <= 2100:
        raise DomainError("年度不正确。", field="year")
    if method not in Method.values:
        raise DomainError("表决方式不正确。", field="method")
    if not 1 <= int(threshold_percent) <= 99:
        raise DomainError("当选门槛应在 1% 到 99% 之间。", field="threshold_percent")
    with transaction.atomic():
        r = Round.objects.create(congress_id=congress_id, year=year, title=title[:120],
                                 seats=seats, method=method, threshold_percent=threshold_percent,
                                 created_by=actor)
        Transition.objects.create(round=r, to_status=S.COLLECTING, actor=actor)
        audit.record("voting.created", actor=actor, congress=congress_id, obj=r, request=request,
                     summary={"title": r.title, "seats": r.seats, "method": r.method})
    return r


def move(actor: User, r: Round, target: str, reason: str = "", request: Any = None) -> Round:
    """The plain moves: collecting → screening → candidates fixed (see ``fix_candidates``),
    tallied → announced, announced → implementing; and back from screening."""
    _require(actor, Perm.VOTING_MANAGE, r.congress_id)
    if target in (S.VOTING, S.TALLIED, S.EVALUATING, S.CLOSED, S.CANDIDATES_FIXED):
        raise DomainError("这一步请使用对应的操作（确定候选项目、开始或结束投票、测评）。")
    with transaction.atomic():
        r = _lock(r)
        _move(r, target, actor, reason, request)
        if target == S.ANNOUNCED:
            elected = list(r.candidates.filter(elected=True).values_list("title", flat=True))
            users = User.objects.filter(deputy__in=Entitlement.objects.filter(
                round=r, kind=Kind.VOTE).values("deputy_id"), is_active=True)
            transaction.on_commit(lambda: notify(
                users, f"{r.title}票决结果已公布", "当选项目：" + "、".join(elected),
                url=f"/voting/{r.pk}/results/", congress=r.congress_id))
    return r


def submit_proposal(r: Round, *, source: str, title: str, description: str, name: str,
                    phone: str = "", user: Any = None, request: Any = None) -> Proposal:
    """A proposal from the public (the QR form), a deputy or a department, while collecting."""
    if r.status != S.COLLECTING or not r.proposals_open:
        raise DomainError("本轮项目征集已经结束。")
    if source not in ProposalSource.values:
        raise DomainError("来源不正确。", field="source")
    title, description, name = (title or "").strip(), (description or "").strip(), (name or "").strip()
    if not title:
        raise DomainError("请填写项目名称。", field="title")
    if len(title) > 100:
        raise DomainError("项目名称不能超过 100 字。", field="title")
    if len(description) < 10:
        raise DomainError("请用至少 10 个字说明项目内容和理由。", field="description")
    if len(description) > 2000:
        raise DomainError("内容不能超过 2000 字。", field="description")
    if not name:
        raise DomainError("请填写您的姓名。", field="name")
    phone = (phone or "").strip()
    if phone and not (len(phone) == 11 and phone.isdigit() and phone[0] == "1"):
        raise DomainError("手机号应为11位数字，以1开头。", field="phone")
    with transaction.atomic():
        p = Proposal.objects.create(round=r, source=source, title=title, description=description,
                                    submitter_name=name[:50], submitter_phone=phone,
                                    submitted_by=user if getattr(user, "pk", None) else None)
        audit.record("voting.proposal", actor=user, congress=r.congress_id, obj=p,
                     request=request, summary={"round": r.pk, "source": source})
    return p


def screen_proposal(actor: User, p: Proposal, *, accept: bool, reason: str,
                    unit: Organization | None = None, budget: Any = 0,
                    request: Any = None) -> Proposal:
    """Screening with a reason; an accepted proposal becomes a candidate project."""
    r = p.round
    _require(actor, Perm.VOTING_MANAGE, r.congress_id)
    if r.status not in states.EDITABLE_CANDIDATES:
        raise DomainError("候选项目已经确定，不能再筛选提议。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写筛选理由。", field="reason")
    with transaction.atomic():
        p = Proposal.objects.select_for_update().get(pk=p.pk)
        if p.status != ProposalStatus.PENDING:
            raise DomainError("这条提议已经筛选过了。")
        p.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
        p.screening_reason = reason[:300]
        p.save()
        if accept:
            add_candidate(actor, r, title=p.title, description=p.description, budget=budget,
                          unit=unit, proposal=p, request=request)
        audit.record("voting.proposal_screened", actor=actor, congress=r.congress_id, obj=p,
                     request=request, summary={"accepted": accept, "reason": reason})
    return p


def _budget(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        raise DomainError("预算应为数字（万元）。", field="budget") from None
    if amount < 0 or amount >= Decimal("1000000000"):
        raise DomainError("预算超出范围。", field="budget")
    return amount.quantize(Decimal("0.1"))


def add_candidate(actor: User, r: Round, *, title: str, description: str, budget: Any = 0,
                  unit: Organization | None = None, proposal: Proposal | None = None,
                  request: Any = None) -> Candidate:
    _require(actor, Perm.VOTING_MANAGE, r.congress_id)
    if r.status not in states.EDITABLE_CANDIDATES:
        raise DomainError("候选项目已经确定，不能再修改。")
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise DomainError("请填写项目名称。", field="title")
    if not description:
        raise DomainError("请填写项目内容。", field="description")
    if unit is not None and (unit.congress_id != r.congress_id or unit.kind != OrgKind.UNIT):
        raise DomainError("责任单位不属于本级人大的承办单位。", field="unit")
    amount = _budget(budget)
    with transaction.atomic():
        order = r.candidates.count() + 1
        c = Candidate.objects.create(round=r, title=title[:100], description=description[:2000],
                                     budget=amount, unit=unit, proposal=proposal,
                                     sort_order=order)
        audit.record("voting.candidate_added", actor=actor, congress=r.congress_id, obj=c,
                     request=request, summary={"round": r.pk, "title": c.title})
    return c


def remove_candidate(actor: User, c: Candidate, request: Any = None) -> None:
    r = c.round
    _require(actor, Perm.VOTING_MANAGE, r.congress_id)
    if r.status not in states.EDITABLE_CANDIDATES:
        raise DomainError("候选项目已经确定，不能再修改。")
    with transaction.atomic():
        audit.record("voting.candidate_removed", actor=actor, congress=r.congress_id, obj=c,
                     request=request, summary={"round": r.pk, "title": c.title})
        c.delete()


def candidate_warnings(r: Round, count: int | None = None) -> list[str]:
    """差额: candidates should outnumber seats; a ratio under 1.2 is noted."""
    n = r.candidates.count() if count is None else count
    notes = []
    if n <= r.seats:
        notes.append(f"候选项目 {n} 个，不多于应选 {r.seats} 个，不是差额票决。")
    elif n < r.seats * 1.2:
        notes.append(f"候选项目与应选项目之比为 {n / r.seats:.2f}，低于 1.2。")
    return notes


def fix_candidates(actor: User, r: Round, request: Any = None) -> list[str]:
    """Fix the candidate list (screening → candidates_fixed); returns the warnings."""
    _require(actor, Perm.VOTING_MANAGE, r.congress_id)
    with transaction.atomic():
        r = _lock(r)
        n = r.candidates.count()
        if n < r.seats:
            raise DomainError(f"候选项目只有 {n} 个，少于应选的 {r.seats} 个，不能确定。")
        notes = candidate_warnings(r, n)
        _move(r, S.CANDIDATES_FIXED, actor, request=request,
              summary={"candidates": n, "seats": r.seats, "warnings": notes})
    return notes


# --- the vote -------------------------------------------------------------------------------------


def _snapshot(r: Round, kind: str) -> int:
    """Take the snapshot of the deputies entitled to vote: every current mandate now."""
    deputy_ids = sorted(set(Mandate.objects.filter(
        congress_id=r.congress_id, status=MandateStatus.ACTIVE, term__is_current=True,
    ).values_list("deputy_id", flat=True)))
    Entitlement.objects.bulk_create(
        [Entitlement(round=r, kind=kind, deputy_id=d) for d in deputy_ids], batch_size=1000)
    return len(deputy_ids)


def open_vote(actor: User, r: Round, request: Any = None) -> Round:
    """Open the vote: snapshot the entitled deputies, then accept ballots."""
    _require(actor, Perm.VOTING_MANAGE, r.congress_id)
    with transaction.atomic():
        r = _lock(r)
        states.check_transition(r.status, S.VOTING)
        if r.candidates.count() < r.seats:
            raise DomainError("候选项目少于应选项目，不能开始投票。")
        r.entitled_count = _snapshot(r, Kind.VOTE)
        if not r.entitled_count:
            raise DomainError("本级人大没有在任代表，不能开始投票。")
        r.opened_at = timezone.now()
        _move(r, S.VOTING, actor, request=request, summary={"entitled": r.entitled_count})
        if r.method == Method.ELECTRONIC:
            users = list(User.objects.filter(deputy__in=Entitlement.objects.filter(
                round=r, kind=Kind.VOTE).values("deputy_id"), is_active=True))
            transaction.on_commit(lambda: notify(
                users, f"请参加{r.title}投票", "投票已经开始，请在手机或会场终端上投票。",
                url=f"/voting/{r.pk}/vote/", congress=r.congress_id))
    return r


def set_attendance(actor: User, r: Round, deputy_id: int, attendance: str,
                   request: Any = None) -> Entitlement:
    """Mark a deputy of the snapshot present, on leave or absent; only before they voted."""
    _require(actor, Perm.VOTING_MANAGE, r.congress_id)
    if attendance not in Attendance.values:
        raise DomainError("出席情况不正确。", field="attendance")
    kind = Kind.RATING if r.status == S.EVALUATING else Kind.VOTE
    if r.status not in (S.VOTING, S.EVALUATING):
        raise DomainError("只有投票进行中才能登记出席情况。")
    with transaction.atomic():
        ent = Entitlement.objects.select_for_update().filter(
            round=r, kind=kind, deputy_id=deputy_id).first()
        if ent is None:
            raise DomainError("该代表不在本次表决的代表名单中。")
        if Receipt.objects.filter(round=r, kind=kind, deputy_id=deputy_id).exists():
            raise DomainError("该代表已经投票，不能再改出席情况。")
        ent.attendance = attendance
        ent.save(update_fields=["attendance"])
        audit.record("voting.attendance", actor=actor, congress=r.congress_id, obj=r,
                     request=request, summary={"deputy": deputy_id, "attendance": attendance})
    return ent


def clean_choices(r: Round, kind: str, choices: Mapping[Any, Any],
                  candidate_ids: Sequence[int]) -> dict[str, str]:
    """The ballot as ``{candidate id: choice}`` for exactly the candidates on it, or refuse.

    A vote marks each candidate 赞成/反对/弃权 with at most ``seats`` 赞成; a rating marks
    each elected project 满意/基本满意/不满意."""
    if not isinstance(choices, Mapping):
        raise DomainError("选票格式不正确。", field="choices")
    allowed = Choice.values if kind == Kind.VOTE else Rating.values
    wanted = {str(i) for i in candidate_ids}
    clean: dict[str, str] = {}
    for key, value in choices.items():
        key = str(key)
        if key not in wanted:
            raise DomainError("选票上有不属于本次表决的项目。", field="choices")
        if value not in allowed:
            raise DomainError("每个项目只能选择" + "、".join(
                (Choice if kind == Kind.VOTE else Rating)(v).label for v in allowed) + "。",
                field="choices")
        clean[key] = value
    missing = wanted - set(clean)
    if missing:
        raise DomainError(f"还有 {len(missing)} 个项目没有选择，请对每个项目作出选择。",
                          field="choices")
    if kind == Kind.VOTE:
        yes = sum(1 for v in clean.values() if v == Choice.YES)
        if yes > r.seats:
            raise DomainError(f"赞成票最多 {r.seats} 个，您选了 {yes} 个。", field="choices")
    return clean


def cast(user: User, round_id: Any, choices: Mapping[Any, Any], kind: str | None = None) -> str:
    """Cast the deputy's secret ballot; returns the tracker, shown to the voter once.

    ``kind`` is the ballot open on the round (the vote, or the year-end rating) unless
    given. The receipt (that this deputy voted, unique per round) and the ballot (what was
    voted, no deputy, random key) are written in one transaction; a second attempt hits the
    unique constraint and is refused. No audit event, log line or notification is written.
    A round the user cannot see is ``NotFound``; a user without the right to vote in its
    congress is ``NotAllowed``."""
    if not getattr(user, "pk", None):
        raise NotAllowed("只有代表本人才能投票。")
    try:
        with transaction.atomic():
            r = _lock_shared(round_id)
            if r.congress_id not in visible_congresses(user):
                raise NotFound("没有这一轮票决。")
            if not has_perm(user, Perm.VOTING_CAST, r.congress_id):
                raise NotAllowed("只有代表本人才能投票。")
            if kind is None:
                kind = Kind.RATING if r.status == S.EVALUATING else Kind.VOTE
            if kind == Kind.VOTE:
                if r.status != S.VOTING:
                    raise DomainError("本轮票决现在不在投票中。")
                if r.method != Method.ELECTRONIC:
                    raise DomainError("本轮使用纸质选票，请在会场投票。")
            elif r.status != S.EVALUATING:
                raise DomainError("满意度测评现在不在进行中。")
            entitled = _entitlement_for_update(r, kind, user)
            if entitled is None:
                if not Deputy.objects.filter(user=user).exists():
                    raise NotAllowed("只有代表本人才能投票。")
                raise DomainError("您不在本次表决的代表名单中。")
            deputy_id, attendance = entitled
            if attendance != Attendance.PRESENT:
                raise DomainError(f"您已登记为“{Attendance(attendance).label}”，不能投票。")
            ids = [c["id"] for c in queries.ballot_candidates(r, kind)]
            clean = clean_choices(r, kind, choices, ids)
            # A second ballot of the same deputy fails here, on the unique constraint.
            Receipt.objects.create(round=r, kind=kind, deputy_id=deputy_id)
            tracker = new_tracker()
            Ballot.objects.create(round=r, kind=kind, choices=clean, valid=True,
                                  tracker_hash=hash_tracker(tracker))
            # No audit event per ballot: it would add a timestamp per ballot and queue every
            # voter on the audit chain's head row. The receipts are the record of who voted;
            # closing the vote audits the counts of receipts and ballots, which must agree.
    except IntegrityError:
        # Two requests of the same deputy at once: the receipt's unique constraint decides.
        raise DomainError("您已经投过票，每位代表只能投一次。") from None
    return tracker


def has_voted(user: Any, r: Round, kind: str = Kind.VOTE) -> bool:
    deputy_id = Deputy.objects.filter(user=user).values_list("id", flat=True).first() \
        if getattr(user, "pk", None) else None
    return bool(deputy_id) and Receipt.objects.filter(round=r, kind=kind,
                                                      deputy_id=deputy_id).exists()


# --- the tally ------------------------------------------------------------------------------------


@dataclass
class Tally:
    entitled: int
    voted: int
    total: int
    valid: int
    invalid: int
    counts: dict[int, dict[str, int]]
    quorum_met: bool = False
    elected: list[int] = field(default_factory=list)
    tied: list[int] = field(default_factory=list)
    note: str = ""


def ballot_is_valid(r: Round, choices: Any, candidate_ids: set[str]) -> bool:
    if not isinstance(choices, dict) or set(choices) != candidate_ids:
        return False
    if any(v not in Choice.values for v in choices.values()):
        return False
    return sum(1 for v in choices.values() if v == Choice.YES) <= r.seats


def count_ballots(r: Round) -> Tally:
    """Count the stored electronic ballots of the vote (also used by the recount)."""
    cands = list(r.candidates.values_list("id", flat=True))
    keys = {str(c) for c in cands}
    counts = {c: {"yes": 0, "no": 0, "abstain": 0} for c in cands}
    total = valid = 0
    for choices in Ballot.objects.filter(round=r, kind=Kind.VOTE).values_list("choices",
                                                                               flat=True):
        total += 1
        if not ballot_is_valid(r, choices, keys):
            continue
        valid += 1
        for key, value in choices.items():
            counts[int(key)][value] += 1
    voted = Receipt.objects.filter(round=r, kind=Kind.VOTE).count()
    return decide(r, Tally(entitled=r.entitled_count, voted=voted, total=total, valid=valid,
                           invalid=total - valid, counts=counts))


def decide(r: Round, t: Tally) -> Tally:
    """Quorum (more than half of all entitled deputies voted) and the elected list: the
    ``seats`` candidates with the most 赞成 among those over the threshold; a tie at the
    cut-off is reported for a run-off, never broken."""
    t.quorum_met = t.voted * 2 > t.entitled
    t.elected, t.tied, t.note = [], [], ""
    if not t.quorum_met:
        t.note = f"投票代表 {t.voted} 人，未超过应到代表 {t.entitled} 人的半数，票决无效。"
        return t
    passing = [c for c, n in t.counts.items() if n["yes"] * 100 > r.threshold_percent * t.valid]
    passing.sort(key=lambda c: -t.counts[c]["yes"])
    if len(passing) <= r.seats:
        t.elected = passing
        if len(passing) < r.seats:
            t.note = f"赞成票超过有效票 {r.threshold_percent}% 的项目只有 {len(passing)} 个，" \
                     f"少于应选的 {r.seats} 个。"
        return t
    cutoff = t.counts[passing[r.seats - 1]]["yes"]
    above = [c for c in passing if t.counts[c]["yes"] > cutoff]
    at = [c for c in passing if t.counts[c]["yes"] == cutoff]
    remaining = r.seats - len(above)
    if len(at) == remaining:
        t.elected = above + at
    else:
        t.elected = above
        t.tied = at
        t.note = f"有 {len(at)} 个项目赞成票同为 {cutoff} 票，争剩余的 {remaining} 个名额，" \
                 f"须另行投票决定。"
    return t


def _store_tally(r: Round, t: Tally) -> None:
    for c in r.candidates.all():
        n = t.counts.get(c.pk, {"yes": 0, "no": 0, "abstain": 0})
        c.yes, c.no, c.abstain = n["yes"], n["no"], n["abstain"]
        c.elected = c.pk in t.elected
        c.tied = c.pk in t.tied
        c.save(update_fields=["yes", "no", "abstain", "elected", "tied"])
    r.voted_count, r.ballots_total = t.voted, t.total
    r.ballots_valid, r.ballots_invalid = t.valid, t.invalid
    r.quorum_met, r.tie_note = t.quorum_met, t.note[:300]


def _reseal(r: Round, kind: str) -> None:
    """Rewrite the round's ballots in the order of their random keys, in this transaction:
    the physical order of the rows (rowid, ctid) and their inserting transaction (xmin) no
    longer follow the order in which they were cast."""
    rows = list(Ballot.objects.filter(round=r, kind=kind).order_by("id").values(
        "id", "choices", "valid", "tracker_hash"))
    Ballot.objects.filter(round=r, kind=kind).delete()
    Ballot.objects.bulk_create([Ballot(round_id=r.pk, kind=kind, **row) for row in rows],
                               batch_size=1000)
    if connection.vendor == "postgresql":
        transaction.on_commit(_vacuum_ballots)


def _vacuum_ballots() -> None:
    """Remove the dead row versions left by ``_reseal`` (best effort; autovacuum does it too)."""
    if connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM voting_ballot")
    except Exception:  # cleanup only; autovacuum will do it later
        return


def paper_tally(r: Round) -> Tally:
    entries = list(r.paper_entries.all())
    if len(entries) < 2:
        raise DomainError("纸质选票须由两名计票人分别录入，目前只录入了 "
                          f"{len(entries)} 份。")
    diff = paper_differences(entries[0].counts, entries[1].counts)
    if diff:
        raise DomainError("两名计票人录入的数字不一致：" + "；".join(diff[:5]) + "。")
    c = entries[0].counts
    counts = {int(k): {"yes": v["yes"], "no": v["no"], "abstain": v["abstain"]}
              for k, v in c["candidates"].items()}
    return decide(r, Tally(entitled=r.entitled_count, voted=c["total"], total=c["total"],
                           valid=c["valid"], invalid=c["invalid"], counts=counts))


def _capture_participation(r: Round, kind: str, actor: Any) -> None:
    """The duty archive records that each deputy took part — from the receipts, in deputy
    order, at closing: never the ballot, its choices or the order in which ballots came."""
    from renda.archive import capture
    from renda.archive.models import RecordKind

    day = timezone.localdate()
    label = "民生实事项目票决" if kind == Kind.VOTE else "民生实事项目年末满意度测评"
    prefix = "vote" if kind == Kind.VOTE else "rating"
    deputies = (Receipt.objects.filter(round=r, kind=kind).order_by("deputy_id")
                .values_list("deputy_id", flat=True))
    capture.record_many([{"deputy": d, "kind": RecordKind.VOTING, "source_key": f"{prefix}:{r.pk}:{d}",
                          "day": day, "title": f"参加{r.year}年{label}"} for d in deputies],
                        congress=r.congress_id, source=f"{prefix}:{r.pk}", actor=actor)


def close_vote(actor: User, r: Round, request: Any = None) -> Tally:
    """Close the vote and tally it. Before this, nobody — staff included — sees a result."""
    _require(actor, Perm.VOTING_MANAGE, r.congress_id)
    with transaction.atomic():
        _lock_box(r)
        r = _lock(r)
        states.check_transition(r.status, S.TALLIED)
        if r.method == Method.PAPER:
            t = paper_tally(r)
        else:
            t = count_ballots(r)
            _reseal(r, Kind.VOTE)
            _capture_participation(r, Kind.VOTE, actor)
        _store_tally(r, t)
        r.closed_at = timezone.now()
        _move(r, S.TALLIED, actor, request=request, summary={
            "entitled": t.entitled, "voted": t.voted, "ballots": t.total, "valid": t.valid,
            "invalid": t.invalid,
            "quorum": t.quorum_met, "elected": t.elected, "tied": t.tied})
    return t


@dataclass
class Recount:
    tally: Tally
    matches: bool
    differences: list[str]


def recount(r: Round) -> Recount:
    """Recompute the tally from the stored ballots and compare it with the stored result."""
    if not r.has_results:
        raise DomainError("投票尚未结束，不能计票。")
    t = paper_tally(r) if r.method == Method.PAPER else count_ballots(r)
    diffs = []
    for label, mine, stored in (("投票代表", t.voted, r.voted_count),
                                ("收回选票", t.total, r.ballots_total),
                                ("有效票", t.valid, r.ballots_valid),
                                ("无效票", t.invalid, r.ballots_invalid)):
        if mine != stored:
            diffs.append(f"{label}：重新计票 {mine}，已存 {stored}")
    if r.method == Method.ELECTRONIC and t.voted != t.total:
        diffs.append(f"投票回执 {t.voted} 张，票箱中选票 {t.total} 张，数目不符")
    for c in r.candidates.all():
        n = t.counts.get(c.pk, {})
        for key, label in (("yes", "赞成"), ("no", "反对"), ("abstain", "弃权")):
            if n.get(key) != getattr(c, key):
                diffs.append(f"{c.title} {label}：重新计票 {n.get(key)}，已存 {getattr(c, key)}")
        if (c.pk in t.elected) != c.elected:
            diffs.append(f"{c.title} 当选与否不一致")
    return Recount(t, not diffs, diffs)


# --- paper ballots ------------------------------------------------------------------------------


def _int(value: Any, label: str) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise DomainError(f"{label}应为整数。") from None
    if n < 0 or n > 1_000_000:
        raise DomainError(f"{label}超出范围。")
    return n


def clean_paper(r: Round, counts: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(counts, Mapping):
        raise DomainError("录入格式不正确。")
    total = _int(counts.get("total"), "收回选票数")
    valid = _int(counts.get("valid"), "有效票数")
    invalid = _int(counts.get("invalid"), "无效票数")
    if valid + invalid != total:
        raise DomainError("有效票与无效票之和应等于收回选票数。")
    if total > r.entitled_count:
        raise DomainError(f"收回选票 {total} 张，多于应到代表 {r.entitled_count} 人。")
    given = counts.get("candidates") or {}
    if not isinstance(given, Mapping):
        raise DomainError("录入格式不正确。")
    out: dict[str, Any] = {"total": total, "valid": valid, "invalid": invalid, "candidates": {}}
    yes_sum = 0
    for c in r.candidates.all():
        row = given.get(str(c.pk)) or given.get(c.pk) or {}
        n = {k: _int(row.get(k) if isinstance(row, Mapping) else None, f"“{c.title}”{lab}")
             for k, lab in (("yes", "赞成"), ("no", "反对"), ("abstain", "弃权"))}
        if sum(n.values()) != valid:
            raise DomainError(f"“{c.title}”的赞成、反对、弃权之和应等于有效票数 {valid}。")
        yes_sum += n["yes"]
        out["candidates"][str(c.pk)] = n
    if yes_sum > r.seats * valid:
        raise DomainError("赞成票总数超过了有效票可能的最大值。")
    return out


def paper_differences(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    diffs = [label for key, label in (("total", "收回选票"), ("valid", "有效票"),
                                      ("invalid", "无效票")) if a.get(key) != b.get(key)]
    ca, cb = a.get("candidates", {}), b.get("candidates", {})
    for key in sorted(set(ca) | set(cb)):
        if ca.get(key) != cb.get(key):
            diffs.append(f"候选项目 #{key}")
    return diffs


def enter_paper(actor: User, r: Round, counts: Mapping[str, Any], request: Any = None) -> str:
    """One teller's entry of the paper counts (their own entry may be corrected until the
    vote closes). Returns ``waiting`` (one entry), ``agreed`` or ``differs``."""
    _require(actor, Perm.VOTING_TELLER, r.congress_id)
    with transaction.atomic():
        r = _lock(r)
        if r.method != Method.PAPER:
            raise DomainError("本轮不是纸质选票。")
        if r.status != S.VOTING:
            raise DomainError("只有投票进行中才能录入计票结果。")
        clean = clean_paper(r, counts)
        others = list(r.paper_entries.exclude(teller=actor))
        if len(others) >= 2:
            raise DomainError("已有两名计票人录入，不能再录入。")
        PaperEntry.objects.update_or_create(round=r, teller=actor,
                                            defaults={"counts": clean,
                                                      "entered_at": timezone.now()})
        audit.record("voting.paper_entered", actor=actor, congress=r.congress_id, obj=r,
                     request=request, summary={"entries": len(others) + 1})
    if not others:
        return "waiting"
    return "differs" if paper_differences(others[0].counts, clean) else "agreed"


# --- implementation and the year-end rating ------------------------------------------------------


def _implementation_check(actor: User, c: Candidate) -> None:
    r = c.round
    status = Round.objects.filter(pk=r.pk).values_list("status", flat=True).first()
    if status not in states.IMPLEMENTATION_STATES or not c.elected:
        raise DomainError("只有实施中的当选项目才能记录进展。")
    if has_perm(actor, Perm.VOTING_MANAGE, r.congress_id):
        return
    if c.unit_id and RoleAssignment.objects.current().filter(
            user=actor, role=Role.UNIT, organization_id=c.unit_id,
            congress_id=r.congress_id).exists():
        return
    raise DomainError("只有责任单位或人大工作人员才能记录进展。")


def add_milestone(actor: User, c: Candidate, *, title: str, weight: int = 1,
                  due_date: Any = None, request: Any = None) -> Milestone:
    _implementation_check(actor, c)
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写节点名称。", field="title")
    if not 1 <= int(weight) <= 100:
        raise DomainError("权重应在 1 到 100 之间。", field="weight")
    with transaction.atomic():
        m = Milestone.objects.create(candidate=c, title=title[:100], weight=weight,
                                     due_date=due_date)
        audit.record("voting.milestone_added", actor=actor, congress=c.round.congress_id,
                     obj=m, request=request, summary={"candidate": c.pk, "title": m.title})
    return m


def set_progress(actor: User, m: Milestone, progress: int, request: Any = None) -> Milestone:
    _implementation_check(actor, m.candidate)
    progress = _int(progress, "完成度")
    if progress > 100:
        raise DomainError("完成度应在 0 到 100 之间。", field="progress")
    with transaction.atomic():
        old = m.progress
        m.progress = progress
        m.save(update_fields=["progress"])
        audit.record("voting.progress", actor=actor, congress=m.candidate.round.congress_id,
                     obj=m, request=request, summary={"from": old, "to": progress})
    return m


def add_report(actor: User, c: Candidate, *, text: str, kind: str = ReportKind.PROGRESS,
               photo: Any = None, deputy_ids: Sequence[int] = (),
               request: Any = None) -> ProgressReport:
    """A progress report of the unit, or the record of the mid-year inspection (staff) with
    the deputies who took part."""
    _implementation_check(actor, c)
    text = (text or "").strip()
    if len(text) < 5:
        raise DomainError("请用至少 5 个字写明进展。", field="text")
    if kind not in ReportKind.values:
        raise DomainError("类别不正确。", field="kind")
    if kind == ReportKind.INSPECTION and not has_perm(actor, Perm.VOTING_MANAGE,
                                                        c.round.congress_id):
        raise DomainError("年中视察询问由人大工作人员记录。")
    if photo is not None:
        if photo.size > 10 * 1024 * 1024:
            raise DomainError("照片不能超过 10 MB。", field="photo")
        head = photo.read(4)
        photo.seek(0)
        if not (head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG")):
            raise DomainError("照片只能是 JPG 或 PNG。", field="photo")
    deputies = list(Deputy.objects.filter(
        id__in=list(deputy_ids), mandates__congress_id=c.round.congress_id).distinct())
    if len(deputies) != len(set(deputy_ids)):
        raise DomainError("参加的代表不属于本级人大。", field="deputies")
    with transaction.atomic():
        rep = ProgressReport.objects.create(candidate=c, kind=kind, text=text[:4000],
                                            author=actor, photo=photo or "")
        if deputies:
            rep.deputies.set(deputies)
        audit.record("voting.report", actor=actor, congress=c.round.congress_id, obj=rep,
                     request=request, summary={"candidate": c.pk, "kind": kind})
    return rep


def open_rating(actor: User, r: Round, request: Any = None) -> Round:
    """Open the year-end satisfaction rating (implementing → evaluating), with its snapshot."""
    _require(actor, Perm.VOTING_MANAGE, r.congress_id)
    with transaction.atomic():
        r = _lock(r)
        states.check_transition(r.status, S.EVALUATING)
        if not r.candidates.filter(elected=True).exists():
            raise DomainError("没有当选项目，无需测评。")
        r.rating_entitled = _snapshot(r, Kind.RATING)
        r.rating_opened_at = timezone.now()
        _move(r, S.EVALUATING, actor, request=request, summary={"entitled": r.rating_entitled})
    return r


def rating_result(r: Round, satisfied: int, basic: int, valid: int) -> str:
    if satisfied * 100 > r.rating_satisfied_percent * valid:
        return Rating.SATISFIED
    if (satisfied + basic) * 100 > r.rating_basic_percent * valid:
        return Rating.BASIC
    return Rating.UNSATISFIED


def close_rating(actor: User, r: Round, request: Any = None) -> Round:
    """Close the rating: per project 满意 if 满意 exceed half, 基本满意 if 满意 + 基本满意
    exceed half, else 不满意 (thresholds configurable on the round)."""
    _require(actor, Perm.VOTING_MANAGE, r.congress_id)
    with transaction.atomic():
        _lock_box(r)
        r = _lock(r)
        states.check_transition(r.status, S.CLOSED)
        elected = list(r.candidates.filter(elected=True))
        counts = {c.pk: {v: 0 for v in Rating.values} for c in elected}
        valid = 0
        for choices in Ballot.objects.filter(round=r, kind=Kind.RATING).values_list(
                "choices", flat=True):
            if set(choices) != {str(c) for c in counts}:
                continue
            valid += 1
            for key, value in choices.items():
                counts[int(key)][value] += 1
        for c in elected:
            n = counts[c.pk]
            c.rated_satisfied, c.rated_basic = n[Rating.SATISFIED], n[Rating.BASIC]
            c.rated_unsatisfied = n[Rating.UNSATISFIED]
            c.rating = rating_result(r, c.rated_satisfied, c.rated_basic, valid)
            c.save(update_fields=["rated_satisfied", "rated_basic", "rated_unsatisfied",
                                  "rating"])
        _reseal(r, Kind.RATING)
        _capture_participation(r, Kind.RATING, actor)
        r.rating_voted = Receipt.objects.filter(round=r, kind=Kind.RATING).count()
        r.rating_closed_at = timezone.now()
        ballots = Ballot.objects.filter(round=r, kind=Kind.RATING).count()
        _move(r, S.CLOSED, actor, request=request,
              summary={"voted": r.rating_voted, "ballots": ballots, "valid": valid,
                       "results": {c.pk: c.rating for c in elected}})
    return r
