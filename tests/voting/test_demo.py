"""The demo has this year's round voted and under way, and next year's open for `deputy`."""

from __future__ import annotations

import random

from django.utils import timezone

from renda.core import audit
from renda.core.models import Congress, User
from renda.demo.build import load_demo
from renda.demo.voting import load_voting
from renda.voting import actions, queries
from renda.voting.models import Ballot, Receipt, Round, RoundStatus


def test_demo_voting(db):
    assert load_demo(suggestions=False, stations=False, archive=False, assist=False, voting=False)
    city = Congress.objects.get(name="示例市人民代表大会")
    assert not Round.objects.exists()
    load_voting(city, random.Random(1))
    year = timezone.localdate().year
    done = Round.objects.get(year=year)
    assert done.status == RoundStatus.IMPLEMENTING and done.quorum_met
    assert done.candidates.filter(elected=True).count() == 10
    assert done.candidates.filter(elected=True, milestones__progress__gt=0).exists()
    assert actions.recount(done).matches
    assert Ballot.objects.filter(round=done).count() == Receipt.objects.filter(round=done).count()
    upcoming = Round.objects.get(year=year + 1)
    assert upcoming.status == RoundStatus.VOTING
    deputy = User.objects.get(username="deputy")
    mine = queries.open_for_deputy(deputy)
    assert [(m["round"].pk, m["voted"]) for m in mine] == [(upcoming.pk, False)]
    assert audit.verify().ok
