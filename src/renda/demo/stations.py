"""Demo 联络站: ~15 stations with reception calendars and deputies of the city and the
districts/counties below it, 2,000 citizens' messages in every state, and a year of
receptions. Generated here (no external data); bulk inserts keep it to a few seconds."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from renda.core import audit
from renda.core.models import Congress, Organization, OrgKind, Role, RoleAssignment, User
from renda.deputies.models import Mandate, MandateStatus
from renda.stations import antiabuse
from renda.stations.actions import CODE_ALPHABET
from renda.stations.calendar import station_days
from renda.stations.gazetteer import PLACES
from renda.stations.models import (
    CalendarException,
    CalendarRule,
    ExceptionKind,
    Message,
    MessageCategory,
    MessageStatus,
    MessageTransition,
    Rating,
    Reception,
    ReceptionDeputy,
    RuleKind,
    Source,
    Station,
    StationDeputy,
    StationKind,
    TransferKind,
)
from renda.suggestions.deadlines import add_workdays

M = MessageStatus

# (district, street/town, kind)
STATIONS = [
    ("东湖区", "湖滨街道", StationKind.HOME), ("东湖区", "东城街道", StationKind.STATION),
    ("东湖区", "月湖街道", StationKind.POINT), ("东湖区", "城东镇", StationKind.STATION),
    ("西山区", "西山街道", StationKind.HOME), ("西山区", "凤凰街道", StationKind.STATION),
    ("西山区", "青龙镇", StationKind.STATION), ("云台区", "临江街道", StationKind.STATION),
    ("云台区", "金沙镇", StationKind.POINT), ("南江县", "南江镇", StationKind.HOME),
    ("南江县", "清河镇", StationKind.STATION), ("北岭县", "北岭镇", StationKind.STATION),
    ("北岭县", "龙泉镇", StationKind.POINT), ("青溪县", "溪口镇", StationKind.STATION),
    ("高新区", "科技城街道", StationKind.INDUSTRY),
]
ROADS = ("人民路", "解放路", "建设路", "中山路", "文化路", "健康路", "朝阳路", "新华路")

HANDLERS: dict[str, list[str]] = {
    MessageCategory.URBAN: ["市城市管理局", "市住房和城乡建设局"],
    MessageCategory.TRAFFIC: ["市交通运输局", "市公安局"],
    MessageCategory.EDUCATION: ["市教育局"],
    MessageCategory.HEALTH: ["市卫生健康委员会", "市医疗保障局"],
    MessageCategory.SOCIAL: ["市民政局", "市人力资源和社会保障局"],
    MessageCategory.ENVIRONMENT: ["市生态环境局"],
    MessageCategory.MARKET: ["市市场监督管理局"],
}

TOPICS: dict[str, list[str]] = {
    MessageCategory.URBAN: ["{p}{r}小区门口的路灯坏了很久，晚上出行很不安全，希望尽快修复。",
                            "{p}老旧小区雨污管道经常堵塞，一下雨就返臭水，请有关部门整治。",
                            "{p}{r}一带新建小区的配套幼儿园迟迟没有移交，孩子入园难。",
                            "建议在{p}增设口袋公园和健身器材，方便居民就近锻炼。"],
    MessageCategory.TRAFFIC: ["{p}{r}和学校门口的路口早晚高峰拥堵严重，建议增设信号灯和护学岗。",
                              "{p}到市区的公交班次太少，晚上七点后就没有车了，希望延长运营时间。",
                              "{p}{r}人行道被电动车和汽车占用，行人只能走机动车道。"],
    MessageCategory.EDUCATION: ["{p}小学放学时间太早，双职工家庭接孩子困难，建议开展课后托管服务。",
                                "{p}学校周边有流动摊贩售卖三无食品，请加强监管。"],
    MessageCategory.HEALTH: ["{p}社区卫生服务中心缺少儿科医生，看病要跑到市区。",
                             "希望{p}卫生院开通医保异地结算，方便外来务工人员。"],
    MessageCategory.SOCIAL: ["{p}独居老人较多，建议开设社区老年食堂和助餐点。",
                             "{p}灵活就业人员参加养老保险的缴费渠道不清楚，希望加强政策宣传。"],
    MessageCategory.ENVIRONMENT: ["{p}{r}附近的餐馆油烟直排，居民不敢开窗，请环保部门查处。",
                                  "{p}河道漂浮垃圾多，夏天有异味，希望加强河道保洁。"],
    MessageCategory.MARKET: ["{p}菜市场部分摊位缺斤短两，希望市场监管部门加强检查。",
                             "{p}{r}有预付卡商户关门跑路，消费者维权困难。"],
    MessageCategory.OTHER: ["希望在{p}设立更多政务服务自助终端，方便老人办事。",
                            "{p}{r}噪音扰民，夜间施工到十一点以后，请有关部门管一管。"],
}
ANSWERS = ["经现场核查，已于{d}完成整改，今后将加强日常巡查。感谢您对我们工作的监督。",
           "您反映的问题已纳入今年的民生实事项目，预计年内完成，届时将在社区公示。",
           "已会同街道、社区召开协调会，制定了整改方案，近期将分步实施，请您继续关注。",
           "经研究，该事项涉及规划调整，我们已向上级部门报告，并将及时答复进展。"]
REJECT_REASONS = ["属于已进入诉讼程序的事项，请依法通过人民法院解决。",
                  "属于劳动争议，请向劳动人事争议仲裁委员会申请仲裁。",
                  "属于行政复议事项，请在法定期限内向复议机关申请行政复议。"]
STATUS_WEIGHTS = [(M.RECEIVED, 6), (M.ACCEPTED, 6), (M.TRANSFERRED, 18), (M.ANSWERED, 20),
                  (M.CLOSED, 42), (M.REJECTED, 8)]


def _aware(d: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour, minute)))


def load_stations(city: Congress, rng: random.Random, stdout: Any = None,
                  messages: int = 2000) -> dict[str, int]:
    today = timezone.localdate()
    counties = {c.name: c for c in Congress.objects.filter(parent=city)}
    city_deputies: dict[str, list[int]] = {}
    for m in (Mandate.objects.filter(congress=city, status=MandateStatus.ACTIVE,
                                     term__is_current=True).select_related("delegation")):
        key = m.delegation.name.replace("代表团", "") if m.delegation_id else ""
        city_deputies.setdefault(key, []).append(m.deputy_id)
    keeper = User.objects.filter(username="keeper").first()
    stations: list[Station] = []
    links: list[StationDeputy] = []
    per_station: dict[int, list[int]] = {}
    for i, (district, street, kind) in enumerate(STATIONS):
        lat, lon = PLACES[street]
        kind_label = StationKind(kind).label.replace("代表", "人大代表") if kind != StationKind.INDUSTRY \
            else "人大代表行业联络站"
        name = f"{street}{kind_label}" if kind != StationKind.INDUSTRY else f"{street}科技企业{kind_label}"
        s = Station.objects.create(
            congress=city, kind=kind, name=name,
            address=f"示例市{district}{street}{rng.choice(ROADS)}{rng.randint(1, 300)}号",
            lat=lat + rng.uniform(-0.002, 0.002), lon=lon + rng.uniform(-0.002, 0.002),
            phone=f"0580-{rng.randint(2000000, 8999999)}", hours="工作日 8:30–17:00",
            intro=f"{street}的人大代表在这里接待群众、听取意见，欢迎来访或扫码留言。")
        if keeper is not None and i < 3:
            s.keepers.add(keeper)
        stations.append(s)
        chosen = rng.sample(city_deputies.get(district, []), k=min(4, len(city_deputies.get(district, []))))
        ids = [(d, "市人大代表") for d in chosen]
        county = next((c for n, c in counties.items() if district in n), None)
        if county is not None:
            local = list(Mandate.objects.filter(congress=county, status=MandateStatus.ACTIVE)
                         .values_list("deputy_id", flat=True)[:200])
            label = "县人大代表" if district.endswith("县") else "区人大代表"
            ids += [(d, label) for d in rng.sample(local, k=min(3, len(local)))
                    if d not in chosen]
        for order, (deputy_id, label) in enumerate(ids):
            links.append(StationDeputy(station=s, deputy_id=deputy_id, level_label=label,
                                       sort_order=order))
        per_station[s.pk] = [d for d, _ in ids]
    StationDeputy.objects.bulk_create(links)

    # Calendars: a mix of the three kinds of rule, with a cancelled and an extra day.
    start = today - timedelta(days=400)
    for s in stations:
        ids = per_station[s.pk]
        pick = rng.randrange(3)
        if pick == 0:
            rule = CalendarRule.objects.create(station=s, kind=RuleKind.WEEKLY,
                                               weekday=rng.randrange(5), start_date=start,
                                               note="上午9:00–11:30")
        elif pick == 1:
            rule = CalendarRule.objects.create(station=s, kind=RuleKind.MONTHLY_DAY, day=20,
                                               start_date=start, note="全天")
        else:
            rule = CalendarRule.objects.create(station=s, kind=RuleKind.MONTHLY_NTH, weekday=1,
                                               nths="1,3", start_date=start, note="下午2:30–5:00")
        rule.duty_deputies.set(ids[:2])
        days = station_days(s, today, today + timedelta(days=60))
        if days:
            CalendarException.objects.create(station=s, date=days[0].day, kind=ExceptionKind.CANCEL,
                                             note="因会议取消")
        extra = CalendarException.objects.create(station=s, date=today + timedelta(days=10),
                                                 kind=ExceptionKind.EXTRA, note="专题接待：民生实事")
        extra.duty_deputies.set(ids[2:4])

    # Receptions over the past year, on the stations' own reception days.
    receptions: list[Reception] = []
    attendance: list[tuple[int, list[int]]] = []
    for s in stations:
        for d in station_days(s, today - timedelta(days=365), today - timedelta(days=1)):
            if rng.random() < 0.7:
                receptions.append(Reception(station=s, date=d.day, visitors=rng.randint(2, 25),
                                            notes="代表现场听取群众意见，解答政策问题。",
                                            created_by=keeper, created_at=_aware(d.day, 17)))
                attendance.append((s.pk, d.deputy_ids or per_station[s.pk][:2]))
    Reception.objects.bulk_create(receptions)
    rows = []
    for r, (_sid, ids) in zip(receptions, attendance, strict=True):
        for deputy_id in ids:
            checked = _aware(r.date, 9, rng.randint(0, 40)) if rng.random() < 0.9 else None
            rows.append(ReceptionDeputy(reception=r, deputy_id=deputy_id, checked_in_at=checked))
    ReceptionDeputy.objects.bulk_create(rows)

    # Messages, spread over the past year, in every state.
    units = list(Organization.objects.filter(congress=city, kind=OrgKind.UNIT, is_active=True))
    by_name = {u.name: u for u in units}
    # Each matter goes where a city would send it, always the same unit, so that the similar
    # messages and the routing model trained on these transfers show what they would in use.
    handlers = {c: [by_name[n] for n in names if n in by_name] or units
                for c, names in HANDLERS.items()}
    staff = User.objects.filter(pk__in=RoleAssignment.objects.filter(
        congress=city, role=Role.STAFF).values("user_id")).first()
    unit_user_of = {ra.organization_id: ra.user_id for ra in
                    RoleAssignment.objects.filter(congress=city, role=Role.UNIT)}
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    street_of = {s.pk: STATIONS[i][1] for i, s in enumerate(stations)}
    msgs: list[Message] = []
    plans: list[list[tuple[str, datetime, int | None]]] = []
    used: set[str] = set()
    for n in range(messages):
        s = rng.choice(stations)
        age = rng.randint(0, 360)
        status = rng.choices(statuses, weights)[0]
        if status == M.RECEIVED:
            age = rng.randint(0, 8)
        created = _aware(today - timedelta(days=age), rng.randint(7, 22), rng.randint(0, 59))
        if created > timezone.now():
            created = timezone.now() - timedelta(minutes=rng.randint(5, 300))
        category = rng.choice(list(TOPICS))
        topic = rng.randrange(len(TOPICS[category]))
        content = TOPICS[category][topic].format(p=street_of[s.pk], r=rng.choice(ROADS))
        code = ""
        while not code or code in used:
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(10))
        used.add(code)
        phone = f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}" if rng.random() < 0.7 else ""
        m = Message(congress=city, station=s, code=code, category=category, content=content,
                    name=rng.choice(["", "张", "李", "王", "刘", "陈"]) + ("先生" if rng.random() < .5 else "女士")
                    if rng.random() < 0.6 else "", phone=phone,
                    phone_hash=antiabuse.digest("phone", phone), status=status, created_at=created,
                    source=Source.RECEPTION if n % 10 == 0 else Source.ONLINE,
                    accept_due=add_workdays(created.date(), 5))
        plan = [(M.RECEIVED, created, None)]
        t = created
        if status != M.RECEIVED:
            t += timedelta(days=rng.randint(0, 4), hours=rng.randint(1, 8))
            if status == M.REJECTED:
                m.reject_reason, m.closed_at = rng.choice(REJECT_REASONS), t
                plan.append((M.REJECTED, t, staff.pk if staff else None))
            else:
                m.accepted_at = t
                plan.append((M.ACCEPTED, t, staff.pk if staff else None))
        if status in (M.TRANSFERRED, M.ANSWERED, M.CLOSED):
            t += timedelta(days=rng.randint(0, 3), hours=2)
            choices = handlers.get(category) or units
            unit = choices[topic % len(choices)]  # one matter, one handler
            m.transfer_kind, m.unit, m.transferred_at = TransferKind.UNIT, unit, t
            m.answer_due = add_workdays(t.date(), 15)
            plan.append((M.TRANSFERRED, t, staff.pk if staff else None))
        if status in (M.ANSWERED, M.CLOSED):
            t += timedelta(days=rng.randint(2, 25), hours=3)
            m.answer = rng.choice(ANSWERS).format(d=f"{t:%m月%d日}")
            m.answered_at, m.answered_by = t, m.unit.name
            plan.append((M.ANSWERED, t, unit_user_of.get(m.unit_id)))
        if status == M.CLOSED:
            t += timedelta(days=rng.randint(1, 10))
            m.rating = Rating.SATISFIED if rng.random() < 0.85 else Rating.UNSATISFIED
            m.closed_at = t
            plan.append((M.CLOSED, t, None))
        msgs.append(m)
        plans.append(plan)
    Message.objects.bulk_create(msgs, batch_size=500)
    transitions = []
    for m, plan in zip(msgs, plans, strict=True):
        prev = ""
        for status, at, actor in plan:
            transitions.append(MessageTransition(message=m, from_status=prev, to_status=status,
                                                 actor_id=actor, at=min(at, timezone.now())))
            prev = status
    MessageTransition.objects.bulk_create(transitions, batch_size=1000)
    counts = {"stations": len(stations), "station_messages": len(msgs),
              "receptions": len(receptions)}
    audit.record("demo.stations_loaded", congress=city, obj=city, summary=counts)
    if stdout is not None:
        stdout.write(f"联络站：{len(stations)} 个，群众留言 {len(msgs)} 条，接待 {len(receptions)} 次。")
    return counts
