"""Reads of the audit log, for bpjs_admin, cut to their region."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from cakupan.accounts.scope import Actor, require_capability
from cakupan.audit.models import AuditEntry
from cakupan.regions.selectors import within_q


def audit_list(
    *,
    actor: Actor,
    action: str | None = None,
    who: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries `actor` may browse, newest first; a regional admin sees entries of their region."""
    require_capability(actor, "audit.view")
    qs = AuditEntry.objects.all()
    if actor.region_code:
        qs = qs.filter(within_q("region_code", actor.region_code))
    if action:
        qs = qs.filter(action=action)
    if who:
        qs = qs.filter(actor_label__icontains=who)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    return qs
