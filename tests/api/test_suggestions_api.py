"""代表建议 through the API: the whole life with bearer tokens, every step through the same
actions as the pages; illegal transitions are 400 with a Chinese detail and change nothing;
roles that may not act get 403 (or 404 when they may not even see); another congress is
404, never 403; a unit never sees another unit's assignment; bad input is 422 naming the
field in Chinese, with nothing saved."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from renda.core.models import AuditEvent, Organization, OrgKind, Role
from renda.suggestions import actions
from renda.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    AssignmentStatus,
    Commitment,
    ContactRecord,
    Extension,
    Reply,
    Status,
    Suggestion,
    Supervision,
    Transition,
)
from tests.conftest import PASSWORD, make_user
from tests.suggestions import conftest as personas
from tests.suggestions.conftest import co_assignment, lead_assignment, write

pytestmark = pytest.mark.django_db

# The suggestion personas and states of tests/suggestions, shared here.
assigned = personas.assigned
category = personas.category
committee_user = personas.committee_user
cosigner_user = personas.cosigner_user
draft = personas.draft
handling = personas.handling
other_deputy_user = personas.other_deputy_user
registered = personas.registered
replied = personas.replied
session = personas.session
submitted = personas.submitted
unit2_org = personas.unit2_org
unit2_user = personas.unit2_user
unit3_org = personas.unit3_org

API = "/api/v1/suggestions"
CJK = re.compile(r"[\u4e00-\u9fff]")
REPLY_TEXT = "经研究，我局已将老旧小区加装电梯纳入年度民生实事，今年完成加装120台。"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def login(user) -> Client:
    """A client holding a bearer token issued by POST /api/v1/auth/token."""
    response = Client().post("/api/v1/auth/token", {"login": user.username, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def post(client: Client, path: str, body=None):
    return client.post(API + path, body if body is not None else {},
                       content_type="application/json")


def assert_error(response, status):
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert CJK.search(body["detail"]), body
    return body


def draft_body(congress, category, **extra):
    return {"congress": congress.pk, "title": "关于加快老旧小区加装电梯的建议",
            "problem": "老旧小区多为六层以下住宅，没有电梯，老年人上下楼困难。",
            "analysis": "加装电梯涉及低层住户利益，协调难、资金筹措难。",
            "measures": "建议出台补贴办法，简化审批，推动一楼住户补偿机制。",
            "category": category.pk, **extra}


def snapshot(s: Suggestion) -> tuple:
    s.refresh_from_db()
    return (s.status, s.number, s.published_at, Transition.objects.filter(suggestion=s).count(),
            sorted(s.assignments.values_list("id", "status", "due_date")),
            Reply.objects.filter(assignment__suggestion=s).count(),
            ContactRecord.objects.filter(assignment__suggestion=s).count(),
            AuditEvent.objects.filter(action__startswith="suggestion.").count())


# --- the whole life ------------------------------------------------------------------------------


def test_whole_life_through_the_api(city, session, category, deputy_user, cosigner_user, staff,
                                    unit_user, unit2_user, unit_org, unit2_org):
    deputy, cosigner, office = login(deputy_user), login(cosigner_user), login(staff)
    lead_unit, co_unit = login(unit_user), login(unit2_user)
    today = timezone.localdate()

    # The deputy writes a draft and invites a co-signer, who confirms; then submits.
    response = post(deputy, "", draft_body(city, category,
                                           cosigners=[cosigner_user.deputy.pk]))
    assert response.status_code == 201
    s = response.json()
    sid = s["id"]
    assert (s["status"], s["status_label"], s["lead_deputy"]) == ("draft", "草稿", "王建国")
    assert post(cosigner, f"/{sid}/cosign", {"accept": True}).status_code == 200
    s = post(deputy, f"/{sid}/submit").json()
    assert s["status"] == "submitted" and s["period"] == "during"

    # Staff review, register (numbered) and assign a lead unit and a co-unit.
    assert post(office, f"/{sid}/start-review").json()["status"] == "under_review"
    s = post(office, f"/{sid}/register").json()
    assert s["status"] == "registered"
    assert s["number"].startswith("十六届二次〔") and s["number"].endswith("第0001号")
    s = post(office, f"/{sid}/assign", {"lead": unit_org.pk, "co": [unit2_org.pk]}).json()
    assert s["status"] == "assigned"

    # The co-unit finds its assignment in its inbox and sends its view to the lead unit.
    [co] = co_unit.get(f"{API}/inbox").json()["items"]
    assert (co["kind"], co["status"], co["suggestion_id"]) == ("co", "pending", sid)
    response = post(co_unit, f"/assignments/{co['id']}/co-view",
                    {"text": "我局同意主办单位意见，将配合做好施工期间的交通组织。"})
    assert response.status_code == 200 and response.json()["status"] == "view_sent"

    # The lead unit accepts, records contacts, sees the co-unit's view, replies B.
    [lead] = lead_unit.get(f"{API}/inbox").json()["items"]
    assert lead["kind"] == "lead" and lead["due_date"] > today.isoformat()
    accepted = post(lead_unit, f"/assignments/{lead['id']}/accept").json()
    assert (accepted["status"], accepted["suggestion_status"]) == ("handling", "handling")
    for stage in ("before", "during"):
        response = post(lead_unit, f"/assignments/{lead['id']}/contacts", {
            "stage": stage, "way": "phone", "contact_date": today.isoformat(),
            "summary": "与王建国代表电话沟通办理思路。"})
        assert response.status_code == 201
        assert response.json()["stage_label"] in ("办前", "办中")
    detail = lead_unit.get(f"{API}/assignments/{lead['id']}").json()
    assert [c["stage"] for c in detail["contacts"]] == ["before", "during"]
    assert [v["unit"] for v in detail["co_views"]] == ["市交通运输局"]
    due = (today + timedelta(days=90)).isoformat()
    response = post(lead_unit, f"/assignments/{lead['id']}/reply", {
        "reply_class": "B", "text": "已列入明年计划，分两批推进加装电梯工作，并研究补贴办法。",
        "commitments": [{"content": "完成首批50台加装", "due_date": due},
                        {"content": "出台补贴办法", "due_date": due}]})
    assert response.status_code == 201
    first = response.json()
    assert (first["round"], first["reply_class"]) == (1, "B")
    assert first["reply_class_label"].startswith("B类")
    assert [c["content"] for c in first["commitments"]] == ["完成首批50台加装", "出台补贴办法"]

    # The deputy reads the reply and is not satisfied.
    d = deputy.get(f"{API}/{sid}").json()
    assert d["status"] == "replied"
    assert d["cosigners"] == ["李秀英"]
    assert [r["reply_class"] for r in d["replies"]] == ["B"]
    assert len(d["commitments"]) == 2
    s = post(deputy, f"/{sid}/evaluate", {"result": "unsatisfied",
                                          "comment": "进度太慢，请明确加装时间表。"}).json()
    assert s["status"] == "rehandling"

    # The lead unit sees the comment, carries out its promises and replies again, A.
    detail = lead_unit.get(f"{API}/assignments/{lead['id']}").json()
    assert detail["status"] == "rehandling"
    assert detail["evaluations"][0]["comment"] == "进度太慢，请明确加装时间表。"
    for c in detail["commitments"]:
        response = post(lead_unit, f"/commitments/{c['id']}/progress",
                        {"text": "已全部落实。", "done": True})
        assert response.status_code == 201 and response.json()["status"] == "done"
    response = post(lead_unit, f"/assignments/{lead['id']}/reply", {
        "reply_class": "A", "text": "首批50台电梯已加装完成，补贴办法已于本月印发实施。"})
    assert response.status_code == 201 and response.json()["round"] == 2

    # Satisfied: the suggestion is closed.
    s = post(deputy, f"/{sid}/evaluate", {"result": "satisfied"}).json()
    assert s["status"] == "closed" and s["closed_at"] is not None
    d = deputy.get(f"{API}/{sid}").json()
    assert [t["to_status"] for t in d["timeline"]] == [
        "draft", "submitted", "under_review", "registered", "assigned", "handling", "replied",
        "rehandling", "replied", "evaluated", "closed"]
    assert [e["result"] for e in d["evaluations"]] == ["unsatisfied", "satisfied"]
    assert [(r["round"], r["reply_class"]) for r in d["replies"]] == [(1, "B"), (2, "A")]
    row = Suggestion.objects.get(pk=sid)
    assert row.status == Status.CLOSED
    assert list(Transition.objects.filter(suggestion=row).values_list("to_status", flat=True)) \
        == [t["to_status"] for t in d["timeline"]]
    assert AuditEvent.objects.filter(action__startswith="suggestion.").count() >= 15


# --- the other endpoints, each once --------------------------------------------------------------


def test_deputy_updates_and_deletes_a_draft(draft, deputy_user, category):
    client = login(deputy_user)
    body = draft_body(draft.congress, category, title="关于增设社区食堂的建议")
    del body["congress"]
    response = client.put(f"{API}/{draft.pk}", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["title"] == "关于增设社区食堂的建议"
    draft.refresh_from_db()
    assert draft.title == "关于增设社区食堂的建议"
    assert client.delete(f"{API}/{draft.pk}").status_code == 204
    assert not Suggestion.objects.filter(pk=draft.pk).exists()


def test_deputy_recalls_before_review(submitted, deputy_user):
    response = post(login(deputy_user), f"/{submitted.pk}/recall")
    assert response.status_code == 200 and response.json()["status"] == "draft"


def test_cosigner_declines(deputy_user, cosigner_user, city, category, session):
    s = write(deputy_user, city, category, cosigner_ids=[cosigner_user.deputy.pk])
    client = login(cosigner_user)
    assert client.get(f"{API}/{s.pk}").json()["my_cosign"] == "invited"
    post(client, f"/{s.pk}/cosign", {"accept": False})
    detail = login(deputy_user).get(f"{API}/{s.pk}").json()
    assert detail["cosigners"] == []
    assert [i["status_label"] for i in detail["invitations"]] == ["已谢绝"]


def test_staff_returns_and_refuses_with_reasons(submitted, staff, deputy_user, city, category):
    office = login(staff)
    s = post(office, f"/{submitted.pk}/return", {"reason": "请补充调研数据。"}).json()
    assert s["status"] == "returned"
    assert login(deputy_user).get(f"{API}/{submitted.pk}").json()["review_note"] == "请补充调研数据。"
    other = write(deputy_user, city, category, title="关于另一件事情的建议")
    actions.submit(deputy_user, other)
    s = post(office, f"/{other.pk}/not-register", {"kind": "letter",
                                                   "reason": "属于个人诉求，转来信处理。"}).json()
    assert s["status"] == "not_registered"


def test_staff_merges_a_duplicate(registered, staff, deputy_user, city, category):
    dup = write(deputy_user, city, category, title="关于老旧小区加装电梯的再次建议")
    actions.submit(deputy_user, dup)
    response = post(login(staff), f"/{dup.pk}/merge", {"into": registered.pk})
    assert response.status_code == 200 and response.json()["status"] == "merged"
    dup.refresh_from_db()
    assert dup.merged_into_id == registered.pk


def test_merge_into_an_unknown_suggestion_names_the_field(submitted, staff):
    body = assert_error(post(login(staff), f"/{submitted.pk}/merge", {"into": 999999}), 400)
    assert body["errors"][0]["field"] == "into"


def test_staff_bulk_assigns(staff, deputy_user, city, category, session, unit_org):
    made = []
    for i in range(2):
        s = write(deputy_user, city, category, title=f"关于第{i}件事情的建议")
        actions.submit(deputy_user, s)
        made.append(actions.register(staff, s))
    response = post(login(staff), "/bulk-assign", {"ids": [s.pk for s in made],
                                                   "lead": unit_org.pk})
    assert response.status_code == 200
    assert [s["status"] for s in response.json()] == ["assigned", "assigned"]


def test_bulk_assign_is_all_or_nothing(assigned, staff, deputy_user, city, category, unit_org):
    other = write(deputy_user, city, category, title="关于另一件事情的建议")
    actions.submit(deputy_user, other)
    actions.register(staff, other)
    before = snapshot(other)
    response = post(login(staff), "/bulk-assign", {"ids": [other.pk, assigned.pk],
                                                   "lead": unit_org.pk})
    assert_error(response, 400)
    assert snapshot(other) == before


def test_staff_supervises_and_publishes(replied, staff, leader, committee_org):
    office = login(staff)
    response = post(office, f"/{replied.pk}/supervise", {
        "kind": "key", "leader": leader.pk, "committee": committee_org.pk, "note": "年度重点"})
    assert response.status_code == 201 and response.json()["kind_label"] == "重点督办"
    assert Supervision.objects.filter(suggestion=replied).count() == 1
    assert post(office, f"/{replied.pk}/publish", {"publish": True}).json()["published_at"]
    assert post(office, f"/{replied.pk}/publish", {"publish": False}).json()["published_at"] \
        is None


def test_supervision_with_an_unknown_leader_names_the_field(replied, staff, committee_org):
    response = post(login(staff), f"/{replied.pk}/supervise", {
        "kind": "key", "leader": 999999, "committee": committee_org.pk})
    assert assert_error(response, 400)["errors"][0]["field"] == "leader"


def test_staff_closes_a_suggestion_the_deputy_did_not_evaluate(replied, staff):
    with time_machine.travel(timezone.now() + timedelta(days=45), tick=False):
        response = post(login(staff), f"/{replied.pk}/close-unevaluated")
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_extension_asked_by_the_unit_and_approved_by_staff(handling, unit_user, staff):
    lead = lead_assignment(handling)
    new_due = (lead.due_date + timedelta(days=30)).isoformat()
    response = post(login(unit_user), f"/assignments/{lead.pk}/extend", {
        "new_due_date": new_due, "reason": "涉及多个部门协调，需要更多时间办理。"})
    assert response.status_code == 201
    ext = response.json()
    assert ext["status"] == "pending"
    response = post(login(staff), f"/extensions/{ext['id']}/decide", {"approve": True})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["due_date"]) == ("approved", new_due)


def test_adjustment_asked_by_the_unit_and_approved_by_staff(assigned, unit_user, staff,
                                                            unit3_org):
    lead = lead_assignment(assigned)
    response = post(login(unit_user), f"/assignments/{lead.pk}/adjust", {
        "reason": "加装电梯补贴属于财政部门职责，不属于本局。", "suggested_unit": unit3_org.pk})
    assert response.status_code == 201
    adj = response.json()
    assert (adj["assignment_status"], adj["suggested_unit"]) == ("adjust_requested", "市教育局")
    response = post(login(staff), f"/adjustments/{adj['id']}/decide",
                    {"approve": True, "note": "同意调整"})
    assert response.status_code == 200
    assert response.json()["assignment_status"] == "withdrawn"
    assigned.refresh_from_db()
    assert assigned.status == Status.REASSIGNED


def test_refusing_a_request_needs_a_note(handling, unit_user, staff):
    lead = lead_assignment(handling)
    ext = actions.request_extension(unit_user, lead, lead.due_date + timedelta(days=10),
                                    "涉及多个部门协调，需要更多时间办理。")
    body = assert_error(post(login(staff), f"/extensions/{ext.pk}/decide", {"approve": False}),
                        400)
    assert body["errors"][0]["field"] == "note"
    ext.refresh_from_db()
    assert ext.status == "pending"


def test_inbox_filters_by_state(handling, unit_user):
    client = login(unit_user)
    assert client.get(f"{API}/inbox", {"state": "replied"}).json()["count"] == 0
    assert client.get(f"{API}/inbox", {"state": "open"}).json()["count"] == 1
    assert client.get(f"{API}/inbox", {"state": "overdue"}).json()["count"] == 0


# --- lists ---------------------------------------------------------------------------------------


def test_deputy_lists_own_suggestions(submitted, deputy_user, cosigner_user):
    body = login(deputy_user).get(API, {"mine": "true"}).json()
    assert [(i["id"], i["status"]) for i in body["items"]] == [(submitted.pk, "submitted")]
    assert login(cosigner_user).get(API, {"mine": "true"}).json()["count"] == 0


def test_staff_list_leaves_out_drafts_and_filters(staff, deputy_user, city, category, session,
                                                  registered):
    write(deputy_user, city, category, title="一件还在草稿的建议")
    client = login(staff)
    body = client.get(API).json()
    assert [i["id"] for i in body["items"]] == [registered.pk]
    assert client.get(API, {"status": "assigned"}).json()["count"] == 0
    assert client.get(API, {"q": "加装电梯"}).json()["count"] == 1


def test_mine_is_for_deputies_only(staff):
    assert_error(login(staff).get(API, {"mine": "true"}), 403)


def test_list_queries_are_bounded(staff, deputy_user, city, category, session,
                                  django_assert_max_num_queries):
    for i in range(12):
        s = write(deputy_user, city, category, title=f"关于第{i}件事情的建议")
        actions.submit(deputy_user, s)
    client = login(staff)
    with django_assert_max_num_queries(8):
        body = client.get(API, {"page_size": 50}).json()
    assert body["count"] == 12


# --- illegal transitions: 400 with a Chinese detail, nothing changed -----------------------------


def _lead(s):
    return lead_assignment(s).pk


def _co(s):
    return co_assignment(s).pk


ILLEGAL = [
    ("submitted", "deputy_user", "post", "/{s}/submit", {}, "不能变为“已提交”"),
    ("registered", "deputy_user", "post", "/{s}/recall", {}, "不能变为“草稿”"),
    ("registered", "staff", "post", "/{s}/register", {}, "不能变为“已立案”"),
    ("registered", "staff", "post", "/{s}/return", {"reason": "请补充调研数据。"},
     "不能变为“退回修改”"),
    ("replied", "staff", "post", "/{s}/start-review", {}, "不能变为“审核中”"),
    ("replied", "staff", "post", "/{s}/not-register",
     {"kind": "letter", "reason": "属于个人诉求。"}, "不能变为“不予立案”"),
    ("submitted", "staff", "post", "/{s}/assign", {"lead": "unit_org"}, "不能变为“已交办”"),
    ("handling", "deputy_user", "post", "/{s}/evaluate", {"result": "satisfied"}, "还不能评价"),
    ("handling", "staff", "post", "/{s}/close-unevaluated", {}, "只有已答复"),
    ("handling", "staff", "post", "/{s}/publish", {"publish": True}, "只有已答复的建议才能公开"),
    ("submitted", "deputy_user", "delete", "/{s}", None, "只能删除自己的草稿"),
    ("submitted", "deputy_user", "put", "/{s}", {"title": "关于修改标题的建议"}, "不能再修改"),
    ("assigned", "unit_user", "post", "/assignments/{lead}/reply",
     {"reply_class": "A", "text": REPLY_TEXT}, "请先签收"),
    ("handling", "unit_user", "post", "/assignments/{lead}/accept", {}, "不能签收"),
    ("handling", "unit_user", "post", "/assignments/{lead}/co-view",
     {"text": "我局同意主办单位的意见，请酌定。"}, "只有会办单位"),
    ("assigned", "unit2_user", "post", "/assignments/{co}/reply",
     {"reply_class": "A", "text": REPLY_TEXT}, "会办单位不直接答复"),
    ("replied", "unit_user", "post", "/assignments/{lead}/reply",
     {"reply_class": "A", "text": REPLY_TEXT}, "不能答复"),
]


@pytest.mark.parametrize("state, actor, method, path, body, message", ILLEGAL,
                         ids=[f"{c[0]}-{c[3]}" for c in ILLEGAL])
def test_illegal_step_is_refused_and_changes_nothing(request, state, actor, method, path, body,
                                                     message):
    s = request.getfixturevalue(state)
    user = request.getfixturevalue(actor)
    if body and body.get("lead") == "unit_org":
        body = {**body, "lead": request.getfixturevalue("unit_org").pk}
    url = API + path.format(s=s.pk, lead=_lead(s) if "{lead}" in path else "",
                            co=_co(s) if "{co}" in path else "")
    before = snapshot(s)
    client = login(user)
    if method == "post":
        response = client.post(url, body, content_type="application/json")
    elif method == "put":
        response = client.put(url, body, content_type="application/json")
    else:
        response = client.delete(url)
    detail = assert_error(response, 400)["detail"]
    assert message in detail
    assert snapshot(s) == before


def test_deciding_a_request_twice_is_refused(handling, unit_user, staff):
    lead = lead_assignment(handling)
    ext = actions.request_extension(unit_user, lead, lead.due_date + timedelta(days=10),
                                    "涉及多个部门协调，需要更多时间办理。")
    office = login(staff)
    assert post(office, f"/extensions/{ext.pk}/decide", {"approve": True}).status_code == 200
    lead.refresh_from_db()
    due = lead.due_date
    body = assert_error(post(office, f"/extensions/{ext.pk}/decide", {"approve": False,
                                                                      "note": "不同意"}), 400)
    assert "已经处理" in body["detail"]
    lead.refresh_from_db()
    assert lead.due_date == due


def test_rule_errors_name_the_field(draft, deputy_user):
    Suggestion.objects.filter(pk=draft.pk).update(problem="太短")
    body = assert_error(post(login(deputy_user), f"/{draft.pk}/submit"), 400)
    assert body["errors"] == [{"field": "problem", "message": "问题至少10个字。"}]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_b_reply_without_commitments_is_refused(handling, unit_user):
    lead = lead_assignment(handling)
    body = assert_error(post(login(unit_user), f"/assignments/{lead.pk}/reply",
                             {"reply_class": "B", "text": REPLY_TEXT}), 400)
    assert body["errors"][0]["field"] == "commitments"
    assert not Reply.objects.exists()


def test_unsatisfied_without_a_comment_is_refused(replied, deputy_user):
    body = assert_error(post(login(deputy_user), f"/{replied.pk}/evaluate",
                             {"result": "unsatisfied"}), 400)
    assert body["errors"][0]["field"] == "comment"
    replied.refresh_from_db()
    assert replied.status == Status.REPLIED


# --- roles that must be refused ------------------------------------------------------------------


def test_unit_cannot_see_let_alone_register_a_submitted_suggestion(submitted, unit_user):
    before = snapshot(submitted)
    assert_error(post(login(unit_user), f"/{submitted.pk}/register"), 404)
    assert snapshot(submitted) == before


@pytest.mark.parametrize("path, body", [
    ("register", {}), ("assign", {"lead": None}), ("publish", {"publish": True}),
    ("return", {"reason": "请补充调研数据。"}), ("close-unevaluated", {}),
])
def test_unit_cannot_take_staff_steps_on_its_own_suggestion(assigned, unit_user, path, body):
    before = snapshot(assigned)
    assert_error(post(login(unit_user), f"/{assigned.pk}/{path}", body), 403)
    assert snapshot(assigned) == before


def test_deputy_cannot_assign(registered, deputy_user, unit_org):
    response = post(login(deputy_user), f"/{registered.pk}/assign", {"lead": unit_org.pk})
    assert assert_error(response, 403)["detail"] == "您没有交办建议的权限。"
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED
    assert not Assignment.objects.exists()


def test_deputy_cannot_register_their_own(submitted, deputy_user):
    before = snapshot(submitted)
    assert_error(post(login(deputy_user), f"/{submitted.pk}/register"), 403)
    assert snapshot(submitted) == before


@pytest.mark.parametrize("path, body", [
    ("start-review", {}), ("register", {}), ("return", {"reason": "请补充调研数据。"}),
    ("assign", {"lead": None}), ("supervise", {"kind": "joint"}), ("publish", {}),
    ("submit", {}), ("evaluate", {"result": "satisfied"}), ("close-unevaluated", {}),
])
def test_leader_reads_but_cannot_act(replied, leader, path, body):
    client = login(leader)
    assert client.get(f"{API}/{replied.pk}").json()["replies"]
    before = snapshot(replied)
    assert_error(post(client, f"/{replied.pk}/{path}", body), 403)
    assert snapshot(replied) == before


def test_leader_cannot_act_for_a_unit(assigned, leader):
    lead = lead_assignment(assigned)
    client = login(leader)
    assert_error(post(client, f"/assignments/{lead.pk}/accept"), 404)
    assert_error(client.get(f"{API}/inbox"), 403)
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.PENDING


def test_committee_follows_but_cannot_assign(registered, committee_user, unit_org):
    client = login(committee_user)
    assert client.get(f"{API}/{registered.pk}").status_code == 200
    assert_error(post(client, f"/{registered.pk}/assign", {"lead": unit_org.pk}), 403)
    assert not Assignment.objects.exists()


def test_auditor_sees_no_suggestion_and_moves_none(submitted, replied, auditor):
    client = login(auditor)
    assert_error(client.get(API), 403)
    assert_error(client.get(f"{API}/{replied.pk}"), 404)
    assert_error(client.get(f"{API}/inbox"), 403)
    before = snapshot(replied)
    assert_error(post(client, f"/{replied.pk}/publish", {"publish": True}), 404)
    assert snapshot(replied) == before


def test_cosigner_cannot_submit_the_leads_draft(deputy_user, cosigner_user, city, category,
                                               session):
    s = write(deputy_user, city, category, cosigner_ids=[cosigner_user.deputy.pk])
    assert_error(post(login(cosigner_user), f"/{s.pk}/submit"), 403)
    s.refresh_from_db()
    assert s.status == Status.DRAFT


def test_staff_cannot_evaluate(replied, staff):
    assert_error(post(login(staff), f"/{replied.pk}/evaluate", {"result": "satisfied"}), 403)
    replied.refresh_from_db()
    assert replied.status == Status.REPLIED


@pytest.mark.parametrize("who", ["staff", "sysadmin"])
def test_only_deputies_write_suggestions(request, who, city, category):
    user = request.getfixturevalue(who)
    assert_error(post(login(user), "", draft_body(city, category)), 403)
    assert not Suggestion.objects.exists()


def test_unit_cannot_decide_its_own_request(handling, unit_user):
    lead = lead_assignment(handling)
    ext = actions.request_extension(unit_user, lead, lead.due_date + timedelta(days=10),
                                    "涉及多个部门协调，需要更多时间办理。")
    assert_error(post(login(unit_user), f"/extensions/{ext.pk}/decide", {"approve": True}), 403)
    ext.refresh_from_db()
    assert ext.status == "pending"


# --- another congress: 404, never 403 ------------------------------------------------------------


@pytest.fixture
def outside_unit_user(other_congress):
    org = Organization.objects.create(congress=other_congress, name="别处市住建局",
                                      kind=OrgKind.UNIT)
    return make_user("outsideunit", other_congress, Role.UNIT, org)


def test_another_congress_gets_404_for_our_suggestion(replied, outsider):
    client = login(outsider)
    body = assert_error(client.get(f"{API}/{replied.pk}"), 404)
    assert replied.title not in str(body)
    before = snapshot(replied)
    assert_error(post(client, f"/{replied.pk}/publish", {"publish": True}), 404)
    assert_error(post(client, f"/{replied.pk}/close-unevaluated"), 404)
    assert snapshot(replied) == before
    assert client.get(API).json()["count"] == 0


def test_another_congress_gets_404_for_our_submitted_suggestion(submitted, outsider):
    before = snapshot(submitted)
    assert_error(post(login(outsider), f"/{submitted.pk}/register"), 404)
    assert snapshot(submitted) == before


def test_another_congress_unit_gets_404_for_our_assignment(assigned, outside_unit_user):
    lead = lead_assignment(assigned)
    client = login(outside_unit_user)
    assert_error(client.get(f"{API}/assignments/{lead.pk}"), 404)
    assert_error(post(client, f"/assignments/{lead.pk}/accept"), 404)
    assert_error(post(client, f"/assignments/{lead.pk}/contacts", {
        "stage": "before", "way": "phone", "contact_date": timezone.localdate().isoformat(),
        "summary": "冒充沟通记录。"}), 404)
    assert client.get(f"{API}/inbox").json()["count"] == 0
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.PENDING
    assert not ContactRecord.objects.exists()


def test_another_congress_deputy_cannot_write_into_ours(other_deputy_user, city, category):
    response = post(login(other_deputy_user), "", draft_body(city, category))
    assert_error(response, 404)
    assert not Suggestion.objects.exists()


def test_another_congress_deputy_cannot_evaluate_ours(replied, other_deputy_user):
    assert_error(post(login(other_deputy_user), f"/{replied.pk}/evaluate",
                      {"result": "satisfied"}), 404)
    replied.refresh_from_db()
    assert replied.status == Status.REPLIED


def test_another_congress_gets_404_for_our_requests_and_commitments(handling, unit_user,
                                                                    outsider):
    lead = lead_assignment(handling)
    ext = actions.request_extension(unit_user, lead, lead.due_date + timedelta(days=10),
                                    "涉及多个部门协调，需要更多时间办理。")
    actions.reply(unit_user, lead, reply_class="B", text=REPLY_TEXT, commitments=[
        actions.CommitmentData("完成首批加装", timezone.localdate() + timedelta(days=30))])
    client = login(outsider)
    assert_error(post(client, f"/extensions/{ext.pk}/decide", {"approve": True}), 404)
    commitment = Commitment.objects.get()
    assert_error(post(client, f"/commitments/{commitment.pk}/progress",
                      {"text": "冒充进展。", "done": True}), 404)
    ext.refresh_from_db()
    commitment.refresh_from_db()
    assert (ext.status, commitment.status) == ("pending", "open")


def test_staff_filtering_by_another_congress_gets_404(staff, other_congress):
    assert_error(login(staff).get(API, {"congress": other_congress.pk}), 404)


# --- a unit never sees another unit's assignment -------------------------------------------------


def test_unit_detail_shows_only_its_own_assignment(assigned, unit_user, unit2_user):
    lead, co = lead_assignment(assigned), co_assignment(assigned)
    body = login(unit2_user).get(f"{API}/{assigned.pk}").json()
    assert [(a["id"], a["kind"]) for a in body["assignments"]] == [(co.pk, "co")]
    body = login(unit_user).get(f"{API}/{assigned.pk}").json()
    assert [(a["id"], a["kind"]) for a in body["assignments"]] == [(lead.pk, "lead")]


def test_unit_cannot_open_or_act_on_another_units_assignment(assigned, unit2_user):
    lead = lead_assignment(assigned)
    client = login(unit2_user)
    assert_error(client.get(f"{API}/assignments/{lead.pk}"), 404)
    assert_error(post(client, f"/assignments/{lead.pk}/accept"), 404)
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.PENDING


def test_unit_inbox_holds_only_its_own_assignments(assigned, unit_user, unit2_user):
    lead, co = lead_assignment(assigned), co_assignment(assigned)
    assert [i["id"] for i in login(unit_user).get(f"{API}/inbox").json()["items"]] == [lead.pk]
    assert [i["id"] for i in login(unit2_user).get(f"{API}/inbox").json()["items"]] == [co.pk]


def test_unit_list_reveals_nothing_of_other_units(assigned, unit2_user, unit_org, unit3_org,
                                                  city):
    client = login(unit2_user)
    assert [i["id"] for i in client.get(API).json()["items"]] == [assigned.pk]
    assert_error(client.get(API, {"unit": unit_org.pk}), 404)
    other_unit = make_user("unit3", city, Role.UNIT, unit3_org)
    other = login(other_unit)
    assert other.get(API).json()["count"] == 0
    assert_error(other.get(f"{API}/{assigned.pk}"), 404)


def test_co_unit_does_not_see_the_lead_units_reply(replied, unit2_user, deputy_user):
    body = login(unit2_user).get(f"{API}/{replied.pk}").json()
    assert body["replies"] == [] and body["commitments"] == []
    assert all(a["kind"] == "co" for a in body["assignments"])
    assert [r["unit"] for r in login(deputy_user).get(f"{API}/{replied.pk}").json()["replies"]] \
        == ["市住房和城乡建设局"]


def test_separate_units_see_only_their_own_part(registered, staff, unit_user, unit2_user,
                                                unit_org, unit2_org):
    actions.assign(staff, registered, separate=[unit_org, unit2_org])
    mine = Assignment.objects.get(unit=unit_org)
    actions.accept(unit_user, mine)
    actions.reply(unit_user, mine, reply_class="A", text=REPLY_TEXT)
    body = login(unit2_user).get(f"{API}/{registered.pk}").json()
    assert [a["unit"] for a in body["assignments"]] == ["市交通运输局"]
    assert body["replies"] == []
    body = login(unit_user).get(f"{API}/{registered.pk}").json()
    assert [r["unit"] for r in body["replies"]] == ["市住房和城乡建设局"]


# --- malformed input: 422 naming the field in Chinese, nothing saved -----------------------------


def test_missing_title_is_422(deputy_user, city, category):
    body = draft_body(city, category)
    del body["title"]
    response = post(login(deputy_user), "", body)
    assert assert_error(response, 422)["errors"] == [{"field": "title", "message": "标题：必填"}]
    assert not Suggestion.objects.exists()


def test_empty_title_is_422(deputy_user, city, category):
    response = post(login(deputy_user), "", draft_body(city, category, title=""))
    assert assert_error(response, 422)["errors"] == [{"field": "title",
                                                      "message": "标题：不能为空"}]
    assert not Suggestion.objects.exists()


def test_bad_contact_date_is_422(handling, unit_user):
    lead = lead_assignment(handling)
    response = post(login(unit_user), f"/assignments/{lead.pk}/contacts", {
        "stage": "before", "way": "phone", "contact_date": "2026-02-30",
        "summary": "与代表电话沟通办理思路。"})
    assert assert_error(response, 422)["errors"] == [
        {"field": "contact_date", "message": "沟通日期：格式不正确"}]
    assert not ContactRecord.objects.exists()


def test_bad_commitment_date_is_422(handling, unit_user):
    lead = lead_assignment(handling)
    response = post(login(unit_user), f"/assignments/{lead.pk}/reply", {
        "reply_class": "B", "text": REPLY_TEXT,
        "commitments": [{"content": "完成首批加装", "due_date": "明年"}]})
    assert assert_error(response, 422)["errors"] == [
        {"field": "commitments.0.due_date", "message": "承诺完成时间：格式不正确"}]
    assert not Reply.objects.exists()
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.HANDLING


@pytest.mark.parametrize("path", ["", "/inbox"])
def test_page_size_1000_is_422(staff, unit_user, path):
    client = login(unit_user if path else staff)
    body = assert_error(client.get(API + path, {"page_size": 1000}), 422)
    assert body["errors"] == [{"field": "page_size", "message": "每页条数：应在 1 到 200 之间"}]


def test_unknown_status_filter_is_422(staff):
    body = assert_error(login(staff).get(API, {"status": "lost"}), 422)
    assert body["errors"][0]["field"] == "status"


def test_accept_must_be_a_boolean(deputy_user, cosigner_user, city, category, session):
    s = write(deputy_user, city, category, cosigner_ids=[cosigner_user.deputy.pk])
    body = assert_error(post(login(cosigner_user), f"/{s.pk}/cosign", {"accept": "perhaps"}),
                        422)
    assert body["errors"][0]["field"] == "accept"
    assert s.cosigners.get().status == "invited"


def test_extension_without_a_date_is_422(handling, unit_user):
    lead = lead_assignment(handling)
    body = assert_error(post(login(unit_user), f"/assignments/{lead.pk}/extend",
                             {"reason": "涉及多个部门协调，需要更多时间办理。"}), 422)
    assert body["errors"] == [{"field": "new_due_date", "message": "申请延至日期：必填"}]
    assert not Extension.objects.exists() and not AdjustmentRequest.objects.exists()


def test_body_that_is_not_json_is_refused_and_saves_nothing(deputy_user):
    response = login(deputy_user).post(API, "{not json", content_type="application/json")
    assert response.status_code == 400  # ninja's own HttpError, passed on by api.on_http
    assert set(response.json()) == {"detail", "errors"}
    assert not Suggestion.objects.exists()


def test_body_that_is_not_json_is_explained_in_chinese(deputy_user):
    response = login(deputy_user).post(API, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert CJK.search(response.json()["detail"])
    assert "Cannot" not in response.json()["detail"]


# --- documentation -------------------------------------------------------------------------------


def test_openapi_lists_the_suggestion_endpoints_with_chinese_summaries(db):
    schema = Client().get("/api/v1/openapi.json").json()
    expected = {
        "/api/v1/suggestions", "/api/v1/suggestions/inbox",
        "/api/v1/suggestions/{suggestion_id}", "/api/v1/suggestions/{suggestion_id}/submit",
        "/api/v1/suggestions/{suggestion_id}/assign", "/api/v1/suggestions/bulk-assign",
        "/api/v1/suggestions/assignments/{assignment_id}/reply",
        "/api/v1/suggestions/extensions/{extension_id}/decide",
        "/api/v1/suggestions/commitments/{commitment_id}/progress",
    }
    assert expected <= set(schema["paths"])
    operations = [op for path, ops in schema["paths"].items()
                  if path.startswith("/api/v1/suggestions") for op in ops.values()]
    assert len(operations) == 30
    for op in operations:
        assert op["tags"] == ["suggestions"]
        assert CJK.search(op["summary"]), op["summary"]
