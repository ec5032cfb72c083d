"""The demo's suggestions (代表建议): every state, made through the actions, loaded once.

The demo is built once for this module (it takes a while) inside a transaction that is
rolled back at the end, so the other test modules start from an empty database.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from renda.core.models import AuditEvent, Congress, Notification, Organization, Role, User
from renda.demo import data
from renda.demo import suggestion_texts as texts
from renda.demo.build import load_demo
from renda.demo.suggestions import PatchedClock
from renda.deputies.models import Deputy
from renda.suggestions.models import (
    AdjustmentRequest,
    Assignment,
    AssignmentKind,
    Category,
    Commitment,
    ContactRecord,
    CoSigner,
    Evaluation,
    Extension,
    Reply,
    ReplyClass,
    Status,
    Suggestion,
    SuggestionConfig,
    Supervision,
    Transition,
)
from renda.suggestions.queries import InboxFilter, home_cards, unit_inbox

MODELS: list[Any] = [Suggestion, Assignment, Reply, Evaluation, Commitment, ContactRecord,
                     Transition, Supervision, Extension, AdjustmentRequest, CoSigner, Category,
                     ReplyClass, SuggestionConfig, User, Notification, AuditEvent]


# The marker tells pytest-django that this module needs the test database (without it, a
# module-scoped fixture would see the configured database) and wraps each test in a
# savepoint of the transaction below.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def city(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Congress]:
    with django_db_blocker.unblock(), transaction.atomic():
        name = str(connection.settings_dict["NAME"])
        assert "memory" in name or "test" in name, f"not a test database: {name}"
        assert load_demo() is True
        yield Congress.objects.get(name="示例市人民代表大会")
        transaction.set_rollback(True)


def suggestions(city: Congress) -> Any:
    return Suggestion.objects.filter(congress=city)


def test_every_state_and_every_answer_class(city: Congress) -> None:
    counts = Counter(suggestions(city).values_list("status", flat=True))
    wanted = set(Status.values) - {Status.EVALUATED}  # passed through, never rested in
    assert wanted <= set(counts), wanted - set(counts)
    assert 380 <= sum(counts.values()) <= 550
    assert counts[Status.CLOSED] > sum(counts.values()) / 2
    assert {"A", "B", "C", "D"} <= set(Reply.objects.values_list("reply_class", flat=True))
    # Every suggestion has its history from the first draft, and registered ones a number.
    first = Transition.objects.filter(suggestion__congress=city, from_status="")
    assert first.count() == sum(counts.values())
    assert not first.exclude(to_status=Status.DRAFT).exists()
    numbers = list(suggestions(city).registered().exclude(status=Status.MERGED)
                   .values_list("number", flat=True))
    assert all(re.fullmatch(r"十六届[一二三四五]次〔20(2[2-6])〕第\d{4}号", n) for n in numbers)
    assert len(numbers) == len(set(numbers))


def test_realistic_texts_fields_and_dates(city: Congress) -> None:
    qs = suggestions(city)
    titles = set(qs.values_list("title", flat=True))
    assert len(titles) >= 150
    assert all(t.startswith("关于") and t.endswith("建议") for t in titles)
    topics = {t.key for t in texts.TOPICS}
    assert len(topics) >= 40
    assert len(set(qs.values_list("category", flat=True))) == len(texts.CATEGORIES)
    for category in Category.objects.filter(congress=city):
        assert category.committee is not None, category
    committee = User.objects.get(username="committee").roles.get().organization
    assert Category.objects.filter(congress=city, committee=committee).exists()
    assert Suggestion.objects.visible_to(User.objects.get(username="committee")).count() >= 10
    # Spread over the term: every session has its suggestions, during and between sessions.
    years = Counter(qs.exclude(session=None).values_list("session__number", flat=True))
    assert set(years) == {1, 2, 3, 4, 5}
    assert {"during", "between"} <= set(qs.values_list("period", flat=True))
    now = timezone.now()
    assert qs.order_by("created_at").first().created_at.year == 2022
    assert not qs.filter(created_at__gt=now).exists()
    assert not Transition.objects.filter(at__gt=now).exists()
    # Units are answered by their own handlers; every unit has one.
    units = Organization.objects.filter(congress=city).units()
    handlers = User.objects.filter(roles__role=Role.UNIT, roles__organization__in=units)
    assert handlers.values("roles__organization").distinct().count() == units.count()
    assert User.objects.filter(username__startswith="unit-").count() == units.count() - 2


def test_evaluations_have_realistic_shares(city: Congress) -> None:
    results = Counter(Evaluation.objects.filter(suggestion__congress=city)
                      .values_list("result", flat=True))
    n = sum(results.values())
    assert n >= 200
    assert 0.70 <= results["satisfied"] / n <= 0.88
    assert 0.08 <= results["basic"] / n <= 0.25
    assert 0.01 <= results["unsatisfied"] / n <= 0.10
    # 不满意 went back for a second answer; a few were closed without a rating.
    assert Reply.objects.filter(round=2, assignment__suggestion__congress=city).exists()
    closed_unrated = suggestions(city).filter(status=Status.CLOSED, evaluations=None)
    assert closed_unrated.exists()
    assert Transition.objects.filter(reason="代表逾期未评价").exists()


def test_deadlines_requests_and_ledger(city: Congress) -> None:
    today = timezone.localdate()
    assignments = Assignment.objects.filter(suggestion__congress=city)
    assert assignments.overdue().count() >= 3
    assert assignments.due_soon().count() >= 3
    ext = Counter(Extension.objects.filter(assignment__in=assignments)
                  .values_list("status", flat=True))
    assert ext["approved"] and ext["refused"] and ext["pending"]
    adj = Counter(AdjustmentRequest.objects.filter(assignment__in=assignments)
                  .values_list("status", flat=True))
    assert adj["approved"] and adj["pending"]
    assert assignments.filter(status="withdrawn").count() == adj["approved"]
    commitments = Commitment.objects.filter(suggestion__congress=city)
    assert commitments.filter(status="done").exists()
    assert commitments.filter(status="open", due_date__gte=today).exists()
    assert commitments.filter(status="open", due_date__lt=today).exists()
    assert not suggestions(city).filter(status=Status.TRACKING).exclude(
        commitments__status="open").exists()
    stages = set(ContactRecord.objects.filter(assignment__in=assignments)
                 .values_list("stage", flat=True))
    assert stages == {"before", "during", "after"}
    assert assignments.filter(kind=AssignmentKind.CO).exclude(co_view="").count() >= 20
    assert assignments.filter(kind=AssignmentKind.SEPARATE).exists()


def test_merged_supervised_published(city: Congress) -> None:
    merged = suggestions(city).filter(status=Status.MERGED)
    assert merged.count() >= 5
    assert not merged.filter(merged_into=None).exists()
    registered = suggestions(city).filter(status__in=[
        Status.ASSIGNED, Status.REASSIGNED, Status.HANDLING, Status.REPLIED, Status.REHANDLING,
        Status.TRACKING, Status.CLOSED]).count()
    key = Supervision.objects.filter(suggestion__congress=city, kind="key")
    assert 0.06 <= key.count() / registered <= 0.14
    assert set(key.values_list("leader__username", flat=True)) == {"leader"}
    assert not key.filter(committee=None).exists()
    committee = User.objects.get(username="committee").roles.get().organization
    assert key.filter(committee=committee).exists()
    assert Supervision.objects.filter(suggestion__congress=city, kind="joint").exists()
    published = suggestions(city).exclude(published_at=None)
    assert published.count() >= 30
    assert set(published.values_list("status", flat=True)) <= {
        Status.REPLIED, Status.TRACKING, Status.CLOSED}
    assert not published.filter(published_at__lt=F("replied_at")).exists()


def test_demo_deputy_has_work_in_every_corner(city: Congress) -> None:
    user = User.objects.get(username="deputy")
    deputy = Deputy.objects.get(user=user)
    mine = Counter(Suggestion.objects.filter(lead_deputy=deputy)
                   .values_list("status", flat=True))
    assert {Status.DRAFT, Status.RETURNED, Status.REPLIED, Status.CLOSED} <= set(mine)
    returned = Suggestion.objects.get(lead_deputy=deputy, status=Status.RETURNED)
    assert returned.review_note
    invited = CoSigner.objects.filter(deputy=deputy, status="invited")
    assert invited.exists()
    assert all(c.suggestion.status in (Status.DRAFT, Status.SUBMITTED) for c in invited)
    cards = {c["title"]: c["value"] for c in home_cards(user, {Role.DEPUTY})}
    assert cards["待我评价的答复"] >= 1
    assert cards["退回修改 / 邀请附议"] >= 2


def test_unit_inboxes(city: Congress) -> None:
    unit, unit2 = User.objects.get(username="unit"), User.objects.get(username="unit2")
    inbox = unit_inbox(unit, InboxFilter(state="open"))
    assert inbox.filter(status="pending").exists()
    assert inbox.filter(status="rehandling").exists()
    assert inbox.filter(status="adjust_requested").exists()
    assert unit_inbox(unit, InboxFilter(state="overdue")).exists()
    assert unit_inbox(unit, InboxFilter(state="soon")).exists()
    assert unit_inbox(unit, InboxFilter(state="replied")).count() >= 10
    # unit2 owes the lead unit (市住房和城乡建设局, the `unit` account) a written view.
    co = unit_inbox(unit2, InboxFilter(state="open")).filter(kind=AssignmentKind.CO)
    lead_units = set(Assignment.objects.filter(suggestion__in=co.values("suggestion"),
                                               kind=AssignmentKind.LEAD)
                     .values_list("unit__name", flat=True))
    assert "市住房和城乡建设局" in lead_units
    assert unit_inbox(unit2, InboxFilter(state="open")).filter(status="pending").exists()
    # Nobody sees another unit's work.
    assert not Assignment.objects.filter(
        pk__in=unit_inbox(unit, InboxFilter(state="all")).values("pk")).exclude(
        unit__name="市住房和城乡建设局").exists()


def test_records_audit_and_notifications(city: Congress) -> None:
    transitions = Transition.objects.filter(suggestion__congress=city).count()
    events = AuditEvent.objects.filter(action__startswith="suggestion.").count()
    assert events >= transitions
    assert AuditEvent.objects.filter(action="demo.unit_accounts_created").count() == 1
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "完好" in out.getvalue()
    # Old notifications were read; the demo accounts still have some unread.
    for username in ("staff", "unit", "deputy"):
        notes = Notification.objects.filter(user__username=username)
        assert notes.filter(read_at__isnull=False).exists(), username
        assert notes.filter(read_at__isnull=True).exists(), username
    busiest = (Notification.objects.filter(read_at__isnull=True).values("user")
               .annotate(n=Count("id")).order_by("-n").first())
    assert busiest["n"] <= 120


def test_second_load_adds_nothing(city: Congress) -> None:
    before = {m.__name__: m.objects.count() for m in MODELS}
    out = StringIO()
    assert load_demo(stdout=out) is False
    assert {m.__name__: m.objects.count() for m in MODELS} == before


def test_topics_name_real_units_and_committees() -> None:
    units = {name for name, _short, _dept in data.CITY_UNITS}
    bodies = {b[0] for b in data.CITY_BODIES}
    assert {c for _, c in texts.CATEGORIES} <= bodies
    categories = {name for name, _ in texts.CATEGORIES}
    for topic in texts.TOPICS:
        assert topic.category in categories, topic.key
        assert set(topic.lead) | set(topic.co) <= units, topic.key
        assert topic.lead[0] not in topic.co, topic.key
        assert topic.plans and topic.done and topic.wait, topic.key
    assert set(texts.CO_VIEWS) <= units
    assert len({t.key for t in texts.TOPICS}) == len(texts.TOPICS)
    # Every template fills from the places and numbers a story has.
    places = {"district": "东湖区", "town": "湖滨街道", "community": "湖光", "village": "新村",
              "road": "人民路", "river": "清河", "year": 2024, "prev": 2023, "next": 2025,
              "a": 1, "b": 2, "c": 3, "focus": "x", "deputy": "x", "unit": "x", "title": "x",
              "place": "x"}
    for topic in texts.TOPICS:
        for template in (*topic.titles, topic.problem, topic.analysis, topic.measures,
                         topic.done, topic.wait, *topic.plans, *texts.GENERIC_TITLES):
            assert "{" not in template.format(**places), topic.key
    for stage in texts.CONTACTS.values():
        for _way, summary in stage:
            summary.format(**places)


def test_patched_clock_without_time_machine() -> None:
    """The fallback when time-machine is not installed: Django's clock and the fields
    defaulting to it stand still at the given moment, and come back afterwards."""
    moment = datetime(2023, 3, 1, 2, 30, tzinfo=UTC)
    with PatchedClock(moment):
        assert timezone.now() == moment
        assert timezone.localdate() == date(2023, 3, 1)
        assert Transition(to_status="draft").at == moment
        assert Notification(title="x").created_at == moment
    assert timezone.now() > moment
    assert Transition(to_status="draft").at > moment


def test_committee_sees_only_its_fields(city: Congress) -> None:
    user = User.objects.get(username="committee")
    committee = user.roles.get().organization
    seen = Suggestion.objects.visible_to(user)
    assert not seen.filter(status__in=[Status.DRAFT, Status.SUBMITTED]).exists()
    assert not seen.exclude(Q(category__committee=committee)
                            | Q(supervisions__committee=committee)).exists()
