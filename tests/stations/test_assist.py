"""办理辅助 on a citizen's message: the units proposed for its transfer (to whoever may
transfer it) and similar messages (only among those the user may see)."""

from __future__ import annotations

import pytest

from renda.assist.models import KeywordRule
from renda.core.models import Organization, OrgKind
from renda.stations import actions
from renda.stations.models import Station
from tests.conftest import client_for

from .conftest import message_data

pytestmark = pytest.mark.django_db

LAMP = "湖滨路小区门口的路灯坏了两个月，晚上出行很不方便，请尽快修复路灯。"
LAMP_AGAIN = "湖滨路小区门口路灯坏了很久，晚上出行不方便，希望尽快修复。"
SCHOOL = "学校门口放学时段交通拥堵，接孩子的家长车辆乱停，存在安全隐患。"


def send(station, content, ip):
    return actions.submit_message(station=station, data=message_data(content=content),
                                  ip=ip)


@pytest.fixture
def roads(city):
    unit = Organization.objects.create(congress=city, name="市城市管理局", kind=OrgKind.UNIT)
    KeywordRule.objects.create(congress=city, unit=unit, keywords="路灯 道路 井盖")
    return unit


@pytest.fixture
def lamp(station, staff):
    return actions.accept(staff, send(station, LAMP, "10.1.0.1"))


def test_staff_see_the_proposed_unit_and_the_same_matter_raised_before(lamp, station, staff,
                                                                       roads):
    again = send(station, LAMP_AGAIN, "10.1.0.2")
    school = send(station, SCHOOL, "10.1.0.3")
    page = client_for(staff).get(f"/stations/messages/{lamp.pk}/")
    assert f'hx-get="/stations/messages/{lamp.pk}/assist/"' in page.content.decode()
    html = client_for(staff).get(f"/stations/messages/{lamp.pk}/assist/").content.decode()
    assert "推荐承办单位" in html and "市城市管理局" in html
    assert f'data-assist-select="id_unit" data-assist-lead="{roads.pk}"' in html
    assert again.code in html and school.code not in html
    assert f">{lamp.code}<" not in html  # not similar to itself


def test_no_proposal_for_who_may_not_transfer(lamp, keeper, roads, station, staff):
    # A keeper may accept and answer, not transfer; a received message is not yet accepted.
    html = client_for(keeper).get(f"/stations/messages/{lamp.pk}/assist/").content.decode()
    assert "推荐承办单位" not in html
    fresh = send(station, LAMP_AGAIN, "10.1.0.4")
    html = client_for(staff).get(f"/stations/messages/{fresh.pk}/assist/").content.decode()
    assert "推荐承办单位" not in html and lamp.code in html


def test_similar_messages_only_among_what_the_user_may_see(city, lamp, station, staff,
                                                           keeper, unit_user, unit_org):
    elsewhere = Station.objects.create(congress=city, name="西湖街道联络站", address="西湖路2号",
                                       lat=30.1, lon=120.1)
    other = send(elsewhere, LAMP_AGAIN, "10.1.0.5")
    assert other.code in client_for(staff).get(
        f"/stations/messages/{lamp.pk}/assist/").content.decode()
    # The keeper keeps only the first station.
    assert other.code not in client_for(keeper).get(
        f"/stations/messages/{lamp.pk}/assist/").content.decode()
    # The unit sees only what was transferred to it.
    mine = actions.transfer_to_unit(staff, lamp, unit_org)
    r = client_for(unit_user).get(f"/stations/messages/{mine.pk}/assist/")
    assert r.status_code == 200 and other.code not in r.content.decode()
    assert "推荐承办单位" not in r.content.decode()


def test_assist_refused_outside_the_users_scope(lamp, outsider, unit_user):
    assert client_for(outsider).get(f"/stations/messages/{lamp.pk}/assist/").status_code == 404
    assert client_for(unit_user).get(f"/stations/messages/{lamp.pk}/assist/").status_code == 404


def test_api_assist(lamp, station, staff, keeper, outsider, roads):
    again = send(station, LAMP_AGAIN, "10.1.0.6")
    url = f"/api/v1/stations/messages/{lamp.pk}/assist"
    body = client_for(staff).get(url).json()
    assert body["routing"]["source"] == "rules"
    assert body["routing"]["proposals"][0] == {"unit_id": roads.pk, "name": "市城市管理局",
                                               "confidence": 1.0}
    assert [x["code"] for x in body["similar"]] == [again.code]
    assert 0.3 <= body["similar"][0]["score"] <= 1
    assert client_for(keeper).get(url).json()["routing"] is None
    assert client_for(outsider).get(url).status_code == 404


def test_a_weak_proposal_is_shown_but_not_put_into_the_form(city, lamp, staff):
    for name in ("市城市管理局", "市住房和城乡建设局", "市交通运输局", "湖滨街道办事处"):
        unit = Organization.objects.create(congress=city, name=name, kind=OrgKind.UNIT)
        KeywordRule.objects.create(congress=city, unit=unit, keywords="路灯")  # 25% each
    html = client_for(staff).get(f"/stations/messages/{lamp.pk}/assist/").content.decode()
    assert "市交通运输局" in html and "25%" in html
    assert "data-assist-lead" not in html and "没有预填" in html and "is-picked" not in html


# --- a routing model learnt from the congress's own transfers of messages ---------------------

PAST = {
    "市城市管理局": ["{p}小区门口路灯不亮，晚上走路看不清。", "{p}路边摊占道经营，垃圾满地。",
                   "{p}共享单车乱停放堵住人行道。"],
    "市教育局": ["{p}小学学位紧张，孩子入学难。", "{p}幼儿园收费太高，公办园太少。",
                "{p}学校课后托管服务不足，家长接送难。"],
    "市卫生健康委员会": ["{p}社区卫生服务中心医生太少，看病排长队。", "{p}医院急诊等候时间太长。",
                       "{p}疫苗接种点预约难，排队久。"],
}
PLACES = ["东城区", "西湖街道", "北山镇", "南湖社区"]


@pytest.fixture
def past_transfers(city, station):
    """Messages transferred to three units, written straight to the table (data about the
    past; the transfer action is tested in test_actions)."""
    from renda.stations.models import Message, MessageStatus, TransferKind

    units = {name: Organization.objects.create(congress=city, name=name, kind=OrgKind.UNIT)
             for name in PAST}
    n = 0
    for name, texts in PAST.items():
        for text in texts:
            for place in PLACES:
                n += 1
                Message.objects.create(congress=city, station=station, code=f"PAST{n:06d}",
                                       content=text.format(p=place), status=MessageStatus.ANSWERED,
                                       transfer_kind=TransferKind.UNIT, unit=units[name])
    # Neither a message never transferred nor one turned into a suggestion is a lesson.
    Message.objects.create(congress=city, station=station, code="PASTNONE01",
                           content="东城区小学学位紧张。", status=MessageStatus.RECEIVED)
    return units


def test_a_model_trained_on_transferred_messages_routes_new_ones(city, staff, past_transfers,
                                                                 lamp):
    from renda.assist import actions as assist_actions
    from renda.assist import queries as assist
    from renda.assist.models import RoutingTarget

    # Before it exists, messages fall back to the suggestions' routing (here: none at all).
    assert assist.route(city, "滨江新区小学学位不够。",
                        target=RoutingTarget.MESSAGE_UNIT).source == "none"
    model = assist_actions.train(city, actor=staff, target=RoutingTarget.MESSAGE_UNIT)
    assert model.target == RoutingTarget.MESSAGE_UNIT and model.n_train == 36
    assert model.n_labels == 3
    result = assist.route(city, "滨江新区小学学位不够，孩子上学难。",
                          target=RoutingTarget.MESSAGE_UNIT)
    assert result.source == "model" and result.first.name == "市教育局"
    assert result.first.unit_id == past_transfers["市教育局"].pk
    # The suggestions' routing is a model of its own, untouched.
    assert assist.route(city, "滨江新区小学学位不够。").source == "none"
    html = client_for(staff).get(f"/stations/messages/{lamp.pk}/assist/").content.decode()
    assert "按本人大转办群众留言的历史" in html
    assert f'data-assist-lead="{past_transfers["市城市管理局"].pk}"' in html


def test_the_background_retraining_also_learns_from_messages(city, past_transfers):
    from renda.assist.models import RoutingModel, RoutingTarget
    from renda.assist.tasks import retrain

    assert retrain.call(city.pk) is None  # no suggestions to learn from
    assert RoutingModel.objects.get(congress=city, is_active=True).target \
        == RoutingTarget.MESSAGE_UNIT


def test_too_few_transferred_messages_are_refused_clearly(city, staff, lamp):
    from renda.assist import actions as assist_actions
    from renda.assist.models import RoutingTarget
    from renda.core.errors import DomainError

    with pytest.raises(DomainError, match="转给单位的群众留言只有 0 件"):
        assist_actions.train(city, actor=staff, target=RoutingTarget.MESSAGE_UNIT)


def test_transfers_of_messages_count_towards_retraining(city, staff, past_transfers, station,
                                                        unit_org, settings,
                                                        django_capture_on_commit_callbacks):
    from renda.assist.models import RetrainState, RoutingModel, RoutingTarget

    settings.RENDA_ASSIST_RETRAIN_AFTER = 2
    first = actions.accept(staff, send(station, LAMP, "10.1.1.1"))
    actions.accept(staff, send(station, SCHOOL, "10.1.1.2"))  # accepting does not count
    assert not RetrainState.objects.filter(congress=city, new_assignments__gt=0).exists()
    with django_capture_on_commit_callbacks(execute=True):
        actions.transfer_to_unit(staff, first, unit_org)
        second = actions.accept(staff, send(station, LAMP_AGAIN, "10.1.1.3"))
        actions.transfer_to_unit(staff, second, unit_org)
    model = RoutingModel.objects.get(congress=city, target=RoutingTarget.MESSAGE_UNIT)
    assert model.reason == "auto" and model.n_train == 38
