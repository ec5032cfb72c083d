"""Bad input gets a clear message and saves nothing; limits, the challenge, the honeypot."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from renda.core.errors import DomainError
from renda.stations import actions, antiabuse
from renda.stations.models import Message

from .conftest import message_data

pytestmark = pytest.mark.django_db


def png_bytes(size=(20, 20)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"content": ""}, "content", "请填写留言内容"),
    ({"content": "   "}, "content", "请填写留言内容"),
    ({"content": "好" * 2001}, "content", "最多2000个字"),
    ({"content": "你好<script>alert(1)</script>请处理"}, "content", "网页代码"),
    ({"phone": "12345"}, "phone", "11位数字"),
    ({"phone": "23812345678"}, "phone", "11位数字"),
    ({"category": "bogus"}, "category", "类别"),
    ({"website": "http://spam.example"}, "website", "提交失败"),
    ({"challenge_answer": "999"}, "challenge", "答案不正确"),
    ({"challenge_token": "forged"}, "challenge", "验证题无效"),
])
def test_bad_input_refused_and_nothing_saved(station, overrides, field, words):
    with pytest.raises(DomainError) as err:
        actions.submit_message(station=station, data=message_data(**overrides), ip="10.1.1.1")
    assert err.value.field == field
    assert words in err.value.message
    assert Message.objects.count() == 0


def test_non_image_photo_refused(station):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(DomainError, match="不是有效的图片"):
        actions.submit_message(station=station, data=message_data(photo=fake), ip="10.1.1.2")
    assert Message.objects.count() == 0


def test_oversized_photo_refused(station):
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (5 * 1024 * 1024),
                             content_type="image/png")
    with pytest.raises(DomainError, match="超过 5 MB"):
        actions.submit_message(station=station, data=message_data(photo=big), ip="10.1.1.3")
    assert Message.objects.count() == 0


def test_gif_refused(station):
    buf = io.BytesIO()
    Image.new("RGB", (5, 5)).save(buf, "GIF")
    gif = SimpleUploadedFile("a.gif", buf.getvalue(), content_type="image/gif")
    with pytest.raises(DomainError, match="JPG 或 PNG"):
        actions.submit_message(station=station, data=message_data(photo=gif), ip="10.1.1.4")


def test_real_photo_saved(station, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    ok = SimpleUploadedFile("ok.png", png_bytes(), content_type="image/png")
    m = actions.submit_message(station=station, data=message_data(photo=ok), ip="10.1.1.5")
    assert m.photo and m.photo.size > 0
    stored = Message.objects.get(pk=m.pk).photo  # the row names the stored file
    assert stored.name == m.photo.name and stored.name.startswith("stations/messages/")
    assert (tmp_path / stored.name).read_bytes() == png_bytes()


def test_sixth_message_from_one_ip_in_ten_minutes_refused(station):
    for i in range(5):
        actions.submit_message(station=station, data=message_data(phone=f"1391234000{i}"),
                               ip="10.2.2.2")
    with pytest.raises(antiabuse.RateLimited, match="太频繁"):
        actions.submit_message(station=station, data=message_data(phone="13912340009"),
                               ip="10.2.2.2")
    assert Message.objects.count() == 5
    # another IP is not affected
    actions.submit_message(station=station, data=message_data(phone="13912340008"), ip="10.2.2.3")


def test_ip_window_is_ten_minutes(station, time_machine_now=None):
    import time_machine
    from django.utils import timezone

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for i in range(5):
            actions.submit_message(station=station, data=message_data(phone=f"1371234000{i}"),
                                   ip="10.3.3.3")
    with time_machine.travel(start + timezone.timedelta(minutes=11), tick=False):
        actions.submit_message(station=station, data=message_data(phone="13712340009"),
                               ip="10.3.3.3")
    assert Message.objects.count() == 6


def test_phone_limit_across_ips(station):
    for i in range(5):
        actions.submit_message(station=station, data=message_data(), ip=f"10.4.4.{i}")
    with pytest.raises(antiabuse.RateLimited, match="同一手机号"):
        actions.submit_message(station=station, data=message_data(), ip="10.4.4.99")


@override_settings(RENDA_STATIONS_IP_LIMIT=100)
def test_limit_is_configurable(station):
    for i in range(7):
        actions.submit_message(station=station, data=message_data(phone=f"1361234000{i}"),
                               ip="10.5.5.5")
    assert Message.objects.count() == 7


def _code_drawn_twice(monkeypatch, taken: str) -> None:
    codes = iter([taken, "ZZZZZZZZZ2"])
    monkeypatch.setattr(actions, "new_code", lambda: next(codes))


@pytest.mark.parametrize("outside", [
    pytest.param(False, id="in-a-transaction"),
    pytest.param(True, id="on-its-own", marks=pytest.mark.django_db(transaction=True)),
])
def test_a_code_drawn_twice_is_drawn_again(station, monkeypatch, outside):
    """A tracking code that already exists makes the insert fail; the message is written
    with a new code and nothing of the failed attempt remains, whether the form runs in a
    caller's transaction (a savepoint) or on its own (PostgreSQL: its own transaction)."""
    first = actions.submit_message(station=station, data=message_data(phone="13700000001"),
                                   ip="10.6.6.6")
    _code_drawn_twice(monkeypatch, first.code)
    second = actions.submit_message(station=station, data=message_data(phone="13700000002"),
                                    ip="10.6.6.6")
    assert second.code == "ZZZZZZZZZ2" and second.pk != first.pk
    assert Message.objects.count() == 2
    assert Message.objects.get(pk=second.pk).transitions.get().to_status == "received"


def test_a_closed_station_takes_no_message_even_from_an_old_copy(station):
    copy = type(station).objects.get(pk=station.pk)
    type(station).objects.filter(pk=station.pk).update(is_active=False)
    with pytest.raises(DomainError, match="停用"):
        actions.submit_message(station=copy, data=message_data(), ip="10.7.7.7")
    assert not Message.objects.exists()


def test_challenge_tokens_expire_and_belong_to_this_site(settings):
    """A token is good for two hours, under the current key or one being retired, and not
    for another salt or another key."""
    import time_machine
    from django.core import signing

    question, token = antiabuse.make_challenge()
    a, rest = question.split(" 加 ")
    answer = str(int(a) + int(rest.split(" ")[0]))
    antiabuse.check_challenge(token, answer)
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
        with pytest.raises(DomainError, match="已过期"):
            antiabuse.check_challenge(token, answer)
    # tokens issued before a key change still pass while the old key is a fallback
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "y" * 50, [old_key]
    antiabuse.check_challenge(token, answer)
    with pytest.raises(DomainError, match="答案不正确"):
        antiabuse.check_challenge(token, "0")
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(DomainError, match="验证题无效"):
        antiabuse.check_challenge(token, answer)
    settings.SECRET_KEY = old_key
    # the compressed tokens of earlier versions, and only with this salt
    h = antiabuse.digest("challenge", answer)
    antiabuse.check_challenge(signing.dumps({"h": h}, salt=antiabuse.CHALLENGE_SALT,
                                            compress=True), answer)
    with pytest.raises(DomainError, match="验证题无效"):
        antiabuse.check_challenge(signing.dumps({"h": h}, salt="another.salt"), answer)


def test_tracking_codes_use_every_character_equally():
    """Codes are ten characters of the alphabet (no 0/O, 1/I/L), each equally likely: a
    byte taken modulo 31 without skipping the top 8 values would favour 8 characters by
    an eighth (a 6% tolerance is about 5 standard deviations for 200,000 characters)."""
    from collections import Counter

    codes = [actions.new_code() for _ in range(20_000)]
    assert all(len(c) == 10 and set(c) <= set(actions.CODE_ALPHABET) for c in codes)
    assert len(set(codes)) == len(codes)
    counts = Counter("".join(codes))
    expected = 200_000 / len(actions.CODE_ALPHABET)
    assert set(counts) == set(actions.CODE_ALPHABET)
    assert all(abs(n - expected) < 0.06 * expected for n in counts.values()), counts


def test_a_new_message_built_by_position_equals_one_built_by_keyword(station):
    values = {"congress_id": station.congress_id, "station_id": station.pk, "deputy_id": None,
              "code": "ABCDEFGHJK", "category": "urban", "content": "路灯不亮，请尽快修复。",
              "name": "张三", "phone": "13812345678", "photo": None, "ip_hash": "a" * 32,
              "phone_hash": "b" * 32, "audited": False, "accept_due": None}
    fast, slow = actions._new_message(**values), Message(**values)
    for f in Message._meta.concrete_fields:
        if f.name != "created_at":
            assert getattr(fast, f.attname) == getattr(slow, f.attname), f.name
    assert abs((fast.created_at - slow.created_at).total_seconds()) < 5
    assert fast._state.adding and fast.pk is None
    assert actions._new_message(**values).created_at >= fast.created_at  # not shared
    with pytest.raises(KeyError):
        actions._new_message(station=station)  # attribute names only
