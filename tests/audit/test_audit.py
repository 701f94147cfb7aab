import pytest
from django.db import DatabaseError, connection, transaction

from cakupan.audit.models import AppendOnly, AuditEntry
from cakupan.audit.selectors import audit_list
from cakupan.audit.services import audit_record
from cakupan.errors import PermissionDenied


def test_entries_cannot_be_changed_or_deleted_by_the_app(bpjs_admin):
    entry = audit_record(actor=bpjs_admin, action="export", rows=10)
    entry.row_count = 1
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(row_count=0)
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()


def test_database_refuses_raw_update_and_delete(bpjs_admin):
    entry = audit_record(actor=bpjs_admin, action="export", rows=10)
    for sql in ("UPDATE audit_auditentry SET row_count = 0", "DELETE FROM audit_auditentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    entry.refresh_from_db()
    assert entry.row_count == 10


def test_export_is_audited_with_row_count(client, bpjs_admin, participants):
    client.force_login(bpjs_admin)
    response = client.get("/registri/peserta/ekspor/?format=xlsx")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="export")
    assert entry.row_count == 4 and entry.actor == bpjs_admin
    assert entry.detail["what"] == "participants"


def test_audit_page_for_admin_only(client, bpjs_admin, analyst):
    audit_record(actor=bpjs_admin, action="export", rows=3)
    client.force_login(analyst)
    assert client.get("/audit/").status_code == 403
    client.force_login(bpjs_admin)
    body = client.get("/audit/?action=export").content.decode()
    assert "admin_bali" in body


def test_regional_admin_sees_only_entries_of_their_region(make_user, bpjs_admin):
    jakarta = make_user("admin_jkt", "bpjs_admin", "31")
    audit_record(actor=jakarta, action="export", rows=1)
    audit_record(actor=bpjs_admin, action="export", rows=2)
    assert [e.row_count for e in audit_list(actor=bpjs_admin)] == [2]


def test_audit_list_refuses_other_roles(analyst):
    with pytest.raises(PermissionDenied):
        audit_list(actor=analyst)
