"""`renda voting recount ROUND` says whether the stored tally matches the ballots."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from renda.voting import actions
from renda.voting.models import Ballot, Choice

from .conftest import ballot


def test_recount_matches_then_reports_a_tampered_ballot(open_round, voters, staff):
    for u in voters:
        actions.cast(u, open_round.pk, ballot(open_round))
    actions.close_vote(staff, open_round)
    out = io.StringIO()
    call_command("voting", "recount", str(open_round.pk), stdout=out)
    assert "与已存结果一致" in out.getvalue() and "有效 5" in out.getvalue()
    b = Ballot.objects.first()
    key = next(k for k, v in b.choices.items() if v == Choice.YES)
    Ballot.objects.filter(pk=b.pk).update(choices={**b.choices, key: Choice.NO})
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("voting", "recount", str(open_round.pk), stdout=out)
    assert exit_info.value.code == 1 and "不一致" in out.getvalue()


def test_recount_refuses_an_open_vote_and_a_missing_round(open_round):
    with pytest.raises(SystemExit) as exit_info:
        call_command("voting", "recount", str(open_round.pk), stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert exit_info.value.code == 2
    with pytest.raises(CommandError, match="没有编号"):
        call_command("voting", "recount", "999999")
