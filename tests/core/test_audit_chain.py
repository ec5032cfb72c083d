"""The audit log is append-only and hash-chained (等保 2.0 安全审计): `renda audit verify`
names the first row that was edited or follows a deleted one, and notices a cut-off tail."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from renda.core import audit
from renda.core.models import AuditEvent, AuditHead
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(city, staff):
    return [audit.record(f"test.event{i}", actor=staff, congress=city, summary={"n": i})
            for i in range(5)]


def raw(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_fails() -> str:
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    return str(exc.value)


def test_first_event_chains_onto_the_genesis_hash(city):
    event = audit.record("test.first", congress=city)
    assert event.prev_hash == "0" * 64
    assert event.hash == event.compute_hash()
    assert event.actor_label == "系统"


def test_each_event_chains_onto_the_previous_one(chain):
    for before, after in pairwise(chain):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in chain}) == len(chain)


def test_head_remembers_the_end_of_the_chain(chain):
    head = AuditHead.objects.get(id=1)
    assert head.count == 5
    assert head.last_id == chain[-1].pk
    assert head.last_hash == chain[-1].hash


def test_record_takes_the_object_type_and_id(city, staff):
    event = audit.record("test.obj", obj=staff, congress=city)
    assert (event.object_type, event.object_id) == ("core.user", str(staff.pk))


def test_verify_passes_on_a_clean_chain(chain, capsys):
    call_command("audit", "verify")
    assert "共 5 条" in capsys.readouterr().out


def test_verify_passes_on_an_empty_log(db, capsys):
    call_command("audit", "verify")
    assert "共 0 条" in capsys.readouterr().out


def test_edited_summary_is_found_and_named(chain):
    edited = chain[2]
    raw("UPDATE core_auditevent SET summary=%s WHERE id=%s", '{"n": 99}', edited.pk)
    message = verify_fails()
    assert f"#{edited.pk}：" in message
    assert "本条记录内容被改动" in message


def test_deleted_middle_row_names_the_next_row(chain):
    raw("DELETE FROM core_auditevent WHERE id=%s", chain[2].pk)
    message = verify_fails()
    assert f"#{chain[3].pk}：" in message
    assert "上一条记录缺失或被改动" in message


def test_deleted_last_row_is_caught_by_the_head(chain):
    raw("DELETE FROM core_auditevent WHERE id=%s", chain[-1].pk)
    message = verify_fails()
    assert "链尾记录缺失" in message
    assert f"#{chain[-1].pk}：" in message


def test_rewritten_hash_of_the_last_row_is_caught(chain):
    """Recomputing a forged row's own hash is not enough: the head still holds the old one."""
    last = AuditEvent.objects.get(pk=chain[-1].pk)
    last.summary = {"n": 99}
    forged = last.compute_hash()
    raw("UPDATE core_auditevent SET summary=%s, hash=%s WHERE id=%s", '{"n": 99}', forged,
        last.pk)
    assert "链尾记录缺失" in verify_fails()


def test_saving_an_existing_event_is_refused(chain):
    event = AuditEvent.objects.get(pk=chain[0].pk)
    event.summary = {"n": 99}
    with pytest.raises(TypeError):
        event.save()
    assert AuditEvent.objects.get(pk=chain[0].pk).summary == {"n": 0}


def test_deleting_an_event_is_refused(chain):
    with pytest.raises(TypeError):
        AuditEvent.objects.get(pk=chain[0].pk).delete()
    assert AuditEvent.objects.count() == 5


def test_queryset_update_is_refused(chain):
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=chain[0].pk).update(summary={})
    with pytest.raises(TypeError):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.get(pk=chain[0].pk).summary == {"n": 0}


def test_queryset_delete_is_refused(chain):
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 5


def test_auditor_checks_the_chain_from_the_web(chain, auditor):
    response = client_for(auditor).get("/audit/verify/")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "checked": 5, "bad_id": None, "reason": ""}


def test_web_check_reports_a_tampered_row(chain, auditor):
    raw("UPDATE core_auditevent SET summary=%s WHERE id=%s", '{"n": 99}', chain[1].pk)
    body = client_for(auditor).get("/audit/verify/").json()
    assert body["ok"] is False
    assert body["bad_id"] == chain[1].pk
