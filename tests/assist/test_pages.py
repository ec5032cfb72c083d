"""The staff page (scoped by congress, audited), the panels in the suggestion pages."""

from __future__ import annotations

import pytest

from renda.assist import actions
from renda.assist.models import DictWord, KeywordRule
from renda.core.models import AuditEvent
from renda.suggestions.models import Assignment, Status
from tests.conftest import client_for


def test_staff_sees_model_status_rules_and_dictionary(city, staff, units):
    response = client_for(staff).get("/assist/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "还没有训练好的模型" in html and "市教育局" in html and "用户词典" in html


def test_page_shows_trained_model_quality(city, staff, history):
    actions.train(city, actor=staff)
    html = client_for(staff).get("/assist/").content.decode()
    assert "在用版本" in html and "v1" in html and "宏平均 F1" in html and "27 件历史交办" in html


def test_deputy_and_unit_are_refused_and_other_congress_is_404(city, deputy_user, unit_user, outsider):
    assert client_for(deputy_user).get("/assist/").status_code == 403
    assert client_for(unit_user).get("/assist/").status_code == 403
    assert client_for(outsider).get(f"/assist/?congress={city.pk}").status_code == 404


def test_rules_form_saves_and_audits(city, staff, units):
    unit = units["市交通运输局"]
    response = client_for(staff).post("/assist/rules/", {"congress": city.pk, f"unit_{unit.pk}": "公交，地铁"})
    assert response.status_code == 302
    assert KeywordRule.objects.get(unit=unit).keywords == "公交 地铁"
    assert AuditEvent.objects.filter(action="assist.rules", actor=staff).exists()


def test_rules_form_refuses_foreign_unit(city, other_congress, staff, units):
    from renda.core.models import Organization, OrgKind

    foreign = Organization.objects.create(congress=other_congress, name="外地局", kind=OrgKind.UNIT)
    client = client_for(staff)
    response = client.post("/assist/rules/", {"congress": city.pk, f"unit_{foreign.pk}": "公交"}, follow=True)
    assert "不属于本人大" in response.content.decode()
    assert not KeywordRule.objects.exists()


def test_dictionary_add_and_remove_are_audited(city, staff):
    client = client_for(staff)
    client.post("/assist/words/", {"congress": city.pk, "words": "梅溪湖片区\n西湖街道\n梅溪湖片区"})
    assert sorted(DictWord.objects.values_list("word", flat=True)) == ["梅溪湖片区", "西湖街道"]
    word = DictWord.objects.get(word="西湖街道")
    client.post(f"/assist/words/{word.pk}/remove/", {"congress": city.pk})
    assert list(DictWord.objects.values_list("word", flat=True)) == ["梅溪湖片区"]
    assert AuditEvent.objects.filter(action="assist.dict_add").count() == 1
    assert AuditEvent.objects.filter(action="assist.dict_remove").count() == 1


def test_dictionary_refuses_bad_words_and_saves_nothing(city, staff):
    response = client_for(staff).post("/assist/words/", {"congress": city.pk, "words": "好词\n甲"}, follow=True)
    assert "长度不合适" in response.content.decode()
    assert not DictWord.objects.exists()


def test_words_of_other_congress_cannot_be_removed(city, other_congress, staff, outsider):
    word = DictWord.objects.create(congress=city, word="西湖街道")
    response = client_for(outsider).post(f"/assist/words/{word.pk}/remove/", {"congress": other_congress.pk},
                                         follow=True)
    assert "词典里没有这个词" in response.content.decode()
    assert DictWord.objects.filter(pk=word.pk).exists()


def test_retrain_button_trains_a_new_version(city, staff, history, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post("/assist/retrain/", {"congress": city.pk})
    assert response.status_code == 302
    from renda.assist.models import RoutingModel

    assert RoutingModel.objects.get(congress=city).reason == "manual"
    assert AuditEvent.objects.filter(action="assist.retrain_queued").exists()


def test_retrain_without_history_says_why(city, staff, units):
    response = client_for(staff).post("/assist/retrain/", {"congress": city.pk}, follow=True)
    assert "至少需要 20 件" in response.content.decode()


def test_route_panel_preselects_first_proposal_and_staff_can_pick_another(city, staff, units, history):
    actions.train(city, actor=staff, evaluate=False)
    s = history[0].suggestion
    s.status = Status.REGISTERED
    s.save()
    client = client_for(staff)
    html = client.get(f"/assist/route/{s.pk}/").content.decode()
    transport = units["市交通运输局"].pk
    assert "推荐承办单位" in html and "%" in html
    assert f'data-assist-lead="{transport}"' in html
    assert html.count("data-assist-pick=") == 3 and "assist.js" in html
    assert Assignment.objects.filter(suggestion=s).count() == 1  # the old one only


def test_route_panel_refused_to_deputy_and_outsider(city, history, deputy_user, outsider):
    pk = history[0].suggestion_id
    assert client_for(deputy_user).get(f"/assist/route/{pk}/").status_code == 403
    assert client_for(outsider).get(f"/assist/route/{pk}/").status_code in (403, 404)


def test_detail_page_loads_the_route_panel_in_the_assign_form(city, staff, history):
    s = history[0].suggestion
    s.status = Status.REGISTERED
    s.save()
    html = client_for(staff).get(f"/suggestions/{s.pk}/").content.decode()
    assert f"/assist/route/{s.pk}/" in html


def test_similar_panel_lists_merge_candidates(city, staff, history):
    s = history[0].suggestion
    html = client_for(staff).get(f"/assist/similar/{s.pk}/").content.decode()
    assert "相似的建议" in html
    assert history[1].suggestion.title in html  # same pattern, another place
    assert f">{s.number} {s.title}<" not in html  # not itself


def test_draft_panel_gives_hints_and_similar_to_the_deputy(city, deputy_user, history):
    client = client_for(deputy_user)
    history[0].suggestion.published_at = history[0].suggestion.registered_at
    history[0].suggestion.save()
    published = history[0].suggestion
    response = client.post("/assist/draft/", {"congress": city.pk, "title": published.title,
                                              "problem": published.problem, "analysis": "", "measures": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "写作提示" in html and "缺少“分析”" in html
    assert published.title in html


def test_draft_panel_never_shows_unpublished_suggestions_of_others(city, deputy_user, history, staff):
    other = history[0].suggestion
    other.lead_deputy = _another_deputy(city)
    other.save()
    html = client_for(deputy_user).post("/assist/draft/", {
        "congress": city.pk, "title": other.title, "problem": other.problem}).content.decode()
    assert other.title not in html


def _another_deputy(city):
    from tests.conftest import make_deputy

    return make_deputy(city, "张另一", "13900000077")


@pytest.mark.parametrize("who", ["staff", "outsider"])
def test_draft_panel_only_for_deputies_of_that_congress(city, who, request):
    user = request.getfixturevalue(who)
    response = client_for(user).post("/assist/draft/", {"congress": city.pk, "title": "公交"})
    assert response.status_code == 403


def test_draft_panel_bad_congress_is_400(city, deputy_user):
    assert client_for(deputy_user).post("/assist/draft/", {"congress": "x"}).status_code == 400


def test_hot_topics_page(city, staff, history):
    html = client_for(staff).get("/assist/topics/").content.decode()
    assert "民意热点" in html and "件" in html
    bad = client_for(staff).get("/assist/topics/?since=2026-12-01&until=2026-01-01").content.decode()
    assert "开始日期不能晚于结束日期" in bad


def test_home_card_for_staff_only(city, staff, deputy_user, history):
    html = client_for(staff).get("/").content.decode()
    assert "智能辅助" in html and "尚无模型" in html
    actions.train(city, actor=staff, evaluate=False)
    assert "分办模型（27 件训练）" in client_for(staff).get("/").content.decode()
    assert "尚无模型" not in client_for(deputy_user).get("/").content.decode()


def test_draft_panel_shows_published_replies_of_earlier_terms(city, deputy_user, history):
    from datetime import date

    from renda.core.models import Term

    old = Term.objects.create(congress=city, number=15, start_date=date(2017, 1, 10), is_current=False)
    published = history[0].suggestion
    published.term, published.published_at = old, published.registered_at
    published.save()
    html = client_for(deputy_user).post("/assist/draft/", {
        "congress": city.pk, "title": published.title, "problem": published.problem}).content.decode()
    assert f"/public/suggestions/{published.pk}/" in html and "已公开答复" in html
