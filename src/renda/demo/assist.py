"""智能辅助 in the demo: keyword rules for the main units (the cold start), local names in
the user dictionary, and — when the demo has suggestions — routing models trained from
their assignments and from the transfers of citizens' messages."""

from __future__ import annotations

from typing import Any

from renda.core.models import Congress, Organization

from . import data

RULES = {
    "市教育局": "学校 幼儿园 学位 教师 课后服务 校园 中小学 教育",
    "市交通运输局": "公交 地铁 道路 交通 停车 出行 客运 班车",
    "市住房和城乡建设局": "小区 物业 电梯 老旧小区 住房 保障房 建筑 燃气",
    "市卫生健康委员会": "医院 医生 看病 就医 卫生 疫苗 医疗 养老护理",
    "市人力资源和社会保障局": "就业 社保 工资 养老保险 技能培训 劳动",
    "市生态环境局": "污染 噪音 排放 垃圾 环境 水质 空气",
    "市农业农村局": "农村 农业 农民 种植 养殖 乡村振兴 耕地",
    "市文化广电旅游局": "旅游 景区 文化 图书馆 博物馆 非遗",
    "市城市管理局": "城管 占道 路灯 绿化 环卫 违建",
    "市民政局": "养老 低保 残疾人 社区 殡葬 救助",
    "市市场监督管理局": "食品安全 价格 市场 商家 消费者",
    "市医疗保障局": "医保 报销 药品 门诊 异地就医",
}


def load_assist(congress: Congress, stdout: Any = None, *, train: bool = True) -> None:
    from renda.assist.actions import train as train_model
    from renda.assist.actions import training_data
    from renda.assist.models import DictWord, KeywordRule, RoutingTarget
    from renda.assist.routing import MIN_TRAIN

    units = {u.name: u for u in Organization.objects.units().filter(congress=congress)}
    KeywordRule.objects.bulk_create([KeywordRule(congress=congress, unit=units[name], keywords=words)
                                     for name, words in RULES.items() if name in units])
    words = sorted({d.name for d in data.DISTRICTS} | {c.district for c in data.COUNTIES})
    DictWord.objects.bulk_create([DictWord(congress=congress, word=w) for w in words])
    if train and len(training_data(congress)[0]) >= MIN_TRAIN:
        model = train_model(congress, reason="demo")
        if stdout is not None:
            stdout.write(f"智能辅助：分办模型 v{model.version}，{model.n_train} 件历史交办，"
                         f"交叉验证 F1 {model.quality.get('macro_f1', 0):.3f}。")
    target = RoutingTarget.MESSAGE_UNIT
    if train and len(training_data(congress, target)[0]) >= MIN_TRAIN:
        model = train_model(congress, reason="demo", target=target)
        if stdout is not None:
            stdout.write(f"智能辅助：群众留言分办模型 v{model.version}，{model.n_train} 条转办留言，"
                         f"交叉验证 F1 {model.quality.get('macro_f1', 0):.3f}。")
