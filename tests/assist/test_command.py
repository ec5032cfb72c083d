"""`renda assist train`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from renda.assist.models import RoutingModel


def test_train_command_trains_named_congress(city, history):
    out = io.StringIO()
    call_command("assist", "train", "--congress", city.region_code, "--no-eval", stdout=out)
    assert "模型 v1，27 件，3 类" in out.getvalue()
    assert RoutingModel.objects.get(congress=city).reason == "command"


def test_train_command_refuses_clearly(city, units):
    out = io.StringIO()
    with pytest.raises(CommandError, match="训练未完成"):
        call_command("assist", "train", "--congress", city.region_code, stdout=out)
    assert "至少需要 20 件" in out.getvalue()
    with pytest.raises(CommandError, match="没有这个人大"):
        call_command("assist", "train", "--congress", "999999")
