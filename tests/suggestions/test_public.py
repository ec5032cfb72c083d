"""The public pages of published suggestions: no login, nothing unpublished, searchable,
paginated, and never a phone number, an account name or an internal record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from renda.core.models import Organization, OrgKind, Role, Session
from renda.suggestions import actions
from renda.suggestions.models import Category, Suggestion
from tests.conftest import make_deputy, make_user

from .conftest import write

pytestmark = pytest.mark.django_db

LIST = "/public/suggestions/"
REPLY = "经研究，我局已将老旧小区加装电梯纳入年度民生实事，今年完成加装120台。"


def detail(s: Suggestion) -> str:
    return f"/public/suggestions/{s.pk}/"


def handle(s: Suggestion, staff, unit, unit_user, *, publish: bool = True,
           text: str = REPLY) -> Suggestion:
    """Submitted → registered → assigned to ``unit`` → replied (A) → published."""
    s = actions.submit(s.lead_deputy.user, s)
    actions.register(staff, s)
    actions.assign(staff, s, lead=unit)
    a = s.assignments.get(unit=unit)
    actions.accept(unit_user, a)
    actions.reply(unit_user, a, reply_class="A", text=text)
    s = Suggestion.objects.get(pk=s.pk)
    if publish:
        actions.publish(staff, s)
    return Suggestion.objects.get(pk=s.pk)


@pytest.fixture
def education(city):
    return Category.objects.create(congress=city, name="教育文化")


@pytest.fixture
def elevator(deputy_user, city, category, session, staff, unit_org, unit_user):
    return handle(write(deputy_user, city, category), staff, unit_org, unit_user)


@pytest.fixture
def school(deputy_user, city, education, session, staff, unit2_org, unit2_user):
    s = write(deputy_user, city, education, title="关于增加城区公办幼儿园学位的建议",
              problem="城区公办幼儿园学位紧张，适龄儿童入园难、入园贵问题突出。",
              analysis="学位缺口主要集中在新建城区和人口导入区。",
              measures="建议新建改扩建一批公办幼儿园，鼓励企事业单位举办幼儿园。")
    return handle(s, staff, unit2_org, unit2_user,
                  text="我局将在三年内新增公办幼儿园学位三千个，并出台普惠性幼儿园扶持办法。")


@pytest.fixture
def unpublished(deputy_user, city, category, session, staff, unit_org, unit_user):
    s = write(deputy_user, city, category, title="关于规范共享单车停放的建议")
    return handle(s, staff, unit_org, unit_user, publish=False)


def titles(response) -> list[str]:
    return [s.title for s in response.context["page"]]


def test_published_suggestion_is_shown_to_anyone(elevator):
    response = Client().get(detail(elevator))
    assert response.status_code == 200
    html = response.content.decode()
    assert elevator.number in html
    assert elevator.title in html
    assert "王建国" in html and "城乡建设" in html
    assert "老年人上下楼困难" in html
    assert "市住房和城乡建设局" in html
    assert REPLY in html and "A类（已解决或基本解决）" in html


def test_unpublished_is_404_and_never_listed(elevator, unpublished, staff):
    anyone = Client()
    assert anyone.get(detail(unpublished)).status_code == 404
    assert titles(anyone.get(LIST)) == [elevator.title]
    assert anyone.get(LIST, {"q": "共享单车"}).context["page"].paginator.count == 0
    actions.publish(staff, elevator, publish=False)
    assert anyone.get(detail(elevator)).status_code == 404
    assert titles(anyone.get(LIST)) == []


def test_search_by_words_in_title_and_body(elevator, school):
    anyone = Client()
    assert titles(anyone.get(LIST, {"q": "幼儿园"})) == [school.title]
    assert titles(anyone.get(LIST, {"q": "上下楼"})) == [elevator.title]  # in the body only
    assert titles(anyone.get(LIST, {"q": "公办 学位"})) == [school.title]  # every word
    assert titles(anyone.get(LIST, {"q": "公办 电梯"})) == []
    assert sorted(titles(anyone.get(LIST, {"q": "建议"}))) == sorted([elevator.title,
                                                                     school.title])


def test_search_by_field_and_unit(elevator, school, education, category, unit_org, unit2_org):
    anyone = Client()
    assert titles(anyone.get(LIST, {"category": education.pk})) == [school.title]
    assert titles(anyone.get(LIST, {"category": category.pk})) == [elevator.title]
    assert titles(anyone.get(LIST, {"unit": unit_org.pk})) == [elevator.title]
    assert titles(anyone.get(LIST, {"unit": unit2_org.pk})) == [school.title]
    assert titles(anyone.get(LIST, {"unit": "abc", "category": "x"})) == titles(
        anyone.get(LIST))
    page = anyone.get(LIST).content.decode()
    assert "教育文化" in page and "市交通运输局" in page  # offered as filters


def test_filter_by_congress(elevator, other_congress):
    today = timezone.localdate()
    Session.objects.create(term=other_congress.current_term(), number=2,
                           start_date=today - timedelta(days=1), end_date=today + timedelta(days=3))
    user = make_user("faraway", other_congress, Role.DEPUTY, phone="13700000018")
    make_deputy(other_congress, "钱外省", "13700000018", user=user)
    staff = make_user("farstaff", other_congress, Role.STAFF)
    unit = Organization.objects.create(congress=other_congress, name="别处市水务局",
                                       kind=OrgKind.UNIT)
    handler = make_user("farunit", other_congress, Role.UNIT, unit)
    field = Category.objects.create(congress=other_congress, name="水利")
    theirs = handle(write(user, other_congress, field, title="关于治理城区内涝的建议"),
                    staff, unit, handler)
    anyone = Client()
    assert sorted(titles(anyone.get(LIST))) == sorted([elevator.title, theirs.title])
    assert titles(anyone.get(LIST, {"congress": other_congress.pk})) == [theirs.title]
    assert titles(anyone.get(LIST, {"congress": elevator.congress_id})) == [elevator.title]


def test_no_phone_numbers_usernames_or_internal_records(city, category, session, unit_org,
                                                        unit2_org, delegation):
    lead = make_user("zhang_lead_2026", city, Role.DEPUTY, phone="13812345678")
    make_deputy(city, "张代表", "13812345678", delegation, user=lead)
    co = make_user("li_cosigner_2026", city, Role.DEPUTY, phone="13698765432")
    co_deputy = make_deputy(city, "李附议", "13698765432", delegation, user=co)
    staff = make_user("staffer_pub_2026", city, Role.STAFF, phone="13733334444",
                      full_name="工作人员甲")
    handler = make_user("handler_zjj_2026", city, Role.UNIT, unit_org, phone="13511112222",
                        full_name="承办人乙")
    co_handler = make_user("handler_jt_2026", city, Role.UNIT, unit2_org, phone="13522223333")
    s = write(lead, city, category, cosigner_ids=[co_deputy.pk],
              problem="小区加装电梯难，联系人电话13900001111，邮箱 zhang@example.com。")
    actions.answer_cosign(co, s, True)
    s = actions.submit(lead, s)
    actions.register(staff, s)
    actions.assign(staff, s, lead=unit_org, co=[unit2_org])
    a = s.assignments.get(unit=unit_org)
    actions.accept(handler, a)
    actions.send_co_view(co_handler, s.assignments.get(unit=unit2_org),
                         "会办单位内部意见：同意配合，联系人王五。")
    actions.record_contact(handler, a, stage="before", way="phone",
                           contact_date=timezone.localdate(), summary="内部沟通记录：电话联系张代表。")
    actions.reply(handler, a, reply_class="A",
                  text=REPLY + "如有疑问请致电0571-87654321或13566667777。")
    s = Suggestion.objects.get(pk=s.pk)
    actions.evaluate(lead, s, "basic", "内部评价意见：希望加快进度。")
    actions.publish(staff, s)

    for response in (Client().get(detail(s)), Client().get(LIST)):
        assert response.status_code == 200
        html = response.content.decode()
        for secret in ("13812345678", "138****5678", "13698765432", "13733334444",
                       "13511112222", "13522223333", "13900001111", "zhang@example.com",
                       "0571-87654321", "13566667777",
                       "zhang_lead_2026", "li_cosigner_2026", "staffer_pub_2026",
                       "handler_zjj_2026", "handler_jt_2026", "工作人员甲", "承办人乙",
                       "会办单位内部意见", "内部沟通记录", "内部评价意见"):
            assert secret not in html, secret
    html = Client().get(detail(s)).content.decode()
    assert "张代表" in html and REPLY in html
    assert "（联系方式已隐去）" in html


def test_script_in_the_title_is_shown_as_text(deputy_user, city, category, session, staff,
                                              unit_org, unit_user):
    s = handle(write(deputy_user, city, category, title="<script>alert('x')</script>关于路灯的建议"),
               staff, unit_org, unit_user)
    for page in (Client().get(detail(s)), Client().get(LIST)):
        html = page.content.decode()
        assert "<script>alert(" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;关于路灯的建议" in html


def test_list_is_paginated_by_twenty_with_bounded_queries(deputy_user, city, category, session,
                                                          staff, unit_org, unit_user,
                                                          django_assert_max_num_queries):
    for i in range(21):
        handle(write(deputy_user, city, category, title=f"关于改善社区服务的建议（第{i + 1}件）"),
               staff, unit_org, unit_user)
    anyone = Client()
    with django_assert_max_num_queries(12):
        first = anyone.get(LIST)
    assert len(first.context["page"]) == 20 and first.context["page"].paginator.count == 21
    assert "page=2" in first.content.decode()
    assert len(anyone.get(LIST, {"page": 2}).context["page"]) == 1
    assert len(anyone.get(LIST, {"page": "zzz"}).context["page"]) == 20


def test_pages_are_cacheable_and_answer_304_when_unchanged(elevator):
    anyone = Client()
    response = anyone.get(detail(elevator))
    assert "max-age=300" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    last_modified = response["Last-Modified"]
    again = Client().get(detail(elevator), HTTP_IF_MODIFIED_SINCE=last_modified)
    assert again.status_code == 304
    assert "max-age=300" in Client().get(LIST)["Cache-Control"]


def test_signed_in_users_get_private_pages(elevator, staff):
    from tests.conftest import client_for

    response = client_for(staff).get(detail(elevator))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_only_reading_is_allowed(elevator):
    assert Client().post(LIST).status_code == 405
    assert Client().post(detail(elevator)).status_code in (403, 405)


def test_shared_caches_may_keep_a_page_that_sets_no_cookie(elevator, monkeypatch):
    """Today the site frame puts a CSRF token (and cookie) in every page, so anonymous pages
    are cached privately; a page without one may be kept by shared caches."""
    from django.http import HttpResponse

    from renda.suggestions import views_public

    monkeypatch.setattr(views_public, "render", lambda request, template, context: HttpResponse(
        "ok"))
    response = Client().get(detail(elevator))
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert not response.cookies
