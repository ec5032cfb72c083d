"""What other apps call: ``route``, ``similar_suggestions``, ``draft_hints``,
``hot_topics`` (re-exported), and the plain ``similar`` for citizen messages.

Nothing here writes anything; routing is a proposal a person confirms.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from renda.core.models import Congress, Organization

from .hints import Hint, writing_hints
from .models import DictWord, KeywordRule, RoutingModel, RoutingTarget
from .routing import IncompatibleModel, compose, load
from .similar import Match, SimilarIndex, similar
from .text import congress_words
from .topics import Topic, hot_topics

__all__ = ["Hint", "Match", "Proposal", "RouteResult", "Topic", "active_model", "draft_hints",
           "hot_topics", "route", "similar", "similar_suggestions", "suggestion_hot_topics"]


@dataclass(frozen=True)
class Proposal:
    label: str          # the unit id (as text) or the category name
    name: str           # what a person reads
    confidence: float   # 0..1
    unit_id: int | None = None

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass
class RouteResult:
    proposals: list[Proposal] = field(default_factory=list)
    source: str = "none"  # "model" | "rules" | "none"
    model: RoutingModel | None = None
    warning: str = ""

    @property
    def first(self) -> Proposal | None:
        return self.proposals[0] if self.proposals else None


def _cid(congress: Congress | int) -> int:
    return congress if isinstance(congress, int) else congress.pk


def active_model(congress: Congress | int, target: str = RoutingTarget.UNIT) -> RoutingModel | None:
    return (RoutingModel.objects.filter(congress_id=_cid(congress), target=target, is_active=True)
            .defer("blob").order_by("-version").first())


def route_by_rules(congress: Congress | int, text: str, k: int = 3) -> list[Proposal]:
    """Cold start: each keyword of a unit found in the text counts once (twice in the
    subject line, which is the first line); confidence is the unit's share of the hits."""
    first_line = (text or "").split("\n", 1)[0]
    scores: list[tuple[float, KeywordRule]] = []
    for rule in KeywordRule.objects.filter(congress_id=_cid(congress),
                                           unit__is_active=True).select_related("unit"):
        score = sum((1 + (w in first_line)) for w in rule.words if w in text)
        if score:
            scores.append((score, rule))
    total = sum(s for s, _ in scores)
    scores.sort(key=lambda x: (-x[0], x[1].unit.name))
    return [Proposal(str(r.unit_id), r.unit.name, s / total, r.unit_id) for s, r in scores[:k]]


def route(congress: Congress | int, text: str, k: int = 3, *, subject: str = "",
          target: str = RoutingTarget.UNIT) -> RouteResult:
    """The top ``k`` handling units (or categories) for a text, with confidences.

    Uses the congress's active trained model; without one — or when the saved model is
    incompatible with the installed libraries (``warning`` says so) — the keyword rules.
    For a citizen's message: ``route(congress, text, target=RoutingTarget.MESSAGE_UNIT)``;
    without a model trained on messages, the suggestion model (or the rules) answers.
    """
    full = compose(subject, text) if subject else text
    result = RouteResult()
    model = active_model(congress, target)
    if model is not None:
        try:
            router = load(model)
        except IncompatibleModel as err:
            result.warning = err.message
        else:
            names = model.labels or {}
            live = None
            units = target in (RoutingTarget.UNIT, RoutingTarget.MESSAGE_UNIT)
            if units:
                live = set(Organization.objects.units().filter(congress_id=_cid(congress))
                           .values_list("id", flat=True))
            proposals = []
            for label, p in router.top(full, k=k + 3):
                unit_id = int(label) if units and label.isdigit() else None
                if live is not None and unit_id not in live:
                    continue  # a unit merged away or deactivated since training
                proposals.append(Proposal(label, names.get(label, label), p, unit_id))
            result.proposals = proposals[:k]
            result.source = "model"
            result.model = model
            return result
    if target == RoutingTarget.MESSAGE_UNIT:
        fallback = route(congress, text, k, subject=subject)
        fallback.warning = fallback.warning or result.warning
        return fallback
    if target == RoutingTarget.UNIT:
        result.proposals = route_by_rules(congress, (subject + "\n" + text) if subject else text, k)
        result.source = "rules" if result.proposals else "none"
    return result


def place_words(congress: Congress | int) -> list[str]:
    return list(DictWord.objects.filter(congress_id=_cid(congress)).values_list("word", flat=True))


def draft_hints(congress: Congress | int, *, title: str = "", problem: str = "",
                analysis: str = "", measures: str = "") -> list[Hint]:
    return writing_hints(title, problem, analysis, measures, place_words=place_words(congress))


def _suggestion_text(s: Any) -> str:
    return f"{s.title}\n{s.problem}\n{s.analysis}\n{s.measures}"


def similar_suggestions(user: Any, congress: Congress | int, text: str, *,
                        term_id: int | None = None, exclude: int | None = None,
                        k: int = 5, min_score: float = 0.2, staff: bool = False) -> list[tuple[Any, float]]:
    """Suggestions of the same term most like ``text`` (并案 candidates), best first.

    Staff see every suggestion of the term past the draft stage; anyone else only what they
    may already see (their own, co-signed) in the term, and what is published with its
    reply in any term.
    """
    from renda.suggestions.models import Status, Suggestion

    qs = Suggestion.objects.filter(congress_id=_cid(congress)).exclude(status=Status.DRAFT)
    this_term = Q(term_id=term_id) if term_id else Q()
    if staff:
        qs = qs.filter(this_term)
    else:  # their own of this term, and published replies of any term
        qs = qs.filter((Q(pk__in=Suggestion.objects.visible_to(user).values("pk")) & this_term)
                       | Q(published_at__isnull=False))
    if exclude:
        qs = qs.exclude(pk=exclude)
    rows = list(qs.only("id", "title", "problem", "analysis", "measures", "number", "status",
                        "published_at", "lead_deputy_id").order_by("-id")[:5000])
    by_id = {s.pk: s for s in rows}
    matches = SimilarIndex((s.pk, _suggestion_text(s)) for s in rows).query(
        text, k=k, min_score=min_score)
    return [(by_id[m.key], m.score) for m in matches]


def suggestion_hot_topics(congress: Congress | int, since: Any = None, until: Any = None,
                          n_topics: int | None = None) -> list[tuple[Topic, list[Any]]]:
    """Topics of the suggestions registered in a period, with up to three examples each
    (for the figures pages)."""
    from renda.suggestions.models import Suggestion

    qs = Suggestion.objects.filter(congress_id=_cid(congress)).registered()
    if since:
        qs = qs.filter(registered_at__date__gte=since)
    if until:
        qs = qs.filter(registered_at__date__lte=until)
    rows = list(qs.only("id", "title", "problem", "number").order_by("id")[:5000])
    topics = hot_topics([f"{s.title}\n{s.problem}" for s in rows], n_topics=n_topics,
                        words=congress_words(_cid(congress)))
    return [(t, [rows[i] for i in t.members[:3]]) for t in topics]


def texts_hot_topics(texts: Iterable[str], words: Sequence[str] = ()) -> list[Topic]:
    return hot_topics(list(texts), words=words)


def home_cards(user: Any, role_set: set[str]) -> list[dict[str, Any]]:
    """The staff's home card: which routing model is in use."""
    from renda.core.perms import Perm, congresses_with

    ids = congresses_with(user, Perm.ASSIST_MANAGE)
    if not ids:
        return []
    model = (RoutingModel.objects.filter(congress_id__in=ids, is_active=True).defer("blob")
             .order_by("-created_at").first())
    return [{"title": "智能辅助", "value": f"v{model.version}" if model else "规则",
             "unit": f"分办模型（{model.n_train} 件训练）" if model else "尚无模型，按关键词规则推荐",
             "url": "assist:page", "action": "模型与规则"}]
