"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from .models import AuditEvent, AuditHead

GENESIS = "0" * 64


def client_ip(request: Any) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    actor: Any = None,
    congress: Any = None,
    obj: Any = None,
    summary: dict[str, Any] | None = None,
    request: Any = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one audit event; runs inside the caller's transaction when there is one.

    The head row is locked first so concurrent appends are serialised and every event
    chains onto exactly one predecessor.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            actor=actor,
            actor_label=(actor.username if actor else "系统"),
            congress_id=getattr(congress, "pk", congress),
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary or {},
            ip=client_ip(request),
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.count += 1
        head.last_id = event.pk
        head.last_hash = event.hash
        head.save()
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str = ""


def verify(batch_size: int = 2000) -> VerifyResult:
    """Walk the chain in order and report the first row that does not fit."""
    prev = GENESIS
    checked = 0
    last_id = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            return VerifyResult(False, checked, event.pk,
                                "上一条记录缺失或被改动（前序哈希不符）")
        if event.compute_hash() != event.hash:
            return VerifyResult(False, checked, event.pk, "本条记录内容被改动（哈希不符）")
        prev = event.hash
        last_id = event.pk
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.count != checked or head.last_hash != prev):
        return VerifyResult(False, checked, head.last_id or None,
                            f"链尾记录缺失：应有 {head.count} 条，实有 {checked} 条"
                            f"（最后一条应为 #{head.last_id}，实为 #{last_id or '无'}）")
    return VerifyResult(True, checked)
