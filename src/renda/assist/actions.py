"""The only writers of the assist tables: training a routing model, editing keyword rules
and the user dictionary. Each checks the actor, runs in one transaction and is audited."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from renda.core import audit
from renda.core.errors import DomainError, NotAllowed
from renda.core.models import Congress, Organization
from renda.core.perms import Perm, has_perm

from .models import DictWord, KeywordRule, RetrainState, RoutingModel, RoutingTarget
from .routing import MIN_TRAIN, Router, compose, cross_validate, library_versions
from .text import congress_words, split_words


def _check(actor: Any, congress: Congress) -> None:
    if actor is not None and not has_perm(actor, Perm.ASSIST_MANAGE, congress):
        raise NotAllowed("您没有管理智能辅助的权限。")


def retrain_after() -> int:
    """New assignments after which a congress's model is retrained in the background."""
    return int(getattr(settings, "RENDA_ASSIST_RETRAIN_AFTER", 50))


MESSAGE_TRAIN_MAX = 20_000  # the most recent transfers: enough to learn, quick to train


def training_data(congress: Congress, target: str = RoutingTarget.UNIT) -> tuple[list[str], list[str], dict[str, str]]:
    """Texts and labels from the congress's own history: the unit each registered suggestion
    was handed to (主办 or 分办; a unit that handed it back does not count), its field, or
    the unit each citizen's message was transferred to (the most recent ones)."""
    from renda.suggestions.models import Assignment, AssignmentKind, AssignmentStatus, Suggestion

    texts: list[str] = []
    labels: list[str] = []
    names: dict[str, str] = {}
    if target == RoutingTarget.MESSAGE_UNIT:
        from renda.stations.models import Message, TransferKind

        for m in (Message.objects.filter(congress=congress, transfer_kind=TransferKind.UNIT,
                                         unit__isnull=False)
                  .select_related("unit").only("content", "unit_id", "unit__name")
                  .order_by("-id")[:MESSAGE_TRAIN_MAX]):
            texts.append(m.content)
            labels.append(str(m.unit_id))
            names[str(m.unit_id)] = m.unit.name
    elif target == RoutingTarget.UNIT:
        rows = (Assignment.objects.filter(suggestion__congress=congress,
                                          kind__in=[AssignmentKind.LEAD, AssignmentKind.SEPARATE])
                .exclude(status=AssignmentStatus.WITHDRAWN)
                .select_related("suggestion", "unit").order_by("id"))
        for a in rows:
            s = a.suggestion
            texts.append(compose(s.title, s.body_text))
            labels.append(str(a.unit_id))
            names[str(a.unit_id)] = a.unit.name
    else:
        for s in (Suggestion.objects.filter(congress=congress, category__isnull=False)
                  .registered().select_related("category").order_by("id")):
            texts.append(compose(s.title, s.body_text))
            labels.append(s.category.name)
            names[s.category.name] = s.category.name
    return texts, labels, names


def train(congress: Congress, *, actor: Any = None, target: str = RoutingTarget.UNIT,
          reason: str = "manual", request: Any = None, evaluate: bool = True) -> RoutingModel:
    """Train a new model version from the congress's past assignments, measure it by
    5-fold cross-validation, store it with its library versions and make it the active one.
    Refused when there are fewer than ``MIN_TRAIN`` past assignments or only one unit."""
    _check(actor, congress)
    texts, labels, names = training_data(congress, target)
    history = "转给单位的群众留言" if target == RoutingTarget.MESSAGE_UNIT else "历史交办"
    if len(texts) < MIN_TRAIN:
        raise DomainError(f"{history}只有 {len(texts)} 件，至少需要 {MIN_TRAIN} 件才能训练；"
                          "在此之前按关键词规则推荐。")
    if len(set(labels)) < 2:
        raise DomainError(f"{history}只涉及一个承办单位，无法训练分办模型。")
    words = congress_words(congress.pk)
    quality = cross_validate(texts, labels, words).as_dict() if evaluate else {}
    t0 = time.perf_counter()
    router = Router(words).fit(texts, labels)
    seconds = time.perf_counter() - t0
    blob = router.dumps()
    with transaction.atomic():
        Congress.objects.select_for_update().filter(pk=congress.pk).first()
        last = (RoutingModel.objects.filter(congress=congress, target=target)
                .aggregate(v=Max("version"))["v"]) or 0
        RoutingModel.objects.filter(congress=congress, target=target, is_active=True).update(
            is_active=False)
        model = RoutingModel.objects.create(
            congress=congress, target=target, version=last + 1, is_active=True,
            n_train=len(texts), n_labels=len(set(labels)), quality=quality,
            libraries=library_versions(), labels=names, train_seconds=round(seconds, 2),
            blob=blob, trained_by=actor if getattr(actor, "is_authenticated", False) else None,
            reason=reason)
        RetrainState.objects.update_or_create(congress=congress, defaults={
            "new_assignments": 0, "queued_at": None})
        audit.record("assist.train", actor=actor, congress=congress, obj=model, request=request,
                     summary={"version": model.version, "target": target, "n_train": len(texts),
                              "reason": reason, **quality})
    return model


def note_new_assignment(congress_id: int) -> bool:
    """Count one new assignment; when enough have come in since the last model, claim and
    queue one background retraining (a conditional update, so it is queued once)."""
    RetrainState.objects.get_or_create(congress_id=congress_id)
    RetrainState.objects.filter(congress_id=congress_id).update(
        new_assignments=F("new_assignments") + 1)
    claimed = RetrainState.objects.filter(
        congress_id=congress_id, queued_at__isnull=True,
        new_assignments__gte=retrain_after()).update(queued_at=timezone.now())
    if claimed:
        from .tasks import retrain

        transaction.on_commit(lambda: retrain.enqueue(congress_id))
    return bool(claimed)


def save_rules(actor: Any, congress: Congress, rules: dict[int, str], *, request: Any = None) -> int:
    """Replace the keyword rules of the given units; an empty text removes a unit's rule."""
    _check(actor, congress)
    units = {u.pk: u for u in Organization.objects.units().filter(congress=congress, pk__in=list(rules))}
    unknown = set(rules) - set(units)
    if unknown:
        raise DomainError("所选承办单位不属于本人大。", field="unit")
    changed = {}
    with transaction.atomic():
        for unit_id, value in rules.items():
            words = split_words(value)
            if any(len(w) > 20 for w in words):
                raise DomainError(f"关键词“{next(w for w in words if len(w) > 20)}”太长（每个不超过 20 字）。",
                                  field="keywords")
            text = " ".join(words)
            rule = KeywordRule.objects.filter(congress=congress, unit_id=unit_id).first()
            before = rule.keywords if rule else ""
            if before == text:
                continue
            if not text:
                if rule:
                    rule.delete()
            elif rule:
                rule.keywords, rule.updated_by = text, actor
                rule.save()
            else:
                KeywordRule.objects.create(congress=congress, unit_id=unit_id, keywords=text,
                                           updated_by=actor)
            changed[units[unit_id].name] = {"before": before, "after": text}
        if changed:
            audit.record("assist.rules", actor=actor, congress=congress, request=request,
                         object_type="assist.keywordrule", object_id=str(congress.pk),
                         summary={"changed": changed})
    return len(changed)


def add_words(actor: Any, congress: Congress, value: str, *, request: Any = None) -> list[str]:
    """Add local names to the user dictionary (2–20 characters each)."""
    _check(actor, congress)
    words = split_words(value)
    if not words:
        raise DomainError("请填写要加入词典的词，每行一个。", field="words")
    bad = [w for w in words if not 2 <= len(w) <= 20]
    if bad:
        raise DomainError(f"“{bad[0]}”长度不合适：每个词 2 到 20 个字。", field="words")
    with transaction.atomic():
        have = set(DictWord.objects.filter(congress=congress, word__in=words).values_list("word", flat=True))
        new = [w for w in words if w not in have]
        DictWord.objects.bulk_create([DictWord(congress=congress, word=w, added_by=actor) for w in new])
        if new:
            audit.record("assist.dict_add", actor=actor, congress=congress, request=request,
                         object_type="assist.dictword", object_id=str(congress.pk),
                         summary={"words": new})
    return new


def remove_word(actor: Any, congress: Congress, word_id: int, *, request: Any = None) -> None:
    _check(actor, congress)
    with transaction.atomic():
        word = DictWord.objects.select_for_update().filter(congress=congress, pk=word_id).first()
        if word is None:
            raise DomainError("词典里没有这个词。")
        audit.record("assist.dict_remove", actor=actor, congress=congress, request=request,
                     obj=word, summary={"word": word.word})
        word.delete()


def queue_retrain(actor: Any, congress: Congress, *, request: Any = None) -> bool:
    """Staff asked for a retraining: queue it unless one is already queued."""
    _check(actor, congress)
    from .routing import MIN_TRAIN as _min

    texts, _, _ = training_data(congress)
    if len(texts) < _min and len(training_data(congress, RoutingTarget.MESSAGE_UNIT)[0]) < _min:
        raise DomainError(f"历史交办只有 {len(texts)} 件，至少需要 {_min} 件才能训练。")
    RetrainState.objects.get_or_create(congress=congress)
    claimed = RetrainState.objects.filter(congress=congress, queued_at__isnull=True).update(
        queued_at=timezone.now())
    if not claimed:
        return False
    audit.record("assist.retrain_queued", actor=actor, congress=congress, request=request,
                 object_type="assist.routingmodel", object_id=str(congress.pk), summary={})
    from .tasks import retrain

    transaction.on_commit(lambda: retrain.enqueue(congress.pk, reason="manual"))
    return True
