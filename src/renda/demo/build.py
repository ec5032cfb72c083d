"""Build the demo: 示例市人大 with its bodies, units, delegations, groups and ~300 deputies,
four county congresses below it, and one account per role.

The deputies go in the way staff put them in: an .xlsx roster (made here in memory) passed
through ``renda.deputies.roster.import_roster``, which creates the people, their mandates,
their accounts and DEPUTY roles and their group memberships. What a roster does not carry
(ended mandates, group leaders, the previous term) is set afterwards.

``load_demo`` is idempotent: when 示例市人民代表大会 exists it changes nothing.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO
from typing import IO, Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from openpyxl import Workbook

from renda.core import audit
from renda.core.models import (
    Congress,
    Level,
    Notification,
    Organization,
    OrgKind,
    Role,
    RoleAssignment,
    Session,
    Term,
    User,
)
from renda.core.notify import notify
from renda.deputies.models import (
    Delegation,
    Deputy,
    DeputyGroup,
    EndReason,
    GroupKind,
    GroupMembership,
    GroupRole,
    Mandate,
    MandateStatus,
    Party,
)
from renda.deputies.roster import COLUMNS, import_roster

from . import data
from .data import District, Occupation, Post
from .suggestions import load_suggestions

SEED = 2026
# Ages are drawn as of this day, so the people do not change with the calendar.
AGE_REFERENCE = date(2026, 1, 1)
# Titles held by one person per unit.
HEAD_TITLES = {"书记", "市长", "区长", "县长", "主任", "院长", "校长", "所长", "园长", "局长",
               "检察长", "董事长", "总经理", "理事长", "党委书记", "党工委书记", "党总支书记",
               "党支部书记", "村委会主任", "居委会主任", "司令员", "政治委员", "支队长",
               "部队长", "参谋长", "总工程师", "总建筑师", "副院长", "副校长"}
# Titles that read "现为…" rather than "现任…" in a bio.
PLAIN_TITLES = {"个体工商户", "村民", "种粮大户", "家庭农场主", "一线工人", "快递员",
                "网约车驾驶员", "外卖骑手", "环卫工人", "投递员", "公交驾驶员"}


@dataclass
class Person:
    name: str
    gender: str
    ethnicity: str
    birth_date: date
    party: str
    education: str
    work_unit: str
    title: str
    phone: str
    bio: str
    occupation: str
    district: str
    town: str
    # per roster (reset for each congress the person is imported into)
    delegation: str = ""
    constituency: str = ""
    groups: list[str] = field(default_factory=list)
    start_date: date | None = None

    def roster_values(self) -> dict[str, Any]:
        return {
            "name": self.name, "gender": self.gender, "ethnicity": self.ethnicity,
            "birth_date": self.birth_date, "party": self.party, "education": self.education,
            "work_unit": self.work_unit, "title": self.title, "phone": self.phone,
            "delegation": self.delegation, "constituency": self.constituency,
            "groups": "、".join(self.groups), "start_date": self.start_date, "bio": self.bio,
        }


def roster_file(people: list[Person]) -> IO[bytes]:
    """The roster as staff would upload it: the import template's columns, one row each."""
    wb = Workbook()
    ws = wb.active
    ws.title = "代表名册"
    ws.append([c.header for c in COLUMNS])
    for person in people:
        values = person.roster_values()
        ws.append([values[c.key] for c in COLUMNS])
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


class _Builder:
    def __init__(self, stdout: Any = None, suggestions: bool = True, stations: bool = True) -> None:
        self.rng = random.Random(SEED)
        self.stdout = stdout
        self.with_suggestions = suggestions
        self.with_stations = stations
        self.phone_counter = 0
        self.used_names: set[str] = {a[1] for a in data.DEMO_ACCOUNTS}
        self.used_posts: set[tuple[str, str]] = set()
        self.counts: dict[str, int] = {}
        self.districts = {d.name: d for d in data.DISTRICTS}
        # The demo deputy keeps the first number of the series.
        self.demo_deputy_phone = self.next_phone()

    # --- small helpers ---------------------------------------------------------------

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def next_phone(self) -> str:
        self.phone_counter += 1
        return f"139{self.phone_counter:08d}"

    def weighted(self, weights: dict[str, float]) -> str:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def given_char(self, chars: str) -> str:
        return self.rng.choices(chars, weights=[1 / (i + 4) for i in range(len(chars))])[0]

    def name(self, gender: str) -> str:
        chars = data.GIVEN_FEMALE if gender == "女" else data.GIVEN_MALE
        for _ in range(200):
            surname = self.weighted(data.SURNAMES)
            given = self.given_char(chars)
            if self.rng.random() < data.TWO_CHAR_GIVEN:
                second = self.given_char(chars)
                if second == given:
                    continue
                given += second
            name = surname + given
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("demo: ran out of names")  # pragma: no cover

    def party(self, occupation: Occupation, unit: str, title: str) -> str:
        if unit.startswith("中共") or "党" in title:
            return Party.CPC.value
        choice = self.weighted(occupation.party)
        if choice == data.ANY_DEMOCRATIC:
            choice = self.weighted(data.DEMOCRATIC_PARTIES)
        return choice

    def birth_date(self, occupation: Occupation) -> date:
        age = self.rng.randint(*occupation.age)
        return date(AGE_REFERENCE.year - age - 1, self.rng.randint(1, 12),
                    self.rng.randint(1, 28))

    def towns(self, district: District, needs: str) -> list[str]:
        if needs == "street":
            return [t for t in district.towns if t.endswith("街道")]
        if needs == "rural":
            return [t for t in district.towns if not t.endswith("街道")]
        return list(district.towns)

    def candidates(self, occupation: Occupation, district: District,
                   level: str) -> list[tuple[Post, list[str]]]:
        """The posts this occupation can hold in this district, with their towns."""
        candidates: list[tuple[Post, list[str]]] = []
        for p in occupation.posts:
            if p.needs == "city" and level != "city":
                continue
            if "{congress_org}" in p.unit and not district.congress_org:
                continue
            towns = self.towns(district, p.needs)
            if towns:
                candidates.append((p, towns))
        return candidates

    def post(self, occupation: Occupation, district: District,
             level: str) -> tuple[str, str, str]:
        """(work unit, title, town) for a new person of this occupation in this district."""
        candidates = self.candidates(occupation, district, level)
        for _ in range(60):
            post, towns = self.rng.choices(candidates,
                                           weights=[c[0].weight for c in candidates])[0]
            town = self.rng.choice(towns)
            unit = post.unit.format(
                district=district.name, gov=district.gov, party_org=district.party_org,
                congress_org=district.congress_org, town=town,
                village=self.rng.choice(data.VILLAGES),
                community=self.rng.choice(data.COMMUNITIES),
                company=self.rng.choice(data.COMPANY_PREFIXES)
                + self.rng.choice(data.COMPANY_KINDS),
                factory=self.rng.choice(data.COMPANY_PREFIXES)
                + self.rng.choice(data.FACTORY_KINDS),
                prefix=self.rng.choice(data.COMPANY_PREFIXES),
                firm=self.rng.choice(data.LAW_FIRMS), coop=self.rng.choice(data.COOPS),
            )
            titles = [t.format(head=district.head) for t in post.titles]
            if town.endswith("乡"):
                titles = [t.replace("镇长", "乡长") for t in titles]
            if post.unique:
                titles = [t for t in titles if (unit, t) not in self.used_posts]
            else:  # a unit has one head even where its staff are many
                titles = [t for t in titles if (unit, t) not in self.used_posts
                          or t.split("、")[0] not in HEAD_TITLES]
            if not titles:
                continue
            title = self.rng.choice(titles)
            self.used_posts.add((unit, title))
            return unit, title, town
        raise RuntimeError(f"demo: no post left for {occupation.key} in {district.name}")

    def person(self, occupation: Occupation, district: District, level: str) -> Person:
        gender = "女" if self.rng.random() < occupation.female else "男"
        name = self.name(gender)
        unit, title, town = self.post(occupation, district, level)
        party = self.party(occupation, unit, title)
        education = self.weighted(occupation.education)
        ethnicity = self.weighted(data.ETHNICITIES)
        birth = self.birth_date(occupation)
        party_label = Party(party).label
        held = f"现为{unit}{title}" if title in PLAIN_TITLES else f"现任{unit}{title}"
        bio = (f"{name}，{gender}，{ethnicity}，{birth.year}年{birth.month}月出生，{party_label}，"
               f"{data.EDUCATION_PHRASE[education]}。{held}。"
               f"{self.rng.choice(occupation.focus)}")
        return Person(name=name, gender=gender, ethnicity=ethnicity, birth_date=birth,
                      party=party, education=education, work_unit=unit, title=title,
                      phone=self.next_phone(), bio=bio, occupation=occupation.key,
                      district=district.name, town=town)

    def occupation(self, level: str, district: District) -> Occupation:
        options = [o for o in data.OCCUPATIONS
                   if (o.weight_city if level == "city" else o.weight_county) > 0
                   and self.candidates(o, district, level)]
        weights = [o.weight_city if level == "city" else o.weight_county for o in options]
        return self.rng.choices(options, weights=weights)[0]

    def import_people(self, people: list[Person], congress: Congress) -> None:
        result = import_roster(roster_file(people), congress, None)
        if not result.imported:
            problems = "; ".join(str(e) for e in result.errors[:10])
            raise RuntimeError(f"demo roster for {congress} was not imported: {problems}")
        self.say(f"  {congress.short_name}: 导入代表 {result.created} 名")

    # --- the city ----------------------------------------------------------------------

    def build(self) -> None:
        started = time.monotonic()
        self.password = make_password(data.DEMO_PASSWORD)
        city = self.city_congress()
        orgs = self.city_organizations(city)
        self.accounts = self.demo_accounts(city, orgs)
        people = self.city_people(city)
        self.import_people(people, city)
        self.after_city_import(city, people)
        for county in data.COUNTIES:
            self.county(city, county, people)
        self.check_demo_deputy(city)
        self.notifications(city)
        _analyze()
        # 代表建议: ~470 suggestions made through the workflow's actions (demo/suggestions.py).
        if self.with_suggestions:
            self.counts.update(load_suggestions(city, self.rng, self.stdout))
        # 联络站: ~15 stations, 2,000 messages, a year of receptions (demo/stations.py).
        if self.with_stations:
            _analyze()
            from .stations import load_stations

            self.counts.update(load_stations(city, random.Random(SEED + 4), self.stdout))
        self.counts["seconds"] = round(time.monotonic() - started, 1)
        audit.record("demo.loaded", congress=city, obj=city, summary=self.counts)

    def city_congress(self) -> Congress:
        city = Congress.objects.create(level=Level.CITY, **data.CITY_CONGRESS)
        previous = Term.objects.create(congress=city, number=data.CITY_TERM - 1,
                                       start_date=data.CITY_PREVIOUS_TERM_START,
                                       end_date=data.CITY_TERM_START - timedelta(days=1))
        current = Term.objects.create(congress=city, number=data.CITY_TERM,
                                      start_date=data.CITY_TERM_START, is_current=True)
        Session.objects.bulk_create(
            [Session(term=previous, number=i, start_date=s, end_date=e)
             for i, (s, e) in enumerate(data.CITY_PREVIOUS_SESSIONS, start=1)]
            + [Session(term=current, number=i, start_date=s, end_date=e)
               for i, (s, e) in enumerate(data.CITY_SESSIONS, start=1)])
        self.city_terms = {"previous": previous, "current": current}
        Delegation.objects.bulk_create(
            [Delegation(congress=city, name=d.delegation, sort_order=i)
             for i, d in enumerate(data.DISTRICTS, start=1)]
            + [Delegation(congress=city, name=data.MILITARY_DELEGATION,
                          sort_order=len(data.DISTRICTS) + 1)])
        DeputyGroup.objects.bulk_create(
            [DeputyGroup(congress=city, name=f"{d.name}代表小组", kind=GroupKind.REGIONAL)
             for d in data.DISTRICTS]
            + [DeputyGroup(congress=city, name=g, kind=GroupKind.INDUSTRY)
               for g in data.CITY_INDUSTRY_GROUPS])
        self.say(f"  {city.short_name}: 第{data.CITY_TERM}届、{len(data.CITY_SESSIONS)}次会议、"
                 f"{len(data.DISTRICTS) + 1}个代表团")
        return city

    def city_organizations(self, city: Congress) -> dict[str, Organization]:
        orgs: dict[str, Organization] = {}
        kinds = {"standing": OrgKind.STANDING_COMMITTEE, "special": OrgKind.SPECIAL_COMMITTEE,
                 "working": OrgKind.WORKING_COMMITTEE, "office": OrgKind.OFFICE}
        for i, (name, short, kind, parent) in enumerate(data.CITY_BODIES, start=1):
            orgs[name] = Organization.objects.create(
                congress=city, name=name, short_name=short, kind=kinds[kind],
                parent=orgs.get(parent), sort_order=i)
        government = Organization.objects.create(
            congress=city, name=data.CITY_GOVERNMENT, short_name="市政府", kind=OrgKind.UNIT,
            sort_order=1)
        orgs[government.name] = government
        units = Organization.objects.bulk_create([
            Organization(congress=city, name=name, short_name=short, kind=OrgKind.UNIT,
                         parent=government if department else None, sort_order=i)
            for i, (name, short, department) in enumerate(data.CITY_UNITS, start=1)
            if name != data.CITY_GOVERNMENT
        ])
        orgs.update({u.name: u for u in units})
        self.counts["city_units"] = len(units) + 1
        self.counts["city_bodies"] = len(data.CITY_BODIES)
        self.say(f"  {city.short_name}: {len(data.CITY_BODIES)}个机构、"
                 f"{len(units) + 1}个承办单位")
        return orgs

    def demo_accounts(self, city: Congress, orgs: dict[str, Organization]) -> dict[str, User]:
        now = timezone.now()
        users = User.objects.bulk_create([
            User(username=username, full_name=full_name, congress=city, password=self.password,
                 must_change_password=False, password_changed_at=now,
                 phone=self.demo_deputy_phone if role == Role.DEPUTY else None)
            for username, full_name, role, _org, _what in data.DEMO_ACCOUNTS
        ])
        accounts = {u.username: u for u in users}
        # The deputy's DEPUTY role comes from the roster import, like every deputy's.
        RoleAssignment.objects.bulk_create([
            RoleAssignment(user=accounts[username], congress=city, role=role,
                           organization=orgs[org] if org else None,
                           start_date=data.CITY_TERM_START)
            for username, _name, role, org, _what in data.DEMO_ACCOUNTS
            if role != Role.DEPUTY
        ])
        audit.record("demo.accounts_created", congress=city, object_type="core.user",
                     summary={"accounts": [a[0] for a in data.DEMO_ACCOUNTS],
                              "roles": {a[0]: a[2] for a in data.DEMO_ACCOUNTS}})
        self.counts["accounts"] = len(users)
        return accounts

    def city_people(self, city: Congress) -> list[Person]:
        people: list[Person] = []
        for district in data.DISTRICTS:
            members: list[Person] = []
            if district.name == data.DEMO_DEPUTY["district"]:
                members.append(self.demo_deputy())
            while len(members) < district.seats:
                members.append(self.person(self.occupation("city", district), district, "city"))
            for p in members:
                p.delegation = district.delegation
                p.constituency = district.name
                p.groups = [f"{district.name}代表小组"]
                group = next((o.group for o in data.OCCUPATIONS if o.key == p.occupation), "")
                if group:
                    p.groups.append(group)
                if p.occupation in data.AGRICULTURE_OCCUPATIONS:
                    p.groups.append("农业农村行业代表小组")
            people.extend(members)
        military_district = District("驻示例市部队", data.MILITARY_DELEGATION, "", "", "",
                                     ("驻地",))
        for _ in range(data.MILITARY_SEATS):
            p = self.person(data.MILITARY, military_district, "city")
            p.district = ""
            p.delegation = data.MILITARY_DELEGATION
            p.constituency = "驻示例市部队"
            people.append(p)
        # A few were elected later, at by-elections (补选), to fill seats left empty.
        later = self.rng.sample([p for p in people if p.phone != self.demo_deputy_phone],
                                len(data.BY_ELECTIONS) + len(data.ENDED_MANDATES))
        for p, start in zip(later, data.BY_ELECTIONS, strict=False):
            p.start_date = start
        self.ended = list(zip(later[len(data.BY_ELECTIONS):], data.ENDED_MANDATES, strict=True))
        return people

    def demo_deputy(self) -> Person:
        d = data.DEMO_DEPUTY
        self.used_names.add(d["name"])
        self.used_posts.add((d["work_unit"], d["title"]))
        return Person(name=d["name"], gender=d["gender"], ethnicity=d["ethnicity"],
                      birth_date=d["birth_date"], party=d["party"], education=d["education"],
                      work_unit=d["work_unit"], title=d["title"], phone=self.demo_deputy_phone,
                      bio=d["bio"], occupation=d["occupation"], district=d["district"],
                      town=d["town"])

    def after_city_import(self, city: Congress, people: list[Person]) -> None:
        current, previous = self.city_terms["current"], self.city_terms["previous"]
        mandates = {m.deputy.phone: m for m in Mandate.objects.filter(term=current)
                    .select_related("deputy")}
        # Mandates that ended during the term; the person's DEPUTY role ends with it and
        # they leave their groups.
        ended_summary = []
        for person, (reason, note, end) in self.ended:
            m = mandates[person.phone]
            m.status, m.end_reason, m.end_date, m.end_note = (
                MandateStatus.ENDED, reason, end, note)
            ended_summary.append({"deputy": person.name, "reason": EndReason(reason).label,
                                  "end_date": end.isoformat()})
        ended = [mandates[p.phone] for p, _ in self.ended]
        Mandate.objects.bulk_update(ended, ["status", "end_reason", "end_date", "end_note"])
        GroupMembership.objects.filter(mandate__in=ended).delete()
        for m in ended:
            RoleAssignment.objects.filter(user_id=m.deputy.user_id, congress=city,
                                          role=Role.DEPUTY).update(end_date=m.end_date)
        audit.record("demo.mandates_ended", congress=city, object_type="deputies.mandate",
                     summary={"ended": ended_summary})
        # About a third were deputies of the previous term as well (连任).
        ended_ids = {m.pk for m in ended}
        returning = [m for m in mandates.values()
                     if m.pk not in ended_ids and m.start_date == current.start_date
                     and self.rng.random() < 0.33]
        Mandate.objects.bulk_create([
            Mandate(deputy_id=m.deputy_id, congress=city, term=previous,
                    delegation_id=m.delegation_id, constituency=m.constituency,
                    start_date=previous.start_date, end_date=previous.end_date,
                    status=MandateStatus.ENDED, end_reason=EndReason.TERM_END,
                    end_note="本届任期届满")
            for m in returning])
        self.set_group_leaders(city)
        active = len(mandates) - len(ended)
        self.counts.update({"city_deputies": len(mandates), "city_active": active,
                            "city_ended": len(ended), "previous_term": len(returning)})
        self.say(f"  {city.short_name}: 在任代表 {active} 名，资格终止 {len(ended)} 名，"
                 f"上届连任 {len(returning)} 名")

    def set_group_leaders(self, congress: Congress) -> None:
        """One 组长 and one 副组长 per group: for regional groups the most senior official."""
        memberships = list(GroupMembership.objects.filter(group__congress=congress)
                           .select_related("mandate__deputy").order_by("group_id", "id"))
        by_group: dict[int, list[GroupMembership]] = {}
        for gm in memberships:
            by_group.setdefault(gm.group_id, []).append(gm)
        changed = []
        for members in by_group.values():
            ranked = sorted(members, key=lambda gm: (-_rank(gm.mandate.deputy), gm.id))
            top = ranked[0] if _rank(ranked[0].mandate.deputy) else self.rng.choice(members)
            top.role = GroupRole.LEADER
            changed.append(top)
            rest = [gm for gm in members if gm is not top]
            if rest:
                second = self.rng.choice(rest)
                second.role = GroupRole.DEPUTY_LEADER
                changed.append(second)
        GroupMembership.objects.bulk_update(changed, ["role"])

    # --- counties ----------------------------------------------------------------------

    def county(self, city: Congress, spec: data.County, city_people: list[Person]) -> None:
        district = self.districts[spec.district]
        head = district.name[-1]  # 区 / 县
        congress = Congress.objects.create(
            name=f"{data.CITY}{district.name}人民代表大会", short_name=f"{district.name}人大",
            level=Level.COUNTY, region_code=spec.region_code, parent=city)
        term = Term.objects.create(congress=congress, number=spec.term,
                                   start_date=spec.term_start, is_current=True)
        sessions = [(spec.term_start, spec.term_start + timedelta(days=3))] + [
            (date(year, 1, 5 + spec.term % 3), date(year, 1, 8 + spec.term % 3))
            for year in (2023, 2024, 2025, 2026)]
        Session.objects.bulk_create([Session(term=term, number=i, start_date=s, end_date=e)
                                     for i, (s, e) in enumerate(sessions, start=1)])
        standing = Organization.objects.create(
            congress=congress, name=f"{district.name}人民代表大会常务委员会", short_name="常委会",
            kind=OrgKind.STANDING_COMMITTEE, sort_order=1)
        gov = Organization.objects.create(congress=congress, name=district.gov,
                                          short_name=f"{head}政府", kind=OrgKind.UNIT,
                                          sort_order=1)
        Organization.objects.bulk_create([
            Organization(congress=congress, name="法制委员会", kind=OrgKind.SPECIAL_COMMITTEE,
                         sort_order=2),
            Organization(congress=congress, name="财政经济委员会",
                         kind=OrgKind.SPECIAL_COMMITTEE, sort_order=3),
            Organization(congress=congress, name="代表工作委员会", short_name="代表工委",
                         kind=OrgKind.WORKING_COMMITTEE, parent=standing, sort_order=4),
            Organization(congress=congress, name="办公室", kind=OrgKind.OFFICE,
                         parent=standing, sort_order=5),
            Organization(congress=congress, name=f"{district.name}监察委员会",
                         short_name=f"{head}监委", kind=OrgKind.UNIT, sort_order=2),
            Organization(congress=congress, name=f"{district.name}人民法院",
                         short_name=f"{head}法院", kind=OrgKind.UNIT, sort_order=3),
            Organization(congress=congress, name=f"{district.name}人民检察院",
                         short_name=f"{head}检察院", kind=OrgKind.UNIT, sort_order=4),
            *[Organization(congress=congress, name=f"{district.name}{dept}",
                           short_name=f"{head}{dept}", kind=OrgKind.UNIT, parent=gov,
                           sort_order=10 + i)
              for i, dept in enumerate(data.COUNTY_DEPARTMENTS)],
        ])
        Delegation.objects.bulk_create([
            Delegation(congress=congress, name=f"{town}代表团", sort_order=i)
            for i, town in enumerate(district.towns, start=1)])
        DeputyGroup.objects.bulk_create(
            [DeputyGroup(congress=congress, name=f"{town}代表小组", kind=GroupKind.REGIONAL)
             for town in district.towns]
            + [DeputyGroup(congress=congress, name="教育卫生代表小组",
                           kind=GroupKind.INDUSTRY)])

        # City deputies of this district who also sit in its congress: its leaders first.
        ended = {e[0].phone for e in self.ended}
        local = [p for p in city_people if p.district == district.name
                 and p.phone not in ended and district.name in p.work_unit]
        ranked = sorted(local, key=lambda p: -_seniority(p.work_unit, p.title))
        shared = [p for p in local if p.phone == self.demo_deputy_phone]
        shared += [p for p in ranked[:spec.shared // 2] if p not in shared]
        rest = [p for p in local if p not in shared]
        shared += self.rng.sample(rest, spec.shared - len(shared))
        people = list(shared)
        while len(people) < spec.deputies:
            people.append(self.person(self.occupation("county", district), district, "county"))
        numbers: dict[str, int] = {}
        for p in people:
            numbers[p.town] = numbers.get(p.town, 0) + 1
            p.delegation = f"{p.town}代表团"
            p.constituency = f"{p.town}第{numbers[p.town]}选区"
            p.groups = [f"{p.town}代表小组"]
            if p.occupation in ("teacher", "doctor"):
                p.groups.append("教育卫生代表小组")
            p.start_date = None
        self.import_people(people, congress)
        self.set_group_leaders(congress)
        self.counts[f"county_{spec.region_code}"] = len(people)
        self.counts["both_levels"] = self.counts.get("both_levels", 0) + len(shared)

    def check_demo_deputy(self, city: Congress) -> None:
        """The `deputy` account must be 李明华's: the import links it by phone number."""
        user = self.accounts["deputy"]
        deputy = Deputy.objects.get(phone=self.demo_deputy_phone)
        if deputy.user_id != user.pk:
            raise RuntimeError(f"demo: the roster import did not link {deputy} to `deputy`")
        congresses = set(deputy.mandates.values_list("congress_id", flat=True))
        have = set(RoleAssignment.objects.filter(user=user, role=Role.DEPUTY)
                   .values_list("congress_id", flat=True))
        missing = congresses - have
        if missing:
            raise RuntimeError(f"demo: `deputy` lacks the DEPUTY role in {sorted(missing)}")
        self.demo_deputy_id = deputy.pk

    def notifications(self, city: Congress) -> None:
        deputy, staff = self.accounts["deputy"], self.accounts["staff"]
        ended = len(self.ended)
        notes = [
            (deputy, "欢迎使用数字人大平台",
             "您是示例市第十六届人大代表，也是东湖区第十九届人大代表。平台汇集了您在两级人大的"
             "代表信息、建议和履职档案。", f"/deputies/{self.demo_deputy_id}/", True, 72),
            (deputy, "请核对本人代表信息",
             "市人大常委会代表工作委员会已更新第十六届代表名册，请核对您的工作单位、职务和"
             "联系方式，如有变化请及时告知代表工委。", f"/deputies/{self.demo_deputy_id}/",
             False, 6),
            (deputy, "市十六届人大五次会议代表建议征集",
             "大会期间提出的建议请在大会主席团规定的截止时间前提交；闭会期间可随时通过平台"
             "提出建议。", "", False, 2),
            (staff, "代表名册导入完成",
             f"第十六届代表名册已导入：在任代表 {self.counts['city_active']} 名。",
             "/deputies/", True, 48),
            (staff, f"本届已有 {ended} 名代表资格终止",
             "请核对代表名册中资格终止代表的终止原因和日期，并更新各代表小组名单。",
             "/deputies/?status=ended", False, 5),
            (staff, "东湖区人大常委会报送代表补选结果",
             "东湖区人大常委会报送了补选的市人大代表名单，请核对后更新代表名册。",
             "/deputies/", False, 1),
        ]
        now = timezone.now()
        for user, title, body, url, read, hours_ago in notes:
            (note,) = notify([user], title, body, url, congress=city)
            Notification.objects.filter(pk=note.pk).update(
                created_at=now - timedelta(hours=hours_ago), read_at=now if read else None)
        self.counts["notifications"] = len(notes)


def _seniority(unit: str, title: str) -> int:
    """A rough rank of a person for leading a group (higher first); 0 for no claim.

    District officials come first; city leaders do not lead a district's group.
    """
    city_leadership = (f"{data.CITY}人民政府", f"{data.CITY}人大常委会", f"中共{data.CITY}")
    if unit.startswith(city_leadership):
        return 0
    if "人大常委会" in unit:
        return {"主任": 100, "副主任": 60}.get(title, 0)
    if unit.startswith("中共") and title == "书记":
        return 90
    if unit.endswith(("人民政府", "管理委员会")):
        return 50 if title.startswith("副") else 80
    if title in ("党工委书记", "党委书记"):
        return 40
    if title in ("办事处主任", "镇长", "乡长"):
        return 30
    if title.split("、")[0] in ("院长", "校长", "董事长", "党委书记", "党支部书记", "所长",
                               "主任", "理事长", "司令员", "政治委员"):
        return 20
    return 0


def _rank(deputy: Deputy) -> int:
    return _seniority(deputy.work_unit, deputy.title)


def _analyze() -> None:
    """Fresh planner statistics between the demo's phases. The whole demo is written in one
    transaction, which autovacuum cannot see; without this, PostgreSQL plans the later
    phases' queries for empty tables and a load that takes a minute takes many."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def load_demo(stdout: Any = None, *, suggestions: bool = True, stations: bool = True,
              archive: bool = True, assist: bool = True, voting: bool = True) -> bool:
    """Build the demo once. Returns False, changing nothing, when it is already there.
    ``suggestions=False`` leaves out the ~30 s of suggestions (for tests of the rest);
    ``stations=False`` leaves out the liaison stations, messages and receptions."""
    if Congress.objects.filter(name=data.CITY_CONGRESS["name"]).exists():
        if stdout is not None:
            stdout.write("演示数据已存在，未重复导入。")
        return False
    started = time.monotonic()
    with transaction.atomic():
        builder = _Builder(stdout, suggestions=suggestions, stations=stations)
        builder.build()
        # 履职档案: a year of activities, attendance and deputies' reports (demo/archive.py);
        # ``archive=False`` leaves it out.
        if archive:
            from .archive import load_archive

            _analyze()
            load_archive(Congress.objects.get(name=data.CITY_CONGRESS["name"]),
                         random.Random(SEED + 6), stdout)
        # 智能辅助: keyword rules, local names, a routing model when there are suggestions
        # (demo/assist.py); ``assist=False`` leaves it out.
        if assist:
            from .assist import load_assist

            load_assist(Congress.objects.get(name=data.CITY_CONGRESS["name"]), stdout,
                        train=suggestions)
        # 民生实事项目票决: this year's round voted and under way, next year's open for
        # voting (demo/voting.py); ``voting=False`` leaves it out.
        if voting:
            from .voting import load_voting

            _analyze()
            load_voting(Congress.objects.get(name=data.CITY_CONGRESS["name"]),
                        random.Random(SEED + 7), stdout)
    if stdout is not None:
        stdout.write(f"演示数据已生成，用时 {time.monotonic() - started:.1f} 秒。")
    return True
