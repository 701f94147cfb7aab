"""Reads of the import history, for roles that may import, cut to their region."""

from __future__ import annotations

from django.db.models import QuerySet

from cakupan.accounts.scope import Actor, require_capability
from cakupan.errors import NotFound
from cakupan.imports.models import ImportRecord
from cakupan.imports.services.driver import import_reap
from cakupan.regions.selectors import within_q


def import_list(*, actor: Actor) -> QuerySet[ImportRecord]:
    require_capability(actor, "registry.import")
    import_reap()  # an import whose process died shows as failed, not running for ever
    return ImportRecord.objects.filter(within_q("region_code", actor.region_code))


def import_get(*, actor: Actor, record_id: int) -> ImportRecord:
    record = import_list(actor=actor).filter(pk=record_id).first()
    if record is None:
        raise NotFound(apa=f"Impor #{record_id}", what=f"Import #{record_id}")
    return record
