"""Shapes of the 票决 API. No schema carries a ballot id, a tracker hash or a deputy
next to a ballot; the tracker appears once, in the response to the cast."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class CandidateOut(Schema):
    id: int
    title: str
    description: str
    budget: Decimal
    unit: str | None


class RoundOut(Schema):
    id: int
    congress_id: int
    year: int
    title: str
    seats: int
    method: str
    status: str
    status_label: str
    opened_at: datetime | None
    closed_at: datetime | None
    can_vote: bool = Field(description="本人现在可以投票（投票或测评进行中、在名单内、尚未投票）")
    has_voted: bool
    ballot_kind: str | None = Field(description="vote 或 rating；不在投票中为空")
    candidates: list[CandidateOut] = Field(description="本次选票上的项目（测评时为当选项目）")


class BallotIn(Schema):
    choices: dict[str, str] = Field(
        description="候选项目 id → yes/no/abstain（测评：satisfied/basic/unsatisfied）")


class CastOut(Schema):
    tracker: str = Field(description="选票核对码，只返回这一次，请提示代表保存")
    round_id: int


class ResultCandidate(Schema):
    id: int
    title: str
    unit: str | None
    yes: int
    no: int
    abstain: int
    elected: bool
    tied: bool
    rating: str | None


class ResultsOut(Schema):
    round_id: int
    status: str
    entitled: int
    voted: int
    ballots_total: int
    ballots_valid: int
    ballots_invalid: int
    quorum_met: bool
    tie_note: str
    candidates: list[ResultCandidate]


class TurnoutOut(Schema):
    entitled: int
    present: int
    voted: int


class TrackerIn(Schema):
    tracker: str = Field(..., min_length=1, max_length=40)


class TrackerOut(Schema):
    state: str = Field(description="counted 已计入 / received 已收到待计票 / missing 未找到")
    round_id: int | None
    round_title: str | None
