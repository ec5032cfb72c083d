"""The round's rules: transitions, snapshot, casting, tally, refusals."""

from __future__ import annotations

import pytest

from renda.core.errors import DomainError
from renda.core.models import AuditEvent
from renda.voting import actions
from renda.voting.models import (
    Attendance,
    Ballot,
    Choice,
    Entitlement,
    Kind,
    Method,
    Receipt,
    Round,
    RoundStatus,
)

from .conftest import ballot, make_round


def test_round_moves_only_along_the_table(staff, city, voters):
    r = make_round(staff, city)
    with pytest.raises(DomainError, match="不能变为"):
        actions.move(staff, r, "announced")
    with pytest.raises(DomainError):
        actions.open_vote(staff, r)  # still collecting
    assert Round.objects.get(pk=r.pk).status == RoundStatus.COLLECTING


def test_deputy_and_other_congress_staff_cannot_manage(deputy_user, outsider, staff, city):
    with pytest.raises(DomainError, match="权限"):
        actions.create_round(deputy_user, city, year=2026, title="x", seats=10)
    r = make_round(staff, city)
    with pytest.raises(DomainError, match="权限"):
        actions.move(outsider, r, "screening")


def test_bad_input_is_refused_and_nothing_saved(staff, city):
    with pytest.raises(DomainError, match="应选项目数"):
        actions.create_round(staff, city, year=2026, title="票决", seats=0)
    with pytest.raises(DomainError, match="名称"):
        actions.create_round(staff, city, year=2026, title="  ", seats=10)
    assert not Round.objects.exists()


def test_fixing_fewer_candidates_than_seats_is_refused(staff, city):
    r = make_round(staff, city, n=9)
    actions.move(staff, r, "screening")
    with pytest.raises(DomainError, match="少于应选"):
        actions.fix_candidates(staff, r)


def test_fixing_warns_when_not_more_candidates_and_notes_low_ratio(staff, city):
    r = make_round(staff, city, n=10)
    actions.move(staff, r, "screening")
    assert "不是差额" in actions.fix_candidates(staff, r)[0]
    r2 = make_round(staff, city, n=11)
    actions.move(staff, r2, "screening")
    assert "低于 1.2" in actions.fix_candidates(staff, r2)[0]
    r3 = make_round(staff, city, n=12)
    actions.move(staff, r3, "screening")
    assert actions.fix_candidates(staff, r3) == []


def test_opening_snapshots_the_entitled_deputies(open_round, voters, other_deputy):
    ents = Entitlement.objects.filter(round=open_round, kind=Kind.VOTE)
    assert ents.count() == 5 == open_round.entitled_count
    assert not ents.filter(deputy=other_deputy).exists()


def test_cast_writes_one_receipt_and_one_ballot_and_refuses_a_second(open_round, voters):
    tracker = actions.cast(voters[0], open_round.pk, ballot(open_round))
    assert len(actions.normalise_tracker(tracker)) == 16
    assert Receipt.objects.filter(round=open_round).count() == 1
    b = Ballot.objects.get(round=open_round)
    assert b.tracker_hash == actions.hash_tracker(tracker) and tracker not in b.tracker_hash
    with pytest.raises(DomainError, match="已经投过票"):
        actions.cast(voters[0], open_round.pk, ballot(open_round))
    assert Ballot.objects.filter(round=open_round).count() == 1


def test_too_many_yes_or_missing_choices_are_refused(open_round, voters):
    with pytest.raises(DomainError, match="最多 10 个"):
        actions.cast(voters[0], open_round.pk, ballot(open_round, yes=11))
    partial = ballot(open_round)
    partial.pop(next(iter(partial)))
    with pytest.raises(DomainError, match="没有选择"):
        actions.cast(voters[0], open_round.pk, partial)
    bad = ballot(open_round)
    bad[next(iter(bad))] = "maybe"
    with pytest.raises(DomainError, match="只能选择"):
        actions.cast(voters[0], open_round.pk, bad)
    with pytest.raises(DomainError, match="不属于"):
        actions.cast(voters[0], open_round.pk, {**ballot(open_round), "999999": "yes"})
    assert not Receipt.objects.exists() and not Ballot.objects.exists()


def test_non_deputy_outsider_and_absent_cannot_vote(open_round, voters, staff, other_deputy_user):
    with pytest.raises(DomainError, match="代表本人"):
        actions.cast(staff, open_round.pk, ballot(open_round))
    with pytest.raises(DomainError):
        actions.cast(other_deputy_user, open_round.pk, ballot(open_round))
    actions.set_attendance(staff, open_round, voters[1].deputy.pk, Attendance.LEAVE)
    with pytest.raises(DomainError, match="请假"):
        actions.cast(voters[1], open_round.pk, ballot(open_round))
    assert not Receipt.objects.exists()


def test_cannot_vote_before_opening_or_after_closing(fixed_round, voters, staff):
    with pytest.raises(DomainError, match="不在投票中"):
        actions.cast(voters[0], fixed_round.pk, ballot(fixed_round))
    actions.open_vote(staff, fixed_round)
    for u in voters[:3]:
        actions.cast(u, fixed_round.pk, ballot(fixed_round))
    actions.close_vote(staff, fixed_round)
    with pytest.raises(DomainError, match="不在投票中"):
        actions.cast(voters[4], fixed_round.pk, ballot(fixed_round))


def test_tally_elects_top_seats_over_half_and_reports_ties(staff, city, voters):
    r = make_round(staff, city, n=4, seats=2)
    actions.move(staff, r, "screening")
    actions.fix_candidates(staff, r)
    actions.open_vote(staff, r)
    a, b, c, d = r.candidates.values_list("id", flat=True)
    # a: 4 yes; b: 3 yes; c: 3 yes; d: none → b and c tie for the second seat.
    plans = [[a, b], [a, c], [a, b], [a, c], [b, c]]
    for u, yes in zip(voters, plans, strict=True):
        actions.cast(u, r.pk, {str(x): Choice.YES if x in yes else Choice.ABSTAIN
                               for x in (a, b, c, d)})
    t = actions.close_vote(staff, r)
    assert t.quorum_met and t.valid == 5 and t.voted == 5
    assert t.elected == [a] and sorted(t.tied) == sorted([b, c]) and "另行投票" in t.note
    r.refresh_from_db()
    assert r.status == RoundStatus.TALLIED and r.candidates.get(pk=a).yes == 4
    assert actions.recount(r).matches


def test_no_quorum_elects_nobody(open_round, voters, staff):
    actions.cast(voters[0], open_round.pk, ballot(open_round))
    actions.cast(voters[1], open_round.pk, ballot(open_round))
    t = actions.close_vote(staff, open_round)
    assert not t.quorum_met and t.elected == [] and "未超过" in t.note


def test_recount_notices_a_changed_ballot(open_round, voters, staff):
    for u in voters:
        actions.cast(u, open_round.pk, ballot(open_round))
    actions.close_vote(staff, open_round)
    b = Ballot.objects.filter(round=open_round).first()
    first = next(iter(b.choices))
    Ballot.objects.filter(pk=b.pk).update(choices={**b.choices, first: Choice.NO})
    result = actions.recount(Round.objects.get(pk=open_round.pk))
    assert not result.matches and any("赞成" in d for d in result.differences)


def test_every_transition_is_audited(open_round, voters, staff):
    actions.cast(voters[0], open_round.pk, ballot(open_round))
    actions.close_vote(staff, open_round)
    kinds = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"voting.created", "voting.screening", "voting.candidates_fixed", "voting.voting",
            "voting.tallied"} <= kinds
    assert "voting.ballot_cast" not in kinds
    tallied = AuditEvent.objects.get(action="voting.tallied")
    assert tallied.summary["voted"] == tallied.summary["ballots"] == 1


def test_paper_counts_accepted_only_when_two_tellers_agree(staff, city, voters):
    from renda.core.models import Role
    from tests.conftest import make_user

    teller2 = make_user("teller2", city, Role.STAFF)
    r = make_round(staff, city, n=3, seats=2, method=Method.PAPER)
    actions.move(staff, r, "screening")
    actions.fix_candidates(staff, r)
    actions.open_vote(staff, r)
    ids = list(r.candidates.values_list("id", flat=True))
    counts = {"total": 5, "valid": 5, "invalid": 0, "candidates": {
        str(ids[0]): {"yes": 5, "no": 0, "abstain": 0},
        str(ids[1]): {"yes": 4, "no": 1, "abstain": 0},
        str(ids[2]): {"yes": 1, "no": 2, "abstain": 2}}}
    with pytest.raises(DomainError, match="纸质"):
        actions.cast(voters[0], r.pk, {str(i): "yes" for i in ids[:2]} | {str(ids[2]): "no"})
    with pytest.raises(DomainError, match="之和"):
        actions.enter_paper(staff, r, {**counts, "invalid": 1})
    assert actions.enter_paper(staff, r, counts) == "waiting"
    with pytest.raises(DomainError, match="两名计票人"):
        actions.close_vote(staff, r)
    wrong = {**counts, "candidates": {**counts["candidates"],
                                      str(ids[2]): {"yes": 1, "no": 3, "abstain": 1}}}
    assert actions.enter_paper(teller2, r, wrong) == "differs"
    with pytest.raises(DomainError, match="不一致"):
        actions.close_vote(staff, r)
    assert actions.enter_paper(teller2, r, counts) == "agreed"
    t = actions.close_vote(staff, r)
    assert sorted(t.elected) == sorted(ids[:2])
    assert actions.recount(Round.objects.get(pk=r.pk)).matches


def test_rating_is_secret_and_rated_by_thresholds(open_round, voters, staff):
    for u in voters:
        actions.cast(u, open_round.pk, ballot(open_round))
    actions.close_vote(staff, open_round)
    for target in ("announced", "implementing"):
        actions.move(staff, open_round, target)
    actions.open_rating(staff, open_round)
    elected = list(open_round.candidates.filter(elected=True).values_list("id", flat=True))
    assert len(elected) == 10
    plans = ["satisfied", "satisfied", "satisfied", "basic", "unsatisfied"]
    for u, v in zip(voters, plans, strict=True):
        actions.cast(u, open_round.pk, {str(c): v for c in elected}, kind=Kind.RATING)
    with pytest.raises(DomainError, match="已经投过票"):
        actions.cast(voters[0], open_round.pk, {str(c): "basic" for c in elected},
                     kind=Kind.RATING)
    actions.close_rating(staff, open_round)
    c = open_round.candidates.get(pk=elected[0])
    assert (c.rated_satisfied, c.rated_basic, c.rated_unsatisfied, c.rating) == (3, 1, 1,
                                                                                 "satisfied")


def test_the_archive_records_who_took_part_at_closing_never_the_choice(open_round, voters, staff):
    from renda.archive.models import DutyRecord, RecordKind

    for u in voters[:3]:
        actions.cast(u, open_round.pk, ballot(open_round))
    assert not DutyRecord.objects.exists()  # nothing while the box is open: no casting order
    actions.close_vote(staff, open_round)
    records = DutyRecord.objects.filter(kind=RecordKind.VOTING, voided_at__isnull=True)
    voted = set(Receipt.objects.filter(round=open_round).values_list("deputy_id", flat=True))
    assert set(records.values_list("deputy_id", flat=True)) == voted and records.count() == 3
    ballot_ids = {str(pk) for pk in Ballot.objects.values_list("pk", flat=True)}
    for r in records:
        assert not any(b in f"{r.source_key}{r.title}{r.detail}" for b in ballot_ids)
        assert "赞成" not in r.title and "反对" not in r.title
    # recounting or repeating the capture makes no second record
    actions._capture_participation(Round.objects.get(pk=open_round.pk), Kind.VOTE, staff)
    assert DutyRecord.objects.filter(kind=RecordKind.VOTING).count() == 3
