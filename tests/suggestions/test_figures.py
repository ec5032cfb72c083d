"""建议办理统计: every figure checked against values counted by hand from one small history
built through the actions (DESIGN §5.1 “figures everyone asks for”), the charts, the page
and its scoping."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from renda.core import charts
from renda.core.models import AuditEvent, Organization, OrgKind, Role, Session
from renda.suggestions import actions, figures
from renda.suggestions.figures import FigureFilter, compute
from renda.suggestions.models import Category, Status, Suggestion
from tests.conftest import client_for, make_user

from .conftest import co_assignment, lead_assignment, write

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)        # session 2 is on: 大会期间
LATE_START = datetime(2025, 11, 3, 10, 0, tzinfo=TZ)  # between sessions: session 1
REPORT_DAY = datetime(2026, 6, 15, 9, 0, tzinfo=TZ)   # s5 (due 2026-06-02) is overdue
REPLY = "经认真研究，我单位已制定工作方案，明确时间表和责任人，并将结果函复代表。"


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def fresh(s: Suggestion) -> Suggestion:
    return Suggestion.objects.get(pk=s.pk)


def ann(s: Suggestion, kind: str = "lead", unit: Organization | None = None):
    qs = s.assignments.filter(kind=kind)
    return qs.get(unit=unit) if unit else qs.get()


@dataclass
class History:
    s: dict[str, Suggestion]
    session1: Session
    session2: Session
    building: Category
    education: Category
    unit: Organization
    unit2: Organization
    unit3: Organization


@pytest.fixture
def education(city):
    other = Organization.objects.create(congress=city, name="教育科学文化卫生委员会",
                                        kind=OrgKind.SPECIAL_COMMITTEE)
    return Category.objects.create(congress=city, name="教育", committee=other, sort_order=2)


@pytest.fixture
def unit3_user(city, unit3_org):
    return make_user("unit3", city, Role.UNIT, unit3_org)


@pytest.fixture
def history(city, deputy_user, staff, leader, category, education, committee_org, unit_org,
            unit2_org, unit3_org, unit_user, unit2_user, unit3_user) -> History:
    """Eight suggestions by 王建国, counted by hand in the tests below.

    s1 城乡建设 lead 住建局 + co 交通局: A, 满意 → closed; key supervision; 2 contacts
    s2 城乡建设 lead 住建局: B with a commitment, 基本满意 → tracking (counts as 办结)
    s3 城乡建设 lead 住建局: C, 不满意 → second reply A, not rated again → replied
    s4 教育 separate 交通局 (D) + 教育局 (A) → replied, not rated
    s5 教育 lead 教育局, accepted, never answered → overdue after 2026-06-02
    s6 城乡建设 registered, not assigned
    s7 教育 submitted only (not registered: not counted)
    s8 教育, 2025-11, session 1, lead 交通局 answered late (A), 满意 → closed
    """
    session1 = city.current_term().sessions.get(number=1)
    session2 = Session.objects.create(term=city.current_term(), number=2,
                                      start_date=date(2026, 3, 1), end_date=date(2026, 3, 5))
    s: dict[str, Suggestion] = {}
    with at(LATE_START):
        s["s8"] = write(deputy_user, city, education, title="关于增加城区学位供给的建议")
        actions.submit(deputy_user, s["s8"])
        actions.register(staff, fresh(s["s8"]))
        actions.assign(staff, fresh(s["s8"]), lead=unit2_org)
        actions.accept(unit2_user, ann(s["s8"]))
    with at(datetime(2026, 2, 20, 10, tzinfo=TZ)):  # due 2026-02-03: late
        actions.reply(unit2_user, ann(s["s8"]), reply_class="A", text=REPLY)
    with at(datetime(2026, 2, 21, 10, tzinfo=TZ)):
        actions.evaluate(deputy_user, fresh(s["s8"]), "satisfied")

    with at(T0):
        for name, cat in [("s1", category), ("s2", category), ("s3", category),
                          ("s4", education), ("s5", education), ("s6", category),
                          ("s7", education)]:
            s[name] = write(deputy_user, city, cat, title=f"关于第{name}件民生事项的建议")
            actions.submit(deputy_user, s[name])
            if name != "s7":
                actions.register(staff, fresh(s[name]))
        actions.assign(staff, fresh(s["s1"]), lead=unit_org, co=[unit2_org])
        actions.assign(staff, fresh(s["s2"]), lead=unit_org)
        actions.assign(staff, fresh(s["s3"]), lead=unit_org)
        actions.assign(staff, fresh(s["s4"]), separate=[unit2_org, unit3_org])
        actions.assign(staff, fresh(s["s5"]), lead=unit3_org)
        actions.supervise(staff, fresh(s["s1"]), "key", leader=leader, committee=committee_org)
        for name in ("s1", "s2", "s3"):
            actions.accept(unit_user, ann(s[name]))
        actions.accept(unit2_user, ann(s["s4"], "separate", unit2_org))
        actions.accept(unit3_user, ann(s["s4"], "separate", unit3_org))
        actions.accept(unit3_user, ann(s["s5"]))
    with at(T0 + timedelta(days=5)):
        actions.send_co_view(unit2_user, co_assignment(s["s1"]), "我局同意主办单位的办理意见，将积极配合。")
        for _ in range(2):
            actions.record_contact(unit_user, lead_assignment(s["s1"]), stage="before",
                                   way="phone", contact_date=date(2026, 3, 7), summary="电话沟通办理思路。")
        actions.record_contact(unit_user, lead_assignment(s["s3"]), stage="during", way="visit",
                               contact_date=date(2026, 3, 7), summary="实地察看现场情况。")
    with at(T0 + timedelta(days=10)):
        actions.reply(unit_user, lead_assignment(s["s1"]), reply_class="A", text=REPLY)
        actions.reply(unit_user, lead_assignment(s["s2"]), reply_class="B", text=REPLY,
                      commitments=[actions.CommitmentData("年底前完成改造", date(2026, 12, 31))])
        actions.reply(unit_user, lead_assignment(s["s3"]), reply_class="C", text=REPLY)
        actions.reply(unit2_user, ann(s["s4"], "separate", unit2_org), reply_class="D", text=REPLY)
        actions.reply(unit3_user, ann(s["s4"], "separate", unit3_org), reply_class="A", text=REPLY)
    with at(T0 + timedelta(days=12)):
        actions.evaluate(deputy_user, fresh(s["s1"]), "satisfied")
        actions.evaluate(deputy_user, fresh(s["s2"]), "basic")
        actions.evaluate(deputy_user, fresh(s["s3"]), "unsatisfied", "办理不够深入，请重新研究。")
    with at(T0 + timedelta(days=20)):
        actions.reply(unit_user, lead_assignment(s["s3"]), reply_class="A", text=REPLY)
    s = {k: fresh(v) for k, v in s.items()}
    assert [s[k].status for k in sorted(s)] == [
        Status.CLOSED, Status.TRACKING, Status.REPLIED, Status.REPLIED, Status.HANDLING,
        Status.REGISTERED, Status.SUBMITTED, Status.CLOSED]
    return History(s, session1, session2, category, education, unit_org, unit2_org, unit3_org)


def report(city, flt: FigureFilter | None = None, **kw):
    with at(REPORT_DAY):
        return compute(city, flt, **kw)


# --- the headline --------------------------------------------------------------------------------


def test_headline_figures_match_the_hand_count(city, history):
    f = report(city)
    t = f.total
    assert t.registered == 7          # s1–s6 and s8; s7 is only submitted
    assert t.assigned == 6            # s1–s5, s8
    assert t.closed == 3              # s1 closed, s2 tracking, s8 closed
    assert t.closed_rate == pytest.approx(3 / 6)
    assert t.answered == 5            # s1, s2, s3, s4, s8
    assert t.evaluated == 4           # s1 满意, s2 基本满意, s3 不满意 (latest round), s8 满意
    assert (t.satisfied, t.basic, t.unsatisfied) == (2, 1, 1)
    assert t.satisfaction_rate == pytest.approx(3 / 4)
    assert t.not_evaluated == 1       # s4
    assert t.overdue == 1             # s5
    assert t.key_supervised == 1      # s1
    assert t.merged == 0


def test_satisfaction_counts_basic_and_ignores_suggestions_not_rated(city, history):
    t = report(city).total
    # 满意 + 基本满意 over the rated ones; s4 (answered, not rated) is in neither part.
    assert t.satisfaction_rate == (t.satisfied + t.basic) / t.evaluated == 0.75
    assert t.evaluated + t.not_evaluated == t.answered


def test_second_rating_replaces_the_first(city, history, deputy_user):
    with at(T0 + timedelta(days=25)):
        actions.evaluate(deputy_user, fresh(history.s["s3"]), "basic")
    t = report(city).total
    assert (t.satisfied, t.basic, t.unsatisfied) == (2, 2, 0)
    assert t.satisfaction_rate == 1.0
    assert t.closed == 4 and t.closed_rate == pytest.approx(4 / 6)


def test_answer_classes_use_the_latest_reply_of_each_answering_unit(city, history):
    f = report(city)
    # s1 A, s2 B, s3 A (second reply replaces C), s4 D and A (two separate units), s8 A
    assert f.total.classes == {"A": 4, "B": 1, "D": 1}
    assert f.total.replies == 6
    assert f.total.class_share("A") == pytest.approx(4 / 6)
    assert f.total.class_share("C") == 0
    assert [c for c, _ in f.classes] == ["A", "B", "C", "D"]
    assert f.class_items() == [("A类", 4), ("B类", 1), ("C类", 0), ("D类", 1)]


def test_overdue_is_computed_on_the_day_asked(city, history):
    with at(datetime(2026, 6, 2, 12, tzinfo=TZ)):  # the due date itself: not yet overdue
        assert compute(city).total.overdue == 0
    with at(datetime(2026, 6, 3, 9, tzinfo=TZ)):
        assert compute(city).total.overdue == 1
        assert compute(city, today=date(2026, 6, 1)).total.overdue == 0


def test_breakdowns_by_session_category_and_month(city, history):
    f = report(city)
    by_session = {r.key: r for r in f.by_session}
    assert [r.label for r in f.by_session] == ["第十六届第一次会议", "第十六届第二次会议"]
    assert (by_session[history.session1.pk].registered, by_session[history.session1.pk].closed) == (1, 1)
    s2 = by_session[history.session2.pk]
    assert (s2.registered, s2.assigned, s2.closed, s2.evaluated, s2.overdue) == (6, 5, 2, 3, 1)
    assert s2.satisfaction_rate == pytest.approx(2 / 3)

    by_cat = {r.label: r for r in f.by_category}
    assert list(by_cat) == ["城乡建设", "教育"]
    b, e = by_cat["城乡建设"], by_cat["教育"]
    assert (b.registered, b.assigned, b.closed, b.evaluated, b.classes) == (4, 3, 2, 3, {"A": 2, "B": 1})
    assert (e.registered, e.assigned, e.closed, e.evaluated, e.overdue) == (3, 3, 1, 1, 1)
    assert e.classes == {"A": 2, "D": 1}

    months = [(r.key, r.label, r.registered) for r in f.by_month]
    assert months == [("2025-11", "2025年11月", 1), ("2025-12", "2025年12月", 0),
                      ("2026-01", "2026年1月", 0), ("2026-02", "2026年2月", 0),
                      ("2026-03", "2026年3月", 6)]
    assert sum(r.registered for r in f.by_month) == f.total.registered


def test_month_follows_beijing_time_not_utc(city, history, staff, deputy_user, category):
    # 2026-03-31 23:30 in Beijing is still March 31 in UTC+8, but 15:30 UTC the same day;
    # 2026-04-01 00:30 in Beijing is 2026-03-31 16:30 UTC: it belongs to April.
    with at(datetime(2026, 4, 1, 0, 30, tzinfo=TZ)):
        s = write(deputy_user, city, category, title="关于凌晨立案的一件建议")
        actions.submit(deputy_user, s)
        actions.register(staff, fresh(s))
    f = report(city)
    assert {r.key: r.registered for r in f.by_month}["2026-04"] == 1


def test_filters_narrow_every_figure(city, history):
    f = report(city, FigureFilter(category=history.education.pk))
    assert (f.total.registered, f.total.assigned, f.total.closed) == (3, 3, 1)
    assert [r.label for r in f.by_category] == ["教育"]
    f = report(city, FigureFilter(session=history.session1.pk))
    assert f.total.registered == 1 and f.total.classes == {"A": 1}
    f = report(city, FigureFilter(period="during"))
    assert f.total.registered == 6
    f = report(city, FigureFilter(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)))
    assert f.total.registered == 6 and [r.key for r in f.by_month] == ["2026-03"]
    f = report(city, FigureFilter(date_to=date(2026, 2, 28)))
    assert f.total.registered == 1
    f = report(city, FigureFilter(unit=history.unit3.pk))  # s4 and s5
    assert (f.total.registered, f.total.overdue) == (2, 1)
    assert [u.name for u in f.units] == ["市教育局"]


def test_filter_from_params_reports_bad_dates_in_chinese():
    flt = FigureFilter.from_params({"date_from": "2026-13-01", "session": "x", "period": "bad",
                                    "category": "-3"})
    assert flt == FigureFilter(errors=flt.errors)
    assert "开始日期" in flt.errors[0]
    flt = FigureFilter.from_params({"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert flt.date_from is None and "不能晚于" in flt.errors[0]
    flt = FigureFilter.from_params({"date_from": "2026-04-01", "unit": "7", "period": "between"})
    assert flt.params() == {"date_from": "2026-04-01", "unit": "7", "period": "between"}


def test_per_unit_table_for_the_yearly_review(city, history):
    units = {u.name: u for u in report(city).units}
    assert list(units) == ["市住房和城乡建设局", "市交通运输局", "市教育局"]
    housing, transport, education = units.values()
    assert (housing.lead, housing.co, housing.separate, housing.assigned) == (3, 0, 0, 3)
    assert (housing.answered, housing.on_time, housing.late, housing.overdue) == (3, 3, 0, 0)
    assert housing.classes == {"A": 2, "B": 1}
    assert (housing.satisfied, housing.basic, housing.unsatisfied) == (1, 1, 1)
    assert housing.satisfaction_rate == pytest.approx(2 / 3)
    assert housing.contacts == 3 and housing.contacts_per_assignment == 1.0

    # co view on time (s1), separate reply on time (s4), lead reply 17 days late (s8)
    assert (transport.lead, transport.co, transport.separate) == (1, 1, 1)
    assert (transport.answered, transport.on_time, transport.late) == (3, 2, 1)
    assert transport.on_time_rate == pytest.approx(2 / 3)
    assert transport.classes == {"A": 1, "D": 1}
    assert (transport.satisfied, transport.evaluated, transport.satisfaction_rate) == (1, 1, 1.0)
    assert transport.contacts == 0 and transport.contacts_per_assignment == 0

    assert (education.lead, education.separate, education.answered, education.overdue) == (1, 1, 1, 1)
    assert education.classes == {"A": 1}
    assert education.evaluated == 0 and education.satisfaction_rate is None


def test_reply_on_the_due_date_is_on_time(city, staff, deputy_user, category, unit_org, unit_user,
                                          history):
    with at(T0):
        s = write(deputy_user, city, category, title="关于当天答复的一件建议")
        actions.submit(deputy_user, s)
        actions.register(staff, fresh(s))
        actions.assign(staff, fresh(s), lead=unit_org)
        actions.accept(unit_user, ann(s))
    due = ann(s).due_date
    with at(datetime.combine(due, datetime.min.time(), TZ) + timedelta(hours=23, minutes=30)):
        actions.reply(unit_user, ann(s), reply_class="A", text=REPLY)
    housing = report(city).units[0]
    assert (housing.answered, housing.on_time) == (4, 4)


def test_committee_sees_only_its_fields(city, history, committee_org):
    f = report(city, committee_ids=[committee_org.pk])
    t = f.total
    assert (t.registered, t.assigned, t.closed, t.evaluated) == (4, 3, 2, 3)
    assert t.satisfaction_rate == pytest.approx(2 / 3)
    assert [r.label for r in f.by_category] == ["城乡建设"]
    assert {u.name for u in f.units} == {"市住房和城乡建设局", "市交通运输局"}
    assert report(city, committee_ids=[]).total.registered == 0


def test_empty_congress_has_no_division_errors(city):
    f = compute(city)
    t = f.total
    assert (t.registered, t.assigned) == (0, 0)
    assert t.closed_rate is None and t.satisfaction_rate is None and t.class_share("A") is None
    assert f.by_month == [] and f.units == [] and f.by_session == []
    assert [r.registered for r in f.by_category] == []


def test_other_congress_is_never_counted(city, other_congress, history):
    assert compute(other_congress).total.registered == 0
    assert report(city).total.registered == 7


def test_query_count_does_not_grow_with_suggestions(city, history, django_assert_max_num_queries,
                                                    staff, deputy_user, category, unit_org):
    with django_assert_max_num_queries(12):
        report(city)
    with at(T0):
        for i in range(5):
            s = write(deputy_user, city, category, title=f"关于追加第{i}件事项的建议")
            actions.submit(deputy_user, s)
            actions.register(staff, fresh(s))
            actions.assign(staff, fresh(s), lead=unit_org)
    with django_assert_max_num_queries(12):
        assert report(city).total.registered == 12


# --- charts ------------------------------------------------------------------------------------


def parse(svg) -> ET.Element:
    root = ET.fromstring(str(svg))  # noqa: S314 — our own markup
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img" and root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width") == "100%"
    assert "Noto Sans CJK SC" in root.get("font-family", "")
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text and root.find(f"{ns}desc").text
    return root


@pytest.mark.parametrize("build", [
    lambda label: charts.bar([(label, 3), ("交通", 1)], title="按领域", unit="件"),
    lambda label: charts.stacked_bar([label, "交通局"], {"A类": [1, 2], "B类": [0, 1]}, title="按单位"),
    lambda label: charts.line([(label, 1), ("2026年2月", 4)], title="按月"),
    lambda label: charts.donut([(label, 2), ("B类", 1)], title="答复类别"),
])
def test_chart_labels_are_escaped_and_the_svg_parses(build):
    svg = build("<script>alert(1)</script>")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    desc = root.find("{http://www.w3.org/2000/svg}desc").text
    assert "<script>alert(1)</script>" in desc  # read out as text
    assert charts.PALETTE[0] == "#b3261e" and "#b3261e" in svg
    assert 'class="legend"' in svg


@pytest.mark.parametrize("build", [
    lambda: charts.bar([], title="按领域"),
    lambda: charts.stacked_bar([], {}, title="按单位"),
    lambda: charts.line([], title="按月"),
    lambda: charts.donut([], title="答复类别"),
])
def test_empty_chart_says_no_data(build):
    svg = build()
    parse(svg)
    assert "暂无数据" in svg


@pytest.mark.parametrize("build", [
    lambda: charts.bar([("城乡建设", 0), ("教育", 0)], title="按领域"),
    lambda: charts.stacked_bar(["住建局"], {"A类": [0], "B类": [0]}, title="按单位"),
    lambda: charts.line([("2026年1月", 0), ("2026年2月", 0)], title="按月"),
    lambda: charts.donut([("A类", 0), ("B类", 0)], title="答复类别"),
])
def test_zero_totals_draw_without_dividing_by_zero(build):
    svg = build()
    parse(svg)
    assert "nan" not in svg.lower() and "inf" not in svg.lower()


def test_donut_describes_shares_in_words():
    root = parse(charts.donut([("A类", 3), ("B类", 1)], title="答复类别"))
    desc = root.find("{http://www.w3.org/2000/svg}desc").text
    assert desc == "答复类别。A类：3（75.0%）；B类：1（25.0%）；合计 4。"
    one = charts.donut([("A类", 2)], title="答复类别")
    assert "<circle" in one and "100.0%" in one  # a single full slice is a circle, not an arc


def test_bar_values_and_odd_inputs():
    svg = charts.bar([("满意率", 83.333), ("坏值", float("nan")), ("负数", -2)], title="满意率", unit="%")
    assert "83.3%" in svg and "nan" not in svg.lower()
    parse(svg)


# --- the page --------------------------------------------------------------------------------


URL = "/figures/suggestions/"


def test_figures_page_shows_headline_charts_and_tables(city, history, staff):
    with at(REPORT_DAY):
        response = client_for(staff).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    f = response.context["figures"]
    assert f.total.registered == 7
    assert html.count('role="img"') == 4
    for text in ("立案", "办结率", "50.0%", "满意率", "75.0%", "未评价", "逾期", "重点督办",
                 "按会议", "按领域", "按立案月份", "承办单位办理情况", "导出 Excel", "市住房和城乡建设局"):
        assert text in html, text
    assert html.count("export.xlsx") >= 5  # one link per table and one for everything
    assert 'class="table-wrap"' in html


def test_figures_page_filters_with_get(city, history, staff):
    with at(REPORT_DAY):
        response = client_for(staff).get(URL, {"category": history.education.pk,
                                               "date_from": "bad"})
    assert response.status_code == 200
    assert response.context["figures"].total.registered == 3
    assert "开始日期" in response.content.decode()


def test_leader_sees_the_figures(city, history, leader):
    with at(REPORT_DAY):
        response = client_for(leader).get(URL)
    assert response.status_code == 200 and response.context["figures"].total.registered == 7


def test_committee_page_is_limited_to_its_fields(city, history, committee_user):
    with at(REPORT_DAY):
        response = client_for(committee_user).get(URL)
    assert response.status_code == 200
    f = response.context["figures"]
    assert f.total.registered == 4
    assert [c.name for c in response.context["categories"]] == ["城乡建设"]
    assert "教育" not in [r.label for r in f.by_category]
    with at(REPORT_DAY):  # asking for another committee's field finds nothing
        response = client_for(committee_user).get(URL, {"category": history.education.pk})
    assert response.context["figures"].total.registered == 0


@pytest.mark.parametrize("persona", ["unit_user", "deputy_user", "auditor", "sysadmin"])
def test_roles_without_the_figures_permission_are_refused(request, city, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(URL).status_code == 403
    assert client_for(user).get(URL + "export.xlsx").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_congress_is_404(city, other_congress, history, staff, outsider):
    assert client_for(staff).get(URL, {"congress": other_congress.pk}).status_code == 404
    assert client_for(staff).get(URL, {"congress": "abc"}).status_code == 404
    assert client_for(outsider).get(URL, {"congress": city.pk}).status_code == 404
    response = client_for(outsider).get(URL)
    assert response.status_code == 200 and response.context["figures"].total.registered == 0


def test_page_query_count_is_bounded_and_flat(city, history, staff, deputy_user, category, unit_org,
                                              django_assert_max_num_queries):
    client = client_for(staff)
    client.get(URL)
    with at(REPORT_DAY), django_assert_max_num_queries(22) as before:
        client.get(URL)
    with at(T0):
        for i in range(6):
            s = write(deputy_user, city, category, title=f"关于再追加第{i}件事项的建议")
            actions.submit(deputy_user, s)
            actions.register(staff, fresh(s))
            actions.assign(staff, fresh(s), lead=unit_org)
    with at(REPORT_DAY), django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(URL)
    assert response.context["figures"].total.registered == 13


def test_page_records_no_audit_but_exports_do(city, history, staff):
    client = client_for(staff)
    with at(REPORT_DAY):
        client.get(URL)
    assert not AuditEvent.objects.filter(action="suggestions.figures_exported").exists()


def test_module_states_closed_includes_tracking():
    assert Status.TRACKING in figures.CLOSED_STATES and Status.CLOSED in figures.CLOSED_STATES
    assert "tracking" in figures.__doc__


def test_cached_figures_follow_every_audited_change(city, history, staff, settings,
                                                    django_assert_num_queries, deputy_user):
    from django.core.cache import caches

    cache = caches["shared"]
    cache.clear()
    settings.RENDA_FIGURES_CACHE_SECONDS = 300
    first = report(city)
    # labels, classes, audit head, the shared cache's row, unit names — no counting
    with django_assert_num_queries(6):
        again = report(city)
    assert again.total == first.total and again.units == first.units
    with at(T0 + timedelta(days=30)):  # an action moves a figure: the next request recounts
        actions.evaluate(deputy_user, fresh(history.s["s4"]), "basic")
    assert report(city).total.evaluated == first.total.evaluated + 1
    assert report(city, today=date(2026, 6, 1)).total.overdue == 0  # the day is in the key
    cache.clear()
