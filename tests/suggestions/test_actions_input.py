"""Bad input is refused with a Chinese message naming the field (``DomainError.field``), and
nothing is saved — not the new values, and nothing already saved is lost (DESIGN §4 Errors)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from renda.core.models import Organization, OrgKind
from renda.suggestions import actions
from renda.suggestions.deadlines import add_months
from renda.suggestions.models import Attachment, Commitment, Suggestion

from .test_actions_transitions import (
    ADJUST_REASON,
    EXTEND_REASON,
    REPLY_TEXT,
    TODAY,
    World,
    ask_adjustment,
    ask_extension,
    assert_refused,
    build_world,
    fresh,
    go,
    lead_of,
    other_congress_suggestion,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PDF = b"%PDF-1.4 test"
MAGIC = {".pdf": b"%PDF-1.7", ".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff\xe0",
         ".jpeg": b"\xff\xd8\xff\xdb", ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04",
         ".doc": b"\xd0\xcf\x11\xe0\xa1\xb1", ".xls": b"\xd0\xcf\x11\xe0\xa1\xb1"}


@pytest.fixture(autouse=True)
def frozen(time_machine):
    go(time_machine, TODAY)


@pytest.fixture
def w(request):
    """Every persona, and suggestions built through the actions (see test_actions_transitions)."""
    return build_world(request)


def upload(name: str, content: bytes = PDF, size: int | None = None) -> SimpleUploadedFile:
    """A file as the browser sends it; ``size`` fakes a large one without the bytes."""
    f = SimpleUploadedFile(name, content)
    if size is not None:
        f.size = size
    return f


def data(w: World, **values: Any) -> actions.DraftData:
    base = {"title": "关于加快老旧小区加装电梯的建议",
            "problem": "老旧小区多为六层以下住宅，没有电梯，老年人上下楼困难。",
            "measures": "建议出台补贴办法，简化审批。", "category_id": w.category.pk}
    return actions.DraftData(**{**base, **values})


def new_draft(w: World, *, files: tuple[Any, ...] = (), cosigner_ids: tuple[int, ...] = (),
              **values: Any) -> Callable[[], Suggestion]:
    return lambda: actions.save_draft(w.deputy, w.city, data(w, **values), files=files,
                                      cosigner_ids=cosigner_ids)


BAD: list[Any] = []


def bad(field: str | None) -> Callable[[Callable[[World], Callable[[], Any]]], Any]:
    """Register a case: it builds what it needs and returns an attempt refused on ``field``."""
    def register(case: Callable[[World], Callable[[], Any]]) -> Any:
        BAD.append(pytest.param(case, field, id=case.__name__))
        return case
    return register


# --- the deputy writes ----------------------------------------------------------------------------


@bad("title")
def draft_without_a_title(w):
    return new_draft(w, title="")


@bad("title")
def draft_with_a_blank_title(w):
    return new_draft(w, title="   \n ")


@bad("title")
def draft_with_a_title_over_100_characters(w):
    return new_draft(w, title="关" * 101)


@bad("problem")
def draft_with_a_problem_over_5000_characters(w):
    return new_draft(w, problem="问" * 5001)


@bad("analysis")
def draft_with_an_analysis_over_5000_characters(w):
    return new_draft(w, analysis="析" * 5001)


@bad("measures")
def draft_with_measures_over_5000_characters(w):
    return new_draft(w, measures="策" * 5001)


@bad("category")
def draft_in_a_category_of_another_congress(w):
    return new_draft(w, category_id=w.other_category.pk)


@bad("category")
def draft_in_a_category_that_does_not_exist(w):
    return new_draft(w, category_id=987654)


@bad("cosigners")
def draft_co_signed_by_its_own_lead_deputy(w):
    return new_draft(w, cosigner_ids=(w.deputy.deputy.pk,))


@bad("cosigners")
def draft_co_signed_by_a_deputy_of_another_congress(w):
    return new_draft(w, cosigner_ids=(w.other_deputy_user.deputy.pk,))


@bad("files")
def draft_with_an_exe_attachment(w):
    return new_draft(w, files=(upload("补充材料.exe", b"MZ\x90\x00"),))


@bad("files")
def draft_with_a_pdf_that_is_not_a_pdf(w):
    return new_draft(w, files=(upload("调研报告.pdf", b"MZ\x90\x00 this is a program"),))


@bad("files")
def draft_with_a_picture_that_is_a_pdf(w):
    return new_draft(w, files=(upload("现场照片.png", PDF),))


@bad("files")
def draft_with_a_file_without_extension(w):
    return new_draft(w, files=(upload("调研报告", PDF),))


@bad("files")
def draft_with_an_attachment_over_20_mb(w):
    return new_draft(w, files=(upload("调研报告.pdf", size=20 * MB + 1),))


@bad("files")
def draft_with_eleven_attachments(w):
    return new_draft(w, files=tuple(upload(f"附件{i}.pdf") for i in range(11)))


@bad("files")
def draft_edited_to_more_than_ten_attachments_in_all(w):
    s = w.draft(files=[upload(f"附件{i}.pdf") for i in range(8)])
    return lambda: w.draft(suggestion=s, title="改过的标题：关于加装电梯的建议",
                           files=[upload(f"新附件{i}.pdf") for i in range(3)])


@bad("title")
def draft_edited_with_an_empty_title_keeps_what_was_saved(w):
    s = w.draft()
    return lambda: actions.save_draft(w.deputy, w.city, data(w, title="", problem="新写的问题"),
                                      suggestion=s)


@bad("problem")
def submit_without_a_problem(w):
    s = w.draft(problem="")
    return lambda: actions.submit(w.deputy, s)


@bad("problem")
def submit_with_a_problem_too_short_to_be_one(w):
    s = w.draft(problem="电梯少。")
    return lambda: actions.submit(w.deputy, s)


@bad("measures")
def submit_without_measures(w):
    s = w.draft(measures="")
    return lambda: actions.submit(w.deputy, s)


@bad("title")
def submit_with_a_title_too_short(w):
    s = w.draft(title="建议")
    return lambda: actions.submit(w.deputy, s)


@bad("category")
def submit_without_a_category(w):
    from .conftest import write

    s = write(w.deputy, w.city, None)
    return lambda: actions.submit(w.deputy, s)


@bad("result")
def evaluate_with_an_unknown_result(w):
    s = w.replied()
    return lambda: actions.evaluate(w.deputy, s, "very_satisfied")


@bad("comment")
def evaluate_unsatisfied_without_a_comment(w):
    s = w.replied()
    return lambda: actions.evaluate(w.deputy, s, "unsatisfied", "  ")


@bad("comment")
def evaluate_with_a_comment_over_2000_characters(w):
    s = w.replied()
    return lambda: actions.evaluate(w.deputy, s, "basic", "评" * 2001)


# --- staff review, assign, decide ------------------------------------------------------------------


@bad("reason")
def return_without_a_reason(w):
    s = w.submitted()
    return lambda: actions.return_to_deputy(w.staff, s, "")


@bad("reason")
def return_with_a_reason_too_short(w):
    s = w.submitted()
    return lambda: actions.return_to_deputy(w.staff, s, "不行")


@bad("kind")
def not_register_with_a_bad_kind(w):
    s = w.submitted()
    return lambda: actions.not_register(w.staff, s, "deleted", "属于个人诉求，转作来信处理。")


@bad("reason")
def not_register_without_a_reason(w):
    s = w.submitted()
    return lambda: actions.not_register(w.staff, s, "rejected", " ")


@bad("category")
def register_into_a_category_of_another_congress(w):
    s = w.submitted()
    return lambda: actions.register(w.staff, s, category_id=w.other_category.pk)


@bad("lead")
def assign_to_nobody(w):
    s = w.registered()
    return lambda: actions.assign(w.staff, s)


@bad("separate")
def assign_lead_and_separate_at_once(w):
    s = w.registered()
    return lambda: actions.assign(w.staff, s, lead=w.unit_org, separate=[w.unit2_org, w.unit3_org])


@bad("separate")
def assign_separately_to_one_unit(w):
    s = w.registered()
    return lambda: actions.assign(w.staff, s, separate=[w.unit_org])


@bad("co")
def assign_the_lead_unit_as_its_own_co_unit(w):
    s = w.registered()
    return lambda: actions.assign(w.staff, s, lead=w.unit_org, co=[w.unit_org])


@bad("units")
def assign_to_a_committee(w):
    s = w.registered()
    return lambda: actions.assign(w.staff, s, lead=w.committee_org)


@bad("units")
def assign_to_a_unit_no_longer_in_use(w):
    s = w.registered()
    Organization.objects.filter(pk=w.unit3_org.pk).update(is_active=False)
    return lambda: actions.assign(w.staff, s, lead=w.unit3_org)


@bad("units")
def assign_to_a_unit_of_another_congress(w):
    s = w.registered()
    return lambda: actions.assign(w.staff, s, lead=w.other_unit_org)


@bad("into")
def merge_into_itself(w):
    s = w.registered()
    return lambda: actions.merge(w.staff, s, s)


@bad("into")
def merge_into_a_suggestion_of_another_congress(w):
    s, theirs = w.submitted(), other_congress_suggestion(w)
    return lambda: actions.merge(w.staff, s, theirs)


@bad("note")
def refuse_an_extension_without_a_note(w):
    ext = ask_extension(w, w.handling())
    return lambda: actions.decide_extension(w.staff, ext, False, "")


@bad("note")
def refuse_an_adjustment_without_a_note(w):
    adj = ask_adjustment(w, w.assigned())
    return lambda: actions.decide_adjustment(w.staff, adj, False)


@bad("kind")
def supervise_in_an_unknown_way(w):
    s = w.registered()
    return lambda: actions.supervise(w.staff, s, "urgent", committee=w.committee_org)


@bad("leader")
def key_supervision_without_a_leader(w):
    s = w.registered()
    return lambda: actions.supervise(w.staff, s, "key", committee=w.committee_org)


@bad("leader")
def key_supervision_led_by_someone_who_is_not_a_leader(w):
    s = w.registered()
    return lambda: actions.supervise(w.staff, s, "key", leader=w.staff, committee=w.committee_org)


@bad("committee")
def supervision_without_a_committee(w):
    s = w.registered()
    return lambda: actions.supervise(w.staff, s, "key", leader=w.leader)


@bad("committee")
def supervision_by_a_unit_instead_of_a_committee(w):
    s = w.registered()
    return lambda: actions.supervise(w.staff, s, "joint", committee=w.unit2_org)


# --- the unit handles -------------------------------------------------------------------------------


def _reply(w: World, **kw: Any) -> Callable[[], Any]:
    a = lead_of(w.handling())
    values = {"reply_class": "A", "text": REPLY_TEXT, **kw}
    return lambda: actions.reply(w.unit_user, a, **values)


@bad("reply_class")
def reply_without_a_class(w):
    return _reply(w, reply_class="")


@bad("reply_class")
def reply_with_an_unknown_class(w):
    return _reply(w, reply_class="E")


@bad("commitments")
def b_reply_without_commitments(w):
    return _reply(w, reply_class="B")


@bad("commitments")
def b_reply_with_only_blank_commitments(w):
    return _reply(w, reply_class="B",
                  commitments=[actions.CommitmentData("   ", TODAY + timedelta(days=30))])


@bad("commitments")
def b_reply_with_a_commitment_due_in_the_past(w):
    return _reply(w, reply_class="B", commitments=[
        actions.CommitmentData("完成首批50台电梯加装", TODAY + timedelta(days=30)),
        actions.CommitmentData("出台补贴办法", TODAY - timedelta(days=1))])


@bad("commitments")
def b_reply_with_a_commitment_without_a_date(w):
    return _reply(w, reply_class="B", commitments=[actions.CommitmentData("出台补贴办法", None)])


@bad("commitments")
def b_reply_with_a_commitment_over_500_characters(w):
    return _reply(w, reply_class="B",
                  commitments=[actions.CommitmentData("诺" * 501, TODAY + timedelta(days=30))])


@bad("text")
def reply_too_short_to_answer_anything(w):
    return _reply(w, text="已办理。")


@bad("files")
def signed_reply_that_is_an_exe(w):
    return _reply(w, signed_file=upload("答复件.exe", b"MZ\x90\x00"))


@bad("files")
def signed_reply_pdf_that_is_not_a_pdf(w):
    return _reply(w, signed_file=upload("答复件.pdf", b"<html>not a pdf</html>"))


@bad("files")
def signed_reply_over_20_mb(w):
    return _reply(w, signed_file=upload("答复件.pdf", size=20 * MB + 1))


def _contact(w: World, **kw: Any) -> Callable[[], Any]:
    a = lead_of(w.handling())
    values = {"stage": "before", "way": "phone", "contact_date": TODAY,
              "summary": "与代表电话沟通办理思路。", **kw}
    return lambda: actions.record_contact(w.unit_user, a, **values)


@bad("contact_date")
def contact_dated_in_the_future(w):
    return _contact(w, contact_date=TODAY + timedelta(days=1))


@bad("contact_date")
def contact_dated_before_the_assignment(w):
    return _contact(w, contact_date=TODAY - timedelta(days=1))


@bad("stage")
def contact_at_an_unknown_stage(w):
    return _contact(w, stage="later")


@bad("way")
def contact_in_an_unknown_way(w):
    return _contact(w, way="pigeon")


@bad("summary")
def contact_without_a_summary(w):
    return _contact(w, summary="")


def _extend(w: World, new_due: Callable[[Any], Any], reason: str = EXTEND_REASON):
    a = lead_of(w.handling())
    return lambda: actions.request_extension(w.unit_user, a, new_due(a), reason)


@bad("new_due_date")
def extension_beyond_three_months_after_the_original_due_date(w):
    return _extend(w, lambda a: add_months(a.original_due_date, 3) + timedelta(days=1))


@bad("new_due_date")
def extension_to_the_current_due_date(w):
    return _extend(w, lambda a: a.due_date)


@bad("new_due_date")
def extension_to_an_earlier_date(w):
    return _extend(w, lambda a: a.due_date - timedelta(days=10))


@bad("reason")
def extension_without_a_reason(w):
    return _extend(w, lambda a: a.due_date + timedelta(days=30), reason="")


@bad(None)
def adjustment_after_the_window(w):
    """Assigned on Monday 3 March 2025: five working days run to Monday 10 March."""
    a = lead_of(w.assigned())
    go(w.time_machine, TODAY + timedelta(days=8))
    return lambda: actions.request_adjustment(w.unit_user, a, ADJUST_REASON)


@bad("reason")
def adjustment_with_a_reason_too_short(w):
    a = lead_of(w.assigned())
    return lambda: actions.request_adjustment(w.unit_user, a, "不归我管")


@bad("suggested_unit")
def adjustment_suggesting_a_committee_as_the_unit(w):
    a = lead_of(w.assigned())
    return lambda: actions.request_adjustment(w.unit_user, a, ADJUST_REASON,
                                              suggested_unit=w.committee_org)


@bad("text")
def co_view_too_short(w):
    co = w.assigned(co=(w.unit2_org,)).assignments.get(kind="co")
    return lambda: actions.send_co_view(w.unit2_user, co, "同意。")


@bad("text")
def commitment_progress_too_short(w):
    c = w.replied_b().commitments.get()
    return lambda: actions.update_commitment(w.unit_user, c, "好")


@pytest.mark.parametrize(("case", "field"), BAD)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(w, case, field):
    err = assert_refused(case(w), field=field)
    assert len(err.message) >= 4


# --- the limits themselves are allowed ---------------------------------------------------------


def test_the_longest_allowed_title_and_texts_are_saved(w):
    s = new_draft(w, title="关" * 100, problem="问" * 5000, analysis="析" * 5000,
                  measures="策" * 5000)()
    s = fresh(s)
    assert (len(s.title), len(s.problem), len(s.analysis), len(s.measures)) == (100, 5000, 5000, 5000)


def test_leading_and_trailing_blanks_are_trimmed(w):
    s = fresh(new_draft(w, title="  关于加装电梯的建议 \n")())
    assert s.title == "关于加装电梯的建议"


def test_every_allowed_file_type_of_at_most_20_mb_is_saved(w):
    files = tuple(upload(f"材料{ext}", magic + b"...") for ext, magic in MAGIC.items())
    big = upload("正好20MB.pdf", size=20 * MB)
    s = new_draft(w, files=(*files, big))()
    assert s.attachments.count() == len(MAGIC) + 1
    assert Attachment.objects.get(name="正好20MB.pdf").size == 20 * MB


def test_exactly_ten_attachments_are_allowed(w):
    s = w.draft(files=[upload(f"附件{i}.pdf") for i in range(7)])
    w.draft(suggestion=s, files=[upload(f"新附件{i}.pdf") for i in range(3)])
    assert s.attachments.count() == 10


def test_a_b_reply_puts_its_commitments_on_the_ledger(w):
    _reply(w, reply_class="B", commitments=[
        actions.CommitmentData("完成首批50台电梯加装", TODAY),  # due today is fine
        actions.CommitmentData("  ", TODAY - timedelta(days=1)),  # a blank row is ignored
        actions.CommitmentData("出台补贴办法", TODAY + timedelta(days=90))],
        signed_file=upload("答复件.pdf"))()
    assert list(Commitment.objects.values_list("content", "due_date", "unit")) == [
        ("完成首批50台电梯加装", TODAY, w.unit_org.pk),
        ("出台补贴办法", TODAY + timedelta(days=90), w.unit_org.pk)]
    assert Attachment.objects.get(kind="signed_reply").reply is not None


def test_a_contact_on_the_day_of_assignment_is_recorded(w):
    record = _contact(w, contact_date=TODAY)()
    assert record.contact_date == TODAY and record.recorded_by == w.unit_user


def test_an_extension_of_exactly_three_months_is_allowed(w):
    ext = _extend(w, lambda a: add_months(a.original_due_date, 3))()
    # assigned 3 March 2025, due 3 June; at most 3 months more: 3 September
    assert ext.new_due_date.isoformat() == "2025-09-03"


def test_adjustment_on_the_last_day_of_the_window_is_accepted(w):
    a = lead_of(w.assigned())
    assert a.adjust_until == TODAY + timedelta(days=7)
    go(w.time_machine, a.adjust_until, hour=23)
    actions.request_adjustment(w.unit_user, a, ADJUST_REASON, suggested_unit=w.unit2_org)
    a.refresh_from_db()
    assert a.status == "adjust_requested"


def test_a_unit_of_this_congress_may_be_suggested_instead(w):
    a = lead_of(w.assigned())
    unit4 = Organization.objects.create(congress=w.city, name="市城市管理局", kind=OrgKind.UNIT)
    adj = actions.request_adjustment(w.unit_user, a, ADJUST_REASON, suggested_unit=unit4)
    assert adj.suggested_unit == unit4
