"""Anti-abuse for the public message form, without third-party services.

- a honeypot field (``website``) that people never see and robots fill in;
- a small arithmetic challenge, signed so that the server keeps no state;
- limits by IP and by phone number that hold across processes and machines: they are
  counted in the database (the ``Message`` rows of the window, by salted hash of the IP
  and of the phone), not in a per-process cache. On PostgreSQL the check and the insert
  are serialised per IP with a transaction-level advisory lock, so two parallel requests
  cannot both slip under the limit.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from renda.core.errors import DomainError

CHALLENGE_SALT = "renda.stations.challenge"
CHALLENGE_MAX_AGE = 2 * 3600
IP_WINDOW = timedelta(minutes=10)
PHONE_WINDOW = timedelta(days=1)


class RateLimited(DomainError):
    """Too many messages from one IP or phone number (HTTP 429)."""


def ip_limit() -> int:
    return getattr(settings, "RENDA_STATIONS_IP_LIMIT", 5)


def phone_limit() -> int:
    return getattr(settings, "RENDA_STATIONS_PHONE_LIMIT", 5)


@functools.lru_cache(maxsize=4)
def _keyed(key: str) -> hmac.HMAC:
    return hmac.new(key.encode(), digestmod=hashlib.sha256)


def digest(kind: str, value: str, key: str | None = None) -> str:
    """The salted hash of an address, a phone number or a challenge's answer (HMAC-SHA256
    with the secret key, copied from one keyed per process)."""
    if not value:
        return ""
    h = _keyed(key or settings.SECRET_KEY).copy()
    h.update(f"{kind}:{value}".encode())
    return h.hexdigest()[:32]


@functools.lru_cache(maxsize=4)
def _signer(key: str, fallback_keys: tuple[str, ...]) -> signing.TimestampSigner:
    return signing.TimestampSigner(key=key, fallback_keys=list(fallback_keys),
                                   salt=CHALLENGE_SALT)


def _challenge_signer() -> signing.TimestampSigner:
    """Django's signer, one per process and key (it holds no state of a signature)."""
    return _signer(settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))


def make_challenge() -> tuple[str, str]:
    """A question like "7 加 5 等于几？" and a signed token holding its answer."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = _challenge_signer().sign_object(
        {"h": digest("challenge", str(a + b)), "n": secrets.token_hex(4)})
    return f"{a} 加 {b} 等于几？", token


def check_challenge(token: str, answer: str) -> None:
    try:
        data = _challenge_signer().unsign_object(token or "", max_age=CHALLENGE_MAX_AGE)
    except signing.SignatureExpired:
        raise DomainError("验证题已过期，请重新作答。", field="challenge") from None
    except signing.BadSignature:
        raise DomainError("验证题无效，请刷新页面后重试。", field="challenge") from None
    given, h = (answer or "").strip(), data.get("h", "")
    # a token issued before the key changed holds the answer hashed with the old key
    if not given.isdigit() or not any(
            hmac.compare_digest(h, digest("challenge", str(int(given)), key))
            for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)):
        raise DomainError("验证题答案不正确，请重新计算。", field="challenge")


_LOCK_NS = 0x6D736721  # the address locks' namespace (any constant; "msg!" in ASCII)


def address_lock_key(ip_hash: str) -> tuple[int, int]:
    """The two keys of the address's transaction-level advisory lock, which
    ``renda_message_admit`` (stations migrations 0004, 0005) takes before it counts the address's
    messages. Messages without an address share one lock."""
    return _LOCK_NS, int(ip_hash[:7], 16) if ip_hash else 0


def counts(ip_hash: str, phone_hash: str) -> tuple[int, int]:
    """Messages from the address in the last 10 minutes and from the phone in the last day."""
    from .models import Message

    now = timezone.now()
    by_ip = Message.objects.filter(ip_hash=ip_hash, created_at__gte=now - IP_WINDOW).count() \
        if ip_hash else 0
    by_phone = Message.objects.filter(phone_hash=phone_hash,
                                      created_at__gte=now - PHONE_WINDOW).count() \
        if phone_hash else 0
    return by_ip, by_phone


def refuse(by_ip: int, by_phone: int) -> None:
    """Raise ``RateLimited`` if either count has reached its limit."""
    if by_ip >= ip_limit():
        raise RateLimited(f"留言太频繁：同一网络10分钟内最多留言{ip_limit()}条，请稍后再试。"
                          "您已提交的留言都已保存。")
    if by_phone >= phone_limit():
        raise RateLimited(f"留言太频繁：同一手机号一天内最多留言{phone_limit()}条，请明天再试。"
                          "您已提交的留言都已保存。")


def check_limits(ip_hash: str, phone_hash: str) -> None:
    """Refuse the message when the address or the phone has used up its window. SQLite:
    runs in the transaction that inserts the message (SQLite has one writer at a time)."""
    refuse(*counts(ip_hash, phone_hash))
