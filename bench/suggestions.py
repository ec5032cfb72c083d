"""Suggestions at scale: 100,000 suggestions of one congress in realistic states, then the
median time of the staff list (filtered, page 2), a unit's inbox and the figures page,
each requested through Django's test client as a signed-in user.

    uv run python bench/suggestions.py [--n 100000] [--repeat 15]
    DATABASE_URL=postgres://… uv run python bench/suggestions.py

The data are written with bulk_create (the benchmark builds its own data; the actions are
tested elsewhere): 5 yearly sessions, 12 fields, 30 units, 600 deputies; assignments (lead,
some co-units, some separate), replies with classes, the lead deputy's evaluations (with a
second round after 不满意), contact records and key supervision. Older sessions are mostly
closed; the current one has open work, part of it past its due date.

The figures page keeps its grouped counts in Django's cache until the next audited change
(see renda.suggestions.figures); both the cached and the cold (computed) times are given.

Ends with: RESULT suggestions=<n> list_ms=<median> inbox_ms=<median> figures_ms=<median>
figures_cold_ms=<median>
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._setup import setup

CATEGORIES = ["城乡建设", "交通运输", "教育", "医疗卫生", "社会保障", "生态环境", "农业农村",
              "财政经济", "科技创新", "文化旅游", "公共安全", "民族宗教"]
UNITS = ["住房和城乡建设局", "交通运输局", "教育局", "卫生健康委员会", "人力资源和社会保障局",
         "生态环境局", "农业农村局", "财政局", "科学技术局", "文化广电旅游局", "公安局",
         "民族宗教事务局", "发展和改革委员会", "自然资源和规划局", "水利局", "商务局",
         "市场监督管理局", "应急管理局", "城市管理局", "民政局", "司法局", "审计局", "统计局",
         "医疗保障局", "退役军人事务局", "数据资源管理局", "供电公司", "自来水集团", "公交集团",
         "中级人民法院"]
TOPICS = ["加装电梯", "停车难", "学位供给", "基层医疗", "养老服务", "河道整治", "农村公路",
          "营商环境", "人才引进", "历史文化街区", "校园安全", "垃圾分类", "公交线网", "菜市场改造"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红梅志玉海燕文斌晓东春立新宏永"


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def build(n: int, seed: int = 2026) -> dict[str, Any]:
    from django.utils import timezone

    from renda.core.models import (
        Congress,
        Level,
        Organization,
        OrgKind,
        Role,
        RoleAssignment,
        Session,
        Term,
        User,
    )
    from renda.deputies.models import Deputy, Mandate
    from renda.suggestions.deadlines import add_months
    from renda.suggestions.models import (
        Assignment,
        AssignmentKind,
        AssignmentStatus,
        Category,
        ContactRecord,
        Evaluation,
        Period,
        Reply,
        Status,
        Suggestion,
        Supervision,
    )

    rng = random.Random(seed)
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    congress = Congress.objects.create(name="基准市人民代表大会", short_name="基准市人大",
                                       level=Level.CITY, region_code="999900")
    term = Term.objects.create(congress=congress, number=16, start_date=date(today.year - 4, 1, 8),
                               is_current=True)
    sessions = [Session.objects.create(term=term, number=i + 1,
                                       start_date=date(today.year - 4 + i, 1, 8),
                                       end_date=date(today.year - 4 + i, 1, 12)) for i in range(5)]
    committees = Organization.objects.bulk_create([
        Organization(congress=congress, name=f"第{i + 1}专门委员会", kind=OrgKind.SPECIAL_COMMITTEE)
        for i in range(6)])
    categories = Category.objects.bulk_create([
        Category(congress=congress, name=name, committee=committees[i % 6], sort_order=i)
        for i, name in enumerate(CATEGORIES)])
    units = Organization.objects.bulk_create([
        Organization(congress=congress, name=f"基准市{name}", short_name=name[:6],
                     kind=OrgKind.UNIT, sort_order=i) for i, name in enumerate(UNITS)])
    staff = User.objects.create_user("bench-staff", password="x", congress=congress,
                                     full_name="工作人员")
    leader = User.objects.create_user("bench-leader", password="x", congress=congress)
    unit_user = User.objects.create_user("bench-unit", password="x", congress=congress)
    committee_user = User.objects.create_user("bench-committee", password="x", congress=congress)
    start = date(today.year - 5, 1, 1)
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user=staff, congress=congress, role=Role.STAFF, start_date=start),
        RoleAssignment(user=leader, congress=congress, role=Role.LEADER, start_date=start),
        RoleAssignment(user=unit_user, congress=congress, role=Role.UNIT, organization=units[0],
                       start_date=start),
        RoleAssignment(user=committee_user, congress=congress, role=Role.COMMITTEE,
                       organization=committees[0], start_date=start),
    ])
    deputies = Deputy.objects.bulk_create([
        Deputy(name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
               gender=rng.choice("MF"), phone=f"139{i:08d}") for i in range(600)])
    Mandate.objects.bulk_create([Mandate(deputy=d, congress=congress, term=term,
                                         start_date=term.start_date) for d in deputies])

    def aware(day: date, hour: int = 10) -> datetime:
        return datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=tz)

    # Units get unequal loads (the big departments answer most), fields too.
    unit_weights = [1 / (i + 1) ** 0.7 for i in range(len(units))]
    cat_weights = [1 / (i + 1) ** 0.5 for i in range(len(categories))]
    per_session = n // len(sessions)
    suggestions: list[Suggestion] = []
    plans: list[tuple[int, str, date]] = []  # (index, status, assigned day)
    seq = [0] * len(sessions)
    for i in range(n):
        k = min(i // per_session, len(sessions) - 1)
        session = sessions[k]
        current = k == len(sessions) - 1
        year_end = min(date(session.start_date.year, 12, 20), today - timedelta(days=1))
        if rng.random() < 0.55:  # 大会期间: in the session's days
            made = session.start_date + timedelta(days=rng.randrange(5))
            period = Period.DURING
        else:
            made = session.end_date + timedelta(
                days=rng.randrange(max(1, (year_end - session.end_date).days)))
            period = Period.BETWEEN
        if current:
            status = pick(rng, {Status.REGISTERED: 4, Status.ASSIGNED: 6, Status.HANDLING: 33,
                                Status.REPLIED: 14, Status.REHANDLING: 2, Status.TRACKING: 9,
                                Status.CLOSED: 28, Status.SUBMITTED: 1, Status.UNDER_REVIEW: 1,
                                Status.NOT_REGISTERED: 1, Status.DRAFT: 1})
        else:
            status = pick(rng, {Status.CLOSED: 88, Status.TRACKING: 6, Status.REPLIED: 1,
                                Status.HANDLING: 1, Status.MERGED: 1, Status.NOT_REGISTERED: 2,
                                Status.DRAFT: 1})
        registered = status not in (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW,
                                    Status.NOT_REGISTERED)
        reg_day = made + timedelta(days=rng.randrange(3, 20))
        if reg_day >= today:
            reg_day = made
        number = ""
        if registered:
            seq[k] += 1
            number = f"十六届{k + 1}次〔{session.start_date.year}〕第{seq[k]:05d}号"
        assign_day = reg_day + timedelta(days=rng.randrange(2, 15))
        if assign_day >= today:
            assign_day = reg_day
        topic = rng.choice(TOPICS)
        suggestions.append(Suggestion(
            congress=congress, term=term, session=session, period=period,
            lead_deputy=deputies[rng.randrange(len(deputies))], created_by=staff,
            title=f"关于{topic}问题的建议（{i}）", problem=f"{topic}问题突出，群众反映强烈。",
            measures="建议加大投入，完善机制。", status=status, number=number,
            seq=seq[k] if registered else None,
            category=categories[rng.choices(range(len(categories)), cat_weights)[0]],
            created_at=aware(made, 9), submitted_at=aware(made, 9) if status != Status.DRAFT else None,
            registered_at=aware(reg_day) if registered else None,
            assigned_at=aware(assign_day) if registered and status not in (
                Status.REGISTERED, Status.MERGED) else None,
        ))
        if registered and status not in (Status.REGISTERED, Status.MERGED):
            plans.append((i, status, assign_day))
    Suggestion.objects.bulk_create(suggestions, batch_size=5000)
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35 (RETURNING).

    assignments: list[Assignment] = []
    facts: list[tuple[Assignment, str]] = []
    for i, status, assign_day in plans:
        s = suggestions[i]
        due = add_months(assign_day, 3)
        open_ = status in (Status.ASSIGNED, Status.HANDLING)
        roll = rng.random()
        if roll < 0.05:
            kinds = [AssignmentKind.SEPARATE, AssignmentKind.SEPARATE]
        elif roll < 0.25:
            kinds = [AssignmentKind.LEAD, AssignmentKind.CO]
        else:
            kinds = [AssignmentKind.LEAD]
        chosen = rng.sample(range(len(units)), len(kinds)) if len(kinds) > 1 else [
            rng.choices(range(len(units)), unit_weights)[0]]
        if s.category_id == categories[0].pk and rng.random() < 0.5:
            chosen[0] = 0  # 城乡建设 mostly to 住建局
            if len(chosen) > 1 and chosen[1] == 0:
                chosen[1] = 1
        for kind, u in zip(kinds, chosen, strict=True):
            a = Assignment(suggestion=s, unit=units[u], kind=kind, assigned_by=staff,
                           assigned_at=aware(assign_day), due_date=due, original_due_date=due,
                           adjust_until=assign_day + timedelta(days=7))
            if kind == AssignmentKind.CO:
                a.due_date = a.original_due_date = assign_day + timedelta(days=30)
                if open_ and rng.random() < 0.5:
                    a.status = AssignmentStatus.HANDLING
                else:
                    a.status = AssignmentStatus.VIEW_SENT
                    a.co_view = "同意主办单位意见。"
                    a.co_view_at = aware(min(assign_day + timedelta(days=rng.randrange(10, 40)),
                                             today))
            elif status == Status.ASSIGNED:
                a.status = AssignmentStatus.PENDING
            elif status == Status.HANDLING:
                a.status = AssignmentStatus.HANDLING
                a.accepted_at = aware(assign_day + timedelta(days=1))
            elif status == Status.REHANDLING:
                a.status = AssignmentStatus.REHANDLING
                a.replied_at = aware(min(assign_day + timedelta(days=60), today))
                a.due_date = add_months(a.replied_at.date(), 1)
            else:
                a.status = AssignmentStatus.REPLIED
                late = rng.random() < 0.08
                days = rng.randrange(95, 130) if late else rng.randrange(20, 88)
                a.replied_at = aware(min(assign_day + timedelta(days=days), today))
            assignments.append(a)
            facts.append((a, status))
    Assignment.objects.bulk_create(assignments, batch_size=5000)

    replies: list[Reply] = []
    contacts: list[ContactRecord] = []
    for a, status in facts:
        if a.kind != AssignmentKind.CO and a.replied_at is not None:
            cls = "C" if status == Status.REHANDLING else pick(
                rng, {"A": 55, "B": 30 if status != Status.TRACKING else 0, "C": 10, "D": 5})
            if status == Status.TRACKING:
                cls = "B"
            replies.append(Reply(assignment=a, round=1, reply_class=cls, text="答复内容。",
                                 replied_by=staff, replied_at=a.replied_at))
        if a.kind != AssignmentKind.CO and rng.random() < 0.6:
            contacts.append(ContactRecord(
                assignment=a, stage=rng.choice(["before", "during", "after"]), way="phone",
                contact_date=a.assigned_at.date(), summary="电话沟通。", recorded_by=staff))
    Reply.objects.bulk_create(replies, batch_size=5000)
    ContactRecord.objects.bulk_create(contacts, batch_size=5000)

    evaluations: list[Evaluation] = []
    supervisions: list[Supervision] = []
    for i, status, assign_day in plans:
        s = suggestions[i]
        when = aware(min(assign_day + timedelta(days=100), today))
        if status == Status.REHANDLING or (status == Status.CLOSED and rng.random() < 0.02):
            evaluations.append(Evaluation(suggestion=s, deputy_id=s.lead_deputy_id, round=1,
                                          result="unsatisfied", comment="不满意。", at=when))
            if status == Status.CLOSED:
                evaluations.append(Evaluation(suggestion=s, deputy_id=s.lead_deputy_id, round=2,
                                              result=pick(rng, {"satisfied": 6, "basic": 3,
                                                                "unsatisfied": 1}), at=when))
        elif status in (Status.CLOSED, Status.TRACKING) and rng.random() < 0.96:
            evaluations.append(Evaluation(
                suggestion=s, deputy_id=s.lead_deputy_id, round=1, at=when,
                result=pick(rng, {"satisfied": 90, "basic": 8, "unsatisfied": 2})))
        if rng.random() < 0.01:
            supervisions.append(Supervision(suggestion=s, kind="key", leader=leader,
                                            committee=committees[0], created_by=staff))
    Evaluation.objects.bulk_create(evaluations, batch_size=5000)
    Supervision.objects.bulk_create(supervisions, batch_size=5000)
    overdue = Assignment.objects.overdue().filter(suggestion__congress=congress).count()
    return {"congress": congress, "staff": staff, "unit_user": unit_user, "units": units,
            "categories": categories, "assignments": len(assignments), "replies": len(replies),
            "evaluations": len(evaluations), "contacts": len(contacts), "overdue": overdue}


def measure(fn: Any, repeat: int) -> tuple[float, float]:
    fn()  # warm caches and connections
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def page_or_fallback(client: Any, url: str, fallback: Any) -> tuple[Any, str]:
    """The page through the client if it renders; otherwise the query behind it."""
    try:
        response = client.get(url)
        ok = response.status_code == 200
        why = f"HTTP {response.status_code}"
    except Exception as exc:  # template or route missing while the page is being written
        ok, why = False, f"{type(exc).__name__}: {exc}"[:120]
    if ok:
        def get() -> None:
            assert client.get(url).status_code == 200
        return get, f"GET {url}"
    return fallback, f"FALLBACK (page not usable: {why}) — query only"


def _own_test_database() -> None:
    """On PostgreSQL the benchmark builds a fresh ``test_<name>`` database and drops it at
    the end; give it a name of its own so that it never clobbers the ``test_<name>`` of a
    pytest run going on at the same time against the same server."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        name = parts.path.lstrip("/") or "renda"
        if not name.endswith("_bench_suggestions"):
            os.environ["DATABASE_URL"] = urlunsplit(parts._replace(
                path=f"/{name}_bench_suggestions"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="number of suggestions")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    _own_test_database()
    where = setup()

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from renda.suggestions import queries
    from renda.suggestions.models import Suggestion

    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    data = build(args.n)
    build_s = time.perf_counter() - started
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give
        cursor.execute("ANALYZE")
    congress, staff, unit_user = data["congress"], data["staff"], data["unit_user"]
    category = data["categories"][2]

    staff_client = Client()
    staff_client.force_login(staff)
    unit_client = Client()
    unit_client.force_login(unit_user)

    def list_fallback() -> None:
        flt = queries.SuggestionFilter(category=category.pk)
        qs = queries.staff_list(congress, flt)
        list(qs[30:60])
        qs.count()

    def inbox_fallback() -> None:
        qs = queries.unit_inbox(unit_user, queries.InboxFilter(), congress.pk)
        list(qs[:30])
        qs.count()

    list_url = f"/suggestions/?congress={congress.pk}&category={category.pk}&page=2"
    list_fn, list_how = page_or_fallback(staff_client, list_url, list_fallback)
    inbox_fn, inbox_how = page_or_fallback(unit_client, "/suggestions/inbox/", inbox_fallback)
    figures_fn, figures_how = page_or_fallback(
        staff_client, f"/figures/suggestions/?congress={congress.pk}", lambda: None)
    if figures_how.startswith("FALLBACK"):
        raise SystemExit(f"the figures page does not render: {figures_how}")

    counts = {}
    for name, fn in (("list", list_fn), ("inbox", inbox_fn), ("figures", figures_fn)):
        with CaptureQueriesContext(connection) as ctx:
            fn()
        counts[name] = len(ctx.captured_queries)
    list_ms, list_p90 = measure(list_fn, args.repeat)
    all_fn, all_how = page_or_fallback(staff_client, f"/suggestions/?congress={congress.pk}",
                                       lambda: None)
    all_ms, _ = measure(all_fn, args.repeat) if not all_how.startswith("FALLBACK") else (0, 0)
    inbox_ms, inbox_p90 = measure(inbox_fn, args.repeat)
    # As deployed: the grouped counts are cached until the next audited change.
    figures_ms, figures_p90 = measure(figures_fn, args.repeat)
    # Cold: every request computes (the first view after any change).
    settings.RENDA_FIGURES_CACHE_SECONDS = 0
    cold_ms, cold_p90 = measure(figures_fn, args.repeat)
    from renda.core.models import User

    committee_client = Client()
    committee_client.force_login(User.objects.get(username="bench-committee"))
    committee_fn, _ = page_or_fallback(committee_client,
                                       f"/figures/suggestions/?congress={congress.pk}",
                                       lambda: None)
    committee_ms, _ = measure(committee_fn, args.repeat)
    filtered_fn, _ = page_or_fallback(
        staff_client, f"/figures/suggestions/?congress={congress.pk}&category={category.pk}",
        lambda: None)
    filtered_ms, _ = measure(filtered_fn, args.repeat)

    total = Suggestion.objects.filter(congress=congress).count()
    print(f"# {where}")
    print(f"# data: {total} suggestions, {data['assignments']} assignments "
          f"({data['overdue']} overdue), {data['replies']} replies, {data['evaluations']} "
          f"evaluations, {data['contacts']} contact records; built in {build_s:.1f} s")
    print(f"# list:    {list_how}: median {list_ms:.1f} ms, p90 {list_p90:.1f} ms, "
          f"{counts['list']} queries")
    if not all_how.startswith("FALLBACK"):
        print(f"# list, no filter, page 1: median {all_ms:.1f} ms")
    print(f"# inbox:   {inbox_how}: median {inbox_ms:.1f} ms, p90 {inbox_p90:.1f} ms, "
          f"{counts['inbox']} queries")
    print(f"# figures: {figures_how}: {counts['figures']} queries; cached (as deployed, until "
          f"the next audited change) median {figures_ms:.1f} ms, p90 {figures_p90:.1f} ms; "
          f"cold (computed on every request) median {cold_ms:.1f} ms, p90 {cold_p90:.1f} ms; "
          f"cold for one field {filtered_ms:.1f} ms, cold as a committee {committee_ms:.1f} ms")
    print(f"# {args.repeat} timed requests each after 2 warm-ups; target < 200 ms median")
    env = "DATABASE_URL=postgres://… " if connection.vendor == "postgresql" else ""
    print(f"# reproduce: {env}uv run python bench/suggestions.py --n {args.n} "
          f"--repeat {args.repeat}")
    print(f"RESULT suggestions={total} list_ms={list_ms:.1f} inbox_ms={inbox_ms:.1f} "
          f"figures_ms={figures_ms:.1f} figures_cold_ms={cold_ms:.1f}")


if __name__ == "__main__":
    main()
