"""Staff write a draft on a deputy's behalf (a citizen's message turned into a suggestion):
it becomes the deputy's own draft, audited; only staff may, and only for a serving deputy."""

from __future__ import annotations

import pytest

from renda.core.errors import DomainError, NotAllowed
from renda.core.models import AuditEvent
from renda.suggestions import actions
from renda.suggestions.models import Status, Suggestion


def test_staff_draft_is_the_deputys_to_edit_and_is_audited(staff, city, deputy_user, category):
    deputy = deputy_user.deputy
    s = actions.draft_for(staff, city, deputy.pk, title="关于路灯的建议", problem="路灯不亮。",
                          reason="由群众留言ABC转来")
    assert s.status == Status.DRAFT and s.lead_deputy_id == deputy.pk and s.created_by == staff
    assert s.transitions.get().reason == "由群众留言ABC转来"
    event = AuditEvent.objects.get(action="suggestion.draft", object_id=str(s.pk))
    assert event.actor_id == staff.pk and event.summary["for_deputy"] == deputy.pk
    # the deputy edits it as their own draft
    edited = actions.save_draft(deputy_user, city, actions.DraftData(
        title="关于修复路灯的建议", problem="路灯不亮两个月。", category_id=category.pk), suggestion=s)
    assert edited.title == "关于修复路灯的建议"


def test_only_staff_and_only_for_a_serving_deputy(staff, city, deputy_user, unit_user, outsider,
                                                  other_deputy):
    deputy = deputy_user.deputy
    for actor in (deputy_user, unit_user, outsider):
        with pytest.raises(NotAllowed):
            actions.draft_for(actor, city, deputy.pk, title="标题", problem="")
    with pytest.raises(DomainError, match="在任"):
        actions.draft_for(staff, city, other_deputy.pk, title="标题", problem="")
    with pytest.raises(DomainError):
        actions.draft_for(staff, city, deputy.pk, title="", problem="")
    with pytest.raises(DomainError):
        actions.draft_for(staff, city, deputy.pk, title="长" * 101, problem="")
    assert not Suggestion.objects.exists()
