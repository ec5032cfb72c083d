"""Writing hints for a deputy's draft (never blocking): does it state a problem, an analysis
and concrete measures (有问题、有分析、有对策); is it too short or vague (no place, no
number, no concrete measure); does it look like a personal matter or a case in court."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Hint:
    code: str
    level: str  # "ok" | "tip" | "warn"
    message: str


MIN_PART = 15   # characters: below this a part is treated as missing
MIN_TOTAL = 80  # characters of problem + analysis + measures

_PLACE = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9]{1,12}?(?:省|市|区|县|镇|乡|街道|村|社区|小区|路|街|大道|巷|桥|"
    r"广场|公园|学校|小学|中学|医院|卫生院|市场|园区|开发区|新区|片区|河|湖|江|水库)")
# endings that name no particular place
_GENERIC = ("城市", "地区", "辖区", "城区", "景区", "山区", "农村", "乡村", "线路", "道路", "马路",
            "公路", "出路", "思路", "门路", "老路", "街道办", "江湖", "市场", "学校", "医院", "中学", "小学")


def _names_place(text: str) -> bool:
    for m in _PLACE.finditer(text or ""):
        word = m.group()
        if len(word) >= 3 and not any(word.endswith(g) and len(word) <= len(g) + 1 for g in _GENERIC) \
                and word[-2:] not in ("线路", "道路", "马路", "公路", "城市", "地区", "辖区", "城区"):
            return True
    return False


_NUMBER = re.compile(
    r"\d|[一二三四五六七八九十百千万两几]+(?:个|处|所|名|人|户|条|辆|家|座|年|月|天|次|万|亿|成|倍|公里|米|亩)|百分之")
_MEASURE = re.compile(
    r"建议|增设|设立|设置|新建|改建|改造|扩建|修建|建设|出台|制定|完善|建立|健全|加大|安排|开展|"
    r"落实|增加|提高|推进|推动|实施|纳入|统筹|划定|配备|补贴|补助|减免|试点|整治|拓宽|疏通|取消|明确|规范")
_VAGUE = re.compile(r"高度重视|引起重视|加强管理|加大力度|切实解决|尽快解决|予以解决|有关部门|相关部门|想办法")
_PERSONAL = re.compile(
    r"我家|我的(?:父亲|母亲|儿子|女儿|丈夫|妻子|房子|工资|孩子)|本人(?:的)?|我父亲|我母亲|我爸|我妈|我老公|我老婆|"
    r"邻居|拖欠我|欠我|赔偿我|我的工作|我单位|我被|给我|帮我|私人恩怨|家庭纠纷|离婚")
_COURT = re.compile(r"法院|起诉|诉讼|判决|裁定|上诉|再审|开庭|仲裁|强制执行|执行案|官司|案件审理|律师函")


def _has(pattern: re.Pattern[str], text: str) -> bool:
    return bool(pattern.search(text or ""))


def _len(text: str) -> int:
    return len(re.sub(r"\s", "", text or ""))


def writing_hints(title: str = "", problem: str = "", analysis: str = "", measures: str = "",
                  place_words: Iterable[str] = ()) -> list[Hint]:
    """Hints for a draft, worst first. ``place_words`` are the congress's own place and unit
    names (the user dictionary), which also count as naming a place."""
    hints: list[Hint] = []
    body = "\n".join([problem or "", analysis or "", measures or ""])
    everything = f"{title or ''}\n{body}"
    if _len(body) == 0:
        return [Hint("empty", "tip", "写下问题、分析和对策后，这里会给出写作提示。")]

    parts = [("problem", "问题", problem, "写明存在什么问题、在哪里、影响了谁。"),
             ("analysis", "分析", analysis, "分析问题的原因，比如政策、资金、管理上的短板。"),
             ("measures", "对策", measures, "提出可操作的具体措施：由谁、做什么、到什么程度。")]
    for code, label, text, advice in parts:
        if _len(text) < MIN_PART:
            hints.append(Hint(f"no_{code}", "warn", f"缺少“{label}”或过于简单：{advice}"))
        else:
            hints.append(Hint(f"has_{code}", "ok", f"已写明{label}。"))

    if _has(_COURT, everything):
        hints.append(Hint("court", "warn",
                          "内容涉及诉讼、仲裁或法院裁判的个案。代表建议不宜干预司法个案，"
                          "可告知当事人依法通过诉讼、申诉等途径解决。"))
    if _has(_PERSONAL, everything):
        hints.append(Hint("personal", "warn",
                          "内容像是个人或家庭事务。代表建议应反映带有普遍性的问题；"
                          "个人诉求可转信访或有关部门处理。"))
    if _len(body) < MIN_TOTAL:
        hints.append(Hint("short", "warn", f"全文只有 {_len(body)} 字，偏短，难以让承办单位了解情况。"))
    names = [w for w in place_words if w]
    if not (_names_place(everything) or any(w in everything for w in names)):
        hints.append(Hint("no_place", "tip", "没有写明具体地点（哪个区、街道、路段、小区或单位）。"))
    if not _has(_NUMBER, body):
        hints.append(Hint("no_number", "tip", "没有数据：写上涉及多少人、多少处、多长时间，更有说服力。"))
    if _len(measures) >= MIN_PART and not _has(_MEASURE, measures):
        hints.append(Hint("vague_measures", "tip", "对策不够具体：写明要采取的措施，如增设、改造、出台办法等。"))
    elif _has(_VAGUE, measures) and _len(_VAGUE.sub("", measures)) < 2 * MIN_PART:
        hints.append(Hint("vague_measures", "tip", "对策多为“高度重视”“加强管理”之类的表述，请写出具体做法。"))

    order = {"warn": 0, "tip": 1, "ok": 2}
    return sorted(hints, key=lambda h: order[h.level])
