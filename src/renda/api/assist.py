"""智能辅助 through the API, under /api/v1/assist: routing proposals, writing hints and
similar suggestions. Read-only: a routing proposal never assigns anything.

- 403 — the caller lacks the right in that congress (routing: staff who assign; hints and
  similar: deputies who write);
- 404 — another congress, or no such congress;
- 422 — the body could not be parsed.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from renda.assist import queries
from renda.core.models import Congress
from renda.core.perms import Perm, has_perm

from .schemas import Error

router = Router(tags=["assist"])
E = {403: Error, 404: Error, 422: Error}


class RouteIn(Schema):
    congress: int
    subject: str = Field("", max_length=200)
    text: str = Field(..., min_length=1, max_length=20000)


class ProposalOut(Schema):
    unit_id: int | None
    name: str
    confidence: float


class RouteOut(Schema):
    source: str = Field(..., description="model（按历史训练的模型）| rules（关键词规则）| none")
    model_version: int | None
    warning: str
    proposals: list[ProposalOut]


class DraftIn(Schema):
    congress: int
    title: str = Field("", max_length=100)
    problem: str = Field("", max_length=5000)
    analysis: str = Field("", max_length=5000)
    measures: str = Field("", max_length=5000)


class HintOut(Schema):
    code: str
    level: str
    message: str


class SimilarOut(Schema):
    id: int
    number: str
    title: str
    score: float


class DraftHelpOut(Schema):
    hints: list[HintOut]
    similar: list[SimilarOut]


def _congress(user: Any, congress_id: int, perm: Perm) -> Congress:
    congress = Congress.objects.filter(pk=congress_id).first()
    if congress is None or congress_id not in user.congress_ids():
        raise Http404("没有这个人大。")
    if not has_perm(user, perm, congress):
        from renda.core.errors import NotAllowed

        raise NotAllowed("您没有此项权限。")
    return congress


@router.post("/route", response={200: RouteOut, **E}, summary="推荐承办单位（前三名及置信度，仅供参考）")
def route(request: HttpRequest, payload: RouteIn) -> Any:
    congress = _congress(request.user, payload.congress, Perm.SUGGESTIONS_ASSIGN)
    result = queries.route(congress, payload.text, subject=payload.subject)
    return {"source": result.source, "warning": result.warning,
            "model_version": result.model.version if result.model else None,
            "proposals": [{"unit_id": p.unit_id, "name": p.name, "confidence": round(p.confidence, 4)}
                          for p in result.proposals]}


@router.post("/draft-help", response={200: DraftHelpOut, **E}, summary="写作提示与相似建议（代表）")
def draft_help(request: HttpRequest, payload: DraftIn) -> Any:
    congress = _congress(request.user, payload.congress, Perm.SUGGESTIONS_WRITE)
    hints = queries.draft_hints(congress, title=payload.title, problem=payload.problem,
                                analysis=payload.analysis, measures=payload.measures)
    text = "\n".join([payload.title, payload.problem, payload.analysis, payload.measures])
    found = []
    if len(text.strip()) >= 10:
        term = congress.current_term()
        found = queries.similar_suggestions(request.user, congress, text, term_id=term.pk if term else None,
                                            k=3, min_score=0.25)
    return {"hints": [h.__dict__ for h in hints],
            "similar": [{"id": s.pk, "number": s.number, "title": s.title, "score": score}
                        for s, score in found]}
