"""Points: caps, negative points, grades, rankings, and rules kept per year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renda.archive import actions, capture
from renda.archive.models import RecordKind, RuleSet, YearScore
from renda.archive.scoring import (
    competition_ranks,
    compute_year,
    deputy_breakdown,
    grade_for,
    kind_points,
    ruleset_for,
    score,
)
from renda.core.errors import DomainError
from tests.conftest import make_deputy

KINDS = st.sampled_from(RecordKind.values)
POINTS = st.decimals(min_value=-50, max_value=50, places=1, allow_nan=False,
                     allow_infinity=False)
CAPS = st.one_of(st.none(), st.decimals(min_value=0, max_value=200, places=1,
                                        allow_nan=False, allow_infinity=False))
RULES = st.dictionaries(KINDS, st.tuples(POINTS, CAPS), min_size=1)
COUNTS = st.dictionaries(KINDS, st.integers(min_value=0, max_value=500))


@given(st.integers(0, 1000), POINTS, CAPS)
def test_a_kind_never_passes_its_cap_either_way(n, points, cap):
    value = kind_points(n, points, cap)
    if cap is not None:
        assert -cap <= value <= cap
    else:
        assert value == points * n
    # The sign follows the rule: positive points never take away, negative never add.
    assert value * points >= 0


@given(COUNTS, RULES)
def test_score_is_the_sum_of_capped_kinds(counts, rules):
    total, parts = score(counts, rules)
    assert total == sum(parts.values(), Decimal(0))
    for kind, value in parts.items():
        assert counts[kind] > 0 and kind in rules
        points, cap = rules[kind]
        assert value == kind_points(counts[kind], points, cap)
    assert set(parts) == {k for k, n in counts.items() if n > 0 and k in rules}


@given(COUNTS, RULES, KINDS)
def test_one_more_record_never_lowers_a_positive_kind_or_raises_a_negative(counts, rules, kind):
    before, _ = score(counts, rules)
    after, _ = score({**counts, kind: counts.get(kind, 0) + 1}, rules)
    points = rules.get(kind, (Decimal(0), None))[0]
    if points >= 0:
        assert after >= before
    else:
        assert after <= before


def test_negative_points_are_capped_as_a_most_deducted():
    rules = {RecordKind.ABSENCE: (Decimal(-10), Decimal(25)),
             RecordKind.SUGGESTION: (Decimal(3), Decimal(15))}
    total, parts = score({RecordKind.ABSENCE: 4, RecordKind.SUGGESTION: 2}, rules)
    assert parts == {RecordKind.ABSENCE: Decimal(-25), RecordKind.SUGGESTION: Decimal(6)}
    assert total == Decimal(-19)


@given(st.decimals(min_value=-100, max_value=300, places=1, allow_nan=False,
                   allow_infinity=False))
def test_grade_bands_default_80_60(value):
    bands = [{"min": 80, "label": "好"}, {"min": 60, "label": "较好"}, {"min": None, "label": "差"}]
    expected = "好" if value >= 80 else "较好" if value >= 60 else "差"
    assert grade_for(value, bands) == expected


@given(st.lists(st.integers(-20, 100), max_size=40))
def test_competition_ranks(values):
    ranks = competition_ranks([(i, Decimal(v)) for i, v in enumerate(values)])
    for i, v in enumerate(values):
        assert ranks[i] == 1 + sum(1 for w in values if w > v)


def _records(deputy, city, kind, n, year):
    for i in range(n):
        capture.record(deputy, kind, f"test:{deputy.pk}:{kind}:{year}:{i}",
                       date(year, 3, 1 + i % 28), congress=city)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(points_next=POINTS, cap_next=CAPS)
def test_changing_next_years_rules_never_changes_a_past_year(city, deputy_user, staff,
                                                             points_next, cap_next):
    deputy = deputy_user.deputy
    if not YearScore.objects.filter(year=2025).exists():
        _records(deputy, city, RecordKind.SUGGESTION, 7, 2025)
        _records(deputy, city, RecordKind.SUGGESTION, 7, 2026)
        compute_year(city.pk, 2025)
    past = YearScore.objects.get(deputy=deputy, year=2025)
    assert past.score == Decimal(15)  # 7 × 3, capped at 15 (the defaults)
    rs = ruleset_for(city.pk, 2026)
    points = {r.kind: r.points for r in rs.rules.all()}
    caps = {r.kind: r.cap for r in rs.rules.all()}
    points[RecordKind.SUGGESTION] = points_next
    caps[RecordKind.SUGGESTION] = cap_next
    actions.save_rules(staff, city, 2026, points, caps, [(80, "好"), (60, "较好"), ("", "差")],
                       date(2026, 11, 30))
    compute_year(city.pk, 2025)
    compute_year(city.pk, 2026)
    assert YearScore.objects.get(deputy=deputy, year=2025).score == Decimal(15)
    assert deputy_breakdown(deputy.pk, city.pk, 2025).total == Decimal(15)
    assert YearScore.objects.get(deputy=deputy, year=2026).score == kind_points(
        7, points_next, cap_next)


def test_a_new_year_starts_from_a_copy_of_the_last_years_rules(city, staff):
    rs = ruleset_for(city.pk, 2025)
    points = {r.kind: r.points for r in rs.rules.all()}
    points[RecordKind.TRAINING] = Decimal("7.5")
    actions.save_rules(staff, city, 2025, points, {}, [(90, "优秀"), ("", "一般")],
                       date(2025, 11, 20))
    copy = ruleset_for(city.pk, 2026)
    assert copy.rules.get(kind=RecordKind.TRAINING).points == Decimal("7.5")
    assert copy.bands == [{"min": 90.0, "label": "优秀"}, {"min": None, "label": "一般"}]
    assert copy.summary_date == date(2026, 11, 30)
    # Editing the copy leaves the source year alone.
    points[RecordKind.TRAINING] = Decimal(1)
    actions.save_rules(staff, city, 2026, points, {}, [(90, "优秀"), ("", "一般")],
                       date(2026, 11, 30))
    assert RuleSet.objects.get(congress=city, year=2025).rules.get(
        kind=RecordKind.TRAINING).points == Decimal("7.5")


@pytest.mark.parametrize("points, caps, bands, summary, field", [
    ({"session": "abc"}, {}, [(80, "好"), ("", "差")], date(2026, 11, 30), "points_session"),
    ({"session": "1.25"}, {}, [(80, "好"), ("", "差")], date(2026, 11, 30), "points_session"),
    ({}, {"bill": "-3"}, [(80, "好"), ("", "差")], date(2026, 11, 30), "cap_bill"),
    ({}, {}, [(60, "较好"), (80, "好"), ("", "差")], date(2026, 11, 30), "bands"),
    ({}, {}, [], date(2026, 11, 30), "bands"),
    ({}, {}, [(80, "好"), ("", "差")], date(2025, 11, 30), "summary_date"),
])
def test_bad_rules_are_refused_and_nothing_changes(city, staff, points, caps, bands, summary,
                                                   field):
    rs = ruleset_for(city.pk, 2026)
    before = sorted(rs.rules.values_list("kind", "points", "cap"))
    full = {k: str(p) for k, p, _ in before}
    full.update(points)
    full_caps = {k: ("" if c is None else str(c)) for k, _, c in before}
    full_caps.update(caps)
    with pytest.raises(DomainError) as info:
        actions.save_rules(staff, city, 2026, full, full_caps, bands, summary)
    assert info.value.field == field
    assert sorted(rs.rules.values_list("kind", "points", "cap")) == before


def test_rules_are_staff_only(city, deputy_user, outsider):
    for user in (deputy_user, outsider):
        with pytest.raises(DomainError):
            actions.save_rules(user, city, 2026, {}, {}, [("", "差")], date(2026, 11, 30))


def test_compute_year_scores_grades_and_ranks(city, delegation, deputy_user, staff):
    a = deputy_user.deputy
    b = make_deputy(city, "李秀英", "13900000002", delegation)
    c = make_deputy(city, "张伟", "13900000003")  # no delegation, no records
    _records(a, city, RecordKind.SESSION, 2, 2026)       # 20
    _records(a, city, RecordKind.INSPECTION, 10, 2026)   # 30 → capped 12
    _records(a, city, RecordKind.TRAINING, 2, 2026)      # 8
    _records(a, city, RecordKind.RECEPTION, 5, 2026)     # 15
    _records(a, city, RecordKind.REPORT, 1, 2026)        # 5
    _records(a, city, RecordKind.BILL, 3, 2026)          # 15
    _records(a, city, RecordKind.SUGGESTION, 3, 2026)    # 9   → 84
    _records(b, city, RecordKind.SESSION, 2, 2026)       # 20
    _records(b, city, RecordKind.ABSENCE, 1, 2026)       # -10 → 10
    _records(b, city, RecordKind.SESSION, 1, 2025)       # another year: not counted
    result = compute_year(city.pk, 2026)
    assert (result.deputies, result.records) == (3, 29)
    s = {ys.deputy_id: ys for ys in YearScore.objects.filter(year=2026)}
    assert (s[a.pk].score, s[a.pk].grade, s[a.pk].rank) == (Decimal(84), "好", 1)
    assert (s[b.pk].score, s[b.pk].grade, s[b.pk].rank) == (Decimal(10), "差", 2)
    assert (s[c.pk].score, s[c.pk].rank, s[c.pk].delegation_rank) == (Decimal(0), 3, None)
    assert (s[a.pk].delegation_rank, s[b.pk].delegation_rank) == (1, 2)
    assert s[a.pk].breakdown[RecordKind.INSPECTION] == [10, 12.0]


@given(COUNTS, RULES)
def test_the_yearly_runs_integer_arithmetic_equals_the_rule(counts, rules):
    from renda.archive.scoring import _tenths, score_tenths

    total, parts = score(counts, rules)
    t_total, t_parts = score_tenths(counts, {k: (_tenths(p), _tenths(c))
                                             for k, (p, c) in rules.items()})
    assert Decimal(t_total) / 10 == total
    assert {k: Decimal(v) / 10 for k, v in t_parts.items()} == parts
