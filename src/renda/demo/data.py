"""Word lists for the demo: names, places, occupations, parties — all invented here.

Weights are rough shares seen in city-level deputy rosters (about two thirds 中共党员,
about three in ten women, mostly 汉族); the places and units belong to the fictional
示例市, so nothing points at a real person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# --- names -------------------------------------------------------------------------------

# Common surnames with rough frequencies (per mille of the population).
SURNAMES: dict[str, float] = {
    "王": 71, "李": 70, "张": 67, "刘": 54, "陈": 45, "杨": 31, "黄": 22, "赵": 20, "吴": 20,
    "周": 19, "徐": 15, "孙": 14, "马": 13, "朱": 13, "胡": 12, "郭": 11, "何": 11, "高": 10,
    "林": 10, "罗": 9, "郑": 9, "梁": 8, "谢": 7, "宋": 6, "唐": 6, "许": 6, "韩": 5,
    "冯": 5, "邓": 5, "曹": 5, "彭": 5, "曾": 4, "肖": 4, "田": 4, "董": 4, "袁": 4,
    "潘": 3, "于": 3, "蒋": 3, "蔡": 3, "余": 3, "杜": 3, "叶": 3, "程": 3, "苏": 3,
    "魏": 3, "吕": 3, "丁": 3, "任": 3, "沈": 3, "姚": 2, "卢": 2, "姜": 2, "崔": 2,
    "钟": 2, "谭": 2, "陆": 2, "汪": 2, "范": 2, "金": 2, "石": 2, "廖": 2, "贾": 2,
    "夏": 2, "韦": 2, "方": 2, "白": 2, "邹": 2, "孟": 2, "熊": 2, "秦": 2, "邱": 2,
    "江": 2, "尹": 2, "薛": 1, "段": 1, "雷": 1, "侯": 1, "龙": 1, "史": 1, "陶": 1,
    "黎": 1, "贺": 1, "顾": 1, "毛": 1, "郝": 1, "龚": 1, "邵": 1, "万": 1, "钱": 1,
    "严": 1, "武": 1, "戴": 1, "莫": 1, "孔": 1, "汤": 1, "应": 1, "楼": 1, "俞": 1,
    "欧阳": 0.3, "诸葛": 0.1,
}

# Characters of given names, most common first (the weight falls with the position).
GIVEN_MALE = (
    "伟强磊军勇杰涛明超斌波辉刚平建国华文志林峰鹏飞宇浩俊海东晨凯亮宏新立成永庆春德兵卫"
    "忠彬毅锋健龙阳坤琦振旭鑫荣达利胜祥民晓福清广正金光涵哲良栋江育"
)
GIVEN_FEMALE = (
    "芳娜敏静丽艳娟霞燕玲婷雪慧红琳颖萍洁梅莉倩晶秀英华兰珍媛月丹佳欣蕾瑶怡璐婕琴桂凤"
    "霖晓云岚露爱宁婉雯璇彤"
)
# Share of two-character given names (the rest have one character).
TWO_CHAR_GIVEN = 0.72

ETHNICITIES: dict[str, float] = {
    "汉族": 93.5, "畲族": 1.6, "回族": 1.2, "满族": 1.0, "土家族": 0.8, "苗族": 0.6,
    "壮族": 0.5, "蒙古族": 0.4, "彝族": 0.2, "侗族": 0.2,
}

# The eight democratic parties, for occupations that draw "any democratic party".
DEMOCRATIC_PARTIES: dict[str, float] = {
    "民革": 10, "民盟": 20, "民建": 18, "民进": 16, "农工党": 14, "致公党": 6,
    "九三学社": 14, "台盟": 2,
}

# --- the city and its districts ------------------------------------------------------------

CITY = "示例市"


@dataclass(frozen=True)
class District:
    name: str             # 东湖区
    delegation: str       # 东湖区代表团
    party_org: str        # 中共东湖区委员会
    gov: str              # 东湖区人民政府
    head: str             # 区长 / 县长 / 主任
    towns: tuple[str, ...]
    congress_org: str = ""  # 东湖区人大常委会 (none for development zones)
    seats: int = 0        # city deputies elected here


DISTRICTS: list[District] = [
    District("东湖区", "东湖区代表团", "中共示例市东湖区委员会", "东湖区人民政府", "区长",
             ("湖滨街道", "东城街道", "新华街道", "月湖街道", "城东镇"),
             "东湖区人大常委会", 52),
    District("西山区", "西山区代表团", "中共示例市西山区委员会", "西山区人民政府", "区长",
             ("西山街道", "凤凰街道", "石门街道", "青龙镇", "白云镇"),
             "西山区人大常委会", 46),
    District("云台区", "云台区代表团", "中共示例市云台区委员会", "云台区人民政府", "区长",
             ("云台街道", "临江街道", "望海街道", "金沙镇"),
             "云台区人大常委会", 40),
    District("南江县", "南江县代表团", "中共南江县委员会", "南江县人民政府", "县长",
             ("南江镇", "清河镇", "柳塘乡", "桃源镇", "杏花乡"),
             "南江县人大常委会", 44),
    District("北岭县", "北岭县代表团", "中共北岭县委员会", "北岭县人民政府", "县长",
             ("北岭镇", "龙泉镇", "松林乡", "梅溪镇", "高桥乡"),
             "北岭县人大常委会", 38),
    District("青溪县", "青溪县代表团", "中共青溪县委员会", "青溪县人民政府", "县长",
             ("青溪镇", "石塘镇", "竹坞乡", "溪口镇"),
             "青溪县人大常委会", 36),
    District("高新区", "高新区代表团", "中共示例高新区工作委员会",
             "示例高新技术产业开发区管理委员会", "主任",
             ("创新街道", "科技城街道"), "", 24),
    District("经开区", "经开区代表团", "中共示例经济技术开发区工作委员会",
             "示例经济技术开发区管理委员会", "主任",
             ("临港街道", "滨海镇"), "", 16),
]
MILITARY_DELEGATION = "解放军代表团"
MILITARY_SEATS = 10

VILLAGES = ["新村", "桥头", "前进", "联丰", "胜利", "红星", "大塘", "石桥", "长岭", "枫树",
            "双溪", "里蒲", "上湾", "下洋", "庙前", "林家", "黄泥岭", "荷花塘", "后山", "樟树"]
COMMUNITIES = ["阳光", "锦绣", "和平", "春晖", "翠苑", "文昌", "滨江", "金桥", "绿洲", "幸福",
               "朝阳", "嘉禾", "湖光", "紫荆", "华庭", "东园", "学府", "明月"]
COMPANY_PREFIXES = ["东方", "华远", "恒信", "海悦", "瑞丰", "天成", "新越", "金鼎", "宏达",
                    "安澜", "明珠", "中盛", "永泰", "博远", "锦程", "汇通", "鸿运", "远洋",
                    "立华", "嘉诚", "奥星", "蓝海", "正泰", "欣科"]
# Companies that make things (for workers and engineers).
FACTORY_KINDS = ["机械制造有限公司", "电子有限公司", "纺织集团有限公司", "食品有限公司",
                 "新材料股份有限公司", "船舶修造有限公司", "智能装备有限公司",
                 "汽车零部件有限公司", "水产食品有限公司", "服饰有限公司"]
COMPANY_KINDS = ["科技股份有限公司", "机械制造有限公司", "电子有限公司", "纺织集团有限公司",
                 "食品有限公司", "新材料股份有限公司", "船舶修造有限公司", "物流有限公司",
                 "建设集团有限公司", "生物医药股份有限公司", "智能装备有限公司",
                 "汽车零部件有限公司", "水产食品有限公司", "服饰有限公司"]
LAW_FIRMS = ["天衡", "正义", "明理", "信和", "海正", "东湖", "中策", "立达", "公诚", "汇法"]
COOPS = ["绿源", "丰收", "田园", "山花", "金穗", "橘香", "茶乡", "稻香"]


# --- occupations -----------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """A work unit template and the titles held there.

    ``unit`` may use {district} {gov} {party_org} {congress_org} {town} {village}
    {community} {company} {factory} {prefix} {firm} {coop}; titles may use {head}.
    Each (unit, title) of a ``unique`` post is held by one person only (e.g. a district's
    区长).
    """

    unit: str
    titles: tuple[str, ...]
    weight: float = 1.0
    unique: bool = False
    needs: str = ""       # "street" (街道 towns only), "rural" (镇/乡 only), "city" (city only)


@dataclass(frozen=True)
class Occupation:
    key: str
    label: str            # the category on statistics tables (代表构成)
    weight_city: float
    weight_county: float
    age: tuple[int, int]
    female: float
    education: dict[str, float]
    party: dict[str, float]
    posts: tuple[Post, ...]
    group: str = ""       # the city's industry group (行业代表小组) for this occupation
    focus: tuple[str, ...] = field(default_factory=tuple)


ANY_DEMOCRATIC = "民主党派"

OCCUPATIONS: list[Occupation] = [
    Occupation(
        "cadre", "党政干部", 24, 14, (42, 58), 0.2,
        {"硕士研究生": 45, "大学本科": 47, "博士研究生": 8},
        {"中共党员": 88, ANY_DEMOCRATIC: 8, "无党派人士": 4},
        (
            Post("{party_org}", ("书记",), 1, True),
            Post("{gov}", ("{head}",), 1, True),
            Post("{gov}", ("副{head}",), 1.2),
            Post("{congress_org}", ("主任",), 1, True),
            Post("{congress_org}", ("副主任",), 0.6),
            Post("{district}{town}", ("党工委书记", "办事处主任"), 2.5, True, "street"),
            Post("{district}{town}", ("党委书记", "镇长"), 2.5, True, "rural"),
            Post("中共示例市委员会", ("书记",), 0.3, True, "city"),
            Post("示例市人民政府", ("市长",), 0.3, True, "city"),
            Post("示例市人民政府", ("副市长",), 0.6, False, "city"),
            Post("示例市人大常委会", ("主任",), 0.3, True, "city"),
            Post("示例市人大常委会", ("副主任",), 0.6, False, "city"),
            Post("示例市监察委员会", ("主任",), 0.3, True, "city"),
            Post("示例市中级人民法院", ("院长",), 0.3, True, "city"),
            Post("示例市人民检察院", ("检察长",), 0.3, True, "city"),
            Post("示例市发展和改革委员会", ("主任",), 0.3, True, "city"),
            Post("示例市教育局", ("局长",), 0.3, True, "city"),
            Post("示例市财政局", ("局长",), 0.3, True, "city"),
            Post("示例市住房和城乡建设局", ("局长",), 0.3, True, "city"),
            Post("示例市农业农村局", ("局长",), 0.3, True, "city"),
            Post("示例市卫生健康委员会", ("主任",), 0.3, True, "city"),
        ),
        focus=(
            "长期从事基层治理工作，关注营商环境优化和民生实事落实。",
            "关注城乡融合发展、基层减负和公共服务均等化。",
            "主持推进老旧小区改造、城市交通治堵等重点民生工程。",
            "熟悉财政经济工作，关注政府债务管理和预算绩效。",
        ),
    ),
    Occupation(
        "worker", "工人", 10, 13, (30, 56), 0.25,
        {"高中（中专）": 38, "大学专科": 40, "大学本科": 16, "初中及以下": 6},
        {"中共党员": 50, "群众": 50},
        (
            Post("示例港集团有限公司", ("桥吊司机、高级技师", "装卸队队长", "班组长"), 1.5),
            Post("国网示例市供电公司", ("输电运检班班长", "配电抢修班班长、高级技师"), 1),
            Post("示例市公共交通集团有限公司", ("公交驾驶员", "线路车队队长"), 1),
            Post("示例市水务集团有限公司", ("管网抢修班班长",), 0.6),
            Post("示例市{factory}", ("车间主任", "一线工人", "高级技师", "质检班班长",
                                    "数控机床操作工", "焊接车间班组长"), 4),
            Post("示例市环境卫生管理处", ("环卫工人", "清扫班班长"), 0.6),
            Post("示例市邮政分公司", ("投递员",), 0.4),
        ),
        focus=(
            "扎根生产一线二十余年，关注产业工人技能提升和劳动权益保障。",
            "曾获市级劳动模范称号，关注安全生产和职工待遇。",
            "关注一线职工通勤、子女入学和职业健康。",
        ),
    ),
    Occupation(
        "farmer", "农民", 8, 16, (35, 62), 0.25,
        {"初中及以下": 25, "高中（中专）": 42, "大学专科": 28, "大学本科": 5},
        {"中共党员": 45, "群众": 55},
        (
            Post("{district}{town}{village}村", ("党支部书记、村委会主任", "党总支书记",
                                                 "村委会主任"), 3, True, "rural"),
            Post("{district}{town}{village}村", ("种粮大户", "家庭农场主", "村民"), 2,
                 False, "rural"),
            Post("{district}{coop}农民专业合作社", ("理事长",), 1.2, True, "rural"),
        ),
        focus=(
            "带领村民发展特色种养和乡村旅游，关注农村人居环境整治。",
            "关注高标准农田建设、农产品销路和农村养老。",
            "关注粮食生产补贴、农机服务和农村道路养护。",
        ),
    ),
    Occupation(
        "professional", "专业技术人员", 8, 6, (32, 60), 0.4,
        {"博士研究生": 25, "硕士研究生": 42, "大学本科": 33},
        {"中共党员": 32, ANY_DEMOCRATIC: 50, "无党派人士": 15, "群众": 3},
        (
            Post("示例市农业科学研究院", ("研究员", "院长、研究员"), 1),
            Post("示例市建筑设计研究院有限公司", ("总建筑师", "高级工程师"), 1),
            Post("示例市海洋与渔业研究所", ("所长、研究员", "高级工程师"), 0.8),
            Post("示例市规划设计研究院", ("总工程师", "高级规划师"), 0.8),
            Post("示例市检验检测研究院", ("副院长、高级工程师",), 0.6),
            Post("示例市{factory}", ("研发中心主任、高级工程师", "总工程师"), 2),
        ),
        focus=(
            "长期从事科研工作，关注科技成果转化和人才引进政策。",
            "关注城市规划、建筑安全和历史街区保护。",
            "关注海洋生态保护和渔民转产转业。",
        ),
    ),
    Occupation(
        "teacher", "教师", 7, 8, (30, 60), 0.6,
        {"大学本科": 50, "硕士研究生": 35, "博士研究生": 10, "大学专科": 5},
        {"中共党员": 48, "民进": 20, "民盟": 12, "九三学社": 4, "无党派人士": 8, "群众": 8},
        (
            Post("示例市第一中学", ("校长", "教师", "副校长"), 1.2),
            Post("示例市实验中学", ("校长", "教师"), 1),
            Post("示例大学", ("教授", "学院院长、教授", "副校长、教授"), 1.2),
            Post("示例职业技术学院", ("院长", "副教授"), 0.8),
            Post("{district}实验小学", ("校长", "教师"), 1.5),
            Post("{district}第一中学", ("校长", "教师"), 1.2),
            Post("{district}{town}中心小学", ("校长", "教师"), 1.2),
            Post("{district}{town}中心幼儿园", ("园长",), 0.8),
            Post("示例市特殊教育学校", ("校长",), 0.3, True, "city"),
        ),
        group="教育行业代表小组",
        focus=(
            "从事教育工作二十余年，关注义务教育均衡发展和教师减负。",
            "关注职业教育产教融合和青年技能人才培养。",
            "关注学前教育普惠和农村学校建设。",
            "关注学生心理健康和校园周边安全。",
        ),
    ),
    Occupation(
        "doctor", "医生", 7, 7, (32, 60), 0.45,
        {"博士研究生": 20, "硕士研究生": 45, "大学本科": 35},
        {"中共党员": 42, "农工党": 25, "九三学社": 10, "民盟": 6, "无党派人士": 9, "群众": 8},
        (
            Post("示例市第一人民医院", ("院长", "心血管内科主任、主任医师", "主任医师",
                                        "护理部主任、主任护师"), 1.5),
            Post("示例市中医院", ("副院长、主任中医师", "主任中医师"), 1),
            Post("示例市妇幼保健院", ("院长", "儿科主任、主任医师"), 0.8),
            Post("示例市疾病预防控制中心", ("主任",), 0.3, True, "city"),
            Post("{district}人民医院", ("院长", "主治医师", "护士长"), 1.5),
            Post("{district}{town}卫生院", ("院长", "全科医生"), 1.2, False, "rural"),
            Post("{district}{town}社区卫生服务中心", ("主任", "全科医生"), 1, False, "street"),
            Post("{district}{town}{village}村卫生室", ("乡村医生",), 0.5, False, "rural"),
        ),
        group="医疗卫生行业代表小组",
        focus=(
            "长期从事临床工作，关注分级诊疗和基层医疗服务能力提升。",
            "关注医保报销、慢病管理和老年人就医便利。",
            "关注公共卫生应急体系和疾病预防。",
            "关注妇幼健康服务和儿科医生短缺问题。",
        ),
    ),
    Occupation(
        "entrepreneur", "企业负责人", 15, 11, (35, 62), 0.2,
        {"大学本科": 40, "硕士研究生": 30, "大学专科": 20, "博士研究生": 5, "高中（中专）": 5},
        {"中共党员": 32, "民建": 24, "民革": 6, "致公党": 6, "无党派人士": 10, "群众": 22},
        (
            Post("示例市{company}", ("董事长", "董事长、总经理", "总经理", "党委书记、董事长"),
                 6, True),
            Post("示例港集团有限公司", ("党委书记、董事长",), 0.3, True, "city"),
            Post("示例市城市建设投资集团有限公司", ("董事长",), 0.3, True, "city"),
            Post("示例农村商业银行股份有限公司", ("董事长",), 0.3, True, "city"),
        ),
        group="企业家代表小组",
        focus=(
            "带领企业专注主业、转型升级，关注中小企业融资和用工。",
            "关注营商环境、涉企政策兑现和产业链协同。",
            "积极参与乡村振兴和慈善公益事业。",
        ),
    ),
    Occupation(
        "community", "社区工作者", 6, 10, (35, 58), 0.55,
        {"大学本科": 55, "大学专科": 40, "硕士研究生": 5},
        {"中共党员": 100},
        (
            Post("{district}{town}{community}社区", ("党委书记、居委会主任", "党总支书记",
                                                     "居委会主任"), 1, True, "street"),
        ),
        focus=(
            "扎根社区工作多年，关注老旧小区加装电梯和居家养老服务。",
            "关注物业管理矛盾化解和社区停车难问题。",
            "推动网格化治理，关注一老一小服务。",
        ),
    ),
    Occupation(
        "lawyer", "律师", 3, 2, (32, 58), 0.35,
        {"大学本科": 40, "硕士研究生": 55, "博士研究生": 5},
        {"中共党员": 40, "民盟": 20, "民革": 12, "无党派人士": 18, "群众": 10},
        (
            Post("示例{firm}律师事务所", ("主任、律师", "合伙人、律师", "律师"), 1),
        ),
        group="法律行业代表小组",
        focus=(
            "长期从事法律服务，关注法治政府建设和公共法律服务。",
            "关注劳动争议调解和农民工欠薪治理。",
        ),
    ),
    Occupation(
        "other", "其他", 3, 5, (30, 50), 0.35,
        {"大学专科": 40, "高中（中专）": 35, "大学本科": 25},
        {"中共党员": 30, "群众": 65, "无党派人士": 5},
        (
            Post("示例市{prefix}物流有限公司", ("快递员",), 0.6),
            Post("示例市{prefix}出行科技有限公司", ("网约车驾驶员",), 0.5),
            Post("示例市{prefix}网络科技有限公司", ("外卖骑手",), 0.4),
            Post("示例市{community}公益服务中心", ("理事长",), 0.8),
            Post("{district}{town}", ("个体工商户",), 1),
        ),
        focus=(
            "关注新就业形态劳动者权益保障。",
            "热心公益，长期组织志愿服务活动。",
            "关注小微商户经营和夜市规范管理。",
        ),
    ),
]

MILITARY = Occupation(
    "military", "解放军和武警", 0, 0, (35, 55), 0.1,
    {"大学本科": 60, "硕士研究生": 40},
    {"中共党员": 100},
    (
        Post("示例军分区", ("司令员", "政治委员"), 1, True),
        Post("武警示例市支队", ("支队长", "政治委员"), 1, True),
        Post("驻示例市部队某部", ("部队长", "政治委员", "参谋长", "政治工作部主任",
                                  "一级军士长", "四级军士长", "连长", "指导员"), 4, True),
    ),
    focus=("关注军地协作、双拥共建和退役军人服务保障。",
           "关注随军家属就业和军人子女入学。"),
)

EDUCATION_PHRASE = {
    "博士研究生": "博士研究生学历", "硕士研究生": "硕士研究生学历", "大学本科": "大学本科学历",
    "大学专科": "大学专科学历", "高中（中专）": "高中（中专）学历", "初中及以下": "初中学历",
}

# --- the city congress --------------------------------------------------------------------

CITY_CONGRESS = {"name": "示例市人民代表大会", "short_name": "示例市人大", "region_code": "330900"}
CITY_TERM = 16
CITY_TERM_START = date(2022, 1, 10)
CITY_PREVIOUS_TERM_START = date(2017, 1, 9)
# (start, end) of the five sessions of the current term.
CITY_SESSIONS = [
    (date(2022, 1, 10), date(2022, 1, 14)),
    (date(2023, 1, 9), date(2023, 1, 12)),
    (date(2024, 1, 15), date(2024, 1, 19)),
    (date(2025, 1, 13), date(2025, 1, 16)),
    (date(2026, 1, 12), date(2026, 1, 16)),
]
CITY_PREVIOUS_SESSIONS = [
    (date(2017, 1, 9), date(2017, 1, 13)),
    (date(2018, 1, 15), date(2018, 1, 18)),
    (date(2019, 1, 14), date(2019, 1, 17)),
    (date(2020, 1, 6), date(2020, 1, 9)),
    (date(2021, 1, 11), date(2021, 1, 14)),
]

# (name, short name, kind, parent name)
CITY_BODIES = [
    ("示例市人民代表大会常务委员会", "常委会", "standing", ""),
    ("法制委员会", "法制委", "special", ""),
    ("财政经济委员会", "财经委", "special", ""),
    ("教育科学文化卫生委员会", "教科文卫委", "special", ""),
    ("城乡建设环境保护委员会", "城建环保委", "special", ""),
    ("农业与农村委员会", "农业农村委", "special", ""),
    ("社会建设委员会", "社会委", "special", ""),
    ("代表工作委员会", "人代工委", "working", "示例市人民代表大会常务委员会"),
    ("预算工作委员会", "预算工委", "working", "示例市人民代表大会常务委员会"),
    ("法制工作委员会", "法工委", "working", "示例市人民代表大会常务委员会"),
    ("办公厅", "办公厅", "office", "示例市人民代表大会常务委员会"),
]

# Handling units (承办单位): (name, short name, is a department of 市人民政府).
CITY_GOVERNMENT = "市人民政府"
CITY_UNITS = [
    ("市人民政府", "市政府", False),
    ("市监察委员会", "市监委", False),
    ("市中级人民法院", "市中院", False),
    ("市人民检察院", "市检察院", False),
    ("市发展和改革委员会", "市发改委", True),
    ("市经济和信息化局", "市经信局", True),
    ("市教育局", "市教育局", True),
    ("市科学技术局", "市科技局", True),
    ("市公安局", "市公安局", True),
    ("市民政局", "市民政局", True),
    ("市司法局", "市司法局", True),
    ("市财政局", "市财政局", True),
    ("市人力资源和社会保障局", "市人社局", True),
    ("市自然资源和规划局", "市资规局", True),
    ("市生态环境局", "市生态环境局", True),
    ("市住房和城乡建设局", "市住建局", True),
    ("市交通运输局", "市交通局", True),
    ("市水利局", "市水利局", True),
    ("市农业农村局", "市农业农村局", True),
    ("市商务局", "市商务局", True),
    ("市文化广电旅游局", "市文广旅局", True),
    ("市卫生健康委员会", "市卫健委", True),
    ("市退役军人事务局", "市退役军人局", True),
    ("市应急管理局", "市应急局", True),
    ("市市场监督管理局", "市市场监管局", True),
    ("市体育局", "市体育局", True),
    ("市医疗保障局", "市医保局", True),
    ("市城市管理局", "市城管局", True),
    ("市数据资源管理局", "市数据局", True),
    ("市信访局", "市信访局", True),
    ("国网示例市供电公司", "供电公司", False),
    ("示例市水务集团有限公司", "水务集团", False),
]

CITY_INDUSTRY_GROUPS = ["医疗卫生行业代表小组", "教育行业代表小组", "企业家代表小组",
                        "农业农村行业代表小组", "法律行业代表小组"]
# Occupations whose deputies join the agriculture group as well.
AGRICULTURE_OCCUPATIONS = {"farmer"}

# --- county congresses --------------------------------------------------------------------


@dataclass(frozen=True)
class County:
    district: str         # the District it governs
    region_code: str
    term: int
    term_start: date
    deputies: int         # deputies of its roster in all
    shared: int           # of whom also city deputies


COUNTIES = [
    County("东湖区", "330902", 19, date(2021, 12, 28), 56, 11),
    County("西山区", "330903", 18, date(2021, 12, 29), 48, 9),
    County("南江县", "330921", 19, date(2021, 12, 27), 52, 10),
    County("北岭县", "330922", 18, date(2021, 12, 30), 44, 8),
]
# (name suffix, kind) of the departments of each county government handling suggestions.
COUNTY_DEPARTMENTS = ["发展和改革局", "教育局", "民政局", "财政局", "住房和城乡建设局",
                      "交通运输局", "农业农村局", "卫生健康局", "综合行政执法局"]

# --- the demo accounts --------------------------------------------------------------------

DEMO_PASSWORD = "renda-demo"  # noqa: S105 - the published password of the demo accounts

# The deputy whose account is `deputy`: a city deputy and a 东湖区 deputy at the same time.
DEMO_DEPUTY = {
    "name": "李明华", "gender": "男", "ethnicity": "汉族", "birth_date": date(1976, 6, 18),
    "party": "中共党员", "education": "大学本科",
    "work_unit": "东湖区湖滨街道湖光社区", "title": "党委书记、居委会主任",
    "district": "东湖区", "town": "湖滨街道", "occupation": "community",
    "bio": ("李明华，男，汉族，1976年6月出生，中共党员，大学本科学历。现任东湖区湖滨街道"
            "湖光社区党委书记、居委会主任。扎根社区工作二十年，推动老旧小区加装电梯"
            "三十余部，关注居家养老服务和社区停车难问题。"),
}

# (username, full name, role, organization name, what the account shows)
DEMO_ACCOUNTS = [
    ("sysadmin", "陈立新", "sysadmin", "", "用户与系统配置"),
    ("secadmin", "孙晓燕", "secadmin", "", "角色授权与安全策略"),
    ("auditor", "郑国强", "auditor", "", "只读审计日志"),
    ("staff", "王丽娟", "staff", "代表工作委员会", "代表名册、导入导出、审核交办"),
    ("leader", "张志远", "leader", "", "全局只读、领衔督办"),
    ("committee", "刘海涛", "committee", "财政经济委员会", "专委会联合督办"),
    ("unit", "赵文斌", "unit", "市住房和城乡建设局", "本单位承办事项"),
    ("unit2", "钱晓梅", "unit", "市交通运输局", "本单位承办事项"),
    ("keeper", "吴桂芳", "station_keeper", "", "联络站接待与群众留言"),
    ("deputy", DEMO_DEPUTY["name"], "deputy", "", "本人建议、履职档案（市、区两级代表）"),
]

# Mandates that ended during the term: (reason, note, end date).
ENDED_MANDATES = [
    ("resigned", "因工作调整，本人书面提出辞去市人大代表职务，经原选举单位人大常委会接受",
     date(2023, 4, 20)),
    ("transferred", "调离本行政区域，代表资格自行终止", date(2023, 9, 12)),
    ("resigned", "因身体原因，本人提出辞去市人大代表职务，经原选举单位人大常委会接受",
     date(2024, 3, 6)),
    ("recalled", "因严重违纪违法，被原选举单位人大常委会罢免", date(2024, 8, 28)),
    ("transferred", "调往外省工作，代表资格自行终止", date(2025, 2, 17)),
    ("resigned", "因工作调动离开选举单位，本人提出辞职，经原选举单位人大常委会接受",
     date(2025, 6, 30)),
]
# Deputies elected at by-elections (补选) during the term: start dates.
BY_ELECTIONS = [date(2023, 6, 28), date(2024, 6, 26), date(2025, 6, 25)]
