"""The suggestion pages: each role sees its own page and actions; forms call the actions;
a refused action shows its Chinese message and keeps what was typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from renda.core.models import Organization, OrgKind, Role
from renda.suggestions import actions
from renda.suggestions.models import AssignmentStatus, Category, Reply, Status, Suggestion
from tests.conftest import client_for, make_user

from .conftest import co_assignment, lead_assignment, write

pytestmark = pytest.mark.django_db


def test_deputy_writes_saves_and_submits_through_the_form(deputy_user, category, session,
                                                           cosigner_user):
    client = client_for(deputy_user)
    page = client.get("/suggestions/new/")
    assert page.status_code == 200 and "有问题、有分析、有对策" in page.content.decode()
    cosigner_deputy = cosigner_user.deputy
    response = client.post("/suggestions/new/", {
        "title": "关于增设社区老年食堂的建议", "category": category.pk,
        "problem": "很多独居老人吃饭难，社区缺少助餐点。", "analysis": "",
        "measures": "建议每个街道至少建一个老年食堂，给予运营补贴。",
        "cosigners": [cosigner_deputy.pk], "save": "1",
        "files": [SimpleUploadedFile("调研.pdf", b"%PDF-1.4 test")]})
    s = Suggestion.objects.get()
    assert response.status_code == 302 and s.status == Status.DRAFT
    assert s.attachments.count() == 1 and s.cosigners.count() == 1
    response = client.post(f"/suggestions/{s.pk}/edit/", {
        "title": s.title, "category": category.pk, "problem": s.problem,
        "measures": s.measures, "cosigners": [cosigner_deputy.pk], "submit": "1"})
    s.refresh_from_db()
    assert response.status_code == 302 and s.status == Status.SUBMITTED


def test_submitting_an_incomplete_suggestion_keeps_what_was_typed(deputy_user, category,
                                                                  session):
    client = client_for(deputy_user)
    response = client.post("/suggestions/new/", {
        "title": "关于路灯的建议", "problem": "晚上很黑。", "measures": "", "submit": "1"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "问题至少10个字" in body and "关于路灯的建议" in body
    s = Suggestion.objects.get()  # saved as a draft, nothing lost
    assert s.status == Status.DRAFT and s.title == "关于路灯的建议"


def test_a_bad_attachment_is_refused_and_nothing_is_saved(deputy_user, category, session):
    response = client_for(deputy_user).post("/suggestions/new/", {
        "title": "关于路灯的建议", "category": category.pk, "problem": "x" * 20, "save": "1",
        "files": [SimpleUploadedFile("virus.exe", b"MZ...")]})
    assert response.status_code == 400 and "类型不支持" in response.content.decode()
    assert Suggestion.objects.count() == 0


def test_only_deputies_write(staff, unit_user):
    for user in (staff, unit_user):
        assert client_for(user).get("/suggestions/new/").status_code == 403


def test_staff_registers_and_assigns_from_the_detail_page(submitted, staff, unit_org, unit2_org):
    client = client_for(staff)
    page = client.get(f"/suggestions/{submitted.pk}/").content.decode()
    assert "立案并编号" in page
    client.post(f"/suggestions/{submitted.pk}/act/register/", {"category": submitted.category_id})
    submitted.refresh_from_db()
    assert submitted.status == Status.REGISTERED and submitted.number
    response = client.post(f"/suggestions/{submitted.pk}/act/assign/",
                           {"lead": unit_org.pk, "co": [unit2_org.pk]})
    assert response.status_code == 302
    assert set(submitted.assignments.values_list("kind", flat=True)) == {"lead", "co"}


def test_a_refused_staff_action_shows_the_reason_and_changes_nothing(submitted, staff):
    response = client_for(staff).post(f"/suggestions/{submitted.pk}/act/return/", {"reason": ""})
    assert response.status_code == 400
    assert "请填写退回理由" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_unit_accepts_records_contact_and_replies_b_with_commitments(assigned, unit_user):
    a = lead_assignment(assigned)
    client = client_for(unit_user)
    assert client.get("/suggestions/inbox/").context["page"].paginator.count == 1
    client.post(f"/suggestions/assignments/{a.pk}/accept/")
    today = timezone.localdate()
    client.post(f"/suggestions/assignments/{a.pk}/contact/", {
        "stage": "before", "way": "phone", "contact_date": today.isoformat(),
        "summary": "电话了解代表关切。"})
    due = (today + timedelta(days=60)).isoformat()
    response = client.post(f"/suggestions/assignments/{a.pk}/reply/", {
        "reply_class": "B", "text": "已列入明年计划，我局将分步实施，确保按期完成。" * 2,
        "commitment_0": "完成首批加装", "commitment_due_0": due,
        "signed_file": SimpleUploadedFile("答复.pdf", b"%PDF-1.4 signed")})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == AssignmentStatus.REPLIED and a.contacts.count() == 1
    reply = Reply.objects.get(assignment=a)
    assert reply.commitments.count() == 1 and reply.attachments.count() == 1


def test_a_reply_without_a_class_is_refused_with_its_message(handling, unit_user):
    a = lead_assignment(handling)
    response = client_for(unit_user).post(f"/suggestions/assignments/{a.pk}/reply/", {
        "reply_class": "", "text": "答复内容足够长足够长足够长足够长足够长足够长。"})
    assert response.status_code == 400 and "请选择答复类别" in response.content.decode()
    assert "答复内容足够长" in response.content.decode()  # the text typed is kept
    assert not Reply.objects.exists()


def test_unit_never_sees_another_units_assignment(assigned, unit_user, unit2_user, unit3_org):
    lead, co = lead_assignment(assigned), co_assignment(assigned)
    assert client_for(unit2_user).get(f"/suggestions/assignments/{lead.pk}/").status_code == 404
    assert client_for(unit_user).get(f"/suggestions/assignments/{co.pk}/").status_code == 404
    inbox = client_for(unit2_user).get("/suggestions/inbox/").context["page"]
    assert [a.pk for a in inbox] == [co.pk]


def test_the_lead_unit_sees_the_co_view_but_not_the_co_units_page(assigned, unit_user,
                                                                   unit2_user):
    from renda.suggestions import actions

    actions.send_co_view(unit2_user, co_assignment(assigned), "我局意见：同意，配合实施交通组织。")
    body = client_for(unit_user).get(
        f"/suggestions/assignments/{lead_assignment(assigned).pk}/").content.decode()
    assert "我局意见：同意" in body


def test_deputy_rates_with_one_tap(replied, deputy_user):
    client = client_for(deputy_user)
    assert "请评价办理结果" in client.get(f"/suggestions/{replied.pk}/").content.decode()
    client.post(f"/suggestions/{replied.pk}/act/evaluate/", {"result": "satisfied"})
    replied.refresh_from_db()
    assert replied.status == Status.CLOSED


def test_unsatisfied_without_a_comment_is_refused_and_stays_replied(replied, deputy_user):
    response = client_for(deputy_user).post(f"/suggestions/{replied.pk}/act/evaluate/",
                                            {"result": "unsatisfied"})
    assert response.status_code == 400 and "请写明理由" in response.content.decode()
    replied.refresh_from_db()
    assert replied.status == Status.REPLIED


def test_another_congress_gets_404_everywhere(assigned, outsider):
    client = client_for(outsider)
    assert client.get(f"/suggestions/{assigned.pk}/").status_code == 404
    assert client.post(f"/suggestions/{assigned.pk}/act/register/").status_code == 404
    assert client.get(f"/suggestions/?congress={assigned.congress_id}").status_code == 404


def test_staff_list_filters_and_bounded_queries(assigned, staff, django_assert_max_num_queries):
    client = client_for(staff)
    client.get("/suggestions/")
    with django_assert_max_num_queries(20):
        response = client.get("/suggestions/", {"status": "assigned"})
    assert [s.pk for s in response.context["page"]] == [assigned.pk]
    assert client.get("/suggestions/", {"status": "closed"}).context["page"].paginator.count == 0


def test_bulk_assign_is_all_or_nothing(deputy_user, city, category, session, staff, unit_org):
    from renda.suggestions import actions

    from .conftest import write

    ones = []
    for i in range(2):
        s = write(deputy_user, city, category, title=f"关于第{i}件事情的建议")
        actions.submit(deputy_user, s)
        ones.append(s)
    actions.register(staff, ones[0])  # the second one is not registered yet
    client = client_for(staff)
    client.post("/suggestions/bulk-assign/", {"ids": [s.pk for s in ones], "lead": unit_org.pk})
    assert not Suggestion.objects.filter(status=Status.ASSIGNED).exists()
    actions.register(staff, ones[1])
    client.post("/suggestions/bulk-assign/", {"ids": [s.pk for s in ones], "lead": unit_org.pk})
    assert Suggestion.objects.filter(status=Status.ASSIGNED).count() == 2


def test_home_shows_what_needs_each_role(replied, deputy_user, unit2_user, staff):
    assert "待我评价的答复" in client_for(deputy_user).get("/").content.decode()
    assert "待签收" in client_for(unit2_user).get("/").content.decode()
    assert "待审核建议" in client_for(staff).get("/").content.decode()


def test_a_committee_reads_the_list_of_its_fields_and_supervisions_only(
        registered, city, committee_user, committee_org, staff, deputy_user, unit_user):
    other_field = Category.objects.create(congress=city, name="教育")
    elsewhere = actions.register(staff, actions.submit(
        deputy_user, write(deputy_user, city, other_field, title="关于增加学位供给的建议")))
    supervised = actions.register(staff, actions.submit(
        deputy_user, write(deputy_user, city, other_field, title="关于校车安全的建议")))
    actions.supervise(staff, supervised, "joint", committee=committee_org)
    not_yet = actions.submit(deputy_user, write(deputy_user, city, Category.objects.get(
        pk=registered.category_id), title="关于公园增设座椅的建议"))
    response = client_for(committee_user).get("/suggestions/")
    body = response.content.decode()
    assert response.status_code == 200
    assert registered.title in body and supervised.title in body  # its field, its supervision
    assert elsewhere.title not in body  # another committee's field
    assert not_yet.title not in body  # not registered yet
    assert "只读" in body and "共 2 件" in body
    assert ">代表建议</a>" in body  # in the navigation
    assert "批量交办" not in body and "待审核" not in body and "导出 Excel" not in body
    # the filters work within the scope
    response = client_for(committee_user).get("/suggestions/", {"q": "校车"})
    assert "共 1 件" in response.content.decode()
    # staff see everything; a unit still has no list; another committee sees nothing of ours
    assert "共 4 件" in client_for(staff).get("/suggestions/").content.decode()
    assert client_for(unit_user).get("/suggestions/").status_code == 403
    other = Organization.objects.create(congress=city, name="市人大教科文卫委",
                                        kind=OrgKind.SPECIAL_COMMITTEE)
    stranger = make_user("committee2", city, Role.COMMITTEE, other)
    assert "共 0 件" in client_for(stranger).get("/suggestions/").content.decode()
