"""Capturing duty records from the modules where the work happens — idempotent, keyed by source.

Every automatic record has a ``source_key`` naming the event that made it; the column is
unique, so capturing the same event twice makes one record, however many times or from how
many processes it is called. Withdrawing the source voids the record (it stays in the
archive, marked void, and no longer counts for points); capturing the same key again after
that restores it.

How the modules call it (inside their own transaction, after their own change):

    from renda.archive import capture
    from renda.archive.models import RecordKind

**Suggestions** (wired here, without touching the suggestion code): ``signals.py`` listens
to ``post_save`` of ``renda.suggestions.models.Transition``. ``to_status == "registered"``
records ``RecordKind.SUGGESTION`` for the lead deputy (key ``suggestion:<id>:lead:<deputy>``)
and ``RecordKind.COSIGN`` for each confirmed co-signer (``suggestion:<id>:co:<deputy>``);
``not_registered``, ``merged`` and ``withdrawn`` void every record of ``suggestion:<id>``.

**Stations** (联络站 — wired in ``stations.actions.check_in`` and ``transfer_to_suggestion``):

    # a reception (接待) took place with these deputies present:
    for deputy in reception.deputies.all():
        capture.record(deputy, RecordKind.RECEPTION, f"reception:{reception.pk}:{deputy.pk}",
                       reception.day, congress=station.congress_id,
                       title=f"在{station.name}接待群众{reception.visitors}人次",
                       source=f"reception:{reception.pk}")
    # the reception is cancelled or corrected to remove a deputy:
    capture.void_source(f"reception:{reception.pk}", reason="接待记录已撤销")
    capture.void(f"reception:{reception.pk}:{deputy.pk}", reason="…")

    # a citizen message turned into a deputy's suggestion (留言转建议):
    capture.record(deputy, RecordKind.CONTACT, f"message:{message.pk}", day,
                   congress=message.congress_id, title=f"群众留言转为建议：{message.subject}",
                   source=f"message:{message.pk}")

**Voting** (民生实事项目票决 — wired in ``voting.actions._capture_participation``, at closing,
from the receipts in deputy order). Only the *receipt* —
that the deputy took part — is recorded; never the ballot, its choices or its time order:

    capture.record(receipt.deputy, RecordKind.VOTING, f"vote:{round.pk}:{receipt.deputy_id}",
                   round.voting_day, congress=round.congress_id,
                   title=f"参加{round.year}年民生实事项目票决", source=f"vote:{round.pk}")

**Activities** (this app): attendance by QR check-in or marked by staff records the
activity's kind (``activity:<id>:<deputy>``); an excused absence voids it; an unexcused
absence from a congress meeting records ``RecordKind.ABSENCE`` (negative points).

``record`` and ``void`` write an audit event for every change they make and nothing for a
repeat.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import DomainError

from .models import DutyRecord, RecordKind, RecordStatus


def _id(obj: Any) -> int:
    return obj if isinstance(obj, int) else obj.pk


def record(deputy: Any, kind: str, source_key: str, day: date, *, congress: Any,
           title: str = "", detail: str = "", source: str = "",
           actor: Any = None) -> tuple[DutyRecord, bool]:
    """Make the record of ``source_key`` once. Returns ``(record, changed)``: ``changed`` is
    True when the record was made now or a voided one was restored, False for a repeat."""
    if kind not in RecordKind.values:
        raise DomainError(f"没有这种履职记录类别：{kind}。", field="kind")
    if not source_key:
        raise DomainError("自动记录必须有来源标识。", field="source_key")
    source = source or source_key.rsplit(":", 1)[0]
    values = {"congress_id": _id(congress), "deputy_id": _id(deputy), "kind": kind, "day": day,
              "year": day.year, "title": (title or RecordKind(kind).label)[:200],
              "detail": detail[:2000], "source": source[:60], "status": RecordStatus.CONFIRMED,
              "created_by": actor if getattr(actor, "is_authenticated", False) else None}
    with transaction.atomic():
        existing = DutyRecord.objects.select_for_update().filter(source_key=source_key).first()
        if existing is None:
            try:
                with transaction.atomic():
                    rec = DutyRecord.objects.create(source_key=source_key, **values)
            except IntegrityError:
                # Someone else made it at the same moment: theirs is the one record.
                return DutyRecord.objects.get(source_key=source_key), False
            audit.record("archive.record_captured", actor=actor, congress=rec.congress_id,
                         obj=rec, summary={"kind": kind, "key": source_key,
                                           "deputy": rec.deputy_id})
            return rec, True
        if existing.voided_at is None:
            return existing, False
        existing.voided_at = None
        existing.void_reason = ""
        existing.day, existing.year = day, day.year
        existing.save(update_fields=["voided_at", "void_reason", "day", "year", "updated_at"])
        audit.record("archive.record_restored", actor=actor, congress=existing.congress_id,
                     obj=existing, summary={"key": source_key})
        return existing, True


def record_many(items: list[dict[str, Any]], *, congress: Any, source: str,
                actor: Any = None) -> int:
    """Capture many records of one source at once (a meeting's attendance, a vote round's
    receipts): the same rules as ``record`` — one record per key, repeats make none, voided
    ones are restored — with one audit event for the batch. Each item has ``deputy``,
    ``kind``, ``source_key``, ``day`` and optionally ``title`` and ``detail``. Returns how
    many records were made or restored."""
    if not items:
        return 0
    for item in items:
        if item["kind"] not in RecordKind.values:
            raise DomainError(f"没有这种履职记录类别：{item['kind']}。", field="kind")
        if not item.get("source_key"):
            raise DomainError("自动记录必须有来源标识。", field="source_key")
    congress_id = _id(congress)
    keys = [i["source_key"] for i in items]
    with transaction.atomic():
        existing = {r.source_key: r for r in DutyRecord.objects.select_for_update().filter(
            source_key__in=keys)}
        restored = [r for r in existing.values() if r.voided_at is not None]
        for r in restored:
            r.voided_at, r.void_reason = None, ""
            r.save(update_fields=["voided_at", "void_reason", "updated_at"])
        actor_user = actor if getattr(actor, "is_authenticated", False) else None
        new = [DutyRecord(congress_id=congress_id, deputy_id=_id(i["deputy"]), kind=i["kind"],
                          day=i["day"], year=i["day"].year,
                          title=(i.get("title") or RecordKind(i["kind"]).label)[:200],
                          detail=i.get("detail", "")[:2000], source=source[:60],
                          source_key=i["source_key"], status=RecordStatus.CONFIRMED,
                          created_by=actor_user)
               for i in items if i["source_key"] not in existing]
        try:
            with transaction.atomic():
                DutyRecord.objects.bulk_create(new)
        except IntegrityError:
            # Someone captured some of them at the same moment: go one by one.
            made = 0
            for i in items:
                made += record(i["deputy"], i["kind"], i["source_key"], i["day"],
                               congress=congress_id, title=i.get("title", ""),
                               detail=i.get("detail", ""), source=source, actor=actor)[1]
            return made
        changed = len(new) + len(restored)
        if changed:
            audit.record("archive.records_captured", actor=actor, congress=congress_id,
                         object_type="archive.source", object_id=source[:40],
                         summary={"made": len(new), "restored": len(restored),
                                  "deputies": sorted(_id(i["deputy"]) for i in items
                                                     if i["source_key"] not in existing
                                                     or existing[i["source_key"]] in restored)})
        return changed


def void(source_key: str, *, reason: str = "来源已撤销", actor: Any = None) -> int:
    """Void the record of ``source_key`` (if any and not void yet). Returns how many."""
    return _void(DutyRecord.objects.filter(source_key=source_key), reason, actor)


def void_source(source: str, *, reason: str = "来源已撤销", actor: Any = None) -> int:
    """Void every record captured from ``source`` (e.g. all deputies of one suggestion)."""
    return _void(DutyRecord.objects.filter(source=source, source_key__isnull=False), reason,
                 actor)


def _void(qs: Any, reason: str, actor: Any) -> int:
    n = 0
    with transaction.atomic():
        for rec in qs.select_for_update().filter(voided_at__isnull=True):
            rec.voided_at = timezone.now()
            rec.void_reason = reason[:200]
            rec.save(update_fields=["voided_at", "void_reason", "updated_at"])
            audit.record("archive.record_voided", actor=actor, congress=rec.congress_id, obj=rec,
                         summary={"key": rec.source_key, "reason": reason})
            n += 1
    return n
