"""Writing hints: 有问题、有分析、有对策; too short or vague; personal matters and court cases."""

from __future__ import annotations

from renda.assist.hints import writing_hints

GOOD = dict(
    title="关于在西湖街道增设公交线路的建议",
    problem="西湖街道常住人口约3万人，目前只有2条公交线路经过，高峰期候车超过30分钟，老人和学生出行困难。",
    analysis="主要原因是新建小区入住快，公交线网规划滞后，站点覆盖不足，财政补贴没有跟上。",
    measures="建议市交通运输局在年内新增1条连接地铁站的社区公交线路，并在梅园小区门口增设站点。",
)


def codes(**fields):
    return {h.code for h in writing_hints(**fields)}


def test_a_complete_draft_gets_only_confirmations():
    hints = writing_hints(**GOOD)
    assert {h.level for h in hints} == {"ok"}
    assert {h.code for h in hints} == {"has_problem", "has_analysis", "has_measures"}


def test_missing_analysis_and_measures_are_named():
    found = codes(title=GOOD["title"], problem=GOOD["problem"])
    assert {"no_analysis", "no_measures", "has_problem"} <= found


def test_too_short_draft():
    hints = writing_hints(title="修路", problem="路不好走，希望修一修。", analysis="", measures="")
    assert hints[0].level == "warn"
    assert "short" in {h.code for h in hints}
    assert "偏短" in next(h.message for h in hints if h.code == "short")


def test_no_place_and_no_number():
    found = codes(title="关于改善交通的建议",
                  problem="有的地方交通不太方便，群众出行有困难，大家意见很大，影响生活质量和出行安全。",
                  analysis="主要是规划不够合理，投入也不够，管理上存在薄弱环节，协调机制不健全。",
                  measures="建议有关部门统筹规划，增设公交线路，完善站点设置，改善出行条件。")
    assert {"no_place", "no_number"} <= found


def test_place_from_user_dictionary_counts():
    fields = dict(title="关于改善交通的建议", problem="梅溪湖出行不便，群众意见很大，高峰期等车困难。" * 2,
                  analysis="规划滞后，投入不足，管理薄弱。" * 2, measures="建议增设公交线路，完善站点。" * 2)
    assert "no_place" not in {h.code for h in writing_hints(**fields, place_words=["梅溪湖"])}


def test_vague_measures():
    found = codes(title=GOOD["title"], problem=GOOD["problem"], analysis=GOOD["analysis"],
                  measures="希望相关部门高度重视，引起重视，认真对待此事。")
    assert "vague_measures" in found


def test_personal_matter():
    found = codes(title="关于解决我父亲工伤赔偿的建议",
                  problem="我父亲在工地受伤，至今没有拿到赔偿，老板拖欠我家工资3个月。",
                  analysis="老板态度恶劣，我们多次找都没有结果。", measures="建议劳动部门督促老板赔偿我家损失。")
    assert "personal" in found


def test_case_in_court():
    found = codes(title="关于某房产纠纷的建议", problem="这起纠纷已经起诉到区法院，判决结果对业主不公，目前正在上诉。",
                  analysis=GOOD["analysis"], measures=GOOD["measures"])
    assert "court" in found
    assert "personal" not in found


def test_empty_draft_gets_an_invitation_not_an_error():
    hints = writing_hints()
    assert [h.code for h in hints] == ["empty"]
