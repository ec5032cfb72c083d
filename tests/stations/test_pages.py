"""Public pages, handling pages, masking in pages, API and exports, QR codes."""

from __future__ import annotations

import io
import json

import pytest
import zxingcpp
from django.test import Client
from openpyxl import load_workbook
from PIL import Image

from renda.core.models import Organization, OrgKind, Role
from renda.stations import actions, antiabuse
from renda.stations.models import Message, MessageStatus, Station
from tests.conftest import client_for, make_user

from .conftest import message_data, solve

pytestmark = pytest.mark.django_db
PHONE = "13812345678"
MASKED = "138****5678"


def form(**overrides):
    token, answer = solve(antiabuse.make_challenge())
    data = {"content": "小区门口的路灯坏了两个月，晚上出行很不方便。", "category": "urban",
            "name": "张三", "phone": PHONE, "token": token, "answer": answer, "website": ""}
    data.update(overrides)
    return data


def test_station_page_shows_deputies_and_form(station):
    r = Client().get(f"/s/{station.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "湖滨街道代表联络站" in html and "王建国" in html and "加" in html
    assert f"/s/{station.pk}/qr.svg" in html


def test_leave_message_and_get_code(station):
    c = Client()
    r = c.post(f"/s/{station.pk}/", form())
    assert r.status_code == 302
    m = Message.objects.get()
    assert r["Location"] == f"/track/{m.code}/new/"
    page = c.get(r["Location"]).content.decode()
    assert m.code in page


def test_bad_input_keeps_text_and_saves_nothing(station):
    r = Client().post(f"/s/{station.pk}/", form(phone="123"))
    html = r.content.decode()
    assert r.status_code == 400
    assert "11位数字" in html and "小区门口的路灯坏了两个月" in html
    assert not Message.objects.exists()


def test_sixth_message_from_one_ip_gets_429_with_text_kept(station):
    c = Client(REMOTE_ADDR="10.9.9.9")
    for i in range(5):
        assert c.post(f"/s/{station.pk}/", form(phone=f"1391234567{i}")).status_code == 302
    r = c.post(f"/s/{station.pk}/", form(phone="13912345679", content="第六条留言的内容在这里"))
    assert r.status_code == 429
    assert "太频繁" in r.content.decode() and "第六条留言的内容在这里" in r.content.decode()
    assert Message.objects.count() == 5


def test_stored_script_tag_is_shown_as_text(station, staff):
    m = Message.objects.create(congress=station.congress, station=station, code="SCRIPT2345",
                               content="<script>alert('x')</script> 路灯坏了")
    html = Client().get("/track/SCRIPT2345/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    html = client_for(staff).get(f"/stations/messages/{m.pk}/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_track_page_shows_answer_and_rating_closes(answered):
    c = Client()
    html = c.get(f"/track/{answered.code}/").content.decode()
    assert "已安排维修人员更换路灯" in html and "市住房和城乡建设局" in html
    assert PHONE not in html and MASKED not in html and "张三" not in html
    r = c.post(f"/track/{answered.code}/", {"rating": "satisfied"})
    assert r.status_code == 302
    assert Message.objects.get(pk=answered.pk).status == MessageStatus.CLOSED


def test_track_unknown_code_404():
    assert Client().get("/track/ZZZZZZZZZZ/").status_code == 404


def test_find_by_place_lists_nearest_with_distance(station, city):
    from renda.stations.models import Station

    Station.objects.create(congress=city, name="北岭镇代表联络点", address="北岭镇", lat=30.162,
                           lon=120.532)
    html = Client().get("/find/", {"place": "东湖区湖滨街道幸福小区"}).content.decode()
    assert html.index("湖滨街道代表联络站") < html.index("北岭镇代表联络点")
    assert "公里" in html
    html = Client().get("/find/", {"lat": "30.16", "lon": "120.53"}).content.decode()
    assert html.index("北岭镇代表联络点") < html.index("湖滨街道代表联络站")
    assert "没有找到" in Client().get("/find/", {"place": "火星"}).content.decode()
    assert "王建国" in Client().get("/find/", {"q": "王建"}).content.decode()


def test_qr_png_decodes_to_station_address(station):
    r = Client().get(f"/s/{station.pk}/qr.png")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(r.content)))
    assert [x.text for x in results] == [f"http://testserver/s/{station.pk}/"]


def test_qr_svg_is_svg(station):
    # The SVG is decoded in the browser journey (Chromium draws it; zxing-cpp reads it).
    r = Client().get(f"/s/{station.pk}/qr.svg")
    assert r["Content-Type"] == "image/svg+xml" and r.content.lstrip().startswith(b"<svg")


def test_deputy_qr_png_decodes(station, deputy_user):
    from renda.deputies.models import Deputy

    d = Deputy.objects.get(user=deputy_user)
    r = Client().get(f"/d/{d.pk}/qr.png")
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(r.content)))[0].text == \
        f"http://testserver/d/{d.pk}/"
    assert Client().get(f"/d/{d.pk}/").status_code == 200
    assert Client().get(f"/s/{station.pk}/qr.gif").status_code == 404


# --- masking -----------------------------------------------------------------------------------


def test_phone_full_for_staff_and_handling_unit_masked_for_others(transferred, staff, unit_user,
                                                                   leader, keeper, city):
    url = f"/stations/messages/{transferred.pk}/"
    assert PHONE in client_for(staff).get(url).content.decode()
    assert PHONE in client_for(unit_user).get(url).content.decode()
    for who in (leader, keeper):
        html = client_for(who).get(url).content.decode()
        assert PHONE not in html and MASKED in html
    other = make_user("unitx", city, Role.UNIT,
                      Organization.objects.create(congress=city, name="市教育局", kind=OrgKind.UNIT))
    assert client_for(other).get(url).status_code == 404


def test_unit_sees_only_messages_transferred_to_it(transferred, received, unit_user, station):
    html = client_for(unit_user).get("/stations/inbox/").content.decode()
    assert transferred.code in html
    other = actions.submit_message(station=station, data=message_data(phone=""), ip="10.7.7.7")
    assert client_for(unit_user).get(f"/stations/messages/{other.pk}/").status_code == 404


def test_outsider_cannot_see(received, outsider):
    assert client_for(outsider).get(f"/stations/messages/{received.pk}/").status_code == 404
    html = client_for(outsider).get("/stations/messages/").content.decode()
    assert received.code not in html


def test_staff_list_and_actions_through_pages(received, staff, unit_org):
    c = client_for(staff)
    assert received.code in c.get("/stations/messages/").content.decode()
    c.post(f"/stations/messages/{received.pk}/act/accept/")
    c.post(f"/stations/messages/{received.pk}/act/transfer_unit/", {"unit": unit_org.pk})
    assert Message.objects.get(pk=received.pk).status == MessageStatus.TRANSFERRED
    r = c.post(f"/stations/messages/{received.pk}/act/transfer_unit/", {"unit": unit_org.pk},
               follow=True)
    assert "不能变为" in r.content.decode()


def test_export_masks_phone_for_leader_not_for_staff(transferred, staff, leader):
    def phones(user):
        r = client_for(user).get("/stations/messages/export.xlsx")
        ws = load_workbook(io.BytesIO(r.content)).active
        rows = list(ws.iter_rows(values_only=True))
        return [row[6] for row in rows[1:]]
    assert phones(staff) == [PHONE]
    assert phones(leader) == [MASKED]


# --- API -------------------------------------------------------------------------------------------


def _api_payload(**overrides):
    c = Client()
    ch = c.get("/api/v1/stations/public/challenge").json()
    token, answer = solve((ch["question"], ch["token"]))
    body = {"content": "公交站台没有遮雨棚，下雨天等车很难受。", "category": "traffic",
            "phone": PHONE, "challenge_token": token, "challenge_answer": answer}
    body.update(overrides)
    return body


def test_api_submit_track_and_429(station):
    c = Client(REMOTE_ADDR="10.8.8.8")
    url = f"/api/v1/stations/public/stations/{station.pk}/messages"
    codes = []
    for i in range(5):
        r = c.post(url, json.dumps(_api_payload(phone=f"1350000000{i}")),
                   content_type="application/json")
        assert r.status_code == 201, r.content
        codes.append(r.json()["code"])
    r = c.post(url, json.dumps(_api_payload(phone="13500000009")), content_type="application/json")
    assert r.status_code == 429 and "太频繁" in r.json()["detail"]
    assert Message.objects.count() == 5
    t = c.get(f"/api/v1/stations/public/messages/{codes[0]}").json()
    assert t["status"] == "received" and "phone" not in t and "name" not in t


def test_citizens_behind_the_proxy_each_have_their_own_limit(station):
    """Six citizens leave a message through the reverse proxy on this machine: all six are
    saved (counted as one address, the sixth would be refused); one citizen's sixth is."""
    url = f"/api/v1/stations/public/stations/{station.pk}/messages"

    def post(citizen: str, phone: str):
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=citizen).post(
            url, json.dumps(_api_payload(phone=phone)), content_type="application/json")

    for i in range(6):
        r = post(f"203.0.113.{i + 1}", f"1390000000{i}")
        assert r.status_code == 201, r.content
    for i in range(4):
        assert post("203.0.113.1", f"1391000000{i}").status_code == 201
    assert post("203.0.113.1", "13920000000").status_code == 429
    assert Message.objects.count() == 10
    assert Message.objects.filter(ip_hash=antiabuse.digest("ip", "203.0.113.1")).count() == 5


def test_api_refuses_a_closed_station_even_when_it_was_open_before(station):
    c = Client(REMOTE_ADDR="10.8.8.7")
    url = f"/api/v1/stations/public/stations/{station.pk}/messages"
    ok = c.post(url, json.dumps(_api_payload(phone="13500000001")), content_type="application/json")
    assert ok.status_code == 201, ok.content  # the open station is now in the process's memory
    # Closed by a bulk update elsewhere (another worker, a script): no save() clears the memory.
    Station.objects.filter(pk=station.pk).update(is_active=False)
    r = c.post(url, json.dumps(_api_payload(phone="13500000002")), content_type="application/json")
    assert r.status_code == 404 and "停用" in r.json()["detail"]
    assert Message.objects.count() == 1
    r = c.post("/api/v1/stations/public/stations/999999/messages",
               json.dumps(_api_payload(phone="13500000003")), content_type="application/json")
    assert r.status_code == 404
    assert Message.objects.count() == 1


def test_api_bad_input_400(station):
    url = f"/api/v1/stations/public/stations/{station.pk}/messages"
    r = Client().post(url, json.dumps(_api_payload(content="")), content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "content"
    r = Client().post(url, "{bad", content_type="application/json")
    assert r.status_code in (400, 422)
    assert not Message.objects.exists()


def test_api_masks_phone_by_role(transferred, staff, leader, unit_user):
    def phone(user):
        return client_for(user).get(f"/api/v1/stations/messages/{transferred.pk}").json()["phone"]
    assert phone(staff) == PHONE
    assert phone(unit_user) == PHONE
    assert phone(leader) == MASKED
    items = client_for(leader).get("/api/v1/stations/messages").json()["items"]
    assert [i["phone"] for i in items] == [MASKED]


def test_api_handling_and_refusals(received, staff, unit_user, unit_org, leader):
    s = client_for(staff)
    base = f"/api/v1/stations/messages/{received.pk}"
    assert client_for(leader).post(f"{base}/accept").status_code == 400
    assert s.post(f"{base}/accept").json()["status"] == "accepted"
    assert s.post(f"{base}/transfer", json.dumps({}), content_type="application/json").status_code == 400
    r = s.post(f"{base}/transfer", json.dumps({"unit_id": unit_org.pk}),
               content_type="application/json")
    assert r.json()["status"] == "transferred"
    r = client_for(unit_user).post(f"{base}/answer", json.dumps(
        {"answer": "已经协调公交公司增设遮雨棚，预计月底完工。"}), content_type="application/json")
    assert r.json()["status"] == "answered"
    code = received.code
    r = Client().post(f"/api/v1/stations/public/messages/{code}/rating",
                      json.dumps({"rating": "unsatisfied", "comment": "太慢"}),
                      content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "closed"
