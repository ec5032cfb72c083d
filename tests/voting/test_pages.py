"""Pages: the deputy's ballot on the phone, staff steps, results refused before closing,
the hall screen, the tally PDF, the tracker check and the public proposal form."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from renda.core.models import Role
from renda.voting import actions
from renda.voting.models import Ballot, Proposal, Receipt, Round, RoundStatus
from tests.conftest import client_for, make_user

from .conftest import ballot


def _form(r: Round, yes: int = 10) -> dict[str, str]:
    return {f"c{k}": v for k, v in ballot(r, yes=yes).items()}


@pytest.fixture
def everyone(city, staff, leader, voters, auditor, committee_org):
    committee = make_user("committee", city, Role.COMMITTEE, committee_org)
    unit = make_user("unitx", city, Role.UNIT)
    return {"staff": staff, "leader": leader, "deputy": voters[0], "auditor": auditor,
            "committee": committee, "unit": unit}


def test_results_hall_pdf_and_api_refused_before_closing_for_every_role(open_round, everyone):
    actions.cast(everyone["deputy"], open_round.pk, ballot(open_round))
    paths = [f"/voting/{open_round.pk}/results/", f"/voting/{open_round.pk}/tally.pdf",
             f"/api/v1/voting/rounds/{open_round.pk}/results", f"/public/voting/{open_round.pk}/"]
    for name, user in everyone.items():
        c = client_for(user)
        for path in paths:
            resp = c.get(path)
            assert resp.status_code in (403, 404), (name, path, resp.status_code)
            assert b"\xe8\xb5\x9e\xe6\x88\x90 1" not in resp.content  # no "赞成 1"
    for path in paths:
        assert Client().get(path).status_code in (302, 401, 403, 404)
    hall = client_for(everyone["staff"]).get(f"/voting/{open_round.pk}/hall/")
    assert hall.status_code == 200 and "已投票" in hall.text and "当选项目" not in hall.text


def test_deputy_votes_confirms_and_gets_tracker_once(open_round, voters):
    c = client_for(voters[0])
    page = c.get(f"/voting/{open_round.pk}/vote/")
    assert "赞成最多 10 个" in page.text
    too_many = c.post(f"/voting/{open_round.pk}/vote/", {"step": "confirm", **_form(open_round, 11)})
    assert too_many.status_code == 400 and "最多 10 个" in too_many.text
    confirm = c.post(f"/voting/{open_round.pk}/vote/", {"step": "confirm", **_form(open_round)})
    assert "请核对您的选票" in confirm.text and not Receipt.objects.exists()
    done = c.post(f"/voting/{open_round.pk}/vote/", {"step": "cast", **_form(open_round)})
    assert "投票成功" in done.text and "no-store" in done["Cache-Control"]
    tracker = done.context["tracker"]
    assert Ballot.objects.get().tracker_hash == actions.hash_tracker(tracker)
    again = c.get(f"/voting/{open_round.pk}/vote/")
    assert "您已经投过票" in again.text and tracker not in again.text
    twice = c.post(f"/voting/{open_round.pk}/vote/", {"step": "cast", **_form(open_round)})
    assert Ballot.objects.count() == 1 and "投票成功" not in twice.text
    received = Client().post("/public/voting/tracker/", {"code": tracker.lower()})
    assert "已收到" in received.text


def test_staff_cannot_vote_and_deputy_cannot_close(open_round, voters, staff):
    assert client_for(staff).get(f"/voting/{open_round.pk}/vote/").status_code == 403
    resp = client_for(voters[0]).post(f"/voting/{open_round.pk}/do/close/")
    assert resp.status_code in (403, 404)
    assert Round.objects.get(pk=open_round.pk).status == RoundStatus.VOTING


def test_other_congress_sees_nothing(open_round, outsider):
    c = client_for(outsider)
    assert c.get(f"/voting/{open_round.pk}/").status_code == 404
    assert c.post(f"/voting/{open_round.pk}/do/close/").status_code == 404


def test_after_close_results_hall_pdf_and_tracker(open_round, voters, staff):
    trackers = [actions.cast(u, open_round.pk, ballot(open_round)) for u in voters]
    resp = client_for(staff).post(f"/voting/{open_round.pk}/do/close/")
    assert resp.status_code == 302
    results = client_for(staff).get(f"/voting/{open_round.pk}/results/")
    assert results.status_code == 200 and "当选项目（10 个）" in results.text
    # Deputies see the results only once announced.
    assert client_for(voters[0]).get(f"/voting/{open_round.pk}/results/").status_code == 403
    actions.move(staff, open_round, "announced")
    assert client_for(voters[0]).get(f"/voting/{open_round.pk}/results/").status_code == 200
    hall = client_for(staff).get(f"/voting/{open_round.pk}/hall/")
    assert 'http-equiv="refresh"' in hall.text and "老旧小区加装电梯" in hall.text
    pdf = client_for(staff).get(f"/voting/{open_round.pk}/tally.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "计票报告" in text and "有效票 5" in text.replace("\n", "")
    check = Client().post("/public/voting/tracker/", {"code": trackers[2]})
    assert "已计入" in check.text and "赞成" not in check.text
    assert "没有找到" in Client().post("/public/voting/tracker/",
                                       {"code": "AAAA-BBBB-CCCC-DDDD"}).text
    assert Client().post("/public/voting/tracker/", {"code": "x"}).status_code == 400
    progress = Client().get(f"/public/voting/{open_round.pk}/")
    assert progress.status_code == 200 and "老旧小区加装电梯" in progress.text


def test_public_proposal_form_validates_and_is_rate_limited(staff, city):
    from django.core.cache import cache

    cache.clear()
    r = actions.create_round(staff, city, year=2026, title="2026年民生实事项目票决", seats=10)
    url = f"/public/voting/{r.pk}/propose/"
    bad = Client().post(url, {"title": "", "description": "短", "name": "张三"})
    assert bad.status_code == 400 and not Proposal.objects.exists()
    data = {"title": "增设社区食堂", "description": "老年人吃饭难，建议每个街道建一个社区食堂。",
            "name": "张三", "phone": "13812345678"}
    for _ in range(4):  # five submissions an hour from one address, the refused one included
        assert Client().post(url, data).status_code == 200
    assert Client().post(url, data).status_code == 429
    assert Proposal.objects.count() == 4
    page = client_for(staff).get(f"/voting/{r.pk}/")
    assert "138****5678" in page.text and "13812345678" not in page.text
    assert Client().get(f"/public/voting/{r.pk}/propose/qr.svg").content.startswith(b"<svg")
    cache.clear()


def test_screening_turns_a_proposal_into_a_candidate(staff, city, unit_org):
    r = actions.create_round(staff, city, year=2026, title="票决", seats=10)
    p = actions.submit_proposal(r, source="public", title="增设社区食堂",
                                description="老年人吃饭难，建议每个街道建一个社区食堂。", name="张三")
    actions.move(staff, r, "screening")
    c = client_for(staff)
    assert c.post(f"/voting/proposal/{p.pk}/screen/", {"accept": "1", "reason": ""}).status_code == 302
    assert Proposal.objects.get(pk=p.pk).status == "pending"
    c.post(f"/voting/proposal/{p.pk}/screen/", {"accept": "1", "reason": "群众呼声高",
                                                "unit": unit_org.pk, "budget": "300"})
    cand = r.candidates.get()
    assert cand.title == "增设社区食堂" and cand.unit == unit_org and cand.budget == 300


def test_staff_mark_a_deputy_on_leave_who_then_cannot_vote(open_round, voters, staff):
    c = client_for(staff)
    page = c.get(f"/voting/{open_round.pk}/")
    assert "王建国（出席）" in page.text
    c.post(f"/voting/{open_round.pk}/attendance/", {"deputy": voters[0].deputy.pk,
                                                    "attendance": "leave"})
    resp = client_for(voters[0]).post(f"/voting/{open_round.pk}/vote/",
                                      {"step": "cast", **_form(open_round)})
    assert "请假" in resp.text and not Receipt.objects.exists()
    bad = c.post(f"/voting/{open_round.pk}/attendance/", {"deputy": "x", "attendance": "leave"},
                 follow=True)
    assert "代表应为整数" in bad.text


def test_candidate_list_pdf_has_descriptions_budgets(fixed_round, staff, voters):
    resp = client_for(staff).get(f"/voting/{fixed_round.pk}/candidates.pdf")
    assert resp["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.content)).pages)
    assert "候选项目清单" in text and "老旧小区加装电梯" in text and "预算 100.0 万元" in text
    assert client_for(voters[0]).get(f"/voting/{fixed_round.pk}/candidates.pdf").status_code == 403


def test_unit_reports_progress_on_its_own_project_only(open_round, voters, staff, unit_org, city):
    from renda.voting.models import Candidate

    unit_user = make_user("unitv", city, Role.UNIT, unit_org)
    first = open_round.candidates.first()
    Candidate.objects.filter(pk=first.pk).update(unit=unit_org)
    other = open_round.candidates.exclude(pk=first.pk).first()
    for u in voters:
        actions.cast(u, open_round.pk, ballot(open_round))
    actions.close_vote(staff, open_round)
    actions.move(staff, open_round, "announced")
    c = client_for(unit_user)
    assert "本单位负责的民生实事项目" in c.get("/voting/").text
    c.post(f"/voting/project/{first.pk}/", {"what": "milestone", "title": "完成招标", "weight": 2})
    m = first.milestones.get()
    c.post(f"/voting/project/{first.pk}/", {"what": "progress", "milestone": m.pk, "progress": 60})
    c.post(f"/voting/project/{first.pk}/", {"what": "report", "text": "已完成招标，开工建设。"})
    first.refresh_from_db()
    assert first.progress == 60 and first.reports.count() == 1
    bad = c.post(f"/voting/project/{first.pk}/", {"what": "progress", "milestone": m.pk,
                                                  "progress": 101}, follow=True)
    assert "0 到 100" in bad.text and first.milestones.get().progress == 60
    assert c.post(f"/voting/project/{other.pk}/", {"what": "report",
                                                   "text": "不是本单位的项目"}).status_code == 403
    assert not other.reports.exists()


def test_year_end_rating_on_the_phone_is_secret_and_once(open_round, voters, staff):
    for u in voters:
        actions.cast(u, open_round.pk, ballot(open_round))
    actions.close_vote(staff, open_round)
    for target in ("announced", "implementing"):
        actions.move(staff, open_round, target)
    c = client_for(voters[0])
    assert "不在测评时间内" in c.get(f"/voting/{open_round.pk}/rate/").text
    client_for(staff).post(f"/voting/{open_round.pk}/do/rating_open/")
    elected = list(open_round.candidates.filter(elected=True))
    page = c.get(f"/voting/{open_round.pk}/rate/")
    assert page.text.count('value="satisfied"') == len(elected) == 10
    form = {f"c{x.pk}": "satisfied" for x in elected}
    done = c.post(f"/voting/{open_round.pk}/rate/", {"step": "cast", **form})
    assert "投票成功" in done.text
    assert Ballot.objects.filter(round=open_round, kind="rating").count() == 1
    again = c.post(f"/voting/{open_round.pk}/rate/", {"step": "cast", **form})
    assert "投票成功" not in again.text
    assert Ballot.objects.filter(round=open_round, kind="rating").count() == 1
    client_for(staff).post(f"/voting/{open_round.pk}/do/rating_close/")
    results = client_for(staff).get(f"/voting/{open_round.pk}/results/")
    assert "满意（满意 1 / 基本满意 0 / 不满意 0）" in results.text
