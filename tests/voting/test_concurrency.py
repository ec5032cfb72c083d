"""200 deputies vote at the same moment (PostgreSQL; SQLite serialises all writers)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from renda.core.errors import DomainError
from renda.core.models import Role, RoleAssignment, User
from renda.deputies.models import Deputy, Mandate
from renda.voting import actions
from renda.voting.models import Ballot, Choice, Receipt, Round
from tests.conftest import run_at_once

N = 200


def _deputies(city, n: int) -> list[User]:
    users = User.objects.bulk_create(
        [User(username=f"c{i}", congress=city, full_name=f"代表{i}") for i in range(n)])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, congress=city, role=Role.DEPUTY,
                                                       start_date=date(2022, 1, 1))
                                        for u in users])
    deps = Deputy.objects.bulk_create([Deputy(name=f"代表{i}", gender="M",
                                              phone=f"150{i:08d}", user=u)
                                       for i, u in enumerate(users)])
    Mandate.objects.bulk_create([Mandate(deputy=d, congress=city, term=city.current_term(),
                                         start_date=date(2022, 1, 10)) for d in deps])
    return users


@pytest.mark.django_db(transaction=True)
def test_200_deputies_vote_at_once(city, staff):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite allows one writer and threads share no real "
                    "concurrency; run with DATABASE_URL=postgres://…")
    from .conftest import make_round

    users = _deputies(city, N)
    r = make_round(staff, city)
    actions.move(staff, r, "screening")
    actions.fix_candidates(staff, r)
    actions.open_vote(staff, r)
    ids = list(r.candidates.values_list("id", flat=True))
    plans = {u.pk: {str(c): (Choice.YES if (u.pk + j) % 3 else Choice.NO)
                    for j, c in enumerate(ids)} for u in users}
    for plan in plans.values():  # keep each ballot within 10 赞成
        yes = [k for k, v in plan.items() if v == Choice.YES]
        for k in yes[10:]:
            plan[k] = Choice.ABSTAIN

    results = run_at_once(lambda u: actions.cast(u, r.pk, plans[u.pk]), users)
    assert all(isinstance(x, str) for x in results), [x for x in results if not isinstance(x, str)][:3]
    assert Receipt.objects.filter(round=r).count() == N
    assert Ballot.objects.filter(round=r).count() == N
    assert Receipt.objects.filter(round=r).values("deputy").distinct().count() == N

    # A second attempt by any of them, again all at once, is refused.
    again = run_at_once(lambda u: actions.cast(u, r.pk, plans[u.pk]), users[:50])
    assert all(isinstance(x, DomainError) and "已经投过票" in x.message for x in again)
    assert Ballot.objects.filter(round=r).count() == N

    actions.close_vote(staff, Round.objects.get(pk=r.pk))
    truth = {c: sum(1 for p in plans.values() if p[str(c)] == Choice.YES) for c in ids}
    got = dict(Round.objects.get(pk=r.pk).candidates.values_list("id", "yes"))
    assert got == truth
