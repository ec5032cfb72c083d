"""Demo data of the suggestions module (代表建议): about 470 suggestions of 示例市人大 over
the term, in every state, made the way people make them — through
``renda.suggestions.actions`` — so every rule holds and every step has its transition log,
its audit event and its notifications.

How dates are made realistic. Each suggestion is planned as a story: its steps (draft,
submit, register, assign, accept, contacts, reply, evaluation…) each at a moment in the
past — during a session of 2022–2026 or between sessions, open work relative to today.
The steps of all stories are sorted by time and every action runs *at its moment*: the
clock is moved there (``time_machine.travel`` when the dev tools are installed, otherwise
a small patch of ``django.utils.timezone.now`` and of the model fields defaulting to it,
see ``PatchedClock``). We do not shift rows afterwards: due dates, adjustment windows,
evaluation windows and commitment dates are computed by the actions themselves, and the
audit events are written — and hash-chained — with the moment of their step, in calendar
order, so ``renda audit verify`` passes.

Only the loader's own preparation writes rows directly (categories, answer classes, the
configuration, one handler account per unit, the start date of deputies' roles); each of
those is recorded in the audit log too. Afterwards, notifications older than a week are
marked read, as their users would have done.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db.models import F
from django.db.models.fields import Field
from django.utils import timezone as dj_timezone

from renda.core import audit
from renda.core.errors import DomainError
from renda.core.models import (
    Congress,
    Notification,
    Organization,
    Role,
    RoleAssignment,
    Session,
    User,
)
from renda.deputies.models import Deputy, Mandate, MandateStatus
from renda.suggestions import actions
from renda.suggestions.deadlines import add_months, is_workday
from renda.suggestions.models import (
    DEFAULT_REPLY_CLASSES,
    AdjustmentRequest,
    Assignment,
    AssignmentKind,
    Category,
    Commitment,
    ContactStage,
    ContactWay,
    EvaluationResult,
    Extension,
    ReplyClass,
    Status,
    Suggestion,
    SuggestionConfig,
    SupervisionKind,
)

from . import data
from . import suggestion_texts as texts
from .suggestion_texts import Topic

try:  # a dev dependency: present under `uv run`, maybe not in a production install
    import time_machine
except ImportError:  # pragma: no cover
    time_machine = None

S = Status
SATISFIED, BASIC, UNSATISFIED = (EvaluationResult.SATISFIED, EvaluationResult.BASIC,
                                 EvaluationResult.UNSATISFIED)
DAY = timedelta(days=1)


# --- the clock ---------------------------------------------------------------------------------


class PatchedClock(AbstractContextManager["PatchedClock"]):
    """Stand still at ``moment`` without time-machine: ``timezone.now()`` (and so
    ``localdate()``, ``auto_now`` fields) and every model field whose default is
    ``timezone.now`` return it until the block ends."""

    _fields: list[Field[Any, Any]] | None = None

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    @classmethod
    def now_fields(cls, original: Callable[[], datetime]) -> list[Field[Any, Any]]:
        if cls._fields is None:
            cls._fields = [f for model in apps.get_models()
                           for f in model._meta.concrete_fields if f.default is original]
        return cls._fields

    def __enter__(self) -> PatchedClock:
        self.original = dj_timezone.now
        moment = self.moment

        def fake() -> datetime:
            return moment

        dj_timezone.now = fake
        # Field.get_default() calls the cached property ``_get_default`` (the default
        # function itself): shadow it on each such field for the duration.
        self.fields = self.now_fields(self.original)
        for f in self.fields:
            f.__dict__["_get_default"] = fake
        return self

    def __exit__(self, *exc: object) -> None:
        dj_timezone.now = self.original
        for f in self.fields:
            f.__dict__.pop("_get_default", None)


def clock(moment: datetime) -> AbstractContextManager[Any]:
    if time_machine is not None:
        return time_machine.travel(moment, tick=False)
    return PatchedClock(moment)


# --- plans -------------------------------------------------------------------------------------


@dataclass
class Spec:
    """What happens to one suggestion, decided before anything runs."""

    stop: str                                  # the state it ends in
    during: bool = False                       # made during a session (大会期间)
    lead: Organization | None = None
    co: list[Organization] = field(default_factory=list)
    separate: list[Organization] = field(default_factory=list)
    weak: bool = False                         # first version lacks analysis and measures
    returned: bool = False                     # returned once, then resubmitted
    not_registered: tuple[str, str] | None = None   # (kind, reason)
    adjust: str = ""                           # pending | refused | approved
    adjust_to: Organization | None = None      # new lead after an approved adjustment
    extension: str = ""                        # pending | approved | refused
    co_accepts: bool = True
    co_view: bool = True
    reply_class: str = "A"
    second_class: str = "A"
    results: tuple[str, ...] = ()              # evaluation per round
    close_unevaluated: bool = False
    commitments: int = 0                       # B-class items per reply
    commit_days: tuple[int, ...] = ()          # due, days after the reply
    open_commitments: int = 0                  # how many stay open (tracking)
    key: bool = False
    joint: Organization | None = None
    publish: bool = False
    contacts: tuple[str, ...] = ("before", "during", "after")
    late_reply: bool = False
    pins: dict[str, datetime] = field(default_factory=dict)  # phase -> fixed moment


@dataclass
class Story:
    n: int
    topic: Topic
    deputy: Deputy
    user: User
    places: dict[str, Any]
    seed: int
    spec: Spec
    cosigners: list[tuple[Deputy, User, str]] = field(default_factory=list)  # answer
    merge_into: Story | None = None
    merged_stories: list[Story] = field(default_factory=list)
    s: Suggestion | None = None
    lead_a: Assignment | None = None
    co_as: list[Assignment] = field(default_factory=list)
    sep_as: list[Assignment] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    adjustment: AdjustmentRequest | None = None
    extension: Extension | None = None
    times: dict[str, datetime] = field(default_factory=dict)
    steps: list[tuple[datetime, str, Callable[[], None]]] = field(default_factory=list)

    def fmt(self, template: str, **extra: Any) -> str:
        return template.format(**{**self.places, **extra})

    @property
    def answering(self) -> list[Assignment]:
        return self.sep_as if self.sep_as else [self.lead_a] if self.lead_a else []


class _Loader:
    def __init__(self, city: Congress, rng: random.Random, stdout: Any) -> None:
        self.city = city
        self.rng = rng
        self.stdout = stdout
        self.now = dj_timezone.now()
        # Nothing is planned later than this: the last moments belong to the user.
        self.limit = self.now - timedelta(minutes=10)
        self.today = dj_timezone.localdate()
        self.stories: list[Story] = []
        self.truncated = 0

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    # --- preparation ---------------------------------------------------------------------

    def prepare(self) -> None:
        city = self.city
        term = city.current_term()
        assert term is not None
        self.term = term
        self.sessions = list(Session.objects.filter(term=term).order_by("number"))
        orgs = {o.name: o for o in Organization.objects.filter(congress=city)}
        self.orgs = orgs
        self.categories: dict[str, Category] = {}
        for i, (name, committee) in enumerate(texts.CATEGORIES, start=1):
            self.categories[name] = Category.objects.create(
                congress=city, name=name, committee=orgs[committee], sort_order=i)
        ReplyClass.objects.bulk_create([
            ReplyClass(congress=city, code=code, label=label, needs_commitments=needs,
                       solved=solved, sort_order=i)
            for i, (code, label, needs, solved) in enumerate(DEFAULT_REPLY_CLASSES, start=1)])
        SuggestionConfig.objects.create(congress=city)
        accounts = {u.username: u for u in User.objects.filter(
            username__in=["staff", "leader", "unit", "unit2", "deputy", "committee"])}
        self.staff, self.leader = accounts["staff"], accounts["leader"]
        audit.record("demo.suggestion_config", actor=self.staff, congress=city,
                     object_type="suggestions.config",
                     summary={"categories": {n: c for n, c in texts.CATEGORIES},
                              "reply_classes": [c[0] for c in DEFAULT_REPLY_CLASSES],
                              "config": "默认（答复3个月、延期最多3个月、调整5个工作日）"})
        self.handlers = self.unit_accounts(accounts)
        self.date_deputy_roles()
        self.deputy_pool()

    def unit_accounts(self, accounts: dict[str, User]) -> dict[int, User]:
        """One handler per unit: `unit` and `unit2` for theirs, `unit-<n>` for the others
        (n: the unit's place in the list of units), sharing the demo password."""
        handlers: dict[int, User] = {}
        for ra in RoleAssignment.objects.filter(congress=self.city, role=Role.UNIT,
                                                user__in=[accounts["unit"], accounts["unit2"]]):
            handlers[ra.organization_id] = ra.user
        used = set(Deputy.objects.values_list("name", flat=True)) | {
            a[1] for a in data.DEMO_ACCOUNTS}
        created = []
        for n, (name, _short, _dept) in enumerate(data.CITY_UNITS, start=1):
            org = self.orgs[name]
            if org.pk in handlers:
                continue
            user = User(username=f"unit-{n}", full_name=self.person_name(used),
                        congress=self.city, password=self.staff.password,
                        must_change_password=False, password_changed_at=self.now)
            created.append((user, org))
        User.objects.bulk_create([u for u, _ in created])
        RoleAssignment.objects.bulk_create([
            RoleAssignment(user=u, congress=self.city, role=Role.UNIT, organization=org,
                           start_date=data.CITY_TERM_START) for u, org in created])
        handlers.update({org.pk: u for u, org in created})
        audit.record("demo.unit_accounts_created", congress=self.city, object_type="core.user",
                     summary={"accounts": {u.username: org.name for u, org in created}})
        return handlers

    def person_name(self, used: set[str]) -> str:
        surnames = list(data.SURNAMES)
        weights = list(data.SURNAMES.values())
        while True:
            female = self.rng.random() < 0.45
            chars = data.GIVEN_FEMALE if female else data.GIVEN_MALE
            name = self.rng.choices(surnames, weights)[0] + "".join(
                self.rng.choice(chars[:30]) for _ in range(self.rng.choice((1, 2, 2))))
            if name not in used:
                used.add(name)
                return name

    def date_deputy_roles(self) -> None:
        """A deputy holds the DEPUTY role from the start of the mandate (the roster import
        dates it on the day of the import); the suggestions go back to 2022."""
        by_start: dict[date, list[int]] = {}
        for m in Mandate.objects.filter(congress=self.city, term=self.term,
                                        deputy__user__isnull=False).select_related("deputy"):
            by_start.setdefault(m.start_date, []).append(m.deputy.user_id)
        for start, users in by_start.items():
            RoleAssignment.objects.filter(congress=self.city, role=Role.DEPUTY,
                                          user_id__in=users).update(start_date=start)
        audit.record("demo.deputy_roles_dated", congress=self.city,
                     object_type="core.roleassignment",
                     summary={"start_dates": {d.isoformat(): len(u) for d, u in by_start.items()}})

    def deputy_pool(self) -> None:
        mandates = (Mandate.objects.filter(congress=self.city, term=self.term,
                                           status=MandateStatus.ACTIVE,
                                           start_date=self.term.start_date,
                                           deputy__user__isnull=False)
                    .select_related("deputy__user").order_by("id"))
        self.demo_deputy = Deputy.objects.select_related("user").get(user__username="deputy")
        districts = {d.name for d in data.DISTRICTS}
        self.home: dict[int, str] = {}  # deputy -> district ("" for the army's delegation)
        self.by_district: dict[str, list[Deputy]] = {}
        self.pool: list[Deputy] = []
        self.activity: list[float] = []  # some deputies write many suggestions, some few
        for m in mandates:
            d = m.deputy
            self.home[d.pk] = m.constituency if m.constituency in districts else ""
            if d.pk == self.demo_deputy.pk:
                self.demo_deputy = d
                continue
            self.by_district.setdefault(self.home[d.pk], []).append(d)
            self.pool.append(d)
            self.activity.append(self.rng.choice((0.2, 0.5, 1, 1, 1.5, 2.5, 4)))

    # --- people, places, texts -------------------------------------------------------------

    def towns(self, district: str, where: str) -> list[str]:
        towns = next(d.towns for d in data.DISTRICTS if d.name == district)
        if where == "urban":
            return [t for t in towns if t.endswith("街道")]
        if where == "rural":
            return [t for t in towns if not t.endswith("街道")]
        return list(towns)

    def places(self, topic: Topic, district: str, year: int, **fixed: str) -> dict[str, Any]:
        r = self.rng
        towns = self.towns(district, topic.where) or self.towns(district, "any")
        values: dict[str, Any] = {
            "district": district, "town": r.choice(towns),
            "community": r.choice(texts.COMMUNITIES), "village": r.choice(texts.VILLAGES),
            "road": r.choice(texts.ROADS), "river": r.choice(texts.RIVERS),
            "year": year, "prev": year - 1, "next": year + 1,
        }
        for key, (lo, hi) in zip("abc", topic.nums, strict=False):
            values[key] = r.randint(lo, hi)
        values.update(fixed)
        return values

    def pick_deputy(self, topic: Topic) -> Deputy:
        """A deputy (the active ones more often) from a district where the topic fits."""
        for _ in range(20):
            d = self.rng.choices(self.pool, self.activity)[0]
            home = self.home[d.pk] or self.rng.choice(sorted(self.by_district.keys() - {""}))
            if topic.where == "any" or self.towns(home, topic.where):
                return d
        return d

    def cosigners(self, lead: Deputy, k: int, answers: tuple[str, ...] | None = None
                  ) -> list[tuple[Deputy, User, str]]:
        same = [d for d in self.by_district.get(self.home.get(lead.pk, ""), [])
                if d.pk != lead.pk]
        chosen = self.rng.sample(same, min(k, len(same)))
        return [(d, d.user, answers[i] if answers else self.rng.choices(
                    ("confirm", "decline", "none"), (80, 8, 12))[0])
                for i, d in enumerate(chosen)]

    def topic(self, category: str | None = None, key: str | None = None) -> Topic:
        if key:
            return next(t for t in texts.TOPICS if t.key == key)
        options = [t for t in texts.TOPICS if category is None or t.category == category]
        weights = [CATEGORY_WEIGHT.get(t.category, 1) for t in options]
        return self.rng.choices(options, weights)[0]

    def story(self, spec: Spec, topic: Topic | None = None, deputy: Deputy | None = None,
              year: int | None = None, cosign: int | None = None, **fixed: str) -> Story:
        topic = topic or self.topic()
        deputy = deputy or self.pick_deputy(topic)
        district = fixed.pop("district", "") or self.home.get(deputy.pk) or self.rng.choice(
            [d.name for d in data.DISTRICTS])
        if topic.where != "any" and not self.towns(district, topic.where):
            district = self.rng.choice([d.name for d in data.DISTRICTS
                                        if self.towns(d.name, topic.where)])
        year = year or self.today.year
        st = Story(n=len(self.stories) + 1, topic=topic, deputy=deputy, user=deputy.user,
                   places=self.places(topic, district, year, **fixed),
                   seed=self.rng.randrange(2**31), spec=spec)
        if spec.lead is None and not spec.separate and spec.stop not in PRE_REGISTRATION:
            self.units_for(st)
        if spec.adjust and spec.adjust_to is None:
            spec.adjust_to = self.other_unit(st)
        spec.commitments = min(spec.commitments, len(topic.plans))
        k = cosign if cosign is not None else (
            self.rng.choice((1, 1, 2, 3)) if self.rng.random() < 0.22 else 0)
        if k:
            st.cosigners = self.cosigners(deputy, k)
        self.stories.append(st)
        return st

    def units_for(self, st: Story) -> None:
        sp, topic, r = st.spec, st.topic, self.rng
        lead = self.orgs[topic.lead[0]]
        co_options = [self.orgs[n] for n in topic.co]
        if not sp.adjust and r.random() < 0.05 and co_options:
            sp.separate = [lead, r.choice(co_options)]
            return
        sp.lead = lead
        roll = r.random()
        if co_options and roll < 0.40:
            sp.co = r.sample(co_options, 2 if roll < 0.08 and len(co_options) > 1 else 1)

    # --- timing --------------------------------------------------------------------------

    @staticmethod
    def office(moment: datetime) -> datetime:
        """The same moment or the next one in office hours of a working day."""
        local = dj_timezone.localtime(moment)
        day, minutes = local.date(), local.hour * 60 + local.minute
        if minutes > 17 * 60 + 20:
            day, minutes = day + DAY, 8 * 60 + 40 + minutes % 150
        elif minutes < 8 * 60 + 30:
            minutes = 8 * 60 + 40 + minutes % 150
        while not is_workday(day):
            day += DAY
        return dj_timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))

    @staticmethod
    def awake(moment: datetime) -> datetime:
        """Deputies act any day, between 7:30 and 22:30."""
        local = dj_timezone.localtime(moment)
        minutes = local.hour * 60 + local.minute
        if 7 * 60 + 30 <= minutes <= 22 * 60 + 30:
            return moment
        day = local.date() + (DAY if minutes > 22 * 60 + 30 else timedelta())
        minutes = 7 * 60 + 40 + minutes % 180
        return dj_timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))

    @staticmethod
    def office_back(moment: datetime) -> datetime:
        """The same moment or the last one before it in office hours of a working day."""
        local = dj_timezone.localtime(moment)
        day, minutes = local.date(), local.hour * 60 + local.minute
        if minutes > 17 * 60 + 20:
            minutes = 16 * 60 + minutes % 60
        elif minutes < 8 * 60 + 30:
            day, minutes = day - DAY, 16 * 60 + minutes % 60
        while not is_workday(day):
            day -= DAY
        return dj_timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))

    @staticmethod
    def awake_back(moment: datetime) -> datetime:
        local = dj_timezone.localtime(moment)
        minutes = local.hour * 60 + local.minute
        if 7 * 60 + 30 <= minutes <= 22 * 60 + 30:
            return moment
        day = local.date() - (DAY if minutes < 7 * 60 + 30 else timedelta())
        minutes = 21 * 60 + minutes % 60
        return dj_timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))

    def later(self, r: random.Random, t: datetime, lo: float, hi: float,
              office: bool = True) -> datetime:
        """A moment ``lo``–``hi`` days after ``t``, in office hours (or waking hours);
        next to the present, the last such moment before it rather than after."""
        raw = t + timedelta(days=r.uniform(lo, hi))
        when = self.office(raw) if office else self.awake(raw)
        if when > self.limit >= raw:
            when = self.office_back(raw) if office else self.awake_back(raw)
        return max(when, t + timedelta(minutes=5))

    def at(self, day: date, hour: float) -> datetime:
        return dj_timezone.make_aware(datetime.combine(day, time(int(hour), int(hour % 1 * 60))))

    # --- one story -----------------------------------------------------------------------

    def plan(self, st: Story, start: datetime) -> None:
        """Lay out the steps of one story from its first draft at ``start``."""
        sp, r = st.spec, random.Random(st.seed)
        steps: list[tuple[datetime, str, Callable[[], None]]] = []
        times: dict[str, datetime] = {}

        def add(phase: str, when: datetime, fn: Callable[[], None]) -> datetime:
            steps.append((when, phase, fn))
            times.setdefault(phase, when)
            return when

        def chain(phase: str, t: datetime, lo: float, hi: float, office: bool = True
                  ) -> datetime:
            pin = sp.pins.get(phase)
            when = pin if pin is not None else self.later(r, t, lo, hi, office)
            return max(when, t + timedelta(minutes=r.randint(4, 30)))

        st.steps, st.times = steps, times
        t = add("draft", sp.pins.get("draft", start), lambda: self.do_draft(st))
        last = t
        for cs in st.cosigners:
            if cs[2] != "none":
                last = max(last, add("cosign", self.later(r, t, 0.02, 0.25 if sp.during else 1.5,
                                                          False),
                                     lambda cs=cs: self.do_cosign(st, cs)))
        if sp.stop == S.DRAFT:
            return
        t = add("submit", chain("submit", last, *((0.01, 0.2) if sp.during else (0.3, 6)),
                                office=False), lambda: self.do_submit(st))
        if sp.stop == S.SUBMITTED:
            return
        if sp.stop == S.UNDER_REVIEW:
            add("review", chain("review", t, 0.2, 3), lambda: self.do_review(st))
            return
        if sp.returned or sp.stop == S.RETURNED:
            t = add("return", chain("return", t, 0.5, 4), lambda: self.do_return(st))
            if sp.stop == S.RETURNED:
                return
            t = add("resubmit", chain("resubmit", t, 0.5, 5, office=False),
                    lambda: self.do_resubmit(st))
        if sp.during:
            session_end = self.at(self.session_of(t).end_date, 17)
            t = chain("register", max(t, session_end), 3, 25)
        else:
            t = chain("register", t, 1, 10)
        if sp.not_registered:
            add("register", t, lambda: self.do_not_register(st))
            return
        if sp.stop == S.MERGED:
            assert st.merge_into is not None
            main_reg = st.merge_into.times["register"]
            add("merge", chain("merge", max(t, main_reg), 0.2, 5), lambda: self.do_merge(st))
            return
        t = add("register", t, lambda: self.do_register(st))
        if sp.stop == S.REGISTERED:
            return
        t_asg = t = add("assign", chain("assign", t, 1, 12), lambda: self.do_assign(st))
        if sp.key:
            add("key", self.later(r, t, 0.5, 14), lambda: self.do_supervise(st, SupervisionKind.KEY))
        if sp.joint is not None:
            add("joint", self.later(r, t, 5, 40), lambda: self.do_supervise(st, SupervisionKind.JOINT))
        if sp.stop == S.ASSIGNED:
            if sp.adjust == "pending":
                add("adjust", chain("adjust", t, 0.1, 1.5), lambda: self.do_adjust(st))
            return
        t_acc = t = add("accept", chain("accept", t, 0.05, 2.5), lambda: self.do_accept(st))
        if sp.separate or (sp.co and sp.co_accepts):
            add("co-accept", self.later(r, t_asg, 0.2, 4), lambda: self.do_accept_others(st))
        if sp.adjust:
            t = add("adjust", chain("adjust", t, 0.05, 1.5), lambda: self.do_adjust(st))
            if sp.adjust == "pending":
                return
            t = add("adjust-decided", chain("adjust-decided", t, 0.3, 2),
                    lambda: self.do_decide_adjust(st))
            if sp.adjust == "approved":
                if sp.stop == S.REASSIGNED:
                    return
                t_asg = t = add("reassign", chain("reassign", t, 0.5, 3),
                                lambda: self.do_reassign(st))
                t_acc = t = add("accept", chain("accept2", t, 0.05, 2),
                                lambda: self.do_accept(st))
        due = self.at(add_months(dj_timezone.localdate(t_asg), 3), 17)
        # When the answer comes: in time, late, or within an approved extension.
        if sp.extension:
            ext_at = sp.pins.get("extension") or self.office(due - timedelta(days=r.uniform(6, 20)))
            ext_at = max(ext_at, t_acc + timedelta(hours=2))
            ext_days = r.randint(25, 80)
        if sp.extension == "approved":
            reply_at = self.office(due + timedelta(days=r.uniform(3, max(ext_days - 3, 4))))
        elif sp.late_reply or sp.extension == "refused":
            reply_at = self.office(due + timedelta(days=r.uniform(2, 25)))
        else:
            reply_at = self.office(t_acc + timedelta(days=r.uniform(35, 80)))
        reply_at = sp.pins.get("reply", reply_at)
        open_end = reply_at if sp.stop != S.HANDLING else self.limit
        # Contacts with the deputy before and during handling; the co-units' views.
        if "before" in sp.contacts:
            when = self.later(r, t_acc, 1, 10)
            if when < open_end:
                add("contact", when, lambda: self.do_contact(st, ContactStage.BEFORE))
        if "during" in sp.contacts:
            when = self.later(r, t_acc, 20, 55)
            if when < open_end - DAY:
                add("contact", when, lambda: self.do_contact(st, ContactStage.DURING))
        if sp.co and sp.co_view:
            when = self.later(r, t_asg, 5, 26)
            if when < open_end - DAY:
                add("co-view", when, lambda: self.do_co_views(st))
        if sp.extension:
            add("extension", ext_at, lambda: self.do_extension(st, ext_days))
            if sp.extension != "pending":
                add("extension-decided", self.later(r, ext_at, 0.3, 3),
                    lambda: self.do_decide_extension(st))
        if sp.stop == S.HANDLING:
            return
        t = add("reply", max(reply_at, t + DAY), lambda: self.do_reply(st, 1))
        for i in range(1, len(st.spec.separate)):
            t = add("reply", self.later(r, t, 0.1, 8), lambda i=i: self.do_reply(st, 1, index=i))
        replied = t
        if "after" in sp.contacts:
            add("contact", self.later(r, t, 1, 8),
                lambda: self.do_contact(st, ContactStage.AFTER))
        if sp.stop == S.REPLIED and not sp.close_unevaluated:
            if sp.publish:
                add("publish", self.later(r, t, 2, 12), lambda: self.do_publish(st))
            return
        if sp.close_unevaluated:
            t = add("close", self.later(r, t, 45, 70), lambda: self.do_close_unevaluated(st))
            if sp.publish:
                add("publish", self.later(r, t, 1, 20), lambda: self.do_publish(st))
            return
        rm = random.Random(st.seed + 99)  # (not r: the main story's moments stay the same)
        for dup in st.merged_stories:
            if rm.random() < 0.6:
                add("evaluate-merged", self.later(rm, t, 0.3, 2, False),
                    lambda dup=dup: self.do_evaluate_merged(st, dup))
        t = add("evaluate", chain("evaluate", t + timedelta(days=2), 0.5, 20, office=False),
                lambda: self.do_evaluate(st, 0))
        if sp.results[0] == UNSATISFIED:
            if sp.stop == S.REHANDLING:
                return
            t = add("reply2", chain("reply2", t, 10, 27), lambda: self.do_reply(st, 2))
            for i in range(1, len(st.spec.separate)):
                t = add("reply2", self.later(r, t, 0.1, 3),
                        lambda i=i: self.do_reply(st, 2, index=i))
            t = add("evaluate2", chain("evaluate2", t, 1, 14, office=False),
                    lambda: self.do_evaluate(st, 1))
        evaluated = t
        # The commitment ledger: progress, then done, except those left open.
        n = self.commitment_count(st)
        for i in range(n):
            first = replied if i < sp.commitments else times.get("reply2", replied)
            days = sp.commit_days[i % len(sp.commit_days)]
            due_at = first + timedelta(days=days)
            if i >= n - sp.open_commitments:
                progress = self.later(r, first, 20, max(days * 0.6, 21))
                if progress < self.limit:
                    add("commitment", progress, lambda i=i: self.do_commitment(st, i, False))
                continue
            done = min(due_at - timedelta(days=r.uniform(0, min(20, days / 3))),
                       self.limit - timedelta(hours=r.uniform(2, 200)))
            done = max(done, first + timedelta(days=1))
            if sp.stop == S.CLOSED and done < evaluated and r.random() < 0.5:
                done = self.later(r, evaluated, 3, 40)  # kept on the ledger for a while
                done = min(done, self.limit - timedelta(hours=1))
            done = self.office(done) if self.office(done) <= self.limit else self.office_back(done)
            if first < done < self.limit:
                progress = self.office(first + timedelta(days=days * 0.45))
                if days > 150 and progress < done - DAY and r.random() < 0.5:
                    add("commitment", progress, lambda i=i: self.do_commitment(st, i, False))
                add("commitment", done, lambda i=i: self.do_commitment(st, i, True))
        if sp.publish:
            add("publish", self.later(r, max(evaluated, replied), 2, 40),
                lambda: self.do_publish(st))

    def commitment_count(self, st: Story) -> int:
        sp = st.spec
        n = sp.commitments if sp.reply_class == "B" else 0
        if sp.results and sp.results[0] == UNSATISFIED and sp.second_class == "B" \
                and sp.stop != S.REHANDLING:
            n += sp.commitments
        return n

    def place(self, st: Story, anchor: str, when: datetime, start: datetime) -> None:
        """Plan ``st`` so that its phase ``anchor`` falls at ``when``: a second pass keeps
        the gaps (office hours and holidays may move it by some days); then, if a step that
        makes its final state would still lie in the future, earlier."""
        self.plan(st, start)
        if anchor in st.times:
            start += when - st.times[anchor]
            self.plan(st, start)
        for _ in range(5):
            last = max((w for w, label, _fn in st.steps if label not in OPTIONAL_STEPS),
                       default=start)
            if last <= self.limit:
                break
            start -= last - self.limit + timedelta(hours=self.rng.uniform(3, 30))
            self.plan(st, start)

    def session_of(self, moment: datetime) -> Session:
        day = dj_timezone.localdate(moment)
        return [s for s in self.sessions if s.start_date <= day][-1]

    # --- the actions, one per step --------------------------------------------------------

    def draft_data(self, st: Story, weak: bool) -> actions.DraftData:
        topic, r = st.topic, random.Random(st.seed + 7)
        titles = [*topic.titles, *texts.GENERIC_TITLES]
        weights = [3] * len(topic.titles) + [1] * len(texts.GENERIC_TITLES)
        title = st.fmt(r.choices(titles, weights)[0], focus=topic.focus)
        if weak:
            return actions.DraftData(title=title, problem=st.fmt(topic.problem), analysis="",
                                     measures="建议有关部门研究解决。",
                                     category_id=self.categories[topic.category].pk)
        return actions.DraftData(title=title, problem=st.fmt(topic.problem),
                                 analysis=st.fmt(topic.analysis),
                                 measures=st.fmt(topic.measures),
                                 category_id=self.categories[topic.category].pk)

    def do_draft(self, st: Story) -> None:
        data_ = self.draft_data(st, st.spec.weak)
        if st.spec.stop == S.DRAFT and st.places.get("half"):
            data_.measures = ""
        st.s = actions.save_draft(st.user, self.city, data_,
                                  cosigner_ids=[c[0].pk for c in st.cosigners])

    def do_cosign(self, st: Story, cs: tuple[Deputy, User, str]) -> None:
        actions.answer_cosign(cs[1], st.s, cs[2] == "confirm")

    def do_submit(self, st: Story) -> None:
        st.s = actions.submit(st.user, st.s)

    def do_review(self, st: Story) -> None:
        actions.start_review(self.staff, st.s)

    def do_return(self, st: Story) -> None:
        reasons = texts.RETURN_REASONS
        reason = reasons[0] if st.spec.weak else random.Random(st.seed).choice(reasons[1:])
        actions.return_to_deputy(self.staff, st.s, reason)

    def do_resubmit(self, st: Story) -> None:
        actions.save_draft(st.user, self.city, self.draft_data(st, False), suggestion=st.s,
                           cosigner_ids=[c[0].pk for c in st.cosigners])
        st.s = actions.submit(st.user, st.s)

    def do_not_register(self, st: Story) -> None:
        kind, reason = st.spec.not_registered or ("letter", "")
        actions.not_register(self.staff, st.s, kind, st.fmt(reason, unit=st.topic.lead[0]))

    def do_register(self, st: Story) -> None:
        st.s = actions.register(self.staff, st.s)

    def do_merge(self, st: Story) -> None:
        main = st.merge_into
        assert main is not None and main.s is not None
        main.s.refresh_from_db(fields=["number"])
        actions.merge(self.staff, st.s, main.s,
                      reason=f"与{main.s.number}《{main.s.title}》内容相近，并案办理")

    def do_assign(self, st: Story) -> None:
        sp = st.spec
        made = actions.assign(self.staff, st.s, lead=sp.lead, co=sp.co, separate=sp.separate)
        self.keep(st, made)

    def keep(self, st: Story, made: list[Assignment]) -> None:
        for a in made:
            if a.kind == AssignmentKind.LEAD:
                st.lead_a = a
            elif a.kind == AssignmentKind.CO:
                st.co_as.append(a)
            else:
                st.sep_as.append(a)

    def do_reassign(self, st: Story) -> None:
        made = actions.assign(self.staff, st.s, lead=st.spec.adjust_to)
        self.keep(st, made)

    def handler(self, a: Assignment) -> User:
        return self.handlers[a.unit_id]

    def do_accept(self, st: Story) -> None:
        first = st.answering[0]
        actions.accept(self.handler(first), first)

    def do_accept_others(self, st: Story) -> None:
        for a in st.answering[1:]:
            actions.accept(self.handler(a), a)
        if st.spec.co_accepts:
            for a in st.co_as:
                a.refresh_from_db(fields=["status"])
                if a.status == "pending":
                    actions.accept(self.handler(a), a)

    def do_adjust(self, st: Story) -> None:
        a = st.answering[0]
        other = st.spec.adjust_to or self.orgs[st.topic.co[0] if st.topic.co else
                                               data.CITY_GOVERNMENT]
        reason = random.Random(st.seed).choice(texts.ADJUSTMENT_REASONS).format(other=other.name)
        st.adjustment = actions.request_adjustment(self.handler(a), a, reason,
                                                   suggested_unit=other)

    def do_decide_adjust(self, st: Story) -> None:
        assert st.adjustment is not None
        approve = st.spec.adjust == "approved"
        note = "同意调整，另行交办。" if approve else "经研究，该建议属于你单位职责范围，请继续办理。"
        actions.decide_adjustment(self.staff, st.adjustment, approve, note)
        if approve:
            st.lead_a = None

    def do_contact(self, st: Story, stage: str) -> None:
        r = random.Random(st.seed + len(stage))
        for a in st.answering:
            a.refresh_from_db(fields=["status"])
            if a.status in ("pending", "withdrawn"):
                continue
            way, summary = r.choice(texts.CONTACTS[stage])
            summary = st.fmt(summary, deputy=st.deputy.name, unit=a.unit.name,
                             focus=st.topic.focus,
                             place=f"{st.places['district']}{st.places['town']}")
            actions.record_contact(self.handler(a), a, stage=stage, way=ContactWay(way),
                                   contact_date=dj_timezone.localdate(), summary=summary)

    def do_co_views(self, st: Story) -> None:
        for a in st.co_as:
            view = texts.CO_VIEWS.get(a.unit.name, texts.CO_VIEW_DEFAULT)
            text = (f"关于《{st.s.title}》，{view}。{st.topic.focus}相关工作涉及我单位职责的部分，"
                    "请主办单位在答复中一并说明。")
            actions.send_co_view(self.handler(a), a, text)

    def do_extension(self, st: Story, days: int) -> None:
        a = st.answering[0]
        a.refresh_from_db()
        latest = add_months(a.original_due_date, 3)
        new_due = min(a.original_due_date + timedelta(days=days), latest)
        reason = random.Random(st.seed).choice(texts.EXTENSION_REASONS)
        st.extension = actions.request_extension(self.handler(a), a, new_due, reason)

    def do_decide_extension(self, st: Story) -> None:
        assert st.extension is not None
        approve = st.spec.extension == "approved"
        note = "" if approve else random.Random(st.seed).choice(texts.EXTENSION_REFUSALS)
        actions.decide_extension(self.staff, st.extension, approve, note)

    def do_reply(self, st: Story, round_: int, index: int = 0) -> None:
        sp, topic = st.spec, st.topic
        r = random.Random(st.seed + round_ * 31 + index)
        a = st.answering[index]
        cls = sp.reply_class if round_ == 1 else sp.second_class
        if index and cls == "B":  # one unit of a 分办 carries the commitments
            cls = "A"
        items = []
        if cls == "B":
            plans = [st.fmt(p) for p in topic.plans][: sp.commitments]
            offset = 0 if round_ == 1 else sp.commitments
            items = [actions.CommitmentData(p, dj_timezone.localdate() + timedelta(
                days=sp.commit_days[(offset + i) % len(sp.commit_days)]))
                for i, p in enumerate(plans)]
        extra = {"deputy": st.deputy.name, "title": st.s.title, "unit": a.unit.name,
                 "focus": topic.focus}
        body = texts.REPLY_BODIES[cls].format(
            done=st.fmt(topic.done), wait=st.fmt(topic.wait), focus=topic.focus,
            plans="；".join(f"（{i}）{c.content}，{c.due_date.year}年{c.due_date.month}月前完成"
                           for i, c in enumerate(items, start=1)))
        if round_ == 2:
            body = texts.REPLY_SECOND.format(done=st.fmt(topic.done)) + "\n" + body
        text = (st.fmt(r.choice(texts.REPLY_OPENINGS), **extra) + "\n" + body
                + texts.REPLY_CLOSING.format(unit=a.unit.name,
                                             date=f"{dj_timezone.localdate():%Y年%-m月%-d日}"))
        reply = actions.reply(self.handler(a), a, reply_class=cls, text=text, commitments=items)
        st.commitments.extend(reply.commitments.order_by("id"))

    def do_evaluate(self, st: Story, round_: int) -> None:
        result = st.spec.results[round_]
        r = random.Random(st.seed + 100 + round_)
        comment = r.choice(texts.EVALUATION_COMMENTS[result]).format(focus=st.topic.focus)
        actions.evaluate(st.user, st.s, result, comment)

    def do_evaluate_merged(self, st: Story, dup: Story) -> None:
        result = SATISFIED if random.Random(dup.seed).random() < 0.8 else BASIC
        actions.evaluate(dup.user, st.s, result, "")

    def do_close_unevaluated(self, st: Story) -> None:
        actions.close_unevaluated(self.staff, st.s)

    def do_supervise(self, st: Story, kind: str) -> None:
        r = random.Random(st.seed + 5)
        if kind == SupervisionKind.KEY:
            committee = self.categories[st.topic.category].committee
            note = r.choice(texts.SUPERVISION_NOTES).format(committee=committee.name)
            actions.supervise(self.staff, st.s, kind, leader=self.leader, committee=committee,
                              note=note)
        else:
            committee = st.spec.joint
            note = r.choice(texts.JOINT_NOTES).format(committee=committee.name)
            actions.supervise(self.staff, st.s, kind, committee=committee, note=note)

    def do_publish(self, st: Story) -> None:
        actions.publish(self.staff, st.s)

    def do_commitment(self, st: Story, i: int, done: bool) -> None:
        c = st.commitments[i]
        r = random.Random(st.seed + 200 + i * 2 + done)
        text = r.choice(texts.COMMITMENT_DONE if done else texts.COMMITMENT_PROGRESS)
        actions.update_commitment(self.handlers[c.unit_id], c, text, done)

    # --- the mix -------------------------------------------------------------------------

    def random_spec(self, stop: str, *, during: bool = False, old: bool = True) -> Spec:
        r = self.rng
        sp = Spec(stop=stop, during=during)
        sp.returned = stop not in PRE_REGISTRATION and r.random() < 0.06
        sp.weak = sp.returned and r.random() < 0.6
        if stop in (S.HANDLING, S.REPLIED, S.REHANDLING, S.TRACKING, S.CLOSED):
            roll = r.random()
            if roll < 0.02:
                sp.adjust = "refused"
            elif roll < 0.05:
                sp.adjust = "approved"
            roll = r.random()
            if stop != S.HANDLING and roll < 0.05:
                sp.extension = "approved"
            elif stop != S.HANDLING and roll < 0.07:
                sp.extension = "refused"
            sp.late_reply = not sp.extension and r.random() < 0.04
            sp.contacts = tuple(c for c, p in (("before", 0.65), ("during", 0.25),
                                               ("after", 0.35)) if r.random() < p)
            sp.co_accepts = r.random() < 0.4
        if stop in (S.REPLIED, S.REHANDLING, S.TRACKING, S.CLOSED):
            sp.reply_class = r.choices("ABCD", (58, 24, 12, 6))[0]
            if stop == S.TRACKING:
                sp.reply_class = "B"
            first = r.choices((SATISFIED, BASIC, UNSATISFIED), (82, 15, 3))[0]
            if stop == S.REHANDLING:
                first = UNSATISFIED
            second = r.choices((SATISFIED, BASIC, UNSATISFIED), (50, 45, 5))[0]
            sp.results = (first, second)
            sp.second_class = r.choices("AB", (60, 40))[0]
            if stop == S.TRACKING and first == UNSATISFIED:
                sp.second_class = "B"
            sp.commitments = r.choice((1, 1, 2, 2, 3))
            sp.commit_days = tuple(r.randint(60, 420) for _ in range(6))
            if stop == S.TRACKING:
                sp.open_commitments = 1 if r.random() < 0.7 else 2
            sp.publish = r.random() < (0.35 if old else 0.2)
            sp.close_unevaluated = (stop == S.CLOSED and old and sp.reply_class != "B"
                                    and r.random() < 0.025)
        if stop in ASSIGNED_LIKE and r.random() < 0.10:
            sp.key = True
        if stop in ASSIGNED_LIKE and r.random() < 0.06:
            sp.joint = self.rng.choice(self.committees())
        return sp

    def committees(self) -> list[Organization]:
        names = {c for _, c in texts.CATEGORIES}
        return [self.orgs[n] for n in sorted(names)]

    def historic(self) -> None:
        """Sessions 1–4 (2022–2025) and the session of 2026: mostly done with."""
        r = self.rng
        per_session = [(46, 15), (48, 16), (52, 17), (54, 18), (52, 0)]
        for session, (during, between) in zip(self.sessions, per_session, strict=False):
            year = session.start_date.year
            last = session.number == len(self.sessions)
            next_start = (self.sessions[session.number].start_date if not last
                          else add_months(session.start_date, 6))
            for i in range(during + between):
                is_during = i < during
                if last and i >= during - 2:   # replied in spring, never evaluated
                    stop = S.REPLIED
                elif last and i >= during - 4:   # still not answered, even after extension
                    stop = S.HANDLING
                else:
                    stop = r.choices((S.CLOSED, S.TRACKING, S.NOT_REGISTERED),
                                     (90, 7 if year < 2025 else 13, 3))[0]
                sp = self.random_spec(stop, during=is_during)
                if stop == S.NOT_REGISTERED:
                    sp.not_registered = r.choice(texts.NOT_REGISTERED)
                if stop == S.TRACKING and year <= 2024:
                    # promised for dates around today: some passed, most still ahead
                    since = (self.today - session.start_date).days - 100
                    sp.commit_days = tuple(max(60, since + r.randint(-60, 400))
                                           for _ in range(6))
                if stop == S.REPLIED:
                    sp.publish, sp.close_unevaluated, sp.reply_class = False, False, "A"
                if stop == S.HANDLING:
                    sp.extension = "approved"
                if is_during:
                    day = session.start_date + timedelta(
                        days=r.randint(0, (session.end_date - session.start_date).days - 1))
                    start = self.at(day, r.uniform(9, 19))
                else:
                    span = (next_start - session.end_date).days - 40
                    start = self.awake(self.at(session.end_date + timedelta(
                        days=r.randint(20, max(span, 21))), r.uniform(8, 22)))
                st = self.story(sp, year=year)
                if sp.stop == S.HANDLING and sp.extension == "approved":
                    # stuck: extended once, and the extended date has passed too
                    sp.pins["extension"] = self.office(self.at(
                        add_months(session.end_date, 3), 10))
                self.plan(st, start)

    def recent(self) -> None:
        """Between the 2026 session and today: the open work."""
        r = self.rng
        mix = [(S.DRAFT, 7), (S.SUBMITTED, 6), (S.UNDER_REVIEW, 5), (S.RETURNED, 5),
               (S.NOT_REGISTERED, 5), (S.REGISTERED, 6), (S.ASSIGNED, 7), (S.REASSIGNED, 3),
               (S.HANDLING, 26), (S.REPLIED, 12), (S.REHANDLING, 4), (S.TRACKING, 6),
               (S.CLOSED, 14)]
        anchors = {
            S.DRAFT: ("draft", 0.5, 20), S.SUBMITTED: ("submit", 0.2, 3),
            S.UNDER_REVIEW: ("review", 0.3, 5), S.RETURNED: ("return", 1, 25),
            S.NOT_REGISTERED: ("register", 2, 200), S.REGISTERED: ("register", 0.3, 5),
            S.ASSIGNED: ("assign", 0.2, 2.5), S.REASSIGNED: ("adjust-decided", 0.3, 3),
            S.HANDLING: ("assign", 12, 78), S.REPLIED: ("reply", 1, 18),
            S.REHANDLING: ("evaluate", 2, 20), S.TRACKING: ("evaluate", 10, 240),
            S.CLOSED: ("evaluate", 5, 240),
        }
        for stop, count in mix:
            for i in range(count):
                sp = self.random_spec(stop, old=False)
                phase, lo, hi = anchors[stop]
                if stop == S.NOT_REGISTERED:
                    sp.not_registered = r.choice(texts.NOT_REGISTERED)
                if stop == S.REASSIGNED:
                    sp.adjust = "approved"
                if stop == S.RETURNED:
                    sp.weak = r.random() < 0.6
                if stop == S.HANDLING and i < 5:    # overdue, some after a refused extension
                    lo, hi = 97, 160
                    sp.extension = "refused" if i < 2 else ""
                elif stop == S.HANDLING and i < 9:  # due within days
                    lo, hi = 79, 86
                if stop in (S.TRACKING, S.CLOSED):
                    sp.commit_days = tuple(r.randint(30, 300) for _ in range(6))
                if stop == S.TRACKING and i < 3:   # promised for a date that has passed
                    sp.commit_days = tuple(r.randint(20, 40) for _ in range(6))
                    lo, hi = 120, 200
                year = self.today.year
                st = self.story(sp, year=year)
                when = self.now - timedelta(days=r.uniform(lo, hi))
                self.place(st, phase, when, when - timedelta(days=30))

    def other_unit(self, st: Story) -> Organization:
        taken = {st.spec.lead, *st.spec.co, *st.spec.separate}
        options = [self.orgs[n] for n in (*st.topic.co, "市发展和改革委员会", "市财政局",
                                                       "市人民政府")]
        return next(o for o in options if o not in taken)

    def merges(self) -> None:
        """Duplicates (并案): a later suggestion on the same matter follows the first."""
        r = self.rng
        mains = [st for st in self.stories
                 if "assign" in st.times and st.spec.stop not in (S.REGISTERED,)
                 and st.times["register"] < self.limit - 10 * DAY
                 and not st.places.get("featured")]
        for main in r.sample(mains, 18):
            sp = Spec(stop=S.MERGED, during=main.spec.during)
            district = main.places["district"]
            deputy = r.choice([d for d in self.by_district.get(district) or self.pool
                               if d.pk != main.deputy.pk])
            dup = self.story(sp, topic=main.topic, deputy=deputy, year=main.places["year"],
                             cosign=0, district=district)
            dup.merge_into = main
            start = main.times["submit"] + timedelta(days=r.uniform(-2, 3))
            if main.spec.during:
                start = min(start, main.times["submit"] + timedelta(hours=6))
            self.plan(dup, self.awake(start))
            main.merged_stories.append(dup)
            self.plan(main, main.steps[0][0])   # again, now with the merged deputy's rating

    # --- featured: what the demo accounts find when they sign in ---------------------------

    def featured(self) -> None:
        now, r = self.now, self.rng
        me = self.demo_deputy
        home = dict(texts.DEMO_DEPUTY_PLACES, featured=True)
        unit, unit2 = self.orgs["市住房和城乡建设局"], self.orgs["市交通运输局"]
        ago = lambda days: self.office_back(now - timedelta(days=days))  # noqa: E731

        def mine(spec: Spec, key: str, anchor: str, days: float, **kw: Any) -> Story:
            st = self.story(spec, topic=self.topic(key=key), deputy=me, cosign=kw.pop("cosign", 0),
                            **home, **kw)
            when = ago(days) if anchor != "draft" else self.awake(now - timedelta(days=days))
            self.place(st, anchor, min(when, self.limit), when - timedelta(days=30))
            return st

        # 李明华 (`deputy`): a half-written draft, one returned with the reason, one answered
        # and waiting for his rating, one in handling, one on the ledger, one closed.
        mine(Spec(S.DRAFT), "elderly-meals", "draft", 2, half=True)
        mine(Spec(S.RETURNED, weak=True), "parking", "return", 9)
        mine(Spec(S.REPLIED, lead=unit, co=[self.orgs["市市场监督管理局"]], reply_class="B",
                  commitments=2, commit_days=(120, 240), key=True), "elevator", "reply", 5,
             cosign=2)
        mine(Spec(S.HANDLING, lead=self.orgs["市民政局"]), "home-care", "assign", 40)
        mine(Spec(S.TRACKING, lead=unit, reply_class="B", results=(BASIC,), commitments=2,
                  commit_days=(150, 420), open_commitments=1, publish=True),
             "gas-pipes", "evaluate", 200)
        closed = self.story(Spec(S.CLOSED, during=True, lead=unit, reply_class="A",
                                 results=(SATISFIED,), publish=True),
                            topic=self.topic(key="old-estates"), deputy=me, year=2024,
                            cosign=3, **home)
        s3 = self.sessions[2]
        self.plan(closed, self.at(s3.start_date + DAY, 15.5))
        # Another deputy of 东湖区 invites him to co-sign: a draft and a submitted one.
        neighbours = [d for d in self.by_district["东湖区"]]
        for stop, key, days in ((S.DRAFT, "fitness", 1), (S.SUBMITTED, "school-traffic", 1.5)):
            st = self.story(Spec(stop), topic=self.topic(key=key), deputy=r.choice(neighbours),
                            cosign=0, district="东湖区", town="湖滨街道", featured=True)
            st.cosigners = [(me, me.user, "none"), *self.cosigners(st.deputy, 1, ("confirm",))]
            self.place(st, "draft" if stop == S.DRAFT else "submit",
                       self.awake(now - timedelta(days=days)), now - timedelta(days=30))
        # He co-signed a neighbour's suggestion that is closed.
        st = self.story(Spec(S.CLOSED, during=True, lead=unit, co=[self.orgs["市水利局"]],
                             reply_class="A", results=(SATISFIED,), publish=True),
                        topic=self.topic(key="waterlogging"), deputy=r.choice(neighbours),
                        year=2023, cosign=0, district="东湖区", featured=True)
        st.cosigners = [(me, me.user, "confirm")]
        s2 = self.sessions[1]
        self.plan(st, self.at(s2.start_date + DAY, 10.5))

        # `unit` (市住房和城乡建设局) and `unit2` (市交通运输局): their inboxes.
        def work(spec: Spec, key: str, anchor: str, days: float, **kw: Any) -> Story:
            st = self.story(spec, topic=self.topic(key=key), featured=True, **kw)
            when = ago(days)
            self.place(st, anchor, min(when, self.limit), when - timedelta(days=30))
            return st

        work(Spec(S.ASSIGNED, lead=unit), "property", "assign", 1.5)
        work(Spec(S.ASSIGNED, lead=unit, co=[self.orgs["市自然资源和规划局"]]), "rental-housing",
             "assign", 0.7)
        work(Spec(S.HANDLING, lead=unit, co=[self.orgs["市水利局"]], key=True), "waterlogging",
             "assign", 84)
        work(Spec(S.HANDLING, lead=unit, extension="pending",
                  pins={"extension": ago(2)}), "gas-pipes", "assign", 80)
        work(Spec(S.HANDLING, lead=unit), "old-estates", "assign", 120)
        work(Spec(S.HANDLING, lead=unit, extension="refused"), "elevator", "assign", 105)
        work(Spec(S.REHANDLING, lead=unit, reply_class="C", results=(UNSATISFIED,)),
             "property", "evaluate", 9)
        work(Spec(S.HANDLING, lead=unit, co=[unit2], co_accepts=False, co_view=False),
             "rental-housing", "assign", 8)
        work(Spec(S.ASSIGNED, lead=unit, adjust="pending",
                  adjust_to=self.orgs["市城市管理局"]), "parking", "assign", 2.5)
        work(Spec(S.ASSIGNED, lead=unit2), "rural-roads", "assign", 1)
        work(Spec(S.HANDLING, lead=unit2, co=[unit]), "bus-network", "assign", 110)
        work(Spec(S.HANDLING, lead=unit2), "road-upgrade", "assign", 82)
        work(Spec(S.HANDLING, lead=unit2, extension="approved",
                  pins={"extension": ago(15)}), "road-upgrade", "assign", 100)
        work(Spec(S.REPLIED, lead=unit2, reply_class="A"), "rural-bus", "reply", 8)
        work(Spec(S.REASSIGNED, lead=unit2, adjust="approved",
                  adjust_to=self.orgs["市公安局"]), "school-traffic", "adjust-decided", 1)

    # --- running -------------------------------------------------------------------------

    def load(self) -> dict[str, int]:
        self.prepare()
        self.featured()
        self.historic()
        self.recent()
        self.merges()
        steps = []
        for st in self.stories:
            kept = sorted(st.steps, key=lambda s: s[0])
            cut = next((i for i, s in enumerate(kept) if s[0] > self.limit), None)
            if cut is not None:
                self.truncated += 1
                kept = kept[:cut]
            steps += [(when, st.n, i, label, fn) for i, (when, label, fn) in enumerate(kept)]
        steps.sort(key=lambda s: (s[0], s[1], s[2]))
        # Thousands of short-lived ORM objects: the cyclic collector would only slow us down.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.run(steps)
        finally:
            if collecting:
                gc.enable()
        # Old notifications have been read by now.
        Notification.objects.filter(congress=self.city, read_at__isnull=True,
                                    created_at__lt=self.now - timedelta(days=7)).update(
            read_at=F("created_at") + timedelta(hours=20))
        counts = {s: Suggestion.objects.filter(congress=self.city, status=s).count()
                  for s in Status.values}
        total = sum(counts.values())
        self.say(f"  {self.city.short_name}: 代表建议 {total} 件（{len(steps)} 步办理）："
                 + "、".join(f"{Status(s).label}{c}" for s, c in counts.items() if c))
        return {"suggestions": total, "suggestion_steps": len(steps),
                **{f"suggestions_{s}": c for s, c in counts.items() if c}}

    def run(self, steps: list[tuple[datetime, int, int, str, Callable[[], None]]]) -> None:
        """Every step at its own moment, in calendar order."""
        for when, n, _i, label, fn in steps:
            with clock(when):
                try:
                    fn()
                except DomainError as err:
                    st = self.stories[n - 1]
                    raise RuntimeError(
                        f"演示建议 #{n}（{label}，{dj_timezone.localtime(when):%Y-%m-%d %H:%M}，"
                        f"计划：{st.spec.stop}）：{err.message}") from err


# Steps that may fall after the present without changing the final state (they are left out).
OPTIONAL_STEPS = {"contact", "key", "joint", "publish", "co-view", "co-accept", "commitment",
                  "evaluate-merged"}
PRE_REGISTRATION = {S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.NOT_REGISTERED,
                    S.MERGED}
ASSIGNED_LIKE = {S.ASSIGNED, S.REASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING, S.TRACKING,
                 S.CLOSED}
CATEGORY_WEIGHT = {"城乡建设": 2.2, "交通运输": 1.8, "教育": 1.5, "医疗卫生": 1.5,
                   "社会保障": 1.4, "生态环境": 1.1, "农业农村": 1.2, "经济发展": 1.1,
                   "财政金融": 0.8, "文化旅游": 0.9, "公共安全": 0.9, "政法": 0.7, "其他": 0.6}


def load_suggestions(city: Congress, rng: random.Random, stdout: Any = None) -> dict[str, int]:
    """Build the demo suggestions of ``city`` (run once, inside ``load_demo``)."""
    return _Loader(city, rng, stdout).load()

