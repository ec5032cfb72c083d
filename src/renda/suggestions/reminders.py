"""Reminders of deadlines (DESIGN §5.1): replies due soon, replies overdue, evaluations
not made in time.

``sweep()`` is run by ``renda remind`` (cron), by the ``remind`` task and by the demo
every few minutes. It may run on several machines at once: every reminder has a key
(``due15:<assignment>:<due date>``…) and is *claimed* by inserting a ``Reminder`` row
with that unique key, in the same transaction as its notifications. Whoever inserts the
row sends; a concurrent sweep trying the same key waits for that transaction and gets an
``IntegrityError`` (committed: skip) or goes on (rolled back: it sends instead). Each
reminder therefore goes out exactly once.

The rules:

- An open assignment due within each of ``SuggestionConfig.remind_before`` days (default
  15 and 3) reminds the unit's users once per threshold. Only the tightest threshold that
  applies is sent: an assignment first seen 2 days before its date gets the 3-day
  reminder, not both.
- An overdue open assignment reminds the unit's users and the staff once per due date:
  after an extension (or a second handling) the new date is reminded again.
- A replied suggestion the lead deputy has not evaluated within
  ``SuggestionConfig.evaluate_workdays`` working days (default 20) reminds the deputy once
  per reply round; after that it counts as not evaluated, never as satisfied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from renda.core.models import Role, User
from renda.core.notify import notify

from .actions import users_for
from .deadlines import add_workdays
from .models import (
    OPEN_ASSIGNMENT,
    Assignment,
    AssignmentKind,
    Evaluation,
    Reminder,
    Status,
    Suggestion,
    SuggestionConfig,
)

logger = logging.getLogger("renda.reminders")

KEY_BATCH = 500


@dataclass
class _Candidate:
    key: str
    suggestion_id: int
    send: Callable[[], int]  # sends the notifications, returns how many people got one


@dataclass
class _Sweep:
    today: date
    configs: dict[int, SuggestionConfig] = field(default_factory=dict)
    default: SuggestionConfig = field(default_factory=SuggestionConfig)
    _users: dict[tuple[int, str, int | None], list[User]] = field(default_factory=dict)

    def config(self, congress_id: int) -> SuggestionConfig:
        return self.configs.get(congress_id, self.default)

    def all_configs(self) -> list[SuggestionConfig]:
        return [*self.configs.values(), self.default]

    def users(self, congress_id: int, role: str, organization_id: int | None = None
              ) -> list[User]:
        key = (congress_id, role, organization_id)
        if key not in self._users:
            self._users[key] = users_for(congress_id, role, organization_id)
        return self._users[key]


def sweep(now: datetime | None = None) -> int:
    """Send every reminder that is due and not yet sent; return how many were sent."""
    today = timezone.localdate(now or timezone.now())
    run = _Sweep(today=today,
                 configs={c.congress_id: c for c in SuggestionConfig.objects.all()})
    candidates = [*_due_soon(run), *_overdue(run), *_not_evaluated(run)]
    sent = sum(_claim_and_send(c) for c in _unclaimed(candidates))
    if sent:
        logger.info("已发送 %d 条提醒。", sent)
    return sent


# --- finding what is due --------------------------------------------------------------------


def _assignment_url(a: Assignment) -> str:
    return f"/suggestions/assignments/{a.pk}/"


def _suggestion_url(s: Suggestion) -> str:
    return f"/suggestions/{s.pk}/"


def _open_assignments() -> Iterable[Assignment]:
    return (Assignment.objects.filter(status__in=OPEN_ASSIGNMENT)
            .select_related("suggestion", "unit").order_by("due_date", "id"))


def _due_soon(run: _Sweep) -> list[_Candidate]:
    """Open assignments due today or within the largest reminder threshold (the indexed
    ``due_date`` range); each one gets the tightest threshold of its congress it is within."""
    widest = max((max(c.remind_before, default=0) for c in run.all_configs()), default=0)
    if widest <= 0:
        return []
    found = []
    for a in _open_assignments().filter(due_date__gte=run.today,
                                        due_date__lte=run.today + timedelta(days=widest)):
        days_left = (a.due_date - run.today).days
        within = [d for d in run.config(a.suggestion.congress_id).remind_before
                  if days_left <= d]
        if not within:
            continue
        threshold = min(within)
        found.append(_Candidate(f"due{threshold}:{a.pk}:{a.due_date.isoformat()}",
                                a.suggestion_id, _due_soon_sender(run, a, days_left)))
    return found


def _due_soon_sender(run: _Sweep, a: Assignment, days_left: int) -> Callable[[], int]:
    def send() -> int:
        s = a.suggestion
        what = "会办意见" if a.kind == AssignmentKind.CO else "答复"
        when = "今天到期" if days_left == 0 else f"还有{days_left}天到期"
        people = run.users(s.congress_id, Role.UNIT, a.unit_id)
        notify(people, f"{what}{when}：{s.number}《{s.title}》",
               f"{a.unit.name}（{a.get_kind_display()}）的{what}期限是"
               f"{a.due_date:%Y年%m月%d日}，请按期办理。",
               _assignment_url(a), s.congress_id)
        return len(people)
    return send


def _overdue(run: _Sweep) -> list[_Candidate]:
    return [_Candidate(f"overdue:{a.pk}:{a.due_date.isoformat()}", a.suggestion_id,
                       _overdue_sender(run, a))
            for a in _open_assignments().filter(due_date__lt=run.today)]


def _overdue_sender(run: _Sweep, a: Assignment) -> Callable[[], int]:
    def send() -> int:
        s = a.suggestion
        what = "会办意见" if a.kind == AssignmentKind.CO else "答复"
        late = (run.today - a.due_date).days
        title = f"{what}已超期：{s.number}《{s.title}》（{a.unit.name}）"
        body = (f"{a.unit.name}（{a.get_kind_display()}）的{what}期限是"
                f"{a.due_date:%Y年%m月%d日}，已超期{late}天。")
        unit_people = run.users(s.congress_id, Role.UNIT, a.unit_id)
        staff = [u for u in run.users(s.congress_id, Role.STAFF) if u not in unit_people]
        notify(unit_people, title, body + "请尽快办理。", _assignment_url(a), s.congress_id)
        notify(staff, title, body, _suggestion_url(s), s.congress_id)
        return len(unit_people) + len(staff)
    return send


def _not_evaluated(run: _Sweep) -> list[_Candidate]:
    """Replied suggestions older than the evaluation window. ``add_workdays(d, n) >= d + n``,
    so the indexed query keeps replies from before ``today - n`` calendar days and the
    working-day rule is checked on each of them."""
    shortest = min(c.evaluate_workdays for c in run.all_configs())
    cutoff = timezone.make_aware(datetime.combine(run.today - timedelta(days=shortest),
                                                  time.min))
    found = []
    for s in (Suggestion.objects.filter(status=Status.REPLIED, replied_at__lt=cutoff)
              .select_related("lead_deputy").order_by("replied_at", "id")):
        replied_on = timezone.localtime(s.replied_at).date()
        if run.today <= add_workdays(replied_on, run.config(s.congress_id).evaluate_workdays):
            continue
        round_ = s.rehandle_count + 1
        found.append(_Candidate(f"evaluate:{s.pk}:{round_}", s.pk,
                                _evaluation_sender(s, round_, replied_on)))
    return found


def _evaluation_sender(s: Suggestion, round_: int, replied_on: date) -> Callable[[], int]:
    def send() -> int:
        ids = [s.lead_deputy_id, *s.merged.values_list("lead_deputy_id", flat=True)]
        done = set(Evaluation.objects.filter(suggestion=s, round=round_)
                   .values_list("deputy_id", flat=True))
        people = list(User.objects.filter(deputy__id__in=[i for i in ids if i not in done],
                                          is_active=True))
        notify(people, f"请评价建议{s.number}的办理答复",
               f"承办单位已于{replied_on:%Y年%m月%d日}答复《{s.title}》。请在平台上评价"
               "（满意、基本满意或不满意）；逾期未评价的，按未评价统计。",
               _suggestion_url(s), s.congress_id)
        return len(people)
    return send


# --- claiming and sending ----------------------------------------------------------------------


def _unclaimed(candidates: list[_Candidate]) -> list[_Candidate]:
    """Leave out the keys already claimed (one indexed look-up per batch), so a sweep does not
    try to insert a row for every overdue assignment every time. The claim itself is still
    what decides, because another sweep may claim a key in between."""
    claimed: set[str] = set()
    keys = [c.key for c in candidates]
    for i in range(0, len(keys), KEY_BATCH):
        claimed.update(Reminder.objects.filter(key__in=keys[i:i + KEY_BATCH])
                       .values_list("key", flat=True))
    return [c for c in candidates if c.key not in claimed]


def _claim_and_send(candidate: _Candidate) -> int:
    """Insert the reminder's row and send it in one transaction; 1 if this sweep sent it."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                Reminder.objects.create(key=candidate.key,
                                        suggestion_id=candidate.suggestion_id)
        except IntegrityError:
            return 0  # claimed by another sweep, which sends it
        if candidate.send() == 0:
            # Nobody to tell (e.g. a unit without accounts yet): give the claim back so a
            # later sweep reminds the people who are added.
            transaction.set_rollback(True)
            return 0
    return 1
