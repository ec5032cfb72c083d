"""The round's life as data (DESIGN §5.3): which state may follow which.

Only staff with ``voting.manage`` move a round; the moves that open and close a vote go
through their own actions (snapshot at opening, tally at closing).
"""

from __future__ import annotations

from renda.core.errors import IllegalTransition

from .models import RoundStatus

S = RoundStatus

TRANSITIONS: dict[str, set[str]] = {
    S.COLLECTING: {S.SCREENING},
    S.SCREENING: {S.CANDIDATES_FIXED, S.COLLECTING},
    S.CANDIDATES_FIXED: {S.VOTING, S.SCREENING},
    S.VOTING: {S.TALLIED},
    S.TALLIED: {S.ANNOUNCED},
    S.ANNOUNCED: {S.IMPLEMENTING},
    S.IMPLEMENTING: {S.EVALUATING},
    S.EVALUATING: {S.CLOSED},
    S.CLOSED: set(),
}

# States in which candidates may still be added, changed or removed.
EDITABLE_CANDIDATES = {S.COLLECTING, S.SCREENING}
# States in which progress of the elected projects is reported.
IMPLEMENTATION_STATES = {S.ANNOUNCED, S.IMPLEMENTING, S.EVALUATING}


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, set()):
        raise IllegalTransition("该轮票决", RoundStatus(current).label, RoundStatus(target).label)
