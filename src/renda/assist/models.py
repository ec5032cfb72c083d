"""智能辅助: trained routing models, keyword rules for the cold start, and the user
dictionary of local place and unit names — all per congress (issue 7)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from renda.core.models import Congress, Organization, User


class RoutingTarget(models.TextChoices):
    UNIT = "unit", "承办单位"
    CATEGORY = "category", "领域"
    # Citizens' messages are short and plain-spoken; a congress's own transfers of them
    # teach their routing better than its suggestions do.
    MESSAGE_UNIT = "msg_unit", "群众留言承办单位"


class RoutingModel(models.Model):
    """One trained routing model of a congress, kept with what it needs to be trusted:
    its version, how many past assignments it learnt from, its measured quality and the
    library versions it was saved with (a model saved by other versions is refused)."""

    # CASCADE: a model is derived data of its congress; it can always be trained again.
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="+")
    target = models.CharField("预测对象", max_length=10, choices=RoutingTarget.choices,
                              default=RoutingTarget.UNIT)
    version = models.PositiveIntegerField("版本")
    is_active = models.BooleanField("在用", default=True)
    n_train = models.PositiveIntegerField("训练样本数")
    n_labels = models.PositiveIntegerField("类别数")
    quality = models.JSONField("质量", default=dict, blank=True,
                               help_text="交叉验证：accuracy、macro_f1、top3、folds。")
    libraries = models.JSONField("库版本", default=dict, blank=True)
    labels = models.JSONField("类别名称", default=dict, blank=True)
    train_seconds = models.FloatField("训练用时（秒）", default=0)
    blob = models.BinaryField("模型")
    trained_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")  # SET_NULL: the model outlives the account
    reason = models.CharField("原因", max_length=40, default="manual")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "分办模型"
        ordering = ["congress_id", "target", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "target", "version"],
                                    name="routingmodel_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.congress} {self.get_target_display()}模型 v{self.version}"


class KeywordRule(models.Model):
    """Keywords that point to one handling unit, used before there is enough history."""

    # CASCADE: rules belong to the congress; PROTECT the unit so history stays readable.
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                             verbose_name="承办单位")
    keywords = models.TextField("关键词", max_length=2000, blank=True,
                                help_text="用空格、逗号或换行分隔，如：道路 公交 停车。")
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "分办关键词规则"
        ordering = ["congress_id", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "unit"], name="keywordrule_unique_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.keywords[:30]}"

    @property
    def words(self) -> list[str]:
        from .text import split_words

        return split_words(self.keywords)


class DictWord(models.Model):
    """A local name (place, unit, project) that jieba must keep as one word."""

    # CASCADE: dictionary words belong to their congress.
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="+")
    word = models.CharField("词", max_length=40)
    added_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "用户词典"
        ordering = ["congress_id", "word"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "word"], name="dictword_unique"),
        ]

    def __str__(self) -> str:
        return self.word


class RetrainState(models.Model):
    """Per congress: assignments seen since the last model, and the claim of a queued
    retraining so two workers never train the same congress twice at once."""

    congress = models.OneToOneField(Congress, on_delete=models.CASCADE, related_name="+")
    new_assignments = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "重新训练状态"

    def __str__(self) -> str:
        return f"{self.congress}: {self.new_assignments}"
