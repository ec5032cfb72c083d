"""建议办理配置: deadlines, answer classes and fields per congress, by the system administrator."""

from __future__ import annotations

import pytest
from django.utils import timezone

from renda.core.errors import DomainError
from renda.core.models import AuditEvent
from renda.suggestions import actions, config
from renda.suggestions.deadlines import add_months
from renda.suggestions.models import Category, ReplyClass, SuggestionConfig
from tests.conftest import client_for

from .conftest import lead_assignment

URL = "/settings/suggestions/"
DEADLINES = {"reply_months": 2, "extension_max_months": 2, "co_view_days": 20, "adjust_workdays": 5,
             "rehandle_months": 1, "evaluate_workdays": 20, "max_rehandles": 1, "remind_days": "3, 15，7"}


def post(client, city, **data):
    return client.post(URL, {"congress": city.pk, **data})


def test_sysadmin_sets_deadlines_and_the_next_assignment_uses_them(sysadmin, city, registered, staff,
                                                                    unit_org, unit_user):
    response = post(client_for(sysadmin), city, section="deadlines", **DEADLINES)
    assert response.status_code == 302
    saved = SuggestionConfig.objects.get(congress=city)
    assert (saved.reply_months, saved.co_view_days, saved.remind_days) == (2, 20, "15,7,3")
    assert AuditEvent.objects.filter(action="suggestions.config_updated", actor=sysadmin).count() == 1
    actions.assign(staff, registered, lead=unit_org)
    assignment = lead_assignment(registered)
    assert assignment.due_date == add_months(timezone.localdate(assignment.assigned_at), 2)


@pytest.mark.parametrize("field,value", [("reply_months", 0), ("reply_months", 13), ("co_view_days", -1),
                                         ("remind_days", "十五"), ("remind_days", ""), ("remind_days", "90")])
def test_out_of_range_deadlines_are_refused_and_nothing_changes(sysadmin, city, field, value):
    response = post(client_for(sysadmin), city, section="deadlines", **{**DEADLINES, field: value})
    assert response.status_code == 400
    assert not SuggestionConfig.objects.filter(congress=city).exists()
    assert not AuditEvent.objects.filter(action="suggestions.config_updated").exists()


def test_only_the_system_administrator_of_that_congress(staff, secadmin, deputy_user, outsider, city):
    for user in (staff, secadmin, deputy_user):
        assert client_for(user).get(URL).status_code == 403
        with pytest.raises(DomainError):
            config.update_deadlines(user, city, {**DEADLINES, "remind_days": "15,3"})
    assert client_for(outsider).get(f"{URL}?congress={city.pk}").status_code in (403, 404)
    assert not SuggestionConfig.objects.filter(congress=city).exists()


def test_answer_classes_replace_the_defaults(sysadmin, city):
    client = client_for(sysadmin)
    page = client.get(URL)
    assert page.status_code == 200 and "正在解决或列入计划解决" in page.content.decode()
    response = post(client, city, section="classes", code=["A", "B", "C", "D", "E"],
                    label=["已解决", "列入计划", "以后解决", "留作参考", "不予采纳"],
                    needs_commitments=["1"], solved=["0"])
    assert response.status_code == 302
    rows = list(ReplyClass.objects.filter(congress=city).values_list("code", "needs_commitments", "solved"))
    assert rows == [("A", False, True), ("B", True, False), ("C", False, False), ("D", False, False),
                    ("E", False, False)]
    assert [c.code for c in actions.reply_classes(city.pk)] == ["A", "B", "C", "D", "E"]


@pytest.mark.parametrize("codes,labels,solved,message", [
    (["A", "A"], ["一", "二"], ["0"], "重复"),
    (["A"], ["一"], ["0"], "至少需要两个"),
    (["A", "B"], ["一", "二"], [], "已解决"),
    (["A", "B!"], ["一", "二"], ["0"], "类别代码"),
    (["A", "B"], ["一", ""], ["0"], "名称"),
])
def test_bad_answer_classes_are_refused(sysadmin, city, codes, labels, solved, message):
    response = post(client_for(sysadmin), city, section="classes", code=codes, label=labels, solved=solved)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ReplyClass.objects.filter(congress=city).exists()


def test_a_class_used_by_a_reply_cannot_be_removed(sysadmin, city, replied):
    response = post(client_for(sysadmin), city, section="classes", code=["B", "C"], label=["列入计划", "以后"],
                    solved=["0"])
    assert response.status_code == 400 and "已有答复使用了A类" in response.content.decode()
    assert not ReplyClass.objects.filter(congress=city).exists()


def test_fields_are_added_renamed_and_given_a_committee(sysadmin, city, committee_org, other_congress):
    client = client_for(sysadmin)
    assert post(client, city, section="category", name="教育", committee="").status_code == 302
    category = Category.objects.get(congress=city, name="教育")
    assert category.committee is None
    response = post(client, city, section="category", pk=category.pk, name="教育科技",
                    committee=committee_org.pk)
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name, category.committee) == ("教育科技", committee_org)
    assert post(client, city, section="category", name="教育科技").status_code == 400
    assert post(client, city, section="category", name="   ").status_code == 400
    foreign = committee_org.__class__.objects.create(congress=other_congress, name="外地委员会",
                                                     kind=committee_org.kind)
    response = post(client, city, section="category", name="卫生", committee=foreign.pk)
    assert response.status_code == 400 and "本人大" in response.content.decode()
    assert Category.objects.filter(congress=city).count() == 1
