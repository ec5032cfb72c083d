"""The only writers of suggestions: one function per state change, shared by the pages,
the API and the background tasks.

Each action checks the actor and the state first (``DomainError`` with a Chinese message,
nothing changed), then runs in a transaction with the row locked, logs the transition,
writes an audit event and notifies the people concerned. Deadlines follow DESIGN §5.1:
reply within 3 months of assignment, an extension of at most 3 more months approved by
staff, a request to hand back within 5 working days, a second reply 1 month after 不满意.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from renda.core import audit
from renda.core.access import users_for
from renda.core.errors import DomainError, NotAllowed
from renda.core.models import Congress, Organization, OrgKind, Role, RoleAssignment, Session, User
from renda.core.notify import notify
from renda.core.perms import Perm, has_perm
from renda.deputies.models import Deputy, Mandate, MandateStatus

from . import states
from .deadlines import add_months, add_workdays
from .models import (
    DEFAULT_REPLY_CLASSES,
    OPEN_ASSIGNMENT,
    AdjustmentRequest,
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Attachment,
    AttachmentKind,
    Category,
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    ContactRecord,
    ContactStage,
    ContactWay,
    CoSigner,
    CoSignerStatus,
    Counter,
    Evaluation,
    EvaluationResult,
    Extension,
    NotRegisteredKind,
    Period,
    Reply,
    ReplyClass,
    RequestStatus,
    Status,
    Suggestion,
    SuggestionConfig,
    Supervision,
    SupervisionKind,
    Transition,
)

S = Status
# States in which the lead deputy of a merged suggestion may still rate the latest reply.
MERGED_RATEABLE = (S.REPLIED, S.EVALUATED, S.TRACKING, S.CLOSED)
MAX_ATTACHMENT = 20 * 1024 * 1024
MAX_ATTACHMENTS = 10
ALLOWED_FILES = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
}


# --- helpers -----------------------------------------------------------------------------------


def _lock(suggestion: Suggestion) -> Suggestion:
    return Suggestion.objects.select_for_update().get(pk=suggestion.pk)


def _move(s: Suggestion, target: str, actor: User | None, role: str, reason: str = "",
          request: Any = None, summary: dict[str, Any] | None = None) -> None:
    """Check and record one transition on a locked suggestion (saved by the caller)."""
    states.check_transition(s.status, target, role)
    Transition.objects.create(suggestion=s, from_status=s.status, to_status=target,
                              actor=actor, reason=reason[:500])
    audit.record(f"suggestion.{target}", actor=actor, congress=s.congress_id, obj=s,
                 request=request, summary={"from": s.status, "to": target,
                                           **({"reason": reason} if reason else {}),
                                           **(summary or {})})
    s.status = target


def _deputy_of(user: User) -> Deputy:
    deputy = Deputy.objects.filter(user=user).first()
    if deputy is None:
        raise NotAllowed("只有代表本人才能这样做。")
    return deputy


DENIED = {
    Perm.SUGGESTIONS_WRITE: "只有本人大的代表才能提出建议。",
    Perm.SUGGESTIONS_REVIEW: "您没有审核建议的权限。",
    Perm.SUGGESTIONS_ASSIGN: "您没有交办建议的权限。",
    Perm.SUGGESTIONS_SUPERVISE: "您没有督办建议的权限。",
    Perm.SUGGESTIONS_PUBLISH: "您没有公开建议的权限。",
}


def _require(actor: User, perm: Perm, congress_id: int) -> None:
    if not has_perm(actor, perm, congress_id):
        raise NotAllowed(DENIED.get(perm, "您没有此项权限。"))


def _unit_user(actor: User, assignment: Assignment) -> None:
    if not RoleAssignment.objects.current().filter(
            user=actor, role=Role.UNIT, organization_id=assignment.unit_id,
            congress_id=assignment.suggestion.congress_id).exists():
        raise NotAllowed("这项交办不属于您的单位。")


def _text(value: Any, label: str, field: str, *, required: bool = True, minimum: int = 0,
          maximum: int = 5000) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{label}。", field=field)
    if text and len(text) < minimum:
        raise DomainError(f"{label}至少{minimum}个字。", field=field)
    if len(text) > maximum:
        raise DomainError(f"{label}最多{maximum}个字，现有{len(text)}个字。", field=field)
    return text



def _deputy_users(s: Suggestion, *, cosigners: bool = True) -> list[User]:
    ids = [s.lead_deputy_id, *s.merged.values_list("lead_deputy_id", flat=True)]
    if cosigners:
        ids += list(s.cosigners.filter(status=CoSignerStatus.CONFIRMED)
                    .values_list("deputy_id", flat=True))
    return list(User.objects.filter(deputy__id__in=ids, is_active=True))


def _url(s: Suggestion) -> str:
    return f"/suggestions/{s.pk}/"


def reply_classes(congress_id: int) -> list[ReplyClass]:
    """The congress's answer classes; the national defaults A/B/C/D until it sets its own."""
    classes = list(ReplyClass.objects.filter(congress_id=congress_id))
    if classes:
        return classes
    return [ReplyClass(congress_id=congress_id, code=c, label=label, needs_commitments=n,
                       solved=solved, sort_order=i)
            for i, (c, label, n, solved) in enumerate(DEFAULT_REPLY_CLASSES)]


def session_for(congress: Congress, when: date) -> tuple[Session | None, str]:
    """The session a suggestion belongs to and whether it was made during it."""
    term = congress.current_term()
    if term is None:
        raise DomainError(f"{congress}还没有设置本届。")
    sessions = list(Session.objects.filter(term=term, start_date__lte=when)
                    .order_by("-start_date"))
    if not sessions:
        return None, Period.BETWEEN
    latest = sessions[0]
    return latest, Period.DURING if latest.is_during(when) else Period.BETWEEN


def check_upload(upload: UploadedFile) -> None:
    """An attachment must be a document or picture of a known type, at most 20 MB."""
    name = (upload.name or "").lower()
    ext = name[name.rfind("."):] if "." in name else ""
    if ext not in ALLOWED_FILES:
        raise DomainError(f"附件“{upload.name}”的类型不支持：只能上传 PDF、Word、Excel、JPG、PNG。",
                          field="files")
    if upload.size > MAX_ATTACHMENT:
        raise DomainError(f"附件“{upload.name}”超过 20 MB。", field="files")
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED_FILES[ext]):
        raise DomainError(f"附件“{upload.name}”的内容与扩展名不符。", field="files")


def _save_files(s: Suggestion, files: Iterable[UploadedFile], kind: str, actor: User,
                reply: Reply | None = None) -> None:
    for upload in files:
        Attachment.objects.create(suggestion=s, reply=reply, kind=kind, file=upload,
                                  name=upload.name[:200], size=upload.size, uploaded_by=actor)


# --- the deputy --------------------------------------------------------------------------------


@dataclass
class DraftData:
    title: str = ""
    problem: str = ""
    analysis: str = ""
    measures: str = ""
    category_id: int | None = None


def _cosigner_deputies(congress: Congress, lead: Deputy, ids: Sequence[int]) -> list[Deputy]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    if lead.pk in ids:
        raise DomainError("领衔代表不能同时是附议代表。", field="cosigners")
    if len(ids) > 50:
        raise DomainError("附议代表最多50人。", field="cosigners")
    valid = set(Mandate.objects.filter(congress=congress, deputy_id__in=ids,
                                       status=MandateStatus.ACTIVE, term__is_current=True)
                .values_list("deputy_id", flat=True))
    if missing := [i for i in ids if i not in valid]:
        raise DomainError(f"附议代表必须是本届在任的{congress.short_name or congress.name}代表"
                          f"（有 {len(missing)} 位不是）。", field="cosigners")
    return list(Deputy.objects.filter(pk__in=ids))


def save_draft(actor: User, congress: Congress, data: DraftData, *,
               suggestion: Suggestion | None = None, cosigner_ids: Sequence[int] = (),
               files: Sequence[UploadedFile] = (), request: Any = None) -> Suggestion:
    """Create or update a draft (or a returned suggestion). Nothing is checked for
    completeness yet — a draft may be half-written — but every value must be valid."""
    _require(actor, Perm.SUGGESTIONS_WRITE, congress.pk)
    lead = _deputy_of(actor)
    if not Mandate.objects.filter(deputy=lead, congress=congress,
                                  status=MandateStatus.ACTIVE).exists():
        raise NotAllowed(f"您不是{congress}的在任代表。")
    title = _text(data.title, "标题", "title", maximum=100)
    problem = _text(data.problem, "问题", "problem", required=False)
    analysis = _text(data.analysis, "分析", "analysis", required=False)
    measures = _text(data.measures, "对策", "measures", required=False)
    category = None
    if data.category_id:
        category = Category.objects.filter(pk=data.category_id, congress=congress).first()
        if category is None:
            raise DomainError("请选择本人大的建议领域。", field="category")
    cosigners = _cosigner_deputies(congress, lead, cosigner_ids)
    files = list(files)
    for upload in files:
        check_upload(upload)
    with transaction.atomic():
        if suggestion is None:
            term = congress.current_term()
            if term is None:
                raise DomainError(f"{congress}还没有设置本届。")
            s = Suggestion(congress=congress, term=term, lead_deputy=lead, created_by=actor)
        else:
            s = _lock(suggestion)
            if s.lead_deputy_id != lead.pk:
                raise NotAllowed("只有领衔代表才能修改这件建议。")
            if s.status not in states.EDITABLE_STATES:
                raise DomainError(f"建议当前为“{s.get_status_display()}”，不能再修改。")
        if (s.attachments.count() if s.pk else 0) + len(files) > MAX_ATTACHMENTS:
            raise DomainError(f"附件最多{MAX_ATTACHMENTS}个。", field="files")
        s.title, s.problem, s.analysis, s.measures = title, problem, analysis, measures
        s.category = category
        s.save()
        existing = {c.deputy_id: c for c in s.cosigners.all()}
        wanted = {d.pk for d in cosigners}
        s.cosigners.filter(deputy_id__in=set(existing) - wanted).delete()
        new = [CoSigner(suggestion=s, deputy=d) for d in cosigners if d.pk not in existing]
        CoSigner.objects.bulk_create(new)
        _save_files(s, files, AttachmentKind.MATERIAL, actor)
        if suggestion is None:
            Transition.objects.create(suggestion=s, from_status="", to_status=S.DRAFT,
                                      actor=actor)
            audit.record("suggestion.draft", actor=actor, congress=congress, obj=s,
                         request=request, summary={"title": title})
        if new:
            invited = list(User.objects.filter(deputy__in=[c.deputy for c in new]))
            notify(invited, f"{lead.name}代表邀请您附议建议《{title}》",
                   "请在建议页面确认是否附议。", _url(s), congress)
    return s


def draft_for(actor: User, congress: Congress | int, deputy_id: int, *, title: str,
              problem: str, reason: str = "", request: Any = None) -> Suggestion:
    """A draft written by staff on a deputy's behalf (from a citizen's message, say). It
    is the deputy's draft from then on: only they edit and submit it. Staff need the
    review right in the congress; the deputy must hold an active mandate there."""
    congress_id = congress if isinstance(congress, int) else congress.pk
    _require(actor, Perm.SUGGESTIONS_REVIEW, congress_id)
    if not Mandate.objects.filter(deputy_id=deputy_id, congress_id=congress_id,
                                  status=MandateStatus.ACTIVE).exists():
        raise DomainError("请选择本人大在任的代表。", field="deputy")
    congress = congress if isinstance(congress, Congress) else Congress.objects.get(pk=congress_id)
    term = congress.current_term()
    if term is None:
        raise DomainError(f"{congress}还没有设置本届。")
    title = _text(title, "标题", "title", maximum=100)
    problem = _text(problem, "问题", "problem", required=False)
    with transaction.atomic():
        s = Suggestion.objects.create(congress=congress, term=term, lead_deputy_id=deputy_id,
                                      created_by=actor, title=title, problem=problem,
                                      status=S.DRAFT)
        Transition.objects.create(suggestion=s, from_status="", to_status=S.DRAFT, actor=actor,
                                  reason=reason[:500])
        audit.record("suggestion.draft", actor=actor, congress=congress, obj=s, request=request,
                     summary={"title": title, "for_deputy": deputy_id,
                              **({"reason": reason} if reason else {})})
    return s


def delete_draft(actor: User, suggestion: Suggestion, *, request: Any = None) -> None:
    lead = _deputy_of(actor)
    with transaction.atomic():
        s = _lock(suggestion)
        if s.lead_deputy_id != lead.pk or s.status != S.DRAFT:
            raise (NotAllowed if s.lead_deputy_id != lead.pk else DomainError)(
                "只能删除自己的草稿。")
        audit.record("suggestion.draft_deleted", actor=actor, congress=s.congress_id, obj=s,
                     request=request, summary={"title": s.title})
        s.transitions.all().delete()
        s.delete()


def submit(actor: User, suggestion: Suggestion, *, request: Any = None) -> Suggestion:
    """The lead deputy submits: 标题、问题、对策 and a field are required (有问题、有对策)."""
    lead = _deputy_of(actor)
    with transaction.atomic():
        s = _lock(suggestion)
        if s.lead_deputy_id != lead.pk:
            raise NotAllowed("只有领衔代表才能提交这件建议。")
        if not Mandate.objects.filter(deputy=lead, congress_id=s.congress_id,
                                      status=MandateStatus.ACTIVE,
                                      term__is_current=True).exists():
            raise NotAllowed(f"您已不是{s.congress}本届在任的代表，不能提交这件建议。")
        _text(s.title, "标题", "title", minimum=4, maximum=100)
        _text(s.problem, "问题", "problem", minimum=10)
        _text(s.measures, "对策", "measures", minimum=5)
        if s.category_id is None:
            raise DomainError("请选择建议所属领域。", field="category")
        _move(s, S.SUBMITTED, actor, Role.DEPUTY, request=request)
        if s.submitted_at is None:
            # Session and period are fixed by the first submission; a suggestion returned
            # for revision (or recalled) and submitted again keeps them.
            s.session, s.period = session_for(s.congress, timezone.localdate())
            s.submitted_at = timezone.now()
        s.save()
        notify(users_for(s.congress_id, Role.STAFF), f"新提交的代表建议：《{s.title}》",
               f"领衔代表：{s.lead_deputy.name}", _url(s), s.congress_id)
    return s


def recall(actor: User, suggestion: Suggestion, *, request: Any = None) -> Suggestion:
    """Before review begins, the lead deputy may take a submitted suggestion back."""
    lead = _deputy_of(actor)
    with transaction.atomic():
        s = _lock(suggestion)
        if s.lead_deputy_id != lead.pk:
            raise NotAllowed("只有领衔代表才能撤回。")
        _move(s, S.DRAFT, actor, Role.DEPUTY, "代表撤回", request=request)
        s.save()
    return s


def answer_cosign(actor: User, suggestion: Suggestion, accept: bool, *,
                  request: Any = None) -> CoSigner:
    deputy = _deputy_of(actor)
    with transaction.atomic():
        s = _lock(suggestion)
        cosigner = s.cosigners.select_for_update().filter(deputy=deputy).first()
        if cosigner is None:
            raise NotAllowed("您没有被邀请附议这件建议。")
        if cosigner.status != CoSignerStatus.INVITED:
            raise DomainError(f"您的附议当前为“{cosigner.get_status_display()}”，不能再更改。")
        if s.status not in (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED):
            raise DomainError("建议已立案，附议已截止。")
        cosigner.status = CoSignerStatus.CONFIRMED if accept else CoSignerStatus.DECLINED
        cosigner.answered_at = timezone.now()
        cosigner.save()
        audit.record("suggestion.cosign_" + ("confirmed" if accept else "declined"),
                     actor=actor, congress=s.congress_id, obj=s, request=request)
        if s.lead_deputy.user_id:
            notify([s.lead_deputy.user], f"{deputy.name}代表{'同意' if accept else '谢绝'}附议"
                   f"《{s.title}》", url=_url(s), congress=s.congress_id)
    return cosigner


def evaluate(actor: User, suggestion: Suggestion, result: str, comment: str = "", *,
             request: Any = None) -> Evaluation:
    """The deputy rates the answer: 满意/基本满意 closes it (or keeps B-class commitments on
    the ledger); 不满意 sends it back to the lead units for a second reply due in 1 month."""
    deputy = _deputy_of(actor)
    if result not in EvaluationResult.values:
        raise DomainError("请选择满意、基本满意或不满意。", field="result")
    comment = _text(comment, "意见", "comment", required=False, maximum=2000)
    if result == EvaluationResult.UNSATISFIED and not comment:
        raise DomainError("不满意时请写明理由，便于承办单位重新办理。", field="comment")
    with transaction.atomic():
        s = _lock(suggestion)
        merged_leads = set(s.merged.values_list("lead_deputy_id", flat=True))
        if deputy.pk != s.lead_deputy_id and deputy.pk not in merged_leads:
            raise NotAllowed("只有领衔代表才能评价办理结果。")
        # The lead deputy's rating moves the suggestion; the lead deputy of a suggestion
        # merged into it rates the latest reply too — also after the main one moved on.
        allowed = (S.REPLIED,) if deputy.pk == s.lead_deputy_id else MERGED_RATEABLE
        if s.status not in allowed or s.replied_at is None:
            raise DomainError(f"建议当前为“{s.get_status_display()}”，还不能评价。")
        round_ = s.rehandle_count + 1
        if Evaluation.objects.filter(suggestion=s, deputy=deputy, round=round_).exists():
            raise DomainError("您已经评价过这次答复。")
        evaluation = Evaluation.objects.create(suggestion=s, deputy=deputy, round=round_,
                                               result=result, comment=comment)
        audit.record("suggestion.evaluation", actor=actor, congress=s.congress_id, obj=s,
                     request=request, summary={"result": result, "round": round_})
        if deputy.pk != s.lead_deputy_id:
            return evaluation  # a merged suggestion's deputy: recorded, the state stays
        config = SuggestionConfig.for_congress(s.congress_id)
        lead_units = list(s.assignments.filter(
            kind__in=[AssignmentKind.LEAD, AssignmentKind.SEPARATE],
            status=AssignmentStatus.REPLIED))
        if result == EvaluationResult.UNSATISFIED and s.rehandle_count < config.max_rehandles:
            _move(s, S.REHANDLING, actor, Role.DEPUTY, comment, request=request)
            s.rehandle_count += 1
            due = add_months(timezone.localdate(), config.rehandle_months)
            for a in lead_units:
                a.status = AssignmentStatus.REHANDLING
                # the second reply's own deadline: an extension is counted from it
                a.due_date = a.original_due_date = due
                a.save(update_fields=["status", "due_date", "original_due_date"])
                notify(users_for(s.congress_id, Role.UNIT, a.unit_id),
                       f"代表对《{s.title}》的答复不满意，请重新办理",
                       f"代表意见：{comment}\n重新答复期限：{due:%Y年%m月%d日}", _url(s),
                       s.congress_id)
            notify(users_for(s.congress_id, Role.STAFF),
                   f"《{s.title}》代表评价不满意，已转重新办理",
                   comment, _url(s), s.congress_id)
        else:
            _move(s, S.EVALUATED, actor, Role.DEPUTY, request=request,
                  summary={"result": result})
            open_commitments = s.commitments.filter(status=CommitmentStatus.OPEN).exists()
            _move(s, S.TRACKING if open_commitments else S.CLOSED, actor, Role.DEPUTY,
                  request=request)
            if s.status == S.CLOSED:
                s.closed_at = timezone.now()
        s.save()
    return evaluation


# --- staff: review, registration, merging ------------------------------------------------------


def _staff_lock(actor: User, suggestion: Suggestion, perm: Perm = Perm.SUGGESTIONS_REVIEW
                ) -> Suggestion:
    _require(actor, perm, suggestion.congress_id)
    return _lock(suggestion)


def _start_review(s: Suggestion, actor: User, request: Any) -> None:
    if s.status == S.SUBMITTED:
        _move(s, S.UNDER_REVIEW, actor, Role.STAFF, request=request)


def start_review(actor: User, suggestion: Suggestion, *, request: Any = None) -> Suggestion:
    with transaction.atomic():
        s = _staff_lock(actor, suggestion)
        _move(s, S.UNDER_REVIEW, actor, Role.STAFF, request=request)
        s.save()
    return s


def return_to_deputy(actor: User, suggestion: Suggestion, reason: str, *,
                     request: Any = None) -> Suggestion:
    """Back to the deputy for revision, with the reason they will read."""
    _require(actor, Perm.SUGGESTIONS_REVIEW, suggestion.congress_id)
    reason = _text(reason, "退回理由", "reason", minimum=4, maximum=500)
    with transaction.atomic():
        s = _staff_lock(actor, suggestion)
        _start_review(s, actor, request)
        _move(s, S.RETURNED, actor, Role.STAFF, reason, request=request)
        s.review_note = reason
        s.save()
        notify(_deputy_users(s, cosigners=False), f"建议《{s.title}》被退回修改",
               f"理由：{reason}", _url(s), s.congress_id)
    return s


def not_register(actor: User, suggestion: Suggestion, kind: str, reason: str, *,
                 request: Any = None) -> Suggestion:
    """Not registered as a suggestion: handled as a letter (转来信) or refused (不予立案)."""
    _require(actor, Perm.SUGGESTIONS_REVIEW, suggestion.congress_id)
    if kind not in NotRegisteredKind.values:
        raise DomainError("请选择“转作来信处理”或“不予立案”。", field="kind")
    reason = _text(reason, "理由", "reason", minimum=4, maximum=500)
    with transaction.atomic():
        s = _staff_lock(actor, suggestion)
        _start_review(s, actor, request)
        _move(s, S.NOT_REGISTERED, actor, Role.STAFF, reason, request=request,
              summary={"kind": kind})
        s.not_registered_kind = kind
        s.review_note = reason
        s.save()
        notify(_deputy_users(s, cosigners=False),
               f"建议《{s.title}》{NotRegisteredKind(kind).label}", f"理由：{reason}", _url(s),
               s.congress_id)
    return s


def format_number(session: Session, year: int, seq: int) -> str:
    from renda.core.models import cn_number

    return (f"{cn_number(session.term.number)}届{cn_number(session.number)}次"
            f"〔{year}〕第{seq:04d}号")


def register(actor: User, suggestion: Suggestion, *, category_id: int | None = None,
             request: Any = None) -> Suggestion:
    """Register (立案) with the next number of its session, e.g. 十六届一次〔2026〕第0123号.

    Numbers are gap-free and safe under concurrency: the session's counter row is locked
    for the rest of the transaction. Co-signers who have not confirmed by now drop out.
    """
    with transaction.atomic():
        s = _staff_lock(actor, suggestion)
        _start_review(s, actor, request)
        if category_id:
            category = Category.objects.filter(pk=category_id, congress_id=s.congress_id).first()
            if category is None:
                raise DomainError("请选择本人大的建议领域。", field="category")
            s.category = category
        if s.category_id is None:
            raise DomainError("立案前请确定建议所属领域。", field="category")
        session = s.session or session_for(s.congress, timezone.localdate())[0]
        if session is None:
            raise DomainError("本届还没有召开会议，无法编号。请先设置届次会议。")
        _move(s, S.REGISTERED, actor, Role.STAFF, request=request)
        counter, _ = Counter.objects.get_or_create(congress_id=s.congress_id, session=session)
        counter = Counter.objects.select_for_update().get(pk=counter.pk)
        counter.last += 1
        counter.save(update_fields=["last"])
        s.session = session
        s.seq = counter.last
        s.number = format_number(session, session.start_date.year, counter.last)
        s.registered_at = timezone.now()
        s.review_note = ""
        s.save()
        s.cosigners.filter(status=CoSignerStatus.INVITED).update(
            status=CoSignerStatus.EXPIRED, answered_at=timezone.now())
        notify(_deputy_users(s), f"建议《{s.title}》已立案，编号{s.number}", url=_url(s),
               congress=s.congress_id)
    return s


def merge(actor: User, suggestion: Suggestion, into: Suggestion, *, reason: str = "",
          request: Any = None) -> Suggestion:
    """并案: a duplicate follows the main suggestion; its lead deputy still gets the answer
    and may rate it."""
    _require(actor, Perm.SUGGESTIONS_REVIEW, suggestion.congress_id)
    if suggestion.pk == into.pk:
        raise DomainError("不能把建议并入它自己。", field="into")
    if into.congress_id != suggestion.congress_id:
        raise DomainError("只能并入本人大的建议。", field="into")
    with transaction.atomic():
        s = _staff_lock(actor, suggestion)
        main = Suggestion.objects.select_for_update().get(pk=into.pk)
        if main.status in (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.NOT_REGISTERED,
                           S.MERGED, S.CLOSED):
            raise DomainError("只能并入已立案、尚未办结的建议"
                              f"（对方当前为“{main.get_status_display()}”）。",
                              field="into")
        # An assignment no unit has signed for yet is withdrawn by the merge; once a unit
        # handles it, it is too late (the unit asks for an adjustment instead).
        live = list(s.assignments.select_for_update(of=("self",)).select_related("unit")
                    .exclude(status=AssignmentStatus.WITHDRAWN))
        if any(a.status != AssignmentStatus.PENDING for a in live):
            raise DomainError("承办单位已签收办理的建议不能再并案。")
        if s.merged.exists():
            raise DomainError("这件建议已有其他建议并入，请改为把其他建议并入它。")
        _start_review(s, actor, request)
        _move(s, S.MERGED, actor, Role.STAFF, reason or f"并入{main.number}", request=request,
              summary={"into": main.pk, **({"withdrawn": [a.unit.name for a in live]}
                                           if live else {})})
        s.merged_into = main
        s.save()
        for a in live:
            a.status = AssignmentStatus.WITHDRAWN
            a.save(update_fields=["status"])
            notify(users_for(s.congress_id, Role.UNIT, a.unit_id),
                   f"交办已撤回：{s.number}《{s.title}》",
                   f"该建议已并入{main.number}办理，本单位无需再办。",
                   f"/suggestions/assignments/{a.pk}/", s.congress_id)
        notify(_deputy_users(s, cosigners=False), f"建议《{s.title}》已与{main.number}并案办理",
               "承办单位的答复会同时送给您，您也可以评价。", _url(main), s.congress_id)
    return s


# --- staff: assignment and decisions --------------------------------------------------------------


def _units(congress_id: int, units: Iterable[Organization | int]) -> list[Organization]:
    ids = [u if isinstance(u, int) else u.pk for u in units]
    found = {o.pk: o for o in Organization.objects.filter(
        pk__in=ids, congress_id=congress_id, kind=OrgKind.UNIT, is_active=True)}
    if len(found) != len(set(ids)):
        raise DomainError("承办单位必须是本人大在用的承办单位。", field="units")
    return [found[i] for i in ids]


def check_assign(s: Suggestion, lead: Organization | None, co: list[Organization],
                 separate: list[Organization]) -> None:
    kept = s.assignments.exclude(status=AssignmentStatus.WITHDRAWN) if s.pk else None
    if kept is not None and kept.filter(kind=AssignmentKind.SEPARATE).exists():
        # Assigning again the part a 分办 unit handed back: the other separate units stay,
        # so one new separate unit is enough.
        if lead is not None or co or not separate:
            raise DomainError("这件建议是分办，请重新指定分办单位。", field="separate")
    else:
        if lead is None and not separate:
            raise DomainError("请指定主办单位，或至少两个分办单位。", field="lead")
        if lead is not None and separate:
            raise DomainError("主办与分办不能同时使用。", field="separate")
        if separate and len(separate) < 2:
            raise DomainError("分办至少需要两个单位。", field="separate")
    all_units = [u.pk for u in ([lead] if lead else []) + co + separate]
    if len(all_units) != len(set(all_units)):
        raise DomainError("同一单位不能重复交办。", field="co")


def assign(actor: User, suggestion: Suggestion, *, lead: Organization | int | None = None,
           co: Sequence[Organization | int] = (), separate: Sequence[Organization | int] = (),
           request: Any = None) -> list[Assignment]:
    """Hand the suggestion to units (交办): one lead unit with optional co-units, or several
    separate units. Each reply is due 3 months later (configurable); a unit may ask to hand
    it back within 5 working days (China's holidays and adjusted working days counted)."""
    _require(actor, Perm.SUGGESTIONS_ASSIGN, suggestion.congress_id)
    lead_org = _units(suggestion.congress_id, [lead])[0] if lead else None
    co_orgs = _units(suggestion.congress_id, co)
    separate_orgs = _units(suggestion.congress_id, separate)
    check_assign(suggestion, lead_org, co_orgs, separate_orgs)
    config = SuggestionConfig.for_congress(suggestion.congress_id)
    today = timezone.localdate()
    due = add_months(today, config.reply_months)
    adjust_until = add_workdays(today, config.adjust_workdays)
    with transaction.atomic():
        s = _lock(suggestion)
        taken = set(s.assignments.filter(status__in=[
            *OPEN_ASSIGNMENT, AssignmentStatus.REPLIED, AssignmentStatus.VIEW_SENT,
        ]).values_list("unit_id", flat=True))
        if taken & {u.pk for u in [*co_orgs, *separate_orgs, *([lead_org] if lead_org else [])]}:
            raise DomainError("所选单位已在办理这件建议。", field="lead")
        _move(s, S.ASSIGNED, actor, Role.STAFF, request=request, summary={
            "lead": lead_org.name if lead_org else "", "co": [u.name for u in co_orgs],
            "separate": [u.name for u in separate_orgs]})
        made = []
        for unit, kind in ([(lead_org, AssignmentKind.LEAD)] if lead_org else []) + [
                (u, AssignmentKind.CO) for u in co_orgs] + [
                (u, AssignmentKind.SEPARATE) for u in separate_orgs]:
            # A co-unit sends its view to the lead unit within a month; the others reply.
            unit_due = today + timedelta(days=config.co_view_days) \
                if kind == AssignmentKind.CO else due
            made.append(Assignment.objects.create(
                suggestion=s, unit=unit, kind=kind, assigned_by=actor, due_date=unit_due,
                original_due_date=unit_due, adjust_until=adjust_until))
        s.assigned_at = s.assigned_at or timezone.now()
        s.save()
    for a in made:
        notify(users_for(s.congress_id, Role.UNIT, a.unit_id),
               f"新交办建议（{a.get_kind_display()}）：{s.number}《{s.title}》",
               f"答复期限：{a.due_date:%Y年%m月%d日}；如不属于本单位职责，请于"
               f"{a.adjust_until:%m月%d日}前申请调整。", f"/suggestions/assignments/{a.pk}/",
               s.congress_id)
    notify(_deputy_users(s), f"建议{s.number}已交办",
           "承办单位：" + "、".join(a.unit.name for a in made), _url(s), s.congress_id)
    return made


def assign_many(actor: User, suggestions: Sequence[Suggestion], *, lead: Organization | int,
                co: Sequence[Organization | int] = (), request: Any = None) -> int:
    """Bulk assignment: all of them or none."""
    if not suggestions:
        raise DomainError("请先勾选要交办的建议。")
    with transaction.atomic():
        for s in suggestions:
            try:
                assign(actor, s, lead=lead, co=co, request=request)
            except NotAllowed:
                raise
            except DomainError as err:
                raise DomainError(f"{s.number or s.title}：{err.message}", field=err.field) \
                    from err
    return len(suggestions)


def decide_extension(actor: User, extension: Extension, approve: bool, note: str = "", *,
                     request: Any = None) -> Extension:
    """Staff approve or refuse an extension; at most 3 months beyond the original date."""
    a = extension.assignment
    _require(actor, Perm.SUGGESTIONS_ASSIGN, a.suggestion.congress_id)
    note = _text(note, "审批意见", "note", required=not approve, maximum=500)
    with transaction.atomic():
        ext = Extension.objects.select_for_update().get(pk=extension.pk)
        if ext.status != RequestStatus.PENDING:
            raise DomainError("该延期申请已经处理。")
        a = Assignment.objects.select_for_update().get(pk=a.pk)
        ext.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        ext.decided_by, ext.decided_at, ext.decision_note = actor, timezone.now(), note
        ext.save()
        if approve:
            a.due_date = ext.new_due_date
            a.save(update_fields=["due_date"])
        audit.record("suggestion.extension_" + ("approved" if approve else "refused"),
                     actor=actor, congress=a.suggestion.congress_id, obj=a.suggestion,
                     request=request, summary={"unit": a.unit.name,
                                               "new_due": ext.new_due_date.isoformat()})
        notify(users_for(a.suggestion.congress_id, Role.UNIT, a.unit_id),
               f"延期申请{'已同意' if approve else '未同意'}：{a.suggestion.number}",
               f"答复期限：{a.due_date:%Y年%m月%d日}" + (f"；意见：{note}" if note else ""),
               f"/suggestions/assignments/{a.pk}/", a.suggestion.congress_id)
    return ext


def decide_adjustment(actor: User, adjustment: AdjustmentRequest, approve: bool,
                      note: str = "", *, request: Any = None) -> AdjustmentRequest:
    """Approving takes the suggestion away from the unit; staff then assign it again."""
    a = adjustment.assignment
    _require(actor, Perm.SUGGESTIONS_ASSIGN, a.suggestion.congress_id)
    note = _text(note, "审批意见", "note", required=not approve, maximum=500)
    with transaction.atomic():
        adj = AdjustmentRequest.objects.select_for_update().get(pk=adjustment.pk)
        if adj.status != RequestStatus.PENDING:
            raise DomainError("该调整申请已经处理。")
        s = _lock(a.suggestion)
        a = Assignment.objects.select_for_update().get(pk=a.pk)
        adj.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        adj.decided_by, adj.decided_at, adj.decision_note = actor, timezone.now(), note
        adj.save()
        if approve:
            a.status = AssignmentStatus.WITHDRAWN
            a.save(update_fields=["status"])
            # Nobody left to reply (other separate units may already have replied): staff
            # assign the withdrawn part again. A co-unit leaving changes nothing, and a
            # suggestion already waiting for reassignment stays so.
            still_open = s.assignments.filter(
                kind__in=[AssignmentKind.LEAD, AssignmentKind.SEPARATE],
                status__in=OPEN_ASSIGNMENT).exists()
            if a.kind != AssignmentKind.CO and not still_open and s.status in (
                    S.ASSIGNED, S.HANDLING):
                _move(s, S.REASSIGNED, actor, Role.STAFF, f"{a.unit.name}申请调整：{adj.reason}",
                      request=request)
                s.save()
        elif a.status == AssignmentStatus.ADJUST_REQUESTED:
            a.status = AssignmentStatus.HANDLING if a.accepted_at else AssignmentStatus.PENDING
            a.save(update_fields=["status"])
        audit.record("suggestion.adjustment_" + ("approved" if approve else "refused"),
                     actor=actor, congress=s.congress_id, obj=s, request=request,
                     summary={"unit": a.unit.name})
        notify(users_for(s.congress_id, Role.UNIT, a.unit_id),
               f"调整申请{'已同意' if approve else '未同意，请继续办理'}：{s.number}", note,
               f"/suggestions/assignments/{a.pk}/", s.congress_id)
    return adj


def supervise(actor: User, suggestion: Suggestion, kind: str, *, leader: User | None = None,
              committee: Organization | None = None, note: str = "",
              request: Any = None) -> Supervision:
    """重点督办 needs a leading leader and a committee; 联合督办 a committee."""
    _require(actor, Perm.SUGGESTIONS_SUPERVISE, suggestion.congress_id)
    if kind not in SupervisionKind.values:
        raise DomainError("请选择督办方式。", field="kind")
    if kind == SupervisionKind.KEY and leader is None:
        raise DomainError("重点督办须确定领衔督办的领导。", field="leader")
    if committee is None:
        raise DomainError("请选择督办的委员会。", field="committee")
    if committee.congress_id != suggestion.congress_id or committee.kind not in (
            OrgKind.SPECIAL_COMMITTEE, OrgKind.WORKING_COMMITTEE):
        raise DomainError("督办委员会须是本人大的专门委员会或工作委员会。", field="committee")
    if leader is not None and not RoleAssignment.objects.current().filter(
            user=leader, congress_id=suggestion.congress_id, role=Role.LEADER).exists():
        raise DomainError("领衔督办的须是本人大的主任会议成员。", field="leader")
    note = _text(note, "督办说明", "note", required=False, maximum=500)
    with transaction.atomic():
        s = _lock(suggestion)
        if s.status in (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.NOT_REGISTERED,
                        S.MERGED):
            raise DomainError("只有已立案的建议才能督办。")
        if Supervision.objects.filter(suggestion=s, kind=kind, committee=committee).exists():
            raise DomainError("这件建议已由该委员会督办。")
        sup = Supervision.objects.create(suggestion=s, kind=kind, leader=leader,
                                         committee=committee, note=note, created_by=actor)
        audit.record(f"suggestion.supervision_{kind}", actor=actor, congress=s.congress_id,
                     obj=s, request=request, summary={
                         "leader": leader.username if leader else "",
                         "committee": committee.name})
        people = users_for(s.congress_id, Role.COMMITTEE, committee.pk)
        if leader:
            people.append(leader)
        notify(people, f"{SupervisionKind(kind).label}：{s.number}《{s.title}》", note, _url(s),
               s.congress_id)
    return sup


def publish(actor: User, suggestion: Suggestion, publish: bool = True, *,
            request: Any = None) -> Suggestion:
    """Make a suggestion and its reply public (contact details are never shown)."""
    _require(actor, Perm.SUGGESTIONS_PUBLISH, suggestion.congress_id)
    with transaction.atomic():
        s = _lock(suggestion)
        if publish and s.status not in (S.REPLIED, S.EVALUATED, S.TRACKING, S.CLOSED):
            raise DomainError("只有已答复的建议才能公开。")
        s.published_at = timezone.now() if publish else None
        s.save(update_fields=["published_at"])
        audit.record("suggestion.published" if publish else "suggestion.unpublished",
                     actor=actor, congress=s.congress_id, obj=s, request=request)
    return s


def close_unevaluated(actor: User, suggestion: Suggestion, *, request: Any = None
                      ) -> Suggestion:
    """After the evaluation window (20 working days) staff may close a replied suggestion;
    it is counted as not evaluated, never as satisfied."""
    _require(actor, Perm.SUGGESTIONS_ASSIGN, suggestion.congress_id)
    config = SuggestionConfig.for_congress(suggestion.congress_id)
    with transaction.atomic():
        s = _lock(suggestion)
        if s.status != S.REPLIED:
            raise DomainError("只有已答复、待评价的建议才能这样办结。")
        deadline = add_workdays(timezone.localtime(s.replied_at).date(), config.evaluate_workdays)
        if timezone.localdate() <= deadline:
            raise DomainError(f"代表评价期限到{deadline:%Y年%m月%d日}，期满后才能按未评价办结。")
        # open B-class commitments stay on the ledger, as after an evaluation
        open_commitments = s.commitments.filter(status=CommitmentStatus.OPEN).exists()
        _move(s, S.TRACKING if open_commitments else S.CLOSED, actor, Role.STAFF,
              "代表逾期未评价", request=request)
        if s.status == S.CLOSED:
            s.closed_at = timezone.now()
        s.save()
    return s


# --- the handling unit ---------------------------------------------------------------------------


def _unit_lock(actor: User, assignment: Assignment) -> tuple[Assignment, Suggestion]:
    _unit_user(actor, assignment)
    s = _lock(assignment.suggestion)
    return Assignment.objects.select_for_update().get(pk=assignment.pk), s


def accept(actor: User, assignment: Assignment, *, request: Any = None) -> Assignment:
    """签收: the unit takes the assignment; the first acceptance starts 办理中."""
    with transaction.atomic():
        a, s = _unit_lock(actor, assignment)
        if a.status != AssignmentStatus.PENDING:
            raise DomainError(f"这项交办当前为“{a.get_status_display()}”，不能签收。")
        a.status = AssignmentStatus.HANDLING
        a.accepted_at = timezone.now()
        a.save(update_fields=["status", "accepted_at"])
        if s.status == S.ASSIGNED and a.kind != AssignmentKind.CO:
            # a co-unit only sends its view: the lead (or a separate) unit starts 办理中
            _move(s, S.HANDLING, actor, Role.UNIT, f"{a.unit.name}签收", request=request)
            s.save()
        else:
            audit.record("suggestion.accepted", actor=actor, congress=s.congress_id, obj=s,
                         request=request, summary={"unit": a.unit.name})
    return a


def request_adjustment(actor: User, assignment: Assignment, reason: str, *,
                       suggested_unit: Organization | None = None, request: Any = None
                       ) -> AdjustmentRequest:
    """申请调整: only within the working-day window after assignment; a unit never passes a
    suggestion on by itself."""
    reason = _text(reason, "理由", "reason", minimum=10, maximum=1000)
    with transaction.atomic():
        a, s = _unit_lock(actor, assignment)
        if a.status not in (AssignmentStatus.PENDING, AssignmentStatus.HANDLING):
            raise DomainError(f"这项交办当前为“{a.get_status_display()}”，不能申请调整。")
        if timezone.localdate() > a.adjust_until:
            raise DomainError(f"申请调整的期限已于{a.adjust_until:%Y年%m月%d日}届满，请按期办理。")
        if suggested_unit is not None and (suggested_unit.congress_id != s.congress_id
                                           or suggested_unit.kind != OrgKind.UNIT):
            raise DomainError("建议的承办单位须是本人大的承办单位。", field="suggested_unit")
        adj = AdjustmentRequest.objects.create(assignment=a, reason=reason,
                                               suggested_unit=suggested_unit,
                                               requested_by=actor)
        a.status = AssignmentStatus.ADJUST_REQUESTED
        a.save(update_fields=["status"])
        audit.record("suggestion.adjustment_requested", actor=actor, congress=s.congress_id,
                     obj=s, request=request, summary={"unit": a.unit.name, "reason": reason})
        notify(users_for(s.congress_id, Role.STAFF), f"{a.unit.name}申请调整{s.number}", reason,
               _url(s), s.congress_id)
    return adj


def request_extension(actor: User, assignment: Assignment, new_due: date, reason: str, *,
                      request: Any = None) -> Extension:
    """延期: at most 3 months beyond the original due date, approved by staff."""
    reason = _text(reason, "理由", "reason", minimum=10, maximum=1000)
    with transaction.atomic():
        a, s = _unit_lock(actor, assignment)
        if not a.is_open:
            raise DomainError(f"这项交办当前为“{a.get_status_display()}”，不能申请延期。")
        config = SuggestionConfig.for_congress(s.congress_id)
        latest = add_months(a.original_due_date, config.extension_max_months)
        if new_due <= a.due_date:
            raise DomainError("申请延至的日期须晚于现在的答复期限。", field="new_due_date")
        if new_due > latest:
            raise DomainError(f"延期最多{config.extension_max_months}个月，最晚到"
                              f"{latest:%Y年%m月%d日}。", field="new_due_date")
        if a.extensions.filter(status=RequestStatus.PENDING).exists():
            raise DomainError("已有待审批的延期申请。")
        ext = Extension.objects.create(assignment=a, new_due_date=new_due, reason=reason,
                                       requested_by=actor)
        audit.record("suggestion.extension_requested", actor=actor, congress=s.congress_id,
                     obj=s, request=request, summary={"unit": a.unit.name,
                                                      "new_due": new_due.isoformat()})
        notify(users_for(s.congress_id, Role.STAFF), f"{a.unit.name}申请延期：{s.number}",
               f"申请延至{new_due:%Y年%m月%d日}。理由：{reason}", _url(s), s.congress_id)
    return ext


def record_contact(actor: User, assignment: Assignment, *, stage: str, way: str,
                   contact_date: date, summary: str, request: Any = None) -> ContactRecord:
    """办前、办中、办后 contact with the deputy."""
    if stage not in ContactStage.values:
        raise DomainError("请选择沟通阶段（办前、办中、办后）。", field="stage")
    if way not in ContactWay.values:
        raise DomainError("请选择沟通方式。", field="way")
    if contact_date > timezone.localdate():
        raise DomainError("沟通日期不能晚于今天。", field="contact_date")
    summary = _text(summary, "沟通情况", "summary", minimum=4, maximum=2000)
    with transaction.atomic():
        a, s = _unit_lock(actor, assignment)
        if a.status in (AssignmentStatus.PENDING, AssignmentStatus.WITHDRAWN):
            raise DomainError("请先签收这项交办。" if a.status == AssignmentStatus.PENDING
                              else "这项交办已调整出本单位。")
        if contact_date < timezone.localtime(a.assigned_at).date():
            raise DomainError("沟通日期不能早于交办日期。", field="contact_date")
        record = ContactRecord.objects.create(assignment=a, stage=stage, way=way,
                                              contact_date=contact_date, summary=summary,
                                              recorded_by=actor)
        audit.record("suggestion.contact_recorded", actor=actor, congress=s.congress_id, obj=s,
                     request=request, summary={"unit": a.unit.name, "stage": stage})
    return record


def send_co_view(actor: User, assignment: Assignment, text: str, *,
                 request: Any = None) -> Assignment:
    """A co-unit (会办单位) sends its written view to the lead unit."""
    text = _text(text, "会办意见", "text", minimum=10, maximum=5000)
    with transaction.atomic():
        a, s = _unit_lock(actor, assignment)
        if a.kind != AssignmentKind.CO:
            raise DomainError("只有会办单位才需要送会办意见。")
        if a.status not in (AssignmentStatus.PENDING, AssignmentStatus.HANDLING):
            raise DomainError(f"这项交办当前为“{a.get_status_display()}”，不能再送会办意见。")
        a.co_view, a.co_view_at = text, timezone.now()
        a.accepted_at = a.accepted_at or a.co_view_at
        a.status = AssignmentStatus.VIEW_SENT
        a.save(update_fields=["co_view", "co_view_at", "accepted_at", "status"])
        audit.record("suggestion.co_view_sent", actor=actor, congress=s.congress_id, obj=s,
                     request=request, summary={"unit": a.unit.name})
        for lead in s.assignments.filter(kind=AssignmentKind.LEAD).exclude(
                status=AssignmentStatus.WITHDRAWN):
            notify(users_for(s.congress_id, Role.UNIT, lead.unit_id),
                   f"{a.unit.name}送来会办意见：{s.number}", text[:200],
                   f"/suggestions/assignments/{lead.pk}/", s.congress_id)
    return a


@dataclass
class CommitmentData:
    content: str
    due_date: date


def reply(actor: User, assignment: Assignment, *, reply_class: str, text: str,
          commitments: Sequence[CommitmentData] = (), signed_file: UploadedFile | None = None,
          request: Any = None) -> Reply:
    """The lead or separate unit answers with a class; B-class answers (or any class so
    configured) must list commitments with dates, which go on the ledger. When every
    answering unit has replied, the suggestion is 已答复 and the deputy is asked to rate it."""
    classes = {c.code: c for c in reply_classes(assignment.suggestion.congress_id)}
    if not reply_class:
        raise DomainError("请选择答复类别。", field="reply_class")
    if reply_class not in classes:
        raise DomainError(f"没有答复类别“{reply_class}”。", field="reply_class")
    text = _text(text, "答复内容", "text", minimum=20, maximum=20000)
    cls = classes[reply_class]
    items = [CommitmentData(_text(c.content, "承诺事项", "commitments", maximum=500), c.due_date)
             for c in commitments if (c.content or "").strip()]
    if cls.needs_commitments and not items:
        raise DomainError(f"{cls}答复须列出承诺事项及完成时间。", field="commitments")
    today = timezone.localdate()
    for c in items:
        if c.due_date is None or c.due_date < today:
            raise DomainError("承诺完成时间须是今天或以后的日期。", field="commitments")
    if signed_file is not None:
        check_upload(signed_file)
    with transaction.atomic():
        a, s = _unit_lock(actor, assignment)
        if a.kind == AssignmentKind.CO:
            raise DomainError("会办单位不直接答复代表，请向主办单位送会办意见。")
        if a.status not in (AssignmentStatus.HANDLING, AssignmentStatus.REHANDLING):
            raise DomainError("请先签收这项交办。" if a.status == AssignmentStatus.PENDING
                              else f"这项交办当前为“{a.get_status_display()}”，不能答复。")
        round_ = (a.replies.aggregate(m=Max("round"))["m"] or 0) + 1
        r = Reply.objects.create(assignment=a, round=round_, reply_class=reply_class, text=text,
                                 replied_by=actor)
        Commitment.objects.bulk_create([
            Commitment(reply=r, suggestion=s, unit=a.unit, content=c.content, due_date=c.due_date)
            for c in items])
        if signed_file is not None:
            _save_files(s, [signed_file], AttachmentKind.SIGNED_REPLY, actor, reply=r)
        a.status = AssignmentStatus.REPLIED
        a.replied_at = timezone.now()
        a.save(update_fields=["status", "replied_at"])
        waiting = s.assignments.filter(
            kind__in=[AssignmentKind.LEAD, AssignmentKind.SEPARATE],
            status__in=OPEN_ASSIGNMENT).exclude(pk=a.pk).exists()
        if not waiting:
            _move(s, S.REPLIED, actor, Role.UNIT, request=request,
                  summary={"unit": a.unit.name, "class": reply_class, "round": round_})
            s.replied_at = timezone.now()
            s.save()
            _close_silent_co_units(s, actor, request)
            notify(_deputy_users(s), f"建议{s.number}已答复，请评价",
                   f"{a.unit.name}：{cls}", _url(s), s.congress_id)
        else:
            audit.record("suggestion.unit_replied", actor=actor, congress=s.congress_id,
                         obj=s, request=request, summary={"unit": a.unit.name,
                                                          "class": reply_class})
    return r


def _close_silent_co_units(s: Suggestion, actor: User, request: Any) -> None:
    """Once the suggestion is answered, a co-unit that never sent its view has nothing left
    to do: its assignment ends (no longer open, overdue or reminded)."""
    silent = list(s.assignments.select_for_update(of=("self",)).select_related("unit").filter(
        kind=AssignmentKind.CO, status__in=OPEN_ASSIGNMENT))
    if not silent:
        return
    for a in silent:
        a.status = AssignmentStatus.CLOSED
        a.save(update_fields=["status"])
        notify(users_for(s.congress_id, Role.UNIT, a.unit_id),
               f"会办已结束：{s.number}《{s.title}》",
               "主办单位已答复代表，本单位未送会办意见，会办结束。",
               f"/suggestions/assignments/{a.pk}/", s.congress_id)
    audit.record("suggestion.co_units_closed", actor=actor, congress=s.congress_id, obj=s,
                 request=request, summary={"units": [a.unit.name for a in silent]})


def update_commitment(actor: User, commitment: Commitment, text: str, done: bool = False, *,
                      request: Any = None) -> CommitmentUpdate:
    """Progress on a promise (承诺事项台账), across years until it is done; when the last one
    of a suggestion under tracking is done, the suggestion is closed."""
    s = commitment.suggestion
    is_unit = RoleAssignment.objects.current().filter(
        user=actor, role=Role.UNIT, organization_id=commitment.unit_id,
        congress_id=s.congress_id).exists()
    if not is_unit and not has_perm(actor, Perm.SUGGESTIONS_ASSIGN, s.congress_id):
        raise NotAllowed("只有承诺单位或人大工作人员才能更新承诺事项。")
    text = _text(text, "进展情况", "text", minimum=4, maximum=2000)
    with transaction.atomic():
        s = _lock(s)
        c = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if c.status == CommitmentStatus.DONE:
            raise DomainError("这项承诺已经落实。")
        update = CommitmentUpdate.objects.create(commitment=c, text=text, done=done, by=actor)
        if done:
            c.status, c.done_at = CommitmentStatus.DONE, timezone.now()
            c.save(update_fields=["status", "done_at"])
        audit.record("suggestion.commitment_" + ("done" if done else "progress"), actor=actor,
                     congress=s.congress_id, obj=s, request=request,
                     summary={"commitment": c.pk})
        if done and s.status == S.TRACKING and not s.commitments.filter(
                status=CommitmentStatus.OPEN).exists():
            _move(s, S.CLOSED, actor, Role.UNIT if is_unit else Role.STAFF,
                  "承诺事项全部落实", request=request)
            s.closed_at = timezone.now()
            s.save()
    return update
