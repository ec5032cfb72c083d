"""A congress with three handling units and a history of past assignments to learn from."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from renda.core.models import Organization, OrgKind
from renda.deputies.models import Deputy
from renda.suggestions.models import Assignment, AssignmentKind, Status, Suggestion

# (unit, title, problem) — three fields that a model can tell apart
HISTORY = {
    "市交通运输局": [
        ("关于增开{}公交线路的建议", "{}居民出行不便，公交线路少，高峰期等车时间长，地铁站接驳不畅。"),
        ("关于治理{}交通拥堵的建议", "{}路口车流量大，信号灯配时不合理，早晚高峰拥堵严重，停车位不足。"),
        ("关于规范{}共享单车停放的建议", "{}地铁站出口共享单车乱停放，占用人行道，公交站台拥挤。"),
    ],
    "市教育局": [
        ("关于{}新建小学的建议", "{}适龄儿童增多，学校学位紧张，班额过大，教师不足，入学难。"),
        ("关于改善{}幼儿园条件的建议", "{}公办幼儿园少，学位不足，民办园收费高，家长负担重。"),
        ("关于加强{}中小学课后服务的建议", "{}学生放学早，家长接送难，课后托管服务不足，教师待遇低。"),
    ],
    "市卫生健康委员会": [
        ("关于{}社区卫生服务中心建设的建议", "{}居民看病难，社区医院医生少，药品不全，老人就医不便。"),
        ("关于提升{}医院急诊能力的建议", "{}医院急诊排队时间长，床位紧张，医护人员不足，救护车少。"),
        ("关于加强{}疫苗接种服务的建议", "{}接种点少，预约难，儿童疫苗接种排队久，医生工作量大。"),
    ],
}
PLACES = ["东城区", "西湖街道", "梅溪湖片区", "高新区", "北山镇", "南湖社区", "滨江新区"]


@pytest.fixture
def units(city):
    return {name: Organization.objects.create(congress=city, name=name, kind=OrgKind.UNIT)
            for name in HISTORY}


def make_history(city, staff, units, per_pattern: int = 3, offset: int = 0) -> list[Assignment]:
    """Registered suggestions and their lead assignments, written straight to the tables
    (this is test data about the past; the assignment actions are tested in suggestions)."""
    deputy = Deputy.objects.filter(mandates__congress=city).first()
    term = city.current_term()
    made = []
    today = timezone.localdate()
    n = offset
    for unit_name, patterns in HISTORY.items():
        for title, problem in patterns:
            for i in range(per_pattern):
                place = PLACES[(n + i) % len(PLACES)]
                n += 1
                s = Suggestion.objects.create(
                    congress=city, term=term, lead_deputy=deputy, created_by=staff,
                    title=title.format(place), problem=problem.format(place),
                    analysis="原因在于规划滞后、投入不足。", measures="建议加大投入，尽快改善。",
                    status=Status.ASSIGNED, registered_at=timezone.now(), number=f"T{n:04d}")
                made.append(Assignment.objects.create(
                    suggestion=s, unit=units[unit_name], kind=AssignmentKind.LEAD,
                    assigned_by=staff, due_date=today + timedelta(days=90),
                    original_due_date=today + timedelta(days=90), adjust_until=date.today()))
    return made


@pytest.fixture
def history(city, staff, units, deputy_user):
    return make_history(city, staff, units)
