"""Demo data of the duty archive (履职档案): a year of activities of 示例市人大 — inspections,
research, law-enforcement checks, trainings, group activities, the congress meeting — with
invitations, attendance and leave, and deputies' own reports verified by staff or the
station keeper; made through ``renda.archive.actions`` so every rule and audit event holds.
Suggestions registered by the suggestions demo are already in the archive (captured from
their transition log). Runs in a few seconds.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from renda.archive import actions
from renda.archive.models import Attendance, RecordKind
from renda.archive.scoring import compute_year, ruleset_for
from renda.core.errors import DomainError
from renda.core.models import Congress, Notification, User
from renda.deputies.models import Deputy, Mandate

ACTIVITIES = [
    ("training", "新任代表履职学习培训班", "市人大常委会代表工作委员会", "市委党校报告厅"),
    ("meeting", "市第十六届人民代表大会第五次会议", "市人大常委会办公厅", "市人民会堂"),
    ("inspection", "城市更新和老旧小区改造工作视察", "城乡建设环境保护委员会", "东城区和平里街道"),
    ("research", "乡村振兴和农村人居环境整治专题调研", "农业与农村委员会", "北山县青石镇"),
    ("law_check", "《食品安全法》执法检查", "教育科学文化卫生委员会", "市市场监督管理局"),
    ("standing", "列席市人大常委会第二十次会议", "市人大常委会办公厅", "市人大常委会会议室"),
    ("group", "医疗卫生行业代表小组集中活动", "医疗卫生行业代表小组", "市第一人民医院"),
    ("inquiry", "养老服务体系建设专题询问", "社会建设委员会", "市人大常委会会议室"),
    ("report", "东城区代表向选民述职评议会", "东城区人大常委会", "和平里社区代表联络站"),
    ("inspection", "重点民生实事项目推进情况视察", "财政经济委员会", "市城投集团施工现场"),
    ("research", "优化营商环境条例实施情况调研", "法制委员会", "市政务服务中心"),
    ("training", "预算审查监督专题培训", "预算工作委员会", "市人大常委会培训中心"),
    ("group", "东城区代表小组进站接待选民", "东城区代表小组", "和平里社区代表联络站"),
    ("law_check", "《大气污染防治法》执法检查", "城乡建设环境保护委员会", "市经济开发区"),
    ("standing", "列席市人大常委会第二十二次会议", "市人大常委会办公厅", "市人大常委会会议室"),
    ("inspection", "义务教育学位供给情况视察", "教育科学文化卫生委员会", "西城区新建学校"),
]

REPORTS = [
    ("reception", "在代表联络站接待群众{n}人次，收集停车、加装电梯等意见"),
    ("contact", "走访选区{n}户居民，了解社区养老服务需求"),
    ("legal", "在社区开展民法典宣传讲座，听众约{n}人"),
    ("practical", "协调解决小区供水管网改造问题，惠及{n}户居民"),
    ("speech", "在市人代会分组审议政府工作报告时发言，提出{n}条意见"),
    ("bill", "领衔提出关于制定《物业管理条例》的议案"),
    ("other", "参加市人大常委会组织的信访接待，接待来访群众{n}人次"),
]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def load_archive(city: Congress, rng: random.Random, stdout: Any = None) -> dict[str, int]:
    """Build the demo archive of ``city`` (run once, inside ``load_demo``)."""
    staff = User.objects.get(username="staff")
    keeper = User.objects.filter(username="keeper").first()
    started = timezone.now()
    today = timezone.localdate()
    members = list(Mandate.objects.filter(congress=city, status="active")
                   .select_related("deputy__user"))
    demo = Deputy.objects.filter(user__username="deputy").first()
    ids = [m.deputy_id for m in members]
    # The city's rules for the year: the default points, grade bands suited to its practice.
    rs = ruleset_for(city.pk, today.year)
    actions.save_rules(staff, city, today.year, {r.kind: r.points for r in rs.rules.all()},
                       {r.kind: r.cap for r in rs.rules.all()},
                       [(40, "好"), (20, "较好"), ("", "差")], date(today.year, 11, 30))
    counts = {"archive_activities": 0, "archive_attendance": 0, "archive_self_reports": 0}
    # Past activities, spread over the year up to last week.
    span = max((today - date(today.year, 1, 8)).days - 7, 30)
    for i, (kind, title, organiser, place) in enumerate(ACTIVITIES):
        day = date(today.year, 1, 8) + timedelta(days=span * i // len(ACTIVITIES))
        if day >= today:
            day = today - timedelta(days=7 + i)
        invited = ids if kind == "meeting" else rng.sample(ids, k=min(len(ids), rng.randint(18, 36)))
        if demo and demo.pk not in invited and i % 3 != 2:
            invited = [*invited, demo.pk]
        a = actions.create_activity(staff, city, actions.ActivityData(
            kind=kind, title=title, organiser=organiser, place=place,
            starts_at=_at(day, 9), ends_at=_at(day, 17 if kind == "meeting" else 12)), invited)
        counts["archive_activities"] += 1
        absent = [d for d in invited if d != getattr(demo, "pk", 0)
                  and rng.random() > (0.97 if kind == "meeting" else 0.85)]
        for deputy_id in absent:
            actions.mark_attendance(staff, a, deputy_id, Attendance.ABSENT)
        counts["archive_attendance"] += actions.mark_all_attended(staff, a) + len(absent)
    # One on now (to try the QR check-in) and two to come (to try leave requests).
    now = timezone.localtime()
    upcoming = [("inspection", "“口袋公园”建设情况视察", now - timedelta(minutes=30), 6),
                ("research", "公共文化服务体系建设调研", now + timedelta(days=6), 3),
                ("training", "代表履职能力提升培训（第二期）", now + timedelta(days=12), 4)]
    upcoming_urls = []
    for kind, title, start, hours in upcoming:
        invited = rng.sample(ids, k=min(len(ids), 20))
        if demo and demo.pk not in invited:
            invited.append(demo.pk)
        a = actions.create_activity(staff, city, actions.ActivityData(
            kind=kind, title=title, organiser="市人大常委会代表工作委员会", place="示例市",
            starts_at=start, ends_at=start + timedelta(hours=hours)), invited)
        counts["archive_activities"] += 1
        upcoming_urls.append(f"/archive/activities/{a.pk}/")
        for m in members:
            if m.deputy_id in invited[:3] and m.deputy.user and m.deputy_id != getattr(demo, "pk", 0):
                actions.request_leave(m.deputy.user, a, "单位有紧急工作任务，无法参加")
    # Deputies' own reports: most verified, some rejected, some waiting.
    reporters = [m for m in members if m.deputy.user_id]
    rng.shuffle(reporters)
    if demo:
        reporters = [m for m in members if m.deputy_id == demo.pk] + reporters
    for m in reporters[:90]:
        for _ in range(rng.randint(1, 3)):
            kind, text = rng.choice(REPORTS)
            day = today - timedelta(days=rng.randint(3, max(span, 10)))
            try:
                rec = actions.self_report(m.deputy.user, city, kind, day,
                                          text.format(n=rng.randint(5, 80)))
            except DomainError:
                continue
            counts["archive_self_reports"] += 1
            r = rng.random()
            verifier = keeper if keeper and kind in (RecordKind.RECEPTION, RecordKind.CONTACT) \
                else staff
            if r < 0.72:
                actions.verify(verifier, rec, True)
            elif r < 0.82:
                actions.verify(verifier, rec, False, "缺少现场照片或签到记录，请补充后重新填报")
    # Invitations to past activities and old queue notices were read long ago.
    Notification.objects.filter(created_at__gte=started, read_at__isnull=True).exclude(
        url__in=upcoming_urls).update(read_at=timezone.now())
    for year in range(today.year - 4, today.year + 1):
        compute_year(city.pk, year)
    if stdout is not None:
        stdout.write(f"  履职档案：活动 {counts['archive_activities']} 项，"
                     f"出席登记 {counts['archive_attendance']} 人次，"
                     f"代表填报 {counts['archive_self_reports']} 条")
    return counts
