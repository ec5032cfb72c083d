"""Demo data of 民生实事项目票决: this year's round, voted at the congress and now being
carried out (milestones, progress reports, the mid-year inspection), and next year's
round open for voting, in which the demo `deputy` account has not voted yet.

Everything goes through ``renda.voting.actions``, so each step has its transition, its
audit event, its secret ballots and receipts.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.utils import timezone

from renda.core.models import Congress, Organization, Role, RoleAssignment, User
from renda.deputies.models import Deputy
from renda.voting import actions
from renda.voting.models import Choice, Entitlement, Kind, ReportKind

# (title, description, budget in 万元, a word of the responsible unit's name)
PROJECTS = [
    ("老旧小区加装电梯", "对具备条件的老旧住宅加装电梯 300 台，财政按每台 20 万元补助，简化审批。", 6000, "住房"),
    ("社区嵌入式养老服务中心", "在 20 个街道建设嵌入式养老服务中心，提供日间照料、助餐、康复护理服务。", 4000, "民政"),
    ("中小学课后延时服务提质", "全市公办中小学课后服务全覆盖，引入体育、艺术、科技类课程。", 2500, "教育"),
    ("农贸市场标准化改造", "改造提升 15 个农贸市场，完善排水、通风和食品安全快检设施。", 3000, "商务"),
    ("城市口袋公园建设", "利用边角空地新建口袋公园 40 个，让居民出门 300 米见绿。", 3500, "城市管理"),
    ("公交线网优化和适老化改造", "优化公交线路 30 条，新增社区微循环公交，更新低地板公交车。", 5000, "交通"),
    ("社区卫生服务站提升", "新建、改造社区卫生服务站 25 个，推行家庭医生签约服务。", 2800, "卫生"),
    ("农村饮水安全巩固提升", "实施农村供水管网改造 200 公里，解决 3 万人饮水水压不足问题。", 4200, "水利"),
    ("背街小巷环境整治", "整治背街小巷 120 条，改造雨污管网，规范架空线缆。", 3800, "城市管理"),
    ("增设公共停车泊位", "新增公共停车泊位 8000 个，推进机关事业单位停车场错时开放。", 2600, "公安"),
    ("残疾人家庭无障碍改造", "为 1500 户困难重度残疾人家庭实施无障碍改造。", 900, "民政"),
    ("社区智慧助餐点", "新建社区长者食堂和助餐点 60 个，对高龄、困难老人给予就餐补贴。", 1800, "民政"),
]
NEXT_PROJECTS = [
    ("中心城区学位扩容", "新建、改扩建中小学和幼儿园 12 所，新增学位 1.5 万个。", 9000, "教育"),
    ("“一老一小”托育服务", "新增普惠性托位 2000 个，社区托育点覆盖 60% 的街道。", 2400, "卫生"),
    ("城市内涝治理", "改造易涝点 35 处，新建雨水调蓄设施，提升排水能力。", 7000, "水利"),
    ("全民健身场地设施补短板", "新建社区健身路径 100 条、笼式球场 30 个。", 1600, "体育"),
    ("电动自行车集中充电设施", "在住宅小区建设集中充电车棚 500 处，消除飞线充电隐患。", 1500, "应急"),
    ("菜篮子平价商店", "设立平价商店 50 家，保障蔬菜、猪肉等基本生活品价格稳定。", 800, "商务"),
    ("公共厕所新建改造", "新建改造公共厕所 150 座，推行第三卫生间。", 1200, "城市管理"),
    ("困难群众就医帮扶", "提高城乡困难群众医疗救助比例，实施“一站式”结算。", 2200, "医疗"),
    ("农村公路提档升级", "改造提升农村公路 300 公里，实施危桥改造 20 座。", 6500, "交通"),
    ("社区矛盾纠纷调解中心", "在各街道建设矛盾纠纷调解中心，配备专职调解员。", 700, "司法"),
    ("高校毕业生就业见习", "开发就业见习岗位 5000 个，给予见习补贴。", 1300, "人力"),
    ("河湖生态缓冲带建设", "建设河湖生态缓冲带 80 公里，改善水生态环境。", 3300, "生态"),
]
PROPOSALS = [
    ("public", "建议给老小区装电梯", "我家住六楼，老人腿脚不好，上下楼很困难，希望帮助老小区加装电梯。", "张桂英"),
    ("public", "多建几个社区食堂", "小区里独居老人多，做饭不方便，希望社区能有个食堂，价格实惠一些。", "刘建华"),
    ("deputy", "关于推进口袋公园建设的建议", "中心城区绿地分布不均，建议利用拆违腾退的边角地建设口袋公园。", "王建国"),
    ("department", "农贸市场标准化改造", "部分农贸市场设施陈旧、排水不畅，建议列入民生实事分批改造。", "市商务局"),
    ("public", "希望增加夜间公交", "下夜班没有公交车，打车很贵，希望开通几条夜间线路。", "陈晓"),
    ("public", "学校门口堵车严重", "上下学时段学校门口堵车严重，建议建设接送车位和等候区。", "赵敏"),
]
MILESTONES = [("完成项目方案和资金安排", 1), ("完成招标和开工", 2), ("完成主体建设", 4),
              ("验收并投入使用", 3)]


def _unit(units: list[Organization], word: str, i: int) -> Organization | None:
    for u in units:
        if word in u.name:
            return u
    return units[i % len(units)] if units else None


def _vote_plan(rng: random.Random, ids: list[int], popularity: list[float], seats: int
               ) -> dict[str, str]:
    yes = [c for c, p in zip(ids, popularity, strict=True) if rng.random() < p][:seats]
    return {str(c): Choice.YES if c in yes else rng.choice([Choice.NO, Choice.ABSTAIN,
                                                            Choice.ABSTAIN]) for c in ids}


def load_voting(city: Congress, rng: random.Random, stdout: Any = None) -> dict[str, int]:
    staff = User.objects.get(username="staff")
    demo_deputy = User.objects.get(username="deputy")
    units = list(Organization.objects.filter(congress=city).units())
    year = timezone.localdate().year

    # This year's round: collected, screened, voted in January, now being carried out.
    r = actions.create_round(staff, city, year=year, title=f"{year}年民生实事项目票决", seats=10)
    for source, title, text, name in PROPOSALS:
        actions.submit_proposal(r, source=source, title=title, description=text, name=name,
                                phone=f"139{rng.randrange(10**8):08d}" if source == "public" else "")
    actions.move(staff, r, "screening")
    for p in r.proposals.all():
        actions.screen_proposal(staff, p, accept=False,
                                reason="已并入同类候选项目" if p.source != "public" or rng.random() < .7
                                else "不属于政府年度可完成的项目，转有关部门研究")
    for i, (title, text, budget, word) in enumerate(PROJECTS):
        actions.add_candidate(staff, r, title=title, description=text, budget=budget,
                              unit=_unit(units, word, i))
    actions.fix_candidates(staff, r)
    actions.open_vote(staff, r)
    # Deputies of the snapshot who hold the deputy role here now (and an account).
    voters = list(User.objects.filter(
        is_active=True,
        deputy__in=Entitlement.objects.filter(round=r, kind=Kind.VOTE).values("deputy_id"),
        id__in=RoleAssignment.objects.current().filter(congress=city, role=Role.DEPUTY)
        .values("user_id"),
    ).exclude(pk=demo_deputy.pk).order_by("pk"))
    ids = list(r.candidates.values_list("id", flat=True))
    popularity = [.95, .92, .9, .86, .84, .8, .78, .75, .72, .7, .45, .4]
    cast = 0
    for u in [*voters, demo_deputy]:
        if rng.random() < .93:
            actions.cast(u, r.pk, _vote_plan(rng, ids, popularity, r.seats))
            cast += 1
    actions.close_vote(staff, r)
    actions.move(staff, r, "announced")
    r = actions.move(staff, r, "implementing")
    reports = 0
    for c in r.candidates.filter(elected=True):
        done = rng.randint(35, 95)
        for j, (title, weight) in enumerate(MILESTONES):
            m = actions.add_milestone(staff, c, title=title, weight=weight,
                                      due_date=date(year, 3 + 3 * j, 28 if j != 3 else 30))
            # The first steps are done, the later ones partly: ``done`` sets how far.
            progress = [100, min(100, done * 2), max(0, min(100, done * 2 - 80)),
                        max(0, (done - 80) * 5)][j]
            actions.set_progress(staff, m, progress)
        actions.add_report(staff, c, text=f"{c.title}已完成年度计划的 {c.progress}%，"
                           "资金已按进度拨付，部分点位已投入使用，群众反映良好。")
        reports += 1
        if rng.random() < .5:
            sample = rng.sample(list(Deputy.objects.filter(user__in=voters[:60])), 3)
            actions.add_report(staff, c, kind=ReportKind.INSPECTION,
                               text=f"年中视察询问：代表实地察看{c.title}现场，就进度滞后点位"
                                    "询问责任单位，要求三季度末前全部开工。",
                               deputy_ids=[d.pk for d in sample])
            reports += 1

    # Next year's round: candidates fixed, the vote open; `deputy` has not voted yet.
    n = actions.create_round(staff, city, year=year + 1, title=f"{year + 1}年民生实事项目票决",
                             seats=10)
    actions.move(staff, n, "screening")
    for i, (title, text, budget, word) in enumerate(NEXT_PROJECTS):
        actions.add_candidate(staff, n, title=title, description=text, budget=budget,
                              unit=_unit(units, word, i))
    actions.fix_candidates(staff, n)
    actions.open_vote(staff, n)
    next_ids = list(n.candidates.values_list("id", flat=True))
    early = 0
    for u in voters[: len(voters) // 3]:
        actions.cast(u, n.pk, _vote_plan(rng, next_ids, popularity, n.seats))
        early += 1
    if stdout is not None:
        stdout.write(f"民生实事项目票决：{year} 年 {cast} 人投票、{reports} 条进展；"
                     f"{year + 1} 年投票进行中（已投 {early} 人）。")
    return {"voting_rounds": 2, "voting_ballots": cast + early, "voting_reports": reports,
            "voting_kinds": len(Kind.values)}
